"""`python -m layers attach LAYER ID FILE` and `python -m layers attachments LAYER ID`, end to end
in a real process on SQLite and PostgreSQL: a chapter leader attaches a photo and a recorded
interview and lists them with the photo's EXIF time and position; a partner, another province's
chapter and a hostile file are refused in one line, with nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from layers import attachments
from layers.access import system
from layers.cli_files import LISTED
from layers.store import Store
from tests.cli_helpers import run_module
from tests.layers import attachment_samples as samples
from tests.layers.people import build

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests" / "data" / "hostile"


@pytest.fixture
def db(any_db_url, tmp_path, monkeypatch) -> str:
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(tmp_path / "files"))
    store = Store.open(any_db_url)
    build(store)
    store.engine.dispose()
    return any_db_url


def layers(db: str, tmp_path: Path, *args: str):
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "BANDO_ATTACHMENTS_DIR": str(tmp_path / "files")}
    return run_module("layers", *args, "--db", db, cwd=ROOT, env=env)


def stored(db: str) -> list[dict]:
    store = Store.open(db)
    try:
        return attachments.attachments_of(store, "reports", "r-qt", system())
    finally:
        store.engine.dispose()


def test_a_chapter_leader_attaches_a_photo_and_an_interview_and_lists_them(db, tmp_path):
    photo = tmp_path / "mo-ong-Ba.jpg"
    photo.write_bytes(samples.jpeg(accuracy=4.5))
    sound = tmp_path / "phong-van.m4a"
    sound.write_bytes(samples.m4a())
    made = layers(
        db,
        tmp_path,
        "attach",
        "reports",
        "r-qt",
        str(photo),
        "--caption",
        "Mộ cạnh gốc đa",
        "--shareable",
        "--as",
        "qt.tinh",
    )
    assert made.returncode == 0, made.stderr
    said = json.loads(made.stdout)
    assert (said["kind"], said["media_type"], said["size"]) == ("image", "image/jpeg", photo.stat().st_size)
    assert said["taken_at"] == "2026-03-14T09:30:00+07:00" and said["gps_accuracy_m"] == 4.5
    assert said["gps"] == pytest.approx([samples.LAT, samples.LON], abs=1e-6)
    assert said["caption"] == "Mộ cạnh gốc đa" and said["private"] is False and said["shareable"] is True
    interview = layers(db, tmp_path, "attach", "reports", "r-qt", str(sound), "--private", "--as", "qt.tinh")
    assert interview.returncode == 0, interview.stderr
    assert json.loads(interview.stdout)["kind"] == "audio" and json.loads(interview.stdout)["gps"] is None
    listed = layers(db, tmp_path, "attachments", "reports", "r-qt", "--as", "qt.tinh")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [r["original_name"] for r in rows] == ["mo-ong-Ba.jpg", "phong-van.m4a"]
    assert set(rows[0]) == set(LISTED) and "sha256" not in rows[0]
    assert rows[0]["gps_lat"] == pytest.approx(samples.LAT, abs=1e-6) and rows[1]["private"] is True
    partner = layers(db, tmp_path, "attachments", "reports", "r-qt", "--as", "doitac")
    shared = json.loads(partner.stdout)
    assert [r["original_name"] for r in shared] == ["mo-ong-Ba.jpg"]  # the shared one, not the private one
    assert [shared[0][name] for name in ("taken_at", "gps_lat", "gps_lon", "gps_accuracy_m")] == [None] * 4


def test_a_shareable_file_is_said_so(db, tmp_path):
    scan = tmp_path / "giay-bao-tu.pdf"
    scan.write_bytes(samples.pdf())
    made = layers(db, tmp_path, "attach", "reports", "r-qt", str(scan), "--shareable", "--as", "qt.tinh")
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["shareable"] is True and json.loads(made.stdout)["kind"] == "document"


@pytest.mark.parametrize(
    ("username", "record", "says"),
    [
        ("doitac", "r-qt", "không được sửa"),
        ("na.ghi", "r-qt", "Không có bản ghi"),
        ("qt.tinh", "r-na-about-qt", "Hội khác"),
    ],
    ids=["partner", "another-provinces-chapter", "another-chapters-record"],
)
def test_those_who_may_not_change_the_record_are_refused_in_one_line(db, tmp_path, username, record, says):
    photo = tmp_path / "anh.jpg"
    photo.write_bytes(samples.jpeg())
    refused = layers(db, tmp_path, "attach", "reports", record, str(photo), "--as", username)
    assert refused.returncode == 2 and says in refused.stderr
    assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    assert stored(db) == [] and not (tmp_path / "files").exists()


def test_an_executable_renamed_jpg_is_refused_naming_it(db, tmp_path):
    program = HOSTILE / "attach_program_named.jpg"
    refused = layers(db, tmp_path, "attach", "reports", "r-qt", str(program), "--as", "qt.tinh")
    assert refused.returncode == 2 and "«attach_program_named.jpg»" in refused.stderr and "(ELF)" in refused.stderr
    assert stored(db) == []


def test_a_file_too_large_for_its_kind_is_refused_without_being_read(db, tmp_path):
    video = tmp_path / "video-dai.mp4"
    with video.open("wb") as out:  # sparse: 101 MB on paper, a few bytes on disk
        out.write(samples.mp4())
        out.truncate(101 * attachments.MIB)
    refused = layers(db, tmp_path, "attach", "reports", "r-qt", str(video), "--as", "qt.tinh")
    assert refused.returncode == 2 and "«video-dai.mp4» quá lớn" in refused.stderr
    assert "tối đa 100 MB cho một video MP4" in refused.stderr


def test_a_missing_file_or_a_folder_is_said_in_one_line(db, tmp_path):
    missing = layers(db, tmp_path, "attach", "reports", "r-qt", str(tmp_path / "khong-co.jpg"), "--as", "qt.tinh")
    assert missing.returncode == 2 and "khong-co.jpg" in missing.stderr and "không có" in missing.stderr
    folder = layers(db, tmp_path, "attach", "reports", "r-qt", str(tmp_path), "--as", "qt.tinh")
    assert folder.returncode == 2 and "thư mục" in folder.stderr


def test_listing_a_record_one_may_not_see_is_refused(db, tmp_path):
    refused = layers(db, tmp_path, "attachments", "reports", "r-qt", "--as", "na.ghi")
    assert refused.returncode == 2 and "r-qt" in refused.stderr
    unknown = layers(db, tmp_path, "attachments", "khong-co", "r-qt", "--as", "qt.tinh")
    assert unknown.returncode == 2 and "khong-co" in unknown.stderr


def test_the_command_line_prints_no_witness_contact_in_its_errors(db, tmp_path):
    refused = layers(db, tmp_path, "attach", "reports", "r-qt", str(HOSTILE / "attach_empty.jpg"), "--as", "qt.tinh")
    assert refused.returncode == 2 and "rỗng" in refused.stderr
    assert "0912" not in refused.stderr and "Nhân Chứng" not in refused.stderr
