"""The workflow table: every allowed and refused step, per role, on both backends; what a step
needs; the status, its data and the history written together; the command line's form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from layers.access import AccessDenied, system
from layers.errors import LayersError
from layers.schema import REPORTS
from layers.store import Store
from layers.workflow import STEPS, StepInput, step_for, steps_from, take_step
from tests.cli_helpers import run_module
from tests.layers.people import build

ROOT = Path(__file__).resolve().parents[2]
STATUSES = REPORTS.field("status").codes()
GIVEN = StepInput(
    note="đã gọi lại, khớp lời kể", trip="t-qt", remains=2, reference="ADN số 12/2027", duplicate_of="r-qt-assigned"
)
# Who may take each step, by the role of the accounts in tests.layers.people (qt.* are of Quảng Trị).
ACCOUNTS = {"tw.admin": "admin", "qt.tinh": "chapter", "qt.ghi": "recorder", "qt.doi": "team", "doitac": "partner"}


@pytest.fixture
def campaign(any_store):
    campaign = build(any_store)
    any_store.insert("trips", [{"id": "t-qt", "name": "Gio An", "chapter_id": "chapter-vn-25", "province_34": "VN-25"}])
    return campaign


def _put(store: Store, status: str) -> None:
    """Set r-qt's status directly (as the starting point of a step under test)."""
    version = store.record("reports", "r-qt", system())["version"]
    store.update("reports", "r-qt", {"status": status}, "test", int(version))


def test_every_pair_of_statuses_is_either_a_declared_step_or_refused_naming_the_allowed_ones():
    for source in STATUSES:
        allowed = {s.target for s in steps_from(source)}
        for target in STATUSES:
            if target in allowed:
                assert step_for(source, target).target == target
            else:
                with pytest.raises(LayersError, match="được chuyển sang"):
                    step_for(source, target)


@pytest.mark.parametrize("step", STEPS, ids=lambda s: f"{s.sources[0]}-{s.target}")
def test_each_step_is_taken_by_its_roles_and_refused_to_the_others(campaign, step):
    store = campaign.store
    for username, role in ACCOUNTS.items():
        _put(store, step.sources[0])
        viewer = campaign.viewer(username)
        if role in step.roles:
            take_step(store, "r-qt", step.target, viewer, GIVEN)
            assert store.record("reports", "r-qt", system())["status"] == step.target, username
        else:
            with pytest.raises(AccessDenied):
                take_step(store, "r-qt", step.target, viewer, GIVEN)
            assert store.record("reports", "r-qt", system())["status"] == step.sources[0], username


def test_a_step_without_what_it_needs_is_refused_saying_what(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    _put(store, "verifying")
    with pytest.raises(LayersError, match="--note"):
        take_step(store, "r-qt", "verified", leader, StepInput())
    _put(store, "planned")
    with pytest.raises(LayersError, match="--trip.*--remains"):
        take_step(store, "r-qt", "remains_found", leader, StepInput())


def test_a_found_step_writes_the_remains_links_the_trip_and_keeps_the_note_in_history(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    _put(store, "verified")
    take_step(store, "r-qt", "planned", leader, StepInput(trip="t-qt", note="đi tháng 3"))
    take_step(store, "r-qt", "remains_found", campaign.viewer("qt.doi"), StepInput(trip="t-qt", remains=2))
    report = store.record("reports", "r-qt", system())
    assert report["status"] == "remains_found" and report["remains_count"] == 2
    assert store.record("trips", "t-qt", system())["linked_report_ids"] == ["r-qt"]
    entries = store.history("r-qt", leader)
    assert [e["action"] for e in entries][-2:] == ["status", "status"]
    assert entries[-2]["reason"] == "đi tháng 3" and entries[-1]["changes"]["status"] == ["planned", "remains_found"]
    take_step(store, "r-qt", "identified", leader, StepInput(reference="ADN 12/2027"))
    assert store.record("reports", "r-qt", system())["identification_ref"] == "ADN 12/2027"


def test_a_step_inside_a_callers_transaction_sees_its_writes_and_is_undone_with_it(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    _put(store, "verified")
    before = len(store.history("r-qt", leader))
    with pytest.raises(RuntimeError), store.engine.begin() as connection:
        trip = {"id": "t-new", "name": "Chuyến chưa ghi", "chapter_id": "chapter-vn-25", "province_34": "VN-25"}
        store.insert("trips", [trip], connection=connection, viewer=leader)
        take_step(store, "r-qt", "planned", leader, StepInput(trip="t-new"), connection)  # sees the new trip
        raise RuntimeError("the caller gives up")
    assert store.record("reports", "r-qt", system())["status"] == "verified"
    assert store.record("trips", "t-new", system()) is None and len(store.history("r-qt", leader)) == before


def test_a_planned_report_goes_back_to_verified_with_a_note_when_its_trip_is_cancelled(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    _put(store, "planned")
    with pytest.raises(LayersError, match="--note"):
        take_step(store, "r-qt", "verified", leader, StepInput())
    take_step(store, "r-qt", "verified", leader, StepInput(note="chuyến bị hủy"))
    assert store.history("r-qt", leader)[-1]["reason"] == "chuyến bị hủy"


def test_a_duplicate_is_kept_and_linked_to_the_report_it_repeats(campaign):
    store, recorder = campaign.store, campaign.viewer("qt.ghi")
    take_step(store, "r-qt", "duplicate", recorder, StepInput(duplicate_of="r-qt-assigned"))
    assert store.record("reports", "r-qt", recorder)["duplicate_of"] == "r-qt-assigned"
    with pytest.raises(LayersError, match="chính nó"):
        take_step(store, "r-commune", "duplicate", campaign.viewer("qt.tinh"), StepInput(duplicate_of="r-commune"))


def test_record_status_on_the_command_line_takes_a_step_and_refuses_a_wrong_one(db_url):
    build(Store.open(db_url))
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}

    def layers(*args):
        return run_module("layers", "record", "status", *args, "--db", db_url, cwd=ROOT, env=env)

    done = layers("r-qt", "verifying", "--as", "qt.ghi", "--note", "nhận qua điện thoại")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"id": "r-qt", "status": "verifying", "version": 2}
    wrong = layers("r-qt", "identified", "--as", "qt.ghi")
    assert wrong.returncode == 2 and "«Đã xác minh» (verified)" in wrong.stderr
    needs = layers("r-qt", "verified", "--as", "qt.ghi")
    assert needs.returncode == 2 and "--note" in needs.stderr
    refused = layers("r-qt", "verified", "--as", "doitac", "--note", "x")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
