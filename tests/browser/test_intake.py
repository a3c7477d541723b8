"""The public intake page (/gui-thong-tin) in a real browser on a 360 px phone, the network blocked:
a relative sends an account with a sketch without signing in and gets a receipt code; the account
is stored as a new form report of Quảng Trị's chapter with the consent chosen and its photo; a
flood from one session is refused after the limit; script payloads in every field show as text
and nothing runs."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw

from layers.access import ROLES, Viewer, system
from layers.intake import SESSION_LIMIT
from layers.store import Store
from layers.work import find_by_receipt, work_items
from tests.browser.conftest import app_of_its_own, offline_context, save_screenshot

INTAKE = "/gui-thong-tin"
PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')
TEXT_LABELS = (
    "Họ tên liệt sĩ",
    "Quê quán liệt sĩ",
    "Đơn vị",
    "Năm hoặc thời gian hy sinh",
    "Mô tả nơi chôn cất",
    "Địa danh (tên cũ hay mới đều được)",
    "Tọa độ (nếu có)",
    "Kể thêm (nếu muốn)",
    "Họ tên của bạn",
    "Địa chỉ của bạn",
    "Bạn là gì của liệt sĩ",
)
ONLY_CHAPTER = "Chỉ Hội tiếp nhận được liên hệ"
AGREE = "Tôi đồng ý để Hội Cựu Thanh niên xung phong lưu giữ thông tin này"
TOO_MANY = "Bạn đã gửi nhiều lần trong thời gian ngắn"


@pytest.fixture(scope="module")
def intake_app(tmp_path_factory):
    """An app of its own (its reports are counted here), its attachments in a temporary folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BANDO_ATTACHMENTS_DIR", str(tmp_path_factory.mktemp("attachments")))
        yield from app_of_its_own(tmp_path_factory, "intake")


