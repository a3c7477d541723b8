"""`python -m layers recognition …` end to end, as a chapter leader on a database made here: a
case, a witness whose statement comes from a file, two steps with their days and notes, the
statement PDF and the case shown with all of it; and the files it refuses, each with one line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from layers.store import Store
from tests.cli_helpers import run_module
from tests.layers.people import build

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests" / "data" / "hostile"
ENV = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('recognition') / 'campaign.sqlite'}"
    store = Store.open(url)
    build(store)
    store.engine.dispose()
    return url


def _layers(db: str, *args: str):
    return run_module("layers", "recognition", *args, "--db", db, cwd=ROOT, env=ENV)


def _ok(db: str, *args: str) -> str:
    done = _layers(db, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _new_case(db: str, username: str = "qt.tinh") -> str:
    return _ok(
        db,
        "add",
        "--name",
        "Nguyễn Văn Thành",
        "--birth-year",
        "1951",
        "--province",
        "Quảng Trị",
        "--unit",
        "C552",
        "--death-date",
        "tháng 8 năm 1972",
        "--death-place",
        "Đường 9",
        "--applicant",
        "Nguyễn Thị Lan",
        "--applicant-phone",
        "0912 777 001",
        "--report",
        "r-qt",
        "--as",
        username,
    )


def test_a_case_end_to_end_as_a_chapter_leader(db, tmp_path):
    case_id = _new_case(db)
    told = tmp_path / "loi-xac-nhan.txt"
    told.write_text("Tôi cùng tiểu đội với anh Thành,\nchứng kiến anh hy sinh ở Đường 9.", encoding="utf-8")
    witness_id = _ok(
        db,
        "witness",
        case_id,
        "--name",
        "Trần Văn Bảy",
        "--phone",
        "0988 111 222",
        "--address",
        "Gio Linh",
        "--statement-file",
        str(told),
        "--as",
        "qt.tinh",
    )
    assert (
        _ok(db, "step", case_id, "sent_commune", "--on", "2026-10-01", "--note", "nộp UBND xã", "--as", "qt.tinh")
        == "2"
    )
    assert _ok(db, "step", case_id, "sent_province", "--on", "2026-11-05", "--as", "qt.tinh") == "3"
    out = tmp_path / "xac-nhan.pdf"
    made = json.loads(_ok(db, "statement", witness_id, "--out", str(out), "--as", "qt.tinh"))
    assert made["file"] == str(out) and made["bytes"] == out.stat().st_size
    text = " ".join(PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text().split())
    assert "Tôi là: Trần Văn Bảy" in text and "chứng kiến anh hy sinh ở Đường 9" in text
    shown = json.loads(_ok(db, "show", case_id, "--as", "qt.tinh"))
    assert (shown["status"], shown["step_on"], shown["applicant_phone"]) == (
        "sent_province",
        "2026-11-05",
        "0912 777 001",
    )
    assert [(s["status"], s["note"]) for s in shown["steps"]][1:] == [
        ("sent_commune", "nộp UBND xã"),
        ("sent_province", None),
    ]
    assert shown["witnesses"][0]["phone"] == "0988 111 222"
    assert shown["links"]["report_ids"] == [{"id": "r-qt", "title": "Liệt sĩ r-qt", "seen": True}]
    history = json.loads(
        run_module("layers", "history", witness_id, "--db", db, "--as", "qt.tinh", cwd=ROOT, env=ENV).stdout
    )
    assert [e["action"] for e in history] == ["insert", "statement"]
    listed = json.loads(_ok(db, "list", "--as", "qt.ghi"))
    assert any(c["id"] == case_id and c["witnesses"] == 1 for c in listed)


def test_a_partner_sees_the_case_without_anyones_contacts_and_may_not_add(db):
    case_id = _new_case(db)
    _ok(db, "witness", case_id, "--name", "Trần Văn Bảy", "--phone", "0988 111 222", "--as", "qt.tinh")
    shown = _ok(db, "show", case_id, "--as", "doitac")
    assert "Nguyễn Văn Thành" in shown
    for private in ("0988 111 222", "Trần Văn Bảy", "0912 777 001", "Nguyễn Thị Lan"):
        assert private not in shown
    refused = _layers(db, "add", "--name", "X", "--as", "doitac")
    assert refused.returncode == 2 and refused.stderr.startswith("Lỗi: ") and len(refused.stderr.splitlines()) == 1


def test_a_step_not_allowed_says_which_are_and_a_recorder_may_not_record_the_answer(db):
    case_id = _new_case(db)
    refused = _layers(db, "step", case_id, "recognised", "--as", "qt.tinh")
    assert refused.returncode == 2 and "«Đã gửi cấp xã» (sent_commune)" in refused.stderr
    _ok(db, "step", case_id, "sent_commune", "--as", "qt.ghi")
    _ok(db, "step", case_id, "sent_province", "--as", "qt.ghi")
    refused = _layers(db, "step", case_id, "recognised", "--as", "qt.ghi")
    assert refused.returncode == 2 and "Cán bộ tiếp nhận" in refused.stderr
    refused = _layers(db, "step", case_id, "returned", "--as", "qt.tinh")
    assert refused.returncode == 2 and "--note" in refused.stderr
    refused = _layers(db, "step", case_id, "recognised", "--on", "1.1.2026", "--as", "qt.tinh")
    assert refused.returncode == 2 and "YYYY-MM-DD" in refused.stderr


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("recognition_statement_utf16.txt", "không phải văn bản UTF-8"),
        ("recognition_statement_latin1.txt", "không phải văn bản UTF-8"),
    ],
)
def test_a_statement_file_that_is_not_utf8_is_refused_in_one_line_and_nothing_is_written(db, name, said):
    case_id = _new_case(db)
    refused = _layers(db, "witness", case_id, "--name", "Y", "--statement-file", str(HOSTILE / name), "--as", "qt.tinh")
    assert refused.returncode == 2 and said in refused.stderr and len(refused.stderr.splitlines()) == 1
    assert json.loads(_ok(db, "show", case_id, "--as", "qt.tinh"))["witnesses"] == []


def test_a_statement_file_with_terminal_codes_is_stored_without_them(db, tmp_path):
    case_id = _new_case(db)
    path = HOSTILE / "recognition_statement_terminal_codes.txt"
    _ok(db, "witness", case_id, "--name", "Z", "--statement-file", str(path), "--as", "qt.tinh")
    statement = json.loads(_ok(db, "show", case_id, "--as", "qt.tinh"))["witnesses"][0]["statement"]
    assert "anh Thành hy sinh" in statement and "Khe Sanh" in statement
    assert not any(ch in statement for ch in "\x1b\x07\x00\x08\ufeff")


def test_a_statement_file_too_large_or_missing_is_refused_before_it_is_read(db, tmp_path):
    case_id = _new_case(db)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 400_001)
    for path, said in ((big, "quá dài"), (tmp_path / "none.txt", "Không mở được tệp «none.txt»")):
        refused = _layers(db, "witness", case_id, "--name", "Y", "--statement-file", str(path), "--as", "qt.tinh")
        assert refused.returncode == 2 and said in refused.stderr
