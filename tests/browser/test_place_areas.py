"""Reports placed only by a place name, in a real browser, in an app of its own (issue 15): a file of
accounts that name a commune or a district but give no coordinate is imported; the map draws each
estimate as a dashed area (never a pin) with the place in its tooltip, counts it apart from the
measured points, and a click on the area opens the report; the district filter narrows the map and
the table to the same reports, and the link keeps it."""

from __future__ import annotations

import re

import pytest

from layers.access import system
from layers.places import position_counts
from layers.store import Store
from tests.browser.conftest import app_of_its_own, offline_context, save_screenshot
from tests.browser.helpers import (
    ADMIN,
    RECORDER,
    map_frame,
    only_tiles_were_blocked,
    sidebar_multiselect,
    sign_in,
    wait_for_counts,
    wait_text,
    wait_until_idle,
)

GIO_LINH = "466"  # Huyện Gio Linh (Quảng Trị), data/admin/districts_63.csv
GIO_AN = "19522"  # Xã Gio An, in it
HEADER = "Họ tên liệt sĩ;Đơn vị;Năm hy sinh;Tọa độ;Tỉnh;Mô tả vị trí"
ROWS = [
    "Liệt sĩ Vùng Gio An DIADANH;C552;1968;;;đồi sau trường cấp 2 xã Gio An, huyện Gio Linh",
    "Liệt sĩ Vùng Đồng Lộc DIADANH;;1968;;;gần ngã ba Đồng Lộc, Can Lộc",
    "Liệt sĩ Hòa An;;1970;;;xã Hòa An",  # ten communes bear the name: not guessed
    "Liệt sĩ Điểm Gio Linh;C552;1968;16.93, 107.00;Quảng Trị;cạnh đường 75",
]
CSV = ("\n".join([HEADER, *ROWS]) + "\n").encode("utf-8")
GIO_AN_LABEL = "Xã Gio An, Huyện Gio Linh (Quảng Trị)"
MARK = "DIADANH"  # in the names of the two reports placed by their place name only


def _import_the_file(store: Store) -> None:
    from layers.importers.reports import import_reports
    from layers.users import find_user, viewer_of

    admin = viewer_of(store, find_user(store, ADMIN))  # what a demo account imports is demo data: it sees it
    result = import_reports(store, "dia-danh.csv", CSV, viewer=admin)
    assert (result.accepted, result.approximate, result.unlocated, result.rejected) == (1, 2, 1, 0)


@pytest.fixture(scope="module")
def areas_app(tmp_path_factory):
    yield from app_of_its_own(tmp_path_factory, "areas", prepare=_import_the_file)


def _expected(db_url: str) -> dict:
    """What the map must say, from the database: totals by position source, and per filter."""
    store = Store.open(db_url)
    try:
        reports = store.frame("reports", system())
    finally:
        store.engine.dispose()
    assert reports["is_demo"].all()  # the demo administrator sees every report
    return {
        "total": len(reports),
        "counts": position_counts(reports),
        "gio_linh": int((reports["district_63"] == GIO_LINH).sum()),
        "gio_an": int((reports["commune_63"] == GIO_AN).sum()),
        "gio_linh_areas": int(((reports["district_63"] == GIO_LINH) & reports.geometry.isna()).sum()),
    }


def _count_corner(frame) -> dict:
    corner = frame.locator(".report-count")
    return {
        name: int(corner.get_attribute(f"data-{name}"))
        for name in ("count", "located", "approximate", "unlocated", "areas")
    } | {"text": corner.inner_text()}


@pytest.fixture
def desktop(browser):
    """A laptop-wide page (1280 px) with the network blocked."""
    context = offline_context(browser, width=1280, height=1000)
    page = context.new_page()
    page.blocked = context.blocked
    yield page
    context.close()


