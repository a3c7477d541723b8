"""District, commune and approximate areas in every export, read back by independent readers:
names where people read them, codes and names in GIS files, the position source marked, and a
report located only by its place name never written as a measured point or waypoint."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import timedelta

import openpyxl
import pyogrio
import pytest
from lxml import etree
from pypdf import PdfReader

from geo.communes import districts_matching
from layers.access import system
from layers.campaign import custom_period, vietnam_today
from layers.exporters.campaign_report import report_of, report_pdf, report_xlsx
from layers.exporters.formats import FORMATS, ExportOptions, export
from layers.exporters.selection import select
from layers.importers.reports import import_reports
from layers.labels import short_code
from layers.query import FilterSpec
from layers.store import Store
from tests.conftest import _postgresql_url
from tests.layers.export.readers import all_text

KML = {"k": "http://www.opengis.net/kml/2.2"}
GPX = {"g": "http://www.topografix.com/GPX/1/1"}
MEASURED, PLACE_ONLY, NOWHERE = "Hoàng Văn Đo", "Nguyễn Văn Địa", "Trần Văn Không"
WITNESS_PHONE = "0977 246 810"
FILE = "\n".join(
    [
        "Họ tên liệt sĩ;Mô tả vị trí;Tỉnh;Tọa độ;Họ tên nhân chứng;Điện thoại nhân chứng",
        f"{MEASURED};cạnh đường 75, Gio Linh;;16.9260, 107.0000;Ông Kín Đáo;{WITNESS_PHONE}",
        f"{PLACE_ONLY};đồi sau trường cấp 2 xã Gio An, huyện Gio Linh;;;Bà Giấu Tên;{WITNESS_PHONE}",
        f"{NOWHERE};gốc đa đầu làng;Quảng Trị;;;",
    ]
).encode("utf-8")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def gio_linh(request, tmp_path_factory):
    """A store holding a measured report in Gio Linh, one read from "xã Gio An, huyện Gio Linh"
    and one with no place at all, on each backend; the reports by martyr."""
    if request.param == "sqlite":
        urls = iter([f"sqlite:///{tmp_path_factory.mktemp('places') / 'p.sqlite'}"])
    else:
        urls = _postgresql_url()
    store = Store.open(next(urls))
    result = import_reports(store, "gio-linh.csv", FILE, viewer=system())
    assert (result.accepted, result.approximate, result.unlocated) == (1, 1, 1)
    frame = store.frame("reports", system())
    rows = {r["martyr_names"]: r for r in frame.to_dict("records")}
    yield store, rows
    store.engine.dispose()
    next(urls, None)  # drops the PostgreSQL database


@pytest.fixture(scope="module")
def selection(gio_linh):
    store, _ = gio_linh
    return select(store, ("reports",), FilterSpec(), system())


def _file(selection, format_name: str, audience: str = "partner") -> bytes:
    return export(selection, format_name, ExportOptions(audience=audience)).data


def _district_code() -> str:
    (code,) = districts_matching("Gio Linh")
    return code


def test_the_store_reads_gio_an_as_an_area_and_the_point_in_gio_linh(gio_linh):
    _, rows = gio_linh
    assert rows[PLACE_ONLY]["position_source"] == "place_name" and rows[PLACE_ONLY]["geometry"] is None
    assert rows[MEASURED]["position_source"] == "measured" and rows[MEASURED]["geometry"] is not None
    assert rows[PLACE_ONLY]["district_63"] == rows[MEASURED]["district_63"] == _district_code()


def _csv_rows(selection) -> dict[str, dict]:
    text = _file(selection, "csv").decode("utf-8-sig")
    return {r["Họ tên liệt sĩ"]: r for r in csv.DictReader(io.StringIO(text))}


def test_csv_names_district_and_communes_and_marks_where_each_position_comes_from(selection):
    rows = _csv_rows(selection)
    for name in (MEASURED, PLACE_ONLY):
        assert rows[name]["Huyện (2008–2025)"] == "Huyện Gio Linh"
        assert rows[name]["Xã (2008–2025)"].startswith(("Xã ", "Thị trấn "))
        assert rows[name]["Xã (hiện nay)"].startswith(("Xã ", "Phường ", "Đặc khu "))
    assert rows[PLACE_ONLY]["Xã (2008–2025)"] == "Xã Gio An"
    assert [rows[n]["Nguồn vị trí"] for n in (MEASURED, PLACE_ONLY, NOWHERE)] == [
        "Có tọa độ",
        "Ước lượng theo địa danh",
        "Chưa xác định",
    ]


def test_csv_gives_a_place_only_report_its_area_but_no_coordinates(selection, gio_linh):
    _, stored = gio_linh
    row = _csv_rows(selection)[PLACE_ONLY]
    assert row["Vĩ độ (WGS84)"] == row["Kinh độ (WGS84)"] == row["MGRS"] == ""
    assert float(row["Vĩ độ tâm vùng ước lượng"]) == pytest.approx(stored[PLACE_ONLY]["area_lat"])
    assert float(row["Bán kính vùng ước lượng (m)"]) > 0
    assert "Xã Gio An" in row["Địa danh của vùng ước lượng"]
    measured = _csv_rows(selection)[MEASURED]
    assert float(measured["Vĩ độ (WGS84)"]) == pytest.approx(16.926) and measured["Vĩ độ tâm vùng ước lượng"] == ""


def test_xlsx_names_the_units_and_keeps_the_area_numbers_as_numbers(selection):
    book = openpyxl.load_workbook(io.BytesIO(_file(selection, "xlsx")))
    header, *body = list(book["Tin báo mộ liệt sĩ"].iter_rows(values_only=True))
    rows = {r[header.index("Họ tên liệt sĩ")]: dict(zip(header, r, strict=True)) for r in body}
    place = rows[PLACE_ONLY]
    assert (place["Huyện (2008–2025)"], place["Xã (2008–2025)"]) == ("Huyện Gio Linh", "Xã Gio An")
    assert place["Nguồn vị trí"] == "Ước lượng theo địa danh" and place["Vĩ độ (WGS84)"] is None
    assert isinstance(place["Bán kính vùng ước lượng (m)"], int | float)
    assert rows[MEASURED]["Nguồn vị trí"] == "Có tọa độ"


def _check_gis(back, stored) -> None:
    """Codes and names side by side, the source marked, the place-only report's geometry null."""
    by_name = back.set_index("martyrs" if "martyrs" in back else "martyr_names")
    place, point = by_name.loc[PLACE_ONLY], by_name.loc[MEASURED]
    short = "dist_63" in back.columns
    code, name = ("dist_63", "dist_63_nm") if short else ("district_63", "district_63_name")
    commune = "comm_63_nm" if short else "commune_63_name"
    source = "pos_source" if short else "position_source"
    radius = "area_rad_m" if short else "area_radius_m"
    assert place[code] == point[code] == _district_code()
    assert place[name] == point[name] == "Huyện Gio Linh"
    assert place[commune] == "Xã Gio An"
    assert (place[source], point[source], by_name.loc[NOWHERE, source]) == ("place_name", "measured", "unknown")
    assert place.geometry is None  # no measured point, as for any unlocated report
    assert point.geometry is not None and abs(point.geometry.y - 16.926) < 1e-6
    assert place["area_lat"] == pytest.approx(stored[PLACE_ONLY]["area_lat"])
    assert place["area_lon"] == pytest.approx(stored[PLACE_ONLY]["area_lon"])
    assert place[radius] == pytest.approx(stored[PLACE_ONLY]["area_radius_m"])
    assert "Xã Gio An" in place["area_place"]


