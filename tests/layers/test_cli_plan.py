"""`python -m layers plan` as a person runs it: the route files, offline maps and QField package
written into the folder, the order and legs printed, the route saved with --trip; a bad start,
an unknown id or a site without position says one Vietnamese line, exits 2 and writes nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import gpxpy
import pytest

from layers.access import system
from layers.store import Store
from layers.trips import add_trip
from tests.cli_helpers import run_module
from tests.layers.paperwork import build_paperwork

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plan")
    url = f"sqlite:///{folder / 'campaign.sqlite'}"
    os.environ.setdefault("BANDO_ATTACHMENTS_DIR", str(folder / "files"))
    paperwork = build_paperwork(Store.open(url))
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "BANDO_ATTACHMENTS_DIR": str(folder / "files")}
    return url, paperwork, env


def _plan(campaign, *args: str):
    url, _, env = campaign
    return run_module("layers", "plan", *args, "--db", url, "--as", "qt.tinh", cwd=ROOT, env=env)


def test_plan_writes_the_route_files_and_prints_the_order(campaign, tmp_path):
    _, paperwork, _ = campaign
    sites = f"{paperwork.estimated},{paperwork.measured}"
    done = _plan(campaign, "--sites", sites, "--start", "16.80, 107.05", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    names = sorted(Path(f).name for f in result["files"])
    assert {"lo-trinh.gpx", "lo-trinh.kmz", "lo-trinh.pdf"} <= set(names)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == names  # no scratch folder left
    assert len(result["legs"]) == 2 and result["total_m"] == pytest.approx(sum(x["distance_m"] for x in result["legs"]))
    read = gpxpy.parse((tmp_path / "out" / "lo-trinh.gpx").read_text(encoding="utf-8"))
    measured = [str(n) for n, o in enumerate(result["order"], 1) if o["site"] == paperwork.measured]
    assert [w.name.split(". ", 1)[0] for w in read.waypoints] == measured  # an estimated area is no GPX point
    assert sorted(o["site"] for o in result["order"]) == sorted(sites.split(","))
    assert result["order"][[o["site"] for o in result["order"]].index(paperwork.estimated)]["name"].startswith("≈ ")


def test_plan_with_the_full_package_writes_offline_maps_and_qfield(campaign, tmp_path):
    _, paperwork, _ = campaign
    done = _plan(campaign, "--sites", paperwork.measured, "--start", "16.80, 107.05", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    names = {Path(f).name for f in json.loads(done.stdout)["files"]}
    assert {"lo-trinh.mbtiles", "qfield.zip"} <= names


def _open_trip(campaign, name: str) -> tuple[str, int]:
    url, paperwork, _ = campaign
    store = Store.open(url)
    values = {"name": name, "team": "Đội 2", "date_from": "2026-07-10", "date_to": "2026-07-12"}
    trip_id = add_trip(store, values, paperwork.campaign.viewer("qt.tinh"))
    version = int(store.record("trips", trip_id, system())["version"])
    store.engine.dispose()
    return trip_id, version


def _trip(campaign, trip_id: str) -> dict:
    store = Store.open(campaign[0])
    trip = store.record("trips", trip_id, system())
    store.engine.dispose()
    return trip


def test_plan_with_a_trip_saves_the_route_on_it_and_plans_its_site(campaign, tmp_path):
    _, paperwork, _ = campaign
    trip_id, _ = _open_trip(campaign, "Chuyến lộ trình")
    args = ("--sites", paperwork.measured, "--start", "16.80, 107.05", "--order", "given", "--trip", trip_id)
    done = _plan(campaign, *args, "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    trip = _trip(campaign, trip_id)
    assert list(trip["route_site_ids"]) == [paperwork.measured]
    assert trip["route_start"] == "16.800000, 107.050000"
    assert json.loads(done.stdout)["trip_version"] == int(trip["version"])
    assert "r-man" in trip["linked_report_ids"]  # the site planned, its testimonies with it


@pytest.mark.parametrize("person", ["qt.ghi", "doitac"])
def test_plan_for_a_trip_the_person_may_not_change_writes_no_file_and_no_route(campaign, tmp_path, person):
    url, paperwork, env = campaign
    trip_id, version = _open_trip(campaign, f"Chuyến của {person}")
    out = tmp_path / "out"
    args = ("--sites", paperwork.measured, "--start", "16.8, 107.05", "--trip", trip_id, "--audience", "partner")
    done = run_module("layers", "plan", *args, "--out", str(out), "--db", url, "--as", person, cwd=ROOT, env=env)
    assert done.returncode != 0 and "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not out.exists()  # refused before any file was made
    assert int(_trip(campaign, trip_id)["version"]) == version


def test_plan_with_a_site_not_ready_to_plan_writes_no_file_and_no_route(campaign, tmp_path):
    _, paperwork, _ = campaign
    trip_id, version = _open_trip(campaign, "Chuyến điểm mới")
    out = tmp_path / "out"
    args = ("--sites", f"{paperwork.measured},{paperwork.estimated}", "--start", "16.8, 107.05", "--trip", trip_id)
    done = _plan(campaign, *args, "--out", str(out))
    assert done.returncode == 2 and "đang «Mới nhận»" in done.stderr, done.stderr
    assert list(out.iterdir()) == []  # the files were made beside it, then thrown away
    assert int(_trip(campaign, trip_id)["version"]) == version


def test_plan_for_a_closed_trip_writes_nothing(campaign, tmp_path):
    _, paperwork, _ = campaign
    out = tmp_path / "out"
    args = ("--sites", paperwork.measured, "--start", "16.8, 107.05", "--trip", "t-near")  # nothing found already
    done = _plan(campaign, *args, "--out", str(out))
    assert done.returncode == 2 and "đã có kết quả" in done.stderr and not out.exists()


def test_a_start_far_from_the_stops_still_gets_offline_maps_of_the_stops(campaign, tmp_path):
    _, paperwork, _ = campaign
    done = _plan(campaign, "--sites", paperwork.measured, "--start", "16.06, 108.2", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr  # Đà Nẵng's office, ~140 km away: the maps cover the stop
    result = json.loads(done.stdout)
    assert "lo-trinh.mbtiles" in {Path(f).name for f in result["files"]} and "notes" not in result


def test_stops_too_far_apart_for_offline_maps_get_the_route_files_and_a_note(campaign, tmp_path):
    url, paperwork, env = campaign
    store = Store.open(url)
    far = store.record("reports", "r-na", system())["site_id"]  # in Nghệ An, ~280 km north
    store.engine.dispose()
    args = ("--sites", f"{paperwork.measured},{far}", "--start", "16.8, 107.05", "--out", str(tmp_path))
    done = run_module("layers", "plan", *args, "--db", url, "--as", "tw.admin", cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    names = {Path(f).name for f in result["files"]}
    assert {"lo-trinh.gpx", "lo-trinh.pdf", "qfield.zip"} <= names and "lo-trinh.mbtiles" not in names
    assert result["notes"][0].startswith("Không làm bản đồ ngoại tuyến") and result["notes"][0] in done.stderr


@pytest.mark.parametrize(
    "args, said",
    [
        (("--start", "không biết ở đâu"), "Điểm xuất phát «không biết ở đâu»"),
        (("--start", "16.8, 107.05", "--sites-extra"), "tham số không nhận ra"),
    ],
)
def test_a_bad_start_says_one_line_exits_2_and_writes_nothing(campaign, tmp_path, args, said):
    _, paperwork, _ = campaign
    out = tmp_path / "out"
    done = _plan(campaign, "--sites", paperwork.measured, *args, "--out", str(out))
    assert done.returncode == 2 and said in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr and not out.exists()


def test_an_unknown_site_exits_2_and_writes_nothing(campaign, tmp_path):
    _, paperwork, _ = campaign
    out = tmp_path / "out"
    done = _plan(campaign, "--sites", f"{paperwork.measured},khong-co", "--start", "16.8, 107.05", "--out", str(out))
    assert done.returncode == 2 and "Không có điểm mộ «khong-co»" in done.stderr and not out.exists()
