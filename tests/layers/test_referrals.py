"""Referrals between chapters, on both backends: a report Nghệ An received about a site in Quảng
Trị waits for Quảng Trị's leader, who accepts it or sends it back with a reason; only that
chapter's leaders and the centre answer; the answer and its history are written together and
both chapters read them; the witness's contacts stay with Nghệ An."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from layers.access import ROLES, AccessDenied, Viewer, system
from layers.errors import LayersError
from layers.labels import blank
from layers.referrals import accept_referral, pending_referrals, return_referral
from layers.store import Store
from layers.users import add_user
from tests.cli_helpers import run_module
from tests.layers.people import NA, PASSWORD, QT, build

ROOT = Path(__file__).resolve().parents[2]
REFERRED = "r-na-about-qt"
REASON = "Điểm mộ ở huyện Thanh Chương, Nghệ An: tọa độ ghi nhầm tỉnh"


@pytest.fixture
def campaign(any_store):
    campaign = build(any_store)
    add_user(any_store, "na.tinh", "chapter", PASSWORD, system(), chapter=NA)
    add_user(any_store, "gioan.tinh", "chapter", PASSWORD, system(), chapter=campaign.commune)
    return campaign


def _answer(store: Store, record_id: str = REFERRED) -> tuple[str | None, int]:
    record = store.record("reports", record_id, system())
    return record["referral"], int(record["version"])


def test_a_report_received_elsewhere_waits_for_the_leaders_of_the_province_where_the_site_lies(campaign):
    for username in ("qt.tinh", "tw.admin"):
        (referral,) = pending_referrals(campaign.store, campaign.viewer(username))
        assert referral.report_id == REFERRED
        assert (referral.sending_chapter_id, referral.receiving_chapter_id) == (NA, QT)
        assert referral.sending_chapter == "Hội Cựu TNXP tỉnh Nghệ An"
        assert referral.receiving_chapter == "Hội Cựu TNXP tỉnh Quảng Trị"
    for username in ("qt.ghi", "qt.doi", "doitac", "na.ghi", "na.tinh", "gioan.tinh"):
        assert pending_referrals(campaign.store, campaign.viewer(username)) == [], username


def test_a_report_of_the_province_itself_or_of_a_commune_in_it_is_no_referral(campaign):
    leader = campaign.viewer("qt.tinh")
    for record_id in ("r-qt", "r-commune"):
        with pytest.raises(LayersError, match="không phải tin báo chuyển đến"):
            accept_referral(campaign.store, record_id, leader)
        assert _answer(campaign.store, record_id) == (None, 1)


@pytest.mark.parametrize("username", ["qt.ghi", "qt.doi", "doitac", "na.ghi", "na.tinh", "gioan.tinh"])
def test_only_the_receiving_chapters_leaders_and_the_centre_answer_a_referral(campaign, username):
    viewer = campaign.viewer(username)
    for answer in (
        lambda: accept_referral(campaign.store, REFERRED, viewer),
        lambda: return_referral(campaign.store, REFERRED, viewer, REASON),
    ):
        with pytest.raises(LayersError):  # AccessDenied, or the report is not there for them
            answer()
    assert _answer(campaign.store) == (None, 1)
    assert [e["action"] for e in campaign.store.history(REFERRED, system())] == ["insert"]


def test_the_recorder_and_the_other_provinces_leader_are_told_why_they_may_not_answer(campaign):
    with pytest.raises(AccessDenied, match="lãnh đạo Hội tỉnh"):
        accept_referral(campaign.store, REFERRED, campaign.viewer("qt.ghi"))
    with pytest.raises(AccessDenied, match="chuyển đến Hội của tỉnh khác"):
        accept_referral(campaign.store, REFERRED, campaign.viewer("na.tinh"))


def test_a_demo_account_does_not_answer_a_real_referral(campaign):
    demo = Viewer("demo.tinh", ROLES["chapter"], frozenset({QT}), frozenset({"VN-25"}), demo_only=True)
    with pytest.raises(LayersError, match="Không có tin báo"):
        accept_referral(campaign.store, REFERRED, demo)
    assert _answer(campaign.store) == (None, 1)


def test_accepting_writes_the_answer_and_its_history_together_and_ends_the_wait(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    assert accept_referral(store, REFERRED, leader, note="Đội 3 sẽ đến xem") == 2
    assert _answer(store) == ("accepted", 2)
    last = store.history(REFERRED, campaign.viewer("na.ghi"))[-1]
    assert (last["action"], last["actor"], last["version"]) == ("referral", "qt.tinh", 2)
    assert last["reason"] == "Đội 3 sẽ đến xem" and last["changes"] == {"referral": [None, "accepted"]}
    assert pending_referrals(store, leader) == []
    with pytest.raises(LayersError, match="đã được nhận"):
        accept_referral(store, REFERRED, leader)


def test_the_receiving_chapter_still_sees_no_witness_contact_after_accepting(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    accept_referral(store, REFERRED, leader)
    record = store.record("reports", REFERRED, leader)
    assert record["referral"] == "accepted"
    assert blank(record["witness_phone"]) and blank(record["witness_name"])
    assert "0912 000 002" not in json.dumps(store.history(REFERRED, leader), ensure_ascii=False)


def test_sending_back_needs_a_reason_and_without_one_writes_nothing(campaign):
    for empty in ("", "   ", None):
        with pytest.raises(LayersError, match="lý do"):
            return_referral(campaign.store, REFERRED, campaign.viewer("qt.tinh"), empty)
    with pytest.raises(LayersError, match="1000 ký tự"):
        return_referral(campaign.store, REFERRED, campaign.viewer("qt.tinh"), "x" * 1001)
    assert _answer(campaign.store) == (None, 1)


def test_the_sending_chapters_recorder_reads_why_its_report_was_sent_back(campaign):
    store = campaign.store
    return_referral(store, REFERRED, campaign.viewer("qt.tinh"), f"  {REASON}\n")
    for username in ("na.ghi", "qt.tinh"):  # both chapters read the answer and its reason
        viewer = campaign.viewer(username)
        last = store.history(REFERRED, viewer)[-1]
        assert (last["action"], last["actor"], last["reason"]) == ("referral", "qt.tinh", REASON)
        assert store.record("reports", REFERRED, viewer)["referral"] == "returned"
    assert pending_referrals(store, campaign.viewer("qt.tinh")) == []


def test_an_accepted_referral_may_still_be_sent_back_with_a_reason(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    accept_referral(store, REFERRED, leader)
    assert return_referral(store, REFERRED, leader, REASON) == 3
    assert [e["changes"] for e in store.history(REFERRED, system())[1:]] == [
        {"referral": [None, "accepted"]},
        {"referral": ["accepted", "returned"]},
    ]


def test_record_referral_on_the_command_line_answers_and_refuses_as_the_person(db_url):
    build(Store.open(db_url))
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}

    def layers(*args):
        return run_module("layers", "record", "referral", REFERRED, *args, "--db", db_url, cwd=ROOT, env=env)

    refused = layers("accept", "--as", "qt.ghi")
    assert refused.returncode == 2 and "lãnh đạo Hội tỉnh" in refused.stderr and "Traceback" not in refused.stderr
    no_reason = layers("return", "--as", "qt.tinh")
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    done = layers("return", "--reason", REASON, "--as", "qt.tinh")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"id": REFERRED, "referral": "returned", "version": 2}
    assert Store.open(db_url).history(REFERRED, system())[-1]["reason"] == REASON


def test_an_accepted_referral_is_the_receiving_chapters_to_work_on_but_not_its_contacts(campaign):
    from layers.records import edit_report
    from layers.workflow import StepInput, take_step

    store, leader = campaign.store, campaign.viewer("qt.tinh")
    with pytest.raises(AccessDenied):  # before the answer, the report is Nghệ An's alone
        edit_report(store, REFERRED, {"unit": "C552"}, _answer(store)[1], leader)
    accept_referral(store, REFERRED, leader)
    version = edit_report(store, REFERRED, {"unit": "C552"}, _answer(store)[1], leader)
    take_step(store, REFERRED, "verifying", leader, StepInput())
    seen = store.record("reports", REFERRED, leader)
    assert seen["unit"] == "C552" and seen["status"] == "verifying" and seen["version"] == version + 1
    assert blank(seen["witness_phone"])  # the witness trusted Nghệ An: the contacts stay there


def test_moving_a_referred_sites_province_asks_the_new_province_again(campaign):
    from layers.records import edit_report

    store = campaign.store
    accept_referral(store, REFERRED, campaign.viewer("qt.tinh"))
    edit_report(store, REFERRED, {"coord_text": "18.70, 105.60"}, _answer(store)[1], campaign.viewer("na.ghi"))
    moved = store.record("reports", REFERRED, system())
    assert moved["province_34"] != "VN-25" and moved["referral"] is None