def test_geojson_keeps_codes_adds_names_and_leaves_a_place_only_geometry_null(selection, gio_linh):
    _check_gis(pyogrio.read_dataframe(_file(selection, "geojson")), gio_linh[1])


def test_geopackage_carries_the_same_columns_and_a_null_geometry(selection, gio_linh, tmp_path):
    path = tmp_path / "gio-linh.gpkg"
    path.write_bytes(_file(selection, "gpkg"))
    _check_gis(pyogrio.read_dataframe(path, layer="reports"), gio_linh[1])


def test_shapefile_carries_the_short_names_and_a_null_shape(selection, gio_linh, tmp_path):
    path = tmp_path / "gio-linh.zip"
    path.write_bytes(_file(selection, "shp"))
    back = pyogrio.read_dataframe(f"/vsizip/{path}/reports.shp")
    assert all(len(c) <= 10 for c in back.columns)
    _check_gis(back, gio_linh[1])


def _kml(selection) -> etree._ElementTree:
    return etree.parse(io.BytesIO(_file(selection, "kml")))


def test_kml_draws_the_place_only_report_as_an_area_in_its_own_folder_without_a_pin(selection, gio_linh, kml_schema):
    tree = _kml(selection)
    assert kml_schema.validate(tree), kml_schema.error_log.last_error
    _, stored = gio_linh
    code = short_code(stored[PLACE_ONLY]["id"])
    folder = tree.find(".//k:Folder[k:name='Vùng ước lượng theo địa danh']", KML)
    (mark,) = folder.findall("k:Placemark", KML)
    assert mark.findtext("k:name", namespaces=KML).startswith(f"≈ {code}")
    assert mark.find("k:Point", KML) is None
    ring = mark.findtext("k:Polygon/k:outerBoundaryIs/k:LinearRing/k:coordinates", namespaces=KML).split()
    lats = [float(c.split(",")[1]) for c in ring[:-1]]  # the ring closes on its first vertex
    area = stored[PLACE_ONLY]
    assert sum(lats) / len(lats) == pytest.approx(area["area_lat"], abs=1e-3)
    reach = max(abs(lat - area["area_lat"]) for lat in lats) * 111_320
    assert reach == pytest.approx(area["area_radius_m"], rel=0.02)  # the area's radius, not a dot
    assert "Ước lượng theo địa danh" in mark.findtext("k:description", namespaces=KML)
    style = tree.find(f".//k:Style[@id='{mark.findtext('k:styleUrl', namespaces=KML)[1:]}']", KML)
    assert style.find("k:IconStyle", KML) is None and style.find("k:LineStyle", KML) is not None
    points = [m.findtext("k:name", namespaces=KML) for m in tree.iterfind(".//k:Placemark[k:Point]", KML)]
    assert points == [f"{short_code(stored[MEASURED]['id'])} {MEASURED}"]  # no pin for the area


