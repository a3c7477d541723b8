"""Attachments in a real browser with the network blocked, in an app of its own: Quảng Trị's demo
chapter leader opens a demo report on the map and, through its panel, attaches a sketch (PNG,
private), a recorded interview (WAV, shared with partners) and a phone's photo with GPS; the sketch shows as a
thumbnail served by /tep/…/anh-nho, the interview as an audio player that loads nothing until
played, and the photo's GPS is offered as the report's position, taken only when pressed. The
partner unit sees only the shared interview; the sketch's and the photo's addresses answer it
404. Screenshots at 1280 px and 390 px wide go to tests/artifacts/attachments_*.png."""

from __future__ import annotations

import io
import os
import wave
from urllib.parse import quote

import pytest
from PIL import Image

from layers import attachments
from layers.access import system
from layers.store import Store
from tests.browser.conftest import app_of_its_own, offline_context, save_screenshot
from tests.browser.helpers import (
    CHAPTER_LEADER,
    MAIN,
    PARTNER,
    select_first_row,
    sign_in,
    stored_record,
    wait_for_counts,
    wait_text,
    wait_until_idle,
)

MARTYR = "Liệt sĩ Hồ Sơ Đính Kèm"
SKETCH_CAPTION = "Sơ đồ do ông Bảy vẽ <b>tay</b>"
INTERVIEW_CAPTION = "Ghi âm lời kể của ông Bảy"
PHOTO_CAPTION = "Ảnh gốc cây me cạnh mộ"
GPS = (16.80841, 106.90421)


def sketch_png() -> bytes:
    image = Image.new("RGB", (600, 400), (250, 248, 240))
    for x in range(100, 500):  # a line across, as a sketch's road
        for y in (200, 201, 202):
            image.putpixel((x, y), (40, 40, 40))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def interview_wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(bytes(8000 * 2 * 2))  # two seconds of silence
    return out.getvalue()


def photo_with_gps() -> bytes:
    """A phone's photo: EXIF with its time, its position and the GPS accuracy (12 m)."""
    lat, lon = GPS
    exif = Image.Exif()
    exif[0x0132] = "2026:11:20 09:15:00"
    exif[0x8825] = {
        1: "N",
        2: (float(int(lat)), float(int(lat * 60 % 60)), round(lat * 3600 % 60, 4)),
        3: "E",
        4: (float(int(lon)), float(int(lon * 60 % 60)), round(lon * 3600 % 60, 4)),
        31: 12.0,
    }
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (70, 110, 60)).save(out, "JPEG", exif=exif, quality=85)
    return out.getvalue()


def _name_one_report(store: Store) -> None:
    """A demo report of Quảng Trị's chapter, named so the test finds it."""
    frame = store.frame("reports", system())
    mine = frame[(frame["chapter_id"] == "chapter-vn-25") & frame["is_demo"] & (frame["status"] == "new")]
    row = mine.sort_values("id").iloc[0]
    store.update("reports", row["id"], {"martyr_names": MARTYR}, "test", int(row["version"]))


@pytest.fixture(scope="module")
def attach_app(tmp_path_factory):
    """(url, database url, attachments folder) of an app of its own."""
    folder = tmp_path_factory.mktemp("attachments-files")
    # Its files in a folder of its own; and the app keeps the code it started with (Streamlit
    # would otherwise load a module again when its file changes while the tests run).
    settings = {"BANDO_ATTACHMENTS_DIR": str(folder), "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}
    before = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        for url, db_url in app_of_its_own(tmp_path_factory, "attachments", _name_one_report):
            yield url, db_url, folder
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _report_id(db_url: str) -> str:
    store = Store.open(db_url)
    try:
        frame = store.frame("reports", system())
        return str(frame.loc[frame["martyr_names"] == MARTYR, "id"].iloc[0])
    finally:
        store.engine.dispose()


def _attachments(db_url: str, record_id: str) -> list[dict]:
    store = Store.open(db_url)
    try:
        return attachments.attachments_of(store, "reports", record_id, system())
    finally:
        store.engine.dispose()


def whole_page_screenshot(page, name: str) -> None:
    """The whole page at the context's width: Streamlit scrolls its main area inside the window,
    which a full-page screenshot does not unroll, so the window is made as tall as that area."""
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(max(size["height"], int(height) + 40), 6000)})
    page.wait_for_timeout(800)
    save_screenshot(page, name)
    page.set_viewport_size(size)


