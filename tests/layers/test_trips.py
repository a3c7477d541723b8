"""Trips planned, changed and recorded by people, on both backends: the checked values, the rights
per role, the linked reports moving through the workflow in the trip's own transaction (a step
refused for one report writes nothing at all), the history of every change, and the command line."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from layers.access import AccessDenied, system
from layers.campaign import vietnam_today
from layers.errors import LayersError
from layers.history import HISTORY
from layers.importers.errors import UnreadableFile
from layers.importers.trips import read_track
from layers.store import Store
from layers.trips import TripProblem, add_trip, edit_trip, outcome_code, record_outcome
from tests.cli_helpers import run_module
from tests.layers.importers.test_trips_import import GPX, KML
from tests.layers.people import QT, build

ROOT = Path(__file__).resolve().parents[2]
ENV = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
TODAY = vietnam_today()
START, END, HANDED = (TODAY - timedelta(days=d) for d in (6, 4, 2))  # a trip just made
PLAN = {"team": "Đội 3 Quảng Trị", "date_from": START.isoformat(), "date_to": END.isoformat()}
TWO = ["r-qt", "r-qt-assigned"]


def _put(store: Store, record_id: str, status: str) -> None:
    """Set a report's status directly (the starting point of what is tested)."""
    version = store.record("reports", record_id, system())["version"]
    store.update("reports", record_id, {"status": status}, "test", int(version))


@pytest.fixture
def campaign(any_store):
    campaign = build(any_store)
    for record_id in TWO:
        _put(any_store, record_id, "verified")
    return campaign


def _status(store: Store, record_id: str) -> str:
    return store.record("reports", record_id, system())["status"]


def _history_rows(store: Store) -> int:
    with store.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(HISTORY)).scalar_one()


def _planned(campaign, reports=TWO, **values) -> str:
    return add_trip(campaign.store, {**PLAN, "linked_report_ids": list(reports), **values}, campaign.viewer("qt.tinh"))


