"""Place below the province: a report's district and commune, approximate areas for reports with
a place name and no coordinate, counted apart, filtered by district and commune on every path."""

import json

import pytest

from geo.communes import districts_matching
from layers.access import system
from layers.importers.reports import import_reports
from layers.places import MEASURED, PLACE_NAME, UNKNOWN, AdminNameError, admin_filter, position_counts
from layers.query import FilterSpec, apply, prepare
from layers.records import add_report, edit_report
from tests.cli_helpers import run_module

HEADER = "Họ tên liệt sĩ;Mô tả vị trí;Tỉnh;Tọa độ"
ROWS = [
    "Nguyễn Văn A;đồi sau trường cấp 2 xã Gio An, huyện Gio Linh;;",
    "Trần Văn B;gần ngã ba Đồng Lộc, Can Lộc;;",
    "Lê Văn C;bờ suối xã Hòa An;;",
    "Phạm Văn D;gốc đa đầu làng;Quảng Trị;",
    "Hoàng Văn E;cạnh đường 1;;16.9300, 107.0500",
]
PLACE_ONLY = ("\n".join([HEADER, *ROWS]) + "\n").encode("utf-8")


def _gio_linh() -> str:
    (code,) = districts_matching("Gio Linh")
    return code


@pytest.fixture
def imported(any_store):
    result = import_reports(any_store, "place_only.csv", PLACE_ONLY, viewer=system())
    return any_store, result


def _by_name(store) -> dict[str, dict]:
    frame = store.frame("reports", system())
    frame = frame.astype(object).where(frame.notna(), None)
    return {r["martyr_names"]: r for r in frame.to_dict("records")}


def test_place_only_rows_get_an_approximate_area_and_are_counted_apart(imported):
    store, result = imported
    assert (result.accepted, result.approximate, result.unlocated, result.rejected) == (1, 2, 2, 0)
    rows = _by_name(store)
    gio_an = rows["Nguyễn Văn A"]
    assert gio_an["position_source"] == PLACE_NAME
    assert gio_an["geometry"] is None  # never a measured point
    assert "Gio An" in gio_an["area_place"] and "Gio Linh" in gio_an["area_place"]
    assert 16.8 < gio_an["area_lat"] < 17.0 and 106.9 < gio_an["area_lon"] < 107.2
    assert 500 < gio_an["area_radius_m"] < 20_000
    assert gio_an["district_63"] == _gio_linh() and gio_an["province_34"] == "VN-25"
    assert "[Địa danh]" in gio_an["notes"]
    dong_loc = rows["Trần Văn B"]
    assert dong_loc["position_source"] == PLACE_NAME and "Đồng Lộc" in dong_loc["area_place"]
    assert dong_loc["province_63"] == "VN-23"  # Hà Tĩnh
    counts = position_counts(store.frame("reports", system()))
    assert counts == {MEASURED: 1, PLACE_NAME: 2, UNKNOWN: 2}


def test_an_ambiguous_commune_is_listed_in_the_notes_not_guessed(imported):
    store, _ = imported
    hoa_an = _by_name(store)["Lê Văn C"]
    assert hoa_an["position_source"] == UNKNOWN and hoa_an["area_lat"] is None
    assert "nhiều nơi" in hoa_an["notes"] and hoa_an["notes"].count("Hòa An") >= 2


def test_a_located_report_gets_its_district_and_communes_of_both_eras(imported):
    store, _ = imported
    located = _by_name(store)["Hoàng Văn E"]
    assert located["position_source"] == MEASURED
    assert located["district_63"] and located["commune_63"] and located["commune_34"]
    assert located["area_lat"] is None


def test_the_district_filter_takes_measured_and_estimated_reports_of_the_district(imported):
    store, _ = imported
    frame = prepare(store.frame("reports", system()))
    shown = apply(frame, FilterSpec(districts=(_gio_linh(),)))
    assert set(shown["martyr_names"]) == {"Nguyễn Văn A", "Hoàng Văn E"}  # 16.93, 107.05 is in Gio Linh
    again = FilterSpec.from_params(FilterSpec(districts=(_gio_linh(),)).to_params())
    assert again.districts == (_gio_linh(),)


def test_a_form_entry_with_a_place_name_gets_the_area_and_edits_read_it_again_within_its_province(any_store):
    viewer = system()
    record_id = add_report(any_store, {"martyr_names": "Ngô Văn F", "place_description": "xã Gio An, Gio Linh"}, viewer)
    record = any_store.record("reports", record_id, viewer)
    assert record["position_source"] == PLACE_NAME and "Gio An" in record["area_place"]
    assert record["province_34"] == "VN-25"

    def edit(changes: dict) -> dict:
        version = any_store.record("reports", record_id, viewer)["version"]
        edit_report(any_store, record_id, changes, version, viewer)
        return any_store.record("reports", record_id, viewer)

    record = edit({"place_description": "xã Vĩnh Thủy, huyện Vĩnh Linh"})
    assert "Vĩnh Thủy" in record["area_place"] and record["notes"].count("[Địa danh]") == 1
    assert "Vĩnh Thủy" in record["notes"] and "Gio An" not in record["notes"]  # the old reading goes
    # A commune of Hà Tĩnh while the report says Quảng Trị: no area, and the province stays.
    record = edit({"place_description": "gần ngã ba Đồng Lộc, Can Lộc"})
    assert (record["position_source"], record["province_34"], record["area_lat"]) == (UNKNOWN, "VN-25", None)
    record = edit({"place_description": "xã Đồng Lộc, huyện Can Lộc", "province_34": "Hà Tĩnh"})
    assert "Đồng Lộc" in record["area_place"] and record["province_63"] == "VN-23"
    record = edit({"coord_text": "18.45, 105.72"})
    assert record["position_source"] == MEASURED and record["area_lat"] is None and record["geometry"] is not None
    record = edit({"coord_text": ""})  # the coordinate was wrong: the point goes, the area comes back
    assert record["geometry"] is None and record["position_source"] == PLACE_NAME and "Đồng Lộc" in record["area_place"]


