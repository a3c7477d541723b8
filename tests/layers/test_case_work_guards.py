"""What the review of issue 14 found, pinned on both backends: an accepted referral lets the
receiving chapter move the work on but not take the report or write over what it sees hidden; a
team changes only what it holds or was sent to; a new datum reads the written coordinate again;
a trip's outcome passes over reports that moved on or were deleted; an import whose record
another names is not withdrawn; a report is given to a team by a leader, to a team that works on it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from layers.access import AccessDenied, system
from layers.campaign import vietnam_today
from layers.importers.reports import import_reports
from layers.imports import ImportChanged, withdraw_import
from layers.records import RecordProblem, add_report, edit_report
from layers.referrals import accept_referral
from layers.trips import add_trip, record_outcome
from layers.workflow import StepInput, take_step
from tests.layers.people import NA, QT, build

REFERRED = "r-na-about-qt"
TODAY = vietnam_today()
PLAN = {"team": "Đội 3", "date_from": (TODAY - timedelta(days=3)).isoformat(), "date_to": TODAY.isoformat()}


@pytest.fixture
def campaign(any_store):
    return build(any_store)


def _record(campaign, record_id: str) -> dict:
    return campaign.store.record("reports", record_id, system())


def _verified(campaign, *record_ids: str) -> None:
    for record_id in record_ids:
        version = _record(campaign, record_id)["version"]
        campaign.store.update("reports", record_id, {"status": "verified"}, "test", int(version))


def test_the_receiving_chapter_may_not_take_an_accepted_referral_nor_write_over_its_hidden_witness(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    accept_referral(store, REFERRED, leader)
    version = int(_record(campaign, REFERRED)["version"])
    for changes in ({"chapter_id": QT}, {"witness_phone": "0999 999 999"}, {"place_description": "[đã ẩn]"}):
        with pytest.raises(AccessDenied):
            edit_report(store, REFERRED, dict(changes), version, leader)
    kept = _record(campaign, REFERRED)
    assert (kept["chapter_id"], kept["witness_phone"], int(kept["version"])) == (NA, "0912 000 002", version)
    assert "0912 000 002" in kept["place_description"]
    edit_report(store, REFERRED, {"unit": "C552"}, version, leader)  # the work itself moves on
    assert _record(campaign, REFERRED)["unit"] == "C552"


def test_a_team_changes_what_it_was_sent_to_not_every_report_of_its_province(campaign):
    store, team = campaign.store, campaign.viewer("qt.doi")
    for record_id in ("r-na-about-qt", "r-commune"):  # in its province, not its chapter's, not sent to it
        with pytest.raises(AccessDenied):
            take_step(store, record_id, "verifying", team, StepInput())
        assert _record(campaign, record_id)["status"] == "new"
    _verified(campaign, "r-na-about-qt")
    trip = add_trip(store, {**PLAN, "linked_report_ids": [REFERRED]}, campaign.viewer("tw.admin"))
    store.update("trips", trip, {"chapter_id": NA}, "test", int(store.record("trips", trip, system())["version"]))
    with pytest.raises(AccessDenied):
        record_outcome(store, trip, team, "nothing_found")
    assert _record(campaign, REFERRED)["status"] == "planned"


def test_a_new_datum_reads_the_written_coordinate_again(campaign):
    store, recorder = campaign.store, campaign.viewer("qt.ghi")
    record_id = add_report(store, {"martyr_names": "A", "coord_text": "16.8, 106.9", "coord_datum": "wgs84"}, recorder)
    before = _record(campaign, record_id)
    edit_report(store, record_id, {"coord_datum": "indian1960"}, int(before["version"]), recorder)
    after = _record(campaign, record_id)
    assert after["coord_datum"] == "indian1960" and after["coord_text"] == "16.8, 106.9"
    assert after["geometry"].distance(before["geometry"]) > 0.001  # Indian 1960 lies some 400 m off WGS84 here


def test_an_outcome_passes_over_a_report_another_trip_settled_and_one_deleted_since(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    _verified(campaign, "r-qt", "r-qt-assigned")
    first = add_trip(store, {**PLAN, "linked_report_ids": ["r-qt", "r-qt-assigned"]}, leader)
    second = add_trip(store, {**PLAN, "linked_report_ids": ["r-qt"]}, leader)
    record_outcome(store, second, leader, "remains_found", remains=2)
    assert _record(campaign, "r-qt")["status"] == "remains_found"
    deleted = _record(campaign, "r-qt-assigned")
    store.delete("reports", "r-qt-assigned", campaign.viewer("tw.admin"), int(deleted["version"]), "nhập nhầm")
    record_outcome(store, first, leader, "nothing_found")
    assert store.record("trips", first, system())["outcome"] == "nothing_found"
    assert _record(campaign, "r-qt")["status"] == "remains_found"  # what the other trip found stands


def test_an_import_whose_record_is_named_as_an_original_is_not_withdrawn(campaign):
    store, recorder = campaign.store, campaign.viewer("qt.ghi")
    data = "Họ tên liệt sĩ;Tọa độ\nLiệt sĩ Gốc;16.75, 107.0\n".encode()
    result = import_reports(store, "goc.csv", data, viewer=recorder)
    frame = store.frame("reports", system())
    original = frame.loc[frame["martyr_names"] == "Liệt sĩ Gốc", "id"].iloc[0]
    take_step(store, "r-qt", "duplicate", recorder, StepInput(duplicate_of=original))
    with pytest.raises(ImportChanged, match="Liệt sĩ Gốc"):
        withdraw_import(store, result.import_id, recorder)
    assert _record(campaign, original) is not None  # still there, not in the bin


def test_a_report_is_given_to_a_team_by_a_leader_and_only_to_a_team_that_works_on_it(campaign):
    store = campaign.store
    version = int(_record(campaign, "r-qt")["version"])
    with pytest.raises(AccessDenied):
        edit_report(store, "r-qt", {"assigned_team": "qt.doi"}, version, campaign.viewer("qt.ghi"))
    for who in ("na.ghi", "doitac", "nobody"):  # not a team, or no such account
        with pytest.raises(RecordProblem, match="Đội được giao"):
            edit_report(store, "r-qt", {"assigned_team": who}, version, campaign.viewer("qt.tinh"))
    edit_report(store, "r-qt", {"assigned_team": "qt.doi"}, version, campaign.viewer("qt.tinh"))
    assert _record(campaign, "r-qt")["assigned_team"] == "qt.doi"
    with pytest.raises(RecordProblem, match="không làm ở tỉnh"):
        edit_report(store, "r-na", {"assigned_team": "qt.doi"}, 1, campaign.viewer("tw.admin"))
