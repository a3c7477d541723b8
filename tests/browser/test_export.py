"""Exports in a real browser: the map's "Xuất vùng đang xem" and the Export page download files
that independent readers open, holding exactly the reports the table shows (signed in as the demo administrator)."""

from __future__ import annotations

import io
import json

import gpxpy
from pypdf import PdfReader

from tests.browser.conftest import save_screenshot
from tests.browser.helpers import choose_option, download_file, map_frame, sign_in, wait_for_counts, wait_until_idle

TOTAL = 2001
QUANG_BINH_325 = "/ban-do?place=Qu%E1%BA%A3ng+B%C3%ACnh&units=S%C6%B0+%C4%91o%C3%A0n+325"


def test_exporting_the_view_gives_a_gpx_with_the_reports_the_table_shows(app_url, offline_page):
    page = offline_page
    sign_in(page, app_url, path=QUANG_BINH_325)
    shown, table = wait_for_counts(page, changed_from=TOTAL)
    assert 0 < shown == table < 100
    wait_until_idle(page)
    frame = map_frame(page, lambda f: f.locator(".report-count").count() == 1)
    located = int(frame.locator(".report-count").get_attribute("data-located"))
    assert 0 < located <= shown
    page.get_by_role("button", name="Xuất vùng đang xem").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Quảng Bình; Sư đoàn 325").wait_for(timeout=30_000)
    choose_option(page, dialog, "Định dạng tệp", "GPX – máy GPS Garmin, OsmAnd")
    dialog.get_by_text("Tin báo mộ liệt sĩ: ").first.wait_for(timeout=10_000)
    save_screenshot(page, "export_dialog")
    name, data = download_file(page, dialog, "tin-bao_quang-binh")
    assert name.startswith("tin-bao_quang-binh_") and name.endswith(".gpx")
    back = gpxpy.parse(data.decode("utf-8"))
    assert len(back.waypoints) == located  # a GPS needs a position: the located reports of the table
    assert all(w.latitude and w.longitude for w in back.waypoints)


def test_the_export_page_makes_a_field_sheet_and_a_partner_geojson(app_url, offline_page):
    page = offline_page
    sign_in(page, app_url, path=QUANG_BINH_325)
    shown, table = wait_for_counts(page, changed_from=TOTAL)
    wait_until_idle(page)
    page.get_by_role("link", name="Xuất dữ liệu").click()
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("Quảng Bình; Sư đoàn 325").wait_for(timeout=60_000)
    choose_option(page, main, "Định dạng tệp", "PDF – phiếu thực địa để in")
    name, data = download_file(page, main, "tin-bao_quang-binh")
    assert name.endswith(".pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Phiếu thực địa" in text and text.count("Ghi chép thực địa") == table
    save_screenshot(page, "export_page")
    choose_option(page, main, "Định dạng tệp", "GeoJSON – QGIS, đối tác")
    name, data = download_file(page, main, "tin-bao_quang-binh")
    features = json.loads(data)["features"]
    assert len(features) == table and "witness_phone" not in data.decode("utf-8")
    errors = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    assert errors.count() == 0