def test_place_only_reports_are_dashed_areas_with_their_place_and_open_on_click(areas_app, desktop):
    url, db_url = areas_app
    page = desktop
    # The two estimates by name (the text filter): the map fits their areas though neither has a point.
    sign_in(page, url, path=f"/ban-do?text={MARK}")
    assert wait_for_counts(page) == (2, 2)
    frame = map_frame(page, lambda f: f.locator("path.report-area").count() == 2, what="the dashed areas")
    corner = _count_corner(frame)
    assert (corner["located"], corner["approximate"], corner["unlocated"], corner["areas"]) == (0, 2, 0, 2)
    assert "2 tin báo · 0 có tọa độ · 2 ước lượng theo địa danh · 0 chưa xác định" in corner["text"]
    assert frame.locator("path.report-marker").count() == 0  # no pin for an estimate
    dash = frame.locator("path.report-area").first.get_attribute("stroke-dasharray")
    assert dash and dash.replace(",", " ").split() == ["6", "6"]
    # Closer to Gio An (the fitted view has it in a corner, under the map's controls): the area's
    # tooltip says where the estimate comes from, and a click on it opens the report.
    frame.evaluate("() => map.setView([16.9258, 106.989], 11)")
    page.wait_for_timeout(1500)
    wait_until_idle(page)
    frame = map_frame(page, lambda f: f.evaluate("() => map.getZoom()") == 11 and f.locator("path.report-area").count())
    gio_an = frame.locator("path.report-area").nth(_area_index(frame, "Gio An"))
    gio_an.hover(force=True)
    tooltip = frame.locator(".leaflet-tooltip").first
    tooltip.wait_for(timeout=15_000)
    said = tooltip.inner_text()
    assert said.startswith(f"Ước lượng theo địa danh: {GIO_AN_LABEL} · ± "), said
    assert "Liệt sĩ Vùng Gio An" in said and re.search(r"#[0-9a-f]{8}$", said), said
    gio_an.click(force=True)
    shown = wait_text(page, "Vị trí: ước lượng theo địa danh — Xã Gio An")
    assert re.search(rf"Vị trí: ước lượng theo địa danh — {re.escape(GIO_AN_LABEL)}, bán kính ± [\d,]+ km", shown)
    assert "Xã (hiện nay): Xã " in shown  # today's commune; the area line names the one of then
    assert "Chưa có tọa độ" not in shown
    assert only_tiles_were_blocked(page) == []


def test_the_district_filter_gives_map_and_table_the_same_reports_and_a_link_keeps_it(areas_app, desktop):
    url, db_url = areas_app
    expected, page = _expected(db_url), desktop
    assert expected["counts"]["place_name"] >= 2 and expected["gio_linh_areas"] >= 1  # ours and the demo's
    sign_in(page, url, path="/ban-do")
    assert wait_for_counts(page) == (expected["total"], expected["total"])
    corner = _count_corner(map_frame(page, lambda f: f.locator(".report-count").count() == 1))
    assert (corner["located"], corner["approximate"], corner["unlocated"]) == (
        expected["counts"]["measured"],
        expected["counts"]["place_name"],
        expected["counts"]["unknown"],
    )
    sidebar_multiselect(page, "Huyện (2008–2025)", "Huyện Gio Linh (Quảng Trị)", typed="Gio Linh")
    counts = wait_for_counts(page, changed_from=expected["total"])
    assert counts == (expected["gio_linh"], expected["gio_linh"])
    page.wait_for_url(f"**districts={GIO_LINH}**", timeout=30_000)  # the view can be shared as a link
    areas = expected["gio_linh_areas"]
    frame = map_frame(page, lambda f: f.locator("path.report-area").count() == areas, what="Gio Linh's areas")
    page.wait_for_timeout(2500)  # the zoom to the district settles
    wait_until_idle(page)
    _show_map(page, frame)
    save_screenshot(page, "place_areas")
    # A commune of the district, then the link opened again: the same reports.
    sidebar_multiselect(page, "Xã (2008–2025)", "Xã Gio An", typed="Gio An")
    assert wait_for_counts(page, changed_from=counts[0]) == (expected["gio_an"], expected["gio_an"])
    page.wait_for_url(f"**communes={GIO_AN}**", timeout=30_000)
    page.goto(page.url)
    assert wait_for_counts(page) == (expected["gio_an"], expected["gio_an"])
    assert only_tiles_were_blocked(page) == []


