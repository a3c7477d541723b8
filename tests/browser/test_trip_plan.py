"""Planning a trip's walk on the trips page in a real browser: Quảng Trị's chapter leader opens a
planned trip to eight demo sites in Gio Linh, types the start, orders the shortest walk, sees the
eight legs and the total, moves one stop to the front, saves the route on the trip (the database
holds the order shown) and downloads the route GPX (gpxpy reads the stops in the order shown).
Screenshots at a laptop's 1280 × 900 and a phone's 390 × 844, with no sideways scrolling."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import gpxpy
import pytest

from layers.access import system
from layers.campaign import vietnam_today
from layers.store import Store
from layers.trips import add_trip
from layers.users import find_user, viewer_of
from tests.browser.conftest import ARTIFACTS, app_of_its_own, offline_context
from tests.browser.helpers import CHAPTER_LEADER, sign_in, stored_record, wait_text, wait_until_idle

TRIP_NAME = "Lộ trình Gio Linh (thử)"
GIO_LINH = "466"  # district_63 code of Huyện Gio Linh
STOPS = 8
START = "16.90, 107.00"
STEP_S = 120
ROW_PX = 35  # the height of a row of Streamlit's data grid


def _gio_linh_reports(store: Store) -> list[str]:
    """Eight verified demo testimonies of Quảng Trị's chapter, each of its own measured site in
    Gio Linh with a name no other of the eight has (the table names the stops)."""
    sites = store.frame("sites", system())
    sites = sites[
        (sites["district_63"].astype(str) == GIO_LINH)
        & sites["is_demo"].astype(bool)
        & sites.geometry.notna()
        & sites["name"].notna()
        & (sites["status"] != "duplicate")
    ].drop_duplicates("name")
    reports = store.frame("reports", system())
    reports = reports[
        (reports["status"] == "verified")
        & (reports["chapter_id"] == "chapter-vn-25")
        & reports["site_id"].isin(sites["id"])
    ].drop_duplicates("site_id")
    assert len(reports) >= STOPS, "the demo data has eight verified Gio Linh testimonies on distinct sites"
    return reports["id"].astype(str).head(STOPS).tolist()


def _prepare(store: Store) -> None:
    leader = viewer_of(store, find_user(store, CHAPTER_LEADER))
    day = vietnam_today() + timedelta(days=90)  # the newest trip: first in the list
    values = {
        "team": "Đội Gio Linh",
        "name": TRIP_NAME,
        "date_from": day,
        "date_to": day + timedelta(days=2),
        "linked_report_ids": _gio_linh_reports(store),
    }
    add_trip(store, values, leader)


@pytest.fixture(scope="module")
def plan_app(tmp_path_factory):
    yield from app_of_its_own(tmp_path_factory, "plan", _prepare)


def _trip(db_url: str) -> dict:
    store = Store.open(db_url)
    try:
        trips = store.frame("trips", system())
        return store.record("trips", str(trips.loc[trips["name"] == TRIP_NAME, "id"].iloc[0]), system())
    finally:
        store.engine.dispose()


def _site_ids_by_name(db_url: str, ids: list[str]) -> dict[str, str]:
    store = Store.open(db_url)
    try:
        sites = store.frame("sites", system())
        return {str(r["name"]): str(r["id"]) for _, r in sites[sites["id"].isin(ids)].iterrows()}
    finally:
        store.engine.dispose()


def _grid(page, section):
    return section.locator('[data-testid="stDataFrame"]').first


def _shown_stops(page, section) -> list[str]:
    """The "Đến" column of the legs table, top to bottom (read from the grid's accessible table)."""
    grid = _grid(page, section)
    grid.wait_for(timeout=60_000)
    rows = grid.locator('table[role="grid"] tbody tr')
    names = []
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        names.append(cells.nth(1).inner_text().strip())
    return names


def _set_order(page, section, row: int, value: int) -> None:
    """Type a new number into the "Thứ tự" cell of a row (0-based), as a person does: select the
    cell, type (the grid opens its editor on the first key), Enter."""
    grid = _grid(page, section)
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 25, box["y"] + ROW_PX * (row + 1) + ROW_PX / 2)  # the header is a row high
    page.wait_for_timeout(300)
    page.keyboard.type(str(value))
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")
    wait_until_idle(page)


