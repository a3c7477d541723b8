import importlib.resources
import json
import math
import random
import sqlite3

import numpy as np
import pandas as pd
import pytest

from geo.admin import ARCHIPELAGOS, province_table_34, province_table_63, territory_at
from geo.communes import (
    RADIUS_34_FACTOR,
    AdminUnit,
    admin_at,
    commune_label,
    commune_names,
    commune_table,
    communes_matching,
    district_label,
    district_names,
    district_table,
    districts_matching,
    find_place,
)

GIO_AN, GIO_LINH, CON_TIEN = "19522", "466", "19537"


def _province_text(name: str, kind: str) -> str:
    """How a record writes a province: "Tỉnh Quảng Trị", "Thành phố Hà Nội"."""
    if name.startswith("Thành phố"):
        return name
    return f"{'Tỉnh' if kind == 'province' else 'Thành phố'} {name}"


def _resolves_to(match, field: str, code: str) -> bool:
    """The match is that unit, exactly, or lists it among the candidates of an ambiguous name."""
    if match.best is not None:
        return getattr(match.best, field) == code and match.best.certainty == "exact"
    return match.ambiguous and any(getattr(u, field) == code for u in match.candidates)


# --- the tables -------------------------------------------------------------------------------


def test_tables_hold_every_unit_once_sorted_by_code():
    for table, rows in ((district_table(), 696), (commune_table("63"), 10_035), (commune_table("34"), 3_321)):
        assert len(table) == rows
        assert table["code"].is_unique and table["code"].is_monotonic_increasing


def test_every_code_points_at_a_known_unit():
    districts, c63, c34 = district_table(), commune_table("63"), commune_table("34")
    assert set(c63["district"]) <= set(districts["code"])
    assert set(c63["province_63"]) | set(districts["province_63"]) <= set(province_table_63()["iso"])
    assert set(c34["province_34"]) == set(province_table_34()["code"])
    successors = set(c63["commune_34"]) | {s for v in c63["communes_34"].dropna() for s in v.split("|")}
    successors |= set(districts["commune_34"].dropna())
    assert successors == set(c34["code"])  # every commune of today took in some old one
    divided = c63.dropna(subset=["communes_34"])
    assert (divided["communes_34"].str.split("|").str[0] == divided["commune_34"]).all()


def test_every_commune_lies_within_its_box():
    c = commune_table("63")
    inside = c["lon"].between(c["lon_min"], c["lon_max"]) & c["lat"].between(c["lat_min"], c["lat_max"])
    assert inside.all()


def test_island_districts_without_communes_carry_their_special_zone():
    districts = district_table().set_index("code")
    empty = sorted(set(districts.index) - set(commune_table("63")["district"]))
    names = dict(zip(commune_table("34")["code"], commune_table("34")["name"], strict=True))
    zones = {districts.loc[d, "name"]: names[districts.loc[d, "commune_34"]] for d in empty}
    assert zones == {
        "Huyện Bạch Long Vĩ": "Đặc khu Bạch Long Vĩ",
        "Huyện Cồn Cỏ": "Đặc khu Cồn Cỏ",
        "Huyện Hoàng Sa": "Đặc khu Hoàng Sa",
        "Huyện Lý Sơn": "Đặc khu Lý Sơn",
        "Huyện Côn Đảo": "Đặc khu Côn Đảo",
    }


def test_archipelago_districts_span_the_archipelagos_not_the_mainland():
    districts = district_table().set_index("code")
    for code, province in (("498", "VN-DN"), ("576", "VN-34")):  # Hoàng Sa, Trường Sa
        row = districts.loc[code]
        assert tuple(row[["lon_min", "lat_min", "lon_max", "lat_max"]]) == ARCHIPELAGOS[province]
        assert row["lon"] > 111.0


