"""What becomes of the rows of each trap in the hostile corpus: nothing garbled, lost or
counted twice, and each refusal saying the limit or the line."""

from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy as sa

from layers.access import system
from layers.exporters.formats import ExportOptions, export
from layers.exporters.selection import EXPORTABLE, select
from layers.importers import limits
from layers.importers.errors import UnreadableFile
from layers.importers.reports import import_reports, rejected_csv, stored_rejections
from layers.importers.trips import import_trips
from layers.query import FilterSpec
from layers.seed import seed_reference
from layers.tables import METADATA
from tests.data.hostile.build import CORPUS, path

ENTRIES = {e.name: e for e in CORPUS}


@pytest.fixture
def ready(any_store):
    """An installation after `init`, on SQLite and on PostgreSQL."""
    seed_reference(any_store)
    return any_store


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    return tmp_path_factory.mktemp("large")


def _bytes(name: str, folder=None) -> bytes:
    return path(ENTRIES[name], folder).read_bytes()


def _reports(store):
    return store.frame("reports", system())


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("kmz_bomb.kmz", f"quá giới hạn {limits.UNPACKED_BYTES // limits.MIB} MB"),
        ("xlsx_bomb_sheet.xlsx", f"quá giới hạn {limits.UNPACKED_BYTES // limits.MIB} MB"),
        ("xlsx_million_rows.xlsx", "hơn 100.000 dòng"),
        ("csv_two_million_rows.csv", "hơn 100.000 dòng"),
        ("kmz_many_members.kmz", "quá giới hạn 2.000"),
        ("xlsx_shared_strings_bomb.xlsx", f"quá giới hạn {limits.WHOLE_PART_BYTES // limits.MIB} MB"),
        ("xlsx_wide_row.xlsx", "hơn 2.000.000 ô"),
        ("ods_repeat_bomb.ods", "hơn 100.000 dòng"),
    ],
)
def test_bombs_are_refused_by_their_unpacked_size_or_row_count_saying_the_limit(ready, large, name, says):
    with pytest.raises(UnreadableFile) as refused:
        import_reports(ready, name, _bytes(name, large))
    assert says in str(refused.value)
    assert ready.count("reports", system()) == 0


def test_a_kml_typing_the_phone_as_a_number_keeps_the_phone_as_written(ready):
    result = import_reports(ready, "typed.kml", _bytes("kml_typed_phone.kml"))
    assert (result.accepted, result.rejected) == (1, 2)  # "1 hoặc 2" and "khoảng 1970" are no numbers
    assert set(_reports(ready)["witness_phone"]) == {"0912 000 111"}  # not 912
    kept = {r["values"]["Điện thoại nhân chứng"] for r in result.rejected_rows}
    assert kept == {"0987654321", "+84 915 222 333"}  # as written, the leading zero too


def test_one_stray_quote_loses_one_line_and_says_which(ready):
    result = import_reports(ready, "stray.csv", _bytes("csv_stray_quote.csv"))
    assert result.rows_read == 300
    assert (result.accepted, result.rejected) == (299, 1)
    reason = result.rejected_rows[0]["reason"]
    assert "Dòng 11 của tệp" in reason and "ngoặc kép" in reason
    assert "Nguyễn Văn Mười" in result.rejected_rows[0]["values"]["Dòng gốc"]  # kept to be fixed


def test_two_stray_quotes_lose_two_lines_and_a_real_multi_line_cell_is_one_row(ready):
    two = import_reports(ready, "two.csv", _bytes("csv_two_stray_quotes.csv"))
    assert (two.rows_read, two.accepted, two.rejected) == (120, 118, 2)
    legit = import_reports(ready, "multi.csv", _bytes("csv_multiline_legit.csv"))
    assert (legit.rows_read, legit.accepted, legit.rejected) == (5, 5, 0)
    assert any("\n" in text for text in _reports(ready)["place_description"].dropna())


def test_one_windows_1258_line_among_utf8_is_read_right_and_said(ready):
    result = import_reports(ready, "mixed.csv", _bytes("csv_mixed_encoding.csv"))
    assert result.accepted == 20
    names = set(_reports(ready)["martyr_names"])
    assert "Nguyễn Đức Thưởng" in names
    assert not any("Ã" in n or "�" in n for n in names)  # no mojibake in the other rows
    assert any("Windows-1258" in note for note in result.notes)


def test_a_unit_merged_over_rows_reaches_every_row(ready):
    import_reports(ready, "merged.xlsx", _bytes("xlsx_merged_unit.xlsx"))
    assert sorted(_reports(ready)["unit"]) == ["C552"] * 4 + ["Đội 65"] * 2


