"""GPX 1.1: valid against the Topografix schema, read back by gpxpy, split above 1,000 waypoints."""

from __future__ import annotations

import io

import gpxpy
from lxml import etree

from layers.exporters import gpx as gpx_module
from layers.exporters.formats import ExportOptions, export
from layers.exporters.selection import Selection
from layers.labels import clean_text, short_code
from tests.layers.export.readers import zip_members


def test_gpx_validates_against_the_gpx_1_1_schema(quang_tri, gpx_schema):
    data = export(quang_tri, "gpx", ExportOptions(audience="team")).data
    tree = etree.parse(io.BytesIO(data))
    assert tree.getroot().get("version") == "1.1"
    assert gpx_schema.validate(tree), gpx_schema.error_log.last_error


def test_gpx_waypoints_are_the_located_records_and_trips_are_tracks(quang_tri):
    back = gpxpy.parse(export(quang_tri, "gpx", ExportOptions()).data.decode())
    reports = quang_tri.frames["reports"]
    located = reports[reports.geometry.notna()]
    by_code = {w.name.split(" ")[0]: w for w in back.waypoints}
    for _, row in located.iterrows():
        point = by_code[short_code(row["id"])]
        assert abs(point.longitude - row.geometry.x) <= 1e-6 and abs(point.latitude - row.geometry.y) <= 1e-6
        assert clean_text(row["martyr_names"]) in point.name  # control characters are taken out
    others = sum(quang_tri.frames[n].geometry.notna().sum() for n in ("battlefields", "cemeteries"))
    assert len(back.waypoints) == len(located) + others
    assert len(back.tracks) == len(quang_tri.frames["trips"]) > 0
    first = quang_tri.frames["trips"].iloc[0].geometry
    assert abs(back.tracks[0].segments[0].points[0].longitude - first.coords[0][0]) <= 1e-6


def test_gpx_ascii_option_writes_names_without_diacritics(quang_tri, gpx_schema):
    data = export(quang_tri, "gpx", ExportOptions(ascii=True)).data
    assert data.decode("utf-8").isascii()
    assert gpx_schema.validate(etree.parse(io.BytesIO(data)))
    plain = gpxpy.parse(export(quang_tri, "gpx", ExportOptions()).data.decode())
    assert any(not w.name.isascii() for w in plain.waypoints)


def test_more_than_a_thousand_waypoints_are_split_by_province_into_a_zip(everything, monkeypatch, gpx_schema):
    monkeypatch.setattr(gpx_module, "MAX_WAYPOINTS", 100)
    result = export(everything, "gpx", ExportOptions())
    assert result.filename.endswith("_gpx.zip") and result.media_type == "application/zip"
    files = zip_members(result.data)
    assert any("_quang-tri" in name for name in files)
    total = 0
    for name, data in files.items():
        back = gpxpy.parse(data.decode())
        assert len(back.waypoints) <= 100, name
        assert gpx_schema.validate(etree.parse(io.BytesIO(data))), name
        total += len(back.waypoints)
    expected = sum(everything.frames[n].geometry.notna().sum() for n in ("reports", "battlefields", "cemeteries"))
    assert total == expected


def test_a_small_selection_stays_one_gpx(quang_tri):
    one = Selection(quang_tri.spec, {"reports": quang_tri.frames["reports"].head(5)})
    result = export(one, "gpx", ExportOptions())
    assert result.filename.endswith(".gpx") and result.media_type == "application/gpx+xml"
