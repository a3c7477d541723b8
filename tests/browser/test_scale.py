"""The map at 200,000 reports in a real browser: numbered cells when zoomed out that add up to
the located reports, each report when zoomed in, and panning that does not reload the map
(signed in as the demo administrator)."""

from __future__ import annotations

import numpy as np
import pytest

from layers.access import system
from tests.browser.conftest import _need_chromium, _start_app, save_screenshot
from tests.browser.helpers import map_frame, only_tiles_were_blocked, open_popup, sign_in

REPORTS = 200_000


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """The app on 200,000 demo reports, and the busiest place (lat, lon) in them."""
    from layers.seed import load_demo, seed_reference
    from layers.store import Store

    _need_chromium()
    tmp = tmp_path_factory.mktemp("scale")
    url = f"sqlite:///{tmp / 'big.sqlite'}"
    store = Store.open(url)
    seed_reference(store)
    load_demo(store, reports=REPORTS, seed=11)
    reports = store.frame("reports", system())
    located = reports[reports.geometry.notna()]
    lon, lat = located.geometry.x.to_numpy(), located.geometry.y.to_numpy()
    keys = np.floor(lon / 0.02).astype(np.int64) * 100_000 + np.floor(lat / 0.02).astype(np.int64)
    values, counts = np.unique(keys, return_counts=True)
    busiest = values[counts.argmax()]
    place = ((busiest % 100_000 + 0.5) * 0.02, (busiest // 100_000 + 0.5) * 0.02)
    store.engine.dispose()
    yield from ((app, place, len(located)) for app in _start_app(url, tmp / "app.log"))


def _count(frame, attribute: str) -> str | None:
    return frame.locator(".report-count").get_attribute(attribute)


def test_the_map_of_200000_reports_groups_them_then_shows_each_one_close_in(big, offline_page):
    url, (lat, lon), located = big
    page = offline_page
    sign_in(page, url, path="/ban-do")
    frame = map_frame(
        page,
        lambda f: f.locator(".report-count").count() == 1 and _count(f, "data-count") == str(REPORTS),
        timeout_s=240,
        what="the count of 200,000 reports",
    )
    frame = map_frame(page, lambda f: f.locator(".report-cell div").count() > 5, what="the numbered cells")
    assert _count(frame, "data-mode") == "cells"
    cells = [int(n) for n in frame.locator(".report-cell div").evaluate_all("els => els.map(e => e.dataset.count)")]
    assert sum(cells) == located == int(_count(frame, "data-located"))  # the whole country is in view
    assert len(cells) < 1000
    page.get_by_text("Bảng hiện 1.000 tin báo đầu tiên trong 200.000").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    save_screenshot(page, "scale_national")

    frame.evaluate("() => { window.bandoProbe = 'same map'; }")
    for zoom in (12, 14, 16, 18):  # closer and closer to the busiest place, until each report shows
        before = _count(frame, "data-in-view")
        frame.evaluate(f"() => map.setView([{lat}, {lon}], {zoom})")
        frame = map_frame(page, lambda f, b=before: _count(f, "data-in-view") != b, what=f"the view at zoom {zoom}")
        if _count(frame, "data-mode") == "points":
            break
    frame = map_frame(page, lambda f: f.locator("path.report-marker").count() > 0, what="the reports close in")
    assert frame.evaluate("() => window.bandoProbe") == "same map"  # the view changed, the map was not rebuilt
    assert frame.locator(".report-cell").count() == 0
    assert 0 < frame.locator("path.report-marker").count() <= 2000
    open_popup(page, lambda p: map_frame(p, lambda f: f.locator("path.report-marker").count() > 0))
    page.get_by_text("Mã: #").first.wait_for(timeout=30_000)  # the detail panel beside the map
    page.wait_for_timeout(1000)
    save_screenshot(page, "scale_zoomed")
    assert only_tiles_were_blocked(page) == []