def open_report(page, url: str, who: str) -> None:
    sign_in(page, url, who, path=f"/ban-do?text={quote(MARTYR)}")
    assert wait_for_counts(page) == (1, 1)
    select_first_row(page)
    wait_text(page, f"Liệt sĩ: {MARTYR}")
    wait_text(page, "Tệp đính kèm (")
    wait_until_idle(page)


def attach_through_the_panel(
    page, name: str, mime: str, data: bytes, caption: str, private: bool, shared: bool = False
) -> None:
    main = page.locator(MAIN)
    expander = main.locator('[data-testid="stExpander"]').filter(has_text="Đính kèm tệp")
    if not expander.locator('[data-testid="stFileUploader"]').is_visible():
        expander.get_by_text("Đính kèm tệp").first.click()
    uploader = expander.locator('[data-testid="stFileUploader"] input[type="file"]').first
    uploader.set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
    expander.get_by_text(name).first.wait_for(timeout=30_000)  # the box lists the file once it is up
    wait_until_idle(page)  # each change below reruns the page: let one end before the next
    caption_box = expander.get_by_label("Chú thích")
    caption_box.fill(caption)
    caption_box.press("Tab")  # the value is sent when the box loses focus
    wait_until_idle(page)
    box = expander.get_by_role("checkbox", name="Riêng tư (chỉ người xem được liên hệ nhân chứng)")
    if box.is_checked() != private:
        expander.get_by_text("Riêng tư (chỉ người xem được liên hệ nhân chứng)").click()
        wait_until_idle(page)
    if expander.get_by_role("checkbox", name="Được chia sẻ cho đối tác").is_checked() != shared:
        expander.get_by_text("Được chia sẻ cho đối tác").click()
        wait_until_idle(page)
    assert caption_box.input_value() == caption  # still there when the button is pressed
    expander.get_by_role("button", name="Đính kèm", exact=True).click()
    wait_text(page, f"Đã đính kèm «{name}»", timeout_s=60)
    wait_until_idle(page)


def test_a_chapter_leader_attaches_a_sketch_an_interview_and_a_photo_whose_gps_becomes_the_position(
    browser, attach_app
):
    url, db_url, _folder = attach_app
    report_id = _report_id(db_url)
    context = offline_context(browser, width=1280, height=1000)
    page = context.new_page()
    try:
        open_report(page, url, CHAPTER_LEADER)
        wait_text(page, "Chưa có tệp đính kèm.")
        attach_through_the_panel(page, "so-do.png", "image/png", sketch_png(), SKETCH_CAPTION, private=True)
        attach_through_the_panel(
            page, "phong-van.wav", "audio/wav", interview_wav(), INTERVIEW_CAPTION, False, shared=True
        )
        attach_through_the_panel(page, "IMG_0042.jpg", "image/jpeg", photo_with_gps(), PHOTO_CAPTION, True)
        shown = wait_text(page, "Tệp đính kèm (3)")
        assert SKETCH_CAPTION in shown  # the caption as typed: its markup is text
        assert page.locator(f'{MAIN} b:text("tay")').count() == 0
        # The sketch's thumbnail, loaded through the app's route.
        thumbs = page.locator(f'{MAIN} img[src$="/anh-nho"]')
        assert thumbs.count() == 2
        thumbs.first.scroll_into_view_if_needed()
        loaded = "() => [...document.querySelectorAll('img[src$=\"/anh-nho\"]')]"
        page.wait_for_function(f"{loaded}.every(i => i.complete && i.naturalWidth > 0)", timeout=30_000)
        # The interview's player, which loads nothing until it is played.
        player = page.locator(f"{MAIN} audio")
        assert player.count() == 1
        assert player.get_attribute("preload") == "none" and player.get_attribute("src").startswith("/tep/")
        assert player.evaluate("a => a.controls")
        # The photo's GPS: offered, not taken until pressed.
        offer = page.get_by_role("button", name="Dùng vị trí GPS của ảnh làm vị trí tin báo (sai số ~12 m)")
        offer.wait_for(timeout=30_000)
        before = stored_record(db_url, report_id)
        assert before["coord_text"] != f"{GPS[0]:.7f}, {GPS[1]:.7f}"
        whole_page_screenshot(page, "attachments_panel_1280")
        offer.click()
        wait_text(page, "Vị trí tin báo nay là 16.808410, 106.904210 (WGS84, sai số ~12 m)")
        wait_until_idle(page)
        assert offer.count() == 0  # the report lies where the photo was taken: nothing left to offer
        after = stored_record(db_url, report_id)
        assert after["coord_text"] == f"{GPS[0]:.7f}, {GPS[1]:.7f}" and after["coord_datum"] == "wgs84"
        assert float(after["uncertainty_m"]) == 12.0 and after["version"] == before["version"] + 1
        assert context.blocked == [] or all("tile" in u for u in context.blocked)
    finally:
        context.close()
    kinds = sorted(a["kind"] for a in _attachments(db_url, report_id))
    assert kinds == ["audio", "image", "image"]


