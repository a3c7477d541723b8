"""Where a report is, below the province: its district and commune, and an approximate area for
a report that has a place name but no coordinate.

A located report takes the district and commune of 2008–2025 and today's commune of its point
(geo.communes.admin_at: the nearest commune centre, approximate, since there are no commune
polygons). A report with no point whose place description or historical place names a commune
or district gets that unit's centre and extent as an approximate area, kept in the area_* fields
and never in the geometry: its position source is "from the place name", counted apart from
measured points in every figure. The importer (one row or a whole file), the form and the
migration that filled older records all go through these functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from geo.admin import lookup, province_codes, province_names, resolve_place
from geo.communes import (
    CONTRADICTED,
    AdminUnit,
    admin_at,
    commune_label,
    commune_table,
    communes_34_matching,
    communes_matching,
    district_label,
    district_table,
    districts_matching,
    find_place,
)
from layers.errors import LayersError
from layers.labels import number
from layers.schema import POSITION_SOURCES

MEASURED, PLACE_NAME, UNKNOWN = (t.code for t in POSITION_SOURCES)
ADMIN_COLUMNS = ("district_63", "commune_63", "commune_34")
AREA_COLUMNS = ("area_lat", "area_lon", "area_radius_m", "area_place")
# Everything these functions set: a report's position is re-derived whole, never in part.
DERIVED_COLUMNS = (*ADMIN_COLUMNS, *AREA_COLUMNS, "position_source")
PLACE_NOTE = "[Địa danh]"  # how the importer marks what it says in a report's notes about the place it read
MAX_CANDIDATES_NOTED = 5
AREA_RADIUS_M = 1000.0  # an area stored without its extent is still drawn as a ring this wide, never a dot


def _clean(value: object) -> object:
    return None if value is None or (isinstance(value, float) and value != value) else value


def admin_columns(lon: Sequence[float], lat: Sequence[float]) -> list[dict]:
    """The derived position fields of located points, in their order: district and communes of
    the point, the position source "measured", no area."""
    if not len(lon):
        return []
    found = admin_at(list(lon), list(lat))
    columns = [[_clean(v) for v in found[name].tolist()] for name in ADMIN_COLUMNS]
    empty = dict.fromkeys(AREA_COLUMNS)
    return [
        {**dict(zip(ADMIN_COLUMNS, codes, strict=True)), **empty, "position_source": MEASURED}
        for codes in zip(*columns, strict=True)
    ]


def place_text(record: dict) -> str:
    """The words a place is read from: the witness's description, then the historical place."""
    return ", ".join(str(record[name]) for name in ("place_description", "historical_place") if record.get(name))


PLACE_SCAN = 1_000  # characters read from each end of a long place text: the names are short


def _bounded(text: str) -> str:
    """A long place text's beginning and end, where a witness's account names the commune."""
    return text if len(text) <= 2 * PLACE_SCAN else f"{text[:PLACE_SCAN]}, {text[-PLACE_SCAN:]}"


def unit_label(unit: AdminUnit) -> str:
    """The unit an area was read from, as people write it: "Xã Gio An, Huyện Gio Linh (Quảng Trị)"."""
    if unit.level == "district":
        return district_label(unit.district_63)
    if unit.level == "commune_34" or not unit.commune_63:
        return commune_label(unit.commune_34, "34")
    return commune_label(unit.commune_63)


def _unknown() -> dict:
    return {**dict.fromkeys(DERIVED_COLUMNS), "position_source": UNKNOWN}


def area_of(record: dict, province: str | None = None) -> tuple[dict, str | None]:
    """The derived position fields of a report without a point, and a note for its notes (or
    None): the area of the commune or district its place text names, with that unit's
    provinces (province_34, province_63), or position "unknown".

    `province` is the report's province of today (a code), when it has one: the name is read
    within it, and a unit of another province gives no area. So does an ambiguous name (noted
    with its candidates), a name the district or province written with it contradicts, and a
    name read with no province to go by whose text names a country abroad. Notes name the
    unit only, never the witness's words (they may hold a name or a phone)."""
    fields = _unknown()
    text = place_text(record)
    if not text:
        return fields, None
    hint = province_names("34").get(province) if province else None
    match = find_place(_bounded(text), hint)
    if match.best is None:
        if not match.candidates:
            return fields, None
        names = "; ".join(unit_label(u) for u in match.candidates[:MAX_CANDIDATES_NOTED])
        more = len(match.candidates) - MAX_CANDIDATES_NOTED
        tail = f" và {more} nơi khác" if more > 0 else ""
        said = f"{PLACE_NOTE} Địa danh có thể là nhiều nơi: {names}{tail}."
        return fields, f"{said} Chưa ước lượng vị trí; hãy ghi rõ huyện hoặc tỉnh."
    unit = match.best
    if unit.certainty == CONTRADICTED or (province is not None and unit.province_34 != province):
        return fields, f"{PLACE_NOTE} {unit_label(unit)} không khớp với tỉnh, huyện đã ghi; chưa ước lượng vị trí."
    if province is None and _abroad(text):
        return fields, f"{PLACE_NOTE} Địa danh nêu một nơi ở Lào hoặc Campuchia; chưa ước lượng vị trí."
    fields.update(
        district_63=unit.district_63,
        commune_63=unit.commune_63,
        commune_34=unit.commune_34,
        area_lat=round(unit.lat, 6),
        area_lon=round(unit.lon, 6),
        area_radius_m=round(unit.radius_m),
        area_place=unit_label(unit),
        position_source=PLACE_NAME,
        province_34=unit.province_34,
        province_63=unit.province_63,
    )
    km = number(unit.radius_m / 1000, "vi", 1)
    return fields, f"{PLACE_NOTE} {unit.reading} Vùng ước lượng: bán kính khoảng {km} km."


