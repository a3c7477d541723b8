"""The first start: the README's run command seeds demo data (and the demo accounts) and the map
draws with no internet for the demo administrator."""

from tests.browser.conftest import save_screenshot
from tests.browser.helpers import map_count, map_frame, only_tiles_were_blocked, sign_in, wait_until_idle


def test_first_start_seeds_demo_data_and_draws_it_offline(fresh_app_url, offline_page):
    page = offline_page
    sign_in(page, fresh_app_url, path="/ban-do")
    frame = map_frame(page, lambda f: f.locator(".report-count").count() == 1, what="the report count")
    assert map_count(frame) == 2000
    # Markers or clusters are drawn, and the offline basemap took over from the blocked tiles.
    map_frame(page, lambda f: f.locator(".leaflet-marker-icon, path.leaflet-interactive").count() > 5)
    map_frame(page, lambda f: f.locator(".leaflet-overlay-pane path").count() > 100, what="the offline basemap")
    assert page.get_by_text("Dữ liệu mẫu").count() >= 1
    page.wait_for_timeout(1000)
    save_screenshot(page, "first_map")
    assert only_tiles_were_blocked(page) == []


def test_the_english_switch_translates_the_page(fresh_app_url, offline_page):
    page = offline_page
    sign_in(page, fresh_app_url, path="/ban-do")
    map_frame(page, lambda f: f.locator(".report-count").count() == 1)
    wait_until_idle(page)  # the map reports its view once drawn, and the page reruns for it
    page.get_by_text("English").click()
    page.get_by_text("Demo data").first.wait_for(timeout=30_000)
    assert page.get_by_text("Finding Comrades map").count() == 1
    map_frame(page, lambda f: "reports" in f.locator(".report-count").inner_text())
