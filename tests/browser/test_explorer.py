"""The map explorer in a real browser with the network blocked: filters, counts, escaping."""

from tests.browser.conftest import XSS_MARKER, XSS_PAYLOADS, save_screenshot
from tests.browser.helpers import map_frame, only_tiles_were_blocked, wait_for_counts

TOTAL = 2001


def _sidebar_multiselect(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=label)
    box.locator("input").first.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option).first.click()
    page.keyboard.press("Escape")


def test_choosing_a_province_changes_map_and_table_to_the_same_count(app_url, offline_page):
    page = offline_page
    page.goto(app_url)
    assert wait_for_counts(page) == (TOTAL, TOTAL)
    _sidebar_multiselect(page, "Tỉnh, thành", "Quảng Trị")
    map_count, table_count = wait_for_counts(page, changed_from=TOTAL)
    assert map_count == table_count
    assert 0 < map_count < TOTAL
    assert "provinces_34=VN-25" in page.url  # the view can be shared as a link
    save_screenshot(page, "explorer_quang_tri")
    assert only_tiles_were_blocked(page) == []


def test_the_period_slider_narrows_map_and_table(app_url, offline_page):
    page = offline_page
    page.goto(app_url)
    wait_for_counts(page)
    thumb = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]').first
    thumb.focus()
    for _ in range(23):  # 1945 -> 1968
        page.keyboard.press("ArrowRight")
    map_count, table_count = wait_for_counts(page, changed_from=TOTAL)
    assert map_count == table_count < TOTAL
    assert "year_from=1968" in page.url


def test_a_shared_link_opens_the_same_view(app_url, offline_page):
    page = offline_page
    page.goto(
        f"{app_url}/?place=Qu%E1%BA%A3ng+Tr%E1%BB%8B&units=C552&year_from=1968&year_to=1972"
        "&statuses=new&statuses=verifying&statuses=verified&statuses=planned"
    )
    map_count, table_count = wait_for_counts(page, changed_from=TOTAL)
    assert map_count == table_count
    assert 0 < map_count < 100
    page.wait_for_timeout(2500)  # let the zoom to the reports finish
    save_screenshot(page, "explorer_shared_link")


def test_hostile_witness_text_shows_as_text_and_runs_nothing(app_url, offline_page):
    page = offline_page
    page.goto(f"{app_url}/?text={XSS_MARKER}")
    assert wait_for_counts(page, changed_from=TOTAL) == (1, 1)
    frame = map_frame(page, lambda f: f.locator("path.leaflet-interactive").count() >= 1, what="the hostile report")
    frame.locator("path.leaflet-interactive").last.click(force=True)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=15_000)
    shown = popup.inner_text()
    for payload in XSS_PAYLOADS:
        assert payload in shown
    assert frame.locator(".leaflet-popup-content img, .leaflet-popup-content script").count() == 0
    page.get_by_text(f"{XSS_MARKER} {XSS_PAYLOADS[0]}").first.wait_for(timeout=30_000)  # the detail panel
    page.wait_for_timeout(1500)
    save_screenshot(page, "explorer_xss")
    assert page.dialogs == []
