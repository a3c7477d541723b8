"""Signing in, and finding things inside the Streamlit page and the map's iframe."""

from __future__ import annotations

import re
import time
from urllib.parse import urlparse

from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import save_screenshot

MAP_FRAME = "streamlit_folium"
TILE_HOSTS = ("tile.openstreetmap.org", "server.arcgisonline.com", "tile.opentopomap.org")

SIGN_IN_PATH = "/dang-nhap"
ADMIN = "demo.trunguong"  # the demo administrator: sees every demo record and every contact
PARTNER = "demo.doitac"
RECORDER = "demo.tiepnhan"  # Quảng Trị's recorder
CHAPTER_LEADER = "demo.tinh"  # Quảng Trị's chapter leader
DEMO_PASSWORD = "demo2027"
SIGN_OUT = "Đăng xuất"


MAIN = '[data-testid="stMain"]'


STALE = '[data-testid="stElementContainer"][data-stale="true"]'
# Streamlit marks its root with the script's state ("initial", "running", "notRunning", ...); the
# status widget alone shows a run late, under load after the first elements are already drawn.
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def _idle(page) -> bool:
    return page.locator(IDLE).count() == 1 and page.locator(STALE).count() == 0


def wait_text(page, text: str, timeout_s: float = 60, settle_s: float = 15) -> str:
    """The main area's text once it holds `text` and the run that drew it has ended (under load a
    run draws its elements one by one, and a page read mid-run lacks the ones after `text`). If the
    app is still running `settle_s` after `text` appeared, the text then is returned."""
    deadline = time.monotonic() + timeout_s
    shown, seen_at = "", None
    while time.monotonic() < deadline:
        idle_before = _idle(page)
        shown = page.locator(MAIN).inner_text()
        if text in shown:
            if idle_before and _idle(page):
                return shown
            seen_at = seen_at or time.monotonic()
            if time.monotonic() - seen_at > settle_s:
                return shown
        page.wait_for_timeout(300)
    raise AssertionError(f"«{text}» did not appear; the page said:\n{shown[-2000:]}")


def on_sign_in_page(page) -> bool:
    return urlparse(page.url).path.rstrip("/") == SIGN_IN_PATH


def submit_sign_in(page, username: str, password: str) -> None:
    """Fill the sign-in form as a person does and send it; waits for the answer page."""
    page.get_by_label("Tên đăng nhập", exact=True).fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    with page.expect_navigation(timeout=60_000):
        page.get_by_role("button", name="Đăng nhập", exact=True).click()


def sign_out_link(page):
    return page.locator('[data-testid="stSidebar"]').get_by_role("link", name=SIGN_OUT)


def sign_in(page, url: str, username: str = ADMIN, password: str = DEMO_PASSWORD, path: str = "/"):
    """Open `path` of the app at `url`, which sends a visitor to the sign-in page; sign in there
    as `username` and wait until the app shows `path` to them (the sidebar's "Đăng xuất").
    A page whose context is signed in already just opens `path`."""
    page.goto(f"{url}{path}")
    if not on_sign_in_page(page):
        sign_out_link(page).wait_for(timeout=90_000)
        return page
    submit_sign_in(page, username, password)
    if on_sign_in_page(page):
        said = page.locator(".error").all_inner_texts()
        raise AssertionError(f"signing in as {username} was refused: {said}")
    sign_out_link(page).wait_for(timeout=90_000)
    return page


