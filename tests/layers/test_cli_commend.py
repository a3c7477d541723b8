"""`python -m layers commend …` end to end on a database made here: the central association lists
a period's ranked lines as JSON lines, annotates and publishes one and takes it back; a team
records the name its people agreed to; a chapter leader, a bad period and a long note each end
with one Vietnamese line and exit 2, no traceback."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from layers.commendations import published
from layers.store import Store
from tests.cli_helpers import run_module
from tests.layers.people import QT, build

ROOT = Path(__file__).resolve().parents[2]
PERIOD = "2026-03-14:2027-07-27"


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'campaign.sqlite'}"
    store = Store.open(url)
    build(store)
    store.insert(
        "reports", [{"id": "r-more", "chapter_id": QT, "province_34": "VN-25", "received_on": date(2026, 5, 2)}]
    )
    store.engine.dispose()
    return url


def _run(db: str, *args: str, user: str = "tw.admin"):
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    return run_module("layers", "commend", *args, "--db", db, "--as", user, cwd=ROOT, env=env)


def test_the_centre_lists_annotates_publishes_and_takes_back_a_line(db):
    listed = _run(db, "list", "--period", PERIOD)
    assert listed.returncode == 0, listed.stderr
    lines = [json.loads(line) for line in listed.stdout.splitlines()]
    assert set(lines[0]) == {"rank", "kind", "id", "name", "public_name", "figures", "note", "published"}
    qt = next(line for line in lines if line["id"] == QT)
    assert qt["figures"]["reports_received"] == 1 and qt["published"] is False
    assert [line["id"] for line in lines if line["kind"] == "team"] == ["qt.doi"]
    said = _run(db, "note", "chapter", QT, "--period", PERIOD, "--text", "Dẫn đầu <b>cả nước</b>")
    assert (said.returncode, json.loads(said.stdout)["version"]) == (0, 1), said.stderr
    assert _run(db, "publish", "chapter", QT, "--period", PERIOD).returncode == 0
    again = [json.loads(line) for line in _run(db, "list", "--period", PERIOD).stdout.splitlines()]
    qt = next(line for line in again if line["id"] == QT)
    assert (qt["note"], qt["published"]) == ("Dẫn đầu <b>cả nước</b>", True)
    store = Store.open(db)
    assert [(c.name, c.note) for c in published(store)] == [(qt["name"], "Dẫn đầu <b>cả nước</b>")]
    assert json.loads(_run(db, "unpublish", "chapter", QT, "--period", PERIOD).stdout)["published"] is False
    assert published(store) == []


def test_a_team_records_the_name_its_people_agreed_to_and_may_clear_it(db):
    done = _run(db, "public-name", "qt.doi", "--name", "Đội K50", user="qt.doi")
    assert json.loads(done.stdout) == {"username": "qt.doi", "public_name": "Đội K50"}, done.stderr
    listed = [json.loads(line) for line in _run(db, "list", "--period", "6m").stdout.splitlines()]
    assert next(line for line in listed if line["id"] == "qt.doi")["public_name"] == "Đội K50"
    cleared = _run(db, "public-name", "qt.doi", "--clear", user="qt.tinh")
    assert json.loads(cleared.stdout)["public_name"] is None


@pytest.mark.parametrize(
    ("args", "user", "said"),
    [
        (("list", "--period", PERIOD), "qt.tinh", "không được xem và biểu dương"),
        (("publish", "team", "qt.doi", "--period", PERIOD), "doitac", "không được biểu dương"),
        (("list", "--period", "2026-13-01:2026-12-31"), "tw.admin", "--period phải là"),
        (("note", "chapter", QT, "--period", "1y", "--text", "x" * 1001), "tw.admin", "tối đa 1000"),
        (("note", "team", "qt.tinh", "--period", "1y", "--text", "x"), "tw.admin", "Không có đội"),
        (("public-name", "qt.doi", "--name", "Tên"), "na.ghi", "không được"),
    ],
)
def test_a_refused_command_says_why_in_one_line(db, args, user, said):
    done = _run(db, *args, user=user)
    assert done.returncode == 2 and done.stderr.startswith("Lỗi: ") and said in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
