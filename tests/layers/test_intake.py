"""Accounts from the public page (layers.intake) and their photos (layers.attachments), on a real
SQLite store: checked with messages naming the field, stored as new reports of the province's
chapter with the consent given, limited per session and per address, photos kept by hash with
their EXIF GPS private."""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image, TiffImagePlugin

from layers import attachments
from layers.access import ROLES, Viewer, system
from layers.chapters import CENTRAL_ID
from layers.intake import (
    ADDRESS_LIMIT,
    HONEYPOT,
    MAX_PHOTOS,
    PHOTO_BUDGET,
    SESSION_LIMIT,
    UNKNOWN_PROVINCE,
    Client,
    IntakeProblem,
    Photo,
    PhotoBudgetFull,
    RateLimited,
    Submission,
    keyed,
    new_receipt_code,
    receive,
)
from layers.seed import seed_reference
from layers.tables import METADATA
from layers.work import find_by_receipt, work_items

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
CORPUS = json.loads((HOSTILE / "intake_corpus.json").read_text(encoding="utf-8"))
CODE = re.compile(r"TB-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}")


@pytest.fixture
def intake_store(store, tmp_path, monkeypatch):
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    seed_reference(store)
    yield store
    store.engine.dispose()


def png(size=(60, 40), color=(250, 250, 240)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps(lat: float, lon: float, taken: str = "1998:05:19 07:30:00") -> bytes:
    """A JPEG whose EXIF says where (GPS, degrees-minutes-seconds) and when it was taken."""

    def dms(value: float) -> tuple:
        value = abs(value)
        d = int(value)
        m = int((value - d) * 60)
        s = (value - d - m / 60) * 3600
        return tuple(TiffImagePlugin.IFDRational(Fraction(x).limit_denominator(10_000)) for x in (d, m, s))

    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = taken
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = ("N" if lat >= 0 else "S"), dms(lat)
    gps[3], gps[4] = ("E" if lon >= 0 else "W"), dms(lon)
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 160, 90)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def account(**values) -> dict:
    base = {
        "martyr_names": "Nguyễn Văn Thành",
        "hometown": "Kiến Xương, Thái Bình",
        "unit": "C552",
        "period_text": "Tết Mậu Thân",
        "place_description": "Gần bờ suối, cách cây đa đầu bản khoảng 200 bước",
        "historical_place": "Khe Sanh",
        "province": "VN-25",
        "knows": "buried",
        "knows_detail": "Tôi cùng đơn vị chôn anh ấy",
        "witness_name": "Trần Thị Lan",
        "witness_phone": "0912 345 678",
        "witness_address": "Thôn 3, xã Hải Lăng",
        "witness_relation": "đồng đội",
        "consent": "chapter",
        "agreed": "1",
    }
    return {**base, **values}


def send(store, values: dict, photos=(), session="phien-1", address="203.0.113.7"):
    return receive(store, Submission.of_form(values, list(photos)), Client(address, session))


def stored(store, report_id: str) -> dict:
    return store.record("reports", report_id, system())


def attempts(store) -> list:
    table = METADATA.tables["intake_attempts"]
    with store.engine.connect() as connection:
        return connection.execute(sa.select(table)).all()


# -- checks -------------------------------------------------------------------------------------


def test_an_account_without_a_name_or_a_place_is_refused_naming_the_fields(intake_store):
    values = account(martyr_names="", place_description="", historical_place="", province="", agreed="")
    with pytest.raises(IntakeProblem) as refused:
        send(intake_store, values)
    said = str(refused.value)
    assert "«Họ tên liệt sĩ»" in said and "mô tả nơi chôn cất" in said
    assert "«Tỉnh, thành»" in said and "«Đồng ý»" in said
    assert {"martyr_names", "province", "agreed"} <= refused.value.fields
    assert any("Martyr" in m for m in refused.value.messages("en"))
    assert [r.accepted for r in attempts(intake_store)] == [False]  # counted too: the limits allow a few retries