def test_the_sheet_with_recognised_headers_is_read_not_the_instructions(ready):
    result = import_reports(ready, "book.xlsx", _bytes("xlsx_instructions_first.xlsx"))
    assert (result.sheet, result.accepted + result.unlocated) == ("Tin báo", 4)


def test_a_workbook_with_no_recognised_sheet_is_refused_listing_its_sheets(ready):
    book = openpyxl.Workbook()
    book.active.title = "Hướng dẫn"
    book.active.append(["Điền mỗi tin báo một dòng"])
    book.create_sheet("Ghi nhớ").append(["Gọi cho Hội trước khi đi"])
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(UnreadableFile) as refused:
        import_reports(ready, "book.xlsx", data.getvalue())
    assert "Hướng dẫn, Ghi nhớ" in str(refused.value)


def test_the_same_rows_with_headers_spelled_without_diacritics_are_duplicates(ready):
    first = import_reports(ready, "plain.csv", _bytes("csv_headers_plain.csv"))
    again = import_reports(ready, "ascii.csv", _bytes("csv_headers_ascii.csv"))
    assert first.accepted + first.unlocated == 8
    assert (again.accepted, again.unlocated, again.duplicates) == (0, 0, 8)
    assert ready.count("reports", system()) == 8


def test_a_wrong_datum_is_said_on_reimport_and_fixed_when_asked(ready):
    data = _bytes("csv_grid_no_datum.csv")
    import_reports(ready, "grid.csv", data)  # a grid without a datum is read on Indian 1960
    before = _reports(ready).set_index("row_hash")
    again = import_reports(ready, "grid.csv", data, datum="hanoi1972")
    assert (again.duplicates, again.datum_conflicts, again.datum_fixed) == (4, 4, 0)
    assert any("--fix-datum" in note for note in again.notes)
    fixed = import_reports(ready, "grid.csv", data, datum="hanoi1972", fix_datum=True)
    assert (fixed.duplicates, fixed.datum_fixed) == (4, 4)
    after = _reports(ready).set_index("row_hash")
    assert len(after) == 4 and set(after["coord_datum"]) == {"hanoi1972"}
    moved = before.geometry.to_crs(3405).distance(after.geometry.to_crs(3405).reindex(before.index))
    assert (moved > 1).all() and (after["version"] == 2).all()


def test_long_text_is_kept_up_to_the_limit_and_a_longer_cell_rejects_its_row(ready, large):
    result = import_reports(ready, "long.csv", _bytes("csv_long_text.csv", large))
    assert (result.accepted + result.unlocated, result.rejected) == (2, 1)
    assert "tối đa 100.000" in result.rejected_rows[0]["reason"]
    letter = max(_reports(ready)["place_description"].dropna(), key=len)
    assert len(letter) >= 40_000 and letter.endswith("HẾT-THƯ-40000")


def test_xlsx_export_splits_a_cell_longer_than_excel_holds(ready, large):
    import_reports(ready, "long.csv", _bytes("csv_long_text.csv", large))
    letter = max(_reports(ready)["place_description"].dropna(), key=len)
    data = export(select(ready, ("reports",), FilterSpec(), system()), "xlsx", ExportOptions()).data
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    header = [c.value for c in sheet[1]]
    first = header.index("Mô tả vị trí (lời nhân chứng)")
    assert header[first + 1] == "Mô tả vị trí (lời nhân chứng) (tiếp 2)"
    rows = [[c.value or "" for c in row] for row in sheet.iter_rows(min_row=2)]
    joined = {row[first] + row[first + 1] for row in rows}
    assert letter in joined


@pytest.mark.parametrize("name", ["xls_legacy.xls", "ods_legacy.ods"])
def test_old_office_workbooks_are_read_and_say_formulas_are_unchecked(ready, name):
    result = import_reports(ready, name, _bytes(name))
    assert result.rows_read == 4 and result.accepted + result.unlocated + result.rejected == 4
    assert any("công thức" in note and "không kiểm tra được" in note for note in result.notes)
    assert "0912 000 111" in set(_reports(ready)["witness_phone"])


def test_points_abroad_get_their_country_and_points_in_china_or_at_sea_are_rejected(ready):
    result = import_reports(ready, "foreign.csv", _bytes("csv_foreign_points.csv"))
    assert (result.accepted, result.rejected) == (4, 3)
    reasons = " ".join(r["reason"] for r in result.rejected_rows)
    assert reasons.count("nằm ngoài lãnh thổ Việt Nam, Lào và Campuchia") == 3
    places = _reports(ready).set_index("country")
    assert set(places.index) == {"VN", "LA", "KH"}
    assert places.loc["LA", "abroad_province"].startswith("LA-")
    assert places.loc["KH", "abroad_province"].startswith("KH-")