def _package_successors() -> dict[str, str]:
    """Our code of each 63-era commune → the package's default commune of 2025 (its own data)."""
    data = importlib.resources.files("vietnamadminunits") / "data"
    converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    with importlib.resources.as_file(data / "dataset.db") as path:
        con = sqlite3.connect(path)
        try:
            old = dict(
                con.execute("SELECT provinceKey||'_'||districtKey||'_'||wardKey, wardCode FROM admin_units_legacy")
            )
            new = {(p, w): c for p, w, c in con.execute("SELECT provinceKey, wardKey, wardCode FROM admin_units")}
        finally:
            con.close()
    out = {}
    for province, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward, olds in wards.items():
            out.update({old[o]: new[province, ward] for o in olds if old.get(o)})
    for province, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for o, news in olds.items():
            out[old[o]] = next(new[province, n["newWardKey"]] for n in news if n["isDefaultNewWard"])
    return out


def test_successors_of_2025_agree_with_the_package_on_a_seeded_sample():
    expected = _package_successors()
    ours = commune_table("63").set_index("code")["commune_34"]
    sample = random.Random(20250701).sample(sorted(ours.index), 1000)
    assert {c: ours[c] for c in sample} == {c: expected[c] for c in sample}


# --- every unit from its own name -------------------------------------------------------------


def test_every_63_era_commune_resolves_from_its_name_and_district():
    districts = district_names()
    wrong = [
        (r.code, text)
        for r in commune_table("63").itertuples()
        if not _resolves_to(find_place(text := f"{r.name}, {districts[r.district]}"), "commune_63", r.code)
    ]
    assert wrong == []


def test_every_63_era_commune_resolves_from_its_name_and_province():
    provinces = province_table_63().set_index("iso")
    wrong = []
    for r in commune_table("63").itertuples():
        text = f"{r.name}, {_province_text(provinces.loc[r.province_63, 'name'], provinces.loc[r.province_63, 'kind'])}"
        if not _resolves_to(find_place(text), "commune_63", r.code):
            wrong.append((r.code, text))
    assert wrong == []


def test_every_34_era_commune_resolves_from_its_name_and_province():
    provinces = province_table_34().set_index("code")
    wrong = []
    for r in commune_table("34").itertuples():
        text = f"{r.name}, {_province_text(provinces.loc[r.province_34, 'name'], provinces.loc[r.province_34, 'kind'])}"
        if not _resolves_to(find_place(text), "commune_34", r.code):
            wrong.append((r.code, text))
    assert wrong == []


# --- reading text -----------------------------------------------------------------------------


def test_commune_with_district_reads_both_eras_exactly():
    unit = find_place("xã Gio An, huyện Gio Linh").best
    assert (unit.level, unit.certainty) == ("commune", "exact")
    assert (unit.commune_63, unit.district_63, unit.province_63) == (GIO_AN, GIO_LINH, "VN-25")
    assert (unit.commune_34, unit.province_34) == (CON_TIEN, "VN-25")
    assert unit.label("63") == "Xã Gio An, Huyện Gio Linh, Quảng Trị"
    assert unit.label("34") == "Xã Cồn Tiên, Quảng Trị"
    assert unit.reading.startswith("Đọc địa danh: xã Gio An thuộc huyện Gio Linh, tỉnh Quảng Trị")


def test_words_around_a_typed_commune_are_ignored():
    unit = find_place("đồi sau trường cấp 2 xã Gio An, huyện Gio Linh").best
    assert (unit.commune_63, unit.certainty) == (GIO_AN, "exact")


def test_untyped_commune_confirmed_by_untyped_district_is_exact():
    unit = find_place("gần ngã ba Đồng Lộc, Can Lộc").best
    assert (unit.commune_63, unit.district_63, unit.province_63) == ("18484", "443", "VN-23")
    assert unit.certainty == "exact"
    assert commune_names("63")[unit.commune_63] == "Thị trấn Đồng Lộc"


def test_abbreviated_commune_district_and_province_with_a_hamlet_before():
    unit = find_place("thôn 3, X. Hòa An, H. Phú Hòa, Phú Yên").best
    assert (unit.commune_63, unit.district_63, unit.province_63, unit.certainty) == ("22315", "563", "VN-32", "exact")
    assert unit.province_34 == "VN-33"  # Phú Yên is in Đắk Lắk today


