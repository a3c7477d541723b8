"""Coverage, reports and overview pages in a real browser with the network blocked, signed in as
the demo administrator (who sees every demo record)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
from pypdf import PdfReader

from layers.access import system
from layers.campaign import PERIODS, Scope, days_left, vietnam_today
from layers.coverage import coverage_states
from layers.exporters.selection import narrow
from layers.query import FilterSpec
from layers.store import Store
from tests.browser.conftest import save_screenshot
from tests.browser.helpers import map_frame, only_tiles_were_blocked, sign_in, wait_until_idle

QUANG_TRI = "place=Qu%E1%BA%A3ng+Tr%E1%BB%8B"
UNVISITED_STROKE = "#b2182b"
HEX_STROKE = "#7f2704"


def _paths(frame, stroke: str) -> int:
    return frame.locator(f'path[stroke="{stroke}"]').count()


def test_coverage_page_shows_the_unvisited_reports_of_the_province(app_url, app_db_url, offline_page):
    store = Store.open(app_db_url)
    spec = FilterSpec(place="Quảng Trị")
    reports, trips = narrow(store.frame("reports", system()), spec), narrow(store.frame("trips", system()), spec)
    states = coverage_states(reports, trips)
    expected = int(((states["state"] == "not_visited") & reports.geometry.notna()).sum())
    assert 0 < expected < len(reports)

    page = offline_page
    sign_in(page, app_url, path=f"/do-phu?{QUANG_TRI}")
    page.get_by_text(f"{expected:,}".replace(",", ".") + " tin báo có tọa độ chưa có chuyến nào tới").wait_for(
        timeout=90_000
    )
    frame = map_frame(page, lambda f: _paths(f, UNVISITED_STROKE) == expected, what="the unvisited reports")
    assert frame.locator("#coverage-legend").count() == 1
    assert frame.locator('path[fill="#5aae61"]').count() > 0  # searched areas are drawn
    hexagons_before = _paths(frame, HEX_STROKE)
    assert hexagons_before > 0
    wait_until_idle(page)
    page.wait_for_timeout(1500)
    save_screenshot(page, "coverage_page")
    for _ in range(2):  # two zoom steps in: a finer H3 resolution takes over
        frame.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(800)
    frame = map_frame(page, lambda f: _paths(f, HEX_STROKE) not in (0, hexagons_before), what="finer hexagons")
    assert only_tiles_were_blocked(page) == []


def _choose(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has=page.get_by_text(label, exact=True))
    box.locator("input").click()
    page.keyboard.type(option)  # the list is long: typing filters it
    page.get_by_role("option", name=option).first.click()
    wait_until_idle(page)


def test_a_chapter_downloads_its_six_month_report_with_the_figures_of_the_data(app_url, app_db_url, offline_page):
    store = Store.open(app_db_url)
    scope = Scope.of(store.frame("reports", system()), store.frame("trips", system()), "chapter-vn-25")
    figures = scope.figures(PERIODS[0])
    assert figures.reports_received > 0

    page = offline_page
    sign_in(page, app_url, path="/bao-cao")
    page.get_by_text("Đơn vị báo cáo").first.wait_for(timeout=60_000)
    wait_until_idle(page)
    _choose(page, "Đơn vị báo cáo", "Hội Cựu TNXP tỉnh Quảng Trị")
    page.get_by_text("Hội Cựu TNXP tỉnh Quảng Trị · Sơ kết 6 tháng").wait_for(timeout=60_000)  # the chapter's own
    wait_until_idle(page)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Tải báo cáo Excel (XLSX)").click()
    assert info.value.suggested_filename.startswith("bao-cao_hoi-cuu-tnxp-tinh-quang-tri_2026-03-14")
    book = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))  # the path has no suffix
    cover = {row[0]: row[1] for row in book["Bìa"].iter_rows(values_only=True) if row and row[0]}
    assert cover["Tin báo tiếp nhận"] == figures.reports_received
    assert cover["Chuyến tìm kiếm đã đi"] == figures.trips
    assert cover["Hài cốt tìm thấy"] == figures.remains_found
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Tải báo cáo PDF").click()
    text = "\n".join(p.extract_text() for p in PdfReader(info.value.path()).pages)
    assert re.search(rf"Tin báo tiếp nhận {figures.reports_received:,}".replace(",", "."), text)
    save_screenshot(page, "reports_page")


def test_the_overview_shows_days_left_and_the_sourced_national_targets(app_url, offline_page):
    page = offline_page
    sign_in(page, app_url)
    page.get_by_text("Số ngày còn lại đến 27/07/2027").wait_for(timeout=60_000)
    page.get_by_text(str(days_left(vietnam_today()))).first.wait_for(timeout=10_000)  # the day in Vietnam
    page.get_by_text("Mục tiêu quốc gia đã công bố").wait_for(timeout=10_000)
    page.get_by_text("plo.vn", exact=False).first.wait_for(timeout=10_000)
    save_screenshot(page, "overview")


def test_the_centre_downloads_a_months_bulletin_as_pdf_and_as_png_pages(app_url, app_db_url, offline_page):
    from PIL import Image

    from layers.bulletin import bulletin_months, bulletin_of

    month = bulletin_months(vietnam_today())[1]  # last month: a whole month of the demo's records
    bulletin = bulletin_of(Store.open(app_db_url), month, vietnam_today())
    assert bulletin.figures.reports_received > 0

    page = offline_page
    sign_in(page, app_url, path="/bao-cao")
    page.get_by_text("Bản tin tháng", exact=True).wait_for(timeout=60_000)
    wait_until_idle(page)
    _choose(page, "Tháng", month.label("vi"))
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="Tải bản tin PDF").click()
    assert info.value.suggested_filename == f"ban-tin_{month.start:%Y-%m}.pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(info.value.path()).pages)
    assert month.label("vi") in text
    assert re.search(rf"Tin báo tiếp nhận {bulletin.figures.reports_received:,}".replace(",", "."), text)
    pages = len(PdfReader(info.value.path()).pages)
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="Tải các trang ảnh PNG (zip)").click()
    assert info.value.suggested_filename == f"ban-tin_{month.start:%Y-%m}.zip"
    with zipfile.ZipFile(info.value.path()) as archive:
        names = archive.namelist()
        assert len(names) == pages
        picture = Image.open(io.BytesIO(archive.read(names[0])))
        assert picture.format == "PNG" and picture.width > picture.height / 2
    # The centre's report is the whole association's unless it chooses a chapter; its period untouched.
    page.get_by_text("Toàn Hội · Sơ kết 6 tháng").wait_for(timeout=10_000)
    page.wait_for_timeout(1000)
    save_screenshot(page, "reports_bulletin")