def test_the_rejects_csv_neutralises_its_header_too(ready):
    result = import_reports(ready, "formula.csv", _bytes("csv_formula_header.csv"))
    text = rejected_csv(result.rejected_rows).decode("utf-8-sig")
    header = text.splitlines()[0]
    assert "'=HYPERLINK" in header and "'@SUM" in header


def test_a_track_at_latitude_999_is_rejected_kept_and_exports_still_work(ready):
    result = import_trips(ready, "bad.gpx", _bytes("gpx_lat_999.gpx"))
    assert (result.accepted, result.rejected) == (0, 1)
    assert "999" in result.rejected_rows[0]["reason"]
    kept = stored_rejections(ready, system(), result.import_id)
    assert len(kept) == 1 and kept[0]["values"]["Số điểm"]
    for format_name in ("csv", "xlsx"):
        export(select(ready, EXPORTABLE, FilterSpec(), system()), format_name, ExportOptions())


def test_a_paris_london_track_is_rejected_and_adds_no_kilometre(ready):
    result = import_trips(ready, "paris.gpx", _bytes("gpx_paris_london.gpx"))
    assert (result.accepted, result.rejected) == (1, 1)
    assert "nằm ngoài Việt Nam, Lào và Campuchia" in result.rejected_rows[0]["reason"]
    bounds = ready.frame("trips", system()).total_bounds
    assert bounds[0] > 102 and bounds[2] < 118  # only the Quảng Trị track is stored


def test_one_bad_track_or_timestamp_no_longer_refuses_the_file(ready):
    result = import_trips(ready, "mixed.gpx", _bytes("gpx_mixed_tracks.gpx"))
    assert (result.rows_read, result.accepted, result.rejected) == (5, 2, 3)
    reasons = " ".join(result.reasons)
    assert "một điểm" in reasons and "1900-01-01" in reasons and "2099-01-01" in reasons
    with ready.engine.connect() as connection:
        stored = connection.execute(sa.select(sa.func.count()).select_from(METADATA.tables["rejected_rows"])).scalar()
    assert stored == 3


def test_waypoint_labels_stay_out_of_a_trips_public_notes(ready):
    import_trips(ready, "wpt.gpx", _bytes("gpx_waypoint_phone.gpx"))
    trip = ready.frame("trips", system()).iloc[0]
    assert "0912 000 111" in trip["waypoints"] and "0912" not in str(trip["notes"])


def _csv(*lines: str) -> bytes:
    return "\n".join(lines).encode("utf-8")


def test_a_multi_line_cell_holding_commas_stays_one_row(ready):
    data = _csv(
        "Họ tên liệt sĩ,Đơn vị,Mô tả vị trí (lời nhân chứng),Tọa độ gốc",
        'Lê Văn Một,C552,"Nhà ông Ba,',
        "Thôn 3, xã Triệu Ái, huyện Triệu Phong, Quảng Trị",
        'cạnh cây đa","16.74, 107.19"',
        'Lê Văn Hai,C552,bờ suối,"16.75, 107.19"',
    )
    result = import_reports(ready, "multi.csv", data)
    assert (result.rows_read, result.accepted, result.rejected) == (2, 2, 0)
    assert set(_reports(ready)["martyr_names"]) == {"Lê Văn Một", "Lê Văn Hai"}


def test_a_stray_quote_in_rows_narrower_than_the_header_loses_one_line(ready):
    lines = ["Họ tên liệt sĩ,Tọa độ gốc,Đơn vị,Ghi chú"]
    quote = '"'
    lines += [f"{quote if i == 10 else ''}Liệt sĩ {i},{quote}16.{i:03d}, 107.1{quote}" for i in range(1, 301)]
    result = import_reports(ready, "narrow.csv", _csv(*lines))
    assert (result.rows_read, result.accepted, result.rejected) == (300, 299, 1)
    assert "Dòng 11 của tệp" in result.rejected_rows[0]["reason"]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (_csv('"Họ tên liệt sĩ,Đơn vị', "A,C1", "B,C2"), "Hàng tiêu đề (dòng 1 của tệp)"),
        (_csv("Họ tên liệt sĩ,Đơn vị"), "chỉ có hàng tiêu đề"),
        (b",\n" * 500_000, "hơn 100.000 dòng"),
    ],
)
def test_a_broken_header_a_header_alone_or_a_sea_of_empty_lines_is_refused(ready, data, says):
    with pytest.raises(UnreadableFile) as refused:
        import_reports(ready, "x.csv", data)
    assert says in str(refused.value)


