"""The commendations page (Biểu dương) in a real browser, offline: the demo central association
chooses the final report's period, writes a note on the top chapter and publishes it; the line is
stored with its note and mark, and the public read (layers.commendations.published) holds it.
Screenshots at a desktop's and a phone's width."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from layers.campaign import PERIODS
from layers.commendations import COMMENDATIONS, published
from layers.store import Store
from tests.browser.conftest import app_of_its_own, offline_context, save_screenshot
from tests.browser.helpers import ADMIN, choose_option, sign_in, wait_text, wait_until_idle

PATH = "/bieu-duong"
NOTE = "Dẫn đầu <b>cả nước</b> về hài cốt tìm thấy"
FINAL = next(p for p in PERIODS if p.key == "final")


@pytest.fixture(scope="module")
def commend_app(tmp_path_factory):
    yield from app_of_its_own(tmp_path_factory, "commendations")


def _screens(page, name: str) -> None:
    for suffix, width in (("", 1280), ("_390", 390)):
        page.set_viewport_size({"width": width, "height": 2000 if width > 400 else 3600})
        wait_until_idle(page)
        page.wait_for_timeout(800)
        save_screenshot(page, f"{name}{suffix}")


def test_the_centre_annotates_and_publishes_the_top_chapter(browser, commend_app):
    url, db_url = commend_app
    context = offline_context(browser, width=1280)
    page = context.new_page()
    try:
        sign_in(page, url, username=ADMIN, path=PATH)
        wait_text(page, "Các đội tìm kiếm")
        wait_until_idle(page)
        choose_option(page, page, "Kỳ", FINAL.label_vi)
        wait_text(page, f"{FINAL.label_vi} · {FINAL.start:%d/%m/%Y} – {FINAL.end:%d/%m/%Y}")
        wait_until_idle(page)
        form = page.locator('[data-testid="stForm"]').first
        form.get_by_role("textbox", name="Ghi nhận").fill(NOTE)
        form.get_by_text("Công bố", exact=True).click()
        form.get_by_role("button", name="Lưu").click()
        wait_text(page, "Đã lưu")
        wait_until_idle(page)
        store = Store.open(db_url)
        try:
            with store.engine.connect() as connection:
                [row] = connection.execute(sa.select(COMMENDATIONS)).all()
            assert (row.subject_kind, row.note, row.published, row.author) == ("chapter", NOTE, True, ADMIN)
            assert (row.period_start, row.period_end) == (FINAL.start, FINAL.end)
            [line] = published(store)
            assert (line.rank, line.note, line.subject_kind) == (1, NOTE, "chapter")
        finally:
            store.engine.dispose()
        assert page.locator('[data-testid="stMain"] b:has-text("cả nước")').count() == 0  # shown as typed
        _screens(page, "commendations")
        assert context.blocked == [] or all("127.0.0.1" not in u for u in context.blocked)
    finally:
        context.close()