def test_the_panel_reads_on_a_phone(browser, attach_app):
    url, db_url, _folder = attach_app
    if len(_attachments(db_url, _report_id(db_url))) < 3:
        pytest.skip("needs the attachments of the test above")
    context = offline_context(browser, width=390, height=844)
    page = context.new_page()
    try:
        open_report(page, url, CHAPTER_LEADER)
        wait_text(page, "Tệp đính kèm (3)")
        player = page.locator(f"{MAIN} audio")
        player.scroll_into_view_if_needed()
        box = player.bounding_box()
        assert box is not None and box["width"] <= 390 and box["x"] >= 0  # the player fits the phone
        whole_page_screenshot(page, "attachments_panel_390")
    finally:
        context.close()


def test_a_partner_sees_only_the_shared_interview_and_other_addresses_answer_404(browser, attach_app):
    url, db_url, _folder = attach_app
    report_id = _report_id(db_url)
    rows = {a["original_name"]: a for a in _attachments(db_url, report_id)}
    if not {"so-do.png", "phong-van.wav", "IMG_0042.jpg"} <= set(rows):
        pytest.skip("needs the attachments of the first test")
    context = offline_context(browser, width=1280, height=1000)
    page = context.new_page()
    try:
        open_report(page, url, PARTNER)
        shown = wait_text(page, "Tệp đính kèm (1)")
        assert SKETCH_CAPTION not in shown and PHOTO_CAPTION not in shown
        assert INTERVIEW_CAPTION in shown
        # A partner changes nothing: no upload box, no remove button, no offer of the photo's position.
        assert page.locator(f'{MAIN} [data-testid="stFileUploader"]').count() == 0
        assert page.get_by_role("button", name="Gỡ tệp").count() == 0
        assert page.get_by_role("button", name="Dùng vị trí GPS", exact=False).count() == 0
        sketch = page.request.get(f"{url}/tep/{rows['so-do.png']['id']}")
        assert sketch.status == 404 and sketch.body() == b""
        thumb = page.request.get(f"{url}/tep/{rows['so-do.png']['id']}/anh-nho")
        assert thumb.status == 404 and thumb.body() == b""
        photo = rows["IMG_0042.jpg"]
        assert page.request.get(f"{url}/tep/{photo['id']}").status == 404  # not shared: not a partner's
        interview = page.request.get(f"{url}/tep/{rows['phong-van.wav']['id']}")
        assert interview.status == 200 and interview.body() == interview_wav()
        whole_page_screenshot(page, "attachments_partner_1280")
    finally:
        context.close()
