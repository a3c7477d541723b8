"""Vietnam's provinces of every era: polygons, point lookup and a gazetteer.

Today's 34 provinces (since 1 July 2025) are whole-province merges of the 63 of
2008–2025; wartime and post-war names are mapped to their successors in
data/historical_names.csv. Martyrs also lie in Laos and Cambodia (fronts C and K): their
provinces are here too, and `territory_at` places a point in any of the three countries.
Every table here is read from data/ (see SOURCES.md).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike
from pyproj import Transformer

from geo.errors import GeoError
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
# Other Vietnamese islands beyond the sea margin (Thổ Chu, Nam Du …) get the same treatment
# from the boxes of data/islands.csv: see island_table and offshore_boxes.
_ISLAND_COLUMNS = ("name", "province_63", "lon_min", "lat_min", "lon_max", "lat_max", "source")

# Where the sea margin meets the land of China or Thailand it stops at their border, but
# the source's borders are a small-scale map's (GeoNames' centre of Móng Cái falls 1.2 km
# inside its China): a point this close to Vietnam or Cambodia still counts as theirs
# (nearest province), wherever the source puts it.
BORDER_TOLERANCE_M = 2_000.0
# Segments per quarter circle of the sea margin's buffer: its corners then stray from the
# true 40 km line by about 12 m at most.
_MARGIN_QUAD_SEGS = 32

COUNTRY_NAMES = MappingProxyType({"VN": "Việt Nam", "LA": "Lào", "KH": "Campuchia"})

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
    abroad_provinces: tuple[str, ...] = ()  # ISO 3166-2 codes of Lao or Cambodian provinces

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "era": self.era,
            "provinces_34": list(self.provinces_34),
            "provinces_63": list(self.provinces_63),
            "countries": list(self.countries),
            "abroad_provinces": list(self.abroad_provinces),
            "note": self.note,
        }


class UnknownPlace(GeoError, LookupError):
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


_BOUNDARY_FILES = {
    "34": "provinces_34",
    "63": "provinces_63",
    "neighbours": "neighbours",
    "neighbour_provinces": "neighbour_provinces",
    "foreign_land": "foreign_land",
}


@lru_cache(maxsize=8)
def boundaries(level: str) -> gpd.GeoDataFrame:
    """Boundary polygons: level '34', '63', 'neighbours' (Laos, Cambodia), 'neighbour_provinces'
    (their provinces) or 'foreign_land' (China and Thailand near Vietnam and Cambodia)."""
    if level not in _BOUNDARY_FILES:
        raise ValueError(f"boundary level must be one of {sorted(_BOUNDARY_FILES)}, got {level!r}")
    return gpd.read_file(DATA / "boundaries" / f"{_BOUNDARY_FILES[level]}.geojson")


@lru_cache(maxsize=1)
def abroad_province_table() -> pd.DataFrame:
    """The provinces of Laos and Cambodia: code (ISO 3166-2), country, name, name_en, aliases.

    Read from the GeoJSON's properties only, without its geometry."""
    with open(DATA / "boundaries" / "neighbour_provinces.geojson", encoding="utf-8") as f:
        features = json.load(f)["features"]
    return pd.DataFrame([f["properties"] for f in features])[["code", "country", "name", "name_en", "aliases"]]


@lru_cache(maxsize=1)
def abroad_province_names() -> Mapping[str, str]:
    """Code → name of the provinces of Laos and Cambodia.

    >>> abroad_province_names()["LA-SV"]
    'Savannakhét'
    """
    table = abroad_province_table()
    return MappingProxyType(dict(zip(table["code"], table["name"], strict=True)))


