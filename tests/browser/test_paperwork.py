"""The paperwork of a site in a real browser with the network blocked: Quảng Trị's chapter leader
opens a site on the sites page ("Điểm mộ"), makes its dossier (hồ sơ điểm mộ) and downloads it,
the chapter's copy, with the place described as the witness told it and the witness's name; then
hands it and a second site over to a search team ("Bàn giao thông tin cho cơ quan tìm kiếm") and
downloads the record (biên bản bàn giao), which names both sites and the unit and, by default,
holds no witness's phone. Both sites then carry the hand-over and a history row "handover".

An app of its own: the module adds records and changes sites."""

from __future__ import annotations

import io
import os
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader
from shapely.geometry import Point

from layers.access import system
from layers.store import Store
from tests.browser.conftest import app_of_its_own, offline_context, save_screenshot
from tests.browser.helpers import (
    CHAPTER_LEADER,
    sign_in,
    squeeze,
    stored_record,
    wait_text,
    wait_until_idle,
)

SITES_PATH = "/diem-mo"
QUANG_TRI = "chapter-vn-25"
UNIT = "Đội K92, Bộ CHQS tỉnh Quảng Trị"
M = 1 / 111_320  # degrees of latitude per metre
LAT, LON = 16.80, 107.00  # west of Đông Hà, Quảng Trị
TOLD = (
    {
        "id": "t-paper-1",
        "martyr_names": "Trần Văn Hiếu",
        "unit": "D8 E27",
        "place_description": "Sườn đồi phía tây cầu Đầu Mầu, cách gốc cây đa cổ chừng 30 bước",
        "witness_name": "Ông Nguyễn Hữu Phước",
        "witness_phone": "0914 762 318",
        "north_m": 0,
    },
    {
        "id": "t-paper-2",
        "martyr_names": "Lê Quang Vinh",
        "unit": "C3 D15",
        "place_description": "Bãi cát ven sông Thạch Hãn, ngay dưới bến đò cũ làng Nhan Biều",
        "witness_name": "Bà Võ Thị Lựu",
        "witness_phone": "0915 403 927",
        "north_m": 12_000,
    },
)


def _testimony(told: dict) -> dict:
    return {
        "id": told["id"],
        "martyr_names": told["martyr_names"],
        "unit": told["unit"],
        "year_from": 1972,
        "year_to": 1972,
        "place_description": told["place_description"],
        "province_34": "VN-25",
        "province_63": "VN-25",
        "chapter_id": QUANG_TRI,
        "status": "new",
        "source_channel": "meeting",
        "uncertainty_m": 50.0,
        "geometry": Point(LON, LAT + told["north_m"] * M),  # a measured point
        "received_on": date(2026, 10, 5),
        "witness_name": told["witness_name"],
        "witness_phone": told["witness_phone"],
        "is_demo": True,  # the demo accounts see and change demo records only
    }


def _prepare(store: Store) -> None:
    store.insert("reports", [_testimony(told) for told in TOLD], author="test")


