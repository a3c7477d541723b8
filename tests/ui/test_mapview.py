import re

import geopandas as gpd
import pandas as pd
import pytest

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


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{ 6*7 }} {{ lipsum.__globals__.os.getcwd() }}",
    "{% for x in range(3) %}loop{% endfor %}",
    "`+alert(1)+`",
    "${alert(2)}",
    "\\`</script><b>x</b>",
]


def _hostile_frames(frames):
    """Every text field a user can fill, in reports, battlefields, cemeteries and trips."""
    out = {}
    for name, frame in frames.items():
        frame = frame.copy()
        rows = frame.index[frame.geometry.notna()][: len(HOSTILE)]
        text_columns = [
            c for c in frame.columns if c not in ("id", "geometry", "status") and pd.api.types.is_string_dtype(frame[c])
        ]
        assert text_columns, name
        for i, column in enumerate(text_columns):
            frame[column] = frame[column].astype(object)
            for k, row in enumerate(rows):
                frame.at[row, column] = HOSTILE[(i + k) % len(HOSTILE)]
        out[name] = gpd.GeoDataFrame(frame, geometry="geometry", crs=4326)
    return out


def test_no_user_text_reaches_the_page_as_markup_script_or_template(frames):
    hostile = _hostile_frames(frames)
    options = MapOptions(
        layers=ALL_LAYERS,
        chapter_names={c: HOSTILE[0] for c in frames["reports"]["chapter_id"].dropna().unique()},
    )
    html = _html(hostile, options)
    for payload in HOSTILE:
        assert payload not in html, payload
    assert "/work" not in html and "looploop" not in html  # no template ran on the server
    data = report_rows(hostile["reports"], options)
    strings = [v for rows in (data["rows"], data["info"]) for row in rows for v in row if isinstance(v, str)]
    strings += data["units"] + data["provinces"] + data["chapters"]
    assert any("&#123;" in v for v in strings)
    assert not any(ch in v for v in strings for ch in "<>`{}$")  # every string arrives as entities


def test_witness_contacts_stay_out_unless_allowed(frames):
    located = frames["reports"][frames["reports"].geometry.notna()]
    private = [located[f].dropna().tolist()[:50] for f in ("witness_name", "witness_phone", "witness_address")]
    hidden = _html(frames)
    for values in private:
        assert not any(v in hidden for v in values)
    shown = _html(frames, MapOptions(show_contacts=True))
    for values in private:
        assert any(v in shown for v in values)


def test_layer_switches_leave_layers_out(frames):
    html = _html(frames, MapOptions(layers=frozenset({"reports"})))
    everything = _html(frames, MapOptions(layers=ALL_LAYERS))
    assert 'site-symbol\\"' not in html and "site-symbol" in everything.split("map-legend")[0]
    assert html.count("site-symbol") < everything.count("site-symbol")
    assert "leaflet-heat.js" not in html
    assert "leaflet-heat.js" in everything


def test_every_coverage_state_has_a_style_and_a_label_in_both_languages():
    from layers.coverage import STATES
    from ui.coverage_map import STATE_STYLE
    from ui.i18n import text

    for state in STATES:
        assert state in STATE_STYLE
        assert text(f"cov_state_{state}", "vi") and text(f"cov_state_{state}", "en")
