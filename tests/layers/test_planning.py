"""Planning a trip's walk: stops read as the person sees them (a site they cannot see is not
there), testimonies standing for their sites once each, a site with no position refused by name,
an estimated area marked "≈" with its radius, a commune's centre standing in for its UBND, a cap
on stops, and the route saved on the trip with its history in the same write (both backends)."""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from layers.access import system
from layers.errors import LayersError
from layers.planning import (
    PlanProblem,
    make_plan,
    plan_stops,
    read_start,
    reorder,
    save_plan,
    start_at,
)
from layers.store import Store
from layers.trips import ROUTE_MAX, TripProblem, add_trip, record_outcome
from layers.workflow import StepInput, take_step
from tests.layers.paperwork import AREA, POINT, Paperwork, build_paperwork

START = "16.80, 107.05"


@pytest.fixture
def paperwork(tmp_path, monkeypatch, db_url) -> Paperwork:
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(tmp_path / "files"))
    return build_paperwork(Store.open(db_url))


@pytest.fixture
def any_paperwork(tmp_path, monkeypatch, any_store) -> Paperwork:
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(tmp_path / "files"))
    return build_paperwork(any_store)


def _leader(paperwork: Paperwork):
    return paperwork.campaign.viewer("qt.tinh")


def _open_trip(paperwork: Paperwork) -> tuple[str, int]:
    """A trip still planned, with no reports yet, and its version."""
    plan = {"team": "Đội 2", "date_from": "2026-07-10", "date_to": "2026-07-12"}
    trip_id = add_trip(paperwork.store, plan, _leader(paperwork))
    return trip_id, int(paperwork.store.record("trips", trip_id, system())["version"])


def _verify(paperwork: Paperwork, site_id: str) -> None:
    take_step(paperwork.store, site_id, "verifying", system(), StepInput())
    take_step(paperwork.store, site_id, "verified", system(), StepInput(note="Đã gặp lại nhân chứng"))


def test_reports_stand_for_their_sites_once_each_in_the_order_first_mentioned(paperwork):
    stops = plan_stops(paperwork.store, _leader(paperwork), report_ids="r-area, r-man, r-qt")
    assert [s.site_id for s in stops] == [paperwork.estimated, paperwork.measured]


def test_a_measured_site_is_a_stop_at_its_point_and_an_estimated_one_is_marked_with_its_radius(paperwork):
    measured, area = plan_stops(paperwork.store, _leader(paperwork), site_ids=[paperwork.measured, paperwork.estimated])
    assert (measured.lat, measured.lon, measured.estimated) == (pytest.approx(POINT[0]), pytest.approx(POINT[1]), False)
    assert (area.lat, area.lon, area.radius_m, area.estimated) == (AREA[0], AREA[1], AREA[2], True)
    assert area.title.startswith("≈ ") and "không phải điểm đo" in area.where("vi") and "4,2 km" in area.where("vi")


def test_a_site_nobody_gave_the_person_is_not_there(paperwork):
    with pytest.raises(PlanProblem, match="Không có điểm mộ «khong-co»"):
        plan_stops(paperwork.store, _leader(paperwork), site_ids=[paperwork.measured, "khong-co"])
    with pytest.raises(PlanProblem, match="Không có tin báo «r-khong»"):
        plan_stops(paperwork.store, _leader(paperwork), report_ids=["r-khong"])


def test_a_site_with_no_position_is_refused_naming_it(paperwork):
    store = paperwork.store
    store.insert(
        "reports",
        [{"id": "r-nowhere", "martyr_names": "Trần Văn Vô", "chapter_id": "chapter-vn-25", "province_34": "VN-25"}],
        author="test",
    )
    site = store.record("reports", "r-nowhere", system())["site_id"]
    with pytest.raises(PlanProblem, match=f"\\({site}\\) chưa có vị trí"):
        plan_stops(store, _leader(paperwork), site_ids=[paperwork.measured, site])


def test_more_stops_than_the_cap_are_refused(paperwork):
    with pytest.raises(PlanProblem, match=f"tối đa {ROUTE_MAX} điểm"):
        plan_stops(paperwork.store, _leader(paperwork), site_ids=[f"s-{i}" for i in range(ROUTE_MAX + 1)])


def test_a_commune_start_is_its_centre_said_to_stand_for_its_committee():
    start = read_start("xã Gio An, Gio Linh, Quảng Trị")
    assert (round(start.lat, 3), round(start.lon, 3)) == (16.926, 106.989)
    assert start.label.startswith("UBND Xã Gio An") and "gần đúng là tâm xã" in start.note


def test_a_typed_coordinate_start_is_read_in_any_form():
    start = read_start("16°48'12.4\"N 107°05'41.5\"E")
    assert (round(start.lat, 4), round(start.lon, 4), start.note) == (16.8034, 107.0949, "")