def test_planning_a_trip_plans_its_verified_reports_with_history_for_each(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    trip_id = _planned(campaign)
    trip = store.record("trips", trip_id, leader)
    assert trip["outcome"] == "planned" and trip["chapter_id"] == QT and trip["linked_report_ids"] == TWO
    assert trip["province_34"] == "VN-25"  # from its reports
    assert (trip["date_from"], trip["date_to"]) == (START, END)
    assert [e["action"] for e in store.history(trip_id, leader)] == ["insert"]
    for record_id in TWO:
        assert _status(store, record_id) == "planned"
        last = store.history(record_id, leader)[-1]
        assert last["action"] == "status" and last["changes"]["status"] == ["verified", "planned"]
        assert trip["name"] in last["reason"]


def test_a_trip_without_a_team_or_with_dates_out_of_order_is_refused_naming_the_field(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    for values, says in (
        ({"date_from": START.isoformat(), "date_to": END.isoformat()}, "Đội tìm kiếm"),
        ({**PLAN, "date_from": HANDED.isoformat()}, "Từ ngày.*sau"),
        ({**PLAN, "date_to": "ngày mai"}, "Đến ngày.*không phải ngày"),
        ({**PLAN, "sweep_width_m": "900"}, "Bề rộng"),
        ({**PLAN, "witness_phone": "0912"}, "witness_phone"),
        ({**PLAN, "outcome": "remains_found"}, "trip outcome"),
        ({**PLAN, "province_34": "Xứ Đoài Mây Trắng"}, "Tỉnh"),
    ):
        with pytest.raises(TripProblem, match=says):
            add_trip(store, values, leader)
    assert store.count("trips", system()) == 0


def test_a_report_that_cannot_be_planned_refuses_the_whole_trip_naming_the_report(campaign):
    store = campaign.store
    before = _history_rows(store)
    with pytest.raises(LayersError, match=r"Liệt sĩ r-commune.*r-commune.*«Mới nhận»"):
        _planned(campaign, ["r-qt", "r-commune"])  # r-commune was never verified
    assert store.count("trips", system()) == 0
    assert _status(store, "r-qt") == "verified" and _history_rows(store) == before


def test_a_report_the_person_may_not_see_cannot_be_linked(campaign):
    with pytest.raises(TripProblem, match="không có tin báo «r-na»"):
        _planned(campaign, ["r-na"])  # Nghệ An's report about Nghệ An
    assert campaign.store.count("trips", system()) == 0


def test_recorders_and_partners_may_not_plan_nor_record_trips(campaign):
    store = campaign.store
    trip_id = _planned(campaign)
    for username in ("qt.ghi", "doitac"):
        viewer = campaign.viewer(username)
        with pytest.raises(AccessDenied):
            add_trip(store, dict(PLAN), viewer)
        with pytest.raises(AccessDenied):
            record_outcome(store, trip_id, viewer, "nothing_found")
    assert store.count("trips", system()) == 1 and _status(store, "r-qt") == "planned"


def test_a_team_plans_its_own_trips_and_records_their_outcome_but_planning_a_report_is_for_leaders(campaign):
    store, team = campaign.store, campaign.viewer("qt.doi")
    own = add_trip(store, dict(PLAN), team)
    assert store.record("trips", own, team)["chapter_id"] == QT
    with pytest.raises(AccessDenied):
        add_trip(store, {**PLAN, "chapter_id": "chapter-vn-22", "province_34": "VN-22"}, team)  # Nghệ An's
    with pytest.raises(AccessDenied, match=r"r-qt-assigned.*Đội tìm kiếm"):
        add_trip(store, {**PLAN, "linked_report_ids": ["r-qt-assigned"]}, team)
    assert _status(store, "r-qt-assigned") == "verified"
    planned = _planned(campaign)  # by the leader
    record_outcome(store, planned, team, "Chưa tìm thấy")
    assert [_status(store, r) for r in TWO] == ["searched_not_found", "searched_not_found"]


def test_nothing_found_moves_every_linked_report_in_the_trips_transaction_with_history(campaign):
    store, team = campaign.store, campaign.viewer("qt.doi")
    trip_id = _planned(campaign)
    before = _history_rows(store)
    version = record_outcome(store, trip_id, team, "nothing_found", note="đã dò hết khu đồi")
    trip = store.record("trips", trip_id, team)
    assert version == 2 and trip["outcome"] == "nothing_found" and trip["remains_found"] == 0
    assert _history_rows(store) == before + 5  # the trip, its two reports and their two sites
    assert store.history(trip_id, team)[-1]["reason"] == "đã dò hết khu đồi"
    for record_id in TWO:
        last = store.history(record_id, team)[-1]
        assert last["changes"]["status"] == ["planned", "searched_not_found"]
        assert "Chưa tìm thấy" in last["reason"] and "đã dò hết khu đồi" in last["reason"]


def test_remains_found_at_one_of_two_reports_moves_that_one_with_its_number_and_the_other_to_searched(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    trip_id = _planned(campaign)
    record_outcome(
        store,
        trip_id,
        leader,
        "Tìm thấy hài cốt",
        report_remains={"r-qt": 2},
        handed_over=2,
        handed_over_to="Đội K52, Bộ CHQS tỉnh Quảng Trị",
        handed_over_on=HANDED.isoformat(),
    )
    trip = store.record("trips", trip_id, leader)
    assert (trip["outcome"], trip["remains_found"], trip["remains_handed_over"]) == ("remains_found", 2, 2)
    assert trip["handed_over_to"] == "Đội K52, Bộ CHQS tỉnh Quảng Trị" and trip["handed_over_on"] == HANDED
    found = store.record("reports", "r-qt", system())
    assert found["status"] == "remains_found" and found["remains_count"] == 2
    assert _status(store, "r-qt-assigned") == "searched_not_found"


def test_remains_of_a_trip_for_several_reports_must_be_told_apart_and_a_handover_needs_its_unit(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    trip_id = _planned(campaign)
    with pytest.raises(TripProblem, match="từng tin báo"):
        record_outcome(store, trip_id, leader, "remains_found", remains=2)
    with pytest.raises(TripProblem, match="Đơn vị nhận bàn giao"):
        record_outcome(store, trip_id, leader, "remains_found", report_remains={"r-qt": 1}, handed_over=1)
    with pytest.raises(TripProblem, match="lớn hơn"):
        record_outcome(
            store,
            trip_id,
            leader,
            "remains_found",
            report_remains={"r-qt": 1},
            handed_over=3,
            handed_over_to="K52",
            handed_over_on=HANDED.isoformat(),
        )
    with pytest.raises(TripProblem, match="không thuộc chuyến"):
        record_outcome(store, trip_id, leader, "remains_found", report_remains={"r-na": 1})
    with pytest.raises(TripProblem, match="chọn:.*nothing_found"):
        record_outcome(store, trip_id, leader, "thành công")
    assert store.record("trips", trip_id, leader)["outcome"] == "planned"


def test_a_step_refused_for_one_report_leaves_the_trip_and_every_report_unchanged(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    trip_id = _planned(campaign)
    _put(store, "r-qt-assigned", "identified")  # moved on in the meantime, by another way
    before = _history_rows(store)
    with pytest.raises(LayersError, match=r"Liệt sĩ r-qt-assigned.*«Đã xác định danh tính»"):
        record_outcome(store, trip_id, leader, "remains_found", report_remains={"r-qt": 1, "r-qt-assigned": 1})
    trip = store.record("trips", trip_id, leader)
    assert (trip["outcome"], trip["version"], trip["remains_found"]) == ("planned", 1, None)
    assert _status(store, "r-qt") == "planned" and _status(store, "r-qt-assigned") == "identified"
    assert store.record("reports", "r-qt", system())["remains_count"] is None
    assert _history_rows(store) == before


def test_a_cancelled_trip_sends_its_reports_back_to_verified_unless_another_planned_trip_waits(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    first = _planned(campaign, ["r-qt"])
    second = _planned(campaign, TWO)  # r-qt is planned already: linked, no step
    with pytest.raises(AccessDenied):
        record_outcome(store, second, campaign.viewer("qt.doi"), "cancelled")  # leaders cancel
    record_outcome(store, second, leader, "Hủy", note="mưa lũ, đường vào bị sạt")
    assert store.record("trips", second, leader)["outcome"] == "cancelled"
    assert _status(store, "r-qt") == "planned"  # the first trip still goes
    assert _status(store, "r-qt-assigned") == "verified"
    last = store.history("r-qt-assigned", leader)[-1]
    assert last["changes"]["status"] == ["planned", "verified"] and "mưa lũ" in last["reason"]
    with pytest.raises(TripProblem, match="đã có kết quả «Hủy»"):
        record_outcome(store, second, leader, "nothing_found")
    record_outcome(store, first, leader, "cancelled")
    assert _status(store, "r-qt") == "verified"


def test_a_trip_not_yet_started_can_be_cancelled_but_has_no_other_outcome_yet(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    later = (TODAY + timedelta(days=10)).isoformat()
    trip_id = _planned(campaign, ["r-qt"], date_from=later, date_to=later)
    with pytest.raises(TripProblem, match="chưa đi"):
        record_outcome(store, trip_id, leader, "nothing_found")
    assert _status(store, "r-qt") == "planned"
    record_outcome(store, trip_id, leader, "cancelled")
    assert _status(store, "r-qt") == "verified"


def test_an_edit_checks_the_version_and_plans_newly_linked_reports_and_frees_those_taken_off(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    trip_id = _planned(campaign, ["r-qt"])
    version = edit_trip(store, trip_id, {"linked_report_ids": ["r-qt-assigned"], "team": "Đội 5"}, 1, leader)
    assert version == 2 and store.record("trips", trip_id, leader)["team"] == "Đội 5"
    assert _status(store, "r-qt-assigned") == "planned" and _status(store, "r-qt") == "verified"
    with pytest.raises(LayersError, match="người khác sửa.*Đội 5"):
        edit_trip(store, trip_id, {"notes": "mang máy dò"}, 1, leader)
    with pytest.raises(TripProblem, match="Đến ngày"):
        edit_trip(store, trip_id, {"date_to": (START - timedelta(days=1)).isoformat()}, 2, leader)
    with pytest.raises(TripProblem, match="trip outcome"):
        edit_trip(store, trip_id, {"outcome": "nothing_found"}, 2, leader)
    record_outcome(store, trip_id, leader, "nothing_found")
    with pytest.raises(TripProblem, match="đã có kết quả"):
        edit_trip(store, trip_id, {"linked_report_ids": ["r-qt"]}, 3, leader)


def test_remains_handed_over_later_are_recorded_by_an_edit(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    trip_id = _planned(campaign, ["r-qt"])
    version = record_outcome(store, trip_id, leader, "remains_found", remains=3)
    assert store.record("reports", "r-qt", system())["remains_count"] == 3
    handover = {"remains_handed_over": 3, "handed_over_to": "Đội K52", "handed_over_on": f"{HANDED:%d/%m/%Y}"}
    edit_trip(store, trip_id, handover, version, leader)
    trip = store.record("trips", trip_id, leader)
    assert (trip["remains_handed_over"], trip["handed_over_on"]) == (3, HANDED)
    assert store.history(trip_id, leader)[-1]["changes"]["handed_over_to"] == [None, "Đội K52"]


def test_a_trip_takes_its_track_waypoints_dates_and_province_from_a_gps_file(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    track = read_track("osmand.gpx", GPX)
    trip_id = add_trip(store, {"team": "Đội 3"}, leader, track=track)
    trip = store.record("trips", trip_id, leader)
    assert trip["geometry"].geom_type == "MultiLineString" and len(trip["geometry"].geoms) == 2  # track and route
    assert (trip["date_from"], trip["date_to"]) == (date(2026, 5, 2), date(2026, 5, 3))
    assert trip["province_34"] == "VN-25" and "Gốc đa" in trip["waypoints"]
    later = add_trip(store, dict(PLAN), leader)
    edit_trip(store, later, {}, 1, leader, track=read_track("earth.kml", KML))
    assert store.record("trips", later, leader)["geometry"].geom_type == "LineString"


def test_a_gps_file_with_a_bad_line_is_refused_whole_saying_why():
    bad = GPX.replace(b'lat="16.74" lon="107.19"', b'lat="48.85" lon="2.35"')  # the route starts in Paris
    with pytest.raises(UnreadableFile, match="Đường đi 2.*ngoài Việt Nam"):
        read_track("osmand.gpx", bad)


def test_outcomes_are_known_by_their_codes_and_labels():
    assert [outcome_code(t) for t in ("chua tim thay", "Remains found", "HỦY")] == [
        "nothing_found",
        "remains_found",
        "cancelled",
    ]


def test_trip_add_outcome_and_a_stale_edit_on_the_command_line(db_url, tmp_path):
    store = Store.open(db_url)
    build(store)
    _put(store, "r-qt", "verified")

    def layers(*args):
        return run_module("layers", "trip", *args, "--db", db_url, cwd=ROOT, env=ENV)

    track = tmp_path / "doi3.gpx"
    track.write_bytes(GPX)
    added = layers(
        "add", "--team", "Đội 3", "--from", PLAN["date_from"], "--to", PLAN["date_to"], "--report", "r-qt",
        "--track", str(track), "--as", "qt.tinh",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    trip_id = json.loads(added.stdout)["id"]
    assert _status(store, "r-qt") == "planned"
    edited = layers("edit", trip_id, "--set", "notes=mang máy dò", "--version", "1", "--as", "qt.tinh")
    assert edited.returncode == 0 and json.loads(edited.stdout)["version"] == 2, edited.stderr
    stale = layers("edit", trip_id, "--set", "team=Đội 9", "--version", "1", "--as", "qt.tinh")
    assert stale.returncode == 2 and "người khác sửa" in stale.stderr and "mang máy dò" in stale.stderr
    wrong = layers("outcome", trip_id, "--outcome", "remains_found", "--as", "qt.doi")
    assert wrong.returncode == 2 and "--remains" in wrong.stderr and "Traceback" not in wrong.stderr
    done = layers("outcome", trip_id, "--outcome", "Tìm thấy hài cốt", "--report-remains", "r-qt=2", "--as", "qt.doi")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outcome"] == "remains_found"
    found = store.record("reports", "r-qt", system())
    assert (found["status"], found["remains_count"]) == ("remains_found", 2)
    refused = layers("add", "--team", "Đội 3", "--from", PLAN["date_from"], "--to", PLAN["date_to"], "--as", "qt.ghi")
    assert refused.returncode == 2 and "không được" in refused.stderr


# -- the route ----------------------------------------------------------------------------------


def _site(store: Store, report_id: str) -> str:
    return str(store.record("reports", report_id, system())["site_id"])


def _route_trip(campaign) -> tuple[str, int]:
    trip_id = _planned(campaign, reports=[])
    return trip_id, int(campaign.store.record("trips", trip_id, system())["version"])


def test_a_route_site_the_person_does_not_see_or_that_does_not_exist_is_refused_and_nothing_is_stored(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    trip_id, version = _route_trip(campaign)
    other_province = _site(store, "r-na")  # Nghệ An's chapter's, in Nghệ An: Quảng Trị's leader does not see it
    for ids in (f"{other_province},{_site(store, 'r-qt')}", f"{_site(store, 'r-qt')},nonexistent"):
        with pytest.raises(TripProblem, match="không có điểm mộ"):
            edit_trip(store, trip_id, {"route_site_ids": ids}, version, leader)
    assert store.record("trips", trip_id, system())["route_site_ids"] in (None, [])


def test_a_route_start_is_read_as_a_plan_start_is_and_stored_as_lat_lon(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    trip_id, version = _route_trip(campaign)
    with pytest.raises(TripProblem, match="route_start"):
        edit_trip(store, trip_id, {"route_start": "not a place <b>"}, version, leader)
    edit_trip(store, trip_id, {"route_start": "16°48'N 107°03'E"}, version, leader)
    assert store.record("trips", trip_id, system())["route_start"] == "16.800000, 107.050000"


def test_a_route_length_is_measured_from_its_sites_never_typed(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    trip_id, version = _route_trip(campaign)
    with pytest.raises(TripProblem, match="route_length_m"):
        edit_trip(store, trip_id, {"route_length_m": "1"}, version, leader)
    changes = {"route_site_ids": _site(store, "r-qt"), "route_start": "16.8, 107.0"}
    edit_trip(store, trip_id, changes, version, leader)
    # r-qt's site is at 106.9, 16.8: about 10.7 km west of the start along the parallel.
    assert store.record("trips", trip_id, system())["route_length_m"] == pytest.approx(10_660, rel=0.01)


def test_a_route_site_not_ready_to_plan_is_refused_naming_it_and_its_status(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    trip_id, version = _route_trip(campaign)
    new_site = _site(store, "r-commune")  # still "new": nobody has verified it
    with pytest.raises(TripProblem, match=f"\\({new_site}\\) đang «Mới nhận»"):
        edit_trip(store, trip_id, {"route_site_ids": [new_site]}, version, leader)


def test_saving_a_route_plans_its_sites_and_links_their_testimonies_in_the_same_write(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    trip_id, version = _route_trip(campaign)
    site = _site(store, "r-qt")
    new_version = edit_trip(store, trip_id, {"route_site_ids": [site], "route_start": "16.8, 107.0"}, version, leader)
    trip = store.record("trips", trip_id, system())
    assert store.record("sites", site, system())["status"] == "planned" and _status(store, "r-qt") == "planned"
    assert "r-qt" in trip["linked_report_ids"] and int(trip["version"]) == new_version


def test_a_closed_trip_keeps_its_route(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    trip_id, _ = _route_trip(campaign)
    version = record_outcome(store, trip_id, leader, "cancelled")
    with pytest.raises(TripProblem, match="không đổi lộ trình"):
        edit_trip(store, trip_id, {"route_site_ids": _site(store, "r-qt")}, version, leader)
    assert store.record("trips", trip_id, system())["route_site_ids"] in (None, [])
