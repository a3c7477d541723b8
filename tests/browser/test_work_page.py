"""The work page ("Việc cần làm") in a real browser with the network blocked, signed in as Quảng
Trị's demo chapter leader: the groups with the counts layers.work gives, the urgent referral
first, no witness data of another chapter's report, and a referral accepted and another sent
back with its reason, both written to the store with their history.

The demo data has no report received by one chapter about a site in another province (each demo
report belongs to its province's chapter), so this module adds two, received by Nghệ An, to an
app of its own (the shared demo app's totals are counted by other tests)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from shapely.geometry import Point

from layers.access import system
from layers.store import Store
from layers.users import find_user, viewer_of
from layers.work import KINDS, kinds_for_role, work_items
from tests.browser.conftest import app_of_its_own, offline_context, save_screenshot
from tests.browser.helpers import CHAPTER_LEADER, all_text, sign_in, squeeze, wait_until_idle

PATH = "/viec-can-lam"
NGHE_AN = "chapter-vn-22"
URGENT, LATER = "ref-elderly-witness", "ref-plain"
WITNESS_PHONE = "0987 654 321"
WITNESS_NAME = "Bà Hoàng Thị Lựu"
REASON = "Điểm mộ ở Thanh Chương, Nghệ An; tọa độ ghi nhầm"


def _referral(record_id: str, names: str, received: date, **witness) -> dict:
    return {
        "id": record_id,
        "martyr_names": names,
        "unit": "Đội 65",
        "chapter_id": NGHE_AN,
        "province_34": "VN-25",
        "province_63": "VN-25",
        "status": "new",
        "received_on": received,
        "witness_phone": WITNESS_PHONE,
        "witness_name": WITNESS_NAME,
        "geometry": Point(106.93, 16.91),
        "is_demo": True,  # the demo accounts see demo records only
        **witness,
    }


def _two_referrals(store: Store) -> None:
    store.insert(
        "reports",
        [
            _referral(URGENT, "Trần Văn Mười", date(2026, 11, 10), witness_birth_year=1941),
            _referral(LATER, "Lê Văn Hai", date(2026, 6, 1)),
        ],
        author="test",
    )


@pytest.fixture(scope="module")
def work_app(tmp_path_factory):
    """The app on 2,000 demo reports and two referrals from Nghệ An to Quảng Trị: (url, db url)."""
    yield from app_of_its_own(tmp_path_factory, "work", _two_referrals)


def _leader_items(db_url: str):
    store = Store.open(db_url)
    return store, work_items(store, viewer_of(store, find_user(store, CHAPTER_LEADER)))


def _heading(kind_code: str):
    label = next(k.label_vi for k in KINDS if k.code == kind_code)
    return re.compile(rf"^{re.escape(label)} · ")


def _card(page, kind: str, record_id: str):
    return page.locator(f".st-key-work_{kind}_{record_id}")


def _open(page, url: str):
    sign_in(page, url, username=CHAPTER_LEADER, path=PATH)
    page.get_by_role("heading", name="Việc cần làm").wait_for(timeout=60_000)
    _card(page, "referral", URGENT).wait_for(timeout=60_000)
    wait_until_idle(page)


def test_the_leaders_work_page_shows_each_group_with_its_count_and_the_urgent_referral_first(
    work_app, offline_page, browser
):
    url, db_url = work_app
    _, items = _leader_items(db_url)
    referrals = [i.record_id for i in items if i.kind == "referral"]
    assert referrals == [URGENT, LATER]  # the elderly witness's account first, though received later
    page = offline_page
    _open(page, url)
    for kind in kinds_for_role("chapter"):
        group = [i for i in items if i.kind == kind.code]
        urgent = sum(i.urgent for i in group)
        count = f"{len(group):,}".replace(",", ".") + " việc" + (f", {urgent} gấp" if urgent else "")
        page.get_by_role("heading", name=f"{kind.label_vi} · {count}").wait_for(timeout=30_000)
    assert page.get_by_role("heading", name=_heading("referral")).count() == 1
    urgent_card = _card(page, "referral", URGENT)
    assert "Nhân chứng cao tuổi" in urgent_card.inner_text()
    assert "Chuyển đến từ Hội Cựu TNXP tỉnh Nghệ An" in urgent_card.inner_text()
    cards = page.locator('[class*="st-key-work_referral_"]')
    assert cards.count() == 2 and URGENT in (cards.first.get_attribute("class") or "")
    text = all_text(page)
    assert squeeze(WITNESS_PHONE) not in squeeze(text) and WITNESS_NAME not in text and "1941" not in text
    page.wait_for_timeout(800)
    save_screenshot(page, "work_page")
    _card(page, "plan", next(i.record_id for i in items if i.kind == "plan")).scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    save_screenshot(page, "work_page_cards")  # a referral's answer, and an item with its link

    phone = offline_context(browser, width=390, height=844)
    try:
        small = phone.new_page()
        _open(small, url)
        card = _card(small, "referral", URGENT)
        card.scroll_into_view_if_needed()
        box = card.get_by_role("button", name="Trả lại").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # answered without sideways scrolling
        small.wait_for_timeout(800)
        save_screenshot(small, "work_page_390")
    finally:
        phone.close()


def test_the_leader_accepts_one_referral_and_sends_the_other_back_with_a_reason(work_app, offline_page):
    url, db_url = work_app
    page = offline_page
    _open(page, url)

    _card(page, "referral", URGENT).get_by_role("button", name="Nhận").click()
    page.get_by_text("Đã nhận tin báo «Trần Văn Mười · Đội 65».").wait_for(timeout=30_000)
    _card(page, "referral", URGENT).wait_for(state="detached", timeout=30_000)  # the rerun redraws the list

    later = _card(page, "referral", LATER)
    later.get_by_role("button", name="Trả lại").click()  # no reason yet: refused, nothing written
    later.get_by_text(re.compile("Cần ghi lý do trả lại")).wait_for(timeout=30_000)
    store = Store.open(db_url)
    assert store.record("reports", LATER, system())["referral"] is None
    later.get_by_label("Ghi chú; khi trả lại, ghi lý do").fill(REASON)
    later.get_by_role("button", name="Trả lại").click()
    page.get_by_text("Đã trả lại tin báo «Lê Văn Hai · Đội 65» cho Hội Cựu TNXP tỉnh Nghệ An.").wait_for(timeout=30_000)
    page.get_by_role("heading", name=_heading("referral")).filter(has_text="· 0 việc").wait_for(timeout=30_000)
    wait_until_idle(page)

    assert store.record("reports", URGENT, system())["referral"] == "accepted"
    assert store.record("reports", LATER, system())["referral"] == "returned"
    returned = store.history(LATER, system())[-1]
    assert (returned["action"], returned["actor"], returned["reason"]) == ("referral", CHAPTER_LEADER, REASON)
    _, items = _leader_items(db_url)
    assert not [i for i in items if i.kind == "referral"]

    first = next(i for i in items if i.kind == "verify")  # a report of its own opens in the report form
    _card(page, "verify", first.record_id).get_by_role("link", name="Mở tin báo").click()
    page.wait_for_url(re.compile(rf"/them-tin-bao\?id={re.escape(first.record_id)}$"), timeout=30_000)
