import re

import geopandas as gpd
import pandas as pd
import pytest

from layers import aggregate as agg
from layers.access import system
from layers.store import Store
from ui.mapview import ALL_LAYERS, MapOptions, build_map
from ui.reports_view import STATUS_INDEX, Positions, display_trips, report_rows, view_layer, view_payload

NATIONAL = agg.fit(102.1, 8.2, 109.5, 23.4, 940, 620)

PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    from layers.seed import load_demo, seed_reference

    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('db') / 'c.sqlite'}")
    seed_reference(store)
    load_demo(store, reports=200, seed=5)
    frames = {name: store.frame(name, system()) for name in ("reports", "battlefields", "cemeteries")}
    return frames | {"trips": display_trips(store.frame("trips", system()))}


def _component_strings(frames, options: MapOptions, view: agg.View = NATIONAL) -> str:
    """The map's script, html, header and view layer as streamlit-folium makes them for the page."""
    import streamlit_folium as sf

    m = build_map(frames["battlefields"], frames["cemeteries"], options)
    m.render()
    layer = view_layer(
        view_payload(frames["reports"], Positions.of(frames["reports"]), frames["trips"], view, options), options
    )
    parts = [sf._get_html(m), sf._get_header(m), sf.generate_leaflet_string(m)]
    return "\n".join([*parts, sf._get_feature_group_string(layer, map=m)])


def _html(frames, options: MapOptions | None = None, view: agg.View = NATIONAL) -> str:
    """The page of the map with the layer of one view, as a browser would get it."""
    options = options or MapOptions()
    m = build_map(frames["battlefields"], frames["cemeteries"], options)
    reports = frames["reports"]
    view_layer(view_payload(reports, Positions.of(reports), frames["trips"], view, options), options).add_to(m)
    return m.get_root().render()


def test_the_map_loads_its_code_only_from_the_app(frames):
    html = _html(frames, MapOptions(layers=ALL_LAYERS))
    assert re.findall(r"(?:src|href)=[\"']https?://", html) == []
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    assert re.search(r"/app/static/basemap/34\.[0-9a-f]{12}\.json", html)  # boundaries fetched, not inlined


def test_an_empty_layer_still_draws_a_map(frames):
    empty = frames["trips"].iloc[0:0]
    assert "leaflet" in _html({**frames, "trips": empty, "reports": frames["reports"].iloc[0:0]})


def test_every_located_report_is_a_row_and_the_count_covers_all(frames):
    reports = frames["reports"]
    payload = view_payload(reports, Positions.of(reports), frames["trips"], NATIONAL, MapOptions())
    assert payload["mode"] == "points"  # 200 reports, fewer than SPARSE_MAX: each one drawn
    assert len(payload["rows"]) == int(reports.geometry.notna().sum())
    assert payload["count"]["total"] == len(reports)
    assert payload["count"]["located"] == len(payload["rows"])


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{ 6*7 }} {{ lipsum.__globals__.os.getcwd() }}",
    "{% for x in range(3) %}loop{% endfor %}",
    "`+alert(1)+`",
    "${alert(2)}",
    "\\`</script><b>x</b>",
    "line\u2028separator\u2029paragraph",
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
    sent = _component_strings(hostile, options)  # what streamlit-folium actually sends
    for payload in HOSTILE:
        assert payload not in html, payload
        assert payload not in sent, payload
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


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """Enough reports that the national view must group them (more than INDIVIDUAL_MAX)."""
    from layers.seed import load_demo, seed_reference

    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('db') / 'many.sqlite'}")
    seed_reference(store)
    load_demo(store, reports=agg.INDIVIDUAL_MAX * 3, seed=6)
    frames = {name: store.frame(name, system()) for name in ("reports", "battlefields", "cemeteries")}
    return frames | {"trips": display_trips(store.frame("trips", system()))}


def test_zoomed_out_the_cells_add_up_to_the_reports_in_view(many):
    reports = many["reports"]
    positions = Positions.of(reports)
    payload = view_payload(reports, positions, many["trips"], NATIONAL, MapOptions())
    assert payload["mode"] == "cells"
    located = reports[reports.geometry.notna()]
    assert sum(c[2] for c in payload["cells"]) == len(located) == payload["count"]["located"]
    for _lat, _lon, count, by_status in payload["cells"]:
        assert sum(by_status) == count
    by_status = [sum(c[3][i] for c in payload["cells"]) for i in range(len(payload["cells"][0][3]))]
    expected = reports.loc[reports.geometry.notna(), "status"].value_counts()
    assert {code: by_status[i] for code, i in STATUS_INDEX.items() if by_status[i]} == expected.to_dict()
    assert len(payload["cells"]) < len(located) / 10