def _screenshot(page, section, name: str, width: int, height: int) -> None:
    """What the screen shows at this size: the legs table, then the files to download."""
    page.set_viewport_size({"width": width, "height": height})
    wait_until_idle(page)
    page.wait_for_timeout(1000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    _grid(page, section).scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    section.get_by_role("button", name=re.compile(r"^Tải về Gói ngoại tuyến")).scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / f"{name}_files.png"))


def test_a_leader_orders_reorders_saves_and_downloads_a_trips_route(browser, plan_app):
    app_url, db_url = plan_app
    trip = _trip(db_url)
    context = offline_context(browser, width=1280, height=900)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        sign_in(page, app_url, username=CHAPTER_LEADER, path="/chuyen-tim-kiem")
        wait_text(page, "Chọn chuyến", STEP_S)
        wait_until_idle(page, STEP_S)
        wait_text(page, "Lộ trình chuyến đi", STEP_S)
        choice = page.get_by_role("combobox", name="Chọn chuyến")
        choice.click()
        page.keyboard.type(TRIP_NAME[:12])
        page.get_by_role("option").filter(has_text=TRIP_NAME).first.click()
        wait_until_idle(page, STEP_S)
        section = page.locator(f".st-key-pl_trip_{trip['id']}")
        section.wait_for(timeout=STEP_S * 1000)
        section.locator('[data-testid="stRadio"]').get_by_text("Tọa độ", exact=True).click()
        wait_until_idle(page)
        field = section.get_by_label("Tọa độ điểm xuất phát", exact=False)
        field.fill(START)
        field.press("Enter")
        wait_until_idle(page)
        section.get_by_role("button", name="Sắp xếp lộ trình ngắn nhất").click()
        shown = wait_text(page, f"Tổng: {STOPS} điểm", STEP_S)
        wait_until_idle(page)
        assert re.search(rf"Tổng: {STOPS} điểm, \d+,\d km, khoảng", shown), shown[-800:]
        assert "đường chim bay" in shown
        order = _shown_stops(page, section)
        assert len(order) == STOPS, order

        _set_order(page, section, row=STOPS - 1, value=1)  # the last stop first
        section.get_by_role("button", name="Áp dụng thứ tự mới").click()
        wait_until_idle(page)
        moved = [order[-1], *order[:-1]]
        deadline = 0
        while _shown_stops(page, section) != moved and deadline < 40:
            page.wait_for_timeout(500)
            deadline += 1
        assert _shown_stops(page, section) == moved

        section.get_by_role("button", name="Lưu lộ trình vào chuyến").click()
        wait_text(page, "Đã lưu lộ trình vào chuyến", STEP_S)
        wait_until_idle(page)
        by_name = _site_ids_by_name(db_url, stored_record(db_url, trip["id"], "trips")["route_site_ids"])
        assert stored_record(db_url, trip["id"], "trips")["route_site_ids"] == [by_name[n] for n in moved]

        section = page.locator(f".st-key-pl_trip_{trip['id']}")
        assert _shown_stops(page, section) == moved  # the saved order is what the page shows again
        section.get_by_role("button", name="Tạo các tệp cho chuyến đi").click()
        button = section.get_by_role("button", name=re.compile(r"^Tải về Lộ trình GPX"))
        button.wait_for(timeout=240_000)
        with page.expect_download(timeout=60_000) as info:
            button.click()
        route = gpxpy.parse(Path(info.value.path()).read_text(encoding="utf-8"))
        points = [p.name for p in route.routes[0].points[1:]]  # the first is the start
        assert points == [f"{n}. {name}" for n, name in enumerate(moved, 1)]
        assert section.get_by_role("button", name=re.compile(r"^Tải về Gói ngoại tuyến")).count() == 1
        assert page.locator('[data-testid="stException"]').count() == 0

        _screenshot(page, section, "plan_1280", 1280, 900)
        _screenshot(page, section, "plan_390", 390, 844)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no sideways scrolling
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()
