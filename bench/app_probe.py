"""The running app, measured from outside: time until Chromium draws the first reports (numbered
cells or markers) of the national view, and the app process's peak resident memory (VmHWM)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _peak_rss_mb(group: int) -> float:
    """The largest VmHWM of the processes in the app's process group (the Streamlit server)."""
    peak = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.getpgid(int(pid)) != group:
                continue
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
        except (OSError, ProcessLookupError):
            continue
    return peak


def probe(db_url: str, timeout_s: float = 300) -> dict[str, float]:
    """Start the app as the README does, open the map, wait for markers; then read the memory."""
    from playwright.sync_api import sync_playwright

    from layers.users import DEMO_PASSWORD, DEMO_USERS

    port = _free_port()
    env = {**os.environ, "PORT": str(port), "ADDRESS": "127.0.0.1", "BANDO_DB_URL": db_url}
    log = open(ROOT / "bench" / "app.log", "w")  # noqa: SIM115 - closed below, after the process
    process = subprocess.Popen(
        ["bash", "scripts/run.sh"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the app did not start; see bench/app.log") from None
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
            )
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
            page.goto(f"{url}/dang-nhap")  # signed in first (a demo administrator): the timing is the map's
            page.get_by_label("Tên đăng nhập").fill(DEMO_USERS[0][0])
            page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_url(f"{url}/")
            start = time.perf_counter()
            page.goto(f"{url}/ban-do")
            first = None
            while time.perf_counter() - start < timeout_s:
                for frame in page.frames:
                    try:
                        if (
                            "streamlit_folium" in frame.url
                            and frame.locator(".report-cell, path.report-marker").count()
                        ):
                            first = time.perf_counter() - start
                    except Exception:  # noqa: BLE001 - a frame replaced while we look
                        continue
                if first is not None:
                    break
                page.wait_for_timeout(100)
            browser.close()
        return {
            "first_markers_s": first if first is not None else float("nan"),
            "peak_rss_mb": _peak_rss_mb(process.pid),
        }
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