def sketch_png() -> bytes:
    """A small photo of a hand-drawn sketch: a stream, a tree and a cross where the grave is."""
    image = Image.new("RGB", (320, 240), (250, 248, 235))
    draw = ImageDraw.Draw(image)
    draw.line([(10, 200), (120, 150), (310, 170)], fill=(40, 90, 200), width=4)
    draw.ellipse([(200, 40), (250, 90)], outline=(30, 120, 30), width=3)
    draw.line([(150, 100), (170, 120)], fill=(0, 0, 0), width=3)
    draw.line([(170, 100), (150, 120)], fill=(0, 0, 0), width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def phone_page(browser, width: int = 360):
    context = offline_context(browser, width=width, height=780)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    return context, page


def send(page) -> None:
    with page.expect_navigation(timeout=60_000):
        page.get_by_role("button", name="Gửi thông tin", exact=True).click()


def stored_by_code(db_url: str, code: str) -> tuple[dict, int]:
    """The report of a receipt code as the database holds it, and its number of attachments."""
    store = Store.open(db_url)
    try:
        frame = store.frame("reports", system())
        rows = frame[frame["receipt_code"] == code]
        assert len(rows) == 1, f"{len(rows)} reports with receipt code {code}"
        record = rows.iloc[0].to_dict()
        with store.engine.connect() as connection:
            count = connection.execute(
                sa.text("SELECT COUNT(*) FROM attachments WHERE layer = 'reports' AND record_id = :id"),
                {"id": record["id"]},
            ).scalar_one()
        return record, int(count)
    finally:
        store.engine.dispose()


def test_a_relative_sends_an_account_with_a_sketch_and_gets_a_receipt_code(browser, intake_app):
    url, db_url = intake_app
    wide_context, wide = phone_page(browser, width=1280)
    wide.goto(f"{url}{INTAKE}")
    save_screenshot(wide, "intake_form_1280")
    wide_context.close()

    context, page = phone_page(browser)
    try:
        page.goto(f"{url}{INTAKE}")
        assert page.url.endswith(INTAKE)  # no sign-in asked
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # one column, no sideways scrolling
        size = page.evaluate("parseFloat(getComputedStyle(document.getElementById('martyr_names')).fontSize)")
        assert size >= 18
        save_screenshot(page, "intake_form_360")
        page.get_by_label("Họ tên liệt sĩ", exact=True).fill("Nguyễn Văn Thành")
        page.get_by_label("Đơn vị", exact=True).fill("C552")
        page.get_by_label("Năm hoặc thời gian hy sinh", exact=True).fill("Tết Mậu Thân")
        page.get_by_label("Mô tả nơi chôn cất", exact=True).fill("Gần bờ suối, cách cây đa đầu bản khoảng 200 bước")
        page.get_by_label("Tỉnh, thành", exact=True).select_option(label="Quảng Trị")
        page.get_by_label("Tôi trực tiếp chôn cất", exact=True).check()
        page.set_input_files("#photos", files=[{"name": "so-do.png", "mimeType": "image/png", "buffer": sketch_png()}])
        page.get_by_label("Họ tên của bạn", exact=True).fill("Trần Thị Lan")
        page.get_by_label("Điện thoại của bạn", exact=True).fill("0912 345 678")
        page.get_by_label(ONLY_CHAPTER, exact=True).check()
        page.get_by_label(AGREE).check()
        send(page)
        code = page.locator("#ma-tiep-nhan").inner_text().strip()
        assert code.startswith("TB-") and len(code) == 10
        shown = page.locator("main").inner_text()
        assert "Hội Cựu TNXP tỉnh Quảng Trị" in shown and "Đã nhận thông tin" in shown
        save_screenshot(page, "intake_receipt_360")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
    record, attachments = stored_by_code(db_url, code)
    assert record["status"] == "new" and record["source_channel"] == "form"
    assert record["chapter_id"] == "chapter-vn-25" and record["province_34"] == "VN-25"
    assert record["witness_consent"] == "chapter" and record["witness_phone"] == "0912 345 678"
    assert attachments == 1
    # In the review queue of Quảng Trị's chapter (its work page's "intake" items), with the consent.
    leader = Viewer("qt.lanhdao", ROLES["chapter"], frozenset({"chapter-vn-25"}), frozenset({"VN-25"}))
    store = Store.open(db_url)
    try:
        queue = [item.receipt_code for item in work_items(store, leader) if item.kind == "intake"]
        found = find_by_receipt(store, leader, code)
    finally:
        store.engine.dispose()
    assert code in queue
    assert found["witness_consent"] == "chapter" and found["witness_phone"] == "0912 345 678"


def test_script_payloads_in_every_field_show_as_text_and_nothing_runs(browser, intake_app):
    url, db_url = intake_app
    context, page = phone_page(browser)
    try:
        page.goto(f"{url}{INTAKE}")
        for i, label in enumerate(TEXT_LABELS):
            page.get_by_label(label, exact=True).fill(f"{PAYLOADS[i % 2]} {i}")
        page.get_by_label("Điện thoại của bạn", exact=True).fill(PAYLOADS[1])
        page.get_by_label("Tỉnh, thành", exact=True).select_option(label="Quảng Trị")
        page.get_by_label(ONLY_CHAPTER, exact=True).check()
        page.get_by_label(AGREE).check()
        send(page)  # refused for the phone: the form comes back with every value as text
        assert "Điện thoại của bạn" in page.locator('[role="alert"]').inner_text()
        assert page.get_by_label("Điện thoại của bạn", exact=True).input_value() == PAYLOADS[1]
        assert page.get_by_label("Mô tả nơi chôn cất", exact=True).input_value() == f"{PAYLOADS[0]} 4"
        page.get_by_label("Điện thoại của bạn", exact=True).fill("0912 000 111")
        send(page)
        code = page.locator("#ma-tiep-nhan").inner_text().strip()
        shown = page.locator("main").inner_text()
        for i in range(len(TEXT_LABELS)):
            assert f"{PAYLOADS[i % 2]} {i}" in shown
        assert page.locator("main script").count() == 0 and page.locator('img[src="x"]').count() == 0
        page.wait_for_timeout(500)
        assert page.dialogs == []
    finally:
        context.close()
    record, _ = stored_by_code(db_url, code)
    assert record["martyr_names"] == f"{PAYLOADS[0]} 0"


def test_thirty_accounts_in_a_minute_from_one_session_are_refused_after_the_limit(browser, intake_app):
    url, _ = intake_app
    context, page = phone_page(browser)
    outcomes = []
    try:
        for i in range(30):
            page.goto(f"{url}{INTAKE}")
            page.get_by_label("Họ tên liệt sĩ", exact=True).fill(f"Liệt sĩ thử {i}")
            page.get_by_label("Tỉnh, thành", exact=True).select_option(label="Quảng Trị")
            page.get_by_label(AGREE).check()
            send(page)
            if page.locator("#ma-tiep-nhan").count():
                outcomes.append("accepted")
            else:
                assert TOO_MANY in page.locator('[role="alert"]').inner_text()
                outcomes.append("refused")
        assert page.dialogs == []
    finally:
        context.close()
    assert outcomes == ["accepted"] * SESSION_LIMIT.count + ["refused"] * (30 - SESSION_LIMIT.count)
