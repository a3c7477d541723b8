"""The app on a phone (390 × 844, and 360 px wide), the network to anything but the app blocked: the
map, the work page, the site detail and the public intake page fit the screen (sidebar closed, no
sideways scrolling, buttons inside the screen and big enough for a finger, text of 16 px, a map
tall enough to use), and "Vị trí của tôi" says how far and in which direction the selected site is,
as PROJ's geodesic measures it. Each test saves a screenshot under tests/artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from pyproj import Geod

from tests.browser.conftest import app_of_its_own, offline, save_screenshot
from tests.browser.helpers import (
    CHAPTER_LEADER,
    DEMO_PASSWORD,
    map_frame,
    only_tiles_were_blocked,
    select_first_row,
    sign_in,
    wait_text,
    wait_until_idle,
)
from tests.ui.test_sites_map_payload import link_two_sites

TEAM = "demo.doi"
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 780}
WGS84 = Geod(ellps="WGS84")
# The drawn area around the linked testimonies of link_two_sites (lon,lat), as the map's area filter writes it.
AROUND = "106.850000,16.650000;107.050000,16.650000;107.050000,16.850000;106.850000,16.850000;106.850000,16.650000"
AREA_ONLY = "Nguyễn Văn Mười (chỉ biết địa danh)"
DIRECTIONS = ("Bắc", "Đông Bắc", "Đông", "Đông Nam", "Nam", "Tây Nam", "Tây", "Tây Bắc")
DECIMAL = re.compile(r"(\d{1,2}\.\d{6}), (\d{2,3}\.\d{6})")


def _prepare(store) -> None:
    """Two linked sites in Quảng Trị (link_two_sites) and a testimony known only by its place."""
    link_two_sites(store)
    store.insert(
        "reports",
        [
            {
                "martyr_names": AREA_ONLY,
                "unit": "C552",
                "province_34": "VN-25",
                "province_63": "VN-25",
                "year_from": 1968,
                "year_to": 1968,
                "status": "new",
                "geometry": None,
                "area_lat": 16.76,
                "area_lon": 106.96,
                "area_radius_m": 2500.0,
                "area_place": "xã Gio An",
                "is_demo": True,
                "chapter_id": "chapter-vn-25",
                "place_description": "Gần đồi cát",
            }
        ],
        author="test",
    )


@pytest.fixture(scope="module")
def phone_app(tmp_path_factory):
    yield from app_of_its_own(tmp_path_factory, "phone", prepare=_prepare)


def phone_context(browser, size: dict = PHONE, where: tuple[float, float] | None = None):
    """A phone's browser context (touch, its position allowed) whose requests to anything but the
    app are aborted and listed in `context.blocked`; its page as the second value."""
    options = {"latitude": where[0], "longitude": where[1], "accuracy": 15} if where else None
    context = browser.new_context(
        viewport=size,
        locale="vi-VN",
        has_touch=True,
        is_mobile=True,
        device_scale_factor=1,
        permissions=["geolocation"],
        geolocation=options,
    )
    offline(context)
    page = context.new_page()
    page.blocked = context.blocked
    return context, page


LAYOUT = """() => {
  const width = window.innerWidth, height = window.innerHeight;
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  const seen = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  // The buttons a person presses: Streamlit's own, page links, expanders, the map's and the intake
  // page's (a select box's arrow or a help icon lies inside a larger box, which is what is tapped).
  const pressed = '[data-testid^="stBaseButton"], [data-testid="stPageLink"] a, [data-testid="stExpander"] summary,'
    + ' main form button, .leaflet-bar a';
  const buttons = [...main.querySelectorAll(pressed)]
    .filter(seen).map(el => { const r = el.getBoundingClientRect();
      return {text: (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 40),
              left: r.left, right: r.right, height: r.height}; });
  const texts = [...main.querySelectorAll('p, label, textarea, input[type=text], input[type=tel], input:not([type])')]
    .filter(seen).filter(el => (el.innerText || el.value || el.placeholder || '').trim())
    .filter(el => !el.closest('[data-testid="stCaptionContainer"], .help, .app, .lang, small, code'))
    .map(el => ({text: (el.innerText || el.value || el.placeholder).trim().slice(0, 40),
                 size: parseFloat(getComputedStyle(el).fontSize)}));
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const side = sidebar ? sidebar.getBoundingClientRect() : null;
  const frame = document.querySelector('iframe[title*="streamlit_folium"]');
  return {width, height, scroll: document.scrollingElement.scrollWidth,
          mainScroll: main.scrollWidth, mainWidth: main.clientWidth,
          sidebarOpen: !!side && side.right > 1 && side.width > 1 && sidebar.getAttribute('aria-expanded') !== 'false',
          buttons, texts, mapHeight: frame ? frame.getBoundingClientRect().height : null};
}"""


def assert_fits_a_phone(page, with_map: bool = False) -> dict:
    """The layout facts of a phone screen; returns what was measured."""
    wait_until_idle(page)
    page.wait_for_timeout(800)
    facts = page.evaluate(LAYOUT)
    width = facts["width"]
    assert not facts["sidebarOpen"], "the sidebar should start closed on a phone"
    assert facts["scroll"] <= width, f"the page scrolls sideways: {facts['scroll']} px in {width} px"
    assert facts["mainScroll"] <= facts["mainWidth"] + 1, "the main area scrolls sideways"
    outside = [b for b in facts["buttons"] if b["left"] < -1 or b["right"] > width + 1]
    assert not outside, f"buttons cut off at the screen's edge: {outside}"
    small = [b for b in facts["buttons"] if b["height"] < 40]
    assert not small, f"buttons a finger misses (under 40 px high): {small}"
    tiny = [t for t in facts["texts"] if t["size"] < 16]
    assert not tiny, f"text under 16 px: {tiny[:8]}"
    if with_map:
        assert facts["mapHeight"] and facts["mapHeight"] >= 0.55 * facts["height"], f"map too short: {facts}"
    return facts


def _decimal_position(page) -> tuple[float, float]:
    """The selected record's point as the detail panel writes it ("16.800000, 107.000000")."""
    found = DECIMAL.search(wait_text(page, "Tọa độ"))
    assert found, "the detail panel shows no decimal position"
    return float(found.group(1)), float(found.group(2))


