"""Vietnam's districts and communes of both eras: a gazetteer down to the commune, and point lookup.

The tables are data/admin/*.csv (see data/SOURCES.md, "Districts and communes"): the 696
districts and 10,035 communes of 2008 – 30 June 2025 (GSO codes, centroid, bounding box, the
commune of 2025 each became) and today's 3,321 communes (centroid and area only). There are no
commune polygons: every position here is a centroid with a radius saying how far the unit may
reach, and `admin_at` is a nearest-centroid guess.

`find_place` reads free text the way people write places in records and letters: with or
without type words ("xã", "X.", "TT", "huyện", "TX", "TP" …), with the province of any era
(geo.admin.lookup: "Bình Trị Thiên", "Nghệ Tĩnh" …) and words around the name ("đồi sau trường
cấp 2 xã Gio An"). A name several units share is never guessed: they are all listed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike
from pyproj import Geod, Transformer

from geo.admin import (
    ERA_34,
    ERA_63,
    METRIC_CRS,
    Place,
    lookup,
    places,
    province_codes,
    province_names,
    province_table_34,
    province_table_63,
    territory_at,
)
from geo.text import fold

ADMIN = Path(__file__).resolve().parent.parent / "data" / "admin"
PERIOD_63 = "2008–2025"
# A commune of today has only a centroid and an area: a disc of that area has radius
# sqrt(area / pi), but communes are not round (long valleys, coastal strips, islands), so the
# radius is widened by half again to cover most of a commune's land without a polygon.
RADIUS_34_FACTOR = 1.5

LEVEL_COMMUNE = "commune"
LEVEL_COMMUNE_34 = "commune_34"
LEVEL_DISTRICT = "district"
EXACT, LIKELY, AMBIGUOUS = "exact", "likely", "ambiguous"
CONTRADICTED = "contradicted"  # a typed name the district or province written with it does not fit

# Type words as they fold ("thị trấn" → ("thi", "tran")), longest first: level, type.
# "TP"/"thành phố" is a district-level city or a province; both are tried.
_COMMUNE, _DISTRICT, _PROVINCE, _CITY = "commune", "district", "province", "city"
_TYPE_WORDS: tuple[tuple[tuple[str, ...], str, str | None], ...] = (
    (("thi", "tran"), _COMMUNE, "Thị trấn"),
    (("dac", "khu"), _COMMUNE, "Đặc khu"),
    (("thi", "xa"), _DISTRICT, "Thị xã"),
    (("thanh", "pho"), _CITY, "Thành phố"),
    (("tt",), _COMMUNE, "Thị trấn"),
    (("xa",), _COMMUNE, "Xã"),
    (("x",), _COMMUNE, "Xã"),
    (("phuong",), _COMMUNE, "Phường"),
    (("p",), _COMMUNE, "Phường"),
    (("f",), _COMMUNE, "Phường"),  # "F.1": the Saigon way of writing phường
    (("huyen",), _DISTRICT, "Huyện"),
    (("h",), _DISTRICT, "Huyện"),
    (("quan",), _DISTRICT, "Quận"),
    (("q",), _DISTRICT, "Quận"),
    (("tx",), _DISTRICT, "Thị xã"),
    (("tp",), _CITY, "Thành phố"),
    (("tinh",), _PROVINCE, None),
    (("t",), _PROVINCE, None),
)
_TYPE_STARTS = {words[0] for words, _, _ in _TYPE_WORDS}
_MAX_NAME = 6  # syllables of the longest name tried after a type word
_UNTYPED = (2, 4)  # syllables of the untyped word n-grams tried as district or commune names
_MAX_PROVINCE = 5  # "thanh pho ho chi minh"
_SEGMENTS = re.compile(r"[,;\n\r|()\[\]{}]+")
_WORD = re.compile(r"[^\W_]+")
_GLUED = re.compile(r"^([pqfx])(\d+)$")  # "P1", "Q12", "F3"
# The prefixes geo.admin's lookup strips from a name (its _PREFIXES): a key that does not start
# with one and is no province key is not worth a lookup.
_PROVINCE_PREFIXES = ("thanhpho", "tinh", "tp", "tx", "khu")


# ---------------------------------------------------------------------------------------------
# The tables


def _none(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) or value == "" else str(value)


@lru_cache(maxsize=1)
def district_table() -> pd.DataFrame:
    """The 696 districts of 2008 – 30 June 2025 (data/admin/districts_63.csv)."""
    return pd.read_csv(
        ADMIN / "districts_63.csv",
        dtype={c: str for c in ("code", "name", "short", "type", "province_63", "commune_34")},
    )


@lru_cache(maxsize=2)
def commune_table(era: str) -> pd.DataFrame:
    """The communes of era "63" (2008 – 30 June 2025) or "34" (since 1 July 2025)."""
    _check_era(era)
    if era == "63":
        text = ("code", "name", "short", "type", "district", "province_63", "commune_34", "communes_34")
        return pd.read_csv(ADMIN / "communes_63.csv", dtype={c: str for c in text})
    text = ("code", "name", "short", "type", "province_34")
    return pd.read_csv(ADMIN / "communes_34.csv", dtype={c: str for c in text})


def _check_era(era: str) -> None:
    if era not in ("63", "34"):
        raise ValueError(f'era must be "63" or "34", got {era!r}')


@lru_cache(maxsize=2)
def commune_names(era: str) -> Mapping[str, str]:
    """Code → full name of the communes of era "63" or "34".

    >>> commune_names("63")["19522"], commune_names("34")["19495"]
    ('Xã Gio An', 'Xã Gio Linh')
    """
    table = commune_table(era)
    return MappingProxyType(dict(zip(table["code"], table["name"], strict=True)))


@lru_cache(maxsize=1)
def district_names() -> Mapping[str, str]:
    """Code → full name of the districts of 2008–2025.

    >>> district_names()["466"]
    'Huyện Gio Linh'
    """
    table = district_table()
    return MappingProxyType(dict(zip(table["code"], table["name"], strict=True)))


def district_label(code: str) -> str:
    """ "Huyện Gio Linh (Quảng Trị)".

    >>> district_label("466")
    'Huyện Gio Linh (Quảng Trị)'
    """
    d = _index().districts[str(code)]
    return f"{d.name} ({province_names('63')[d.province_63]})"


def commune_label(code: str, era: str = "63") -> str:
    """ "Xã Gio An, Huyện Gio Linh (Quảng Trị)"; era "34": "Xã Gio Linh, Quảng Trị".

    >>> commune_label("19522"), commune_label("19495", "34")
    ('Xã Gio An, Huyện Gio Linh (Quảng Trị)', 'Xã Gio Linh, Quảng Trị')
    """
    _check_era(era)
    if era == "34":
        c34 = _index().communes_34[str(code)]
        return f"{c34.name}, {province_names('34')[c34.province_34]}"
    c = _index().communes[str(code)]
    return f"{c.name}, {district_label(c.district)}"


# ---------------------------------------------------------------------------------------------
# The index


@dataclass(frozen=True)
class _District:
    code: str
    name: str
    short: str
    type: str
    province_63: str
    lat: float
    lon: float
    box: tuple[float, float, float, float]
    radius_m: float
    commune_34: str | None  # island districts without communes: their special zone of 2025
    marked: str  # the short name with its marks (see _marked)


@dataclass(frozen=True)
class _Commune:
    code: str
    name: str
    short: str
    type: str
    district: str
    province_63: str
    lat: float
    lon: float
    box: tuple[float, float, float, float]
    radius_m: float
    commune_34: str
    communes_34: tuple[str, ...]  # every successor, the default first
    marked: str  # the short name with its marks (see _marked)


@dataclass(frozen=True)
class _Commune34:
    code: str
    name: str
    short: str
    type: str
    province_34: str
    lat: float
    lon: float
    radius_m: float
    predecessors: tuple[str, ...]  # 63-era communes (or communeless districts) it took land from
    districts_63: frozenset[str]  # their districts
    provinces_63: frozenset[str]  # their provinces
    marked: str  # the short name with its marks (see _marked)


@dataclass(frozen=True)
class _Index:
    districts: Mapping[str, _District]
    communes: Mapping[str, _Commune]
    communes_34: Mapping[str, _Commune34]
    district_keys: Mapping[str, tuple[str, ...]]
    commune_keys: Mapping[str, tuple[str, ...]]
    commune_34_keys: Mapping[str, tuple[str, ...]]
    province_34_of_63: Mapping[str, str]  # ISO code of the 63 → code of the 34
    province_keys: frozenset[str]


# Old and new placement of the tone mark ("Hoà" and "Hòa"): made one before names are compared
# with their marks.
_TONES = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng, combining
_TONE_PLACEMENT = {
    old: new
    for vowels, marks in (("oa", _TONES), ("oe", _TONES), ("uy", _TONES))
    for mark in marks
    for old, new in [
        (unicodedata.normalize("NFC", vowels + mark), unicodedata.normalize("NFC", vowels[0] + mark + vowels[1]))
    ]
}


def _words(text: str) -> tuple[list[str], list[str]]:
    """The words of `text`, folded (geo.text.fold) and with their marks (lower case, one tone
    placement), side by side; glued abbreviations split ("P1" → "p", "1")."""
    folded, marked = [], []
    for word in _WORD.findall(unicodedata.normalize("NFC", text).casefold()):
        plain = fold(word)
        glued = _GLUED.match(plain)
        if glued:
            folded += glued.groups()
            marked += [word[:1], word[1:]]
        else:
            folded.append(plain)
            for old, new in _TONE_PLACEMENT.items():
                word = word.replace(old, new)
            marked.append(word)
    return folded, marked


def _tokens(text: str) -> list[str]:
    """Folded words; glued abbreviations split ("P1" → "p", "1")."""
    return _words(text)[0]


def _marked(text: str) -> str:
    """A name with its marks, for telling apart names that fold alike (Thuận Hòa, Thuận Hóa)."""
    return _key(_words(text)[1])


def _key(tokens: Iterable[str]) -> str:
    """A name's key: its folded words run together, numbers without leading zeros ("01" → "1")."""
    # isdecimal, not isdigit: "①" and "²" are digits that int() refuses
    return "".join(str(int(t)) if t.isdecimal() and t.isascii() else t for t in tokens)


