"""The case story in a real browser: a recorder writes down a veteran's account (an old map grid
reference on Indian 1960), sees where it lies before saving, saves it, finds it on the map as
"Mới nhận" and verifies it; two people correcting one report at once: the second is refused and
shown what the first changed."""

from __future__ import annotations

import time
from urllib.parse import quote

from layers.access import system
from layers.store import Store
from tests.browser.conftest import offline_context, save_screenshot
from tests.browser.helpers import (
    CHAPTER_LEADER,
    RECORDER,
    only_tiles_were_blocked,
    select_first_row,
    sign_in,
    wait_for_counts,
    wait_until_idle,
)

MAIN = '[data-testid="stMain"]'
MARTYR = "Liệt sĩ Đồng Đội Gio An"


def wait_text(page, text: str, timeout_s: float = 60) -> str:
    """The main area's text once it holds `text` (Streamlit replaces elements as it reruns)."""
    deadline = time.monotonic() + timeout_s
    shown = ""
    while time.monotonic() < deadline:
        shown = page.locator(MAIN).inner_text()
        if text in shown:
            return shown
        page.wait_for_timeout(300)
    raise AssertionError(f"«{text}» did not appear; the page said:\n{shown[-2000:]}")


def choose(page, scope, label: str, option: str) -> None:
    """Pick `option` of a select box by typing it, as a person with a keyboard does (a click alone
    may land while the small map's first answer reruns the page, which closes the list)."""
    box = scope.locator('[data-testid="stSelectbox"]').filter(has_text=label)
    wait_until_idle(page)
    field = box.locator("input").first
    field.click()
    field.press_sequentially(option)
    page.get_by_role("option", name=option).first.click()
    wait_until_idle(page)
    shown = box.locator("input").first.input_value()
    assert option in shown, f"«{option}» was not chosen in «{label}»: it shows «{shown}»"


def the_report(db_url: str) -> dict:
    store = Store.open(db_url)
    try:
        frame = store.frame("reports", system())
        rows = frame[frame["martyr_names"] == MARTYR]
        assert len(rows) == 1, f"expected one report named {MARTYR}, found {len(rows)}"
        return store.record("reports", rows.iloc[0]["id"], system())
    finally:
        store.engine.dispose()


def add_the_report(page, url: str) -> str:
    """Fill the form as the recorder hears it; returns what the preview showed before saving."""
    sign_in(page, url, RECORDER, path="/them-tin-bao")
    main = page.locator(MAIN)
    page.get_by_label("Họ tên liệt sĩ").wait_for(timeout=60_000)
    choose(page, main, "Hệ quy chiếu (datum)", "Indian 1960")
    page.get_by_label("Họ tên liệt sĩ").fill(MARTYR)
    page.get_by_label("Đơn vị").fill("C552")
    page.get_by_role("textbox", name="Tỉnh (hiện nay)").fill("Quảng Trị")
    page.get_by_label("Mô tả vị trí (lời nhân chứng)").fill("Cạnh con suối gần Gio An, chôn hai đồng chí năm 1968")
    box = page.get_by_role("textbox", name="Tọa độ gốc")
    box.fill("XD 850 418")
    box.press("Enter")
    wait_until_idle(page)
    preview = wait_text(page, "VN-2000: X =")
    page.get_by_label("Từ năm").fill("1968")
    page.get_by_label("Họ tên nhân chứng").fill("Cựu chiến binh Trần Văn Kể")
    page.get_by_label("Năm sinh nhân chứng").fill("1946")
    save_screenshot(page, "report_form_preview")
    page.get_by_role("button", name="Lưu").click()
    wait_text(page, "Đã lưu #")
    return preview


def open_on_map(page, url: str, who: str, name: str) -> str:
    """Find a report on the map by its name and open it from the table; returns the detail panel's text."""
    sign_in(page, url, who, path=f"/ban-do?text={quote(name)}")
    assert wait_for_counts(page) == (1, 1)
    select_first_row(page)
    return wait_text(page, f"Liệt sĩ: {name}")


def take_step(page, target: str | None = None, note: str | None = None) -> None:
    page.get_by_text("Chuyển trạng thái").click()
    if target:
        choose(page, page.locator(MAIN), "Bước tiếp theo", target)
    if note:
        page.get_by_label("Ghi chú (cách đã kiểm tra, lý do)").fill(note)
    page.get_by_role("button", name="Chuyển", exact=True).click()
    wait_until_idle(page)


