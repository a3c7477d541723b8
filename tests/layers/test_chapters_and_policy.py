"""A fresh installation works without demo data, and the command line keeps the promises the
README makes: chapters as reference data, one-line Vietnamese refusals, nothing created by a
typing mistake."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from layers.access import system
from layers.campaign import vietnam_today
from layers.exporters.formats import ExportOptions
from layers.seed import load_demo
from layers.store import Store
from tests.cli_helpers import run_module

ROOT = Path(__file__).resolve().parents[2]
CSV = 'Họ tên liệt sĩ,Tọa độ gốc,Họ tên nhân chứng\nA,"16.74, 107.19",Lê Văn Tám\nB,"abc",Hoàng Thị Mận\n'


def _layers(*args: str, db: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", **(env or {})}
    return run_module("layers", *args, "--db", db, cwd=cwd or ROOT, env=env)


def _one_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


@pytest.fixture
def fresh(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'campaign.sqlite'}"
    assert _layers("init", db=url).returncode == 0
    return url


def test_init_alone_gives_the_chapters_and_a_chapter_can_import_without_demo_data(fresh, tmp_path):
    chapters = json.loads(_layers("chapters", db=fresh).stdout)
    assert len(chapters) == 35 and chapters[0]["level"] == "central"
    assert {c["province"] for c in chapters if c["level"] == "province"} >= {"Quảng Trị", "Nghệ An"}
    assert not any(c["demo"] for c in chapters)
    source = tmp_path / "tin-bao.csv"
    source.write_text(CSV, encoding="utf-8")
    done = _layers("import", "reports", str(source), "--chapter", "Quảng Trị", db=fresh)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["accepted"] == 1
    assert Store.open(fresh).frame("reports", system()).iloc[0]["chapter_id"] == "chapter-vn-25"


def test_a_commune_chapter_is_added_under_its_province_and_kept_when_demo_data_goes(fresh):
    added = _layers("chapters", "add", "Hội Cựu TNXP xã Vĩnh Linh", "--province", "Quảng Trị", db=fresh)
    assert added.returncode == 0, added.stderr
    twice = _layers("chapters", "add", "hội cựu tnxp xã vĩnh linh", "--province", "Quảng Trị", db=fresh)
    assert "Đã có hội" in _one_line(twice)
    store = Store.open(fresh)
    load_demo(store, reports=50, seed=1)
    store.delete_demo()
    chapters = {c["name"]: c for c in json.loads(_layers("chapters", db=fresh).stdout)}
    assert len(chapters) == 36
    commune = chapters["Hội Cựu TNXP xã Vĩnh Linh"]
    assert commune["level"] == "commune" and commune["parent_id"] == "chapter-vn-25"
    assert "không chỉ một tỉnh" in _one_line(_layers("chapters", "add", "X", "--province", "Bình Trị Thiên", db=fresh))


def test_chapters_stored_as_demo_before_become_reference_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    store = Store.open(url)
    store.insert("chapters", [{"id": "chapter-vn-25", "name": "Hội Cựu TNXP tỉnh Quảng Trị", "is_demo": True}])
    assert _layers("init", db=url).returncode == 0
    store.delete_demo()
    assert store.count("chapters", system()) == 35


def test_a_mistyped_database_path_is_refused_and_not_created(tmp_path):
    wrong = tmp_path / "campaing.sqlite"
    for args in (("stats",), ("chapters",), ("export", "all", "--format", "csv", "--out", str(tmp_path))):
        assert "Không có cơ sở dữ liệu" in _one_line(_layers(*args, db=f"sqlite:///{wrong}"))
    assert not wrong.exists()


def test_a_team_export_is_refused_where_the_installation_hides_contacts(fresh, tmp_path):
    args = ("export", "reports", "--format", "csv", "--audience", "team", "--out", f"{tmp_path}/")
    assert "không được xem liên hệ nào" in _one_line(_layers(*args, db=fresh, env={"BANDO_SHOW_CONTACTS": "0"}))
    allowed = _layers(*args, db=fresh, env={"BANDO_SHOW_CONTACTS": "1"})
    assert allowed.returncode == 0, allowed.stderr


def test_a_report_date_out_of_range_is_said_plainly(fresh, tmp_path):
    done = _layers("report", "--chapter", "all", "--from", "0001-01-01", "--to", "2026-01-01", "--format", "xlsx",
                   "--out", f"{tmp_path}/", db=fresh)  # fmt: skip
    assert "nằm ngoài khoảng báo cáo được" in _one_line(done)


def test_a_locked_database_is_said_plainly(fresh, tmp_path):
    source = tmp_path / "tin-bao.csv"
    source.write_text(CSV, encoding="utf-8")
    holder = sqlite3.connect(fresh.removeprefix("sqlite:///"))
    holder.execute("BEGIN EXCLUSIVE")
    try:
        done = _layers("import", "reports", str(source), db=fresh, env={"BANDO_BUSY_TIMEOUT_S": "1"})
    finally:
        holder.rollback()
        holder.close()
    line = _one_line(done)
    assert "đang bận" in line and "Lê Văn Tám" not in done.stderr


def test_rejects_that_cannot_be_written_after_the_import_say_the_import_was_saved(fresh, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    source = folder / "tin-bao.csv"
    source.write_text(CSV, encoding="utf-8")
    (folder / "tin-bao.rejected.csv").mkdir()  # not writable as a file, even for root
    (tmp_path / "tin-bao.rejected.csv").mkdir()
    done = _layers("import", "reports", str(source), db=fresh, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["rejects_file"] is None and "Đã nhập xong" in summary["rejects_error"]
    assert (summary["accepted"], summary["rejected"]) == (1, 1)
    assert "không bị thay đổi" not in done.stdout + done.stderr


def test_export_files_are_dated_by_the_day_in_vietnam():
    today = next(f for f in dataclasses.fields(ExportOptions) if f.name == "today")
    assert today.default_factory is vietnam_today


def test_province_at_prints_json_without_nan():
    done = run_module("geo", "province-at", "10.0", "112.0")
    assert done.returncode == 0
    json.loads(done.stdout, parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))