def test_years_read_from_the_period_are_read_again_when_it_changes_but_typed_years_stay(any_store):
    viewer = system()
    record_id = add_report(any_store, {"martyr_names": "Ngô Văn G", "period_text": "Tết Mậu Thân"}, viewer)
    record = any_store.record("reports", record_id, viewer)
    assert (record["year_from"], record["year_to"]) == (1968, 1968) and "[Thời gian]" in record["notes"]
    edit_report(any_store, record_id, {"period_text": "sau Hiệp định Paris"}, record["version"], viewer)
    record = any_store.record("reports", record_id, viewer)
    assert (record["year_from"], record["year_to"]) == (1973, 1975)
    assert "Paris" in record["notes"] and "Mậu Thân" not in record["notes"]
    edit_report(any_store, record_id, {"year_from": 1972, "year_to": 1972}, record["version"], viewer)
    record = any_store.record("reports", record_id, viewer)
    typed = add_report(any_store, {"martyr_names": "Ngô Văn H", "year_from": 1970, "period_text": "mùa mưa"}, viewer)
    record = any_store.record("reports", typed, viewer)
    edit_report(any_store, typed, {"period_text": "Tết Mậu Thân"}, record["version"], viewer)
    assert any_store.record("reports", typed, viewer)["year_from"] == 1970  # a year the person typed stays


def test_ambiguous_district_names_are_refused_with_their_candidates_and_narrowed_by_province():
    with pytest.raises(AdminNameError, match="Châu Thành") as refused:
        admin_filter("Châu Thành", None)
    assert "--province" in str(refused.value)
    narrowed = admin_filter("Châu Thành", None, "Tiền Giang")
    assert len(narrowed.districts) == 1
    commune = admin_filter("Gio Linh", "Gio An")
    assert commune.districts == (_gio_linh(),) and len(commune.communes) == 1


def test_export_on_the_command_line_takes_district_and_commune(tmp_path, imported, any_db_url):
    store, _ = imported
    out = tmp_path / "gio_linh.geojson"
    done = run_module(
        "layers", "export", "reports", "--format", "geojson", "--out", str(out),
        "--district", "Gio Linh", "--db", any_db_url,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    names = {f["properties"]["martyr_names"] for f in json.loads(out.read_text())["features"]}
    assert "Nguyễn Văn A" in names and "Trần Văn B" not in names
    wrong = run_module(
        "layers", "export", "reports", "--format", "geojson", "--out", str(out), "--district", "Châu Thành",
        "--db", any_db_url,
    )  # fmt: skip
    assert wrong.returncode != 0 and "Châu Thành" in wrong.stderr and "Traceback" not in wrong.stderr


def test_the_import_preview_names_the_area_a_place_only_row_will_get():
    from layers.importers.files import read_table
    from layers.importers.mapping import auto_map
    from layers.importers.reports import preview
    from layers.schema import REPORTS

    table = read_table("place_only.csv", PLACE_ONLY)
    rows = preview(table.rows, auto_map(table.columns, REPORTS), None)
    assert "Gio An" in rows[0]["area_place"] and rows[0]["lat"] is None
    assert rows[2]["area_place"] == ""  # «xã Hòa An» names ten communes: no area
    assert rows[4]["area_place"] == "" and rows[4]["lat"] is not None


def test_a_district_narrows_the_other_layers_of_an_export_to_its_province(imported):
    from layers.exporters.selection import EXPORTABLE, select
    from layers.seed import seed_reference

    store, _ = imported
    seed_reference(store)
    everywhere = select(store, EXPORTABLE, FilterSpec(), system())
    gio_linh = select(store, EXPORTABLE, FilterSpec(districts=(_gio_linh(),)), system())
    battlefields = gio_linh.frames["battlefields"]
    assert 0 < len(battlefields) < len(everywhere.frames["battlefields"])
    assert set(battlefields["province_63"]) == {"VN-25"}


def test_place_notes_carry_no_part_of_a_witness_phone_into_a_partner_file(any_store):
    from layers.exporters.formats import ExportOptions, export
    from layers.exporters.selection import select

    text = "Họ tên liệt sĩ;Mô tả vị trí;Họ tên nhân chứng;Điện thoại nhân chứng\n"
    text += "Vũ Văn K;khu mộ ① bờ suối xã Hòa An, gần nhà anh Lê Văn Tám 0912 345 678;Lê Văn Tám;0912 345 678\n"
    text += "Vũ Văn L;mộ số ③ đồi xã Gio An, huyện Gio Linh, hỏi ông Lê Văn Tám 0912345678;Lê Văn Tám;0912345678\n"
    result = import_reports(any_store, "phones.csv", text.encode(), viewer=system())
    assert (result.rejected, result.approximate, result.unlocated) == (0, 1, 1)  # ① and ③ are just words
    selection = select(any_store, ("reports",), FilterSpec(), system())
    written = export(selection, "csv", ExportOptions(audience="partner")).data.decode("utf-8-sig")
    assert "[Địa danh]" in written and "Xã Gio An" in written
    assert "345" not in written and "0912" not in written and "Tám" not in written
