"""A selection with nothing in it: every format still gives a valid, empty file (the field sheet says why not)."""

from __future__ import annotations

import io
import json

import gpxpy
import openpyxl
import pyogrio
import pytest
from lxml import etree

from layers.access import system
from layers.errors import LayersError
from layers.exporters.formats import FORMATS, ExportOptions, export
from layers.exporters.selection import EXPORTABLE, select
from layers.query import FilterSpec
from tests.layers.export.readers import zip_members

SEA = ((118.0, 8.0), (118.5, 8.0), (118.5, 8.5), (118.0, 8.5), (118.0, 8.0))  # open sea, no record
NOTHING = FilterSpec(area=SEA)


@pytest.fixture(scope="module")
def empty(demo_store):
    chosen = select(demo_store, EXPORTABLE, NOTHING, system())
    assert chosen.total() == 0
    return chosen


@pytest.mark.parametrize("format_name", [f for f in FORMATS if f != "pdf"])
def test_an_empty_selection_gives_an_empty_valid_file(format_name, empty, tmp_path, kml_schema, gpx_schema):
    result = export(empty, format_name, ExportOptions())
    assert result.written["reports"] == 0
    data = result.data
    if format_name == "geojson":
        for body in zip_members(data).values():
            assert json.loads(body)["features"] == []
    elif format_name == "gpkg":
        path = tmp_path / "e.gpkg"
        path.write_bytes(data)
        info = pyogrio.read_info(path, layer="reports")
        assert info["features"] == 0 and info["geometry_type"] == "Point"
        assert pyogrio.read_info(path, layer="trips")["geometry_type"] == "MultiLineString"
    elif format_name == "shp":
        path = tmp_path / "e.zip"
        path.write_bytes(data)
        assert pyogrio.read_info(f"/vsizip/{path}/reports.shp")["geometry_type"] == "Point"
        assert pyogrio.read_info(f"/vsizip/{path}/trips.shp")["geometry_type"] in ("LineString", "MultiLineString")
    elif format_name in ("kml", "kmz"):
        document = zip_members(data)["doc.kml"] if format_name == "kmz" else data
        assert kml_schema.validate(etree.parse(io.BytesIO(document)))
    elif format_name == "gpx":
        assert gpx_schema.validate(etree.parse(io.BytesIO(data)))
        assert gpxpy.parse(data.decode()).waypoints == []
    elif format_name == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data))["Tin báo mộ liệt sĩ"]
        assert sheet.max_row == 1  # the header only
    elif format_name == "csv":
        assert all(body.decode("utf-8-sig").count("\n") == 1 for body in zip_members(data).values())


def test_an_empty_field_sheet_is_refused_with_a_reason(empty):
    with pytest.raises(LayersError, match="Không có tin báo nào"):
        export(empty, "pdf", ExportOptions())