def test_a_bad_phone_an_unknown_consent_and_too_long_text_are_each_said(intake_store):
    values = account(witness_phone="gọi 09xx", consent="everyone", place_description="x" * 5_001)
    with pytest.raises(IntakeProblem) as refused:
        send(intake_store, values)
    said = str(refused.value)
    assert "«Điện thoại của bạn»: chỉ ghi chữ số" in said
    assert "«Ai được liên hệ với bạn»" in said
    assert "«Mô tả nơi chôn cất»: dài quá, tối đa 5000 ký tự" in said


def test_contact_details_need_a_consent_choice_but_an_anonymous_account_does_not(intake_store):
    with pytest.raises(IntakeProblem) as refused:
        send(intake_store, account(consent=""))
    assert "consent" in refused.value.fields
    anonymous = account(witness_name="", witness_phone="", witness_address="", witness_relation="", consent="")
    receipt = send(intake_store, anonymous)
    record = stored(intake_store, receipt.report_id)
    assert record["witness_name"] is None and record["witness_phone"] is None
    assert record["witness_consent"] == "nobody"


# -- what is stored -----------------------------------------------------------------------------


def test_an_account_is_a_new_form_report_of_the_provinces_chapter_with_its_consent(intake_store):
    receipt = send(intake_store, account(consent="partners"))
    assert CODE.fullmatch(receipt.code)
    assert receipt.chapter_id == "chapter-vn-25" and "Quảng Trị" in receipt.chapter_name
    record = stored(intake_store, receipt.report_id)
    assert record["status"] == "new" and record["source_channel"] == "form"
    assert record["chapter_id"] == "chapter-vn-25" and record["province_34"] == "VN-25"
    assert record["witness_consent"] == "partners"
    assert record["receipt_code"] == receipt.code
    assert record["witness_name"] == "Trần Thị Lan" and record["witness_phone"] == "0912 345 678"
    assert record["witness_relation"] == "đồng đội"
    assert record["witness_knows"] == "Tôi trực tiếp chôn cất: Tôi cùng đơn vị chôn anh ấy"
    assert (record["year_from"], record["year_to"]) == (1968, 1968)  # Tết Mậu Thân, read as the importer does
    assert record["author"] == "gui-thong-tin" and record["site_id"]  # a site of its own, given by the store
    assert not record["is_demo"]


def test_an_account_waits_in_its_chapters_review_queue_with_its_consent(intake_store):
    receipt = send(intake_store, account(consent="chapter"))
    chapter = Viewer("qt.lanhdao", ROLES["chapter"], frozenset({"chapter-vn-25"}), frozenset({"VN-25"}))
    queue = [item for item in work_items(intake_store, chapter) if item.kind == "intake"]
    assert [item.receipt_code for item in queue] == [receipt.code]
    assert find_by_receipt(intake_store, chapter, receipt.code)["witness_consent"] == "chapter"
    elsewhere = Viewer("hn.lanhdao", ROLES["chapter"], frozenset({"chapter-vn-hn"}), frozenset({"VN-HN"}))
    assert not [item for item in work_items(intake_store, elsewhere) if item.kind == "intake"]


def test_a_province_nobody_knows_goes_to_the_central_association(intake_store):
    receipt = send(intake_store, account(province=UNKNOWN_PROVINCE, historical_place=""))
    assert receipt.chapter_id == CENTRAL_ID
    assert stored(intake_store, receipt.report_id)["chapter_id"] == CENTRAL_ID


def test_a_coordinate_the_importer_reads_gives_the_point_and_one_it_cannot_is_kept_in_the_notes(intake_store):
    located = stored(intake_store, send(intake_store, account(coord_text="16.6512, 106.7251")).report_id)
    assert located["geometry"] is not None and located["position_source"] == "measured"
    assert located["coord_text"] == "16.6512, 106.7251"
    receipt = send(intake_store, account(coord_text="cạnh cây đa, gần suối"), session="phien-2")
    record = stored(intake_store, receipt.report_id)
    assert receipt.coordinate_kept_as_text
    assert record["geometry"] is None and record["coord_text"] is None
    assert "«cạnh cây đa, gần suối», chưa đọc được" in record["notes"]