@pytest.mark.parametrize("text", ["", "không biết", "999, 999"])
def test_an_unreadable_start_is_refused(text):
    with pytest.raises(PlanProblem, match="[Đđ]iểm xuất phát"):
        read_start(text)


def test_a_map_click_outside_the_earth_is_refused():
    with pytest.raises(PlanProblem):
        start_at(95.0, 107.0)


def test_the_given_order_is_kept_and_a_reorder_must_hold_every_site_once(paperwork):
    stops = plan_stops(paperwork.store, _leader(paperwork), site_ids=[paperwork.estimated, paperwork.measured])
    plan = make_plan(stops, read_start(START), "given")
    assert plan.site_ids == [paperwork.estimated, paperwork.measured] and len(plan.legs) == 2
    back = reorder(plan, [paperwork.measured, paperwork.estimated])
    assert back.site_ids == [paperwork.measured, paperwork.estimated]
    with pytest.raises(PlanProblem):
        reorder(plan, [paperwork.measured])
    with pytest.raises(PlanProblem, match="Thứ tự «fastest»"):
        make_plan(stops, read_start(START), "fastest")


def test_the_route_is_saved_on_the_trip_with_its_history_and_its_sites_planned(any_paperwork):
    store, leader = any_paperwork.store, _leader(any_paperwork)
    _verify(any_paperwork, any_paperwork.estimated)
    trip_id, version = _open_trip(any_paperwork)
    stops = plan_stops(store, leader, site_ids=[any_paperwork.estimated, any_paperwork.measured])
    plan = make_plan(stops, read_start(START))
    new_version = save_plan(store, trip_id, plan, leader, version)
    trip = store.record("trips", trip_id, system())
    assert int(trip["version"]) == new_version > version
    assert list(trip["route_site_ids"]) == plan.site_ids
    assert trip["route_start"] == "16.800000, 107.050000"
    assert trip["route_length_m"] == pytest.approx(plan.total_m, abs=0.1)
    row = [e for e in store.history(trip_id, system()) if "route_site_ids" in (e.get("changes") or {})]
    assert len(row) == 1 and row[0]["actor"] == "qt.tinh"
    for site in plan.site_ids:  # planned in the same write, their testimonies linked to the trip
        assert store.record("sites", site, system())["status"] == "planned"
    assert {"r-man", "r-qt", "r-area"} <= set(trip["linked_report_ids"])


def test_a_route_with_a_site_not_ready_to_plan_is_refused_naming_it_and_saves_nothing(paperwork):
    store, leader = paperwork.store, _leader(paperwork)
    trip_id, version = _open_trip(paperwork)
    plan = make_plan(plan_stops(store, leader, site_ids=[paperwork.measured, paperwork.estimated]), read_start(START))
    with pytest.raises(TripProblem, match=f"\\({paperwork.estimated}\\) đang «Mới nhận»"):
        save_plan(store, trip_id, plan, leader, version)
    assert store.record("trips", trip_id, system())["route_site_ids"] in (None, [])
    assert store.record("sites", paperwork.measured, system())["status"] == "verified"


def test_a_closed_trip_takes_no_route(paperwork):
    store, leader = paperwork.store, _leader(paperwork)
    trip_id, _ = _open_trip(paperwork)
    version = record_outcome(store, trip_id, leader, "cancelled")
    plan = make_plan(plan_stops(store, leader, site_ids=[paperwork.measured]), read_start(START))
    with pytest.raises(TripProblem, match="không đổi lộ trình"):
        save_plan(store, trip_id, plan, leader, version)


def test_the_offline_area_is_the_stops_not_a_faraway_start(paperwork):
    stops = plan_stops(paperwork.store, _leader(paperwork), site_ids=[paperwork.measured])
    plan = make_plan(stops, start_at(16.06, 108.2))  # Đà Nẵng, ~150 km away
    minx, miny, maxx, maxy = plan.bounds()
    assert minx <= POINT[1] <= maxx and miny <= POINT[0] <= maxy and maxx - minx < 0.01 and maxy - miny < 0.01


def test_a_stale_version_saves_nothing(paperwork):
    store, leader = paperwork.store, _leader(paperwork)
    plan = make_plan(plan_stops(store, leader, site_ids=[paperwork.measured]), start_at(16.8, 107.0))
    trip_id, version = _open_trip(paperwork)
    with pytest.raises(LayersError, match="."):
        save_plan(store, trip_id, plan, leader, version + 5)
    assert store.record("trips", trip_id, system())["route_site_ids"] in (None, [])
    assert store.record("sites", paperwork.measured, system())["status"] == "verified"


def test_a_stop_without_geometry_uses_the_point_on_its_site(paperwork):
    (stop,) = plan_stops(paperwork.store, _leader(paperwork), site_ids=[paperwork.measured])
    site = paperwork.store.record("sites", paperwork.measured, system())
    assert Point(stop.lon, stop.lat).distance(site["geometry"]) < 1e-9
