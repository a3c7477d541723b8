"""Reviewing testimonies in a real browser with the network blocked: three testimonies of one
grave in Quảng Trị (names spelled differently, "C552" and "Đại đội 552", up to 350 m apart,
three witnesses) are suggested as pairs on the sites page ("Điểm mộ"), confirmed by Quảng Trị's
chapter leader, and become one site "được xác nhận bởi 3 nhân chứng"; a decoy (the same name,
another unit, 30 km away) is never suggested with them; a rejected pair does not come back after
a reload. On the work page, accounts sent through the public page wait in their own queue with
their receipt codes, and a receipt code typed as a caller reads it finds the account with its
sender's consent.

An app of its own: the module adds records and changes sites."""

from __future__ import annotations

import re
from datetime import date

import pytest
from shapely.geometry import Point

from layers.corroboration import suggestions
from layers.sites import rejected_pairs
from layers.store import Store
from layers.users import find_user, viewer_of
from tests.browser.conftest import app_of_its_own, offline_context, save_screenshot
from tests.browser.helpers import CHAPTER_LEADER, RECORDER, sign_in, stored_record, wait_text, wait_until_idle

SITES_PATH, WORK_PATH = "/diem-mo", "/viec-can-lam"
QUANG_TRI = "chapter-vn-25"
GRAVE = ("t-grave-1", "t-grave-2", "t-grave-3")
DECOY = "t-decoy"
FORM_CHAPTER, FORM_NOBODY = "t-form-chapter", "t-form-nobody"
RECEIPT, RECEIPT_NOBODY = "TB-7K3Q-9M", "TB-Q2W3-4E"
SENDER_PHONE = "0905 246 810"
M = 1 / 111_320  # degrees of latitude per metre
LAT, LON = 16.93, 107.07  # sandy hills of Gio Linh, Quảng Trị


def _testimony(record_id: str, names: str, unit: str, north_m: float, east_m: float, place: str, witness: tuple):
    name, phone = witness
    return {
        "id": record_id,
        "martyr_names": names,
        "unit": unit,
        "year_from": 1968,
        "year_to": 1968,
        "place_description": place,
        "province_34": "VN-25",
        "province_63": "VN-25",
        "chapter_id": QUANG_TRI,
        "status": "new",
        "source_channel": "meeting",
        "uncertainty_m": 200.0,
        "geometry": Point(LON + east_m * M, LAT + north_m * M),
        "received_on": date(2026, 10, 1),
        "witness_name": name,
        "witness_phone": phone,
        "is_demo": True,  # the demo accounts see and change demo records only
    }


def _sent(record_id: str, code: str, consent: str, names: str) -> dict:
    """An account as the public intake page stores it."""
    return {
        **_testimony(
            record_id, names, "Đội 65", 5_000, 5_000, "Bờ suối gần cầu treo", ("Chị Lê Thị Gửi", SENDER_PHONE)
        ),
        "source_channel": "form",
        "receipt_code": code,
        "witness_consent": consent,
        "witness_knows": "Bố tôi kể lại",
        "received_on": date(2026, 11, 28),
    }


def _prepare(store: Store) -> None:
    store.insert(
        "reports",
        [
            _testimony(
                GRAVE[0],
                "Nguyễn Văn Thắng",
                "C552",
                0,
                0,
                "Đồi cát phía đông làng Trung Hải, gần ba cây phi lao",
                ("Ông Lê Văn Cảnh", "0912 345 001"),
            ),
            _testimony(
                GRAVE[1],
                "Nguyen Van Thang",
                "Đại đội 552",
                300,
                0,
                "Đồi cát làng Trung Hải, chỗ ba cây phi lao",
                ("Bà Trần Thị Hoa", "0912 345 002"),
            ),
            _testimony(
                GRAVE[2],
                "Nguyễn V. Thắng",
                "C552",
                0,
                200,
                "Trung Hải, bên đồi cát có phi lao",
                ("Ông Hồ Văn Sáu", "0912 345 003"),
            ),
            _testimony(
                DECOY,
                "Nguyễn Văn Thắng",
                "C130",
                30_000,
                0,
                "Làng Trung Hải, đồi cát",
                ("Ông Phan Văn Bảy", "0912 345 004"),
            ),
        ],
        author="test",
    )
    store.insert(
        "reports",
        [
            _sent(FORM_CHAPTER, RECEIPT, "chapter", "Trần Văn Lực"),
            _sent(FORM_NOBODY, RECEIPT_NOBODY, "nobody", "Hoàng Văn Tư"),
        ],
        author="gui-thong-tin",
    )