def test_district_named_with_a_historical_province_is_that_district():
    unit = find_place("Vĩnh Linh, Bình Trị Thiên").best
    assert (unit.level, unit.district_63, unit.certainty) == ("district", "464", "exact")


def test_a_shared_commune_name_alone_lists_every_commune_of_that_type():
    match = find_place("xã Hòa An")
    assert match.best is None and match.ambiguous
    hoa_an = [c for c in communes_matching("Hòa An") if commune_names("63")[c] == "Xã Hòa An"]  # not Hòa Ân
    assert len(hoa_an) >= 8
    assert [u.commune_63 for u in match.candidates if u.level == "commune"] == hoa_an
    assert {u.certainty for u in match.candidates} == {"ambiguous"}
    assert all("một trong" in u.reading for u in match.candidates)


@pytest.mark.parametrize(
    ("text", "hint"), [("xã Hòa An, Phú Yên", None), ("xã Hòa An", "Phú Yên"), ("xã Hòa An", "Phú Hòa")]
)
def test_a_province_district_or_hint_narrows_a_shared_name_to_one(text, hint):
    unit = find_place(text, hint).best
    assert (unit.commune_63, unit.certainty) == ("22315", "exact")


def test_several_wards_of_one_province_stay_ambiguous_without_their_district():
    match = find_place("P.1, Quảng Trị")
    assert match.best is None
    assert {u.district_63 for u in match.candidates} == {"461", "462"}  # Đông Hà, thị xã Quảng Trị


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("X. Gio An, H. Gio Linh", GIO_AN),
        ("TT Hồ Xá, Vĩnh Linh", "19363"),
        ("P.1, TX Quảng Trị", None),
        ("Phường 01, TP Đông Hà", None),
        ("P1, Đông Hà", None),
    ],
)
def test_abbreviated_type_words_and_numbered_wards(text, code):
    unit = find_place(text).best
    assert unit is not None and unit.level == "commune" and unit.certainty == "exact"
    if code:
        assert unit.commune_63 == code
    else:
        assert commune_names("63")[unit.commune_63] == "Phường 1"
        assert unit.district_63 == ("462" if "Quảng Trị" in text else "461")


def test_a_thi_tran_written_as_xa_still_resolves():
    unit = find_place("xã Hồ Xá, huyện Vĩnh Linh").best
    assert (unit.commune_63, unit.certainty) == ("19363", "exact")


def test_tp_is_a_district_level_city_or_a_province():
    vinh = find_place("TP Vinh").best
    assert (vinh.level, vinh.district_63, vinh.province_63) == ("district", "412", "VN-22")
    assert find_place("TP Hồ Chí Minh") == find_place("TP Huế") == type(find_place(""))(None, ())
    quan_1 = find_place("Q.1, TP HCM").best
    assert (quan_1.level, district_names()[quan_1.district_63], quan_1.province_63) == ("district", "Quận 1", "VN-SG")


def test_a_district_alone_gives_its_centroid_and_box():
    unit = find_place("huyện Gio Linh").best
    row = district_table().set_index("code").loc[GIO_LINH]
    assert (unit.level, unit.district_63, unit.commune_63, unit.certainty) == ("district", GIO_LINH, None, "exact")
    assert (unit.lat, unit.lon) == (row["lat"], row["lon"])
    assert unit.as_dict()["bbox"] == [row["lon_min"], row["lat_min"], row["lon_max"], row["lat_max"]]
    assert 20_000 < unit.radius_m < 40_000


def test_an_untyped_district_and_its_province_read_as_the_district():
    unit = find_place("Gio Linh, Quảng Trị").best
    assert (unit.level, unit.district_63, unit.certainty) == ("district", GIO_LINH, "exact")


