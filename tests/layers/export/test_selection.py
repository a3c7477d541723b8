"""Every export holds exactly what the FilterSpec selects: the rows the table shows, in every format."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Polygon

from layers.access import system
from layers.exporters.formats import ExportOptions, export, file_stem
from layers.exporters.selection import EXPORTABLE, select
from layers.query import FilterSpec
from tests.cli_helpers import run_module

AREA = ((106.9, 16.6), (107.3, 16.6), (107.3, 17.0), (106.9, 17.0), (106.9, 16.6))


def test_the_reports_selected_match_an_independent_pandas_filter(demo_store):
    spec = FilterSpec(place="Quảng Trị", statuses=("new", "verified"), year_from=1968, year_to=1972)
    frame = demo_store.frame("reports", system())
    first, last = frame["year_from"].fillna(frame["year_to"]), frame["year_to"].fillna(frame["year_from"])
    expected = frame[
        frame["province_34"].eq("VN-25")  # Quảng Trị today = Quảng Trị + Quảng Bình of 2008–2025
        & frame["status"].isin(["new", "verified"])
        & ((first <= 1972) & (last >= 1968) | first.isna())
    ]
    assert 0 < len(expected) < len(frame)
    chosen = select(demo_store, ("reports",), spec, system()).frames["reports"]
    assert sorted(chosen["id"]) == sorted(expected["id"])


def test_a_unit_filter_keeps_the_trips_made_for_the_selected_reports(demo_store):
    spec = FilterSpec(units=("Sư đoàn 325",))
    chosen = select(demo_store, EXPORTABLE, spec, system())
    report_ids = set(chosen.frames["reports"]["id"])
    trips = chosen.frames["trips"]
    assert 0 < len(trips) < len(demo_store.frame("trips", system()))
    assert all(report_ids & set(ids) for ids in trips["linked_report_ids"])
    assert len(chosen.frames["battlefields"]) == len(
        demo_store.frame("battlefields", system())
    )  # a unit says nothing of places


def test_the_command_line_will_not_write_a_zip_under_another_name(demo_store, tmp_path):
    url = str(demo_store.engine.url)
    wrong = run_module(
        "layers", "export", "all", "--format", "geojson", "--out", str(tmp_path / "all.geojson"), "--db", url
    )
    assert wrong.returncode == 2 and ".zip" in wrong.stderr and not (tmp_path / "all.geojson").exists()
    missing = run_module(
        "layers", "export", "reports", "--format", "gpx", "--out", f"{tmp_path}/no-such-folder/", "--db", url
    )
    assert missing.returncode == 2 and "no-such-folder" in missing.stderr
    right = run_module(
        "layers", "export", "all", "--format", "geojson", "--out", str(tmp_path / "all.zip"), "--db", url
    )
    assert right.returncode == 0 and (tmp_path / "all.zip").read_bytes()[:2] == b"PK"


def test_other_layers_follow_the_place_and_the_drawn_area(demo_store):
    spec = FilterSpec(area=AREA)
    chosen = select(demo_store, EXPORTABLE, spec, system())
    for name, frame in chosen.frames.items():
        for geometry in frame.geometry:
            assert geometry.intersects(Polygon(AREA)), name
    assert len(chosen.frames["trips"]) < len(demo_store.frame("trips", system()))
    in_province = select(demo_store, ("cemeteries",), FilterSpec(place="Quảng Trị"), system()).frames["cemeteries"]
    assert len(in_province) > 0 and set(in_province["province_34"]) == {"VN-25"}


@pytest.mark.parametrize("format_name", ["geojson", "gpkg", "csv", "xlsx"])
def test_a_filtered_export_holds_the_same_ids_in_every_table_format(format_name, demo_store, tmp_path):
    spec = FilterSpec(place="Quảng Trị", year_from=1968, year_to=1968)
    selection = select(demo_store, ("reports",), spec, system())
    expected = sorted(selection.frames["reports"]["id"])
    path = tmp_path / f"x.{format_name}"
    path.write_bytes(export(selection, format_name, ExportOptions()).data)
    if format_name == "csv":
        ids = pd.read_csv(path, encoding="utf-8-sig")["id"]
    elif format_name == "xlsx":
        rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
        ids = [r[rows[0].index("id")] for r in rows[1:]]
    else:
        ids = pyogrio.read_dataframe(path)["id"]
    assert sorted(ids) == expected


def test_file_names_say_layer_place_and_day():
    day = ExportOptions().today.isoformat()
    spec = FilterSpec(place="Quảng Trị", area=AREA)
    assert file_stem(["reports"], spec, ExportOptions()) == f"tin-bao_quang-tri_vung-ve_{day}"
    assert file_stem(list(EXPORTABLE), FilterSpec(), ExportOptions()) == f"tat-ca_toan-quoc_{day}"
    two = file_stem(["reports", "trips"], FilterSpec(provinces_63=("VN-24",)), ExportOptions(audience="team"))
    assert two == f"tin-bao-chuyen-di_quang-binh_{day}_doi-tim-kiem"  # a file with contacts says so


@pytest.mark.parametrize("format_name", ["kml", "kmz", "gpx", "gpkg", "shp", "csv", "xlsx", "pdf"])
def test_command_line_exports_every_format_with_the_ui_filters(format_name, demo_store, tmp_path):
    done = run_module(
        "layers",
        "export",
        "all",
        "--format",
        format_name,
        "--out",
        str(tmp_path),
        "--province",
        "Quảng Trị",
        "--unit",
        "Sư đoàn 325",
        "--period",
        "1965-1972",
        "--audience",
        "team",
        "--db",
        str(demo_store.engine.url),
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    spec = FilterSpec(place="Quảng Trị", units=("Sư đoàn 325",), year_from=1965, year_to=1972)
    chosen = select(demo_store, EXPORTABLE, spec, system())
    reports = chosen.frames["reports"]
    expected = reports.geometry.notna().sum() if format_name in ("kml", "kmz", "gpx") else len(reports)
    assert summary["features"]["reports"] == expected
    written = tmp_path / summary["out"].split("/")[-1]
    assert written.exists() and written.stat().st_size == summary["bytes"]


def test_command_line_export_errors_are_one_line(demo_store, tmp_path):
    bad = run_module(
        "layers", "export", "all", "--format", "docx", "--out", str(tmp_path), "--db", str(demo_store.engine.url)
    )
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    unknown = run_module(
        "layers",
        "export",
        "reports",
        "--format",
        "gpx",
        "--out",
        str(tmp_path),
        "--province",
        "Atlantis",
        "--db",
        str(demo_store.engine.url),
    )
    assert unknown.returncode == 2 and "Atlantis" in unknown.stderr and "Traceback" not in unknown.stderr
