"""The trips page in a real browser: Quảng Trị's chapter leader plans a trip for a verified demo
report chosen in the table, records that it found two sets of remains there, and the report's
status follows (read back from the store); the page also fits a phone's width. And the other
half of issue 14's undo: a recorder withdraws her own import on the import page."""

from __future__ import annotations

import sqlalchemy as sa

from layers.access import system
from layers.labels import short_code
from layers.store import Store
from tests.browser.conftest import offline_context, save_screenshot
from tests.browser.helpers import (
    CHAPTER_LEADER,
    RECORDER,
    select_first_row,
    sign_in,
    stored_record,
    wait_text,
    wait_until_idle,
)

TEAM = "Đội tìm kiếm Gio Linh (thử)"


def _verified_report(db_url: str) -> dict:
    """A verified demo report of Quảng Trị's chapter that no trip lists yet."""
    store = Store.open(db_url)
    try:
        reports, trips = store.frame("reports", system()), store.frame("trips", system())
        linked = {str(i) for ids in trips["linked_report_ids"] if isinstance(ids, list) for i in ids}
        rows = reports[
            (reports["status"] == "verified")
            & reports["is_demo"]
            & (reports["chapter_id"] == "chapter-vn-25")
            & ~reports["id"].isin(linked)
        ]
        assert len(rows), "the demo data has a verified Quảng Trị report without a trip"
        return store.record("reports", rows.iloc[-1]["id"], system())
    finally:
        store.engine.dispose()


def test_a_leader_plans_a_trip_and_records_remains_found_and_the_report_follows(browser, case_app):
    app_url, app_db_url = case_app
    report = _verified_report(app_db_url)
    code = short_code(report["id"])
    context = offline_context(browser)
    page = context.new_page()
    try:
        sign_in(page, app_url, username=CHAPTER_LEADER, path="/chuyen-tim-kiem")
        wait_text(page, "Lên kế hoạch chuyến tìm kiếm")
        wait_until_idle(page)
        page.get_by_label("Tìm tin báo (tên, đơn vị, mã)").fill(code)
        page.get_by_label("Tìm tin báo (tên, đơn vị, mã)").press("Enter")
        wait_text(page, "1 tin báo có thể lên kế hoạch")
        wait_until_idle(page)
        select_first_row(page)  # the row of the report, in the table of those that can be planned
        wait_text(page, "Đã chọn 1 tin báo")
        page.get_by_label("Đội tìm kiếm", exact=True).fill(TEAM)
        page.get_by_role("button", name="Lưu chuyến").click()
        wait_text(page, "Đã lưu chuyến")
        assert stored_record(app_db_url, report["id"])["status"] == "planned"
        wait_text(page, "Ghi kết quả chuyến")
        wait_until_idle(page)  # the rest of the run that showed the new trip: its form is drawn whole
        page.locator('[data-testid="stRadio"]').get_by_text("Tìm thấy hài cốt").click()
        page.get_by_label(f"Số hài cốt tìm thấy ở #{code}").fill("2")
        save_screenshot(page, "trips_page_outcome_form")
        page.get_by_role("button", name="Ghi kết quả").click()
        wait_text(page, "Đã ghi kết quả «Tìm thấy hài cốt»")
        stored = stored_record(app_db_url, report["id"])
        assert (stored["status"], stored["remains_count"]) == ("remains_found", 2)
        wait_text(page, "hài cốt tìm thấy: 2")
        assert page.locator('[data-testid="stException"]').count() == 0
        _publish_story(page, app_url, app_db_url, report["id"])
        for name, width, height in (("trips_page", 1400, 2600), ("trips_page_390", 390, 4200)):
            page.set_viewport_size({"width": width, "height": height})  # the whole page in one picture
            wait_until_idle(page)
            page.wait_for_timeout(1000)
            save_screenshot(page, name)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no sideways scrolling
    finally:
        context.close()


STORY = "Đội đã tìm thấy 2 hài cốt <b>liệt sĩ</b> ở Gio Linh (thử)."


