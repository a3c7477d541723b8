"""KML 2.2 and KMZ: valid against the OGC schema, folders per layer and province, styled by status."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from layers.exporters.formats import ExportOptions, export
from layers.exporters.kml import CIRCLE_VERTICES, kml_color
from layers.labels import short_code
from layers.schema import STATUSES
from tests.layers.export.conftest import HOSTILE

NS = {"k": "http://www.opengis.net/kml/2.2"}


def _tree(data: bytes) -> etree._ElementTree:
    return etree.parse(io.BytesIO(data))


def test_kml_validates_against_the_ogc_kml_2_2_schema(quang_tri, kml_schema):
    tree = _tree(export(quang_tri, "kml", ExportOptions()).data)
    assert tree.getroot().tag == "{http://www.opengis.net/kml/2.2}kml"
    assert kml_schema.validate(tree), kml_schema.error_log.last_error


def test_kml_folders_hold_each_layer_then_each_province(quang_tri):
    tree = _tree(export(quang_tri, "kml", ExportOptions()).data)
    top = [f.findtext("k:name", namespaces=NS) for f in tree.findall("k:Document/k:Folder", NS)]
    assert [name.split(" (")[0] for name in top] == [
        "Tin báo mộ liệt sĩ",
        "Chiến trường xưa",
        "Nghĩa trang liệt sĩ",
        "Chuyến tìm kiếm",
    ]
    reports = tree.find("k:Document/k:Folder", NS)
    provinces = [f.findtext("k:name", namespaces=NS) for f in reports.findall("k:Folder", NS)]
    assert any(p.startswith("Quảng Trị (") for p in provinces)


def test_kml_placemarks_are_the_located_reports_with_their_coordinates(quang_tri):
    tree = _tree(export(quang_tri, "kml", ExportOptions()).data)
    reports = quang_tri.frames["reports"]
    located = reports[reports.geometry.notna()]
    folder = tree.find("k:Document/k:Folder", NS)
    points = {}
    for mark in folder.iterfind("k:Folder/k:Placemark[k:Point]", NS):
        lon, lat, *_ = (float(v) for v in mark.findtext("k:Point/k:coordinates", namespaces=NS).split(","))
        points[mark.findtext("k:name", namespaces=NS).split(" ")[0]] = (lon, lat)
    assert len(points) == len(located)
    for _, row in located.iterrows():
        lon, lat = points[short_code(row["id"])]
        assert abs(lon - row.geometry.x) <= 1e-6 and abs(lat - row.geometry.y) <= 1e-6


def test_kml_styles_follow_the_status_colours_and_circles_are_polygons(quang_tri):
    tree = _tree(export(quang_tri, "kml", ExportOptions()).data)
    colours = {s.findtext("k:IconStyle/k:color", namespaces=NS) for s in tree.iterfind("k:Document/k:Style", NS)}
    assert {kml_color(t.color) for t in STATUSES} <= colours
    circles = tree.find("k:Document/k:Folder/k:Folder[k:name='Vùng sai số vị trí']", NS)
    rings = circles.findall("k:Placemark/k:Polygon/k:outerBoundaryIs/k:LinearRing/k:coordinates", NS)
    with_radius = (
        quang_tri.frames["reports"]["uncertainty_m"].fillna(0).gt(0) & quang_tri.frames["reports"].geometry.notna()
    )
    assert len(rings) == with_radius.sum()
    assert len(rings[0].text.split()) == CIRCLE_VERTICES + 1


def test_kml_trips_are_lines(quang_tri):
    tree = _tree(export(quang_tri, "kml", ExportOptions()).data)
    trips = tree.findall("k:Document/k:Folder", NS)[3]
    lines = trips.findall(".//k:Placemark/k:LineString", NS) + trips.findall(".//k:Placemark/k:MultiGeometry", NS)
    assert len(quang_tri.frames["trips"]) > 0 and len(lines) == quang_tri.frames["trips"].geometry.notna().sum()


def test_kml_description_escapes_user_text(everything):
    tree = _tree(export(everything, "kml", ExportOptions()).data)
    hostile = next(m for m in tree.iterfind(".//k:Placemark", NS) if "HYPERLINK" in m.findtext("k:name", namespaces=NS))
    description = hostile.findtext("k:description", namespaces=NS)  # the HTML a viewer renders
    assert "<script>" not in description and "&lt;script&gt;" in description
    assert "<b>bờ suối</b>" not in description


def test_kmz_holds_doc_kml_first_and_the_icon_it_uses(quang_tri, kml_schema):
    data = export(quang_tri, "kmz", ExportOptions()).data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        document = archive.read("doc.kml")
        icon = archive.read("files/dot.png")
    assert names[0] == "doc.kml" and icon[:8] == b"\x89PNG\r\n\x1a\n"
    tree = _tree(document)
    assert kml_schema.validate(tree)
    hrefs = {h.text for h in tree.iterfind(".//k:Icon/k:href", NS)}
    assert hrefs == {"files/dot.png"}
    assert HOSTILE["witness_phone"].encode() not in document
