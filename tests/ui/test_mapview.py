import re

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo.admin import boundaries
from layers.store import Store
from ui.mapview import build_map, report_features

PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


@pytest.fixture
def frames(store: Store):
    from layers.seed import load_demo, seed_reference

    seed_reference(store)
    load_demo(store, reports=200, seed=5)
    return {name: store.frame(name) for name in ("reports", "battlefields", "cemeteries", "trips")}


def _html(frames) -> str:
    m = build_map(
        frames["reports"],
        frames["battlefields"],
        frames["cemeteries"],
        frames["trips"],
        boundaries("34"),
        boundaries("neighbours"),
    )
    return m.get_root().render()


def test_the_map_page_loads_nothing_from_the_internet(frames):
    html = _html(frames)
    assert re.findall(r"(?:src|href)=[\"']https?://", html) == []
    assert "/app/static/vendor/leaflet/leaflet.js" in html


def test_an_empty_layer_still_draws_a_map(frames):
    empty = frames["trips"].iloc[0:0]
    assert "leaflet" in _html({**frames, "trips": empty})


def test_every_located_report_is_a_feature(frames):
    features = report_features(frames["reports"], {})["features"]
    assert len(features) == int(frames["reports"].geometry.notna().sum())


def test_witness_text_is_escaped_in_the_map(frames):
    reports = frames["reports"].copy()
    reports.loc[0, ["martyr_names", "unit", "place_description"]] = PAYLOADS + [PAYLOADS[0]]
    reports.loc[0, "geometry"] = Point(107.0, 16.7)
    html = _html({**frames, "reports": gpd.GeoDataFrame(reports, geometry="geometry", crs=4326)})
    for payload in PAYLOADS:
        assert payload not in html
    # folium writes "&" inside its JSON as \u0026; the browser sees "&lt;script&gt;".
    assert "\\u0026lt;script\\u0026gt;alert(1)" in html