def test_an_island_district_reads_with_its_special_zone_of_today():
    unit = find_place("huyện Cồn Cỏ").best
    assert (unit.level, unit.commune_34) == ("district", "19742")
    assert unit.label("34") == "Đặc khu Cồn Cỏ, Quảng Trị"


def test_a_commune_of_2025_resolves_by_its_own_name_with_old_fields_from_its_centroid():
    unit = find_place("xã Cồn Tiên, Quảng Trị").best
    assert (unit.level, unit.commune_34, unit.province_34, unit.certainty) == ("commune_34", CON_TIEN, "VN-25", "exact")
    row = commune_table("34").set_index("code").loc[CON_TIEN]
    assert unit.radius_m == pytest.approx(math.sqrt(row["area_km2"] * 1e6 / math.pi) * RADIUS_34_FACTOR)
    at = admin_at([row["lon"]], [row["lat"]]).iloc[0]
    assert (unit.district_63, unit.commune_63) == (at["district_63"], at["commune_63"])
    assert unit.as_dict()["bbox"] is None


def test_a_unique_untyped_name_alone_is_only_likely():
    unit = find_place("Gio An").best
    assert (unit.commune_63, unit.certainty) == (GIO_AN, "likely")
    assert "chỉ theo tên" in unit.reading


def test_an_untyped_name_the_province_contradicts_is_not_taken():
    assert find_place("Gio An, Hà Tĩnh").best is None


def test_a_typed_name_the_province_contradicts_is_said_to_be_contradicted():
    unit = find_place("xã Gio An, tỉnh Nghệ An").best
    assert (unit.commune_63, unit.certainty) == (GIO_AN, "contradicted")
    assert "không khớp" in unit.reading


@pytest.mark.parametrize(
    "text", ["Không có nơi này", "gần ngã ba", "", "   ", "Quảng Trị", "Bình Trị Thiên", "Savannakhét"]
)
def test_text_naming_nothing_below_a_province_gives_no_unit(text):
    match = find_place(text)
    assert (match.best, match.candidates, match.ambiguous) == (None, (), False)


def test_as_dict_names_both_eras_and_the_extent():
    data = find_place("xã Gio An, huyện Gio Linh").best.as_dict()
    assert set(data) == {
        *AdminUnit.__dataclass_fields__,
        "commune_63_name",
        "district_63_name",
        "province_63_name",
        "commune_34_name",
        "province_34_name",
        "label_63",
        "label_34",
        "bbox",
    }
    assert (data["commune_63_name"], data["district_63_name"], data["province_63_name"]) == (
        "Xã Gio An",
        "Huyện Gio Linh",
        "Quảng Trị",
    )
    assert (data["commune_34_name"], data["province_34_name"]) == ("Xã Cồn Tiên", "Quảng Trị")
    lon_min, lat_min, lon_max, lat_max = data["bbox"]
    assert lon_min < data["lon"] < lon_max and lat_min < data["lat"] < lat_max


# --- names and matching for filters -----------------------------------------------------------


def test_labels_of_districts_and_communes():
    assert district_label(GIO_LINH) == "Huyện Gio Linh (Quảng Trị)"
    assert commune_label(GIO_AN) == "Xã Gio An, Huyện Gio Linh (Quảng Trị)"
    assert commune_label(CON_TIEN, "34") == "Xã Cồn Tiên, Quảng Trị"
    assert len(commune_names("63")) == 10_035 and len(commune_names("34")) == 3_321
    with pytest.raises(ValueError):
        commune_names("2025")


def test_districts_and_communes_match_with_or_without_type_word():
    assert districts_matching("Gio Linh") == districts_matching("huyện Gio Linh") == [GIO_LINH]
    assert districts_matching("Kỳ Anh")[:2] and districts_matching("TX Kỳ Anh")[0] == "449"
    assert len(districts_matching("Châu Thành")) > 5 and districts_matching("Châu Thành", "VN-50") == ["831"]
    assert communes_matching("Gio An") == communes_matching("X. Gio An") == [GIO_AN]
    assert communes_matching("Phường 1", district="462") == communes_matching("P.01", district="462")
    assert len(communes_matching("Hòa An", province_63="VN-32")) == 1


