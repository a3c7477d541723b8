"""Where a point is: Vietnam, Laos, Cambodia (province by province), their sea margin, or outside."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.admin import (
    ARCHIPELAGOS,
    BORDER_TOLERANCE_M,
    DATA,
    METRIC_CRS,
    OFFSHORE_LIMIT_M,
    abroad_province_names,
    boundaries,
    in_territory,
    island_table,
    lookup,
    offshore_boxes,
    province_names,
    province_table_63,
    provinces_at,
    territory_at,
    within_territory,
)
from geo.coords import VIETNAM, CoordinateError, parse

OUTSIDE = [  # (lat, lon): all inside the old lon/lat box, none in Vietnam, Laos or Cambodia
    (22.82, 108.32, "Nanning, Guangxi"),
    (22.10, 106.76, "Pingxiang, Guangxi, 9 km from Lạng Sơn"),
    (22.34, 106.85, "Longzhou, Guangxi"),
    (23.13, 106.42, "Jingxi, Guangxi"),
    (23.00, 106.00, "Guangxi, north of Cao Bằng"),
    (23.13, 104.70, "Malipo, Yunnan, north of Hà Giang"),
    (22.78, 103.23, "Jinping, Yunnan, north of Lai Châu"),
    (20.04, 110.34, "Haikou, Hainan"),
    (12.24, 102.51, "Trat, Thailand, 20 km from Cambodia's coast"),
    (12.61, 102.10, "Chanthaburi, Thailand"),
    (15.24, 104.85, "Ubon Ratchathani, Thailand"),
    (17.16, 104.15, "Sakon Nakhon, Thailand"),
    (19.00, 114.00, "open sea north of Hoàng Sa"),
    (14.00, 114.00, "open sea between the archipelagos"),
    (13.00, 111.00, "open sea 180 km off Phú Yên"),
    (8.00, 105.00, "open sea south-west of Cà Mau"),
    (7.00, 109.00, "open sea south-east of Côn Đảo"),
    (10.90, 102.40, "Gulf of Thailand, 76 km off Cambodia"),
    (9.45, 104.40, "open sea between Thổ Chu, Nam Du and Hòn Khoai"),
    (10.15, 109.10, "open sea between Phú Quý and Hòn Hải"),
    (9.90, 109.30, "open sea east of Hòn Hải"),
    (20.00, 107.40, "Gulf of Tonkin, south-east of Cát Bà"),
]
OPEN_SEA = [(lat, lon, where) for lat, lon, where in OUTSIDE if "sea" in where or "Gulf" in where]

ABROAD = [  # (lat, lon, country, ISO 3166-2 code)
    (16.56, 104.75, "LA", "LA-SV", "Savannakhét town"),
    (16.70, 106.22, "LA", "LA-SV", "Sepon, Route 9, 20 km from Quảng Trị"),
    (14.81, 106.83, "LA", "LA-AT", "Attapeu town"),
    (19.45, 103.22, "LA", "LA-XI", "Phonsavan, Xiengkhouang (Plain of Jars)"),
    (17.97, 102.60, "LA", "LA-VT", "Vientiane"),
    (12.00, 105.46, "KH", "KH-3", "Kampong Cham town"),
    (13.74, 106.98, "KH", "KH-16", "Banlung, Ratanakiri"),
    (11.56, 104.92, "KH", "KH-12", "Phnom Penh"),
]

VIETNAMESE = [  # (lat, lon, province_63, province_34, offshore: "land", "sea" or "archipelago")
    (16.7469, 107.1944, "VN-25", "VN-25", "land", "Quảng Trị citadel"),
    (17.16, 107.34, "VN-25", "VN-25", "sea", "Cồn Cỏ island, off Quảng Trị"),
    (16.5, 112.0, "VN-DN", "VN-DN", "archipelago", "Hoàng Sa, Đà Nẵng"),
    (10.0, 114.0, "VN-34", "VN-34", "sea", "Trường Sa, Khánh Hòa"),
    (10.0, 112.0, "VN-34", "VN-34", "archipelago", "Trường Sa, far from any islet in the source"),
]


ISLANDS = [  # (lat, lon, province_63, province_34, where): islands farther than 40 km from the polygons
    (9.30, 103.483, "VN-47", "VN-44", "Thổ Chu island (9°18′N 103°29′E), Kiên Giang, today An Giang"),
    (9.25, 103.45, "VN-47", "VN-44", "Hòn Nhạn, baseline point A1, Thổ Chu"),
    (9.679244, 104.35376, "VN-47", "VN-44", "Nam Du island (Hòn Củ Tron), Kiên Giang, today An Giang"),
    (9.739954, 104.363435, "VN-47", "VN-44", "Hòn Tre, Nam Du"),
    (9.9667, 109.0833, "VN-40", "VN-35", "Hòn Hải, baseline point A6, Phú Quý, Bình Thuận, today Lâm Đồng"),
]


def _message(lat: float, lon: float) -> str:
    return f"Tọa độ ({lat:.5f}, {lon:.5f}) nằm ngoài lãnh thổ Việt Nam, Lào và Campuchia."


@pytest.mark.parametrize(("lat", "lon", "where"), OUTSIDE, ids=[w for *_, w in OUTSIDE])
def test_points_in_china_thailand_and_the_open_sea_are_outside_the_territory(lat, lon, where):
    x0, y0, x1, y1 = VIETNAM
    assert x0 <= lon <= x1 and y0 <= lat <= y1  # the old box let it in
    found = territory_at([lon], [lat]).iloc[0]
    assert found.isna().all(), where
    assert in_territory(lon, lat) is False
    assert not within_territory([lon], [lat])[0]
    assert provinces_at([lon], [lat])["province_63"].isna().all()
    with pytest.raises(CoordinateError) as err:
        parse(f"{lat}, {lon}")
    assert err.value.args[0] == _message(lat, lon)


@pytest.mark.parametrize(("lat", "lon", "country", "code", "where"), ABROAD, ids=[w for *_, w in ABROAD])
def test_lao_and_cambodian_points_get_their_country_and_province(lat, lon, country, code, where):
    found = territory_at([lon], [lat]).iloc[0]
    assert (found["country"], found["abroad_province"]) == (country, code)
    assert pd.isna(found["province_63"]) and pd.isna(found["province_34"])
    assert found["offshore_m"] == 0
    assert in_territory(lon, lat) is True
    position = parse(f"{lat}, {lon}")  # the parser accepts them
    assert (round(position.lat, 4), round(position.lon, 4)) == (lat, lon)
    # Not Vietnamese, even within 40 km of the border (Sepon used to be "Quảng Trị").
    assert provinces_at([lon], [lat])["province_63"].isna().all()


@pytest.mark.parametrize(
    ("lat", "lon", "iso_63", "code_34", "offshore", "where"), VIETNAMESE, ids=[w for *_, w in VIETNAMESE]
)
def test_vietnamese_points_keep_their_provinces(lat, lon, iso_63, code_34, offshore, where):
    found = territory_at([lon], [lat]).iloc[0]
    assert (found["country"], found["province_63"], found["province_34"]) == ("VN", iso_63, code_34)
    assert pd.isna(found["abroad_province"])
    distance = found["offshore_m"]
    if offshore == "land":
        assert distance == 0
    elif offshore == "sea":
        assert 0 < distance <= OFFSHORE_LIMIT_M
    else:
        assert np.isnan(distance)
    old = provinces_at([lon], [lat]).iloc[0]
    assert (old["province_63"], old["province_34"]) == (iso_63, code_34)
    assert in_territory(lon, lat) is True
    assert parse(f"{lat}, {lon}").warnings == ()


def test_the_archipelago_boxes_still_belong_to_their_districts():
    lon = [(x0 + x1) / 2 for x0, _, x1, _ in ARCHIPELAGOS.values()]
    lat = [(y0 + y1) / 2 for _, y0, _, y1 in ARCHIPELAGOS.values()]
    assert territory_at(lon, lat)["province_63"].tolist() == list(ARCHIPELAGOS)
    assert within_territory(lon, lat).all()


def _metric_points(lon, lat) -> gpd.GeoSeries:
    return gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326).to_crs(METRIC_CRS)


def _distance_to_vietnam_and_cambodia(lon, lat) -> np.ndarray:
    abroad = boundaries("neighbour_provinces")
    coast = shapely.union_all([*boundaries("63").geometry.values, *abroad[abroad["country"] == "KH"].geometry.values])
    metric = gpd.GeoSeries([coast], crs=4326).to_crs(METRIC_CRS).iloc[0]
    return _metric_points(lon, lat).distance(metric).to_numpy()


@pytest.mark.parametrize(("lat", "lon", "iso_63", "code_34", "where"), ISLANDS, ids=[w for *_, w in ISLANDS])
def test_islands_beyond_the_sea_margin_belong_to_their_province(lat, lon, iso_63, code_34, where):
    assert _distance_to_vietnam_and_cambodia([lon], [lat])[0] > OFFSHORE_LIMIT_M  # the margin alone misses it
    found = territory_at([lon], [lat]).iloc[0]
    assert (found["country"], found["province_63"], found["province_34"]) == ("VN", iso_63, code_34), where
    assert pd.isna(found["abroad_province"]) and np.isnan(found["offshore_m"])  # like the archipelagos
    assert province_names("34")[code_34] == province_table_63().set_index("iso")["province_34"][iso_63]
    old = provinces_at([lon], [lat]).iloc[0]
    assert (old["province_63"], old["province_34"]) == (iso_63, code_34)
    assert in_territory(lon, lat) is True
    assert within_territory([lon], [lat])[0]
    assert parse(f"{lat}, {lon}").warnings == ()


@pytest.mark.parametrize(("lat", "lon", "where"), OPEN_SEA, ids=[w for *_, w in OPEN_SEA])
def test_open_sea_points_are_beyond_the_margin_and_outside_every_box(lat, lon, where):
    assert _distance_to_vietnam_and_cambodia([lon], [lat])[0] > OFFSHORE_LIMIT_M, where
    for _, (x0, y0, x1, y1) in offshore_boxes():
        assert not (x0 <= lon <= x1 and y0 <= lat <= y1), where


def test_the_island_table_is_sourced_and_its_boxes_are_small_and_apart():
    table = island_table()
    assert {"Quần đảo Thổ Chu (Thổ Châu)", "Quần đảo Nam Du"} <= set(table["name"])
    assert set(table["province_63"]) <= set(province_table_63()["iso"])
    assert all(part.strip().startswith("http") for cell in table["source"] for part in cell.split("|"))
    boxes = [shapely.box(*extent) for _, extent in offshore_boxes()]
    assert len(boxes) == len(ARCHIPELAGOS) + len(table)
    diagonals = _metric_points(table["lon_min"], table["lat_min"]).distance(
        _metric_points(table["lon_max"], table["lat_max"])
    )
    assert (diagonals < 40_000).all()  # a few km round an island group, not a sea
    tree = shapely.STRtree(boxes)
    left, right = tree.query(boxes, predicate="intersects")
    assert (left == right).all()  # no box overlaps another
    centres = shapely.centroid(boxes[len(ARCHIPELAGOS) :])
    vietnam = shapely.union_all(boundaries("63").geometry.values)
    assert not shapely.intersects(vietnam, centres).any()  # the source's polygons miss these islands


def test_a_bad_island_row_is_refused(tmp_path, monkeypatch):
    import geo.admin as admin

    bad = island_table().copy()
    bad.loc[0, "province_63"] = "VN-99"
    bad.to_csv(tmp_path / "islands.csv", index=False)
    province_table_63()  # cached from the real data/ before DATA moves
    monkeypatch.setattr(admin, "DATA", tmp_path)
    admin.island_table.cache_clear()
    try:
        with pytest.raises(ValueError, match="VN-99"):
            admin.island_table()
    finally:
        admin.island_table.cache_clear()


def test_in_the_gulf_of_thailand_the_nearest_of_vietnam_and_cambodia_wins():
    lat = [10.35, 10.45, 10.2, 10.5, 10.3]
    lon = [103.75, 103.85, 104.2, 104.1, 103.6]
    points = _metric_points(lon, lat)
    vietnam = shapely.union_all(boundaries("63").to_crs(METRIC_CRS).geometry.values)
    abroad = boundaries("neighbour_provinces").to_crs(METRIC_CRS)
    cambodia = shapely.union_all(abroad[abroad["country"] == "KH"].geometry.values)
    to_vn, to_kh = points.distance(vietnam).to_numpy(), points.distance(cambodia).to_numpy()
    assert (np.maximum(to_vn, to_kh) < OFFSHORE_LIMIT_M).all()  # within the margin of both
    found = territory_at(lon, lat)
    assert found["country"].tolist() == ["VN" if v < k else "KH" for v, k in zip(to_vn, to_kh, strict=True)]
    assert {"VN", "KH"} == set(found["country"])  # the points test both outcomes
    assert np.allclose(found["offshore_m"], np.minimum(to_vn, to_kh), atol=1)


def test_the_cambodian_coast_has_a_40_km_sea_margin():
    found = territory_at([102.9], [10.6]).iloc[0]  # 37 km off Koh Kong
    assert (found["country"], found["abroad_province"]) == ("KH", "KH-9")
    assert 30_000 < found["offshore_m"] < OFFSHORE_LIMIT_M


def test_land_of_china_counts_as_vietnam_only_within_the_border_tolerance():
    # Points of the source's China near Lạng Sơn, Cao Bằng and Quảng Ninh, by distance to Vietnam.
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(105.5, 108.2, 4000), rng.uniform(21.4, 23.0, 4000)
    china = boundaries("foreign_land").set_index("iso2").geometry["CN"]
    in_china = shapely.contains_xy(china, lon, lat)
    lon, lat = lon[in_china], lat[in_china]
    vietnam = shapely.union_all(boundaries("63").to_crs(METRIC_CRS).geometry.values)
    distance = _metric_points(lon, lat).distance(vietnam).to_numpy()
    near, far = distance < BORDER_TOLERANCE_M - 50, distance > BORDER_TOLERANCE_M + 50
    assert near.sum() >= 3 and far.sum() >= 100
    found = territory_at(lon, lat)
    assert (found["country"][near] == "VN").all()  # the source's border may be this far off
    assert found["country"][far].isna().all()
    assert within_territory(lon, lat)[near].all() and not within_territory(lon, lat)[far].any()


def _random_points(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Points over the region, and as many near the coasts and borders where the rules meet."""
    lon, lat = rng.uniform(99.0, 119.0, 300), rng.uniform(5.0, 24.5, 300)
    edges = shapely.get_coordinates(
        shapely.boundary(boundaries("34").geometry.values).tolist()
        + shapely.boundary(boundaries("neighbour_provinces").geometry.values).tolist()
    )
    near = edges[rng.integers(0, len(edges), 300)] + rng.normal(0.0, 0.3, (300, 2))
    return np.concatenate([lon, near[:, 0]]), np.concatenate([lat, near[:, 1]])