def _locate(page, frame):
    """Press "Vị trí của tôi" as a person does; the distance box once it has measured."""
    button = frame.get_by_title("Vị trí của tôi")
    # The whole map in view, its top clear of Streamlit's header (which would take the tap).
    frame.frame_element().evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(300)
    box = button.bounding_box()
    assert box["height"] >= 40 and box["width"] >= 40, f"the locate button is too small: {box}"
    button.click()
    distance = frame.locator(".bando-distance[data-distance-m]")
    try:
        distance.wait_for(timeout=30_000)
    except PlaywrightError as error:
        said = frame.locator(".bando-distance").inner_text()
        raise AssertionError(f"no distance measured; the box says «{said}»") from error
    return distance


def _shown_km(text: str) -> float:
    found = re.search(r"Cách điểm đã chọn ([\d.,]+) (k?m)", text)
    assert found, f"no distance in «{text}»"
    value = float(found.group(1).replace(".", "").replace(",", "."))
    return value if found.group(2) == "km" else value / 1000


def _measured(page, frame, here: tuple[float, float], target: tuple[float, float]) -> str:
    """Locate at `here`, and check the box against PROJ's geodesic to `target`; its text."""
    page.context.set_geolocation({"latitude": here[0], "longitude": here[1], "accuracy": 15})
    box = _locate(page, frame)
    azimuth, _, metres = WGS84.inv(here[1], here[0], target[1], target[0])
    said = box.inner_text()
    assert float(box.get_attribute("data-distance-m")) == pytest.approx(metres, rel=0.01)
    assert _shown_km(said) * 1000 == pytest.approx(metres, rel=0.01)
    assert f"({DIRECTIONS[round((azimuth % 360) / 45) % 8]})" in said
    assert f"hướng {round(azimuth % 360) % 360}°" in said
    assert "đường chim bay" in said
    return said


def _map(page, url: str, person: str, path: str = "/ban-do"):
    sign_in(page, url, person, DEMO_PASSWORD, path="/ban-do")
    page.goto(f"{url}{path}")
    frame = map_frame(page, lambda f: f.locator(".report-count").count() == 1)
    wait_until_idle(page)
    return frame