def test_a_map_pin_becomes_the_point_with_an_uncertainty_of_its_zoom(intake_store):
    values = account(pin_lat="16.812345", pin_lon="106.912345", pin_zoom="15")
    record = stored(intake_store, send(intake_store, values).report_id)
    assert record["geometry"].y == pytest.approx(16.812345) and record["geometry"].x == pytest.approx(106.912345)
    assert record["coord_datum"] == "wgs84" and 50 <= record["uncertainty_m"] <= 200
    with pytest.raises(IntakeProblem):
        send(intake_store, account(pin_lat="48.85", pin_lon="2.35"))  # Paris: not a pin of this page


def test_receipt_codes_use_an_alphabet_read_aloud_without_confusion_and_are_unique(intake_store):
    codes = {new_receipt_code() for _ in range(2_000)}
    assert len(codes) == 2_000 and all(CODE.fullmatch(c) for c in codes)
    assert not any(ch in c[3:] for c in codes for ch in "01OI")
    stored_codes = [send(intake_store, account(), session=f"s{i}").code for i in range(4)]
    assert len(set(stored_codes)) == 4
    chapter = Viewer("qt.lanhdao", ROLES["chapter"], frozenset({"chapter-vn-25"}), frozenset({"VN-25"}))
    found = find_by_receipt(intake_store, chapter, " " + stored_codes[0].lower().replace("-", " "))
    assert found is not None and found["receipt_code"] == stored_codes[0]


def test_texts_are_stored_as_typed_and_never_interpreted(intake_store):
    payloads = CORPUS["payloads"]
    values = account(
        martyr_names=payloads[0], unit=payloads[1], place_description="\n".join(payloads), witness_name=payloads[3]
    )
    record = stored(intake_store, send(intake_store, values).report_id)
    assert record["martyr_names"] == payloads[0] and record["unit"] == payloads[1]
    assert record["place_description"] == "\n".join(payloads) and record["witness_name"] == payloads[3]


# -- abuse --------------------------------------------------------------------------------------


def test_one_session_is_refused_after_its_limit_and_refusals_are_counted(intake_store):
    accepted, refused = 0, 0
    for _ in range(SESSION_LIMIT.count + 3):
        try:
            send(intake_store, account(), session="vội", address=f"198.51.100.{accepted + refused}")
            accepted += 1
        except RateLimited as limited:
            refused += 1
            assert "thử lại sau 10 phút" in str(limited)
    assert (accepted, refused) == (SESSION_LIMIT.count, 3)
    rows = attempts(intake_store)
    assert len(rows) == SESSION_LIMIT.count + 3 and sum(r.accepted for r in rows) == SESSION_LIMIT.count
    assert all(r.session_key == keyed("session", "vội") for r in rows)  # a keyed hash, not the cookie
    assert "vội" not in json.dumps([list(map(str, r)) for r in rows])


def test_one_address_is_refused_after_its_limit_whatever_the_session(intake_store):
    for i in range(ADDRESS_LIMIT.count):
        send(intake_store, account(), session=f"cookie-{i}", address="192.0.2.55")
    with pytest.raises(RateLimited):
        send(intake_store, account(), session="cookie-new", address="192.0.2.55")
    send(intake_store, account(), session="cookie-new", address="192.0.2.56")  # another address is not held back
    address_keys = {r.address_key for r in attempts(intake_store)}
    assert keyed("address", "192.0.2.55") in address_keys and "192.0.2.55" not in address_keys


def test_attempts_older_than_the_window_do_not_count(intake_store):
    for i in range(SESSION_LIMIT.count):
        send(intake_store, account(), session="cũ", address=f"198.51.100.{i}")
    table = METADATA.tables["intake_attempts"]
    with intake_store.engine.begin() as connection:
        connection.execute(table.update().values(at=table.c.at - SESSION_LIMIT.window - timedelta(seconds=5)))
    send(intake_store, account(), session="cũ", address="198.51.100.99")


