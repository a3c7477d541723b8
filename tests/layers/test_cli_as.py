"""`--as USERNAME` on the command line applies that person's rights to reads and writes; without
it the command acts as the server's operator, as scripts written before sign-in expect."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from layers.store import Store
from tests.cli_helpers import run_module
from tests.layers.people import REPORTS, build

ROOT = Path(__file__).resolve().parents[2]
ENV = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('as') / 'campaign.sqlite'}"
    store = Store.open(url)
    build(store)
    store.engine.dispose()
    return url


def _layers(db: str, *args: str, env: dict | None = None):
    return run_module("layers", *args, "--db", db, cwd=ROOT, env={**ENV, **(env or {})})


def _six_months(db: str, folder: Path, chapter: str, username: str):
    args = ("report", "--chapter", chapter, "--period", "6m", "--format", "xlsx", "--out", f"{folder}/")
    return _layers(db, *args, "--as", username)


def _phones(text: str) -> set[str]:
    return {phone for _c, _p, _t, phone in REPORTS.values() if phone in text}


def test_stats_count_what_the_person_sees(db):
    assert json.loads(_layers(db, "stats", "--as", "qt.ghi").stdout)["layers"]["reports"] == 4
    assert json.loads(_layers(db, "stats", "--as", "na.ghi").stdout)["layers"]["reports"] == 2
    assert json.loads(_layers(db, "stats").stdout)["layers"]["reports"] == 5


def test_a_chapter_leaders_team_file_holds_its_own_contacts_only(db, tmp_path):
    out = tmp_path / "team.csv"
    made = _layers(
        db, "export", "reports", "--format", "csv", "--audience", "team", "--out", str(out), "--as", "qt.tinh"
    )
    assert made.returncode == 0, made.stderr
    assert _phones(out.read_text(encoding="utf-8-sig")) == {"0912 000 001", "0912 000 004", "0912 000 005"}


def test_a_partner_gets_partner_files_only_and_no_phone_in_them(db, tmp_path):
    refused = _layers(
        db, "export", "reports", "--format", "csv", "--audience", "team", "--out", f"{tmp_path}/", "--as", "doitac"
    )
    assert refused.returncode == 2 and "không được" in refused.stderr
    out = tmp_path / "partner.geojson"
    made = _layers(db, "export", "reports", "--format", "geojson", "--out", str(out), "--as", "doitac")
    assert made.returncode == 0, made.stderr
    text = out.read_text(encoding="utf-8")
    assert _phones(text) == set() and "Nhân Chứng" not in text and len(json.loads(text)["features"]) == 5


def test_a_recorder_imports_for_its_chapter_and_may_not_make_campaign_reports(db, tmp_path):
    data = tmp_path / "tin-bao.csv"
    data.write_text("Họ tên liệt sĩ,Đơn vị,Tọa độ\nTrần Ba,C552,16.8 106.9\n", encoding="utf-8")
    imported = _layers(db, "import", "reports", str(data), "--as", "qt.ghi")
    assert imported.returncode == 0, imported.stderr
    other_file = tmp_path / "tin-bao-2.csv"
    other_file.write_text("Họ tên liệt sĩ,Đơn vị,Tọa độ\nLê Bốn,C552,16.81 106.91\n", encoding="utf-8")
    elsewhere = _layers(db, "import", "reports", str(other_file), "--chapter", "Nghệ An", "--as", "qt.ghi")
    assert elsewhere.returncode == 2 and "Hội khác" in elsewhere.stderr
    report = _six_months(db, tmp_path, "Quảng Trị", "qt.ghi")
    assert report.returncode == 2 and "không được" in report.stderr
    other = _six_months(db, tmp_path, "Nghệ An", "qt.tinh")
    assert other.returncode == 2 and "Hội của mình" in other.stderr
    own = _six_months(db, tmp_path, "Quảng Trị", "qt.tinh")
    assert own.returncode == 0, own.stderr


def test_an_unknown_account_is_refused_in_one_line(db):
    done = _layers(db, "stats", "--as", "khong.co")
    assert done.returncode == 2 and "khong.co" in done.stderr and "Traceback" not in done.stderr