def test_a_recorder_adds_an_old_grid_reference_sees_it_in_vn2000_before_saving_and_verifies_it(
    browser, app_url, app_db_url
):
    context = offline_context(browser)
    page = context.new_page()
    try:
        preview = add_the_report(page, app_url)
        # The grid reference read on Indian 1960, its zone taken from the province: every system shown.
        assert "WGS84: 16.65" in preview and "MGRS: 48Q XD" in preview
        assert "VN-2000: X = 18" in preview and "KTT 106°15'" in preview
        assert "Múi 48Q suy ra từ ô XD và tỉnh Quảng Trị" in preview
        stored = the_report(app_db_url)
        assert (stored["status"], stored["coord_datum"], stored["coord_system"]) == ("new", "indian1960", "mgrs")
        assert stored["province_34"] == "VN-25" and stored["witness_birth_year"] == 1946
        assert abs(stored["geometry"].y - 16.655) < 0.01 and abs(stored["geometry"].x - 106.732) < 0.01

        detail = open_on_map(page, app_url, RECORDER, MARTYR)
        assert "Trạng thái: Mới nhận" in detail
        assert "Mới nhận: 1" in page.locator(MAIN).inner_text()
        take_step(page)  # the only step from "Mới nhận": "Đang xác minh"
        wait_text(page, "Đã chuyển sang «Đang xác minh»")
        take_step(page, note="Gọi lại nhân chứng; khớp với sổ đơn vị C552")
        wait_text(page, "Đã chuyển sang «Đã xác minh»")
        save_screenshot(page, "report_verified")
        stored = the_report(app_db_url)
        assert stored["status"] == "verified"
        store = Store.open(app_db_url)
        try:
            entries = store.history(stored["id"], system())
        finally:
            store.engine.dispose()
        assert [e["action"] for e in entries] == ["insert", "status", "status"]
        assert entries[-1]["actor"] == RECORDER
        assert entries[-1]["reason"] == "Gọi lại nhân chứng; khớp với sổ đơn vị C552"
        assert only_tiles_were_blocked(context) == []  # no internet needed: tiles fall back
    finally:
        context.close()


def a_demo_report(db_url: str, status: str) -> dict:
    """A demo report of Quảng Trị's chapter in `status`."""
    store = Store.open(db_url)
    try:
        frame = store.frame("reports", system())
        rows = frame[(frame["status"] == status) & frame["is_demo"] & (frame["chapter_id"] == "chapter-vn-25")]
        assert len(rows), f"the demo data has a Quảng Trị report in status {status}"
        return store.record("reports", rows.iloc[0]["id"], system())
    finally:
        store.engine.dispose()


def test_a_step_that_needs_a_note_is_refused_without_one_and_says_what_it_needs(browser, app_url, app_db_url):
    report = a_demo_report(app_db_url, "verifying")
    context = offline_context(browser)
    page = context.new_page()
    try:
        open_on_map(page, app_url, CHAPTER_LEADER, report["martyr_names"])
        wait_text(page, "Trạng thái: Đang xác minh")
        take_step(page, target="Đã xác minh")
        shown = wait_text(page, "Bước này cần")
        assert "cách đã kiểm tra" in shown
        assert the_record(app_db_url, report["id"])["status"] == "verifying"
    finally:
        context.close()


def the_record(db_url: str, record_id: str) -> dict:
    store = Store.open(db_url)
    try:
        return store.record("reports", record_id, system())
    finally:
        store.engine.dispose()


def test_two_people_correcting_one_report_the_second_save_is_refused_and_shown_the_change(browser, app_url, app_db_url):
    report_id = a_demo_report(app_db_url, "new")["id"]
    first, second = offline_context(browser), offline_context(browser)
    try:
        pages = [first.new_page(), second.new_page()]
        for page, who in zip(pages, (RECORDER, CHAPTER_LEADER), strict=True):
            sign_in(page, app_url, who, path=f"/them-tin-bao?id={report_id}")
            wait_text(page, "Sửa tin báo #")
        pages[0].get_by_label("Đơn vị").fill("C552 (sửa lần một)")
        pages[0].get_by_role("button", name="Lưu").click()
        wait_text(pages[0], "Đã lưu #")
        pages[1].get_by_label("Quê quán").fill("Gio Linh")
        pages[1].get_by_role("button", name="Lưu").click()
        refused = wait_text(pages[1], "C552 (sửa lần một)")
        assert RECORDER in refused  # who changed it, and what
        save_screenshot(pages[1], "report_edit_conflict")
        kept = the_record(app_db_url, report_id)
        assert kept["unit"] == "C552 (sửa lần một)" and kept["hometown"] != "Gio Linh"
    finally:
        first.close()
        second.close()
