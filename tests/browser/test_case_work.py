"""The case story in a real browser, in an app of its own: a recorder writes down a veteran's
account (an old map grid reference on Indian 1960), sees where it lies before saving, saves it,
finds it on the map as "Mới nhận" and verifies it; the chapter leader plans a trip for it and
records two sets of remains found; the map, the table, the work page and the 1-year report follow.
A step that needs a note is refused without one; two people correcting one report at once: the
second is refused and shown what the first changed."""

from __future__ import annotations

from urllib.parse import quote

from layers.access import system
from layers.labels import short_code
from layers.schema import REPORTS
from layers.store import Store
from tests.browser.conftest import offline_context, save_screenshot
from tests.browser.helpers import (
    CHAPTER_LEADER,
    MAIN,
    RECORDER,
    all_text,
    only_tiles_were_blocked,
    select_first_row,
    sign_in,
    stored_record,
    wait_for_counts,
    wait_text,
    wait_until_idle,
)

MARTYR = "Liệt sĩ Đồng Đội Gio An"


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
    wait_text(page, "VN-2000: X =")
    wait_until_idle(page)  # the run goes on to draw the importer's notes under the position
    preview = wait_text(page, "Múi 48Q suy ra từ ô XD")
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


def metrics(page) -> dict[str, int]:
    """The headline figures shown on the page, by label (whole numbers only)."""
    shown = {}
    for box in page.locator('[data-testid="stMetric"]').all():
        label, value, *_ = [line for line in box.inner_text().splitlines() if line.strip()]
        digits = value.replace(".", "").replace(",", "").strip()
        if digits.isdigit():
            shown[label.strip()] = int(digits)
    return shown


def one_year_report(page, url: str) -> dict[str, int]:
    """Quảng Trị's 1-year campaign report (14/3/2026 – 13/3/2027, which holds today), as its leader sees it."""
    sign_in(page, url, CHAPTER_LEADER, path="/bao-cao")
    choose(page, page.locator(MAIN), "Kỳ báo cáo", "Sơ kết 1 năm")
    wait_text(page, "so với kỳ trước")  # the 1-year report compares with the 6-month one
    wait_until_idle(page)
    shown = metrics(page)
    assert "Tin báo đã xác minh" in shown, shown
    return shown


def work_page(page, url: str, who: str) -> str:
    sign_in(page, url, who, path="/viec-can-lam")
    wait_text(page, "việc đang chờ")
    wait_until_idle(page)
    return page.locator(MAIN).inner_text()


def plan_and_find_remains(page, url: str, code: str) -> None:
    """The chapter leader plans a trip for the report and records two sets of remains found there."""
    sign_in(page, url, CHAPTER_LEADER, path="/chuyen-tim-kiem")
    wait_text(page, "Lên kế hoạch chuyến tìm kiếm")
    wait_until_idle(page)
    find = page.get_by_label("Tìm tin báo (tên, đơn vị, mã)")
    find.fill(code)
    find.press("Enter")
    wait_text(page, "1 tin báo có thể lên kế hoạch")
    wait_until_idle(page)
    select_first_row(page)
    wait_text(page, "Đã chọn 1 tin báo")
    page.get_by_label("Đội tìm kiếm", exact=True).fill("Đội tìm kiếm Gio An (câu chuyện)")
    page.get_by_role("button", name="Lưu chuyến").click()
    wait_text(page, "Đã lưu chuyến")
    wait_text(page, "Ghi kết quả chuyến")
    wait_until_idle(page)
    page.locator('[data-testid="stRadio"]').get_by_text("Tìm thấy hài cốt").click()
    page.get_by_label(f"Số hài cốt tìm thấy ở #{code}").fill("2")
    page.get_by_role("button", name="Ghi kết quả").click()
    wait_text(page, "Đã ghi kết quả «Tìm thấy hài cốt»")