@pytest.fixture(scope="module")
def sites_app(tmp_path_factory):
    """The app on 2,000 demo reports, one grave told three times, a decoy and two accounts sent
    through the public page: (url, database url)."""
    yield from app_of_its_own(tmp_path_factory, "sites", _prepare)


def _pair_card(page, a: str, b: str):
    return page.locator(f'[class*="st-key-sites_pair_"][class*="{a}"][class*="{b}"]')


def _pair_cards(page):
    return page.locator('[class*="st-key-sites_pair_"]')


def _keys(page) -> list[str]:
    """The pairs on the page, as their cards' keys."""
    classes = [c or "" for c in _pair_cards(page).evaluate_all("els => els.map(e => e.className)")]
    return [re.search(r"st-key-sites_pair_(\S+)", c).group(1) for c in classes]


def _open_sites(page, url: str) -> None:
    sign_in(page, url, username=CHAPTER_LEADER, path=SITES_PATH)
    page.get_by_role("heading", name="Điểm mộ", exact=True).wait_for(timeout=60_000)
    _pair_cards(page).first.wait_for(timeout=120_000)  # the suggestions take a few seconds
    wait_until_idle(page, timeout_s=120)


def _confirm(page, a: str, b: str) -> None:
    card = _pair_card(page, a, b)
    card.get_by_role("button", name="Cùng một điểm mộ").click()
    wait_text(page, "Đã nối hai lời kể vào điểm mộ", timeout_s=120)
    card.wait_for(state="detached", timeout=120_000)  # the old list stays on screen while the new is made
    wait_until_idle(page, timeout_s=120)


def _site_of(db_url: str, record_id: str) -> str:
    return stored_record(db_url, record_id)["site_id"]


def _grave_pairs(db_url: str) -> list[list[str]]:
    store = Store.open(db_url)
    try:
        found = suggestions(store, viewer_of(store, find_user(store, CHAPTER_LEADER)), "Quảng Trị")
    finally:
        store.engine.dispose()
    return [p["reports"] for p in found if set(p["reports"]) & {*GRAVE, DECOY}]


def test_three_testimonies_of_one_grave_are_confirmed_as_one_site_of_three_witnesses(sites_app, browser):
    url, db_url = sites_app
    pairs = _grave_pairs(db_url)
    assert sorted(sorted(p) for p in pairs) == [[GRAVE[0], GRAVE[1]], [GRAVE[0], GRAVE[2]], [GRAVE[1], GRAVE[2]]]
    context = offline_context(browser, width=1280, height=1300)
    try:
        _confirm_the_grave(context.new_page(), url, db_url, pairs)
        assert not context.blocked  # nothing was asked of the internet
    finally:
        context.close()


def _confirm_the_grave(page, url: str, db_url: str, pairs: list[list[str]]) -> None:
    _open_sites(page, url)
    shown = _keys(page)
    assert not [k for k in shown if DECOY in k]  # the same name, another unit, 30 km: never suggested
    for a, b in pairs:
        card = _pair_card(page, a, b)
        assert card.count() == 1, (a, b, shown)
    first = _pair_card(page, GRAVE[0], GRAVE[2]).inner_text()
    assert "Đơn vị «C552» và «C552»: cùng" in first and "Nguyễn V. Thắng" in first and "Mức giống nhau" in first
    assert "Đại đội 552" in _pair_card(page, GRAVE[0], GRAVE[1]).inner_text()

    _confirm(page, GRAVE[0], GRAVE[2])  # the third joins the first's site
    wait_text(page, "được xác nhận bởi 2 nhân chứng", timeout_s=60)
    _confirm(page, GRAVE[0], GRAVE[1])
    text = wait_text(page, "được xác nhận bởi 3 nhân chứng", timeout_s=60)
    assert "Các lời kể (3), giữ nguyên như đã kể" in text
    assert not [k for k in _keys(page) if any(g in k for g in GRAVE)]  # one site: nothing left to pair
    site = _site_of(db_url, GRAVE[0])
    assert {_site_of(db_url, g) for g in GRAVE} == {site} and _site_of(db_url, DECOY) != site
    stored = stored_record(db_url, site, layer="sites")
    assert (stored["testimony_count"], stored["witness_count"]) == (3, 3)
    for told in GRAVE:  # each testimony kept as told, with its own unit's words
        assert stored_record(db_url, told)["unit"] in ("C552", "Đại đội 552")
    members = page.locator('[class*="st-key-sites_member_"]')
    assert members.count() == 3
    assert members.first.get_by_role("button", name="Tách khỏi điểm mộ").count() == 1
    page.locator(".st-key-sites_site").get_by_text(re.compile(r"^Lịch sử điểm mộ \(\d+\)$")).click()
    wait_text(page, "demo.tinh", timeout_s=30)
    page.get_by_text("Một điểm mộ", exact=True).scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    save_screenshot(page, "sites_review")