def test_a_phone_shows_the_district_with_its_area(areas_app, browser):
    url, db_url = areas_app
    expected = _expected(db_url)
    phone = offline_context(browser, width=390, height=844)
    try:
        page = phone.new_page()
        sign_in(page, url, path=f"/ban-do?districts={GIO_LINH}")
        assert wait_for_counts(page) == (expected["gio_linh"], expected["gio_linh"])
        areas = expected["gio_linh_areas"]
        frame = map_frame(page, lambda f: f.locator("path.report-area").count() == areas, what="the areas on a phone")
        page.wait_for_timeout(2500)
        _show_map(page, frame)
        corner = frame.locator(".report-count").bounding_box()
        legend = frame.locator(".map-legend").bounding_box()
        assert corner["x"] + corner["width"] <= 390 and legend["x"] + legend["width"] <= 390  # nothing cut off
        assert corner["y"] >= legend["y"] + legend["height"] or corner["x"] + corner["width"] <= legend["x"]
        save_screenshot(page, "place_areas_390")
    finally:
        phone.close()


def _show_map(page, frame) -> None:
    """Scroll the page (Streamlit's main area, not the window) so the map is in the screenshot."""
    frame.frame_element().scroll_into_view_if_needed()
    page.wait_for_timeout(500)


def _area_index(frame, words: str) -> int:
    """Which drawn area is the one whose tooltip names `words` (the order of drawing is the view's)."""
    tips = frame.evaluate(
        """() => {
          var out = [];
          map.eachLayer(function (l) {
            if (l.options && l.options.className === 'report-area') { out.push(l.getTooltip().getContent()); }
          });
          return out;
        }"""
    )
    hits = [i for i, tip in enumerate(tips) if words in tip]
    assert hits, tips
    return hits[0]


def test_the_form_previews_the_area_and_the_years_read_from_the_account_and_saves_them(areas_app, browser):
    url, db_url = areas_app
    for width in (1280, 390):
        context = offline_context(browser, width=width, height=1000)
        try:
            page = context.new_page()
            sign_in(page, url, RECORDER, path="/them-tin-bao")
            page.get_by_label("Họ tên liệt sĩ").wait_for(timeout=60_000)
            name = f"Liệt sĩ Biểu Mẫu {width}"
            page.get_by_label("Họ tên liệt sĩ").fill(name)
            place = page.get_by_label("Mô tả vị trí (lời nhân chứng)")
            place.fill("đồi sau trường cấp 2 xã Gio An, huyện Gio Linh")
            period = page.get_by_label("Thời gian (lời kể)")
            period.fill("Tết Mậu Thân")
            period.press("Tab")
            wait_until_idle(page)
            shown = wait_text(page, f"vị trí ước lượng theo địa danh — {GIO_AN_LABEL}, bán kính khoảng")
            assert re.search(r"bán kính khoảng \d+,\d km", shown), shown  # written the Vietnamese way
            assert "Huyện (2008–2025): Huyện Gio Linh (Quảng Trị)" in shown
            shown = wait_text(page, "[Thời gian] «Tết Mậu Thân»")
            assert "1968" in shown
            wait_until_idle(page)
            page.wait_for_timeout(1000)
            save_screenshot(page, "form_area" if width == 1280 else "form_area_390")
            page.get_by_role("button", name="Lưu").click()
            wait_text(page, "Đã lưu #")
        finally:
            context.close()
    store = Store.open(db_url)
    try:
        saved = store.frame("reports", system())
    finally:
        store.engine.dispose()
    saved = saved[saved["martyr_names"].str.startswith("Liệt sĩ Biểu Mẫu")]
    assert len(saved) == 2 and set(saved["position_source"]) == {"place_name"}
    assert set(saved["commune_63"]) == {GIO_AN} and saved.geometry.isna().all()
    assert set(saved["year_from"]) == {1968} and set(saved["year_to"]) == {1968}
