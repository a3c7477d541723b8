"""Reports summed on the server for one map view: clusters when many are in view, the reports
themselves when few are. What the browser receives then depends on the view, not on the
size of the database (issue 7: at most about 1 MB at any zoom for 200,000 reports).

Cells are squares of the Web Mercator map, CELL_PX screen pixels wide at the view's zoom, so a
cluster covers the same screen area at every zoom, and a cell stays the same cell when the map
is panned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

INDIVIDUAL_MAX = 2000  # reports drawn one by one when no more than this many are in view
CELL_PX = 80
TILE_PX = 256
MAX_ZOOM = 18  # the map zooms no closer (the page and the view maths share it)
MERCATOR_LAT = 85.05


@dataclass(frozen=True)
class View:
    """What the map shows: its zoom and its bounds in degrees."""

    zoom: int
    west: float
    south: float
    east: float
    north: float

    def contains(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        return (lon >= self.west) & (lon <= self.east) & (lat >= self.south) & (lat <= self.north)

    def padded(self, share: float) -> View:
        """The view grown by `share` of its size on every side (what a small pan will show)."""
        dx, dy = (self.east - self.west) * share, (self.north - self.south) * share
        return View(
            self.zoom,
            max(self.west - dx, -180.0),
            max(self.south - dy, -MERCATOR_LAT),
            min(self.east + dx, 180.0),
            min(self.north + dy, MERCATOR_LAT),
        )

    @property
    def degrees_per_pixel(self) -> float:
        return 360.0 / (TILE_PX * 2**self.zoom)


def fit(west: float, south: float, east: float, north: float, width_px: int, height_px: int) -> View:
    """The view Leaflet's fitBounds gives for these bounds in a map of this size (whole zooms)."""
    span_x = max(east - west, 1e-9) / 360.0
    span_y = max(float(mercator_y(np.array([south]))[0] - mercator_y(np.array([north]))[0]), 1e-9)
    zoom = math.floor(min(math.log2(width_px / TILE_PX / span_x), math.log2(height_px / TILE_PX / span_y)))
    zoom = min(max(zoom, 0), MAX_ZOOM)
    # The map shows more than the bounds on the roomier side: centre them in the map's size.
    half_x = width_px / 2 * 360.0 / (TILE_PX * 2**zoom)
    cx = (west + east) / 2
    cy = float(mercator_y(np.array([(south + north) / 2]))[0])
    half_y = height_px / 2 / (TILE_PX * 2**zoom)
    top, bottom = inverse_mercator_y(np.array([cy - half_y, cy + half_y]))
    return View(zoom, max(cx - half_x, -180.0), float(bottom), min(cx + half_x, 180.0), float(top))


@dataclass(frozen=True)
class Cells:
    """Reports summed per cell: mean position, count and the count of each status code."""

    lon: np.ndarray
    lat: np.ndarray
    count: np.ndarray
    by_status: np.ndarray  # (cells, statuses)

    def __len__(self) -> int:
        return len(self.count)


@dataclass(frozen=True)
class Aggregate:
    """Either `points` (positions in the input of the reports in view) or `cells`, never both."""

    in_view: int
    points: np.ndarray
    cells: Cells | None

    @property
    def individual(self) -> bool:
        return self.cells is None


def mercator_y(lat: np.ndarray) -> np.ndarray:
    """Latitude to Web Mercator y in [0, 1) (0 at the north edge of the map)."""
    phi = np.radians(np.clip(lat, -MERCATOR_LAT, MERCATOR_LAT))
    return (1 - np.log(np.tan(phi) + 1 / np.cos(phi)) / np.pi) / 2


def inverse_mercator_y(y: np.ndarray) -> np.ndarray:
    return np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * np.asarray(y, dtype=float)))))


def in_view(lon: np.ndarray, lat: np.ndarray, view: View) -> np.ndarray:
    """Positions in the input of the located reports (lon/lat not NaN) inside the view."""
    with np.errstate(invalid="ignore"):
        return np.flatnonzero(view.contains(lon, lat))  # NaN compares False: unlocated drop out


def cells(lon: np.ndarray, lat: np.ndarray, status: np.ndarray, statuses: int, zoom: int, cell_px: int) -> Cells:
    """Sum located reports per square screen cell of `cell_px` pixels at `zoom`.

    `status` holds each report's status as an integer in [0, statuses).
    """
    per_world = 2**zoom * TILE_PX / cell_px
    x = np.floor((lon + 180) / 360 * per_world).astype(np.int64)
    y = np.floor(mercator_y(lat) * per_world).astype(np.int64)
    keys, inverse = np.unique(x * (1 << 32) + y, return_inverse=True)
    count = np.bincount(inverse, minlength=len(keys))
    by_status = np.bincount(inverse * statuses + status, minlength=len(keys) * statuses).reshape(len(keys), statuses)
    return Cells(
        np.bincount(inverse, weights=lon, minlength=len(keys)) / count,
        np.bincount(inverse, weights=lat, minlength=len(keys)) / count,
        count,
        by_status,
    )


def aggregate(
    lon: np.ndarray,
    lat: np.ndarray,
    status: np.ndarray,
    statuses: int,
    view: View,
    individual_max: int = INDIVIDUAL_MAX,
) -> Aggregate:
    """The located reports in the view, one by one or summed in cells of CELL_PX pixels."""
    chosen = in_view(lon, lat, view)
    if len(chosen) <= individual_max:
        return Aggregate(len(chosen), chosen, None)
    summed = cells(lon[chosen], lat[chosen], status[chosen], statuses, view.zoom, CELL_PX)
    return Aggregate(len(chosen), np.array([], dtype=np.int64), summed)
