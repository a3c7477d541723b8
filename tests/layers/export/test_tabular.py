"""CSV and XLSX: read back by pandas and openpyxl, coordinates in four systems, no formula runs."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from geo.coords import parse
from layers.exporters.formats import ExportOptions, export
from layers.exporters.records import COORDINATE_HEADERS
from layers.exporters.selection import Selection
from layers.labels import short_code
from tests.layers.export.conftest import HOSTILE
from tests.layers.export.readers import zip_members


def _reports(selection: Selection) -> Selection:
    return Selection(selection.spec, {"reports": selection.frames["reports"]})


def test_csv_reads_back_with_the_same_rows_and_coordinates(quang_tri):
    data = export(_reports(quang_tri), "csv", ExportOptions()).data
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 diacritics with the byte order mark
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype={"Mã": str})
    frame = quang_tri.frames["reports"]
    assert list(back["id"]) == list(frame["id"])
    lat, lon = COORDINATE_HEADERS["vi"][:2]
    for (_, row), (_, read) in zip(frame.iterrows(), back.iterrows(), strict=True):
        if row.geometry is None:
            assert pd.isna(read[lat])
            continue
        assert abs(read[lat] - row.geometry.y) <= 1e-6 and abs(read[lon] - row.geometry.x) <= 1e-6
        assert read["Mã"] == short_code(row["id"])


def test_dms_mgrs_and_vn2000_columns_point_at_the_same_place(quang_tri):
    data = export(_reports(quang_tri), "csv", ExportOptions()).data
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig").dropna(subset=["MGRS"]).head(25)
    lat, lon, dms, grid, x, y, _ = COORDINATE_HEADERS["vi"]
    assert len(back) == 25
    for _, row in back.iterrows():
        read_dms = parse(row[dms], datum="wgs84")
        read_grid = parse(row[grid], datum="wgs84")
        read_xy = parse(f"X = {row[x]} m, Y = {row[y]} m", province=row["Tỉnh cũ (2008–2025)"])
        assert abs(read_dms.lat - row[lat]) < 1e-4 and abs(read_dms.lon - row[lon]) < 1e-4  # 0.1″
        assert abs(read_grid.lat - row[lat]) < 2e-5 and abs(read_grid.lon - row[lon]) < 2e-5  # 1 m grid
        assert abs(read_xy.lat - row[lat]) < 1e-6 and abs(read_xy.lon - row[lon]) < 1e-6


def test_english_headers_are_a_switch(quang_tri):
    data = export(_reports(quang_tri), "csv", ExportOptions(lang="en")).data
    header = data.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Code,Martyr name(s)") and "Latitude (WGS84)" in header and "Họ tên" not in header


def test_no_cell_starts_a_formula_in_csv_or_xlsx(everything):
    hostile = everything.frames["reports"][everything.frames["reports"]["witness_name"] == HOSTILE["witness_name"]]
    one = Selection(everything.spec, {"reports": hostile})
    text = export(one, "csv", ExportOptions()).data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+Tiểu đoàn 8" in text and "'-Cạnh gốc đa" in text
    book = openpyxl.load_workbook(io.BytesIO(export(one, "xlsx", ExportOptions()).data))
    cells = [c for row in book.active.iter_rows() for c in row if c.value is not None]
    assert not any(c.data_type == "f" for c in cells)  # no formula cell: the value is kept exactly, as text
    risky = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value for c in risky} >= {HOSTILE["martyr_names"], HOSTILE["unit"], HOSTILE["place_description"]}
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)


def test_xlsx_has_a_sheet_per_layer_with_the_same_rows(quang_tri):
    book = openpyxl.load_workbook(io.BytesIO(export(quang_tri, "xlsx", ExportOptions()).data))
    assert book.sheetnames == ["Tin báo mộ liệt sĩ", "Chiến trường xưa", "Nghĩa trang liệt sĩ", "Chuyến tìm kiếm"]
    sheet = book["Tin báo mộ liệt sĩ"]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert [r[header.index("id")] for r in body] == list(quang_tri.frames["reports"]["id"])
    year = header.index("Từ năm")
    assert all(isinstance(r[year], int) for r in body if r[year] is not None)


def test_several_layers_of_csv_come_as_one_zip(quang_tri):
    result = export(quang_tri, "csv", ExportOptions())
    assert result.filename == f"tat-ca_quang-tri_{ExportOptions().today.isoformat()}_csv.zip"
    assert sorted(zip_members(result.data)) == sorted(
        f"{stem}_quang-tri_{ExportOptions().today.isoformat()}.csv"
        for stem in ("tin-bao", "chien-truong", "nghia-trang", "chuyen-di")
    )