@pytest.fixture(scope="module")
def paper_app(tmp_path_factory):
    """(url, database url, the two sites' ids) of an app of its own, which keeps the code it
    started with (Streamlit would otherwise load a module again when its file changes)."""
    before = os.environ.get("STREAMLIT_SERVER_FILE_WATCHER_TYPE")
    os.environ["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] = "none"
    try:
        for url, db_url in app_of_its_own(tmp_path_factory, "paperwork", _prepare):
            sites = tuple(stored_record(db_url, told["id"])["site_id"] for told in TOLD)
            assert all(sites) and len(set(sites)) == 2  # each testimony a site of its own
            yield url, db_url, sites
    finally:
        if before is None:
            os.environ.pop("STREAMLIT_SERVER_FILE_WATCHER_TYPE", None)
        else:
            os.environ["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] = before


def _pdf_text(data: bytes) -> str:
    """A PDF's text, composed (NFC) and without white space, to find words however laid out."""
    assert data.startswith(b"%PDF")
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return squeeze(unicodedata.normalize("NFC", text))


def _has(pdf: str, text: str) -> bool:
    return squeeze(unicodedata.normalize("NFC", text)) in pdf


def _download(page, scope, name: str) -> bytes:
    button = scope.get_by_role("button", name=name)
    button.wait_for(timeout=120_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    with open(download.path(), "rb") as data:
        return data.read()


def _open_site(page, url: str, site_id: str):
    """The sites page with this site in the one-site box, chosen by its code: its paperwork panel."""
    sign_in(page, url, username=CHAPTER_LEADER, path=SITES_PATH)
    page.get_by_role("heading", name="Điểm mộ", exact=True).wait_for(timeout=60_000)
    wait_until_idle(page, timeout_s=120)
    box = page.get_by_label("Mã điểm mộ", exact=True)
    box.fill(site_id[:8])
    box.press("Enter")
    panel = page.locator(f".st-key-pw_{site_id}")
    panel.wait_for(timeout=90_000)
    wait_until_idle(page, timeout_s=120)
    panel.get_by_text("Hồ sơ và bàn giao", exact=True).wait_for(timeout=30_000)
    return panel


def _choose_site(page, panel, site_id: str) -> None:
    """Add a site to the hand-over's sites, typing its code as a person does."""
    box = panel.locator('[data-testid="stMultiSelect"]').filter(has_text="Các điểm mộ bàn giao")
    box.locator("input").first.click()
    page.keyboard.type(site_id[:8])
    page.get_by_role("option").filter(has_text=f"#{site_id[:8]}").first.click()
    page.keyboard.press("Escape")


def test_a_site_dossier_and_the_hand_over_of_two_sites(paper_app, browser):
    url, db_url, sites = paper_app
    context = offline_context(browser, width=1280, height=1300)
    try:
        page = context.new_page()
        panel = _open_site(page, url, sites[0])

        panel.get_by_role("button", name="Tạo hồ sơ điểm mộ (PDF)").click()
        dossier = _pdf_text(_download(page, panel, "Tải hồ sơ điểm mộ (PDF)"))
        assert "Bản có thông tin liên hệ nhân chứng" in panel.inner_text()  # the chapter's copy
        assert _has(dossier, TOLD[0]["place_description"]), dossier[:3000]  # as the witness told it
        assert _has(dossier, TOLD[0]["witness_name"]), dossier[:3000]

        form = panel.locator('[data-testid="stForm"]')
        form.get_by_text("Bàn giao thông tin cho cơ quan tìm kiếm", exact=True).wait_for(timeout=30_000)
        _choose_site(page, panel, sites[1])
        chosen = form.locator('[data-testid="stMultiSelect"]').inner_text()
        assert f"#{sites[0][:8]}" in chosen and f"#{sites[1][:8]}" in chosen, chosen
        form.get_by_label("Đơn vị nhận bàn giao", exact=True).fill(UNIT)
        form.get_by_role("button", name="Ghi nhận bàn giao và tạo biên bản").click()
        wait_text(page, f"Đã ghi nhận bàn giao 2 điểm mộ cho «{UNIT}».", timeout_s=120)
        record = _pdf_text(_download(page, panel, "Tải biên bản bàn giao (PDF)"))
        assert _has(record, UNIT), record[:3000]
        for site_id, told in zip(sites, TOLD, strict=True):
            assert _has(record, site_id[:8]) or _has(record, told["martyr_names"]), record[:3000]
        for told in TOLD:  # the default copy leaves the association without contacts
            assert squeeze(told["witness_phone"]) not in record

        store = Store.open(db_url)
        try:
            for site_id in sites:
                stored = store.record("sites", site_id, system())
                assert stored["handed_over_to"] == UNIT, stored
                actions = [entry["action"] for entry in store.history(site_id, system())]
                assert "handover" in actions, actions
        finally:
            store.engine.dispose()

        wait_until_idle(page, timeout_s=60)
        page.get_by_role("button", name="Tải biên bản bàn giao (PDF)").scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        save_screenshot(page, "paperwork_1280")
        assert not context.blocked  # nothing was asked of the internet
    finally:
        context.close()


def test_the_paperwork_panel_fits_a_phone(paper_app, browser):
    url, _, sites = paper_app
    phone = offline_context(browser, width=390, height=844)
    try:
        page = phone.new_page()
        panel = _open_site(page, url, sites[1])
        button = panel.get_by_role("button", name="Tạo hồ sơ điểm mộ (PDF)")
        button.scroll_into_view_if_needed()
        for name in ("Tạo hồ sơ điểm mộ (PDF)", "Ghi nhận bàn giao và tạo biên bản"):
            box = panel.get_by_role("button", name=name).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, name  # no sideways scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.wait_for_timeout(800)
        save_screenshot(page, "paperwork_390")
        assert not phone.blocked
    finally:
        phone.close()