# --- point lookup -----------------------------------------------------------------------------


def test_the_centroid_of_a_commune_gives_that_commune_back():
    c = commune_table("63")
    alone = c[~c.duplicated(["lat", "lon"], keep=False)]  # some communes share their district's centroid
    alone = alone[territory_at(alone["lon"], alone["lat"])["country"].to_numpy() == "VN"]
    sample = alone.sample(1000, random_state=7)
    found = admin_at(sample["lon"], sample["lat"])
    assert found["commune_63"].tolist() == sample["code"].tolist()
    assert found["district_63"].tolist() == sample["district"].tolist()
    assert found["approx"].all()


def test_the_centroid_of_a_commune_of_today_mostly_gives_it_back():
    c = commune_table("34")
    found = admin_at(c["lon"], c["lat"])["commune_34"].to_numpy()
    assert (found == c["code"].to_numpy()).mean() > 0.99


def test_points_outside_vietnam_find_nothing():
    found = admin_at([104.75, 106.0, 114.0], [16.56, 23.0, 19.0])  # Savannakhét, China, open sea
    assert found[["district_63", "commune_63", "commune_34"]].isna().all().all()
    assert found["district_63"].tolist() == [None, None, None]
    assert not found["approx"].any()


def test_an_island_without_communes_gives_its_district_and_special_zone():
    found = admin_at([107.7307], [20.1346]).iloc[0]  # Bạch Long Vĩ, beyond geo.admin's sea margin
    assert (found["district_63"], found["commune_63"], found["commune_34"]) == ("318", None, "11948")


def test_the_archipelagos_find_their_district():
    found = admin_at([112.0, 111.9], [10.0, 16.5])
    assert found["district_63"].tolist() == ["576", "498"]  # Trường Sa, Hoàng Sa


def test_admin_at_keeps_the_order_and_length_of_its_input():
    lon = np.array([106.98899, 104.75, 106.98899])
    lat = np.array([16.9258, 16.56, 16.9258])
    found = admin_at(lon, lat)
    assert found["commune_63"].tolist() == [GIO_AN, None, GIO_AN]
    assert list(found.columns) == ["district_63", "commune_63", "commune_34", "approx"]
    assert admin_at([], []).empty
    with pytest.raises(ValueError):
        admin_at([1.0, 2.0], [1.0])


def test_admin_at_handles_many_points_at_once():
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(102.1, 109.5, 20_000), rng.uniform(8.5, 23.4, 20_000)
    found = admin_at(lon, lat)
    assert len(found) == 20_000
    hit = found["approx"].to_numpy()
    assert pd.notna(found["commune_34"][hit]).all() and pd.isna(found["commune_34"][~hit]).all()


def test_a_commune_named_with_its_old_district_is_the_old_commune_not_todays_namesake():
    # Phường An Lộc of thị xã Bình Long became phường Bình Long in 2025; a new phường An Lộc was
    # made nearby from other communes. Written with the old district, the old one is meant.
    match = find_place("Phường An Lộc, Thị xã Bình Long (Bình Phước)")
    assert match.best is not None and match.best.level == "commune"
    assert commune_names("63")[match.best.commune_63] == "Phường An Lộc"


def test_a_reading_never_quotes_the_witness_words_around_the_name():
    # The reading goes into a report's notes, which partners read: a phone or a name must not.
    unit = find_place("bờ suối xã Gio An, huyện Gio Linh, gần nhà anh Lê Văn Tám 0912345678").best
    assert unit.commune_63 == GIO_AN
    assert "0912" not in unit.reading and "Tám" not in unit.reading and "suối" not in unit.reading


def test_numbers_that_are_not_ascii_digits_do_not_break_a_reading():
    assert find_place("khu mộ ① gần xã Gio An ² ₂, huyện Gio Linh").best.commune_63 == GIO_AN
