"""Finding things inside the Streamlit page and the map's iframe."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import save_screenshot

MAP_FRAME = "streamlit_folium"
TILE_HOSTS = ("tile.openstreetmap.org", "server.arcgisonline.com", "tile.opentopomap.org")


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
    """Wait until Streamlit is not running the script (its status widget is gone)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if page.locator('[data-testid="stStatusWidget"]').count() == 0:
            page.wait_for_timeout(300)
            if page.locator('[data-testid="stStatusWidget"]').count() == 0:
                return
        page.wait_for_timeout(200)
    raise AssertionError(f"the app was still running after {timeout_s} s")
