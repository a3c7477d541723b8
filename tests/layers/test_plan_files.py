"""The files the trips page offers for a plan are the ones `python -m layers plan` writes: the
route files made in memory, and the offline package zipped into one download holding the offline
maps, the QField package and the guides saying which file goes where."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from layers.plan_files import OFFLINE_ZIP, STEM, offline_zip, route_files, write_plan_files
from layers.planning import make_plan, plan_selection, plan_stops, read_start
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
    written = write_plan_files(tmp_path / "out", plan, selection, "partner", "vi", DAY, rasters=[])
    on_disk = {p.name: p.read_bytes() for p in written}
    assert on_disk[f"{STEM}.gpx"] == files[f"{STEM}.gpx"]


def test_the_offline_package_is_one_zip_of_the_maps_the_qfield_package_and_the_guides(planned):
    plan, selection = planned
    names = set(zipfile.ZipFile(io.BytesIO(offline_zip(plan, selection, None, "vi", rasters=[]))).namelist())
    assert {f"{STEM}.mbtiles", f"{STEM}.pmtiles", "qfield.zip", "offline-maps.md", "qfield.md"} <= names
    assert OFFLINE_ZIP not in names
