"""Metric geometry for coverage: searched areas around tracks, geodesic lengths and areas, H3 cells.

A trip's searched area is its track buffered by the sweep width in the UTM zone of the
track (48N west of 108°E, 49N east of it, 50N for the far Trường Sa), then returned to WGS84.
Lengths and areas are geodesic on WGS84, so they do not depend on any zone.
"""

from __future__ import annotations

from functools import lru_cache

import h3
import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry.base import BaseGeometry

DEFAULT_SWEEP_M = 25.0
_GEOD = Geod(ellps="WGS84")


METRES_PER_DEGREE = 111_320.0  # of latitude, everywhere; of longitude at the equator


def utm_epsg(lon: float) -> int:
    """The WGS84 / UTM north zone EPSG code for a longitude.

    >>> utm_epsg(106.7), utm_epsg(108.2), utm_epsg(114.3)
    (32648, 32649, 32650)
    """
    return 32600 + int((lon + 180) // 6) + 1


@lru_cache(maxsize=8)
def _transformers(epsg: int) -> tuple[Transformer, Transformer]:
    forward = Transformer.from_crs(4326, epsg, always_xy=True)
    return forward, Transformer.from_crs(epsg, 4326, always_xy=True)


def _reproject(geometry: BaseGeometry, transformer: Transformer) -> BaseGeometry:
    return shapely.transform(geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def searched_area(track: BaseGeometry, sweep_m: float | None = None) -> BaseGeometry:
    """The ground a team covered: the track widened by the sweep width on each side (WGS84)."""
    width = DEFAULT_SWEEP_M if sweep_m is None or not np.isfinite(sweep_m) or sweep_m <= 0 else float(sweep_m)
    forward, back = _transformers(utm_epsg(track.centroid.x))
    # 32 steps a quarter circle: the arc stays within 1 cm of the true sweep edge.
    return _reproject(_reproject(track, forward).buffer(width, quad_segs=32), back)


def area_km2(geometry: BaseGeometry | None) -> float:
    """Geodesic area on WGS84, km² (0 for nothing)."""
    if geometry is None or geometry.is_empty:
        return 0.0
    area, _ = _GEOD.geometry_area_perimeter(shapely.orient_polygons(geometry))  # signed: orient first
    return abs(area) / 1e6


def length_km(geometry: BaseGeometry | None) -> float:
    """Geodesic length on WGS84, km (0 for nothing)."""
    if geometry is None or geometry.is_empty:
        return 0.0
    return _GEOD.geometry_length(geometry) / 1000


def h3_cells(lat: np.ndarray, lon: np.ndarray, resolution: int) -> list[str]:
    """The H3 cell of each located point."""
    return [h3.latlng_to_cell(float(a), float(o), resolution) for a, o in zip(lat, lon, strict=True)]


def h3_polygon(cell: str) -> shapely.Polygon:
    """A cell's hexagon as a lon/lat polygon."""
    return shapely.Polygon([(lon, lat) for lat, lon in h3.cell_to_boundary(cell)])
