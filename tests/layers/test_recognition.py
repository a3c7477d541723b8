"""Recognition support cases on both backends: a case and its witnesses (parts that take the
case's chapter), its steps with their days and notes in the history, who may take which step,
who sees whose contacts, links to reports, and a deletion that takes the witnesses along."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from layers.access import AccessDenied, system
from layers.campaign import vietnam_today
from layers.errors import LayersError
from layers.recognition import (
    CASE_STEPS,
    CASE_WORKFLOW,
    add_case,
    add_witness,
    case_list,
    case_summary,
    cases_about,
    edit_case,
    edit_witness,
    link,
    take_case_step,
)
from layers.records import RecordProblem
from layers.store import Store
from layers.workflow import REPORT_WORKFLOW, workflow_of
from tests.layers.people import NA, QT, build

CASE = {
    "person_name": "Nguyễn Văn Thành",
    "birth_year": "1951",
    "hometown": "Gio Linh, Quảng Trị",
    "unit": "C552",
    "death_date": "mùa mưa 1972",
    "death_year": "1972",
    "death_place": "Đường 9, gần Khe Sanh",
    "circumstances": "Bom rơi khi mở đường",
    "province_34": "Quảng Trị",
    "applicant_name": "Nguyễn Thị Lan",
    "applicant_phone": "0912 777 001",
    "applicant_relation": "em gái",
}
WITNESS = {
    "name": "Trần Văn Bảy",
    "birth_year": "1950",
    "phone": "0988 111 222",
    "address": "thôn Hà Thanh, Gio Linh",
    "relation": "cùng tiểu đội",
    "served_with": "C552, 1971–1972",
    "statement": "Tôi cùng tiểu đội với anh Thành, chứng kiến anh hy sinh tháng 8 năm 1972.",
}


@pytest.fixture
def campaign(any_store):
    return build(any_store)


def _case(campaign, username: str = "qt.tinh", **values) -> str:
    return add_case(campaign.store, {**CASE, **values}, campaign.viewer(username))


def _whole(store: Store, layer: str, record_id: str) -> dict:
    return store.record(layer, record_id, system())


def test_reports_and_sites_keep_their_workflow_and_cases_have_their_own():
    assert workflow_of("reports") is REPORT_WORKFLOW and workflow_of("sites") is REPORT_WORKFLOW
    assert workflow_of("recognition_cases") is CASE_WORKFLOW
    assert workflow_of("trips") is None
    assert [s.target for s in CASE_WORKFLOW.steps_from("gathering")] == ["sent_commune"]
    assert {s.target for s in CASE_WORKFLOW.steps_from("sent_province")} == {"recognised", "returned"}
    assert [s.target for s in CASE_WORKFLOW.steps_from("returned")] == ["gathering"]
    assert CASE_WORKFLOW.steps_from("recognised") == []


def test_a_new_case_is_gathering_from_today_for_the_persons_chapter_with_its_insert_in_history(campaign):
    store = campaign.store
    case_id = _case(campaign)
    case = _whole(store, "recognition_cases", case_id)
    assert (case["status"], case["step_on"], case["chapter_id"]) == ("gathering", vietnam_today(), QT)
    assert (case["province_34"], case["birth_year"], case["death_year"]) == ("VN-25", 1951, 1972)
    entries = store.history(case_id, campaign.viewer("qt.tinh"))
    assert [e["action"] for e in entries] == ["insert"]
    assert entries[0]["changes"]["status"] == [None, "gathering"]


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ({"birth_year": "1980", "death_year": "1972"}, r"«Năm sinh» \(1980\) sau «Năm hy sinh» \(1972\)"),
        ({"birth_year": "1850"}, "phải là năm từ 1900 đến 2030"),
        ({"death_year": "năm ấy"}, "phải là năm từ 1900 đến 2030"),
        ({"province_34": "Atlantis"}, "không nhận ra «Atlantis»"),
        ({"person_name": ""}, "«Họ tên người hy sinh»: cần điền"),
        ({"status": "recognised"}, "Trường không sửa được ở đây: status"),
        ({"circumstances": "x" * 100_001}, "tối đa"),
    ],
)
def test_a_case_with_a_wrong_value_is_refused_naming_the_field_and_nothing_is_written(campaign, values, said):
    with pytest.raises(RecordProblem, match=said):
        _case(campaign, **values)
    assert campaign.store.count("recognition_cases", system()) == 0


def test_a_team_or_a_partner_may_not_add_a_case_or_a_witness(campaign):
    case_id = _case(campaign)
    for username in ("qt.doi", "doitac"):
        with pytest.raises(AccessDenied):
            _case(campaign, username)
        with pytest.raises(AccessDenied):
            add_witness(campaign.store, case_id, WITNESS, campaign.viewer(username))
    assert campaign.store.count("recognition_cases", system()) == 1
    assert campaign.store.count("recognition_witnesses", system()) == 0


def test_a_witness_takes_its_cases_chapter_whatever_chapter_it_names(campaign):
    store = campaign.store
    case_id = _case(campaign, "tw.admin", chapter_id=campaign.commune)
    witness_id = add_witness(store, case_id, {**WITNESS, "chapter_id": NA}, campaign.viewer("qt.tinh"))
    witness = _whole(store, "recognition_witnesses", witness_id)
    assert (witness["case_id"], witness["chapter_id"], witness["is_demo"]) == (case_id, campaign.commune, False)


def test_a_witness_of_a_case_one_may_not_change_or_does_not_see_is_refused(campaign):
    store = campaign.store
    case_id = _case(campaign)
    with pytest.raises(LayersError, match="không có hồ sơ"):  # Nghệ An's recorder does not see it
        add_witness(store, case_id, WITNESS, campaign.viewer("na.ghi"))
    with pytest.raises(LayersError, match="không có hồ sơ"):
        add_witness(store, "no-such-case", WITNESS, campaign.viewer("qt.tinh"))
    na_case = _case(campaign, "na.ghi")  # Nghệ An's, about Quảng Trị: seen there, not theirs to change
    assert store.record("recognition_cases", na_case, campaign.viewer("qt.tinh")) is not None
    with pytest.raises(AccessDenied):
        add_witness(store, na_case, WITNESS, campaign.viewer("qt.tinh"))
    assert store.count("recognition_witnesses", system()) == 0


def test_a_witness_stays_with_its_case_and_is_changed_only_by_who_may_change_the_case(campaign):
    store = campaign.store
    case_id, other = _case(campaign), _case(campaign, person_name="Lê Văn Tư")
    witness_id = add_witness(store, case_id, WITNESS, campaign.viewer("qt.ghi"))
    with pytest.raises(LayersError, match="theo hồ sơ"):
        store.update("recognition_witnesses", witness_id, {"case_id": other}, "x", 1, viewer=campaign.viewer("qt.tinh"))
    version = edit_witness(store, witness_id, {"signed_on": "2026-11-20"}, 1, campaign.viewer("qt.tinh"))
    assert _whole(store, "recognition_witnesses", witness_id)["signed_on"] == date(2026, 11, 20)
    with pytest.raises(LayersError):
        edit_witness(store, witness_id, {"served_with": "khác"}, version, campaign.viewer("na.ghi"))


def test_each_step_keeps_its_day_and_note_in_the_history(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    case_id = _case(campaign)
    take_case_step(store, case_id, "sent_commune", leader, on=date(2026, 10, 1), note="nộp UBND xã Gio An")
    take_case_step(store, case_id, "sent_province", leader, on=date(2026, 11, 5), note="xã chuyển lên tỉnh")
    take_case_step(store, case_id, "returned", leader, on=date(2026, 11, 20), note="thiếu giấy báo tử")
    take_case_step(store, case_id, "gathering", campaign.viewer("qt.ghi"), note="xin lại giấy báo tử")
    case = _whole(store, "recognition_cases", case_id)
    assert (case["status"], case["step_on"]) == ("gathering", vietnam_today())
    steps = case_summary(store, case_id, leader)["steps"]
    assert [(s["status"], s["on"], s["note"]) for s in steps] == [
        ("gathering", vietnam_today().isoformat(), None),
        ("sent_commune", "2026-10-01", "nộp UBND xã Gio An"),
        ("sent_province", "2026-11-05", "xã chuyển lên tỉnh"),
        ("returned", "2026-11-20", "thiếu giấy báo tử"),
        ("gathering", vietnam_today().isoformat(), "xin lại giấy báo tử"),
    ]
    entries = [e for e in store.history(case_id, leader) if e["action"] == "status"]
    assert entries[0]["changes"]["status"] == ["gathering", "sent_commune"]
    assert entries[0]["changes"]["step_on"][1] == "2026-10-01"


def test_a_step_not_allowed_names_the_allowed_ones_and_writes_nothing(campaign):
    store = campaign.store
    case_id = _case(campaign)
    with pytest.raises(LayersError, match=r"được chuyển sang: «Đã gửi cấp xã» \(sent_commune\)"):
        take_case_step(store, case_id, "recognised", campaign.viewer("qt.tinh"))
    assert _whole(store, "recognition_cases", case_id)["version"] == 1


@pytest.mark.parametrize("step", CASE_STEPS, ids=lambda s: f"{s.sources[0]}-{s.target}")
def test_each_case_step_is_taken_by_its_roles_and_refused_to_the_others(campaign, step):
    store = campaign.store
    case_id = _case(campaign)
    for username, role in (("tw.admin", "admin"), ("qt.tinh", "chapter"), ("qt.ghi", "recorder"), ("qt.doi", "team")):
        current = _whole(store, "recognition_cases", case_id)
        store.update("recognition_cases", case_id, {"status": step.sources[0]}, "test", int(current["version"]))
        if role in step.roles:
            take_case_step(store, case_id, step.target, campaign.viewer(username), note="vì lý do")
            assert _whole(store, "recognition_cases", case_id)["status"] == step.target, username
        else:
            with pytest.raises(AccessDenied):
                take_case_step(store, case_id, step.target, campaign.viewer(username), note="vì lý do")
            assert _whole(store, "recognition_cases", case_id)["status"] == step.sources[0], username


def test_a_recorder_may_not_record_the_answer_but_a_leader_may(campaign):
    store = campaign.store
    case_id = _case(campaign)
    take_case_step(store, case_id, "sent_commune", campaign.viewer("qt.ghi"))
    take_case_step(store, case_id, "sent_province", campaign.viewer("qt.ghi"))
    with pytest.raises(AccessDenied, match="Cán bộ tiếp nhận"):
        take_case_step(store, case_id, "recognised", campaign.viewer("qt.ghi"))
    take_case_step(store, case_id, "recognised", campaign.viewer("qt.tinh"), note="Quyết định số 12")
    assert _whole(store, "recognition_cases", case_id)["status"] == "recognised"


def test_returned_needs_a_note_and_a_step_day_is_neither_future_nor_before_1945(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    case_id = _case(campaign)
    take_case_step(store, case_id, "sent_commune", leader)
    with pytest.raises(LayersError, match="--note"):
        take_case_step(store, case_id, "returned", leader, note="   ")
    with pytest.raises(LayersError, match="tương lai"):
        take_case_step(store, case_id, "sent_province", leader, on=vietnam_today() + timedelta(days=1))
    with pytest.raises(LayersError, match="trước năm 1945"):
        take_case_step(store, case_id, "sent_province", leader, on=date(1944, 12, 31))
    assert _whole(store, "recognition_cases", case_id)["status"] == "sent_commune"


def test_a_step_is_not_edited_as_a_field(campaign):
    case_id = _case(campaign)
    with pytest.raises(RecordProblem, match="quy trình"):
        edit_case(campaign.store, case_id, {"status": "recognised"}, 1, campaign.viewer("qt.tinh"))


def test_another_provinces_chapter_sees_the_case_without_the_relatives_or_witnesses_contacts(campaign):
    store = campaign.store
    case_id = _case(campaign, "na.ghi")  # Nghệ An's chapter helps a family; the file is in Quảng Trị
    add_witness(store, case_id, WITNESS, campaign.viewer("na.ghi"))
    own = case_summary(store, case_id, campaign.viewer("na.ghi"))
    assert own["applicant_phone"] == "0912 777 001" and own["witnesses"][0]["phone"] == "0988 111 222"
    for username in ("qt.tinh", "doitac"):
        seen = case_summary(store, case_id, campaign.viewer(username))
        assert seen["person_name"] == "Nguyễn Văn Thành" and not seen["contacts_shown"]
        assert seen["applicant_name"] is None and seen["applicant_phone"] is None
        witness = seen["witnesses"][0]
        assert all(witness[name] is None for name in ("name", "phone", "address", "relation", "birth_year"))
        assert "0988" not in str(seen) and "Trần Văn Bảy" not in str(seen) and "0912 777" not in str(seen)


def test_a_chapter_that_does_not_reach_a_case_sees_neither_it_nor_its_witnesses(campaign):
    store = campaign.store
    case_id = _case(campaign)
    add_witness(store, case_id, WITNESS, campaign.viewer("qt.tinh"))
    outsider = campaign.viewer("na.ghi")
    assert case_list(store, outsider) == []
    assert store.frame("recognition_witnesses", outsider).empty
    with pytest.raises(LayersError):
        case_summary(store, case_id, outsider)
    assert len(case_list(store, campaign.viewer("qt.ghi"))) == 1


def test_links_hold_only_records_the_person_sees_and_are_found_from_the_report(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    case_id = add_case(store, CASE, leader, report_ids=["r-qt"])
    site = _whole(store, "reports", "r-qt")["site_id"]
    with pytest.raises(LayersError, match="Không có tin báo mộ liệt sĩ «r-na»"):  # Nghệ An's report about Nghệ An
        link(store, case_id, leader, report_ids=["r-na"])
    link(store, case_id, leader, site_ids=[site[:8]])  # a site's short code
    case = _whole(store, "recognition_cases", case_id)
    assert (case["report_ids"], case["site_ids"]) == (["r-qt"], [site])
    assert cases_about(store, "reports", "r-qt", leader)["id"].tolist() == [case_id]
    assert cases_about(store, "sites", site, leader)["id"].tolist() == [case_id]
    assert cases_about(store, "reports", "r-qt", campaign.viewer("na.ghi")).empty
    link(store, case_id, leader, report_ids=["r-qt"], unlink=True)
    assert cases_about(store, "reports", "r-qt", leader).empty


def test_deleting_a_case_deletes_its_witnesses_with_it_and_restoring_brings_them_back(campaign):
    store, leader, admin = campaign.store, campaign.viewer("qt.tinh"), campaign.viewer("tw.admin")
    case_id = _case(campaign)
    kept = add_witness(store, case_id, WITNESS, leader)
    gone_before = add_witness(store, case_id, {**WITNESS, "name": "Lê Văn Năm"}, leader)
    store.delete("recognition_witnesses", gone_before, leader, 1, "nhầm người")
    store.delete("recognition_cases", case_id, leader, 1, "gia đình rút hồ sơ")
    assert store.frame("recognition_witnesses", admin).empty
    entries = store.history(kept, admin)
    assert entries[-1]["action"] == "delete" and entries[-1]["reason"] == "gia đình rút hồ sơ"
    store.restore("recognition_cases", case_id, admin, "gia đình nộp lại")
    assert store.frame("recognition_witnesses", admin)["id"].tolist() == [kept]  # not the one deleted before
    assert store.history(kept, admin)[-1]["action"] == "restore"


def test_a_cases_chapter_moved_is_its_witnesses_chapter_too(campaign):
    store = campaign.store
    case_id = _case(campaign)
    witness_id = add_witness(store, case_id, WITNESS, campaign.viewer("qt.tinh"))
    edit_case(store, case_id, {"chapter_id": campaign.commune}, 1, campaign.viewer("qt.tinh"))
    assert _whole(store, "recognition_witnesses", witness_id)["chapter_id"] == campaign.commune


def test_a_search_team_sees_its_chapters_case_without_the_relatives_or_witnesses_contacts(campaign):
    store = campaign.store
    case_id = _case(campaign)
    add_witness(store, case_id, WITNESS, campaign.viewer("qt.tinh"))
    seen = case_summary(store, case_id, campaign.viewer("qt.doi"))  # Quảng Trị's own search team
    assert seen["person_name"] == "Nguyễn Văn Thành" and not seen["contacts_shown"]
    assert seen["applicant_phone"] is None and seen["witnesses"][0]["phone"] is None
    assert "0988" not in str(seen) and "Trần Văn Bảy" not in str(seen) and "0912 777" not in str(seen)


def test_a_statement_that_names_its_witness_or_the_relative_is_scrubbed_for_who_may_not_see_them(campaign):
    store = campaign.store
    case_id = _case(campaign, circumstances="Chị Nguyễn Thị Lan kể lại: bom rơi khi mở đường")
    told = "Tôi là Trần Văn Bảy, ở thôn Hà Thanh, Gio Linh; gọi 0988 111 222. Tôi chứng kiến anh hy sinh."
    add_witness(
        store, case_id, {**WITNESS, "statement": told, "served_with": "Trần Văn Bảy, C552"}, campaign.viewer("qt.tinh")
    )
    own = case_summary(store, case_id, campaign.viewer("qt.tinh"))
    assert own["witnesses"][0]["statement"] == told
    for username in ("doitac", "qt.doi", "na.ghi"):
        seen = case_summary(store, case_id, campaign.viewer(username)) if username != "na.ghi" else None
        if seen is None:  # Nghệ An's chapter does not reach Quảng Trị's case at all
            continue
        text = str(seen)
        assert "Trần Văn Bảy" not in text and "0988" not in text and "Nguyễn Thị Lan" not in text, username
        assert "Tôi chứng kiến anh hy sinh." in seen["witnesses"][0]["statement"]  # the account stays


def test_another_chapter_may_not_attach_to_or_remove_files_of_a_witness_of_a_case_it_may_not_change(
    campaign, tmp_path, monkeypatch
):
    from layers import attachments
    from tests.layers import attachment_samples as samples

    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(tmp_path / "files"))
    store = campaign.store
    case_id = _case(campaign, "tw.admin", chapter_id="chapter-vn-01", province_34="Quảng Trị")
    witness_id = add_witness(store, case_id, WITNESS, campaign.viewer("tw.admin"))
    kept = attachments.attach(store, "recognition_witnesses", witness_id, samples.jpeg(), "a.jpg", system())
    other = campaign.viewer("qt.tinh")  # Quảng Trị's leader reaches the case (its province), not its chapter's
    with pytest.raises(AccessDenied):
        attachments.attach(store, "recognition_witnesses", witness_id, samples.jpeg(), "b.jpg", other)
    if attachments.attachment_for(store, kept, other) is not None:
        with pytest.raises(AccessDenied):
            attachments.remove_attachment(store, kept, other, "thử")
    assert [a["id"] for a in attachments.attachments_of(store, "recognition_witnesses", witness_id, system())] == [kept]