def test_within_territory_agrees_with_territory_at():
    lon, lat = _random_points(np.random.default_rng(2026))
    found = territory_at(lon, lat)
    inside = within_territory(lon, lat)
    assert inside.dtype == bool and inside.shape == lon.shape
    assert inside.tolist() == found["country"].notna().tolist()
    assert 100 < inside.sum() < len(lon) - 100  # both answers are tested
    assert [in_territory(x, y) for x, y in zip(lon[:100], lat[:100], strict=True)] == inside[:100].tolist()
    # And provinces_at is territory_at's Vietnamese part.
    vietnamese = provinces_at(lon, lat)
    is_vn = (found["country"] == "VN").to_numpy()
    assert vietnamese["province_63"].notna().tolist() == is_vn.tolist()
    assert vietnamese["province_34"][is_vn].tolist() == found["province_34"][is_vn].tolist()


def test_territory_at_keeps_the_input_order_and_handles_empty_and_missing_input():
    lat = [x[0] for x in ABROAD] + [16.7469, 22.82]
    lon = [x[1] for x in ABROAD] + [107.1944, 108.32]
    found = territory_at(np.array(lon), np.array(lat))
    assert list(found.columns) == ["country", "province_63", "province_34", "abroad_province", "offshore_m"]
    assert found["abroad_province"].tolist()[: len(ABROAD)] == [x[3] for x in ABROAD]
    assert found["province_63"].tolist()[-2] == "VN-25" and found["country"].isna().tolist()[-1]
    assert len(territory_at([], [])) == 0
    assert territory_at([np.nan], [np.nan]).iloc[0].isna().all()
    assert not within_territory([np.nan], [16.0])[0]