def test_a_filled_honeypot_stores_nothing_says_why_and_counts_as_an_attempt(intake_store):
    before = intake_store.count("reports", system())
    with pytest.raises(IntakeProblem) as refused:
        send(intake_store, account(**{HONEYPOT: "http://spam.example"}))
    assert "«Để trống ô này»" in str(refused.value)
    assert intake_store.count("reports", system()) == before
    assert [r.accepted for r in attempts(intake_store)] == [False]


def test_accounts_with_a_field_to_correct_count_toward_the_limits(intake_store):
    for _ in range(SESSION_LIMIT.count):
        with pytest.raises(IntakeProblem):
            send(intake_store, account(agreed=""), session="quên", address="198.51.100.20")
    with pytest.raises(RateLimited):  # even a correct account, once the session has used its attempts
        send(intake_store, account(), session="quên", address="198.51.100.20")
    assert len(attempts(intake_store)) == SESSION_LIMIT.count + 1
    assert not any(r.accepted for r in attempts(intake_store))


def test_a_new_session_cookie_each_time_is_still_held_by_the_address_limit(intake_store):
    for i in range(ADDRESS_LIMIT.count):
        with pytest.raises(IntakeProblem):
            send(intake_store, account(agreed=""), session=f"moi-{i}", address="192.0.2.77")
    with pytest.raises(RateLimited) as limited:
        send(intake_store, account(), session="moi-nhat", address="192.0.2.77")
    assert limited.value.minutes == 60


@pytest.fixture
def decoded(monkeypatch):
    """Every image decoded by layers.attachments.inspect_image, by name."""
    names: list[str] = []
    real = attachments.inspect_image

    def counting(data, name=None):
        names.append(name)
        return real(data, name)

    monkeypatch.setattr(attachments, "inspect_image", counting)
    return names


def test_a_refused_attempt_opens_no_image(intake_store, decoded):
    for i in range(SESSION_LIMIT.count):
        send(intake_store, account(), session="dồn", address=f"198.51.100.{40 + i}")
    with pytest.raises(RateLimited):
        send(intake_store, account(), [Photo("bom.png", png())], session="dồn", address="198.51.100.49")
    with pytest.raises(IntakeProblem):  # the honeypot: counted, and no image opened either
        send(intake_store, account(**{HONEYPOT: "x"}), [Photo("bay.png", png())], session="khác")
    assert decoded == []


def test_each_stored_photo_is_decoded_once(intake_store, decoded):
    receipt = send(intake_store, account(), [Photo("a.png", png()), Photo("b.jpg", jpeg_with_gps(16.8, 106.9))])
    assert decoded == ["a.png", "b.jpg"]
    rows = attachments.attachments_of(intake_store, "reports", receipt.report_id, system())
    assert [r["media_type"] for r in rows] == ["image/png", "image/jpeg"] and rows[1]["gps_lat"] is not None


def test_too_many_photos_are_refused_without_opening_any(intake_store, decoded):
    with pytest.raises(IntakeProblem):
        send(intake_store, account(), [Photo(f"{i}.png", png()) for i in range(MAX_PHOTOS + 1)])
    assert decoded == []


def test_the_pages_hourly_photo_budget_refuses_more_photos_but_not_an_account_without(intake_store, decoded):
    first = send(intake_store, account(), [Photo("a.png", png())], session="a", address="198.51.100.60")
    table = METADATA.tables["attachments"]
    with intake_store.engine.begin() as connection:  # as if the hour's budget were nearly spent
        connection.execute(table.update().values(size=PHOTO_BUDGET.count - 10))
    decoded.clear()
    with pytest.raises(PhotoBudgetFull) as full:
        send(intake_store, account(), [Photo("b.png", png(color=(1, 2, 3)))], session="b", address="198.51.100.61")
    assert "quá nhiều ảnh" in str(full.value) and "không kèm ảnh" in str(full.value)
    assert decoded == []  # refused before decoding
    assert len(attempts(intake_store)) == 2
    assert send(intake_store, account(), session="b", address="198.51.100.61").code  # without photos: stored
    with intake_store.engine.begin() as connection:  # an hour later, the budget is back
        connection.execute(table.update().values(created_at=table.c.created_at - PHOTO_BUDGET.window))
    send(intake_store, account(), [Photo("b.png", png(color=(1, 2, 3)))], session="c", address="198.51.100.62")
    assert first.code


