"""Reports summed on the server for one map view: clusters when many are in view, the reports
themselves when few are. What the browser receives then depends on the view, not on the
size of the database (issue 7: at most about 1 MB at any zoom for 200,000 reports).

Cells are squares of the Web Mercator map, CELL_PX screen pixels wide at the view's zoom, so a
cluster covers the same screen area at every zoom.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

INDIVIDUAL_MAX = 3000  # reports drawn one by one when no more than this many are in view
CELL_PX = 80
TILE_PX = 256


@dataclass(frozen=True)
class View:
    zoom: int
    west: float
    south: float
    east: float
    north: float

    def contains(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        return (lon >= self.west) & (lon <= self.east) & (lat >= self.south) & (lat <= self.north)


@dataclass(frozen=True)
class Aggregate:
    """Either `points` (positions in the input of the reports in view) or `clusters`
    (columns lon, lat, count and one count per status code), never both."""

    in_view: int
    points: np.ndarray
    clusters: pd.DataFrame

    @property
    def individual(self) -> bool:
        return self.clusters.empty


def mercator_y(lat: np.ndarray) -> np.ndarray:
    """Latitude to Web Mercator y in [0, 1) (0 at the north edge of the map)."""
    phi = np.radians(np.clip(lat, -85.05, 85.05))
    return (1 - np.log(np.tan(phi) + 1 / np.cos(phi)) / np.pi) / 2


def aggregate(lon: np.ndarray, lat: np.ndarray, status: np.ndarray, view: View) -> Aggregate:
    """The located reports (lon/lat not NaN) in the view, one by one or summed in screen cells."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    located = ~(np.isnan(lon) | np.isnan(lat))
    chosen = np.flatnonzero(located & view.contains(np.nan_to_num(lon), np.nan_to_num(lat)))
    if len(chosen) <= INDIVIDUAL_MAX:
        return Aggregate(len(chosen), chosen, pd.DataFrame())
    cells_per_world = 2**view.zoom * TILE_PX / CELL_PX
    x = np.floor((lon[chosen] + 180) / 360 * cells_per_world).astype(np.int64)
    y = np.floor(mercator_y(lat[chosen]) * cells_per_world).astype(np.int64)
    frame = pd.DataFrame({"cell": x * 10**9 + y, "lon": lon[chosen], "lat": lat[chosen], "status": status[chosen]})
    grouped = frame.groupby("cell")
    clusters = grouped[["lon", "lat"]].mean()
    clusters["count"] = grouped.size()
    by_status = frame.pivot_table(index="cell", columns="status", values="lon", aggfunc="size", fill_value=0)
    clusters = clusters.join(by_status.add_prefix("status_")).reset_index(drop=True)
    return Aggregate(len(chosen), np.array([], dtype=int), clusters)
