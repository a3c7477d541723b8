"""A real app process started by the README's run command, and a real Chromium.

Every request the page makes to anything but 127.0.0.1 is blocked and recorded, so
these tests prove the app works with no internet.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
START_TIMEOUT_S = 180


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the app did not start in {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


def _start_app(db_url: str, log: Path):
    """Start the app exactly as the README's run command does; yield its URL, then stop it."""
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "ADDRESS": "127.0.0.1", "BANDO_DB_URL": db_url}
    with open(log, "w") as out:
        process = subprocess.Popen(
            ["bash", "scripts/run.sh"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _need_chromium() -> None:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run the README's test command, which installs it")


@pytest.fixture(scope="module")
def fresh_app_url(tmp_path_factory):
    """The app on an empty SQLite file: it seeds the demo data on first start."""
    _need_chromium()
    tmp = tmp_path_factory.mktemp("fresh")
    yield from _start_app(f"sqlite:///{tmp / 'campaign.sqlite'}", tmp / "app.log")


XSS_PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
XSS_MARKER = "XSSPROBE"
# An account of its own for the test that locks it by wrong passwords, so no other test is locked.
LOCK_USER = "khoa.thu"
LOCK_PASSWORD = "mat-khau-dung"


@pytest.fixture(scope="session")
def app_db_url(tmp_path_factory) -> str:
    """2,000 demo reports plus one report whose witness text is hostile HTML (a demo record
    too: the demo accounts the tests sign in with see demo records only), and the account
    LOCK_USER (a Quảng Trị recorder) for the test that locks it."""
    from shapely.geometry import Point

    from layers.access import system
    from layers.seed import load_demo, seed_reference
    from layers.store import Store
    from layers.users import add_user

    tmp = tmp_path_factory.mktemp("app")
    db_url = f"sqlite:///{tmp / 'campaign.sqlite'}"
    store = Store.open(db_url)
    seed_reference(store)
    load_demo(store, reports=2000, seed=7)
    store.insert(
        "reports",
        [
            {
                "martyr_names": f"{XSS_MARKER} {XSS_PAYLOADS[0]}",
                "unit": XSS_PAYLOADS[1],
                "place_description": f"{XSS_PAYLOADS[0]} {XSS_PAYLOADS[1]}",
                "notes": XSS_PAYLOADS[1],
                "province_34": "VN-25",
                "province_63": "VN-25",
                "year_from": 1968,
                "year_to": 1968,
                "status": "new",
                "uncertainty_m": 100.0,
                "geometry": Point(106.95, 16.95),
                "is_demo": True,
            }
        ],
        author="test",
    )
    add_user(store, LOCK_USER, "recorder", LOCK_PASSWORD, by=system(), chapter="chapter-vn-25")
    store.engine.dispose()
    return db_url


@pytest.fixture(scope="session")
def app_url(app_db_url, tmp_path_factory):
    """The app on the database of `app_db_url`."""
    _need_chromium()
    yield from _start_app(app_db_url, tmp_path_factory.mktemp("app-log") / "app.log")


def app_of_its_own(tmp_path_factory, name: str, prepare=None):
    """An app on its own database of 2,000 demo reports (and what `prepare(store)` adds), for a
    module whose tests add and change records (the shared `app_url` holds counts other tests
    check): yields (url, database url)."""
    from layers.seed import load_demo, seed_reference
    from layers.store import Store

    _need_chromium()
    tmp = tmp_path_factory.mktemp(name)
    db_url = f"sqlite:///{tmp / 'campaign.sqlite'}"
    store = Store.open(db_url)
    seed_reference(store)
    load_demo(store, reports=2000, seed=7)
    if prepare is not None:
        prepare(store)
    store.engine.dispose()
    for url in _start_app(db_url, tmp / "app.log"):
        yield url, db_url


@pytest.fixture(scope="module")
def case_app(tmp_path_factory):
    """An app of its own for the case-work tests: (url, database url)."""
    yield from app_of_its_own(tmp_path_factory, "case")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


def offline_context(browser, width: int = 1400, height: int = 1000):
    """A browser context whose requests to anything but 127.0.0.1 are aborted; `context.blocked`
    lists them. The caller closes it."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    return offline(context)


def offline(context):
    """The context with every request to anything but 127.0.0.1 aborted and listed in
    `context.blocked`."""
    blocked: list[str] = []

    def route(r):
        if urlparse(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    context.blocked = blocked
    return context


@pytest.fixture
def offline_page(browser):
    """A page whose requests to anything but 127.0.0.1 are aborted; `page.blocked` lists them."""
    context = offline_context(browser)
    page = context.new_page()
    page.blocked = context.blocked
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()


def save_screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
