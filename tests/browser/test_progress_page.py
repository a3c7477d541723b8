"""The public progress page in Chromium with the network blocked, without signing in: at a
desktop's width and a phone's (390 px) the map draws its 34 provinces and the density hexagons
and the figures show; the static export opens from file:// with no server and draws the same."""

from __future__ import annotations

import io
import zipfile
from urllib.request import urlopen

import pytest

from tests.browser.conftest import app_of_its_own, offline_context, save_screenshot


@pytest.fixture(scope="module")
def progress_app(tmp_path_factory):
    yield from app_of_its_own(tmp_path_factory, "progress")


def _map_drawn(page) -> tuple[int, int]:
    page.wait_for_selector("#ban-do[data-ready='1']", timeout=30_000)
    return page.locator("#ban-do path[data-tinh]").count(), page.locator("#ban-do path[data-o]").count()


def test_the_page_draws_its_map_and_figures_offline_at_desktop_and_phone_width(browser, progress_app):
    url, _db = progress_app
    for width, height, name in ((1400, 1000, "progress-desktop"), (390, 844, "progress-phone")):
        context = offline_context(browser, width, height)
        page = context.new_page()
        page.goto(f"{url}/tien-do", wait_until="load")
        provinces, hexagons = _map_drawn(page)
        assert provinces >= 34 and hexagons > 0, (provinces, hexagons)
        assert "sign" not in page.url and "/dang-nhap" not in page.url
        assert page.locator(".figure").count() == 8 and page.locator(".figure .value").first.is_visible()
        assert page.locator("#bang-tinh tbody tr").count() == 34
        width_used = page.evaluate("document.documentElement.scrollWidth")
        assert width_used <= width + 1, width_used  # nothing but the tables' own scroll boxes is wider
        save_screenshot(page, name)
        context.close()
    context = offline_context(browser, 390, 844)
    page = context.new_page()
    page.goto(f"{url}/tien-do/VN-25", wait_until="load")
    provinces, hexagons = _map_drawn(page)
    assert provinces >= 34 and hexagons > 0 and "Quảng Trị" in page.inner_text("h1")
    save_screenshot(page, "progress-province-phone")
    context.close()


def test_the_static_export_opens_from_a_file_with_no_server(browser, progress_app, tmp_path):
    url, _db = progress_app
    with urlopen(f"{url}/tien-do/xuat.zip", timeout=120) as answer:
        zipfile.ZipFile(io.BytesIO(answer.read())).extractall(tmp_path)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    requested: list[str] = []
    context.on("request", lambda r: requested.append(r.url))
    page = context.new_page()
    page.goto((tmp_path / "tien-do" / "index.html").as_uri(), wait_until="load")
    provinces, hexagons = _map_drawn(page)
    assert provinces >= 34 and hexagons > 0
    assert page.locator(".figure").count() == 8
    page.goto((tmp_path / "tien-do" / "VN-25.html").as_uri(), wait_until="load")
    assert _map_drawn(page)[0] >= 34
    with_pictures = [p for p in sorted((tmp_path / "tien-do").glob("VN-*.html")) if 'src="tep/' in p.read_text()]
    assert with_pictures  # the demo's public pictures travel with the export
    page.goto(with_pictures[0].as_uri(), wait_until="load")
    pictures = page.locator(".media img")
    assert pictures.count() > 0
    pictures.first.scroll_into_view_if_needed()
    page.wait_for_function("(() => { const i = document.querySelector('.media img'); return i.naturalWidth > 0; })()")
    assert all(r.startswith("file://") for r in requested), [r for r in requested if not r.startswith("file://")]
    save_screenshot(page, "progress-export-province")
    context.close()