def map_frame(page, predicate, timeout_s: float = 90, what: str = "the map"):
    """The map iframe once predicate(frame) holds; waits with Playwright so route handlers run."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if MAP_FRAME in frame.url and predicate(frame):
                    return frame
            except Exception:  # noqa: BLE001 - a frame being replaced by a rerun
                pass
        page.wait_for_timeout(500)
    shot = save_screenshot(page, "timeout")
    raise AssertionError(f"{what} did not appear in {timeout_s} s; see {shot}")


def open_popup(page, find_frame, nth: int = 0, what: str = "the marker's popup"):
    """(frame, popup) once a click on the nth report marker of the frame find_frame(page) gives
    opened its popup. A rerun answering the click may draw the map's layer again, popup closed, or
    the whole frame anew: the frame is then found again and the marker clicked again."""
    for _ in range(4):
        frame = find_frame(page)
        popup = frame.locator(".leaflet-popup-content")
        try:
            frame.locator("path.report-marker").nth(nth).click(force=True, timeout=10_000)
            popup.wait_for(timeout=15_000)
            return frame, popup
        except PlaywrightError:
            wait_until_idle(page)
    shot = save_screenshot(page, "timeout")
    raise AssertionError(f"{what} did not open; see {shot}")


def map_count(frame) -> int:
    return int(frame.locator(".report-count").get_attribute("data-count"))


def table_count(page) -> int:
    text = page.get_by_text(re.compile(r"tin báo trong bảng|reports in the table")).first.inner_text()
    return int(re.sub(r"\D", "", text.split(" ")[0]))


def wait_for_counts(page, changed_from: int | None = None, timeout_s: float = 60) -> tuple[int, int]:
    """(map count, table count) once both agree and, if given, differ from changed_from."""
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        try:
            frame = map_frame(page, lambda f: f.locator(".report-count").count() == 1, timeout_s=10)
            last = (map_count(frame), table_count(page))
            if last[0] == last[1] and last[0] != changed_from:
                return last
        except (AssertionError, ValueError, TypeError, PlaywrightError):
            pass  # a rerun replaced the map frame while we read it: look again
        page.wait_for_timeout(500)
    raise AssertionError(f"map and table counts did not settle: last seen {last}")


def only_tiles_were_blocked(page) -> list[str]:
    """Blocked requests that were not online basemap tiles (these fall back to the offline basemap)."""
    return [url for url in page.blocked if not any(host in url for host in TILE_HOSTS)]


def wait_until_idle(page, timeout_s: float = 60) -> None:
    """Wait until Streamlit is not running the script and no element is left stale from the run
    before (a stale download button still holds the old file)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if _idle(page):
            page.wait_for_timeout(300)
            if _idle(page):
                return
        page.wait_for_timeout(200)
    raise AssertionError(f"the app was still running after {timeout_s} s")


def all_text(page) -> str:
    """What the page holds for a reader: its text, and the HTML of every frame (the map's
    iframe holds the popups' data). A frame replaced by a rerun while read is read again."""
    for _ in range(10):
        try:
            return "\n".join([page.locator("body").inner_text(), *(frame.content() for frame in page.frames)])
        except PlaywrightError:
            page.wait_for_timeout(500)
    raise AssertionError("the page's frames kept changing while read")


def squeeze(text: str) -> str:
    """Text without any white space, to find a phone number however it was spaced."""
    return re.sub(r"\s+", "", text)


def choose_option(page, scope, label: str, option: str) -> None:
    scope.locator('[data-testid="stSelectbox"]').filter(has_text=label).locator("input").first.click()
    page.get_by_role("option", name=option).first.click()
    wait_until_idle(page)


def download_file(page, scope, filename_start: str) -> tuple[str, bytes]:
    """Make the file of an export form ("Tạo tệp") and download it: (file name, bytes)."""
    scope.get_by_role("button", name="Tạo tệp").click()
    wait_until_idle(page)  # the button of a file made before stays, stale, until this run replaces it
    button = scope.get_by_role("button", name=f"Tải về {filename_start}")
    button.wait_for(timeout=90_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    with open(download.path(), "rb") as data:
        return download.suggested_filename, data.read()


def select_first_row(page) -> None:
    """Click the row selector of the map table's first data row (the grid is a canvas)."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(timeout=30_000)
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 52)


def sidebar_multiselect(page, label: str, option: str, typed: str | None = None) -> None:
    """Pick `option` in the sidebar's multiselect labelled `label`, typing `typed` (the option
    itself by default) to find it, as a person does."""
    wait_until_idle(page)
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=label)
    box.locator("input").first.click()
    page.keyboard.type(option if typed is None else typed)
    page.get_by_role("option", name=option).first.click()
    page.keyboard.press("Escape")
    wait_until_idle(page)


def stored_record(db_url: str, record_id: str, layer: str = "reports") -> dict | None:
    """A record as the database holds it now (read as the system, the connection closed after)."""
    from layers.access import system
    from layers.store import Store

    store = Store.open(db_url)
    try:
        return store.record(layer, record_id, system())
    finally:
        store.engine.dispose()
