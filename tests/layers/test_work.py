"""A person's work list, on both backends: per role what it holds and what it must not; urgent
items (a witness born before 1950, or frail) first, then the oldest; the witness's data never in
an item; a referral sent back leaves the receiving chapter's list for the sending chapter's,
with the reason; suspected duplicates; the command line's `work`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from shapely.geometry import Point

from layers.access import ROLES, Viewer, system
from layers.campaign import vietnam_today
from layers.labels import blank
from layers.referrals import return_referral
from layers.store import Store
from layers.work import KINDS, find_by_receipt, kinds_for_role, suspected_duplicates, work_items
from layers.workflow import StepInput, take_step
from tests.cli_helpers import run_module
from tests.layers.people import NA, QT, build

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 12, 1)
REFERRED = "r-na-about-qt"


@pytest.fixture
def campaign(any_store):
    return build(any_store)


def _items(campaign, username: str) -> set[tuple[str, str]]:
    return {(i.kind, i.record_id) for i in work_items(campaign.store, campaign.viewer(username), TODAY)}


def _set(store: Store, record_id: str, layer: str = "reports", **values) -> None:
    """Give a stored record values directly (the starting point of a test)."""
    version = int(store.record(layer, record_id, system())["version"])
    store.update(layer, record_id, values, "test", version)


def _report(record_id: str, received: date, chapter: str = QT, **values) -> dict:
    return {
        "id": record_id,
        "martyr_names": f"Liệt sĩ {record_id}",
        "chapter_id": chapter,
        "province_34": "VN-25",
        "status": "new",
        "received_on": received,
        "geometry": Point(106.7, 16.7),
        **values,
    }


def test_each_role_gets_the_new_reports_it_may_change_and_the_leader_the_referral(campaign):
    assert _items(campaign, "qt.ghi") == {("verify", "r-qt"), ("verify", "r-qt-assigned")}
    assert _items(campaign, "qt.tinh") == {
        ("verify", "r-qt"),
        ("verify", "r-qt-assigned"),
        ("verify", "r-commune"),  # its commune chapter's
        ("referral", REFERRED),
    }
    assert _items(campaign, "na.ghi") == {("verify", "r-na"), ("verify", REFERRED)}  # Nghệ An's own to verify
    assert _items(campaign, "tw.admin") == {("verify", r) for r in ("r-qt", "r-qt-assigned", "r-commune", "r-na")} | {
        ("verify", REFERRED),
        ("referral", REFERRED),
    }
    assert _items(campaign, "qt.doi") == set()  # a team verifies nothing; its work is trips


def test_a_referral_says_which_chapter_sent_it(campaign):
    (item,) = [i for i in work_items(campaign.store, campaign.viewer("qt.tinh"), TODAY) if i.kind == "referral"]
    assert item.other_chapter == "Hội Cựu TNXP tỉnh Nghệ An" and item.title == "Liệt sĩ r-na-about-qt"


def test_a_partner_has_no_work_whatever_the_data(campaign):
    _set(campaign.store, "r-qt", status="verified", witness_frail=True)
    campaign.store.insert("trips", [{"id": "t-late", "chapter_id": QT, "province_34": "VN-25"}])
    assert kinds_for_role("partner") == ()
    assert work_items(campaign.store, campaign.viewer("doitac"), TODAY) == []


def test_a_demo_account_gets_no_real_record_as_work(campaign):
    demo = Viewer("demo.tinh", ROLES["chapter"], frozenset({QT}), frozenset({"VN-25"}), demo_only=True)
    assert work_items(campaign.store, demo, TODAY) == []


def test_a_verified_report_with_no_planned_search_is_the_leaders_work_not_the_recorders(campaign):
    _set(campaign.store, "r-qt", status="verified")
    assert ("plan", "r-qt") in _items(campaign, "qt.tinh")
    assert ("verify", "r-qt") not in _items(campaign, "qt.tinh")
    assert not {k for k, r in _items(campaign, "qt.ghi") if r == "r-qt"}
    _set(campaign.store, "r-qt", status="planned")
    assert not {k for k, r in _items(campaign, "qt.tinh") if r == "r-qt"}


def test_a_report_being_verified_is_work_since_the_step_and_a_new_one_since_it_was_received(campaign):
    _set(campaign.store, "r-qt-assigned", received_on=date(2026, 5, 4))
    take_step(campaign.store, "r-qt", "verifying", campaign.viewer("qt.ghi"), StepInput())
    since = {i.record_id: i.since for i in work_items(campaign.store, campaign.viewer("qt.ghi"), TODAY)}
    assert since == {"r-qt": vietnam_today(), "r-qt-assigned": date(2026, 5, 4)}


def test_trips_past_their_days_without_an_outcome_are_the_searchers_work(campaign):
    campaign.store.insert(
        "trips",
        [
            {"id": "t-past", "chapter_id": QT, "date_from": date(2026, 11, 2), "outcome": "planned"},
            {"id": "t-undated", "chapter_id": QT},
            {"id": "t-ends-later", "chapter_id": QT, "date_from": date(2026, 11, 28), "date_to": date(2026, 12, 3)},
            {"id": "t-done", "chapter_id": QT, "date_to": date(2026, 11, 1), "outcome": "nothing_found"},
            {"id": "t-na", "chapter_id": NA, "date_to": date(2026, 11, 1)},
        ],
    )
    expected = {("trip_outcome", "t-past"), ("trip_outcome", "t-undated")}
    for username in ("qt.doi", "qt.tinh", "tw.admin"):
        assert {item for item in _items(campaign, username) if item[0] == "trip_outcome"} >= expected
    assert {item for item in _items(campaign, "qt.doi") if item[0] == "trip_outcome"} == expected
    assert not any(kind == "trip_outcome" for kind, _ in _items(campaign, "qt.ghi") | _items(campaign, "na.ghi"))
    assert ("trip_outcome", "t-na") in _items(campaign, "tw.admin")


def test_an_elderly_or_frail_witness_comes_first_then_the_oldest_item(campaign):
    campaign.store.insert(
        "reports",
        [
            _report("old", date(2026, 4, 1)),
            _report("born-1945", date(2026, 10, 1), witness_birth_year=1945),
            _report("born-1950", date(2026, 3, 20), witness_birth_year=1950),
            _report("frail", date(2026, 11, 1), witness_frail=True, witness_birth_year=1962),
            _report("newest", date(2026, 11, 20), witness_frail=False),
        ],
    )
    for record_id in ("r-qt", "r-qt-assigned"):
        _set(campaign.store, record_id, received_on=date(2026, 11, 25))
    items = work_items(campaign.store, campaign.viewer("qt.ghi"), TODAY)
    assert [i.record_id for i in items] == [
        "born-1945",
        "frail",
        "born-1950",
        "old",
        "newest",
        "r-qt",
        "r-qt-assigned",
    ]
    assert [(i.urgent, i.why) for i in items[:3]] == [(True, ("elderly",)), (True, ("frail",)), (False, ())]


def test_the_receiving_chapter_learns_the_witness_is_elderly_but_nothing_about_them(campaign):
    _set(campaign.store, REFERRED, witness_birth_year=1938, witness_frail=True)
    (item,) = [i for i in work_items(campaign.store, campaign.viewer("qt.tinh"), TODAY) if i.kind == "referral"]
    assert item.urgent and item.why == ("elderly", "frail")
    said = json.dumps(item.as_dict(), ensure_ascii=False)
    assert "1938" not in said and "0912 000 002" not in said and "Nhân Chứng" not in said


def test_a_returned_referral_leaves_the_receivers_list_for_the_senders_with_its_reason(campaign):
    reason = "Điểm mộ thuộc Nghệ An: xin xem lại tọa độ"
    return_referral(campaign.store, REFERRED, campaign.viewer("qt.tinh"), reason)
    assert ("referral", REFERRED) not in _items(campaign, "qt.tinh")
    assert ("returned", REFERRED) not in _items(campaign, "qt.tinh")
    (item,) = [i for i in work_items(campaign.store, campaign.viewer("na.ghi"), TODAY) if i.kind == "returned"]
    assert (item.record_id, item.reason, item.other_chapter) == (REFERRED, reason, "Hội Cựu TNXP tỉnh Quảng Trị")
    assert item.since == vietnam_today()
    _set(campaign.store, REFERRED, province_34="VN-22")  # the place corrected: no longer a referral
    assert ("returned", REFERRED) not in _items(campaign, "na.ghi")


def test_a_later_report_of_the_same_martyr_unit_and_place_is_suspected_of_repeating_an_earlier(campaign):
    same = {"martyr_names": "Nguyễn Văn Hùng", "unit": "C 552"}
    campaign.store.insert(
        "reports",
        [
            _report("first", date(2026, 4, 1), **same),
            _report(
                "again",
                date(2026, 6, 1),
                martyr_names="NGUYEN VAN HUNG; Lê Văn Tư",
                unit="c552",
                geometry=Point(106.7025, 16.7),
            ),  # about 270 m away
            _report("far", date(2026, 7, 1), **same, geometry=Point(106.75, 16.7)),  # about 5 km away
            _report("other-unit", date(2026, 7, 2), martyr_names="Nguyễn Văn Hùng", unit="C553"),
            _report("unknown-1", date(2026, 7, 3), martyr_names="Chưa rõ tên"),
            _report("unknown-2", date(2026, 7, 4), martyr_names="chưa rõ tên"),
            _report("nghe-an", date(2026, 8, 1), chapter=NA, **same),
        ],
    )
    assert suspected_duplicates(campaign.store, campaign.viewer("qt.ghi")) == {"again": "first"}
    (item,) = [i for i in work_items(campaign.store, campaign.viewer("qt.ghi"), TODAY) if i.kind == "duplicate"]
    assert (item.record_id, item.other_id, item.since) == ("again", "first", date(2026, 6, 1))
    # Nghệ An's recorder sees Quảng Trị's earlier report (a site in another province is not its
    # to see), so its own later one is suspected of nothing it can look at.
    assert suspected_duplicates(campaign.store, campaign.viewer("na.ghi")) == {}
    assert suspected_duplicates(campaign.store, campaign.viewer("tw.admin")) == {"again": "first", "nghe-an": "first"}


def test_a_report_marked_as_a_duplicate_is_no_longer_suspected(campaign):
    campaign.store.insert(
        "reports",
        [_report("first", date(2026, 4, 1), unit="C552"), _report("again", date(2026, 6, 1), unit="C552")],
    )
    _set(campaign.store, "first", martyr_names="Liệt sĩ again")
    assert suspected_duplicates(campaign.store, campaign.viewer("qt.ghi")) == {"again": "first"}
    take_step(campaign.store, "again", "duplicate", campaign.viewer("qt.ghi"), StepInput(duplicate_of="first"))
    assert suspected_duplicates(campaign.store, campaign.viewer("qt.ghi")) == {}


def test_every_kind_is_work_for_someone_and_only_for_known_roles():
    for kind in KINDS:
        assert kind.roles and set(kind.roles) <= set(ROLES), kind.code


def test_work_on_the_command_line_lists_the_persons_items_as_json(db_url):
    build(Store.open(db_url))
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    leader = run_module("layers", "work", "--as", "qt.tinh", "--db", db_url, cwd=ROOT, env=env)
    assert leader.returncode == 0, leader.stderr
    items = json.loads(leader.stdout)
    assert {(i["kind"], i["record_id"]) for i in items} >= {("referral", REFERRED), ("verify", "r-qt")}
    (referral,) = [i for i in items if i["kind"] == "referral"]
    assert referral["other_chapter"] == "Hội Cựu TNXP tỉnh Nghệ An" and referral["urgent"] is False
    partner = run_module("layers", "work", "--as", "doitac", "--db", db_url, cwd=ROOT, env=env)
    assert partner.returncode == 0 and json.loads(partner.stdout) == []


# -- the public page's accounts and their receipt codes -----------------------------------------


def _sent_through_the_page(record_id: str, code: str, **values) -> dict:
    """An account as the public intake page stores it: new, channel "form", received by the
    province's chapter, with its receipt code and the sender's consent."""
    return _report(
        record_id,
        date(2026, 11, 28),
        source_channel="form",
        receipt_code=code,
        witness_name="Bà Nguyễn Thị Gửi",
        witness_phone="0905 111 222",
        witness_consent="chapter",
        **values,
    )


def test_an_account_sent_through_the_public_page_waits_in_the_intake_queue_with_its_receipt_code(campaign):
    campaign.store.insert("reports", [_sent_through_the_page("r-form", "TB-7K3Q-9M")], author="gui-thong-tin")
    assert ("intake", "r-form") in _items(campaign, "qt.ghi")
    assert ("verify", "r-form") not in _items(campaign, "qt.ghi")  # one queue, not two
    (item,) = [i for i in work_items(campaign.store, campaign.viewer("qt.tinh"), TODAY) if i.kind == "intake"]
    assert item.receipt_code == "TB-7K3Q-9M" and "0905" not in json.dumps(item.as_dict())
    assert ("intake", "r-form") not in _items(campaign, "na.ghi")  # another province's chapter
    assert [k.code for k in kinds_for_role("recorder")][0] == "intake"


def test_an_account_taken_up_leaves_the_intake_queue_for_verification(campaign):
    campaign.store.insert("reports", [_sent_through_the_page("r-form", "TB-7K3Q-9M")], author="gui-thong-tin")
    take_step(campaign.store, "r-form", "verifying", campaign.viewer("qt.ghi"), StepInput())
    assert ("verify", "r-form") in _items(campaign, "qt.ghi")
    assert ("intake", "r-form") not in _items(campaign, "qt.ghi")


def test_a_report_typed_in_by_the_chapter_is_no_intake_however_new(campaign):
    campaign.store.insert(
        "reports",
        [
            _report("r-phone", date(2026, 11, 2), source_channel="phone"),
            _report("r-paper", date(2026, 11, 3), source_channel="form"),  # a paper form: no receipt code
        ],
    )
    items = _items(campaign, "qt.ghi")
    assert {("verify", "r-phone"), ("verify", "r-paper")} <= items
    assert not {("intake", "r-phone"), ("intake", "r-paper")} & items


@pytest.mark.parametrize("typed", ["TB-7K3Q-9M", "tb-7k3q-9m", " TB 7K3Q 9M ", "tb7k3q9m", "TB–7K3Q.9M"])
def test_a_receipt_code_finds_its_submission_however_it_is_typed(campaign, typed):
    campaign.store.insert(
        "reports",
        [_sent_through_the_page("r-form", "TB-7K3Q-9M"), _sent_through_the_page("r-other", "TB-AAAA-11")],
        author="gui-thong-tin",
    )
    found = find_by_receipt(campaign.store, campaign.viewer("qt.ghi"), typed)
    assert found is not None and found["id"] == "r-form"
    assert found["witness_phone"] == "0905 111 222" and found["witness_consent"] == "chapter"


def test_a_receipt_code_finds_nothing_beyond_what_the_person_may_see(campaign):
    campaign.store.insert("reports", [_sent_through_the_page("r-form", "TB-7K3Q-9M")], author="gui-thong-tin")
    assert find_by_receipt(campaign.store, campaign.viewer("na.ghi"), "TB-7K3Q-9M") is None  # Nghệ An's
    assert find_by_receipt(campaign.store, campaign.viewer("qt.ghi"), "TB-7K3Q-9X") is None
    assert find_by_receipt(campaign.store, campaign.viewer("qt.ghi"), "TB") is None  # too short to tell
    partner = find_by_receipt(campaign.store, campaign.viewer("doitac"), "TB-7K3Q-9M")
    assert partner is not None and partner["id"] == "r-form"  # a partner sees the report …
    assert blank(partner["witness_phone"]) and blank(partner["witness_consent"])  # … never the contact nor consent
