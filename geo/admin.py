"""Vietnam's provinces of every era: polygons, point lookup and a gazetteer.

Today's 34 provinces (since 1 July 2025) are whole-province merges of the 63 of
2008–2025; wartime and post-war names are mapped to their successors in
data/historical_names.csv. Every table here is read from data/ (see SOURCES.md).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.text import compact

DATA = Path(__file__).resolve().parent.parent / "data"
METRIC_CRS = "EPSG:3405"  # VN-2000 / UTM 48N: metres, good enough for offshore distances
# A point this close to the coast still belongs to the nearest province: islands the
# boundary source leaves out (Cồn Cỏ lies 28 km off Quảng Trị) and points just offshore.
OFFSHORE_LIMIT_M = 40_000.0

# The archipelagos' extents as Vietnamese sources give them (see data/SOURCES.md): the
# boundary source has only a few of their islands, so a point inside either box that is
# far from every polygon still belongs to its district (lon_min, lat_min, lon_max, lat_max).
ARCHIPELAGOS = {
    "VN-DN": (111.0, 15.75, 113.0, 17.25),  # Hoàng Sa, Đà Nẵng
    "VN-34": (111.333, 6.833, 117.333, 12.0),  # Trường Sa, Khánh Hòa
}

ERA_34 = "34 tỉnh, thành (từ 01/7/2025)"
ERA_63 = "63 tỉnh, thành (2008 – 30/6/2025)"

# Short and informal forms people write, mapped to a canonical name of the 63 or the 34.
SHORT_FORMS = {
    "TT Huế": "Thừa Thiên Huế",
    "TTH": "Thừa Thiên Huế",
    "Thừa Thiên - Huế": "Thừa Thiên Huế",
    "TP HCM": "Thành phố Hồ Chí Minh",
    "TPHCM": "Thành phố Hồ Chí Minh",
    "HCM": "Thành phố Hồ Chí Minh",
    "Hồ Chí Minh": "Thành phố Hồ Chí Minh",
    "HCMC": "Thành phố Hồ Chí Minh",
    "BRVT": "Bà Rịa – Vũng Tàu",
    "Vũng Tàu": "Bà Rịa – Vũng Tàu",
    "Đắc Lắc": "Đắk Lắk",
    "Daklak": "Đắk Lắk",
    "Đắc Nông": "Đắk Nông",
    "Bắc Cạn": "Bắc Kạn",
    "HN": "Hà Nội",
    "HP": "Hải Phòng",
    "ĐN": "Đà Nẵng",
}
_PREFIXES = ("thanhpho", "tinh", "tp", "tx", "khu")


@dataclass(frozen=True)
class Place:
    """One name resolved to today's provinces."""

    name: str
    era: str
    provinces_34: tuple[str, ...]
    provinces_63: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    note: str = ""
    aliases: tuple[str, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "era": self.era,
            "provinces_34": list(self.provinces_34),
            "provinces_63": list(self.provinces_63),
            "countries": list(self.countries),
            "note": self.note,
        }


class UnknownPlace(LookupError):
    """Raised when no name of any era matches."""


@lru_cache(maxsize=1)
def province_table_63() -> pd.DataFrame:
    """The 63 provinces of 2008–2025 with their 2025 successor, capital and VN-2000 meridian."""
    return pd.read_csv(DATA / "provinces_63.csv", dtype={"iso": str, "vn2000_tm3_epsg": int})


@lru_cache(maxsize=1)
def province_table_34() -> pd.DataFrame:
    """Today's 34 provinces; `code` is the ISO code of the 2008–2025 namesake."""
    return pd.read_csv(DATA / "provinces_34.csv", dtype=str)


@lru_cache(maxsize=2)
def province_names(era: str) -> Mapping[str, str]:
    """Code → name: era "34" for today's provinces, "63" for the 2008–2025 ones (ISO codes)."""
    table = province_table_34() if era == "34" else province_table_63()
    codes = table["code"] if era == "34" else table["iso"]
    return MappingProxyType(dict(zip(codes, table["name"], strict=True)))


@lru_cache(maxsize=2)
def province_codes(era: str) -> Mapping[str, str]:
    """Name → code, the inverse of province_names."""
    return MappingProxyType({name: code for code, name in province_names(era).items()})


@lru_cache(maxsize=4)
def boundaries(level: str) -> gpd.GeoDataFrame:
    """Boundary polygons: level '34', '63' or 'neighbours' (Laos, Cambodia)."""
    files = {"34": "provinces_34", "63": "provinces_63", "neighbours": "neighbours"}
    if level not in files:
        raise ValueError(f"boundary level must be one of {sorted(files)}, got {level!r}")
    return gpd.read_file(DATA / "boundaries" / f"{files[level]}.geojson")


@lru_cache(maxsize=1)
def _metric_63() -> gpd.GeoDataFrame:
    return boundaries("63")[["iso", "geometry"]].to_crs(METRIC_CRS)


