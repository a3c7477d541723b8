"""`python -m geo`: gazetteer and point lookup from the command line. JSON on stdout."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import pandas as pd

from geo.admin import (
    COUNTRY_NAMES,
    ERA_34,
    ERA_63,
    Place,
    UnknownPlace,
    abroad_province_names,
    lookup,
    province_names,
    resolve_place,
    territory_at,
)
from geo.communes import AdminUnit, PlaceMatch, find_place
from geo.coords import CoordinateError, parse
from geo.datums import DATUMS
from geo.output import write_json


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        raise UnknownPlace(f"Lệnh không hợp lệ: {message}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m geo", description="Địa danh và tỉnh các thời kỳ")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    place = sub.add_parser("place", help="tên địa danh mọi thời kỳ (tỉnh, huyện, xã) → tỉnh, xã hiện nay")
    place.add_argument("name")
    place.add_argument("--hint", help="tỉnh hoặc huyện (mọi thời kỳ) để thu hẹp khi tên trùng")
    coord = sub.add_parser("parse-coord", help="chuỗi tọa độ mọi dạng → WGS84")
    coord.add_argument("text")
    coord.add_argument("--datum", choices=sorted(DATUMS), help="hệ quy chiếu khi chuỗi không ghi")
    coord.add_argument("--province", help="tên tỉnh (mọi thời kỳ) để suy ra múi lưới hoặc kinh tuyến trục")
    at = sub.add_parser("province-at", help="tọa độ WGS84 (vĩ độ, kinh độ) → tỉnh (Việt Nam, Lào, Campuchia)")
    at.add_argument("lat", type=float)
    at.add_argument("lon", type=float)
    return parser


def run(argv: Sequence[str]) -> dict:
    args = _parser().parse_args(argv)
    if args.command == "parse-coord":
        return {"text": args.text, **parse(args.text, args.datum, args.province).as_dict()}
    if args.command == "place":
        return _place(args.name, args.hint)
    return _province_at(args.lat, args.lon)


def _province_place(unit: AdminUnit) -> Place:
    """The gazetteer's entry for a unit's province: of 2008–2025, or today's for a commune of
    today whose centroid lies in no 63-era province."""
    era, name = (ERA_63, province_names("63")[unit.province_63]) if unit.province_63 else (ERA_34, None)
    name = name or province_names("34")[unit.province_34]
    return next(p for p in lookup(name) if p.era == era and p.name == name)


def _place(name: str, hint: str | None) -> dict:
    """A name of any era: its province (the keys of geo.admin.Place) and, below it, the district
    or commune it names (geo.communes.find_place). A name that is only a district or commune
    takes the province of the unit found (of the first, when several share the name)."""
    match = find_place(name, hint)
    units = match.candidates or ((match.best,) if match.best else ())
    try:
        best = resolve_place(name)
        others = [p.as_dict() for p in lookup(name)[1:]]
    except UnknownPlace:
        if not units:
            raise UnknownPlace(
                f"Không tìm thấy địa danh «{name.strip()}» trong danh mục tỉnh, huyện, xã các thời kỳ."
            ) from None
        provinces = list(dict.fromkeys(_province_place(u) for u in units))
        if len(provinces) > 1:  # several provinces have a place of that name: none is the answer
            return _listed(name, hint, match, provinces)
        best, others = provinces[0], []
    return {
        "query": name,
        "hint": hint,
        **best.as_dict(),
        "other_matches": others,
        "admin": match.best.as_dict() if match.best else None,
        "admin_candidates": [u.as_dict() for u in match.candidates],
        "ambiguous": match.ambiguous,
    }


def _listed(name: str, hint: str | None, match: PlaceMatch, provinces: list[Place]) -> dict:
    """A name that only districts or communes of several provinces bear: the province keys are
    empty (no guess), every province is among the other matches."""
    return {
        "query": name,
        "hint": hint,
        "name": None,
        "era": None,
        "provinces_34": list(dict.fromkeys(n for p in provinces for n in p.provinces_34)),
        "provinces_63": list(dict.fromkeys(n for p in provinces for n in p.provinces_63)),
        "countries": [],
        "abroad_provinces": [],
        "note": f"Tên này có ở {len(provinces)} tỉnh; ghi thêm huyện hoặc tỉnh (hoặc --hint) để chọn.",
        "other_matches": [p.as_dict() for p in provinces],
        "admin": match.best.as_dict() if match.best else None,
        "admin_candidates": [u.as_dict() for u in match.candidates],
        "ambiguous": True,
    }


def _province_at(lat: float, lon: float) -> dict:
    """The country and province of one point; the same keys wherever it is (null where none)."""
    found = {k: (None if pd.isna(v) else v) for k, v in territory_at([lon], [lat]).iloc[0].items()}
    if found["country"] is None:
        raise UnknownPlace(f"Điểm ({lat}, {lon}) nằm ngoài lãnh thổ Việt Nam, Lào và Campuchia.")
    abroad = found["abroad_province"]
    return {
        "lat": lat,
        "lon": lon,
        "country": found["country"],
        "country_name": COUNTRY_NAMES[found["country"]],
        "province_63": found["province_63"],
        "province_34": found["province_34"],
        "name_34": province_names("34")[found["province_34"]] if found["province_34"] else None,
        "abroad_province": abroad,
        "abroad_name": abroad_province_names()[abroad] if abroad else None,
        "offshore_m": found["offshore_m"],
    }


def main(argv: Sequence[str] | None = None) -> int:
    try:
        result = run(sys.argv[1:] if argv is None else argv)
    except (UnknownPlace, CoordinateError) as exc:
        said = "".join(ch if ch.isprintable() else " " for ch in str(exc.args[0]))  # no terminal codes
        print(f"Lỗi: {said}", file=sys.stderr)
        return 2
    return write_json(result)