def test_abroad_provinces_have_iso_codes_and_names():
    names = abroad_province_names()
    assert len(names) == 41
    assert sum(code.startswith("LA-") for code in names) == 17  # Xaisomboun (2013) is in the source's LA-VI/XI
    assert sum(code.startswith("KH-") for code in names) == 24  # Tbong Khmum (2013) is in KH-3
    assert all(re.fullmatch(r"(LA-[A-Z]{2}|KH-\d{1,2})", code) for code in names)
    assert names["LA-SV"] == "Savannakhét"
    assert names["LA-VT"] == "Thủ đô Viêng Chăn" and names["LA-VI"] == "Viêng Chăn"
    assert names["KH-12"] == "Phnôm Pênh" and names["KH-17"] == "Xiêm Riệp"
    table = boundaries("neighbour_provinces")
    assert table.set_index("code")["name_en"]["KH-5"] == "Kampong Speu"  # the source cut it to "Kam"


def test_abroad_provinces_are_in_the_gazetteer_after_every_vietnamese_name():
    assert lookup("Savannakhet")[0].abroad_provinces == ("LA-SV",)
    assert lookup("Xieng Khouang")[0].countries == ("LA",)
    assert lookup("Kompong Cham")[0].abroad_provinces == ("KH-3",)
    assert lookup("Quảng Trị")[0].abroad_provinces == ()


