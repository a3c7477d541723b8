"""The site dossier read back from its PDF: the position printed in every notation equals an
independent computation (pyproj by EPSG's pipeline and by +towgs84, the mgrs library); the
testimony is there as told; the chapter's copy carries the witnesses' contacts and says so,
while a partner's copy and the copy without contacts carry none of them anywhere (testimonies,
captions, reasons, trips, images' EXIF); an estimated site gives its area, never a point;
printing is recorded in the site's history, on both backends."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from layers.access import system
from layers.errors import LayersError
from layers.exporters.dossier import dossier_pdf
from layers.store import Store
from tests.cli_helpers import run_module
from tests.layers.paperwork import (
    AREA,
    POINT,
    STEP_NOTE,
    TOLD,
    WITNESS,
    Paperwork,
    build_paperwork,
    epsg_vn2000,
    flat,
    mgrs_of,
    pdf_text,
    towgs84_vn2000,
)
from tests.layers.people import REPORTS as PEOPLE

TODAY = date(2026, 12, 2)
HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile" / "handover_fields.json"
SECRETS = [*WITNESS.values(), "0987654321", "0987.654.321", "Hoàng Văn Sáu", "0905 111 222"]
SECRETS += [f"Nhân Chứng {r.upper()}" for r in PEOPLE] + [phone for *_, phone in PEOPLE.values()]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(tmp_path / "files"))
    return tmp_path


@pytest.fixture
def paperwork(folder, db_url) -> Paperwork:
    return build_paperwork(Store.open(db_url))


@pytest.fixture
def any_paperwork(folder, any_store) -> Paperwork:
    return build_paperwork(any_store)


def _dossier(paperwork: Paperwork, who: str, site: str | None = None, **options) -> bytes:
    viewer = paperwork.campaign.viewer(who)
    return dossier_pdf(paperwork.store, site or paperwork.measured, viewer, today=TODAY, **options)


def _absent(text: str, data: bytes) -> None:
    plain = flat(text)
    for secret in SECRETS:
        assert secret not in plain, secret
        assert secret.encode() not in data, secret


def test_the_position_printed_equals_an_independent_computation_in_every_notation(paperwork):
    text = flat(pdf_text(_dossier(paperwork, "qt.tinh")))
    lat, lon = POINT
    x, y = epsg_vn2000(lat, lon, "VN-25")
    assert (round(x, 2), round(y, 2)) == tuple(round(v, 2) for v in towgs84_vn2000(lat, lon, 106.25))
    assert f"X = {x:.2f} m, Y = {y:.2f} m (VN-2000, KTT 106°15')" in text
    assert f"{lat:.6f}, {lon:.6f}" in text
    assert "16°48'12.4\"N 107°05'41.5\"E" in text
    assert f"{mgrs_of(lat, lon, 4)} (ô 10 m)" in text  # ± 30 m: a 10 m square, not a 1 m one
    assert "± 30 m" in text and "Có tọa độ" in text


def test_the_chapters_copy_holds_the_testimony_as_told_and_the_witnesses_contacts(paperwork):
    text = flat(pdf_text(_dossier(paperwork, "qt.tinh")))
    assert "Bản có thông tin liên hệ nhân chứng — không chuyển cho đối tác" in text
    assert TOLD in text and "1968 (mùa mưa năm Mậu Thân)" in text and "Chính bà chôn cùng hai đồng đội" in text
    for value in WITNESS.values():
        assert value in text, value
    assert STEP_NOTE in text  # the reason of the check, as the chapter wrote it
    assert "Chuyến Gio Linh tháng 7" in text and "Chưa tìm thấy" in text


@pytest.mark.parametrize("who, options", [("doitac", {}), ("qt.tinh", {"contacts": False})], ids=["partner", "without"])
def test_a_copy_without_contacts_holds_no_witness_name_phone_or_address_anywhere(paperwork, who, options):
    data = _dossier(paperwork, who, **options)
    text = pdf_text(data)
    assert "Bản không có thông tin liên hệ" in text and "Bản có thông tin" not in text
    _absent(text, data)
    assert "chôn dưới gốc cây gạo cạnh suối, cách đường 9 chừng hai trăm bước" in flat(text)  # the place stays
    assert "Đã gọi lại bà [đã ẩn] theo số [đã ẩn]" in flat(text)  # the step's reason, scrubbed
    assert "Nhà bà Mận" not in text  # the trip's waypoints are private


# A partner is not even told of a file not shared with it; the chapter's copy without contacts leaves it out too.
@pytest.mark.parametrize(
    "who, options, left_out", [("doitac", {}, 0), ("qt.tinh", {"contacts": False}, 2)], ids=["partner", "without"]
)
def test_a_copy_without_contacts_prints_only_shareable_files_and_no_exif(paperwork, who, options, left_out):
    data = _dossier(paperwork, who, **options)
    text = flat(pdf_text(data))
    assert "so-do.jpg · Sơ đồ" in text and "phong-van.mp3" in text  # marked shareable
    assert "anh-ba-Man.png" not in text and "nha.jpg" not in text
    if left_out:  # the chapter's own copy without contacts says what it left out
        assert f"{left_out} tệp đính kèm không in trong bản này" in text
    else:  # a partner is not told that files it may not see exist
        assert "tệp đính kèm không in trong bản này" not in text
    assert "GPS của ảnh" not in text and "chụp lúc" not in text
    images = [image for page in PdfReader(io.BytesIO(data)).pages for image in page.images]
    assert len(images) == 1  # the shareable sketch, printed
    assert b"Exif" not in images[0].data and b"xmpmeta" not in images[0].data


def test_the_chapters_copy_prints_every_file_it_sees_and_lists_recordings_by_name_and_size(paperwork):
    data = _dossier(paperwork, "qt.tinh")
    text = flat(pdf_text(data))
    assert "anh-ba-Man.png · Ảnh bà Trần Thị Mận" in text and "nha.jpg" in text
    assert "phong-van.mp3 · 1.678 byte · lời kể #r-man" in text
    assert f"GPS của ảnh {POINT[0]:.6f}, {POINT[1]:.6f}" in text  # the chapter sees the photo's GPS
    images = [image for page in PdfReader(io.BytesIO(data)).pages for image in page.images]
    assert len(images) == 3 and all(b"Exif" not in image.data for image in images)


def test_an_estimated_site_gives_its_area_and_never_a_point(paperwork):
    text = flat(pdf_text(_dossier(paperwork, "qt.tinh", site=paperwork.estimated)))
    lat, lon, radius = AREA
    assert "Vùng ước lượng theo địa danh (không phải điểm đo)" in text
    assert f"Tâm vùng (WGS84) {lat:.6f}, {lon:.6f}" in text and "± 4,2 km" in text
    assert "X =" not in text and "MGRS (WGS84)" not in text and "(độ-phút-giây)" not in text


def test_printing_is_recorded_in_the_sites_history_saying_which_copy(any_paperwork):
    paperwork = any_paperwork
    _dossier(paperwork, "qt.tinh")
    _dossier(paperwork, "doitac")
    rows = [e for e in paperwork.store.history(paperwork.measured, system()) if e["action"] == "dossier"]
    assert [(e["actor"], e["changes"]) for e in rows] == [
        ("qt.tinh", {"contacts": [None, True]}),
        ("doitac", {"contacts": [None, False]}),
    ]


def test_a_site_the_person_may_not_see_is_refused_and_nothing_is_recorded(any_paperwork):
    paperwork = any_paperwork
    before = len(paperwork.store.history(paperwork.measured, system()))
    with pytest.raises(LayersError, match="Không có điểm mộ"):
        _dossier(paperwork, "na.ghi")  # Nghệ An's recorder: a Quảng Trị site of Quảng Trị's chapter
    assert len(paperwork.store.history(paperwork.measured, system())) == before


def test_hostile_stored_texts_print_cleaned_without_breaking_the_page(paperwork):
    corpus = json.loads(HOSTILE.read_text(encoding="utf-8"))
    store = paperwork.store
    for entry in corpus["texts"]:
        record = store.record("reports", "r-man", system())
        store.update("reports", "r-man", {"place_description": entry["text"]}, "test", int(record["version"]))
        text = pdf_text(_dossier(paperwork, "qt.tinh"))
        squeezed = text.replace("\n", "").replace(" ", "")
        assert entry["printed"].replace(" ", "") in squeezed, entry["trap"]
        assert not any(ch in text for ch in "\x00\x07\x1b\u202e\u202c\u200b"), entry["trap"]


def test_the_command_line_writes_the_dossier_and_says_which_copy(paperwork, tmp_path):
    url = str(paperwork.store.engine.url)
    done = run_module("layers", "dossier", paperwork.measured, "--out", str(tmp_path), "--db", url, "--as", "qt.tinh")
    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout)
    assert said["contacts"] is True and said["out"].endswith("_lien-he.pdf")
    assert WITNESS["witness_name"] in pdf_text(Path(said["out"]).read_bytes())
    done = run_module(
        "layers",
        "dossier",
        paperwork.measured,
        "--without-contacts",
        "--out",
        str(tmp_path),
        "--db",
        url,
        "--as",
        "qt.tinh",
    )
    said = json.loads(done.stdout)
    assert said["contacts"] is False and WITNESS["witness_name"] not in pdf_text(Path(said["out"]).read_bytes())
    missing = run_module("layers", "dossier", "khong-co", "--out", str(tmp_path), "--db", url, "--as", "qt.tinh")
    assert (
        missing.returncode == 2 and missing.stderr.count("\n") == 1 and "Không có điểm mộ «khong-co»" in missing.stderr
    )