def _half_diagonal(boxes: np.ndarray) -> np.ndarray:
    _, _, metres = Geod(ellps="WGS84").inv(boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3])
    return np.asarray(metres, dtype=float) / 2


def _boxes(table: pd.DataFrame) -> np.ndarray:
    return table[["lon_min", "lat_min", "lon_max", "lat_max"]].to_numpy(dtype=float)


def _keyed(units: Iterable, names: Iterable[str]) -> dict[str, tuple[str, ...]]:
    keys: dict[str, list[str]] = {}
    for unit, name in zip(units, names, strict=True):
        bucket = keys.setdefault(_key(_tokens(name)), [])
        if unit not in bucket:
            bucket.append(unit)
    return {k: tuple(v) for k, v in keys.items()}


def _radius_34(table: pd.DataFrame) -> np.ndarray:
    """sqrt(area / pi) * 1.5 in metres; a commune without an area (4 rows) takes its province's median."""
    area = table["area_km2"].where(table["area_km2"] > 0)
    area = area.fillna(area.groupby(table["province_34"]).transform("median"))
    return np.sqrt(area.to_numpy(dtype=float) * 1e6 / np.pi) * RADIUS_34_FACTOR


@lru_cache(maxsize=1)
def _index() -> _Index:
    dt = district_table()
    d_radius = _half_diagonal(_boxes(dt))
    districts = {
        r.code: _District(
            r.code,
            r.name,
            r.short,
            r.type,
            r.province_63,
            float(r.lat),
            float(r.lon),
            (float(r.lon_min), float(r.lat_min), float(r.lon_max), float(r.lat_max)),
            float(radius),
            _none(r.commune_34),
            _marked(r.short),
        )
        for r, radius in zip(dt.itertuples(index=False), d_radius, strict=True)
    }
    ct = commune_table("63")
    c_radius = _half_diagonal(_boxes(ct))
    communes = {}
    predecessors: dict[str, list[str]] = {}
    for r, radius in zip(ct.itertuples(index=False), c_radius, strict=True):
        successors = tuple((_none(r.communes_34) or r.commune_34).split("|"))
        communes[r.code] = _Commune(
            r.code,
            r.name,
            r.short,
            r.type,
            r.district,
            r.province_63,
            float(r.lat),
            float(r.lon),
            (float(r.lon_min), float(r.lat_min), float(r.lon_max), float(r.lat_max)),
            float(radius),
            r.commune_34,
            successors,
            _marked(r.short),
        )
        for s in successors:
            predecessors.setdefault(s, []).append(r.code)
    for d in districts.values():
        if d.commune_34:
            predecessors.setdefault(d.commune_34, []).append(d.code)
    t34 = commune_table("34")
    communes_34 = {}
    for r, radius in zip(t34.itertuples(index=False), _radius_34(t34), strict=True):
        before = tuple(predecessors.get(r.code, ()))
        units = [communes.get(code) or districts[code] for code in before]
        communes_34[r.code] = _Commune34(
            r.code,
            r.name,
            r.short,
            r.type,
            r.province_34,
            float(r.lat),
            float(r.lon),
            float(radius),
            before,
            frozenset(u.district if isinstance(u, _Commune) else u.code for u in units),
            frozenset(u.province_63 for u in units),
            _marked(r.short),
        )
    codes_34 = province_codes("34")
    p63 = province_table_63()
    province_keys = set()
    for place in places():
        for name in (place.name, *place.aliases):
            province_keys.add(_key(_tokens(name)))
    return _Index(
        districts=MappingProxyType(districts),
        communes=MappingProxyType(communes),
        communes_34=MappingProxyType(communes_34),
        district_keys=MappingProxyType(_keyed(dt["code"], dt["short"])),
        commune_keys=MappingProxyType(_keyed(ct["code"], ct["short"])),
        commune_34_keys=MappingProxyType(_keyed(t34["code"], t34["short"])),
        province_34_of_63=MappingProxyType(
            dict(zip(p63["iso"], (codes_34[n] for n in p63["province_34"]), strict=True))
        ),
        province_keys=frozenset(province_keys),
    )