def _abroad(text: str) -> bool:
    """Whether a place text names a province of Laos or Cambodia (or one of their names) in one
    of its comma-separated parts."""
    for part in text.split(","):
        found = lookup(part.strip()) if part.strip() else []
        if found and found[0].abroad_provinces:
            return True
    return False


def position_sources(frame: pd.DataFrame) -> pd.Series:
    """Each report's position source as every figure counts it: a point is measured whatever the
    column says (rows stored before it), no value is "unknown"."""
    if "position_source" in frame:
        source = frame["position_source"].astype(object).where(frame["position_source"].notna(), UNKNOWN)
    else:
        source = pd.Series(UNKNOWN, index=frame.index, dtype=object)
    if "geometry" in frame:
        located = frame.geometry.notna() & ~frame.geometry.is_empty
        source = source.where(~located, MEASURED)
    return source


def position_counts(frame: pd.DataFrame) -> dict[str, int]:
    """How many reports have each position source: every figure shows the three apart."""
    counts = position_sources(frame).value_counts()
    return {t.code: int(counts.get(t.code, 0)) for t in POSITION_SOURCES}


@dataclass(frozen=True)
class AdminFilter:
    """The district and commune codes a filter's names stand for (FilterSpec's criteria)."""

    districts: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    communes_34: tuple[str, ...] = ()


class AdminNameError(LayersError):
    """A district or commune name that names no place, or several."""


def _provinces_63(province: str | None) -> tuple[str | None, ...]:
    """The 2008–2025 provinces (ISO codes) a province name of any era covers; (None,) for no name."""
    if not province:
        return (None,)
    place = resolve_place(province)  # UnknownPlace (a LayersError) names it
    codes = province_codes("63")
    members = tuple(codes[name] for name in place.provinces_63 if name in codes)
    return members or (None,)


def _one_name(kind: str, text: str, codes: list[str], label) -> list[str]:
    """The codes a name matched, refused with every candidate listed when it names several places."""
    if not codes:
        raise AdminNameError(f"Không tìm thấy {kind} «{text[:60]}».")
    if len(codes) > 1:
        names = "; ".join(label(c) for c in codes[:10])
        more = f" và {len(codes) - 10} nơi khác" if len(codes) > 10 else ""
        raise AdminNameError(f"«{text[:60]}» là tên của {len(codes)} {kind}: {names}{more}. Hãy thêm --province.")
    return codes


def admin_filter(district: str | None, commune: str | None, province: str | None = None) -> AdminFilter:
    """The codes of `--district` and `--commune` (names of any spelling, or codes), narrowed by a
    province name of any era. An ambiguous name is refused with its candidates, not guessed."""
    provinces = _provinces_63(province) if district or commune else (None,)
    districts: list[str] = []
    if district:
        found = list(dict.fromkeys(c for p in provinces for c in districts_matching(district, p)))
        districts = _one_name("huyện", district, found, district_label)
    if not commune:
        return AdminFilter(districts=tuple(districts))
    within = districts or [None]
    found = list(
        dict.fromkeys(
            c for p in provinces for d in within for c in communes_matching(commune, district=d, province_63=p)
        )
    )
    if found:
        return AdminFilter(tuple(districts), tuple(_one_name("xã", commune, found, commune_label)))
    codes34 = province_codes("34")
    within34 = {codes34[n] for n in resolve_place(province).provinces_34 if n in codes34} if province else {None}
    today = list(dict.fromkeys(c for p in within34 for c in communes_34_matching(commune, p)))
    return AdminFilter(tuple(districts), (), tuple(_one_name("xã", commune, today, lambda c: commune_label(c, "34"))))


def provinces_of(districts: Sequence[str], communes: Sequence[str]) -> tuple[str, ...]:
    """The 2008–2025 provinces (ISO codes) that districts and communes of that era lie in: what
    layers without districts (battlefields, cemeteries, trips) are narrowed by."""
    found = district_table().set_index("code")["province_63"].reindex(list(districts)).dropna().tolist()
    found += commune_table("63").set_index("code")["province_63"].reindex(list(communes)).dropna().tolist()
    return tuple(dict.fromkeys(found))


def provinces_34_of(communes_34: Sequence[str]) -> tuple[str, ...]:
    """Today's provinces (codes) that communes of today lie in."""
    found = commune_table("34").set_index("code")["province_34"].reindex(list(communes_34)).dropna()
    return tuple(dict.fromkeys(found))