def test_zooming_in_shows_each_report_of_the_view(many):
    reports = many["reports"]
    positions = Positions.of(reports)
    busiest = max(view_payload(reports, positions, many["trips"], NATIONAL, MapOptions())["cells"], key=lambda c: c[2])
    close = agg.fit(busiest[1] - 0.02, busiest[0] - 0.02, busiest[1] + 0.02, busiest[0] + 0.02, 940, 620)
    payload = view_payload(reports, positions, many["trips"], close, MapOptions())
    assert payload["mode"] == "points" and close.zoom >= 12
    padded = close.padded(0.25)
    inside = reports[
        reports.geometry.notna()
        & reports.geometry.x.between(padded.west, padded.east)
        & reports.geometry.y.between(padded.south, padded.north)
    ]
    assert len(inside) > 0
    assert sorted(r[4] for r in payload["rows"]) == sorted(f"#{i[:8]}" for i in inside["id"])
    assert payload["circles"]  # close enough for uncertainty circles


def test_panning_keeps_the_map_script_and_sends_only_the_view_layer(many):
    """streamlit-folium remounts the map only when its script changes: it must not with the view."""
    import streamlit_folium as sf

    reports, options = many["reports"], MapOptions()
    positions = Positions.of(reports)
    scripts, layers = set(), set()
    for view in (NATIONAL, agg.View(9, 106.5, 16.5, 107.5, 17.2), agg.View(12, 107.0, 16.8, 107.1, 16.9)):
        m = build_map(many["battlefields"], many["cemeteries"], options)
        m.render()
        scripts.add(sf.generate_leaflet_string(m))
        layers.add(
            sf._get_feature_group_string(
                view_layer(view_payload(reports, positions, many["trips"], view, options), options), map=m
            )
        )
    assert len(scripts) == 1 and len(layers) == 3


def test_trips_are_left_out_with_a_note_when_too_many_are_in_view(many, monkeypatch):
    from ui import reports_view

    reports, trips = many["reports"], many["trips"]
    positions = Positions.of(reports)
    drawn = view_payload(reports, positions, trips, NATIONAL, MapOptions())
    assert len(drawn["trips"]) == len(trips)
    monkeypatch.setattr(reports_view, "TRIPS_MAX", 10)
    hidden = view_payload(reports, positions, trips, NATIONAL, MapOptions())
    assert hidden["trips"] == [] and "phóng to để vẽ" in hidden["count"]["html"]


def test_the_coverage_map_draws_at_most_its_cap_of_dots_unreached_first(monkeypatch):
    import geopandas as gpd
    from shapely.geometry import Point

    from ui import coverage_map

    monkeypatch.setattr(coverage_map, "DOTS_MAX", 3)
    reports = gpd.GeoDataFrame(
        {"id": list("abcdef")}, geometry=[Point(106, 16)] * 5 + [None], crs=4326, index=range(10, 16)
    )
    states = pd.DataFrame(
        {"state": ["linked", "not_visited", "linked", "not_visited", "in_searched_area", "not_visited"]},
        index=reports.index,
    )
    shown = coverage_map.dots_shown(reports, states)
    assert set(reports.loc[shown, "id"]) == {"b", "d", "a"}  # both located unreached, then the first other
    monkeypatch.setattr(coverage_map, "DOTS_MAX", 10)
    assert list(reports.loc[coverage_map.dots_shown(reports, states), "id"]) == list("abcde")


def test_reports_without_any_status_are_drawn_as_unknown():
    import geopandas as gpd
    from shapely.geometry import Point

    from ui.reports_view import UNKNOWN_STATUS

    reports = gpd.GeoDataFrame({"status": [None, None]}, geometry=[Point(106, 16), None], crs=4326)
    positions = Positions.of(reports)
    assert positions.status.tolist() == [UNKNOWN_STATUS, UNKNOWN_STATUS] and positions.located == 1
    mixed = gpd.GeoDataFrame({"status": ["new", None, "made-up"]}, geometry=[Point(106, 16)] * 3, crs=4326)
    assert Positions.of(mixed).status.tolist() == [STATUS_INDEX["new"], UNKNOWN_STATUS, UNKNOWN_STATUS]
