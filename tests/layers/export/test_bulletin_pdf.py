"""The monthly bulletin read back: its PDF (pypdf) has the title, each figure's label with the
month's value, previous value and change, the movers, a story's title and sentence with its
picture carrying no metadata, a commendation; no witness name or phone of the data anywhere;
its PNG pages open in Pillow, one per PDF page, A4-shaped and without metadata."""

from __future__ import annotations

import dataclasses
import io
import unicodedata
from datetime import date

import pytest
from PIL import Image
from pypdf import PdfReader

from layers.access import system
from layers.bulletin import BULLETIN_FIGURES, BulletinStory, bulletin_of, clean_picture, month_period
from layers.campaign import DECIMALS, figure_label
from layers.exporters.bulletin import bulletin_pdf, bulletin_pngs, change_text, page_count
from layers.labels import number
from layers.publication import PublicCommendation, PublicMedia, Story
from tests.layers.export.conftest import HOSTILE

TODAY = date(2026, 12, 2)
SENTENCE = "Đội đã tìm thấy hài cốt bên bờ suối Đá Mài sau ba ngày dò tìm."


def _text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in pages))


def _picture() -> bytes:
    image = Image.new("RGB", (1600, 900), (30, 110, 70))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return clean_picture(out.getvalue())


@pytest.fixture(scope="module")
def bulletin(demo_store):
    month = month_period("2026-10", TODAY)
    made = bulletin_of(demo_store, month, TODAY)
    story = Story(
        "trip-x",
        "Chuyến tìm kiếm ở xã Gio An",
        SENTENCE,
        "VN-25",
        "Hội tỉnh Quảng Trị",
        date(2026, 10, 12),
        (PublicMedia("att-1", "image", "Bờ suối", "trip-x", "VN-25"),),
    )
    line = PublicCommendation(
        month.start, month.end, "chapter", "Hội tỉnh Quảng Trị", True, 1, {"remains_found": 12}, "Dẫn đầu", "VN-25"
    )
    return dataclasses.replace(made, stories=(BulletinStory(story, _picture()),), commendations=(line,))


@pytest.fixture(scope="module")
def pdf(bulletin) -> bytes:
    return bulletin_pdf(bulletin, "vi")


def test_the_bulletin_pdf_reads_back_with_the_months_figures(bulletin, pdf):
    text = _text(pdf)
    assert "Bản tin Chiến dịch 500 ngày đêm — tháng 10/2026" in text
    now, before = bulletin.figures.as_dict(), bulletin.previous.as_dict()
    assert now["reports_received"] > 0
    for key in BULLETIN_FIGURES:
        value = number(now[key], "vi", DECIMALS.get(key, 0))
        previous = number(before[key], "vi", DECIMALS.get(key, 0))
        row = f"{figure_label(key, 'vi')} {value} {previous} {change_text(key, now[key], before[key], 'vi')}"
        assert row in text, row
    for mover in bulletin.movers:
        assert mover.name in text
    assert "Chuyến tìm kiếm ở xã Gio An" in text and SENTENCE in text and "Quảng Trị" in text
    assert "1. Hội tỉnh Quảng Trị" in text and "Hài cốt tìm thấy: 12" in text
    assert "Dữ liệu mẫu" in text


def test_the_story_picture_is_printed_without_metadata(pdf):
    images = [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    assert len(images) == 1
    assert b"SecretCam" not in pdf and b"Exif" not in images[0].data


def test_no_witness_name_or_phone_reaches_the_bulletin(demo_store, bulletin, pdf):
    reports = demo_store.frame("reports", system())
    secrets = {
        str(v).strip()
        for column in ("witness_name", "witness_phone", "witness_address")
        for v in reports[column].dropna()
        if len(str(v).strip()) >= 6
    }
    assert HOSTILE["witness_name"] in secrets and len(secrets) > 50
    texts = [_text(pdf), _text(bulletin_pdf(bulletin, "en"))]
    for text in texts:
        found = [s for s in secrets if s in text]
        assert not found, found[:5]


@pytest.mark.parametrize("dpi", [72, 110])
def test_the_png_pages_open_one_per_page_a4_shaped_without_metadata(pdf, dpi):
    pages = bulletin_pngs(pdf, dpi=dpi)
    assert len(pages) == page_count(pdf) == len(PdfReader(io.BytesIO(pdf)).pages) >= 1
    a4 = (210 / 25.4 * dpi, 297 / 25.4 * dpi)
    for data in pages:
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "PNG"
            assert all(abs(side - want) <= 1 for side, want in zip(image.size, a4, strict=True)), image.size
            assert image.info == {} and not image.getexif()


def test_the_english_bulletin_has_its_own_title_and_labels(bulletin):
    text = _text(bulletin_pdf(bulletin, "en"))
    assert "Bulletin of the 500 Days and Nights Campaign — October 2026" in text
    assert figure_label("reports_received", "en") in text and "Demo data" in text