def _trip_of(db_url: str, report_id: str) -> dict:
    """The trip that lists the report, as the database holds it now."""
    store = Store.open(db_url)
    try:
        trips = store.frame("trips", system())
        listed = trips[trips["linked_report_ids"].map(lambda ids: isinstance(ids, list) and report_id in ids)]
        return store.record("trips", listed.iloc[0]["id"], system())
    finally:
        store.engine.dispose()


def _publish_story(page, app_url: str, db_url: str, report_id: str) -> None:
    """The leader writes the trip's public sentence and publishes it; the public page of its
    province then tells it, escaped, to anyone."""
    trip = _trip_of(db_url, report_id)
    assert not trip.get("story_public")
    box = page.locator(f".st-key-sm_trip_{trip['id']}")
    box.get_by_label("Câu chuyện công khai (một câu, tối đa 300 ký tự)").fill(STORY)
    box.get_by_text("Công bố câu chuyện").click()
    box.get_by_role("button", name="Lưu").click()
    wait_text(page, "Đã lưu phần công khai của chuyến.")
    stored = _trip_of(db_url, report_id)
    assert stored["story"] == STORY and bool(stored["story_public"])
    wait_until_idle(page)
    box.scroll_into_view_if_needed()
    save_screenshot(page, "trips_page_public_story")
    public = page.context.new_page()
    try:
        public.goto(f"{app_url}/tien-do/{stored['province_34']}", wait_until="load")
        public.get_by_text(STORY).wait_for(timeout=30_000)  # the markup is shown as text
        assert public.locator("b", has_text="liệt sĩ").count() == 0
    finally:
        public.close()


WITHDRAWN_FILE = "rut-lai-thu.csv"
WITHDRAWN_ROWS = (
    "Họ tên liệt sĩ;Tọa độ;Tỉnh\n"
    "Liệt sĩ Rút Lại Một;16.7469, 107.1944;Quảng Trị\n"
    "Liệt sĩ Rút Lại Hai;16.75, 107.2;Quảng Trị\n"
)


def _imported_records(db_url: str) -> list[dict]:
    """The reports of the file this test imports, deleted or not."""
    store = Store.open(db_url)
    try:
        table = store.table("reports")
        query = sa.select(table.c.id, table.c.deleted_by).where(table.c.martyr_names.like("Liệt sĩ Rút Lại%"))
        with store.engine.connect() as connection:
            return [dict(r._mapping) for r in connection.execute(query)]
    finally:
        store.engine.dispose()


def test_a_recorder_withdraws_her_own_import_and_its_reports_go_to_the_bin(browser, case_app, tmp_path):
    app_url, app_db_url = case_app
    source = tmp_path / WITHDRAWN_FILE
    source.write_text(WITHDRAWN_ROWS, encoding="utf-8")
    context = offline_context(browser)
    page = context.new_page()
    try:
        sign_in(page, app_url, username=RECORDER, path="/nhap-du-lieu")
        page.get_by_text("Tải mẫu CSV").wait_for(timeout=60_000)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(source))
        wait_text(page, "Xem trước 2 dòng đầu")
        wait_until_idle(page)
        page.get_by_role("button", name="Nhập vào cơ sở dữ liệu").click()
        wait_text(page, "Đã đọc 2 dòng: 2 nhận có tọa độ")
        assert [r["deleted_by"] for r in _imported_records(app_db_url)] == [None, None]
        wait_until_idle(page)
        entry = page.locator('[data-testid="stExpander"]').filter(has_text=WITHDRAWN_FILE).first
        entry.get_by_text(WITHDRAWN_FILE).first.click()  # open it
        entry.get_by_label("Lý do rút lại").fill("nhầm tệp thử")
        entry.get_by_role("button", name="Rút lại lần nhập").click()
        wait_text(page, f"Đã rút lại lần nhập «{WITHDRAWN_FILE}»: 2 bản ghi vào thùng rác.")
        assert [r["deleted_by"] for r in _imported_records(app_db_url)] == [RECORDER, RECORDER]
        assert page.locator('[data-testid="stException"]').count() == 0
        save_screenshot(page, "import_withdrawn")
    finally:
        context.close()
