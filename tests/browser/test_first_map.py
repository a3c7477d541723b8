"""The first map, in a real browser, with the network blocked."""

import time

from tests.browser.conftest import save_screenshot

MAP_FRAME = "streamlit_folium"


def _map_frame(page, min_markers: int, timeout_s: float = 90):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            if MAP_FRAME in frame.url and frame.locator("path.leaflet-interactive").count() >= min_markers:
                return frame
        page.wait_for_timeout(500)  # lets Playwright serve the route handlers meanwhile
    shot = save_screenshot(page, "no_map")
    raise AssertionError(f"no map with {min_markers} markers after {timeout_s} s; see {shot}")


def test_the_demo_map_draws_markers_with_no_internet(app_url, offline_page):
    page = offline_page
    page.goto(app_url)
    frame = _map_frame(page, min_markers=1000)
    assert frame.locator(".leaflet-container").count() == 1
    # The offline basemap: province outlines drawn from the shipped boundaries.
    assert frame.locator(".leaflet-overlay-pane path").count() > 1000
    assert page.get_by_text("Dữ liệu mẫu").count() >= 1
    page.wait_for_timeout(1000)
    save_screenshot(page, "first_map")
    assert page.blocked == [], f"the page asked the internet for {page.blocked[:5]}"


def test_the_english_switch_translates_the_page(app_url, offline_page):
    page = offline_page
    page.goto(app_url)
    _map_frame(page, min_markers=1000)
    page.get_by_text("English").click()
    page.get_by_text("Demo data").first.wait_for(timeout=30_000)
    assert page.get_by_text("Finding Comrades map").count() == 1