def test_the_neighbour_province_file_is_small_valid_and_fits_the_other_boundaries():
    path = DATA / "boundaries" / "neighbour_provinces.geojson"
    assert path.stat().st_size < 500_000
    provinces = boundaries("neighbour_provinces")
    assert provinces.is_valid.all()
    assert provinces["code"].is_unique
    coordinates = shapely.get_coordinates(provinces.geometry.values)
    assert np.allclose(coordinates, np.round(coordinates, 5), atol=1e-9, rtol=0)  # the 1e-5 grid
    outlines = boundaries("neighbours").set_index("iso2").geometry
    for country, part in provinces.groupby("country"):
        assert shapely.union_all(part.geometry.values).symmetric_difference(outlines[country]).area < 1e-8
    vietnam = shapely.union_all(boundaries("63").geometry.values)
    assert shapely.union_all(provinces.geometry.values).intersection(vietnam).area < 1e-8
    tree = shapely.STRtree(provinces.geometry.values)
    left, right = tree.query(provinces.geometry.values, predicate="intersects")
    overlap = sum(
        provinces.geometry.iloc[i].intersection(provinces.geometry.iloc[j]).area
        for i, j in zip(left, right, strict=True)
        if i < j
    )
    assert overlap < 1e-8


def test_a_zoneless_grid_square_that_lands_outside_the_territory_is_refused():
    # TA 5050 in zone 48 (from its column letter) is in Thailand (14.0 N, 102.7 E) in band P, and
    # nowhere in band Q: the old lon/lat box took the Thai point.
    with pytest.raises(CoordinateError) as err:
        parse("TA 5050")
    assert err.value.args[0] == "Lưới tọa độ «TA 5050» (múi 48P/48Q) nằm ngoài lãnh thổ Việt Nam, Lào và Campuchia."
    assert parse("YA941012").lat == parse("YA941012", province="Gia Lai").lat  # one band in the territory
