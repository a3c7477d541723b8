"""The files the trips page offers for a plan are the ones `python -m layers plan` writes: the
route files made in memory, and the offline package zipped into one download holding the offline
maps, the QField package and the guides saying which file goes where."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest

from layers.access import system
from layers.errors import LayersError
from layers.plan_files import (
    OFFLINE_ZIP,
    STEM,
    chosen_scans,
    offline_problem,
    offline_zip,
    route_files,
    write_plan_files,
)
from layers.planning import Stop, make_plan, plan_selection, plan_stops, read_start
from layers.store import Store
from tests.layers.paperwork import build_paperwork

DAY = date(2026, 9, 2)


@pytest.fixture
def planned(tmp_path, monkeypatch, db_url):
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(tmp_path / "files"))
    paperwork = build_paperwork(Store.open(db_url))
    leader = paperwork.campaign.viewer("qt.tinh")
    stops = plan_stops(paperwork.store, leader, site_ids=[paperwork.measured, paperwork.estimated])
    plan = make_plan(stops, read_start("16.80, 107.05"))
    return plan, plan_selection(paperwork.store, leader, plan, "partner")


def test_the_page_gets_the_same_route_files_the_command_writes(planned, tmp_path):
    plan, selection = planned
    files = route_files(plan, selection, "partner", "vi", DAY)
    assert sorted(files) == [f"{STEM}.gpx", f"{STEM}.kmz", f"{STEM}.pdf"]
    written = write_plan_files(tmp_path / "out", plan, selection, "partner", "vi", DAY, scans=[])
    on_disk = {p.name: p.read_bytes() for p in written.paths}
    assert on_disk[f"{STEM}.gpx"] == files[f"{STEM}.gpx"]


def test_the_offline_package_is_one_zip_of_the_maps_the_qfield_package_and_the_guides(planned):
    plan, selection = planned
    names = set(zipfile.ZipFile(io.BytesIO(offline_zip(plan, selection, None, "vi", []))).namelist())
    assert {f"{STEM}.mbtiles", f"{STEM}.pmtiles", "qfield.zip", "offline-maps.md", "qfield.md"} <= names
    assert OFFLINE_ZIP not in names


def test_a_refused_save_moves_no_file_into_the_folder(planned, tmp_path):
    plan, selection = planned

    @contextmanager
    def refused() -> Iterator[None]:
        raise LayersError("Tài khoản không được ghi chuyến tìm kiếm.")
        yield

    out = tmp_path / "out"
    with pytest.raises(LayersError, match="không được ghi"):
        write_plan_files(out, plan, selection, "partner", "vi", DAY, scans=[], saving=refused)
    assert list(out.iterdir()) == []  # neither the files nor the scratch folder


def test_stops_too_far_apart_for_offline_maps_still_get_their_route_files_and_qfield_with_a_note(planned, tmp_path):
    plan, selection = planned
    far = Stop(plan.stops[0].site_id, "Xa", plan.stops[0].lat + 1.0, plan.stops[0].lon, False, 10.0)
    wide = make_plan([*plan.stops, far], plan.start, "given")  # ~110 km north to south
    assert "không phải một tỉnh" in (offline_problem(wide) or "")
    assert chosen_scans(wide, system(), "team") is None  # no scan read for a map not made
    written = write_plan_files(tmp_path / "out", wide, selection, "partner", "vi", DAY, scans=None)
    names = {p.name for p in written.paths}
    assert {f"{STEM}.gpx", f"{STEM}.kmz", f"{STEM}.pdf", "qfield.zip"} <= names
    assert not any(n.endswith(".mbtiles") for n in names)
    assert len(written.notes) == 1 and written.notes[0].startswith("Không làm bản đồ ngoại tuyến")
