"""Boundaries drawn on the map: the shipped polygons simplified for the screen.

The map's offline basemap and province lines need no more detail than a few hundred metres
(the source itself is Natural Earth admin-1), so each level is simplified as one coverage
(neighbours keep their shared edges, no slivers open between provinces) and rounded to
1e-4 degree (about 11 m). The result is a compact GeoJSON text with only the names, sent
to the browser once as a static file rather than inside every map page.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

import geopandas as gpd
import shapely

from geo.admin import boundaries

TOLERANCE_DEG = 0.005  # about 550 m: under one pixel up to zoom 8, a line's width at 10
GRID_DEG = 1e-4
CODE_COLUMN = {"34": "code", "63": "iso", "neighbours": "iso2"}


def simplified(level: str) -> gpd.GeoDataFrame:
    """Columns code, name, geometry; the provinces' shared edges stay shared."""
    source = boundaries(level)
    geometry = shapely.coverage_simplify(source.geometry.values, TOLERANCE_DEG)
    geometry = shapely.make_valid(shapely.set_precision(geometry, GRID_DEG))
    return gpd.GeoDataFrame(
        {"code": source[CODE_COLUMN[level]].to_numpy(), "name": source["name"].to_numpy()}, geometry=geometry, crs=4326
    )


@lru_cache(maxsize=3)
def display_geojson(level: str) -> str:
    """The simplified level as compact GeoJSON text (WGS84 lon/lat, RFC 7946 order)."""
    frame = simplified(level)
    features = [
        {"type": "Feature", "properties": {"code": c, "name": n}, "geometry": shapely.geometry.mapping(g)}
        for c, n, g in zip(frame["code"], frame["name"], frame.geometry, strict=True)
    ]
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":"))
    # mapping() gives floats like 106.12340000000001; the grid has four decimals.
    return _round_numbers(text)


def _round_numbers(text: str) -> str:
    data = json.loads(text, parse_float=lambda s: round(float(s), 4))
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]
