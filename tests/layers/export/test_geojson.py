"""Partner GeoJSON: RFC 7946, read back by GDAL, same features as the filter, no private data."""

import json
import re
from pathlib import Path

import pyogrio

from layers.access import system
from layers.exporters.formats import ExportOptions, export
from layers.exporters.geojson import write_geojson
from layers.exporters.schema_doc import render_markdown
from layers.exporters.selection import select
from layers.query import FilterSpec, apply, prepare
from layers.schema import REPORTS, TRIPS
from tests.cli_helpers import run_module

ROOT = Path(__file__).resolve().parents[3]


def test_partner_geojson_follows_rfc_7946(demo_store):
    data = json.loads(write_geojson(demo_store.frame("trips", system()), TRIPS))
    assert "crs" not in data
    coordinates = re.findall(r"-?\d+\.\d+", json.dumps([f["geometry"] for f in data["features"]]))
    assert coordinates and max(len(c.split(".")[1]) for c in coordinates) <= 7
    first = data["features"][0]["geometry"]["coordinates"][0]
    assert 100 < first[0] < 118 and 6 < first[1] < 24  # longitude first


def test_geojson_reads_back_with_the_same_features_and_coordinates(demo_store):
    frame = demo_store.frame("reports", system())
    back = pyogrio.read_dataframe(write_geojson(frame, REPORTS))
    assert list(back["id"]) == list(frame["id"])
    located = frame.geometry.notna().to_numpy()
    for original, read in zip(frame.geometry[located], back.geometry[located], strict=True):
        assert abs(original.x - read.x) <= 1e-6 and abs(original.y - read.y) <= 1e-6


def test_an_export_of_a_filtered_view_holds_exactly_its_features(demo_store):
    spec = FilterSpec(place="Quảng Trị", year_from=1965, year_to=1972)
    chosen = select(demo_store, ("reports",), spec, system())
    shown = chosen.frames["reports"]
    assert 0 < len(shown) < len(demo_store.frame("reports", system()))
    back = pyogrio.read_dataframe(export(chosen, "geojson", ExportOptions()).data)
    assert sorted(back["id"]) == sorted(shown["id"])
    assert set(back["province_34"]) == {"VN-25"}


def test_no_private_field_or_value_leaves_in_a_partner_file(demo_store):
    frame = demo_store.frame("reports", system())
    text = write_geojson(frame, REPORTS, "partner").decode()
    for name in REPORTS.private_fields:
        assert f'"{name}"' not in text
    public = {
        part
        for f in REPORTS.fields
        if not f.private
        for v in frame[f.name].dropna()
        for part in [str(v), *str(v).split("; ")]
    }
    for column in ("witness_name", "witness_phone", "witness_address"):
        # A witness may share a name with some martyr; only values found nowhere public must stay out.
        values = [v for v in frame[column].dropna() if v and v not in public]
        assert values and not any(v in text for v in values), column
    team = write_geojson(frame, REPORTS, "team").decode()
    assert '"witness_phone"' in team


def test_the_schema_document_matches_the_code():
    assert (ROOT / "docs" / "geojson-schema.md").read_text(encoding="utf-8") == render_markdown()


def test_command_line_export_uses_the_same_filters(tmp_path, demo_store):
    url = str(demo_store.engine.url)
    out = tmp_path / "qt.geojson"
    done = run_module(
        "layers",
        "export",
        "reports",
        "--format",
        "geojson",
        "--out",
        str(out),
        "--province",
        "Quảng Trị",
        "--period",
        "1965-1972",
        "--db",
        url,
    )
    assert done.returncode == 0, done.stderr
    expected = apply(
        prepare(demo_store.frame("reports", system())), FilterSpec(place="Quảng Trị", year_from=1965, year_to=1972)
    )
    assert json.loads(done.stdout)["features"] == {"reports": len(expected)}
    assert len(json.loads(out.read_text())["features"]) == len(expected)
    bad = run_module(
        "layers",
        "export",
        "reports",
        "--format",
        "geojson",
        "--out",
        str(out),
        "--status",
        "nope",
        "--db",
        url,
    )
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