@lru_cache(maxsize=1)
def island_table() -> pd.DataFrame:
    """Vietnamese islands the 40 km sea margin does not reach (data/islands.csv): name,
    province_63 (ISO code of 2008–2025), the box lon_min, lat_min, lon_max, lat_max (WGS84)
    and its source. Checked when read: a bad row raises ValueError."""
    table = pd.read_csv(DATA / "islands.csv", dtype={"name": str, "province_63": str, "source": str})
    if tuple(table.columns) != _ISLAND_COLUMNS:
        raise ValueError(f"islands.csv: columns must be {list(_ISLAND_COLUMNS)}, got {list(table.columns)}")
    unknown = sorted(set(table["province_63"]) - set(province_table_63()["iso"]))
    if unknown:
        raise ValueError(f"islands.csv: unknown province codes {unknown}")
    x0, y0, x1, y1 = (table[c].to_numpy(dtype=float) for c in _ISLAND_COLUMNS[2:6])
    bad = ~((x0 >= -180) & (x0 < x1) & (x1 <= 180) & (y0 >= -90) & (y0 < y1) & (y1 <= 90))
    if bad.any():
        raise ValueError(f"islands.csv: boxes out of order or range: {table['name'][bad].tolist()}")
    return table


@lru_cache(maxsize=1)
def offshore_boxes() -> tuple[tuple[str, tuple[float, float, float, float]], ...]:
    """(province_63, (lon_min, lat_min, lon_max, lat_max)) of every box that claims open sea
    for a province: the archipelagos, then the islands of data/islands.csv. A point in no
    polygon and not within the sea margin takes the first box that holds it.

    >>> [code for code, _ in offshore_boxes()][:2]
    ['VN-DN', 'VN-34']
    """
    islands = island_table()
    extents = islands[list(_ISLAND_COLUMNS[2:6])].itertuples(index=False, name=None)
    return (
        *((code, tuple(map(float, extent))) for code, extent in ARCHIPELAGOS.items()),
        *zip(islands["province_63"], (tuple(map(float, e)) for e in extents), strict=True),
    )


@lru_cache(maxsize=1)
def _to_metric() -> Transformer:
    return Transformer.from_crs(4326, METRIC_CRS, always_xy=True)


@lru_cache(maxsize=1)
def _metric_63() -> gpd.GeoDataFrame:
    return boundaries("63")[["iso", "geometry"]].to_crs(METRIC_CRS)


@dataclass(frozen=True)
class _Territory:
    """Everything a point lookup needs, built once.

    Polygon i (0 ≤ i < P) is one of the 63 provinces then one of Laos's and Cambodia's;
    rows P (no territory) and P + 1 … (the offshore boxes, in the order of offshore_boxes)
    of the per-row arrays follow."""

    polygons: shapely.STRtree  # metric, every polygon
    coasts: shapely.STRtree  # metric, the polygons with a sea margin (Vietnam, Cambodia)
    coast_rows: np.ndarray  # row of each of `coasts`' polygons
    margin: shapely.Geometry  # WGS84, prepared: within 40 km of Vietnam or Cambodia, less foreign land
    whole: shapely.Geometry  # WGS84, prepared: polygons, sea margin and offshore boxes
    country: np.ndarray  # per row: "VN", "LA", "KH" or None
    province_63: np.ndarray
    province_34: np.ndarray
    name_34: np.ndarray
    abroad_province: np.ndarray
    none_row: int
    boxes: np.ndarray  # (n, 4) lon_min, lat_min, lon_max, lat_max of the offshore boxes; row none_row + 1 + i


def _to_wgs84(geometry: shapely.Geometry) -> shapely.Geometry:
    back = Transformer.from_crs(METRIC_CRS, 4326, always_xy=True)
    return shapely.transform(geometry, lambda xy: np.column_stack(back.transform(xy[:, 0], xy[:, 1])))