def provinces_at(lon: np.ndarray | list[float], lat: np.ndarray | list[float]) -> pd.DataFrame:
    """Province (63 and 34) of each point; coastal points within 40 km take the nearest.

    Returns a frame with columns province_63 (ISO code), province_34 (code), name_34,
    offshore_m (0 inside a polygon), in the order of the input; None where no province
    is near enough.
    """
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(np.asarray(lon, float), np.asarray(lat, float)), crs=4326
    ).to_crs(METRIC_CRS)
    polys = _metric_63()
    inside = gpd.sjoin(points, polys, how="left", predicate="within")
    inside = inside[~inside.index.duplicated(keep="first")]
    iso = inside["iso"].reindex(points.index)
    offshore = pd.Series(0.0, index=points.index)
    missing = iso.isna()
    if missing.any():
        near = gpd.sjoin_nearest(points[missing], polys, how="left", max_distance=OFFSHORE_LIMIT_M, distance_col="d")
        near = near[~near.index.duplicated(keep="first")]
        iso.loc[near.index] = near["iso"]
        offshore.loc[near.index] = near["d"]
    for code, (x0, y0, x1, y1) in ARCHIPELAGOS.items():
        lon_a, lat_a = np.asarray(lon, float), np.asarray(lat, float)
        at_sea = iso.isna().to_numpy() & (lon_a >= x0) & (lon_a <= x1) & (lat_a >= y0) & (lat_a <= y1)
        iso[at_sea] = code
        offshore[at_sea] = np.nan
    table = province_table_63().set_index("iso")
    codes34 = province_table_34().set_index("name")["code"]
    name34 = iso.map(table["province_34"])
    out = pd.DataFrame(
        {
            "province_63": iso.where(iso.notna(), None),
            "province_34": name34.map(codes34).where(name34.notna(), None),
            "name_34": name34.where(name34.notna(), None),
            "offshore_m": offshore.where(iso.notna(), None),
        }
    )
    return out.reset_index(drop=True)


def province_at(lon: float, lat: float) -> dict | None:
    """Province of one point, or None when it lies outside Vietnam and its coast."""
    row = provinces_at([lon], [lat]).iloc[0]
    return None if pd.isna(row["province_63"]) else row.to_dict()


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in (value or "").split("|") if v)


@lru_cache(maxsize=1)
def places() -> tuple[Place, ...]:
    """Every name the gazetteer knows, today's 34 first, then the 63, then history."""
    t63 = province_table_63()
    t34 = province_table_34()
    members = t63.groupby("province_34")["name"].apply(tuple)
    short = {}
    for form, target in SHORT_FORMS.items():
        short.setdefault(target, []).append(form)
    out = [
        Place(
            r["name"],
            ERA_34,
            (r["name"],),
            members[r["name"]],
            aliases=(r["name_ascii"], *short.get(r["name"], ())),
        )
        for _, r in t34.iterrows()
    ]
    out += [
        Place(
            r["name"],
            ERA_63,
            (r["province_34"],),
            (r["name"],),
            aliases=(r["name_ascii"], *short.get(r["name"], ())),
        )
        for _, r in t63.iterrows()
    ]
    with open(DATA / "historical_names.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            era = f"{r['period']} · {r['era']}"
            out.append(
                Place(
                    r["name"],
                    era,
                    _split(r["provinces_34"]),
                    _split(r["provinces_63"]),
                    countries=_split(r["countries"]),
                    note=r["note"],
                    aliases=_split(r["aliases"]),
                )
            )
    return tuple(out)


def _keys(name: str) -> set[str]:
    key = compact(name)
    keys = {key}
    for prefix in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix) + 1:
            keys.add(key[len(prefix) :])
    return keys


@lru_cache(maxsize=1)
def _index() -> dict[str, list[Place]]:
    index: dict[str, list[Place]] = {}
    for place in places():
        for name in (place.name, *place.aliases):
            for key in _keys(name):
                bucket = index.setdefault(key, [])
                if place not in bucket:
                    bucket.append(place)
    return index


def lookup(text: str) -> list[Place]:
    """All places whose name or alias matches `text` (diacritics, case, 'tỉnh'/'TP' ignored).

    The best match comes first: today's 34, then the 63, then historical names.

    >>> lookup("Binh Tri Thien")[0].provinces_34
    ('Quảng Trị', 'Huế')
    >>> lookup("tp hcm")[0].name
    'Thành phố Hồ Chí Minh'
    """
    found: list[Place] = []
    for key in _keys(text):
        for place in _index().get(key, []):
            if place not in found:
                found.append(place)
    order = {p: i for i, p in enumerate(places())}
    return sorted(found, key=order.__getitem__)


def resolve_place(text: str) -> Place:
    """The best place for a name of any era, or UnknownPlace with a one-line reason."""
    if not text or not text.strip():
        raise UnknownPlace("Tên địa danh trống.")
    found = lookup(text)
    if not found:
        raise UnknownPlace(f"Không tìm thấy địa danh «{text.strip()}» trong danh mục tỉnh các thời kỳ.")
    return found[0]
