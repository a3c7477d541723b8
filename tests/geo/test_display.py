"""The boundaries drawn on the map: every province, its shape kept, no gaps between neighbours."""

from __future__ import annotations

import json

import pytest
import shapely
from shapely.geometry import shape

from geo.admin import boundaries
from geo.display import CODE_COLUMN, display_geojson
from ui.static_files import STATIC_DIR, basemap_file, basemap_url


@pytest.mark.parametrize("level", ["34", "63", "neighbours"])
def test_each_level_keeps_every_unit_with_its_name_and_shape(level):
    source = boundaries(level)
    features = json.loads(display_geojson(level))["features"]
    assert [f["properties"]["code"] for f in features] == list(source[CODE_COLUMN[level]])
    assert [f["properties"]["name"] for f in features] == list(source["name"])
    for feature, original in zip(features, source.geometry, strict=True):
        drawn = shape(feature["geometry"])
        assert drawn.is_valid
        # Simplified by about 500 m: the shape differs by a thin band along its edge only.
        assert shapely.symmetric_difference(drawn, original).area <= 0.1 * original.area + 0.01


def test_neighbouring_provinces_still_share_their_edges():
    drawn = [shape(f["geometry"]) for f in json.loads(display_geojson("34"))["features"]]
    union = shapely.union_all(drawn)
    assert sum(p.area for p in drawn) == pytest.approx(union.area, rel=1e-3)  # no overlaps
    original = shapely.union_all(boundaries("34").geometry.values)
    assert union.area == pytest.approx(original.area, rel=0.02)  # and no gaps opened


def test_the_basemap_files_are_written_once_under_their_content_hash():
    path = basemap_file("34")
    assert path.parent == STATIC_DIR / "basemap"
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(display_geojson("34"))
    assert basemap_url("34").endswith(path.name) and basemap_url("34").startswith("/app/static/basemap/")
    assert path.stat().st_size < 200_000  # a fraction of the source, fetched once per browser
    assert path.stat().st_mode & 0o444 == 0o444  # readable by whichever user serves static/