# ---------------------------------------------------------------------------------------------
# The result


@dataclass(frozen=True)
class AdminUnit:
    """A district or commune a text was read as, in both eras.

    level is "commune" (a commune of 2008–2025), "commune_34" (a commune of today, matched by its
    own name; its 63-era fields are those of the 63-era commune at its centroid) or "district".
    radius_m says how far the unit may reach from (lat, lon): half the diagonal of its bounding
    box, or for a commune of today sqrt(area / pi) * 1.5 (see RADIUS_34_FACTOR).
    """

    level: str
    province_63: str | None
    district_63: str | None
    commune_63: str | None
    province_34: str | None
    commune_34: str | None
    lat: float
    lon: float
    radius_m: float
    certainty: str  # EXACT, LIKELY (a unique name nothing confirms), AMBIGUOUS or CONTRADICTED
    reading: str

    def label(self, era: str = "63") -> str:
        """ "Xã Gio An, Huyện Gio Linh, Quảng Trị" (era "63"), "Xã Gio Linh, Quảng Trị" (era "34")."""
        _check_era(era)
        if era == "34":
            parts = [commune_names("34")[self.commune_34]] if self.commune_34 else []
            parts += [province_names("34")[self.province_34]] if self.province_34 else []
        else:
            parts = [commune_names("63")[self.commune_63]] if self.commune_63 else []
            parts += [district_names()[self.district_63]] if self.district_63 else []
            parts += [province_names("63")[self.province_63]] if self.province_63 else []
        return ", ".join(parts)

    @property
    def bbox(self) -> list[float] | None:
        """[lon_min, lat_min, lon_max, lat_max] of a 63-era commune or a district; None for a
        commune of today (it has no box)."""
        index = _index()
        if self.level == LEVEL_COMMUNE and self.commune_63:
            return list(index.communes[self.commune_63].box)
        if self.level == LEVEL_DISTRICT and self.district_63:
            return list(index.districts[self.district_63].box)
        return None

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "province_63": self.province_63,
            "district_63": self.district_63,
            "commune_63": self.commune_63,
            "province_34": self.province_34,
            "commune_34": self.commune_34,
            "lat": self.lat,
            "lon": self.lon,
            "radius_m": self.radius_m,
            "certainty": self.certainty,
            "reading": self.reading,
            "commune_63_name": commune_names("63")[self.commune_63] if self.commune_63 else None,
            "district_63_name": district_names()[self.district_63] if self.district_63 else None,
            "province_63_name": province_names("63")[self.province_63] if self.province_63 else None,
            "commune_34_name": commune_names("34")[self.commune_34] if self.commune_34 else None,
            "province_34_name": province_names("34")[self.province_34] if self.province_34 else None,
            "label_63": self.label("63"),
            "label_34": self.label("34"),
            "bbox": self.bbox,
        }