@lru_cache(maxsize=1)
def _territory() -> _Territory:
    p63 = _metric_63()
    abroad = boundaries("neighbour_provinces").to_crs(METRIC_CRS)
    table = province_table_63().set_index("iso")
    codes34 = province_table_34().set_index("name")["code"]
    n63, n_abroad = len(p63), len(abroad)
    none_row = n63 + n_abroad
    boxes = offshore_boxes()
    rows = n63 + n_abroad + 1 + len(boxes)
    country = np.full(rows, None, dtype=object)
    province_63 = np.full(rows, None, dtype=object)
    abroad_code = np.full(rows, None, dtype=object)
    iso = list(p63["iso"]) + [None] * (n_abroad + 1) + [code for code, _ in boxes]
    is_vn = np.array([code is not None for code in iso])
    country[is_vn] = "VN"
    province_63[is_vn] = np.array(iso, dtype=object)[is_vn]
    country[n63:none_row] = abroad["country"].to_numpy(dtype=object)
    abroad_code[n63:none_row] = abroad["code"].to_numpy(dtype=object)
    name_34 = np.array([table["province_34"][c] if c else None for c in province_63], dtype=object)
    province_34 = np.array([codes34[n] if n else None for n in name_34], dtype=object)

    geometries = np.concatenate([p63.geometry.to_numpy(), abroad.geometry.to_numpy()])
    coast_rows = np.flatnonzero(np.isin(country[:none_row], ["VN", "KH"]))
    coast = shapely.union_all(geometries[coast_rows])
    foreign = shapely.union_all(boundaries("foreign_land").to_crs(METRIC_CRS).geometry.to_numpy())
    # The sea margin: 40 km round Vietnam and Cambodia, less the land of China and Thailand
    # more than BORDER_TOLERANCE_M away from them.
    reach = shapely.buffer(coast, OFFSHORE_LIMIT_M, quad_segs=_MARGIN_QUAD_SEGS)
    foreign = shapely.difference(foreign, shapely.buffer(coast, BORDER_TOLERANCE_M))
    margin = _to_wgs84(shapely.difference(reach, foreign))
    land = shapely.union_all(
        [*boundaries("63").geometry.to_numpy(), *boundaries("neighbour_provinces").geometry.to_numpy()]
    )
    whole = shapely.union_all([land, margin, *(shapely.box(*extent) for _, extent in boxes)])
    shapely.prepare(margin)
    shapely.prepare(whole)
    polygons = shapely.STRtree(geometries)
    return _Territory(
        polygons=polygons,
        coasts=shapely.STRtree(geometries[coast_rows]),
        coast_rows=coast_rows,
        margin=margin,
        whole=whole,
        country=country,
        province_63=province_63,
        province_34=province_34,
        name_34=name_34,
        abroad_province=abroad_code,
        none_row=none_row,
        boxes=np.array([extent for _, extent in boxes], dtype=float).reshape(-1, 4),
    )


