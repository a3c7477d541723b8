import csv

import pytest
import shapely

from geo.admin import (
    DATA,
    UnknownPlace,
    boundaries,
    lookup,
    province_at,
    province_table_34,
    province_table_63,
    resolve_place,
)


def test_there_are_63_old_and_34_new_provinces():
    assert len(province_table_63()) == 63
    assert len(province_table_34()) == 34
    assert set(province_table_63()["province_34"]) == set(province_table_34()["name"])


@pytest.mark.parametrize("field", ["name", "name_ascii"])
def test_every_one_of_the_63_names_resolves_to_its_2025_province(field):
    for _, row in province_table_63().iterrows():
        place = resolve_place(row[field])
        assert row["province_34"] in place.provinces_34, row[field]


def test_every_historical_name_and_alias_resolves_to_its_own_entry():
    with open(DATA / "historical_names.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 90
    for row in rows:
        for name in [row["name"], *filter(None, row["aliases"].split("|"))]:
            found = lookup(name)
            assert found, name
            assert any(p.name == row["name"] or name in (p.name, *p.aliases) for p in found), name
        assert row["provinces_34"] or row["countries"], row["name"]


def test_historical_successors_are_real_provinces():
    names_34 = set(province_table_34()["name"])
    names_63 = set(province_table_63()["name"])
    with open(DATA / "historical_names.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            assert set(filter(None, row["provinces_34"].split("|"))) <= names_34, row["name"]
            assert set(filter(None, row["provinces_63"].split("|"))) <= names_63, row["name"]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Bình Trị Thiên", {"Quảng Trị", "Huế"}),
        ("binh tri thien", {"Quảng Trị", "Huế"}),
        ("Vĩnh Linh", {"Quảng Trị"}),
        ("Khu 5", {"Huế", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Đắk Lắk", "Khánh Hòa"}),
        ("quang tri", {"Quảng Trị"}),
        ("TT Huế", {"Huế"}),
        ("tp HCM", {"Thành phố Hồ Chí Minh"}),
        ("Sài Gòn", {"Thành phố Hồ Chí Minh"}),
        ("tỉnh Quảng Bình", {"Quảng Trị"}),
        ("Hà Tuyên", {"Tuyên Quang"}),
        ("B5", {"Quảng Trị"}),
        ("Quang Nam - Da Nang", {"Đà Nẵng"}),
    ],
)
def test_short_ascii_and_wartime_forms_resolve(written, expected):
    assert set(resolve_place(written).provinces_34) == expected


def test_battle_zones_abroad_name_their_country():
    assert resolve_place("Chiến trường C").countries == ("LA",)
    assert resolve_place("Chiến trường K").countries == ("KH",)


@pytest.mark.parametrize("text", ["", "   ", "Atlantis", "Quảng Trị Trị Trị"])
def test_unknown_names_raise_a_readable_error(text):
    with pytest.raises(UnknownPlace) as err:
        resolve_place(text)
    assert "\n" not in str(err.value.args[0])


def test_every_provincial_capital_falls_in_its_own_province():
    wrong = []
    for _, row in province_table_63().iterrows():
        found = province_at(row["capital_lon"], row["capital_lat"])
        if found is None or found["province_63"] != row["iso"]:
            wrong.append((row["iso"], row["capital"], found))
    assert wrong == []


@pytest.mark.parametrize(
    ("lat", "lon", "iso_63", "code_34"),
    [
        (16.53, 111.61, "VN-DN", "VN-DN"),  # Hoàng Sa (Paracel Islands), Đà Nẵng
        (8.645, 111.92, "VN-34", "VN-34"),  # Trường Sa Lớn (Spratly Islands), Khánh Hòa
        (8.683, 106.607, "VN-43", "VN-SG"),  # Côn Đảo: Bà Rịa – Vũng Tàu, now Hồ Chí Minh City
        (20.797, 107.045, "VN-HP", "VN-HP"),  # Cát Bà, Hải Phòng
        (17.159, 107.339, "VN-25", "VN-25"),  # Cồn Cỏ island, off Quảng Trị
        (16.7469, 107.1944, "VN-25", "VN-25"),  # Quảng Trị citadel
    ],
)
def test_islands_and_sites_resolve_to_the_right_province(lat, lon, iso_63, code_34):
    found = province_at(lon, lat)
    assert (found["province_63"], found["province_34"]) == (iso_63, code_34)


def test_points_outside_vietnam_have_no_province():
    assert province_at(102.6, 17.97) is None  # Vientiane
    assert province_at(104.92, 11.56) is None  # Phnom Penh


def test_the_34_provinces_are_valid_and_do_not_overlap():
    p34 = boundaries("34")
    assert len(p34) == 34
    assert p34.is_valid.all()
    tree = shapely.STRtree(p34.geometry.values)
    left, right = tree.query(p34.geometry.values, predicate="intersects")
    pairs = [(i, j) for i, j in zip(left, right, strict=True) if i < j]
    overlap = sum(p34.geometry.iloc[i].intersection(p34.geometry.iloc[j]).area for i, j in pairs)
    assert overlap < 1e-8  # square degrees: under about 100 m²


def test_the_34_cover_exactly_the_63_with_no_gaps():
    u34 = shapely.union_all(boundaries("34").geometry.values)
    u63 = shapely.union_all(boundaries("63").geometry.values)
    assert u34.symmetric_difference(u63).area < 1e-8
    # Slivers a few centimetres wide, where two source polygons' shared edges differ
    # by one vertex, are not gaps: any point there still finds its nearest province.
    holes = [shapely.Polygon(ring).area for poly in getattr(u34, "geoms", [u34]) for ring in poly.interiors]
    assert [a for a in holes if a > 1e-7] == []


def test_each_of_the_34_is_the_union_of_its_members():
    p63 = boundaries("63").set_index("iso")
    for _, row in boundaries("34").iterrows():
        members = province_table_34().set_index("code").loc[row["code"], "members"].split("|")
        union = shapely.union_all(p63.loc[members].geometry.values)
        assert union.symmetric_difference(row.geometry).area < 1e-8, row["name"]


def test_boundary_names_come_from_the_corrected_table():
    names = dict(zip(boundaries("63")["iso"], boundaries("63")["name"], strict=True))
    assert names["VN-39"] == "Đồng Nai"
    assert names["VN-53"] == "Bắc Kạn"
    assert names["VN-66"] == "Hưng Yên"
