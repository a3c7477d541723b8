"""An administrator adds a cemetery on the "Dữ liệu nền" page, through the form generated from the
layer's declaration; a chapter leader has no such page."""

from __future__ import annotations

from layers.access import system
from layers.store import Store
from tests.browser.conftest import offline_context, save_screenshot
from tests.browser.helpers import ADMIN, CHAPTER_LEADER, MAIN, sign_in, wait_text, wait_until_idle

NAME = "Nghĩa trang liệt sĩ Thử Nghiệm"


def test_an_admin_adds_a_cemetery_with_its_source_and_point(browser, case_app):
    app_url, app_db_url = case_app
    context = offline_context(browser)
    page = context.new_page()
    try:
        sign_in(page, app_url, ADMIN, path="/du-lieu-nen")
        page.get_by_text("Nghĩa trang liệt sĩ", exact=True).click()  # the layer
        wait_until_idle(page)
        page.get_by_role("button", name="Thêm mới").click()
        wait_until_idle(page)
        for label, value in (("Tên", NAME), ("Nguồn", "Sở Nội vụ Quảng Trị, danh sách 2025")):
            field = page.get_by_role("textbox", name=label, exact=True)
            field.fill(value)
            field.press("Enter")
            wait_until_idle(page)
        box = page.get_by_role("textbox", name="Tọa độ", exact=True)
        box.fill("16.7600, 107.1200")
        box.press("Enter")
        preview = wait_text(page, "VN-2000: X =")
        assert "Tỉnh: Quảng Trị" in preview
        page.get_by_role("button", name="Lưu").click()
        wait_text(page, "Đã lưu #")
        save_screenshot(page, "reference_page")
        store = Store.open(app_db_url)
        try:
            frame = store.frame("cemeteries", system())
            added = frame[frame["name"] == NAME]
            assert len(added) == 1 and added.iloc[0]["province_34"] == "VN-25"
            assert store.history(added.iloc[0]["id"], system())[0]["actor"] == ADMIN
        finally:
            store.engine.dispose()
    finally:
        context.close()


def test_a_chapter_leader_has_no_reference_page(browser, case_app):
    app_url, _ = case_app
    context = offline_context(browser)
    page = context.new_page()
    try:
        sign_in(page, app_url, CHAPTER_LEADER)
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_text("Bản đồ", exact=True).count() == 1
        assert sidebar.get_by_text("Dữ liệu nền", exact=True).count() == 0
        page.goto(f"{app_url}/du-lieu-nen")
        wait_until_idle(page)
        assert NAME not in page.locator(MAIN).inner_text()
        assert page.get_by_role("button", name="Thêm mới").count() == 0
    finally:
        context.close()
