"""The map explorer in a real browser with the network blocked: filters, counts, escaping; signed
in as the demo administrator, who sees all 2,001 reports."""

from tests.browser.conftest import XSS_MARKER, XSS_PAYLOADS, save_screenshot
from tests.browser.helpers import (
    map_frame,
    only_tiles_were_blocked,
    open_popup,
    select_first_row,
    sidebar_multiselect,
    sign_in,
    wait_for_counts,
    wait_until_idle,
)

TOTAL = 2001


def test_choosing_a_province_changes_map_and_table_to_the_same_count(app_url, offline_page):
    page = offline_page
    sign_in(page, app_url, path="/ban-do")
    assert wait_for_counts(page) == (TOTAL, TOTAL)
    sidebar_multiselect(page, "Tỉnh, thành", "Quảng Trị")
    map_count, table_count = wait_for_counts(page, changed_from=TOTAL)
    assert map_count == table_count
    assert 0 < map_count < TOTAL
    assert "provinces_34=VN-25" in page.url  # the view can be shared as a link
    save_screenshot(page, "explorer_quang_tri")
    assert only_tiles_were_blocked(page) == []


def test_the_period_slider_narrows_map_and_table(app_url, offline_page):
    page = offline_page
    sign_in(page, app_url, path="/ban-do")
    wait_for_counts(page)
    wait_until_idle(page)
    thumb = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]').first
    thumb.focus()
    for _ in range(23):  # 1945 -> 1968
        page.keyboard.press("ArrowRight")
    for _ in range(5):  # a press lost while the map's own rerun held the focus is pressed again
        if thumb.input_value() == "1968":
            break
        thumb.focus()
        page.keyboard.press("ArrowRight")
    page.wait_for_url("**year_from=1968**", timeout=30_000)
    map_count, table_count = wait_for_counts(page, changed_from=TOTAL)
    assert map_count == table_count < TOTAL
    assert "year_from=1968" in page.url


def test_a_shared_link_opens_the_same_view(app_url, offline_page):
    page = offline_page
    sign_in(
        page,
        app_url,
        path="/ban-do?place=Qu%E1%BA%A3ng+Tr%E1%BB%8B&units=C552&year_from=1968&year_to=1972"
        "&statuses=new&statuses=verifying&statuses=verified&statuses=planned",
    )
    map_count, table_count = wait_for_counts(page, changed_from=TOTAL)
    assert map_count == table_count
    assert 0 < map_count < 100
    page.wait_for_timeout(2500)  # let the zoom to the reports finish
    save_screenshot(page, "explorer_shared_link")


def test_hostile_witness_text_shows_as_text_and_runs_nothing(app_url, offline_page):
    page = offline_page
    sign_in(page, app_url, path=f"/ban-do?text={XSS_MARKER}")
    assert wait_for_counts(page, changed_from=TOTAL) == (1, 1)
    frame, popup = open_popup(
        page, lambda p: map_frame(p, lambda f: f.locator("path.report-marker").count() == 1, what="the hostile report")
    )
    shown = popup.inner_text()
    for payload in XSS_PAYLOADS:
        assert payload in shown
    assert frame.locator(".leaflet-popup-content img, .leaflet-popup-content script").count() == 0
    page.get_by_text(f"{XSS_MARKER} {XSS_PAYLOADS[0]}").first.wait_for(timeout=30_000)  # the detail panel
    page.wait_for_timeout(1500)
    save_screenshot(page, "explorer_xss")
    assert page.dialogs == []


def test_drawing_a_rectangle_narrows_to_the_area(app_url, offline_page):
    page = offline_page
    sign_in(page, app_url, path="/ban-do?place=Qu%E1%BA%A3ng+Tr%E1%BB%8B")
    before, _ = wait_for_counts(page, changed_from=TOTAL)
    frame = map_frame(page, lambda f: f.locator(".leaflet-draw-draw-rectangle").count() == 1)
    page.wait_for_timeout(2000)  # the zoom to Quảng Trị settles
    wait_until_idle(page)
    frame = map_frame(page, lambda f: f.locator(".leaflet-draw-draw-rectangle").count() == 1)
    frame.locator(".leaflet-draw-draw-rectangle").click()
    box = frame.locator(".leaflet-container").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx - 120, cy - 120)
    page.mouse.down()
    page.mouse.move(cx, cy, steps=5)
    page.mouse.move(cx + 120, cy + 120, steps=5)
    page.mouse.up()
    after, table = wait_for_counts(page, changed_from=before)
    assert after == table < before
    assert "area=" in page.url
    page.get_by_text("Đang lọc theo vùng vẽ trên bản đồ").wait_for(timeout=10_000)


def test_selecting_a_table_row_opens_its_details(app_url, offline_page):
    page = offline_page
    sign_in(page, app_url, path=f"/ban-do?text={XSS_MARKER}")
    wait_for_counts(page, changed_from=TOTAL)
    select_first_row(page)
    page.wait_for_timeout(1500)
    save_screenshot(page, "table_click")
    page.get_by_text("Mã: #").first.wait_for(timeout=30_000)
    frame = map_frame(page, lambda f: f.locator(".leaflet-container").count() == 1)
    zoom = frame.evaluate("() => map.getZoom()")
    assert zoom >= 13  # the map moved to the selected report


def test_every_pick_in_the_table_sends_the_map_to_that_report(app_url, offline_page):
    page = offline_page
    sign_in(page, app_url, path="/ban-do?place=Qu%E1%BA%A3ng+Tr%E1%BB%8B")
    wait_for_counts(page, changed_from=TOTAL)
    wait_until_idle(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(timeout=30_000)
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    codes = []
    for row in (0, 1):
        frame = map_frame(page, lambda f: f.locator(".leaflet-container").count() == 1)
        frame.evaluate("() => map.setZoom(7)")  # the user had zoomed out again
        page.wait_for_timeout(1500)
        wait_until_idle(page)
        # The detail panel beside the map grows with the report shown: bring the table back in view.
        grid.evaluate("element => element.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(300)
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 15, box["y"] + 52 + 35 * row)  # the row selector of data row `row`
        page.wait_for_timeout(2500)
        wait_until_idle(page)
        codes.append(page.get_by_text("Mã: #").first.inner_text())
        frame = map_frame(page, lambda f: f.evaluate("() => map.getZoom()") >= 13, what=f"the map at pick {row + 1}")
    assert codes[0] != codes[1]  # the detail panel follows the pick, not an older map click
