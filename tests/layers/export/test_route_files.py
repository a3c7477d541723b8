"""The route files: the GPX validates against the GPX 1.1 XSD and gpxpy reads the stops in
walking order (waypoints "1. …", one route from the start); the KMZ holds numbered placemarks,
the line and the rings; the sheet prints the stops in order; a partner's copies carry no
witness data, a team's the contacts the person may see."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import gpxpy
import pytest
from lxml import etree

from layers.access import AccessDenied
from layers.exporters.itinerary import itinerary_pdf
from layers.exporters.route import route_gpx, route_kmz
from layers.planning import make_plan, plan_selection, plan_stops, read_start
from layers.store import Store
from tests.layers.paperwork import WITNESS, Paperwork, build_paperwork, flat, pdf_text

XSD = Path(__file__).resolve().parents[2] / "data" / "gpx" / "gpx.xsd"
START = "16.80, 107.05"


@pytest.fixture
def paperwork(tmp_path, monkeypatch, db_url) -> Paperwork:
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(tmp_path / "files"))
    return build_paperwork(Store.open(db_url))


def _files(paperwork: Paperwork, audience: str, username: str = "qt.tinh"):
    viewer = paperwork.campaign.viewer(username)
    stops = plan_stops(paperwork.store, viewer, site_ids=[paperwork.measured, paperwork.estimated])
    plan = make_plan(stops, read_start(START), "given")
    chosen = plan_selection(paperwork.store, viewer, plan, audience)
    gpx = route_gpx(plan, chosen, audience, "vi")
    kmz = route_kmz(plan, chosen, audience, "vi")
    pdf = itinerary_pdf(plan, chosen, audience, "vi", date(2026, 12, 1))
    return plan, gpx, kmz, pdf


def test_the_route_gpx_validates_against_the_gpx_1_1_schema(paperwork):
    _, gpx, _, _ = _files(paperwork, "team")
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    document = etree.fromstring(gpx)
    assert schema.validate(document), schema.error_log


def test_gpxpy_reads_the_measured_stops_in_walking_order_after_the_start(paperwork):
    plan, gpx, _, _ = _files(paperwork, "team")
    read = gpxpy.parse(gpx.decode("utf-8"))
    assert [w.name.split(".")[0] for w in read.waypoints] == ["1"]
    (route,) = read.routes
    assert (route.points[0].latitude, route.points[0].longitude) == (16.8, 107.05)
    assert [(p.latitude, p.longitude) for p in route.points[1:]] == [
        (round(s.lat, 7), round(s.lon, 7)) for s in plan.stops if not s.estimated
    ]
    assert "đường chim bay" in read.description


def test_an_estimated_area_is_no_gpx_point_and_the_file_names_it(paperwork):
    plan, gpx, _, _ = _files(paperwork, "team")
    (area,) = [s for s in plan.stops if s.estimated]
    read = gpxpy.parse(gpx.decode("utf-8"))
    points = [(p.latitude, p.longitude) for p in [*read.waypoints, *read.routes[0].points]]
    assert (round(area.lat, 7), round(area.lon, 7)) not in points
    assert "2. ≈ " in read.description and "ước lượng theo địa danh" in read.description


def test_a_partner_file_carries_no_witness_data_and_a_team_file_the_contacts(paperwork):
    _, team_gpx, team_kmz, team_pdf = _files(paperwork, "team")
    assert WITNESS["witness_phone"] in team_gpx.decode("utf-8")
    _, gpx, kmz, pdf = _files(paperwork, "partner")
    texts = [gpx.decode("utf-8"), zipfile.ZipFile(io.BytesIO(kmz)).read("doc.kml").decode("utf-8"), flat(pdf_text(pdf))]
    for text in texts:
        for value in (WITNESS["witness_phone"], WITNESS["witness_name"], "Hoàng Văn Sáu", "0905 111 222"):
            assert value not in text


def test_a_team_file_needs_the_right_to_make_one(paperwork):
    with pytest.raises(AccessDenied):
        _files(paperwork, "team", username="doitac")


def test_the_kmz_holds_numbered_placemarks_the_route_and_the_rings(paperwork):
    _, _, kmz, _ = _files(paperwork, "team")
    archive = zipfile.ZipFile(io.BytesIO(kmz))
    assert archive.namelist()[0] == "doc.kml" and "files/dot.png" in archive.namelist()
    doc = etree.fromstring(archive.read("doc.kml"))
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    names = [n.text for n in doc.iterfind(".//k:Placemark/k:name", ns)]
    assert (
        names[0].startswith("Lộ trình (2 điểm")
        and "1. " in " ".join(names)
        and any(n.startswith("2. ≈") for n in names)
    )
    assert len(doc.findall(".//k:LineString", ns)) == 1 and len(doc.findall(".//k:Polygon", ns)) == 2


def test_the_sheet_prints_the_stops_in_walking_order_with_the_legs(paperwork):
    plan, _, _, pdf = _files(paperwork, "team")
    text = flat(pdf_text(pdf))
    first, second = (text.find(f"{n}. ") for n in (1, 2))
    assert 0 < first < second
    assert "đường chim bay" in text and "Ghi chép tại điểm" in text
    assert "Vùng ước lượng theo địa danh (không phải điểm đo)" in text