def test_kml_descriptions_name_the_district_and_commune(selection):
    tree = _kml(selection)
    point = tree.find(".//k:Placemark[k:Point]", KML)
    description = point.findtext("k:description", namespaces=KML)
    assert "Huyện Gio Linh" in description and "Có tọa độ" in description


def test_gpx_writes_no_waypoint_for_the_place_only_report_and_says_how_many_it_left_out(
    selection, gio_linh, gpx_schema
):
    data = _file(selection, "gpx")
    tree = etree.parse(io.BytesIO(data))
    assert gpx_schema.validate(tree), gpx_schema.error_log.last_error
    names = [w.findtext("g:name", namespaces=GPX) for w in tree.iterfind("g:wpt", GPX)]
    assert names == [f"{short_code(gio_linh[1][MEASURED]['id'])} {MEASURED}"]
    assert not any(PLACE_ONLY in n or n.startswith("≈") for n in names)
    desc = tree.findtext("g:metadata/g:desc", namespaces=GPX)
    assert "1 tin báo chỉ ước lượng theo địa danh" in desc and "1 tin báo chưa xác định" in desc
    waypoint = tree.findtext("g:wpt/g:desc", namespaces=GPX)
    assert "Huyện Gio Linh" in waypoint and "Nguồn vị trí: Có tọa độ" in waypoint
    plain = etree.parse(io.BytesIO(export(selection, "gpx", ExportOptions(ascii=True)).data))
    assert "uoc luong theo dia danh" in plain.findtext("g:metadata/g:desc", namespaces=GPX)


def _sheet_text(selection, audience: str = "partner") -> str:
    reader = PdfReader(io.BytesIO(_file(selection, "pdf", audience)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_field_sheet_prints_district_commune_and_the_estimated_area_instead_of_no_coordinates(selection, gio_linh):
    text = _sheet_text(selection)
    area = gio_linh[1][PLACE_ONLY]
    km = f"{area['area_radius_m'] / 1000:.1f}".replace(".", ",")
    assert f"Vị trí ước lượng theo địa danh: {area['area_place']}, bán kính ± {km} km" in text
    assert text.count("Chưa có tọa độ – tìm theo mô tả vị trí") == 1  # the report with no place only
    assert text.count("Huyện, xã Huyện Gio Linh – Xã ") == 2  # both reports, district then commune
    assert "Huyện Gio Linh – Xã Gio An (nay Xã " in text  # and today's commune
    assert "trung tâm gần điểm nhất: ước lượng" in text  # a measured point's commune is approximate
    assert "vòng nét đứt: vùng ước lượng theo địa danh" in text  # the overview map's legend
    assert text.count("MGRS") == 1


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_partner_files_with_the_place_columns_carry_no_witness_data(format_name, selection):
    text = all_text(format_name, _file(selection, format_name))
    assert MEASURED in text  # the file was read
    for secret in (WITNESS_PHONE, "Ông Kín Đáo", "Bà Giấu Tên"):
        assert secret not in text, (format_name, secret)


def test_team_field_sheet_still_carries_the_witness_contact(selection):
    assert WITNESS_PHONE in _sheet_text(selection, "team")


def test_campaign_report_counts_the_three_position_sources_apart(gio_linh):
    store, _ = gio_linh
    today = vietnam_today()
    report = report_of(store, system(), "Toàn Hội", None, custom_period(today - timedelta(days=30), today), today)
    assert report.figures.reports_received == 3
    assert report.positions == {"measured": 1, "place_name": 1, "unknown": 1}
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
    cover = {row[0]: row[1] for row in book["Bìa"].iter_rows(values_only=True) if row and row[0]}
    assert cover["Tin báo tiếp nhận"] == 3
    assert [cover[f"Trong đó: {k}"] for k in ("có tọa độ", "ước lượng theo địa danh", "chưa xác định")] == [1, 1, 1]
    pdf = PdfReader(io.BytesIO(report_pdf(report)))
    text = unicodedata.normalize("NFC", " ".join(" ".join(p.extract_text() for p in pdf.pages).split()))
    assert "Trong đó: ước lượng theo địa danh 1" in text and "Trong đó: có tọa độ 1" in text