@dataclass(frozen=True)
class PlaceMatch:
    """What a text names below the province: `best` (None when nothing matched or when several
    units share the name) and every unit still possible, best first."""

    best: AdminUnit | None
    candidates: tuple[AdminUnit, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.best is None and len(self.candidates) > 1


def _lower_type(kind: str) -> str:
    return kind[:1].lower() + kind[1:]


def _spoken(full_name: str, kind: str) -> str:
    """ "Xã Gio An" → "xã Gio An"."""
    return _lower_type(kind) + full_name[len(kind) :]


def _province_phrase(code: str, era: str) -> str:
    """ "tỉnh Quảng Trị", "thành phố Hà Nội", "thành phố Hồ Chí Minh"."""
    name = province_names(era)[code]
    if name.startswith("Thành phố"):
        return _lower_type(name)
    return f"{'tỉnh' if _province_kinds(era)[code] == 'province' else 'thành phố'} {name}"


@lru_cache(maxsize=2)
def _province_kinds(era: str) -> Mapping[str, str]:
    table = province_table_34() if era == "34" else province_table_63()
    return MappingProxyType(dict(zip(table["code" if era == "34" else "iso"], table["kind"], strict=True)))


def _today_phrase(commune_34: str | None, province_34: str | None) -> str:
    if not province_34:
        return ""
    if not commune_34:
        return f", nay thuộc {_province_phrase(province_34, '34')}"
    c34 = _index().communes_34[commune_34]
    return f", nay thuộc {_spoken(c34.name, c34.type)}, {_province_phrase(province_34, '34')}"


_NOTES = {
    LIKELY: " (chỉ theo tên: không có huyện, tỉnh nào xác nhận)",
    AMBIGUOUS: " (một trong {n} nơi cùng tên)",
}


def _note(certainty: str, note: str, n: int) -> str:
    """The reading's closing remark: why the match is not exact (a given note replaces the usual one)."""
    if certainty == AMBIGUOUS:
        return _NOTES[AMBIGUOUS].format(n=n) + note
    return note or _NOTES.get(certainty, "")


def _commune_unit(code: str, certainty: str, text: str, note: str = "", n: int = 1) -> AdminUnit:
    index = _index()
    c = index.communes[code]
    d = index.districts[c.district]
    p34 = index.province_34_of_63[c.province_63]
    divided = ""
    if len(c.communes_34) > 1:
        others = ", ".join(_spoken(index.communes_34[s].name, index.communes_34[s].type) for s in c.communes_34[1:])
        divided = f" (một phần sang {others})"
    reading = (
        f"Đọc {text}: {_spoken(c.name, c.type)} thuộc {_spoken(d.name, d.type)}, "
        f"{_province_phrase(c.province_63, '63')} ({PERIOD_63}){_today_phrase(c.commune_34, p34)}{divided}"
        f"{_note(certainty, note, n)}."
    )
    return AdminUnit(
        LEVEL_COMMUNE,
        c.province_63,
        c.district,
        c.code,
        p34,
        c.commune_34,
        c.lat,
        c.lon,
        c.radius_m,
        certainty,
        reading,
    )


def _district_unit(code: str, certainty: str, text: str, note: str = "", n: int = 1) -> AdminUnit:
    index = _index()
    d = index.districts[code]
    p34 = index.province_34_of_63[d.province_63]
    reading = (
        f"Đọc {text}: {_spoken(d.name, d.type)}, {_province_phrase(d.province_63, '63')} ({PERIOD_63})"
        f"{_today_phrase(d.commune_34, p34)}{_note(certainty, note, n)}."
    )
    return AdminUnit(
        LEVEL_DISTRICT, d.province_63, d.code, None, p34, d.commune_34, d.lat, d.lon, d.radius_m, certainty, reading
    )


@lru_cache(maxsize=1)
def _places_of_34() -> Mapping[str, tuple[str | None, str | None, str | None]]:
    """Code of a commune of today → (province_63, district_63, commune_63) at its centroid."""
    t = commune_table("34")
    found = admin_at(t["lon"].to_numpy(float), t["lat"].to_numpy(float))
    districts = _index().districts
    out = {}
    for code, district, commune in zip(t["code"], found["district_63"], found["commune_63"], strict=True):
        out[code] = (districts[district].province_63 if district else None, district, commune)
    return MappingProxyType(out)


def _commune_34_unit(code: str, certainty: str, text: str, note: str = "", n: int = 1) -> AdminUnit:
    c34 = _index().communes_34[code]
    province_63, district_63, commune_63 = _places_of_34()[code]
    before = ""
    if district_63:
        d = _index().districts[district_63]
        c = _index().communes[commune_63] if commune_63 else None
        before = f", tâm nằm ở {_spoken(c.name, c.type) + ', ' if c else ''}{_spoken(d.name, d.type)}, "
        before += f"{_province_phrase(d.province_63, '63')} ({PERIOD_63})"
    reading = (
        f"Đọc {text}: {_spoken(c34.name, c34.type)}, {_province_phrase(c34.province_34, '34')} (từ 01/7/2025)"
        f"{before}{_note(certainty, note, n)}."
    )
    return AdminUnit(
        LEVEL_COMMUNE_34,
        province_63,
        district_63,
        commune_63,
        c34.province_34,
        c34.code,
        c34.lat,
        c34.lon,
        c34.radius_m,
        certainty,
        reading,
    )


# ---------------------------------------------------------------------------------------------
# Reading text


@dataclass(frozen=True)
class _Mention:
    level: str  # _COMMUNE, _DISTRICT or _PROVINCE
    segment: int
    start: int
    end: int
    typed: bool
    kind: str | None = None  # the type word's unit type ("Xã", "Huyện" …)
    communes: tuple[str, ...] = ()
    communes_34: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    provinces: frozenset[str] = frozenset()  # ISO codes of the 63
    provinces_34: frozenset[str] = frozenset()  # codes of the 34, when the text names one of today's
    modern: bool = False  # a province name of the 63 or the 34 (not a historical one)
    marked: str = ""  # the name as written, with its marks (see _marked)

    def overlaps(self, other: _Mention) -> bool:
        return self.segment == other.segment and self.start < other.end and other.start < self.end


@lru_cache(maxsize=4096)
def _province_lookup(key: str) -> tuple[frozenset[str], frozenset[str], bool] | None:
    """Vietnamese provinces a folded key names (geo.admin.lookup): ISO codes of the 63, codes of
    the 34 when it is one of today's names, and whether it is a name of the 63 or the 34."""
    found = [p for p in lookup(key) if p.provinces_63]
    if not found:
        return None
    best: Place = found[0]
    codes_63 = province_codes("63")
    codes_34 = province_codes("34")
    p63 = frozenset(codes_63[n] for n in best.provinces_63 if n in codes_63)
    p34 = frozenset(codes_34[n] for n in best.provinces_34 if n in codes_34) if best.era == ERA_34 else frozenset()
    return p63, p34, best.era in (ERA_34, ERA_63)


def _province_key_possible(key: str) -> bool:
    keys = _index().province_keys
    if key in keys:
        return True
    return any(key.startswith(p) and key[len(p) :] in keys for p in _PROVINCE_PREFIXES)


def _province_mention(tokens: list[str], segment: int, start: int, end: int, typed: bool) -> _Mention | None:
    key = _key(tokens[start:end])
    if not key or not _province_key_possible(key):
        return None
    found = _province_lookup(key)
    if found is None:
        return None
    p63, p34, modern = found
    return _Mention(_PROVINCE, segment, start, end, typed, provinces=p63, provinces_34=p34, modern=modern)


def _type_word(tokens: list[str], i: int) -> tuple[int, str, str | None] | None:
    if tokens[i] not in _TYPE_STARTS:
        return None
    for words, level, kind in _TYPE_WORDS:
        if tuple(tokens[i : i + len(words)]) == words:
            return len(words), level, kind
    return None


def _typed_mentions(tokens: list[str], marks: list[str], segment: int) -> tuple[list[_Mention], set[int]]:
    """Names after a type word ("xã Gio An", "TX Quảng Trị", "tỉnh Phú Yên"), longest name first."""
    index = _index()
    mentions: list[_Mention] = []
    used: set[int] = set()
    i = 0
    while i < len(tokens):
        word = _type_word(tokens, i)
        if word is None:
            i += 1
            continue
        length, level, kind = word
        j = i + length
        found: list[_Mention] = []
        for end in range(min(len(tokens), j + _MAX_NAME), j, -1):
            key = _key(tokens[j:end])
            if level == _COMMUNE:
                c63 = index.commune_keys.get(key, ())
                c34 = index.commune_34_keys.get(key, ())
                if c63 or c34:
                    found.append(_Mention(_COMMUNE, segment, i, end, True, kind, c63, c34, marked=_key(marks[j:end])))
            if level in (_DISTRICT, _CITY):
                districts = index.district_keys.get(key, ())
                if districts:
                    found.append(
                        _Mention(_DISTRICT, segment, i, end, True, kind, districts=districts, marked=_key(marks[j:end]))
                    )
            if level in (_PROVINCE, _CITY):
                province = _province_mention(tokens, segment, j, end, True)
                if province is not None:
                    found.append(replace(province, start=i))
            if found:
                break
        if found:
            mentions.extend(found)
            used.update(range(i, found[0].end))
            i = found[0].end
        else:
            i += 1
    return mentions, used


def _untyped_mentions(tokens: list[str], marks: list[str], segment: int, used: set[int]) -> list[_Mention]:
    """Word n-grams outside the typed mentions: provinces (1–5 words), districts and communes (2–4)."""
    index = _index()
    found: list[_Mention] = []
    runs: list[tuple[int, int]] = []
    start = None
    for i in range(len(tokens) + 1):
        free = i < len(tokens) and i not in used
        if free and start is None:
            start = i
        elif not free and start is not None:
            runs.append((start, i))
            start = None
    for a, b in runs:
        for i in range(a, b):
            for end in range(i + 1, min(b, i + _MAX_PROVINCE) + 1):
                province = _province_mention(tokens, segment, i, end, False)
                if province is not None:
                    found.append(province)
                if not _UNTYPED[0] <= end - i <= _UNTYPED[1]:
                    continue
                key = _key(tokens[i:end])
                districts = index.district_keys.get(key, ())
                marked = _key(marks[i:end])
                if districts:
                    found.append(_Mention(_DISTRICT, segment, i, end, False, districts=districts, marked=marked))
                c63 = index.commune_keys.get(key, ())
                c34 = index.commune_34_keys.get(key, ())
                if c63 or c34:
                    found.append(_Mention(_COMMUNE, segment, i, end, False, None, c63, c34, marked=marked))
    # A name inside a longer one is part of it ("Bình Trị" in "Bình Trị Thiên"); a name of a
    # province of the 63 or the 34 is that province, not the district or commune it also names.
    kept = []
    for m in found:
        inside = any(o.start <= m.start and m.end <= o.end and o.end - o.start > m.end - m.start for o in found)
        shadowed = m.level != _PROVINCE and any(
            o.level == _PROVINCE and o.modern and (o.start, o.end) == (m.start, m.end) for o in found
        )
        if not inside and not shadowed:
            kept.append(m)
    return kept


def _mentions(text: str) -> list[_Mention]:
    out: list[_Mention] = []
    for segment, part in enumerate(_SEGMENTS.split(text)):
        tokens, marks = _words(part)
        if not tokens:
            continue
        typed, used = _typed_mentions(tokens, marks, segment)
        out += typed
        out += _untyped_mentions(tokens, marks, segment, used)
    return out


@dataclass(frozen=True)
class _Context:
    """What narrows a name: the districts and provinces named by the rest of the text, and the hint."""

    districts: frozenset[str] = frozenset()
    provinces: frozenset[str] = frozenset()  # ISO codes of the 63
    provinces_34: frozenset[str] = frozenset()  # codes of the 34, where today's name was written

    @property
    def given(self) -> int:
        return bool(self.districts) + bool(self.provinces or self.provinces_34)


_NO_HINT = (frozenset(), frozenset(), frozenset())


@lru_cache(maxsize=1024)
def _hint_context(hint: str | None) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(provinces of the 63, provinces of the 34, districts) a hint names: a province of any era
    first, else a district (type word optional)."""
    tokens = _tokens(unicodedata.normalize("NFC", hint or ""))
    if not tokens:
        return _NO_HINT
    province = _province_mention(tokens, 0, 0, len(tokens), True)
    if province is not None:
        return province.provinces, province.provinces_34, frozenset()
    return frozenset(), frozenset(), frozenset(districts_matching(hint))


def _context(m: _Mention | None, mentions: list[_Mention], hint: tuple) -> _Context:
    """The context of mention m: every other mention that does not share its words, and the hint.

    Provinces: the intersection of every province named (Bình Trị Thiên ∩ Vĩnh Linh), or their
    union where they do not meet (the hint's likewise)."""
    others = [o for o in mentions if m is None or not o.overlaps(m)]
    sets = [o.provinces for o in others if o.level == _PROVINCE and o.provinces]
    provinces = (frozenset.intersection(*sets) or frozenset.union(*sets)) if sets else frozenset()
    provinces_34 = frozenset().union(*(o.provinces_34 for o in others if o.level == _PROVINCE))
    districts = frozenset(d for o in others if o.level == _DISTRICT for d in o.districts)
    h63, h34, hd = hint
    if h63:
        provinces = (provinces & h63 or provinces | h63) if provinces else h63
    return _Context(districts | hd, provinces, provinces_34 | h34)


def _fit(level: str, code: str, ctx: _Context) -> tuple[int, int]:
    """(fits, fits the district): how many of the context's district and province a unit lies in."""
    index = _index()
    if level == LEVEL_COMMUNE:
        c = index.communes[code]
        district, province = c.district in ctx.districts, c.province_63 in ctx.provinces
    elif level == LEVEL_COMMUNE_34:
        c34 = index.communes_34[code]
        district = bool(c34.districts_63 & ctx.districts)
        province = bool(c34.provinces_63 & ctx.provinces) or c34.province_34 in ctx.provinces_34
    else:
        district, province = code in ctx.districts, index.districts[code].province_63 in ctx.provinces
    return int(district) + int(province), int(district)


def _choose(
    found: list[tuple[str, str]], ctx: _Context, marked: str = ""
) -> tuple[list[tuple[str, str]], tuple[int, int]]:
    """The candidates that fit the context best, and their fit. A commune of today that one of
    the 63-era candidates (fitting as well) became as a whole or mostly (its default successor)
    is that candidate, not listed twice; one that took only part of it is another place. Among
    names that fold alike, those written with the very marks of the text (`marked`) win."""
    fits = {unit: _fit(*unit, ctx) for unit in found}
    index = _index()
    became: dict[str, tuple[int, int]] = {}
    for (level, code), fit in fits.items():
        if level == LEVEL_COMMUNE:
            s = index.communes[code].commune_34
            became[s] = max(became.get(s, (-1, -1)), fit)
    kept = {u: f for u, f in fits.items() if not (u[0] == LEVEL_COMMUNE_34 and u[1] in became and became[u[1]] >= f)}
    if not kept:
        return [], (-1, -1)
    best = max(kept.values())
    group = [u for u, f in kept.items() if f == best]
    if best[1] and len({level for level, _ in group}) > 1:
        # A district of 2008–2025 is named: the text speaks of that era, so its commune is meant,
        # not a commune of today that took the same name nearby (phường An Lộc, thị xã Bình Long).
        group = [u for u in group if u[0] != LEVEL_COMMUNE_34]
    if marked and len(group) > 1:
        as_written = [u for u in group if _unit_marked(*u) == marked]
        group = as_written or group
    return group, best


def _unit_marked(level: str, code: str) -> str:
    index = _index()
    units = {LEVEL_COMMUNE: index.communes, LEVEL_COMMUNE_34: index.communes_34, LEVEL_DISTRICT: index.districts}
    return units[level][code].marked


def _commune_candidates(m: _Mention, same_type: bool) -> list[tuple[str, str]]:
    index = _index()

    def wanted(kind: str) -> bool:
        return m.kind is None or (kind == m.kind) == same_type

    c63 = [] if m.kind == "Đặc khu" else [(LEVEL_COMMUNE, c) for c in m.communes if wanted(index.communes[c].type)]
    return c63 + [(LEVEL_COMMUNE_34, c) for c in m.communes_34 if wanted(index.communes_34[c].type)]


def _resolve_commune(m: _Mention, ctx: _Context) -> tuple[list[tuple[str, str]], tuple[int, int]]:
    """Candidates of a commune mention that fit the context best, and their fit. Those of the
    written type win, unless only those of another type fit the context better (people wrote
    "xã" for a thị trấn, and types changed over the years)."""
    same, fit = _choose(_commune_candidates(m, True), ctx, m.marked)
    if m.kind is None:
        return same, fit
    other, other_fit = _choose(_commune_candidates(m, False), ctx, m.marked)
    if other and (not same or other_fit[0] > fit[0]):
        return other, other_fit
    return same, fit


def _district_candidates(m: _Mention, ctx: _Context) -> tuple[list[tuple[str, str]], tuple[int, int]]:
    index = _index()
    same = [d for d in m.districts if m.kind is None or index.districts[d].type == m.kind]
    return _choose([(LEVEL_DISTRICT, d) for d in same or m.districts], _Context(provinces=ctx.provinces), m.marked)


def _units(
    found: list[tuple[str, str]], certainty: str, text: str, note: str = ""
) -> tuple[AdminUnit | None, tuple[AdminUnit, ...]]:
    make = {LEVEL_COMMUNE: _commune_unit, LEVEL_COMMUNE_34: _commune_34_unit, LEVEL_DISTRICT: _district_unit}
    order = {LEVEL_COMMUNE: 0, LEVEL_DISTRICT: 1, LEVEL_COMMUNE_34: 2}
    found = sorted(dict.fromkeys(found), key=lambda u: (order[u[0]], u[1]))
    if len(found) == 1:
        level, code = found[0]
        unit = make[level](code, certainty, text, note)
        return unit, (unit,)
    return None, tuple(make[level](code, AMBIGUOUS, text, note, len(found)) for level, code in found)


_NOTE_CONTRADICTED = " (tỉnh hoặc huyện ghi kèm không khớp)"


def _match(found: list[tuple[str, str]], fit: tuple[int, int], ctx: _Context, text: str) -> PlaceMatch:
    """A typed name's match: exact when the context confirms it or when there is none to
    confirm it (a name unique in the country, written with its type word); likely when the
    context contradicts it (CONTRADICTED: shown, never used as a place by itself)."""
    contradicted = fit[0] < ctx.given
    certainty = CONTRADICTED if contradicted else EXACT
    return PlaceMatch(*_units(found, certainty, text, _NOTE_CONTRADICTED if contradicted else ""))


QUOTED = 60  # characters of a hint a reading quotes


def _short(text: str) -> str:
    return text if len(text) <= QUOTED else f"{text[:QUOTED]} …"


@lru_cache(maxsize=4096)
def find_place(text: str, hint: str | None = None) -> PlaceMatch:
    """The district or commune (of either era) that `text` names, read as described in the
    module docstring; `hint` is a province or district name of any era that narrows it.

    Typed names come first ("xã Gio An", then "huyện Gio Linh"); an untyped name counts when
    the rest of the text or the hint confirms it, or, when nothing is typed and no province is
    named, when only one unit bears it ("likely").

    >>> m = find_place("xã Gio An, huyện Gio Linh")
    >>> m.best.label("63"), m.best.label("34"), m.best.certainty
    ('Xã Gio An, Huyện Gio Linh, Quảng Trị', 'Xã Cồn Tiên, Quảng Trị', 'exact')
    >>> find_place("xã Hòa An").ambiguous, find_place("xã Hòa An", hint="Phú Yên").best.district_63
    (True, '563')
    """
    text = unicodedata.normalize("NFC", text or "").strip()
    if not text:
        return PlaceMatch(None, ())
    mentions = _mentions(text)
    hint_ctx = _hint_context(hint) if hint and hint.strip() else _NO_HINT
    # The reading never quotes the text: a witness's account may hold a name or a phone, and the
    # reading goes into notes that partners read. The hint is a province or district name.
    shown = "địa danh" + (f" (gợi ý «{_short(hint.strip())}»)" if hint and hint.strip() else "")

    # 1. A commune written with its type word.
    for m in mentions:
        if m.level == _COMMUNE and m.typed:
            ctx = _context(m, mentions, hint_ctx)
            found, fit = _resolve_commune(m, ctx)
            if found:
                return _match(found, fit, ctx, shown)

    # 2. An untyped commune name that a district or province of the text (or the hint) confirms;
    # where the same words also name a district, only a district elsewhere in the text does.
    best_rank, best = None, []
    for m in mentions:
        if m.level != _COMMUNE or m.typed:
            continue
        ctx = _context(m, mentions, hint_ctx)
        found, fit = _resolve_commune(m, ctx)
        if not found or fit[0] == 0 or fit[0] < ctx.given:
            continue
        if not fit[1] and any(o.level == _DISTRICT and o.overlaps(m) for o in mentions):
            continue
        rank = (fit[1], m.end - m.start, -len(found))
        if best_rank is None or rank > best_rank:
            best_rank, best = rank, found
    if best:
        return PlaceMatch(*_units(best, EXACT, shown))

    # 3. A district: typed, or untyped and confirmed by a province of the text (or the hint).
    for m in mentions:
        if m.level == _DISTRICT and m.typed:
            ctx = _context(m, mentions, hint_ctx)
            found, fit = _district_candidates(m, ctx)
            return _match(found, fit, _Context(provinces=ctx.provinces), shown)
    confirmed: list[tuple[str, str]] = []
    for m in mentions:
        if m.level == _DISTRICT:
            ctx = _context(m, mentions, hint_ctx)
            found, fit = _district_candidates(m, ctx)
            if ctx.provinces and fit[0]:
                confirmed += found
    if confirmed:
        return PlaceMatch(*_units(confirmed, EXACT, shown))

    # 4. Nothing typed, no province or hint to go by: an untyped name only one unit bears.
    lengths = {i: len(_tokens(part)) for i, part in enumerate(_SEGMENTS.split(text))}
    names = [m for m in mentions if m.level in (_DISTRICT, _COMMUNE) and m.end - m.start == lengths[m.segment]]
    alone = [m for m in mentions if m.level == _PROVINCE and not any(m.overlaps(o) for o in names)]
    if any(m.typed for m in mentions) or alone or hint_ctx != _NO_HINT:
        return PlaceMatch(None, ())
    loose: list[tuple[str, str]] = []
    for m in names:
        if m.level == _DISTRICT:
            loose += _choose([(LEVEL_DISTRICT, d) for d in m.districts], _Context(), m.marked)[0]
        elif not any(o.level == _DISTRICT and o.overlaps(m) for o in names):
            loose += _choose(_commune_candidates(m, True), _Context(), m.marked)[0]
    loose = list(dict.fromkeys(loose))
    if not loose:
        return PlaceMatch(None, ())
    return PlaceMatch(*_units(loose, LIKELY if len(loose) == 1 else AMBIGUOUS, shown))


def _split_type(text: str, levels: tuple[str, ...]) -> tuple[str | None, str]:
    tokens = _tokens(text)
    if tokens:
        word = _type_word(tokens, 0)
        if word is not None and word[1] in levels and len(tokens) > word[0]:
            return word[2], _key(tokens[word[0] :])
    return None, _key(tokens)


def districts_matching(text: str, province_63: str | None = None) -> list[str]:
    """Codes of the districts of 2008–2025 whose name matches `text` (type word optional; one of
    the written type first), in `province_63` (an ISO code) if given.

    >>> districts_matching("H. Gio Linh"), districts_matching("Châu Thành", "VN-50")
    (['466'], ['831'])
    """
    index = _index()
    kind, key = _split_type(text, (_DISTRICT, _CITY))
    codes = index.district_keys.get(key, ())
    if kind is None and not codes:
        codes = index.district_keys.get(_key(_tokens(text)), ())
    if province_63:
        codes = tuple(c for c in codes if index.districts[c].province_63 == province_63)
    if kind:
        codes = tuple(sorted(codes, key=lambda c: (index.districts[c].type != kind, c)))
    return list(codes)


def communes_matching(text: str, district: str | None = None, province_63: str | None = None) -> list[str]:
    """Codes of the communes of 2008–2025 whose name matches `text` (type word optional; those of
    the written type first), in `district` and `province_63` if given.

    >>> communes_matching("TT Hồ Xá")
    ['19363']
    """
    index = _index()
    kind, key = _split_type(text, (_COMMUNE,))
    codes = index.commune_keys.get(key, ())
    if district:
        codes = tuple(c for c in codes if index.communes[c].district == str(district))
    if province_63:
        codes = tuple(c for c in codes if index.communes[c].province_63 == province_63)
    if kind:
        codes = tuple(sorted(codes, key=lambda c: (index.communes[c].type != kind, c)))
    return list(codes)


def communes_34_matching(text: str, province_34: str | None = None) -> list[str]:
    """Codes of today's communes whose name matches `text` (type word optional; those of the
    written type first), in `province_34` (a code of data/provinces_34.csv) if given.

    >>> communes_34_matching("Phổ Yên") == communes_34_matching("phường Phổ Yên") != []
    True
    """
    index = _index()
    kind, key = _split_type(text, (_COMMUNE,))
    codes = index.commune_34_keys.get(key, ())
    if kind is None and not codes:
        codes = index.commune_34_keys.get(_key(_tokens(text)), ())
    if province_34:
        codes = tuple(c for c in codes if index.communes_34[c].province_34 == province_34)
    if kind:
        codes = tuple(sorted(codes, key=lambda c: (index.communes_34[c].type != kind, c)))
    return list(codes)


# ---------------------------------------------------------------------------------------------
# Point → district and commune


@dataclass(frozen=True)
class _Locator:
    boxes: shapely.STRtree  # lon/lat boxes of the 63-era communes, then of the communeless districts
    commune: np.ndarray  # per box: commune code, or None for a district without communes
    district: np.ndarray
    province: np.ndarray  # ISO code of the 63
    island: np.ndarray  # per box: a district without communes (an island)
    island_34: np.ndarray  # the special zone of 2025 of a communeless district, else None
    x: np.ndarray  # metric centroids
    y: np.ndarray
    province_rows: Mapping[str, np.ndarray]  # ISO code → rows of its units
    province_34: Mapping[str, str]  # ISO code of the 63 → code of the 34
    rows_34: Mapping[str, np.ndarray]  # code of the 34 → rows of its communes of today
    code_34: np.ndarray
    x34: np.ndarray
    y34: np.ndarray
    r34: np.ndarray


@lru_cache(maxsize=1)
def _to_metric() -> Transformer:
    return Transformer.from_crs(4326, METRIC_CRS, always_xy=True)


@lru_cache(maxsize=1)
def _locator() -> _Locator:
    index = _index()
    units = list(index.communes.values()) + [d for d in index.districts.values() if d.commune_34]
    communes = [u for u in units if isinstance(u, _Commune)]
    islands = [u for u in units if isinstance(u, _District)]
    box = np.array([u.box for u in units], dtype=float)
    lon = np.array([u.lon for u in units], dtype=float)
    lat = np.array([u.lat for u in units], dtype=float)
    x, y = _to_metric().transform(lon, lat)
    province = np.array([u.province_63 for u in units], dtype=object)
    t34 = list(index.communes_34.values())
    x34, y34 = _to_metric().transform(np.array([c.lon for c in t34]), np.array([c.lat for c in t34]))
    p34 = np.array([c.province_34 for c in t34], dtype=object)
    return _Locator(
        boxes=shapely.STRtree(shapely.box(box[:, 0], box[:, 1], box[:, 2], box[:, 3])),
        commune=np.array([c.code for c in communes] + [None] * len(islands), dtype=object),
        district=np.array([c.district for c in communes] + [d.code for d in islands], dtype=object),
        province=province,
        island=np.array([False] * len(communes) + [True] * len(islands)),
        island_34=np.array([None] * len(communes) + [d.commune_34 for d in islands], dtype=object),
        x=np.asarray(x),
        y=np.asarray(y),
        province_rows=MappingProxyType({p: np.flatnonzero(province == p) for p in set(province)}),
        province_34=index.province_34_of_63,
        rows_34=MappingProxyType({p: np.flatnonzero(p34 == p) for p in set(p34)}),
        code_34=np.array([c.code for c in t34], dtype=object),
        x34=np.asarray(x34),
        y34=np.asarray(y34),
        r34=np.array([c.radius_m for c in t34], dtype=float),
    )


_CHUNK = 4096


def _nearest(px: np.ndarray, py: np.ndarray, cx: np.ndarray, cy: np.ndarray, radius: np.ndarray | None) -> np.ndarray:
    """Index into (cx, cy) of each point's nearest centroid; with `radius`, the nearest among the
    circles that hold the point, or the nearest of all where none does."""
    out = np.empty(px.size, dtype=np.intp)
    for s in range(0, px.size, _CHUNK):
        d2 = (px[s : s + _CHUNK, None] - cx[None, :]) ** 2 + (py[s : s + _CHUNK, None] - cy[None, :]) ** 2
        if radius is not None:
            held = d2 <= (radius**2)[None, :]
            d2 = np.where(held.any(axis=1, keepdims=True) & ~held, np.inf, d2)
        out[s : s + _CHUNK] = np.argmin(d2, axis=1)
    return out


def admin_at(lon: ArrayLike, lat: ArrayLike) -> pd.DataFrame:
    """District and commune of 2008–2025 and commune of today of each point (WGS84), in order.

    The 63-era commune is the one with the nearest centroid among those whose bounding box holds
    the point; where no box does, the nearest centroid in the point's province (geo.admin's
    polygons). Today's commune is, in the province of today, the nearest centroid among the
    communes whose circle (RADIUS_34_FACTOR) holds the point, else the nearest. Points outside
    Vietnam as geo.admin.territory_at draws it get None (in Laos, Cambodia, China, the open sea),
    except in the box of an island district without communes (Bạch Long Vĩ, beyond its sea
    margin): that district and its special zone of 2025. `approx` is True wherever something
    was found: without commune polygons every answer is an approximation.

    >>> admin_at([106.98899, 104.75], [16.925797, 16.56]).to_dict("records")[0]
    {'district_63': '466', 'commune_63': '19522', 'commune_34': '19537', 'approx': True}
    """
    lon = np.asarray(lon, dtype=float).ravel()
    lat = np.asarray(lat, dtype=float).ravel()
    if lon.shape != lat.shape:
        raise ValueError(f"lon and lat differ in length: {lon.size} and {lat.size}")
    n = lon.size
    loc = _locator()
    row = np.full(n, -1, dtype=np.intp)
    if n:
        where = territory_at(lon, lat)
        country = where["country"].to_numpy(dtype=object)
        province = where["province_63"].to_numpy(dtype=object)
        abroad = np.isin(country, ["LA", "KH"])
        px, py = (np.asarray(v) for v in _to_metric().transform(lon, lat))
        point, unit = loc.boxes.query(shapely.points(lon, lat), predicate="intersects")
        # Outside geo.admin's territory only the islands without communes count (Bạch Long Vĩ
        # lies beyond its sea margin): elsewhere a box reaching into China or the open sea is no
        # reason to call a point Vietnamese.
        keep = (country[point] == "VN") | (~abroad[point] & loc.island[unit])
        point, unit = point[keep], unit[keep]
        if point.size:
            d2 = (px[point] - loc.x[unit]) ** 2 + (py[point] - loc.y[unit]) ** 2
            order = np.lexsort((unit, d2, point))  # per point: nearest, ties to the first unit
            point, unit = point[order], unit[order]
            first = np.r_[True, point[1:] != point[:-1]]
            row[point[first]] = unit[first]
        lost = np.flatnonzero((row < 0) & (country == "VN") & pd.notna(province))
        for code in set(province[lost]):
            pts = lost[province[lost] == code]
            rows = loc.province_rows.get(code)
            if rows is not None and rows.size:
                row[pts] = rows[_nearest(px[pts], py[pts], loc.x[rows], loc.y[rows], None)]
    found = row >= 0
    safe = np.where(found, row, 0)
    district = np.where(found, loc.district[safe], None)
    commune = np.where(found, loc.commune[safe], None)
    today = np.where(found, loc.island_34[safe], None)
    todo = np.flatnonzero(found & ~loc.island[safe])
    if todo.size:
        p34 = np.array([loc.province_34[p] for p in loc.province[row[todo]]], dtype=object)
        for code in set(p34):
            pts = todo[p34 == code]
            rows = loc.rows_34[code]
            nearest = _nearest(px[pts], py[pts], loc.x34[rows], loc.y34[rows], loc.r34[rows])
            today[pts] = loc.code_34[rows[nearest]]
    columns = {"district_63": district, "commune_63": commune, "commune_34": today}
    return pd.DataFrame(
        {**{k: pd.Series(v, dtype=object) for k, v in columns.items()}, "approx": pd.Series(found, dtype=bool)}
    )