def test_a_title_above_the_header_is_skipped_and_said(ready):
    book = openpyxl.Workbook()
    book.active.append(["DANH SÁCH TIN BÁO MỘ LIỆT SĨ – HỘI CAM LỘ"])
    book.active.append([])
    book.active.append(["Họ tên liệt sĩ", "Đơn vị", "Tọa độ gốc"])
    book.active.append(["Lê Văn Ba", "C552", "16.74, 107.19"])
    data = io.BytesIO()
    book.save(data)
    result = import_reports(ready, "title.xlsx", data.getvalue())
    assert (result.rows_read, result.accepted) == (1, 1)
    assert any("phía trên hàng tiêu đề" in note for note in result.notes)


def test_a_block_merged_over_two_columns_fills_only_its_first_column(ready):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Họ tên liệt sĩ", "Đơn vị", "Ghi chú", "Tọa độ gốc"])
    sheet.append(["A", "C552", None, "16.74, 107.19"])
    sheet.append(["B", None, None, "16.75, 107.19"])
    sheet.merge_cells("B2:C3")
    data = io.BytesIO()
    book.save(data)
    import_reports(ready, "block.xlsx", data.getvalue())
    reports = _reports(ready)
    assert list(reports["unit"]) == ["C552", "C552"] and reports["notes"].isna().all()


def test_a_field_given_two_columns_is_refused(ready):
    data = _csv("Tên liệt sĩ,Tên 2", "A,B")
    with pytest.raises(UnreadableFile) as refused:
        import_reports(ready, "two.csv", data, mapping={"Tên liệt sĩ": "martyr_names", "Tên 2": "martyr_names"})
    assert "Tên liệt sĩ, Tên 2" in str(refused.value)


def test_a_gps_file_of_a_million_points_is_refused_before_it_is_read(ready, large):
    with pytest.raises(UnreadableFile) as refused:
        import_trips(ready, "big.gpx", _bytes("gpx_million_points.gpx", large))
    assert "1.050.000 điểm, quá giới hạn 1.000.000" in str(refused.value)


def test_a_kml_of_two_thousand_folders_is_read_whole(ready, large):
    result = import_reports(ready, "folders.kml", _bytes("kml_many_folders.kml", large))
    assert result.rows_read == 2000 and result.accepted + result.unlocated + result.rejected == 2000


def test_empty_rows_libreoffice_repeats_to_the_sheets_end_do_not_count_as_cells():
    import zipfile

    from layers.importers.files import _check_ods_extent

    content = (
        '<table:table table:name="Tin báo"><table:table-row><table:table-cell office:value-type="string">'
        "<text:p>Họ tên liệt sĩ</text:p></table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/>'
        "</table:table-row></table:table>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", content)
    with zipfile.ZipFile(buffer) as archive:
        _check_ods_extent(archive)  # one filled cell: far within the limits


def test_place_names_and_periods_with_traps_give_areas_and_years_only_where_they_are_sure(ready):
    result = import_reports(ready, "csv_place_names.csv", _bytes("csv_place_names.csv"), viewer=system())
    assert (result.rows_read, result.rejected) == (5, 0)
    assert result.approximate + result.unlocated == 5
    rows = _reports(ready).sort_values("martyr_names").to_dict("records")
    by_place = {str(r["place_description"])[-30:]: r for r in rows}
    scripted = next(r for r in rows if str(r["place_description"]).startswith("<script>"))
    assert scripted["position_source"] == "place_name" and "Gio An" in scripted["area_place"]
    assert (scripted["year_from"], scripted["year_to"]) == (1968, 1968)  # Tết Mậu Thân, markup or not
    other_province = by_place["gần ngã ba Đồng Lộc, Can Lộc"[-30:]]
    assert other_province["position_source"] == "unknown"  # Can Lộc is in Hà Tĩnh, the row says Quảng Trị
    assert other_province["area_lat"] != other_province["area_lat"]  # NaN: no area in another province
    assert (other_province["year_from"], other_province["year_to"]) == (1969, 1970)  # mùa khô năm Kỷ Dậu
    ambiguous = by_place["bờ suối xã Hòa An"]
    assert ambiguous["position_source"] == "unknown" and "nhiều nơi" in ambiguous["notes"]
    assert ambiguous["year_from"] == 1973  # tháng Chạp năm Nhâm Tý falls in January 1973
    commas = next(r for r in rows if str(r["place_description"]).startswith(",,,"))
    assert commas["year_from"] is None or commas["year_from"] != commas["year_from"]  # «năm Giáp Giáp» is no year
    long_text = next(r for r in rows if str(r["place_description"]).startswith("thôn 3"))
    assert long_text["position_source"] == "place_name" and "Vĩnh Linh" in long_text["area_place"]
    assert long_text["province_34"] == "VN-25"
