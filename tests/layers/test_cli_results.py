"""`python -m layers results …` end to end on a database made here: a team brings a filled
QField package back (the accounting printed as JSON), the leader lists and confirms one
proposal and refuses another with a note; a refusal without a note, a team confirming and a
hostile zip each end with one line and exit 2, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from layers.access import system
from layers.importers import limits
from layers.importers.field_results import RESULTS_BYTES
from layers.store import Store
from tests.cli_helpers import run_module
from tests.layers.test_field_results import Trip, filled, rows

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests" / "data" / "hostile"


@pytest.fixture
def setup(tmp_path, monkeypatch):
    files = tmp_path / "files"
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(files))
    url = f"sqlite:///{tmp_path / 'campaign.sqlite'}"
    trip = Trip(Store.open(url))
    package = tmp_path / "gio-linh-filled.zip"
    package.write_bytes(filled(trip, tmp_path, rows(trip)[:3]))
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "BANDO_ATTACHMENTS_DIR": str(files)}
    return trip, url, package, env


def _run(setup, *args: str, user: str = "qt.tinh"):
    _, url, _, env = setup
    return run_module("layers", "results", *args, "--db", url, "--as", user, cwd=ROOT, env=env)


def test_results_import_list_confirm_and_reject_on_the_command_line(setup):
    trip, _, package, _ = setup
    done = _run(setup, "import", trip.trip_id, str(package), user="qt.doi")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["observations"] == {"read": 3, "accepted": 2, "rejected": 1, "duplicates": 0}
    assert summary["photos"]["accepted"] == 1 and summary["tracks"]["accepted"] == 1
    listed = json.loads(_run(setup, "list", trip.trip_id).stdout)["proposals"]
    assert [p["finding"] for p in listed] == ["found", "not_found"]
    found, not_found = (p["id"] for p in listed)
    refused = _run(setup, "reject", not_found)
    assert refused.returncode == 2 and "--note" in refused.stderr and "Traceback" not in refused.stderr
    team = _run(setup, "confirm", found, user="qt.doi")
    assert team.returncode == 2 and "Đội tìm kiếm" in team.stderr
    confirmed = _run(setup, "confirm", found, "--note", "đã xem ảnh")
    assert confirmed.returncode == 0, confirmed.stderr
    assert json.loads(confirmed.stdout)["trips"] == {trip.trip_id: "planned"}
    assert _run(setup, "reject", not_found, "--note", "cần đi lại").returncode == 0
    assert json.loads(_run(setup, "list", trip.trip_id).stdout)["proposals"] == []
    assert trip.store.record("sites", trip.sites[0], system())["status"] == "remains_found"


def test_a_hostile_zip_is_refused_in_one_line(setup):
    trip = setup[0]
    done = _run(setup, "import", trip.trip_id, str(HOSTILE / "field_results_traversal.zip"), user="qt.doi")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "trỏ ra ngoài thư mục" in done.stderr and "Traceback" not in done.stderr


def test_files_over_the_import_budget_together_are_refused_by_their_sizes_before_one_is_read(setup, tmp_path):
    trip = setup[0]
    names = []
    for k in range(RESULTS_BYTES // limits.FILE_BYTES + 1):  # each within its own limit, together over the budget
        path = tmp_path / f"big-{k}.gpkg"
        with path.open("wb") as sparse:
            sparse.truncate(limits.FILE_BYTES)
        names.append(str(path))
    done = _run(setup, "import", trip.trip_id, *names, user="qt.doi")
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "quá giới hạn một lần nhập" in done.stderr and "Traceback" not in done.stderr
