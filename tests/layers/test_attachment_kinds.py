"""What a file is, read from its bytes (layers.filekinds, layers.attachments.inspect): photos with
their EXIF time, GPS and accuracy (JPEG and HEIC made here), PDFs, recordings and videos as
phones write them; everything else refused naming the file; limits by kind; thumbnails and
partner copies with no metadata left."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from layers import attachments, filekinds
from layers.attachments import AttachmentProblem, check_size, clean_copy, inspect, thumbnail
from tests.layers import attachment_samples as samples

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
CORPUS = json.loads((HOSTILE / "attach_corpus.json").read_text(encoding="utf-8"))
MIB = filekinds.MIB


@pytest.fixture
def folder(tmp_path, monkeypatch):
    path = tmp_path / "attachments"
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(path))
    return path


def kept(data: bytes, name: str = "anh.jpg") -> dict:
    """An attachment row for a file kept in the folder, as the table holds it."""
    seen = inspect(data, name)
    attachments._keep(data, seen.sha256)
    return {"id": "a", "sha256": seen.sha256, "media_type": seen.media_type, "kind": seen.kind, "original_name": name}


def test_a_jpegs_exif_gives_its_time_gps_and_accuracy():
    seen = inspect(samples.jpeg(accuracy=4.5), "mo.jpg")
    assert (seen.media_type, seen.kind, seen.width, seen.height) == ("image/jpeg", "image", 64, 48)
    assert seen.taken_at.isoformat() == "2026-03-14T09:30:00+07:00"
    assert seen.gps_lat == pytest.approx(samples.LAT, abs=1e-6) and seen.gps_lon == pytest.approx(samples.LON, abs=1e-6)
    assert seen.gps_accuracy_m == 4.5


def test_a_photo_without_a_positioning_error_has_no_accuracy():
    seen = inspect(samples.jpeg(accuracy=None), "mo.jpg")
    assert seen.gps_lat is not None and seen.gps_accuracy_m is None


def test_a_heic_from_an_iphone_is_read_as_a_jpeg_is():
    seen = inspect(samples.heic(accuracy=12.0), "IMG_0001.HEIC")
    assert (seen.media_type, seen.kind) == ("image/heic", "image")
    assert seen.taken_at.isoformat() == "2026-03-14T09:30:00+07:00"
    assert (seen.gps_lat, seen.gps_lon, seen.gps_accuracy_m) == pytest.approx(
        (samples.LAT, samples.LON, 12.0), abs=1e-6
    )


def test_every_pillow_reader_opens_heic_once_attachments_is_imported():
    with Image.open(io.BytesIO(samples.heic())) as image:
        assert image.format == "HEIF" and image.size == (64, 48)


@pytest.mark.parametrize(
    ("sample", "media_type", "kind"),
    [
        (samples.pdf, "application/pdf", "document"),
        (samples.mp3, "audio/mpeg", "audio"),
        (lambda: samples.mp3(tagged=False), "audio/mpeg", "audio"),
        (samples.wav, "audio/wav", "audio"),
        (samples.amr, "audio/amr", "audio"),
        (samples.m4a, "audio/mp4", "audio"),
        (samples.mp4, "video/mp4", "video"),
        (samples.mov, "video/quicktime", "video"),
        (samples.png, "image/png", "image"),
    ],
    ids=["pdf", "mp3-id3", "mp3-frames", "wav", "amr", "m4a", "mp4", "mov", "png"],
)
def test_documents_recordings_and_videos_are_known_by_their_first_bytes(sample, media_type, kind):
    seen = inspect(sample(), "tep-khong-duoi")
    assert (seen.media_type, seen.kind) == (media_type, kind)
    assert seen.taken_at is None and seen.gps_lat is None and seen.gps_accuracy_m is None


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (samples.ELF, "chương trình chạy được (ELF)"),
        (samples.WINDOWS, "chương trình chạy được (Windows)"),
        (samples.SVG, "ảnh SVG"),
        (samples.HTML, "trang HTML"),
        (b"GIF89a\x01\x00\x01\x00", "ảnh GIF"),
        (b"PK\x03\x04" + bytes(40), "tệp nén ZIP"),
        (b"just some text, not a file", "không phải loại tệp được nhận"),
    ],
    ids=["elf", "mz", "svg", "html", "gif", "zip", "text"],
)
def test_anything_else_is_refused_naming_the_file_and_saying_what_it_is(data, says):
    with pytest.raises(AttachmentProblem) as refused:
        inspect(data, "anh-mo.jpg")
    assert "«anh-mo.jpg»" in str(refused.value) and says in str(refused.value)
    assert "Chỉ nhận" in str(refused.value)


@pytest.mark.parametrize("entry", CORPUS["files"], ids=lambda e: e["file"])
def test_hostile_attachments_are_judged_by_their_bytes_not_their_names(entry):
    data = (HOSTILE / entry["file"]).read_bytes()
    if entry["accepted"]:
        assert inspect(data, entry["file"]).media_type == entry["media_type"]
        return
    with pytest.raises(AttachmentProblem) as refused:
        inspect(data, entry["file"])
    assert f"«{entry['file']}»" in str(refused.value) and entry["says"] in str(refused.value)


@pytest.mark.parametrize(
    ("head", "size", "limit"),
    [
        (samples.jpeg(), 20 * MIB + 1, "tối đa 20 MB cho một ảnh JPEG"),
        (samples.pdf(), 30 * MIB + 1, "tối đa 30 MB cho một tài liệu PDF"),
        (samples.mp3(), 100 * MIB + 1, "tối đa 100 MB cho một ghi âm MP3"),
        (samples.mp4(), 100 * MIB + 1, "tối đa 100 MB cho một video MP4"),
    ],
    ids=["image", "pdf", "audio", "video"],
)
def test_a_file_over_its_kinds_limit_is_refused_by_its_size_before_it_is_read(head, size, limit):
    with pytest.raises(AttachmentProblem) as refused:
        check_size("to.bin", size, head[:64])
    assert "«to.bin» quá lớn" in str(refused.value) and limit in str(refused.value)
    assert check_size("vua.bin", size - 1, head[:64]).max_bytes == size - 1


def test_a_file_of_unknown_kind_is_refused_by_its_first_bytes_before_its_size_is_looked_at():
    with pytest.raises(AttachmentProblem) as refused:
        check_size("x.jpg", 10, samples.ELF)
    assert "(ELF)" in str(refused.value)
    with pytest.raises(AttachmentProblem) as too_big:
        check_size("x.jpg", filekinds.MAX_BYTES + 1)  # no head: the largest kind's limit
    assert "quá lớn" in str(too_big.value)


def test_a_pdf_over_its_limit_is_refused_when_inspected_whole():
    data = samples.pdf()
    big = data[:-6] + b" " * (30 * MIB) + b"%%EOF\n"
    with pytest.raises(AttachmentProblem) as refused:
        inspect(big, "ho-so.pdf")
    assert "«ho-so.pdf» quá lớn" in str(refused.value)


def test_the_public_pages_door_stays_images_only_and_small():
    for data in (samples.pdf(), samples.heic(), samples.mp3()):
        with pytest.raises(AttachmentProblem) as refused:
            attachments.inspect_image(data, "gui.jpg")
        assert "không phải ảnh JPEG, PNG hay WebP" in str(refused.value)
    assert attachments.MAX_BYTES == 8 * MIB and attachments.PUBLIC_MAX_FILES == 5


def _has_no_metadata(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {} and not image.getexif().get_ifd(0x8825)
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
    assert b"Exif" not in data and b"adobe:ns:meta" not in data and samples.SECRET_CAMERA.encode() not in data
    return image


def test_a_thumbnail_is_small_upright_and_carries_no_exif_or_gps(folder):
    original = samples.jpeg(orientation=6, size=(800, 400))  # a phone held upright: stored on its side
    assert b"Exif" in original and b"adobe:ns:meta" in original
    row = kept(original)
    image = _has_no_metadata(thumbnail(row))
    assert image.size == (160, 320)  # turned upright, longest side 320
    assert (folder / "thumbs" / f"{row['sha256']}.jpg").exists()  # kept by the original's hash


def test_a_heic_gets_a_jpeg_thumbnail_too(folder):
    assert _has_no_metadata(thumbnail(kept(samples.heic(), "IMG.HEIC"))).size == (64, 48)


def test_files_that_are_no_picture_have_no_thumbnail(folder):
    assert thumbnail(kept(samples.pdf(), "ho-so.pdf")) is None
    assert thumbnail(kept(samples.mp3(), "phong-van.mp3")) is None


def test_a_clean_copy_is_the_whole_picture_without_any_metadata(folder):
    image = _has_no_metadata(clean_copy(kept(samples.jpeg(size=(640, 480)))))
    assert image.size == (640, 480)
    small = _has_no_metadata(clean_copy(kept(samples.png((900, 300))), max_side=300))
    assert small.size == (300, 100)


def test_a_clean_copy_of_a_document_is_its_bytes_as_stored(folder):
    assert clean_copy(kept(samples.pdf(), "ho-so.pdf")) == samples.pdf()


def test_the_kinds_table_declares_each_media_type_once_and_derives_the_rest():
    assert len(filekinds.BY_MEDIA_TYPE) == len(filekinds.KINDS)
    assert {k.kind for k in filekinds.KINDS} == set(filekinds.KIND_LABELS)
    assert max(k.max_bytes for k in filekinds.KINDS) == filekinds.MAX_BYTES
    assert all(k.thumbnail == (k.kind == "image") == (k.pillow is not None) for k in filekinds.KINDS)