def test_a_rejected_pair_is_not_suggested_again_after_a_reload(sites_app, offline_page):
    url, db_url = sites_app
    page = offline_page
    _open_sites(page, url)
    key = _keys(page)[0]
    card = page.locator(f".st-key-sites_pair_{key}")
    card.get_by_role("button", name="Khác").click()
    wait_text(page, "cặp này sẽ không được gợi ý lại", timeout_s=120)
    card.wait_for(state="detached", timeout=120_000)  # the old list stays on screen while the new is made
    wait_until_idle(page, timeout_s=120)
    assert key not in _keys(page) and _keys(page)
    page.reload()
    page.get_by_role("heading", name="Điểm mộ", exact=True).wait_for(timeout=60_000)
    _pair_cards(page).first.wait_for(timeout=120_000)
    wait_until_idle(page, timeout_s=120)
    assert key not in _keys(page)
    store = Store.open(db_url)
    try:
        refused = rejected_pairs(store)
    finally:
        store.engine.dispose()
    assert frozenset(key.split("_")) in refused  # a card's key: the pair's two ids


def test_the_sites_page_fits_a_phone(sites_app, browser):
    url, _ = sites_app
    phone = offline_context(browser, width=390, height=844)
    try:
        page = phone.new_page()
        _open_sites(page, url)
        card = _pair_cards(page).first
        card.get_by_role("button", name="Khác").scroll_into_view_if_needed()
        for name in ("Cùng một điểm mộ", "Khác"):
            box = card.get_by_role("button", name=name).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, name  # no sideways scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.mouse.wheel(0, 250)  # the pair's factors and both answers in view
        page.wait_for_timeout(800)
        save_screenshot(page, "sites_review_390")
    finally:
        phone.close()


def _open_work(page, url: str) -> None:
    sign_in(page, url, username=RECORDER, path=WORK_PATH)
    page.get_by_role("heading", name="Việc cần làm").wait_for(timeout=60_000)
    page.locator(f".st-key-work_intake_{FORM_CHAPTER}").wait_for(timeout=60_000)
    wait_until_idle(page)


def _search(page, typed: str):
    box = page.get_by_label("Mã tiếp nhận người gửi đọc cho bạn")
    box.fill(typed)
    page.get_by_role("button", name="Tìm").click()
    wait_until_idle(page)


def test_an_account_sent_through_the_public_page_waits_first_and_is_found_by_its_receipt_code(sites_app, offline_page):
    url, _ = sites_app
    page = offline_page
    _open_work(page, url)
    headings = page.locator("h3").all_inner_texts()
    kinds = [h for h in headings if re.search(r" · \d+ việc", h)]
    assert kinds[0].startswith("Tin gửi qua trang công khai · "), kinds  # their own section, first
    card = page.locator(f".st-key-work_intake_{FORM_CHAPTER}")
    assert f"Mã tiếp nhận {RECEIPT}" in card.inner_text()
    assert f"Mã tiếp nhận {RECEIPT_NOBODY}" in page.locator(f".st-key-work_intake_{FORM_NOBODY}").inner_text()

    card.get_by_text("Người gửi và việc liên hệ lại").click()  # the queue's item: its sender and consent
    card.get_by_text("Chỉ Hội tiếp nhận được liên hệ").wait_for(timeout=30_000)
    assert SENDER_PHONE in card.inner_text()

    _search(page, "tb 7k3q 9m")  # as a caller reads it out
    found = page.locator(f".st-key-work_found_{FORM_CHAPTER}")
    found.wait_for(timeout=30_000)
    said = found.inner_text()
    assert "Chỉ Hội tiếp nhận được liên hệ" in said and SENDER_PHONE in said and "Bố tôi kể lại" in said
    found.get_by_text("Chỉ Hội tiếp nhận được liên hệ").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    save_screenshot(page, "work_receipt_search")

    _search(page, RECEIPT_NOBODY.lower())
    found = page.locator(f".st-key-work_found_{FORM_NOBODY}")
    found.wait_for(timeout=30_000)
    assert "Người gửi đề nghị không ai liên hệ lại" in found.inner_text()

    _search(page, "TB-0000-00")
    wait_text(page, "Không có tin nào mang mã «TB-0000-00»")
