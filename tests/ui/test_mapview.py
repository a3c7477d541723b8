import json
import re

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo.admin import boundaries
from layers.store import Store
from ui.mapview import ALL_LAYERS, MapOptions, build_map, report_rows

PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    from layers.seed import load_demo, seed_reference

    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('db') / 'c.sqlite'}")
    seed_reference(store)
    load_demo(store, reports=200, seed=5)
    return {name: store.frame(name) for name in ("reports", "battlefields", "cemeteries", "trips")}


def _html(frames, options: MapOptions | None = None) -> str:
    m = build_map(
        frames["reports"],
        frames["battlefields"],
        frames["cemeteries"],
        frames["trips"],
        boundaries("34"),
        boundaries("neighbours"),
        options,
    )
    return m.get_root().render()


def test_the_map_loads_its_code_only_from_the_app(frames):
    html = _html(frames, MapOptions(layers=ALL_LAYERS))
    assert re.findall(r"(?:src|href)=[\"']https?://", html) == []
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    assert "/app/static/vendor/leaflet.markercluster/leaflet.markercluster.js" in html


def test_an_empty_layer_still_draws_a_map(frames):
    empty = frames["trips"].iloc[0:0]
    assert "leaflet" in _html({**frames, "trips": empty, "reports": frames["reports"].iloc[0:0]})


def test_every_located_report_is_a_row_and_the_count_covers_all(frames):
    data = report_rows(frames["reports"], MapOptions())
    assert len(data["rows"]) == int(frames["reports"].geometry.notna().sum())
    assert f"data-count', {len(frames['reports'])}" in _html(frames).replace('"', "'")


def test_witness_text_is_escaped_before_it_reaches_the_page(frames):
    reports = frames["reports"].copy()
    reports.loc[0, ["martyr_names", "unit", "place_description"]] = PAYLOADS + [PAYLOADS[0]]
    reports.loc[0, "geometry"] = Point(107.0, 16.7)
    hostile = gpd.GeoDataFrame(reports, geometry="geometry", crs=4326)
    data = report_rows(hostile, MapOptions())
    assert data["rows"][0][:2] == [16.7, 107.0]
    payload_text = json.dumps(data, ensure_ascii=False)
    for payload in PAYLOADS:
        assert payload not in payload_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in data["info"][0][0]
    html = _html({**frames, "reports": hostile})
    for payload in PAYLOADS:
        assert payload not in html


def test_witness_contacts_stay_out_unless_allowed(frames):
    phones = [p for p in frames["reports"]["witness_phone"].dropna()]
    hidden = _html(frames)
    assert not any(p in hidden for p in phones[:50])
    shown = _html(frames, MapOptions(show_contacts=True))
    assert any(p in shown for p in phones[:50])


def test_layer_switches_leave_layers_out(frames):
    html = _html(frames, MapOptions(layers=frozenset({"reports"})))
    assert "★" not in html.split("map-legend")[0]  # no battlefield symbols outside the legend
    assert "leaflet-heat.js" not in html
    assert "leaflet-heat.js" in _html(frames, MapOptions(layers=ALL_LAYERS))
