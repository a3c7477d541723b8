"""The map shows grave sites (điểm mộ) instead of testimonies: a site told by two independent
witnesses says so, and a site whose testimonies place it apart draws a line to each of them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import app_of_its_own, offline_context, save_screenshot
from tests.browser.helpers import (
    DEMO_PASSWORD,
    RECORDER,
    map_frame,
    open_popup,
    sign_in,
    wait_text,
    wait_until_idle,
)
from tests.ui.test_sites_map_payload import link_two_sites

# The drawn area around the linked testimonies (lon,lat), as the map's area filter writes it.
AROUND = "106.850000,16.650000;107.050000,16.650000;107.050000,16.850000;106.850000,16.850000;106.850000,16.650000"
CONFIRMED = "được xác nhận bởi 2 nhân chứng"
SIDEBAR = '[data-testid="stSidebar"]'


@pytest.fixture(scope="module")
def sites_app(tmp_path_factory):
    """An app of its own whose Quảng Trị testimonies are linked in two sites (link_two_sites)."""
    yield from app_of_its_own(tmp_path_factory, "sites", prepare=link_two_sites)


def _sites_map(browser, url: str, width: int):
    """A signed-in recorder's map of the linked area, switched to "Điểm mộ": (context, page, frame)."""
    context = offline_context(browser, width=width, height=1000)
    page = context.new_page()
    sign_in(page, url, RECORDER, DEMO_PASSWORD, path="/ban-do")
    page.goto(f"{url}/ban-do?area={AROUND}")
    map_frame(page, lambda f: f.locator(".report-count").count() == 1)
    wait_until_idle(page)
    _show_sites(page, width)
    return context, page, _drawn(page)


def _drawn(page):
    """The map frame once it shows the sites and both conflict lines."""
    return map_frame(
        page,
        lambda f: "điểm mộ" in f.locator(".report-count").inner_text() and f.locator("path.site-conflict").count() == 2,
        what="the sites and their conflict lines",
    )


def _show_sites(page, width: int) -> None:
    """Choose "Điểm mộ" under "Hiển thị" in the sidebar (opened first on a phone, closed after)."""
    sidebar = page.locator(SIDEBAR)
    opener = page.locator('[data-testid="stExpandSidebarButton"]')
    if opener.count() and opener.is_visible():  # a phone: the sidebar starts closed
        opener.click()
        page.wait_for_timeout(800)
    choice = sidebar.locator('[data-testid="stRadio"]').filter(has_text="Hiển thị")
    choice.get_by_text("Điểm mộ", exact=True).click()
    if width < 640:  # the sidebar covers the page on a phone
        wait_until_idle(page)
        page.locator('[data-testid="stSidebarCollapseButton"] button').click()


def _zoom_out(page, frame) -> None:
    """One zoom level out, so both sites and the whole conflict are in the screenshot."""
    frame.locator(".leaflet-control-zoom-out").click()
    page.wait_for_timeout(1000)
    wait_until_idle(page)
    page.mouse.move(1, 1)
    page.wait_for_timeout(1500)


def _tooltips(page, frame) -> tuple[object, list[tuple[object, str]]]:
    """(frame, each site dot in view with its tooltip), hovering each as a person does; when a
    rerun draws the map again under the mouse, the frame is found again and the dots hovered anew."""
    for _ in range(3):
        try:
            return frame, _hover_each(page, frame)
        except PlaywrightError:
            wait_until_idle(page)
            frame = _drawn(page)
    return frame, _hover_each(page, frame)


def _hover_each(page, frame) -> list[tuple[object, str]]:
    said = []
    for marker in frame.locator("path.report-marker").all():
        marker.hover(force=True, timeout=10_000)
        page.wait_for_timeout(150)
        said.append((marker, " ".join(frame.locator(".leaflet-tooltip").all_inner_texts())))
        page.mouse.move(1, 1)  # its tooltip closes before the next one opens
        page.wait_for_timeout(100)
    return said


def test_a_site_confirmed_by_two_witnesses_and_a_conflict_of_positions_are_drawn(sites_app, browser):
    url, _ = sites_app
    context, page, frame = _sites_map(browser, url, 1280)
    try:
        assert frame.locator("path.site-testimony").count() == 2  # each testimony of the conflicting site
        frame, said = _tooltips(page, frame)
        bay = [(nth, tip) for nth, (_, tip) in enumerate(said) if "Trần Văn Bảy" in tip]
        assert len(bay) == 1 and f"Trần Văn Bảy · 2 lời kể · {CONFIRMED}" in bay[0][1]
        frame, popup = open_popup(page, _drawn, bay[0][0])  # and the panel shows the site and its testimonies
        assert CONFIRMED in popup.inner_text() and "Vị trí các lời kể" not in popup.inner_text()
        shown = wait_text(page, "Các lời kể (2)")
        assert "Chi tiết điểm mộ" in shown and CONFIRMED in shown and "Tran Van Bay" in shown
        wait_text(page, "điểm mộ trong bảng")  # the table counts sites
        _zoom_out(page, frame)
        save_screenshot(page, "sites_map")
        assert "Lời kể đặt ở vị trí khác" in frame.locator(".map-legend").inner_text()
    finally:
        context.close()


def test_the_sites_map_reads_on_a_phone(sites_app, browser):
    url, _ = sites_app
    context, page, frame = _sites_map(browser, url, 390)
    try:
        frame, said = _tooltips(page, frame)
        assert any(CONFIRMED in tip for _, tip in said)
        frame.frame_element().scroll_into_view_if_needed()  # Streamlit's main area scrolls, not the window
        _zoom_out(page, frame)
        save_screenshot(page, "sites_map_390")
    finally:
        context.close()
