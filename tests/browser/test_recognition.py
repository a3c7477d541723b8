"""The recognition cases' page (built from the layer's declaration) in a real browser: Quảng Trị's
chapter leader adds a case, adds a confirming witness, sends the case to the commune and
downloads the witness's statement (read back with pypdf); a partner opens a case and sees
neither the relative's nor the witness's contacts. Screenshots at a desktop's and a phone's width."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from layers.access import system
from layers.store import Store
from tests.browser.conftest import app_of_its_own, offline_context, save_screenshot
from tests.browser.helpers import CHAPTER_LEADER, PARTNER, all_text, sign_in, squeeze, wait_text, wait_until_idle

PATH = "/ho-so-cong-nhan"
HEADER = "Hồ sơ đề nghị công nhận liệt sĩ"
KNOWN = {  # a demo case of Quảng Trị's chapter with its relative's and its witness's contacts
    "id": "7e3c1b2a-0000-4000-8000-00000000c001",
    "person_name": "Hoàng Văn Lũy",
    "birth_year": 1949,
    "unit": "Đội 65",
    "death_year": 1968,
    "province_34": "VN-25",
    "chapter_id": "chapter-vn-25",
    "status": "gathering",
    "applicant_name": "Hoàng Thị Mơ",
    "applicant_phone": "0915 246 810",
    "is_demo": True,
}
KNOWN_WITNESS = {
    "case_id": KNOWN["id"],
    "name": "Đặng Văn Tích",
    "phone": "0977 135 790",
    "address": "xóm Bến, Vĩnh Linh",
    "statement": "Tôi cùng Đội 65 với anh Lũy, anh hy sinh khi san lấp hố bom.",
}
PRIVATE = ("Hoàng Thị Mơ", "0915246810", "Đặng Văn Tích", "0977135790", "xóm Bến")


def _prepare(store: Store) -> None:
    store.insert("recognition_cases", [KNOWN], author="test")
    store.insert("recognition_witnesses", [KNOWN_WITNESS], author="test")


@pytest.fixture(scope="module")
def recognition_app(tmp_path_factory):
    yield from app_of_its_own(tmp_path_factory, "recognition", _prepare)


def _fill(scope, label: str, value: str) -> None:
    scope.get_by_role("textbox", name=label, exact=True).fill(value)


def _expander(page, title: str):
    return page.locator('[data-testid="stExpander"]').filter(has_text=title).first


def _open(page, title: str):
    box = _expander(page, title)
    box.locator("summary").first.click()
    wait_until_idle(page)
    return box


def _screens(page, name: str) -> None:
    for suffix, width in (("", 1280), ("_390", 390)):
        page.set_viewport_size({"width": width, "height": 2400 if width > 400 else 4200})
        wait_until_idle(page)
        page.wait_for_timeout(800)
        save_screenshot(page, f"{name}{suffix}")


def _stored(db_url: str, layer: str, **match) -> list[dict]:
    store = Store.open(db_url)
    try:
        frame = store.frame(layer, system())
        for name, value in match.items():
            frame = frame[frame[name] == value]
        return frame.to_dict("records")
    finally:
        store.engine.dispose()


def test_a_leader_adds_a_case_and_a_witness_takes_a_step_and_prints_the_statement(browser, recognition_app):
    url, db_url = recognition_app
    context = offline_context(browser, width=1280)
    page = context.new_page()
    try:
        sign_in(page, url, username=CHAPTER_LEADER, path=PATH)
        wait_text(page, HEADER)
        wait_until_idle(page)
        form = _open(page, f"Thêm {HEADER.lower()}")
        _fill(form, "Họ tên người hy sinh", "Lê Văn Thử <b>nghiệm</b>")
        _fill(form, "Năm sinh", "1952")
        _fill(form, "Năm hy sinh", "1972")
        _fill(form, "Đơn vị", "C552")
        _fill(form, "Tỉnh nộp hồ sơ", "Quảng Trị")
        _fill(form, "Thân nhân đề nghị", "Lê Thị Hai")
        form.get_by_role("button", name="Lưu").click()
        wait_text(page, "Đã lưu")
        wait_until_idle(page)
        [case] = _stored(db_url, "recognition_cases", person_name="Lê Văn Thử <b>nghiệm</b>")
        assert (case["status"], case["chapter_id"], case["province_34"]) == ("gathering", "chapter-vn-25", "VN-25")
        wait_text(page, "Lê Văn Thử <b>nghiệm</b>")  # shown as typed, not as HTML
        assert page.locator(f'{"[data-testid=stMain]"} b:has-text("nghiệm")').count() == 0

        witness_form = _open(page, "Thêm nhân chứng xác nhận")
        _fill(witness_form, "Họ tên nhân chứng", "Phạm Văn Chứng")
        _fill(witness_form, "Điện thoại", "0966 000 111")
        _fill(witness_form, "Lời xác nhận", "Tôi cùng C552 với anh Thử, chứng kiến anh hy sinh năm 1972.")
        witness_form.get_by_role("button", name="Lưu").click()
        wait_text(page, "Nhân chứng xác nhận (1)")
        wait_until_idle(page)
        [witness] = _stored(db_url, "recognition_witnesses", case_id=case["id"])
        assert witness["chapter_id"] == "chapter-vn-25"

        steps = _expander(page, "Chuyển trạng thái")
        _fill(steps, "Ghi chú (nơi nộp, số văn bản…)", "Nộp UBND xã Gio An")
        steps.get_by_role("button", name="Chuyển").click()
        wait_text(page, "Đã chuyển sang «Đã gửi cấp xã»")
        [case] = _stored(db_url, "recognition_cases", id=case["id"])
        assert case["status"] == "sent_commune"

        box = _open(page, "1. Phạm Văn Chứng")
        with page.expect_download(timeout=60_000) as info:
            box.get_by_role("button", name="Bản xác nhận (PDF)").click()
        download = info.value
        assert download.suggested_filename.startswith("ban-xac-nhan_") and download.suggested_filename.endswith(".pdf")
        with open(download.path(), "rb") as data:
            text = " ".join(PdfReader(io.BytesIO(data.read())).pages[0].extract_text().split())
        assert "Tôi là: Phạm Văn Chứng" in text and "Họ và tên: Lê Văn Thử <b>nghiệm</b>" in text
        assert "chứng kiến anh hy sinh năm 1972" in text
        page.wait_for_timeout(500)
        store = Store.open(db_url)
        try:
            actions = [e["action"] for e in store.history(witness["id"], system())]
            steps_written = [e for e in store.history(case["id"], system()) if e["action"] == "status"]
        finally:
            store.engine.dispose()
        assert actions[-1] == "statement"
        assert steps_written[-1]["reason"] == "Nộp UBND xã Gio An"
        assert page.locator('[data-testid="stException"]').count() == 0
        _screens(page, "recognition_leader")
    finally:
        context.close()


def test_a_partner_sees_a_case_without_the_relatives_or_the_witnesses_contacts(browser, recognition_app):
    url, _ = recognition_app
    context = offline_context(browser, width=1280)
    page = context.new_page()
    try:
        sign_in(page, url, username=PARTNER, path=PATH)
        wait_text(page, HEADER)
        wait_until_idle(page)
        _fill(page, "Tìm (tên, đơn vị, quê quán, mã…)", "Lũy")
        page.get_by_label("Tìm (tên, đơn vị, quê quán, mã…)").press("Enter")
        wait_text(page, "Đội 65")
        wait_until_idle(page)
        shown = wait_text(page, "Nhân chứng xác nhận (1)")
        assert f"Thêm {HEADER.lower()}" not in shown and "Thêm nhân chứng xác nhận" not in shown
        assert "Thông tin liên hệ (thân nhân, nhân chứng) chỉ Hội giữ hồ sơ được xem." in shown
        _open(page, "1. Nhân chứng xác nhận 1")
        wait_text(page, "san lấp hố bom")
        everything = squeeze(all_text(page))
        for private in PRIVATE:
            assert squeeze(private) not in everything, private
        assert page.locator('[data-testid="stException"]').count() == 0
        _screens(page, "recognition_partner")
    finally:
        context.close()
