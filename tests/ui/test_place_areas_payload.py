"""Reports placed only by a place name reach the map as dashed areas, never as pins (issue 15):
which are sent for a view, how many, escaped, counted apart from the measured points."""

import re

import geopandas as gpd
import numpy as np
import pytest

from layers import aggregate as agg
from layers.access import system
from layers.places import position_counts
from layers.store import Store
from ui.mapview import ALL_LAYERS, DEFAULT_LAYERS, MapOptions, build_map
from ui.reports_view import Positions, display_trips, view_layer, view_payload

NATIONAL = agg.fit(102.1, 8.2, 109.5, 23.4, 940, 620)
GIO_LINH = agg.fit(106.8, 16.8, 107.2, 17.05, 940, 620)
ID_TAG = re.compile(r"#([0-9a-f]{8})$")  # what ui/pages/map.py reads a click's report from
GIO_AN = "Xã Gio An, Huyện Gio Linh (Quảng Trị)"
HOSTILE = ["<script>alert(1)</script>", "{{ 6*7 }}", "`${alert(2)}`", "</script><b>x</b>"]


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    from layers.seed import load_demo, seed_reference

    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('db') / 'areas.sqlite'}")
    seed_reference(store)
    load_demo(store, reports=200, seed=5)
    frames = {name: store.frame(name, system()) for name in ("reports", "battlefields", "cemeteries")}
    return frames | {"trips": display_trips(store.frame("trips", system()))}


def _place_only(reports: gpd.GeoDataFrame, n: int, place: str = GIO_AN, names: str | None = None) -> gpd.GeoDataFrame:
    """The reports with the first `n` located ones turned into reports placed by a place name (and
    no other): no point, an approximate area around Gio An spread a little so they are told apart."""
    out = reports.copy()
    for column in ("area_place", "position_source", "martyr_names"):
        out[column] = out[column].astype(object)
    out[["area_lat", "area_lon", "area_radius_m"]] = np.nan  # only these areas: not the demo's own
    out["area_place"] = None
    out.loc[out["position_source"] == "place_name", "position_source"] = "unknown"
    rows = out.index[out.geometry.notna()][:n]
    out.loc[rows, "geometry"] = None
    out.loc[rows, "area_lat"] = 16.9258 + np.arange(n) * 0.001
    out.loc[rows, "area_lon"] = 106.98899
    out.loc[rows, "area_radius_m"] = 3240.0
    out.loc[rows, "area_place"] = place
    out.loc[rows, "position_source"] = "place_name"
    if names is not None:
        out.loc[rows, "martyr_names"] = names
    return gpd.GeoDataFrame(out, geometry="geometry", crs=4326)


def _payload(reports, frames, view=GIO_LINH, options=None):
    return view_payload(reports, Positions.of(reports), frames["trips"], view, options or MapOptions())


def test_place_only_reports_are_sent_as_areas_and_never_as_points(frames):
    reports = _place_only(frames["reports"], 5)
    areas = set(reports.loc[reports["position_source"] == "place_name", "id"].str[:8])
    payload = _payload(reports, frames)
    assert "areas" in DEFAULT_LAYERS and "areas" in ALL_LAYERS
    assert len(payload["areas"]) == len(payload["area_info"]) == 5
    assert not areas & {r[4][1:] for r in payload.get("rows", [])}  # no pin for an estimate
    lat, lon, radius, status, tooltip, code, where, spread, filled = payload["areas"][0]
    assert (round(lat, 4), lon, radius) == (16.9258, 106.98899, 3240)
    assert tooltip.startswith(f"Ước lượng theo địa danh: {GIO_AN} · ± 3,2 km · ")
    assert ID_TAG.search(tooltip).group(1) == code[1:] and code[1:] in areas  # a click selects the report
    assert where == f"Ước lượng theo địa danh: {GIO_AN}" and spread == "± 3,2 km"
    assert [a[8] for a in payload["areas"]] == [1] * 5 and "cùng vùng" not in tooltip