def _locate(lon: ArrayLike, lat: ArrayLike) -> tuple[_Territory, np.ndarray, np.ndarray]:
    """The territory, the row of each point (see _Territory) and its offshore distance (m)."""
    lon = np.asarray(lon, dtype=float).ravel()
    lat = np.asarray(lat, dtype=float).ravel()
    if lon.shape != lat.shape:
        raise ValueError(f"lon and lat differ in length: {lon.size} and {lat.size}")
    t = _territory()
    row = np.full(lon.size, t.none_row)
    offshore = np.full(lon.size, np.nan)
    if not lon.size:
        return t, row, offshore
    x, y = _to_metric().transform(lon, lat)
    points = shapely.points(x, y)
    point_index, polygon = t.polygons.query(points, predicate="within")
    if point_index.size:
        # Where polygons overlap (a few m² along some edges), the first in the file wins.
        first = np.full(lon.size, t.none_row)
        np.minimum.at(first, point_index, polygon)
        inside = first < t.none_row
        row[inside] = first[inside]
        offshore[inside] = 0.0
    outside = np.flatnonzero(row == t.none_row)
    if outside.size:
        at_sea = outside[shapely.contains_xy(t.margin, lon[outside], lat[outside])]
        if at_sea.size:
            # The margin is inside 40 km of a coast: the small slack only covers its corners'
            # rounding and the reprojection. Ties (a point on a shared edge) go to the first.
            (found, coast), distance = t.coasts.query_nearest(
                points[at_sea], max_distance=OFFSHORE_LIMIT_M + 100.0, return_distance=True, all_matches=True
            )
            nearest = np.full(at_sea.size, len(t.coast_rows))
            np.minimum.at(nearest, found, coast)
            hit = nearest < len(t.coast_rows)
            row[at_sea[hit]] = t.coast_rows[nearest[hit]]
            offshore[at_sea[found]] = distance  # tied matches share their distance
        for i, (x0, y0, x1, y1) in enumerate(t.boxes):  # the first box that holds the point wins
            box = (row == t.none_row) & (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
            row[box] = t.none_row + 1 + i
    return t, row, offshore


def territory_at(lon: ArrayLike, lat: ArrayLike) -> pd.DataFrame:
    """Country and province of each point, in the order of the input.

    Columns: country ("VN", "LA" or "KH"), province_63 and province_34 (Vietnam's codes, as
    provinces_at gives them; missing abroad), abroad_province (ISO 3166-2 code of the Lao or
    Cambodian province; missing in Vietnam), offshore_m (0 inside a polygon, the distance to
    it at sea, NaN in the archipelagos and island boxes). Missing codes are None or NaN as
    pandas stores them (test with isna()), like provinces_at's.

    A point inside a polygon takes its country and province. A point at sea within 40 km of
    Vietnam or Cambodia takes the nearest of their provinces; one in the archipelagos'
    extents, or in the box of an island farther out (data/islands.csv: Thổ Chu, Nam Du …),
    takes their district's province. Anything else (China, Thailand, the open sea) is missing
    throughout.

    >>> found = territory_at([107.1944, 104.75, 106.0], [16.7469, 16.56, 23.0])
    >>> found[["country", "province_34", "abroad_province"]].fillna("-")
      country province_34 abroad_province
    0      VN       VN-25               -
    1      LA           -           LA-SV
    2       -           -               -
    """
    t, row, offshore = _locate(lon, lat)
    return pd.DataFrame(
        {
            "country": t.country[row],
            "province_63": t.province_63[row],
            "province_34": t.province_34[row],
            "abroad_province": t.abroad_province[row],
            "offshore_m": np.where(row == t.none_row, np.nan, offshore),
        }
    )


def provinces_at(lon: ArrayLike, lat: ArrayLike) -> pd.DataFrame:
    """Province (63 and 34) of each point; coastal points within 40 km take the nearest.

    Returns a frame with columns province_63 (ISO code), province_34 (code), name_34,
    offshore_m (0 inside a polygon), in the order of the input; None where no province
    of Vietnam is near enough, and in Laos and Cambodia (see territory_at).
    """
    t, row, offshore = _locate(lon, lat)
    vietnam = t.country[row] == "VN"
    return pd.DataFrame(
        {
            "province_63": t.province_63[row],
            "province_34": t.province_34[row],
            "name_34": t.name_34[row],
            "offshore_m": np.where(vietnam, offshore, np.nan),
        }
    )


def province_at(lon: float, lat: float) -> dict | None:
    """Province of one point, or None when it lies outside Vietnam and its coast."""
    row = provinces_at([lon], [lat]).iloc[0]
    return None if pd.isna(row["province_63"]) else row.to_dict()


def within_territory(lon: ArrayLike, lat: ArrayLike) -> np.ndarray:
    """Whether each point lies in Vietnam, Laos or Cambodia, within 40 km of Vietnam's or
    Cambodia's coast, in the archipelagos or in an island box: where territory_at finds a
    country.

    >>> within_territory([107.1944, 106.0, 114.0], [16.7469, 23.0, 19.0]).tolist()
    [True, False, False]
    """
    return shapely.contains_xy(_territory().whole, np.asarray(lon, float), np.asarray(lat, float))


def in_territory(lon: float, lat: float) -> bool:
    """within_territory for one point, in a few microseconds (the coordinate parser's check)."""
    return bool(shapely.contains_xy(_territory().whole, lon, lat))


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in (value or "").split("|") if v)


@lru_cache(maxsize=1)
def places() -> tuple[Place, ...]:
    """Every name the gazetteer knows: today's 34 first, then the 63, then history, then the
    provinces of Laos and Cambodia."""
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
    for _, r in abroad_province_table().iterrows():  # last: a Vietnamese name always comes first
        out.append(
            Place(
                r["name"],
                f"Tỉnh, thành của {COUNTRY_NAMES[r['country']]} (hiện nay)",
                (),
                countries=(r["country"],),
                note=f"Mã ISO 3166-2: {r['code']}.",
                aliases=(r["name_en"], *_split(r["aliases"])),
                abroad_provinces=(r["code"],),
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

    The best match comes first: today's 34, then the 63, then historical names, then the
    provinces of Laos and Cambodia.

    >>> lookup("Binh Tri Thien")[0].provinces_34
    ('Quảng Trị', 'Huế')
    >>> lookup("tp hcm")[0].name
    'Thành phố Hồ Chí Minh'
    >>> lookup("Xieng Khouang")[0].abroad_provinces
    ('LA-XI',)
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
