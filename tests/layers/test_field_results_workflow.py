"""The chapter's confirmations of what a team brought back, as the trip's route sets them up, on
both backends: a route saved on a trip plans its sites, so each of their observations can be
confirmed; the trip closes only when every site of it (route and linked reports) is decided, never
while a site of its route was not searched; an observation decided already says which one."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from shapely.geometry import Point

from layers.access import system
from layers.campaign import vietnam_today
from layers.errors import LayersError
from layers.field_results import confirm, reject
from layers.store import Store
from layers.trips import add_trip, edit_trip
from tests.layers.people import QT, build

TODAY = vietnam_today()
PLAN = {"team": "Đội 3", "date_from": (TODAY - timedelta(days=5)).isoformat(), "date_to": TODAY.isoformat()}
ROUTE = ("r-qt", "r-qt-assigned")  # two sites of Quảng Trị's chapter


@pytest.fixture
def campaign(any_store):
    campaign = build(any_store)
    for report_id in ROUTE:
        record = any_store.record("reports", report_id, system())
        any_store.update("reports", report_id, {"status": "verified"}, "test", int(record["version"]))
    return campaign


def _site(store: Store, report_id: str) -> str:
    return str(store.record("reports", report_id, system())["site_id"])


def _observe(store: Store, trip_id: str, site_id: str, finding: str, remains: int | None = None) -> str:
    """What a team brought back at a site, as the importer writes it: a proposal."""
    obs_id = str(uuid.uuid4())
    record = {
        "id": obs_id,
        "trip_id": trip_id,
        "site_id": site_id,
        "site_name": f"Điểm {site_id[:8]}",
        "chapter_id": QT,
        "province_34": "VN-25",
        "finding": finding,
        "remains_count": remains,
        "status": "proposed",
        "observed_at": datetime(TODAY.year, TODAY.month, TODAY.day, 3, 0),
        "geometry": Point(106.9, 16.8),
    }
    store.insert("observations", [record], author="qt.doi")
    return obs_id


def _routed_trip(campaign) -> tuple[str, list[str]]:
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    trip_id = add_trip(store, PLAN, leader)
    sites = [_site(store, r) for r in ROUTE]
    version = int(store.record("trips", trip_id, system())["version"])
    edit_trip(store, trip_id, {"route_site_ids": sites, "route_start": "16.8, 107.0"}, version, leader)
    return trip_id, sites


def test_a_saved_routes_sites_are_planned_so_their_results_can_be_confirmed_and_the_trip_closes(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    trip_id, (first, second) = _routed_trip(campaign)
    assert [store.record("sites", s, system())["status"] for s in (first, second)] == ["planned", "planned"]
    confirm(store, [_observe(store, trip_id, first, "found", 2)], leader)
    assert store.record("trips", trip_id, system())["outcome"] == "planned"  # the second site is not searched yet
    confirm(store, [_observe(store, trip_id, second, "not_found")], leader)
    trip = store.record("trips", trip_id, system())
    assert (trip["outcome"], trip["remains_found"]) == ("remains_found", 2)
    assert store.record("sites", first, system())["status"] == "remains_found"


def test_a_trip_does_not_close_while_a_site_of_its_route_was_never_searched(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    trip_id = add_trip(store, {**PLAN, "linked_report_ids": ["r-qt"]}, leader)
    searched, never = _site(store, "r-qt"), _site(store, "r-qt-assigned")
    # A route written before routes planned their sites: its second site is still only verified.
    version = int(store.record("trips", trip_id, system())["version"])
    store.update("trips", trip_id, {"route_site_ids": [searched, never]}, "test", version)
    confirm(store, [_observe(store, trip_id, searched, "found", 1)], leader)
    assert store.record("trips", trip_id, system())["outcome"] == "planned"
    assert store.record("sites", never, system())["status"] == "verified"


def test_confirming_a_result_already_confirmed_says_which_one(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    trip_id, (first, _) = _routed_trip(campaign)
    found = _observe(store, trip_id, first, "found", 1)
    confirm(store, [found], leader)
    name = store.record("observations", found, system())["site_name"]
    with pytest.raises(LayersError, match=f"Kết quả tại điểm «{name}» đã được xác nhận"):
        confirm(store, [found], leader)
    with pytest.raises(LayersError, match=f"Kết quả tại điểm «{name}» đã được xác nhận"):
        reject(store, [found], leader, note="Ảnh không rõ")