# -- photos -------------------------------------------------------------------------------------


def test_photos_are_kept_by_their_hash_outside_the_database_with_exif_gps_private(intake_store, tmp_path):
    photo = jpeg_with_gps(16.8125, 106.9375)
    sketch = png()
    receipt = send(intake_store, account(), [Photo("mộ.jpg", photo), Photo("so-do.png", sketch)])
    rows = attachments.attachments_of(intake_store, "reports", receipt.report_id, system())
    assert [r["media_type"] for r in rows] == ["image/jpeg", "image/png"]
    first = rows[0]
    assert first["sha256"] == hashlib.sha256(photo).hexdigest() and first["size"] == len(photo)
    assert first["private"] and first["author"] == "gui-thong-tin" and first["original_name"] == "mộ.jpg"
    assert first["gps_lat"] == pytest.approx(16.8125, abs=1e-4) and first["gps_lon"] == pytest.approx(
        106.9375, abs=1e-4
    )
    assert first["taken_at"].year == 1998
    kept = attachments.file_path(first["sha256"])
    assert kept.read_bytes() == photo and kept.is_relative_to(tmp_path / "attachments")
    assert "static" not in kept.parts


def test_private_photos_are_shown_only_to_those_who_see_the_witness(intake_store):
    receipt = send(intake_store, account(consent="chapter"), [Photo("so-do.png", png())])
    chapter = Viewer("qt.ghi", ROLES["recorder"], frozenset({"chapter-vn-25"}), frozenset({"VN-25"}))
    partner = Viewer("doi.tac", ROLES["partner"])
    other = Viewer("hn.ghi", ROLES["recorder"], frozenset({"chapter-vn-hn"}), frozenset({"VN-HN"}))
    assert len(attachments.attachments_of(intake_store, "reports", receipt.report_id, chapter)) == 1
    assert attachments.attachments_of(intake_store, "reports", receipt.report_id, partner) == []
    assert attachments.attachments_of(intake_store, "reports", receipt.report_id, other) == []


def test_the_same_photo_twice_is_one_file(intake_store):
    sketch = png(color=(10, 20, 30))
    first = send(intake_store, account(), [Photo("a.png", sketch)], session="a")
    second = send(intake_store, account(), [Photo("b.png", sketch)], session="b")
    hashes = {
        r["sha256"]
        for rid in (first.report_id, second.report_id)
        for r in attachments.attachments_of(intake_store, "reports", rid, system())
    }
    assert len(hashes) == 1
    folder = attachments.file_path(hashes.pop()).parent
    assert len(list(folder.iterdir())) == 1


def test_more_than_five_photos_are_refused(intake_store):
    photos = [Photo(f"{i}.png", png(color=(i, i, i))) for i in range(MAX_PHOTOS + 1)]
    with pytest.raises(IntakeProblem) as refused:
        send(intake_store, account(), photos)
    assert f"tối đa {MAX_PHOTOS} ảnh" in str(refused.value)


def test_a_photo_over_the_size_limit_is_refused_naming_it(intake_store):
    with pytest.raises(IntakeProblem) as refused:
        send(intake_store, account(), [Photo("to.jpg", b"\xff\xd8" + b"0" * attachments.MAX_BYTES)])
    assert "«to.jpg» quá lớn" in str(refused.value)


@pytest.mark.parametrize("entry", CORPUS["files"], ids=lambda e: e["file"])
def test_hostile_files_are_judged_by_their_bytes_not_their_names(intake_store, entry):
    data = (HOSTILE / entry["file"]).read_bytes()
    if entry["accepted"]:
        receipt = send(intake_store, account(), [Photo(entry["file"], data)])
        (row,) = attachments.attachments_of(intake_store, "reports", receipt.report_id, system())
        assert row["media_type"] == entry["media_type"] and row["private"]
        return
    with pytest.raises(IntakeProblem) as refused:
        send(intake_store, account(), [Photo(entry["file"], data)])
    assert f"«{entry['file']}»" in str(refused.value)
    assert intake_store.count("reports", system()) == 0