def test_reports_naming_the_same_commune_share_one_filled_area(frames):
    reports = _place_only(frames["reports"], 3)
    rows = reports.index[reports["position_source"] == "place_name"]
    reports.loc[rows, "area_lat"] = 16.9258  # the same commune: the same centre and radius
    payload = _payload(reports, frames)
    assert [a[8] for a in payload["areas"]] == [1, 0, 0]  # one fill: three would darken the map
    assert all("3 tin báo cùng vùng này" in a[4] and ID_TAG.search(a[4]) for a in payload["areas"])
    assert len({a[5] for a in payload["areas"]}) == 3  # each still its own report to click


def test_the_count_says_measured_estimated_and_unknown_apart(frames):
    reports = _place_only(frames["reports"], 5)
    counts = position_counts(reports)
    assert counts["place_name"] == 5 and sum(counts.values()) == len(reports)
    assert Positions.of(reports).counts() == counts
    payload = _payload(reports, frames)
    count = payload["count"]
    assert (count["located"], count["approximate"], count["unlocated"]) == (
        counts["measured"],
        counts["place_name"],
        counts["unknown"],
    )
    assert f"· {counts['measured']} có tọa độ · 5 ước lượng theo địa danh · " in count["html"]
    html = _html(reports, frames)
    assert "data-approximate" in html and "report-area" in html and "dashArray" in html


def test_every_string_of_an_area_is_escaped(frames):
    reports = _place_only(frames["reports"], len(HOSTILE), place=" ".join(HOSTILE), names=" ".join(HOSTILE))
    payload = _payload(reports, frames, options=MapOptions(show_contacts=True))
    strings = [v for area in payload["areas"] for v in area if isinstance(v, str)]
    strings += [v for info in payload["area_info"] for v in info if isinstance(v, str)]
    assert strings and any("&lt;script&gt;" in v for v in strings)
    assert not any(ch in v for v in strings for ch in "<>`{}$")
    page = _html(reports, frames)
    for hostile in HOSTILE:
        assert hostile not in page


def test_areas_are_bounded_by_the_view_and_left_out_with_a_note_beyond_the_cap(frames, monkeypatch):
    from ui import reports_view

    reports = _place_only(frames["reports"], 5)
    far = agg.fit(104.0, 10.0, 104.5, 10.5, 940, 620)  # the Mekong delta: Gio An is not in view
    assert _payload(reports, frames, far)["areas"] == []
    monkeypatch.setattr(reports_view, "AREAS_MAX", 3)
    capped = _payload(reports, frames)
    assert capped["areas"] == [] and capped["count"]["areas"] == 0
    assert "5 vùng ước lượng — phóng to để xem" in capped["count"]["html"]
    english = _payload(reports, frames, options=MapOptions(lang="en"))
    assert "5 estimated areas — zoom in to see them" in english["count"]["html"]


def test_the_area_switch_leaves_areas_out(frames):
    reports = _place_only(frames["reports"], 5)
    off = _payload(reports, frames, options=MapOptions(layers=DEFAULT_LAYERS - {"areas"}))
    assert off["areas"] == [] and off["count"]["approximate"] == 5  # still counted


def test_a_map_of_place_only_reports_fits_their_areas():
    reports = gpd.GeoDataFrame(
        {
            "status": ["new", "new", "verified"],
            "position_source": ["place_name", "place_name", "unknown"],
            "area_lat": [16.93, 18.45, None],
            "area_lon": [106.99, 105.71, None],
            "area_radius_m": [3000.0, 8000.0, None],
        },
        geometry=[None, None, None],
        crs=4326,
    )
    positions = Positions.of(reports)
    assert positions.located == 0 and positions.counts() == {"measured": 0, "place_name": 2, "unknown": 1}
    (south, west), (north, east) = positions.bounds()
    assert south < 16.93 - 0.027 and north > 18.45 + 0.072  # each whole circle is inside
    assert west < 105.71 - 0.07 and east > 106.99 + 0.028
    assert Positions.of(reports.iloc[2:]).bounds() is None


def _html(reports, frames, options=None):
    options = options or MapOptions()
    m = build_map(frames["battlefields"], frames["cemeteries"], options)
    view_layer(view_payload(reports, Positions.of(reports), frames["trips"], GIO_LINH, options), options).add_to(m)
    return m.get_root().render()
