"""The results panel in a real browser (issue 18): Quảng Trị's demo team (demo.doi) chooses a
planned demo trip on the trips page, uploads the GeoPackage of its QField package filled as a
phone writes it, and sees under the trip, in the panel "Kết quả chuyến đi", the accounting and
its proposal awaiting the chapter (without the buttons only leaders have); the proposal is read
back from the store; the page fits a 390 px phone.

The panel is placed by the trips page (ui/pages/trips_page.py calls
ui.field_results_view.results_panel under the selected trip)."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from layers.access import system
from layers.exporters.qfield import write_qfield_package
from layers.labels import short_code
from layers.store import Store
from tests.browser.conftest import offline_context, save_screenshot
from tests.browser.helpers import sign_in, wait_text, wait_until_idle

TEAM = "demo.doi"
NOTE = "Đội đã dò hết sườn đồi phía nam"


def _planned_trip(db_url: str) -> tuple[dict, dict]:
    """A planned demo trip of Quảng Trị's chapter with a planned site, and that site."""
    store = Store.open(db_url)
    try:
        trips = store.frame("trips", system())
        trips = trips[(trips["outcome"] == "planned") & trips["is_demo"] & (trips["chapter_id"] == "chapter-vn-25")]
        for _, trip in trips.iterrows():
            for report_id in trip["linked_report_ids"] or []:
                report = store.record("reports", str(report_id), system())
                site = store.record("sites", str(report["site_id"]), system()) if report else None
                if site is not None and site["status"] == "planned" and site.get("geometry") is not None:
                    return store.record("trips", trip["id"], system()), site
        raise AssertionError("the demo data has a planned Quảng Trị trip with a planned site")
    finally:
        store.engine.dispose()


def _filled_gpkg(tmp_path, trip: dict, site: dict):
    sites = gpd.GeoDataFrame(
        {"id": [site["id"]], "name": [site.get("name") or "Điểm"], "status": ["planned"], "order": [1]},
        geometry=[site["geometry"]],
        crs=4326,
    ).assign(uncertainty_m=[30.0])
    package = write_qfield_package(tmp_path, sites, str(trip["id"]), None, name="ket-qua")
    with zipfile.ZipFile(package) as archive:
        archive.extract("ket-qua.gpkg", tmp_path / "phone")
    gpkg = tmp_path / "phone" / "ket-qua.gpkg"
    point = site["geometry"].representative_point()
    row = {
        "site_id": [site["id"]],
        "finding": ["not_found"],
        "remains_count": [0],
        "note": [NOTE],
        "photo": [None],
        "observed_at": [pd.Timestamp.now(tz="UTC").floor("s")],
        "trip_id": [str(trip["id"])],
    }
    frame = gpd.GeoDataFrame(row, geometry=[shapely.Point(point.x, point.y)], crs=4326)
    pyogrio.write_dataframe(frame, gpkg, layer="observations", driver="GPKG", append=True)
    return gpkg


def _proposals(db_url: str, trip_id: str) -> list[dict]:
    store = Store.open(db_url)
    try:
        frame = store.frame("observations", system())
        return frame[frame["trip_id"] == trip_id].to_dict("records")
    finally:
        store.engine.dispose()


def test_a_team_uploads_its_filled_package_and_sees_its_proposal_under_the_trip(browser, case_app, tmp_path):
    app_url, app_db_url = case_app
    trip, site = _planned_trip(app_db_url)
    gpkg = _filled_gpkg(tmp_path, trip, site)
    context = offline_context(browser)
    page = context.new_page()
    try:
        page.set_default_timeout(60_000)
        sign_in(page, app_url, username=TEAM, path="/chuyen-tim-kiem")
        wait_text(page, "Chọn chuyến", 90)
        wait_until_idle(page)
        label = f"{trip.get('name') or trip.get('team') or short_code(trip['id'])}"
        page.get_by_role("combobox", name="Chọn chuyến").click()
        page.keyboard.type(label[:12])
        page.get_by_role("option").filter(has_text=label).first.click()
        wait_until_idle(page)
        wait_text(page, "Kết quả chuyến đi")
        page.locator('[data-testid="stFileUploader"]').filter(has_text="Tệp mang về").locator(
            'input[type="file"]'
        ).set_input_files(str(gpkg))
        wait_until_idle(page)
        page.get_by_role("button", name="Nhập kết quả").click()
        wait_text(page, "Kết quả tại điểm: đọc 1, nhận 1, loại 0, trùng 0")
        wait_text(page, NOTE)
        assert page.get_by_role("button", name="Xác nhận").count() == 0  # a team proposes; leaders decide
        (stored,) = _proposals(app_db_url, str(trip["id"]))
        assert (stored["status"], stored["finding"], stored["site_id"]) == ("proposed", "not_found", site["id"])
        assert page.locator('[data-testid="stException"]').count() == 0
        page.set_viewport_size({"width": 390, "height": 3000})
        wait_until_idle(page)
        page.wait_for_timeout(1000)
        save_screenshot(page, "field_results_390")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    finally:
        context.close()


def test_the_chapter_leader_opens_the_trip_from_the_work_page_and_confirms_the_proposal(browser, case_app):
    """After the team's upload above: demo.tinh finds the trip under "Kết quả chuyến chờ Hội xác
    nhận" on the work page, opens it, confirms; the proposal is confirmed and its site searched."""
    app_url, app_db_url = case_app
    trip, site = _planned_trip_with_proposal(app_db_url)
    context = offline_context(browser, width=390, height=844)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        sign_in(page, app_url, username="demo.tinh", path="/viec-can-lam")
        wait_text(page, "Kết quả chuyến chờ Hội xác nhận", 90)
        card = page.locator(f".st-key-work_trip_results_{trip['id']}")
        card.get_by_role("link", name="Mở chuyến tìm kiếm").click()
        wait_text(page, "Kết quả chuyến đi", 90)
        wait_until_idle(page)
        page.get_by_role("button", name="Xác nhận").first.click()
        wait_text(page, "Đã xác nhận", 90)
        (stored,) = _proposals(app_db_url, str(trip["id"]))
        assert stored["status"] == "confirmed"
        store = Store.open(app_db_url)
        try:
            assert store.record("sites", site["id"], system())["status"] == "searched_not_found"
        finally:
            store.engine.dispose()
        assert page.locator('[data-testid="stException"]').count() == 0
        save_screenshot(page, "field_results_confirmed_390")
    finally:
        context.close()


def _planned_trip_with_proposal(db_url: str) -> tuple[dict, dict]:
    store = Store.open(db_url)
    try:
        waiting = store.frame("observations", system())
        row = waiting[waiting["status"] == "proposed"].iloc[0]
        return store.record("trips", row["trip_id"], system()), store.record("sites", row["site_id"], system())
    finally:
        store.engine.dispose()