def test_the_veterans_account_from_the_phone_call_to_the_remains_found_in_the_browser(browser, case_app):
    """Issue 14's story: the recorder writes it down and verifies it, the chapter leader plans the
    search and records two sets of remains found; the map, the table, the work page and the
    campaign report follow, and every step is in the history."""
    app_url, app_db_url = case_app
    recorder, leader = offline_context(browser), offline_context(browser)
    page, lead = recorder.new_page(), leader.new_page()
    try:
        before = one_year_report(lead, app_url)
        preview = add_the_report(page, app_url)
        # The grid reference read on Indian 1960, its zone taken from the province: every system shown.
        assert "WGS84: 16.65" in preview and "MGRS: 48Q XD" in preview
        assert "VN-2000: X = 18" in preview and "KTT 106°15'" in preview
        assert "Múi 48Q suy ra từ ô XD và tỉnh Quảng Trị" in preview
        stored = the_report(app_db_url)
        assert (stored["status"], stored["coord_datum"], stored["coord_system"]) == ("new", "indian1960", "mgrs")
        assert stored["province_34"] == "VN-25" and stored["witness_birth_year"] == 1946
        assert abs(stored["geometry"].y - 16.655) < 0.01 and abs(stored["geometry"].x - 106.732) < 0.01
        code = short_code(stored["id"])

        # A witness born in 1946: his account comes first on the recorder's work page.
        work = work_page(page, app_url, RECORDER)
        new_reports = work[work.index("Tin báo mới cần xác minh") :]
        assert new_reports.index(MARTYR) < new_reports.index("Mở tin báo") + 200
        assert "Nhân chứng cao tuổi" in new_reports

        detail = open_on_map(page, app_url, RECORDER, MARTYR)
        assert "Trạng thái: Mới nhận" in detail
        assert "Mới nhận: 1" in page.locator(MAIN).inner_text()
        take_step(page)  # the only step from "Mới nhận": "Đang xác minh"
        wait_text(page, "Đã chuyển sang «Đang xác minh»")
        take_step(page, note="Gọi lại nhân chứng; khớp với sổ đơn vị C552")
        wait_text(page, "Đã chuyển sang «Đã xác minh»")
        save_screenshot(page, "report_verified")
        assert the_report(app_db_url)["status"] == "verified"

        assert MARTYR in work_page(lead, app_url, CHAPTER_LEADER)  # verified, no search planned yet
        plan_and_find_remains(lead, app_url, code)
        stored = the_report(app_db_url)
        assert (stored["status"], stored["remains_count"]) == ("remains_found", 2)

        detail = open_on_map(lead, app_url, CHAPTER_LEADER, MARTYR)
        assert "Trạng thái: Đã tìm thấy hài cốt" in detail
        assert "Đã tìm thấy hài cốt: 1" in lead.locator(MAIN).inner_text()  # the table's count by status
        remains_found_colour = next(t.color for t in REPORTS.field("status").vocabulary if t.code == "remains_found")
        assert remains_found_colour in all_text(lead)  # the map draws it in the colour of its status
        save_screenshot(lead, "report_remains_found")
        assert MARTYR not in work_page(lead, app_url, CHAPTER_LEADER)  # nothing left to plan for it

        after = one_year_report(lead, app_url)
        assert after["Tin báo tiếp nhận"] == before["Tin báo tiếp nhận"] + 1
        assert after["Tin báo đã xác minh"] == before["Tin báo đã xác minh"] + 1
        assert after["Chuyến tìm kiếm đã đi"] == before["Chuyến tìm kiếm đã đi"] + 1
        assert after["Hài cốt tìm thấy"] == before["Hài cốt tìm thấy"] + 2

        store = Store.open(app_db_url)
        try:
            entries = store.history(stored["id"], system())
        finally:
            store.engine.dispose()
        steps = [(e["action"], e["actor"], e["changes"].get("status", [None, None])[1]) for e in entries]
        assert steps == [
            ("insert", RECORDER, "new"),
            ("status", RECORDER, "verifying"),
            ("status", RECORDER, "verified"),
            ("status", CHAPTER_LEADER, "planned"),
            ("status", CHAPTER_LEADER, "remains_found"),
        ]
        assert entries[2]["reason"] == "Gọi lại nhân chứng; khớp với sổ đơn vị C552"
        assert only_tiles_were_blocked(recorder) == [] and only_tiles_were_blocked(leader) == []
    finally:
        recorder.close()
        leader.close()


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


def test_a_step_that_needs_a_note_is_refused_without_one_and_says_what_it_needs(browser, case_app):
    app_url, app_db_url = case_app
    report = a_demo_report(app_db_url, "verifying")
    context = offline_context(browser)
    page = context.new_page()
    try:
        open_on_map(page, app_url, CHAPTER_LEADER, report["martyr_names"])
        wait_text(page, "Trạng thái: Đang xác minh")
        take_step(page, target="Đã xác minh")
        shown = wait_text(page, "Bước này cần")
        assert "cách đã kiểm tra" in shown
        assert stored_record(app_db_url, report["id"])["status"] == "verifying"
    finally:
        context.close()


def test_two_people_correcting_one_report_the_second_save_is_refused_and_shown_the_change(browser, case_app):
    app_url, app_db_url = case_app
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
        kept = stored_record(app_db_url, report_id)
        assert kept["unit"] == "C552 (sửa lần một)" and kept["hometown"] != "Gio Linh"
    finally:
        first.close()
        second.close()