def test_on_a_phone_the_map_says_how_far_and_which_way_the_selected_testimony_is(phone_app, browser):
    url, _ = phone_app
    context, page = phone_context(browser)
    try:
        frame = _map(page, url, TEAM, f"/ban-do?area={AROUND}")
        assert_fits_a_phone(page, with_map=True)
        assert "Bấm nút «Vị trí của tôi»" not in frame.locator("body").inner_text()  # nothing selected yet
        select_first_row(page)
        target = _decimal_position(page)
        frame = map_frame(page, lambda f: "Vị trí của tôi" in f.locator(".bando-distance").inner_text())
        here = (target[0] - 0.031, target[1] + 0.042)  # about 5.5 km south-west of it
        said = _measured(page, frame, here, target)
        assert "trung tâm vùng" not in said
        # Walking on: the box follows the new position without another press.
        closer = (target[0] - 0.004, target[1] - 0.003)
        context.set_geolocation({"latitude": closer[0], "longitude": closer[1], "accuracy": 10})
        _, _, metres = WGS84.inv(closer[1], closer[0], target[1], target[0])
        frame.wait_for_function(
            f"Math.abs(document.querySelector('.bando-distance').dataset.distanceM - {metres}) < {metres / 100}",
            timeout=30_000,
        )
        frame.frame_element().scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        save_screenshot(page, "phone_map_390")
        assert not only_tiles_were_blocked(page), page.blocked
    finally:
        context.close()


def test_a_testimony_known_only_by_its_place_is_measured_to_the_centre_of_its_area(phone_app, browser):
    url, _ = phone_app
    context, page = phone_context(browser)
    try:
        frame = _map(page, url, TEAM, "/ban-do?text=M%C6%B0%E1%BB%9Di")
        select_first_row(page)
        wait_text(page, "Nguyễn Văn Mười")
        frame = map_frame(page, lambda f: "Vị trí của tôi" in f.locator(".bando-distance").inner_text())
        said = _measured(page, frame, (16.80, 107.02), (16.76, 106.96))
        assert "≈ trung tâm vùng, bán kính 2,5 km" in said
    finally:
        context.close()


def test_the_site_detail_reads_on_a_phone(phone_app, browser):
    url, _ = phone_app
    context, page = phone_context(browser)
    try:
        sign_in(page, url, CHAPTER_LEADER, DEMO_PASSWORD, path="/diem-mo")
        wait_text(page, "Một điểm mộ")
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Chọn điểm mộ").locator("input").first.click()
        page.keyboard.type("Trần Văn Bảy")  # the list is long and drawn in part: narrow it as a person does
        page.get_by_role("option", name=re.compile("Trần Văn Bảy")).first.click()
        wait_text(page, "Các lời kể")
        assert_fits_a_phone(page)
        page.locator(".st-key-sites_site").scroll_into_view_if_needed()
        save_screenshot(page, "phone_site_390")
    finally:
        context.close()


def test_the_work_page_reads_on_a_phone(phone_app, browser):
    url, _ = phone_app
    for person, size, shot in ((CHAPTER_LEADER, PHONE, "phone_work_390"), (TEAM, SMALL_PHONE, "phone_work_360")):
        context, page = phone_context(browser, size)
        try:
            sign_in(page, url, person, DEMO_PASSWORD, path="/viec-can-lam")
            wait_text(page, "Việc cần làm")
            assert_fits_a_phone(page)
            save_screenshot(page, shot)
        finally:
            context.close()


def test_the_map_fits_a_small_phone(phone_app, browser):
    url, _ = phone_app
    context, page = phone_context(browser, SMALL_PHONE)
    try:
        _map(page, url, CHAPTER_LEADER)
        assert_fits_a_phone(page, with_map=True)
        assert not only_tiles_were_blocked(page), page.blocked
    finally:
        context.close()


def test_the_intake_page_reads_on_a_phone(phone_app, browser):
    url, _ = phone_app
    context, page = phone_context(browser)
    try:
        page.goto(f"{url}/gui-thong-tin")
        page.get_by_role("button", name="Gửi thông tin", exact=True).wait_for(timeout=60_000)
        facts = page.evaluate(LAYOUT)
        assert facts["scroll"] <= facts["width"]
        small = [b for b in facts["buttons"] if b["height"] < 40 or b["right"] > facts["width"] + 1]
        assert not small, small
        tiny = [t for t in facts["texts"] if t["size"] < 16]
        assert not tiny, tiny[:8]
        save_screenshot(page, "phone_intake_390")
        assert not only_tiles_were_blocked(page), page.blocked
    finally:
        context.close()
