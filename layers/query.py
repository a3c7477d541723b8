"""FilterSpec: one description of "what is shown", shared by map, table and exports.

The sidebar builds it, the URL carries it (`to_params` / `from_params`), and
`apply` narrows a reports frame to it. A spec is frozen and hashable, so caches can
be keyed by it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.admin import (
    Place,
    UnknownPlace,
    boundaries,
    province_codes,
    province_table_63,
    resolve_place,
)
from geo.text import fold
from layers.schema import REPORTS

YEAR_MIN, YEAR_MAX = 1945, 1989
MAX_LIST = 50  # values per URL parameter: a link is typed by people, not a bulk query
MAX_RING = 1000  # vertices of a drawn area
WAR_PRESETS = {
    "france": (1945, 1954),
    "us": (1955, 1975),
    "southwest": (1975, 1989),
    "north": (1979, 1989),
}
NOT_YET_SEARCHED = ("new", "verifying", "verified", "planned")
TEXT_FIELDS = ("martyr_names", "place_description", "notes", "historical_place", "period_text", "hometown", "name")

# Unit words and their short military letters: Đại đội 552 = C552, Sư đoàn 304 = F304.
_UNIT_WORDS = [
    (r"\bdai doi\s*", "c"),
    (r"\bdd\s*c?\s*(?=\d)", "c"),
    (r"\btieu doan\s*", "d"),
    (r"\btrung doan\s*", "e"),
    (r"\b(?:su|dai) doan\s*", "f"),
    (r"\b([cdef])\s+(?=\d)", r"\1"),
]


def unit_key(text: str) -> str:
    """A unit name folded so that its spellings compare equal.

    >>> {unit_key(u) for u in ["C552", "c 552", "Đại đội 552", "ĐĐ C552"]}
    {'c552'}
    >>> unit_key("Sư đoàn 304") == unit_key("f304")
    True
    """
    key = fold(text or "")
    for pattern, repl in _UNIT_WORDS:
        key = re.sub(pattern, repl, key)
    return key


def unit_matches(unit_keys: pd.Series, query: str) -> pd.Series:
    """Which folded units contain the query's unit as whole words ('c552' is in 'tieu doi 4 c552')."""
    key = unit_key(query)
    if not key:
        return pd.Series(True, index=unit_keys.index)
    return unit_keys.str.contains(rf"(?:^| ){re.escape(key)}(?: |$)", regex=True)


@dataclass(frozen=True)
class FilterSpec:
    """What the user asked to see. Empty tuples and blank text mean "no restriction"."""

    provinces_34: tuple[str, ...] = ()  # codes of today's provinces
    provinces_63: tuple[str, ...] = ()  # ISO codes of the 2008–2025 provinces
    place: str = ""  # any era's name, resolved through the gazetteer
    districts: tuple[str, ...] = ()  # codes of districts of 2008–2025 (data/admin/districts_63.csv)
    communes: tuple[str, ...] = ()  # codes of communes of 2008–2025
    communes_34: tuple[str, ...] = ()  # codes of today's communes
    units: tuple[str, ...] = ()  # unit names; a report matches any of them
    year_from: int = YEAR_MIN
    year_to: int = YEAR_MAX
    include_unknown_period: bool = True
    statuses: tuple[str, ...] = ()
    chapters: tuple[str, ...] = ()
    confidence: tuple[str, ...] = ()
    has_coordinates: bool | None = None
    text: str = ""
    area: tuple[tuple[float, float], ...] = ()  # a lon/lat ring drawn on the map

    def __post_init__(self) -> None:
        if self.year_from > self.year_to:
            raise ValueError("year_from must not be after year_to")

    # -- URL ------------------------------------------------------------------

    def to_params(self) -> dict[str, str | list[str]]:
        """Query-string parameters for the values that differ from the defaults."""
        default = FilterSpec()
        params: dict[str, str | list[str]] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value == getattr(default, f.name):
                continue
            if f.name == "area":
                params["area"] = ";".join(f"{x:.6f},{y:.6f}" for x, y in value)
            elif isinstance(value, tuple):
                params[f.name] = list(value)
            elif isinstance(value, bool):
                params[f.name] = "1" if value else "0"
            else:
                params[f.name] = str(value)
        return params

    @classmethod
    def from_params(cls, params: dict[str, str | list[str]]) -> FilterSpec:
        """A spec from query parameters; values that do not parse are ignored, never fatal."""
        values: dict[str, object] = {}
        for f in fields(cls):
            if f.name not in params:
                continue
            raw = params[f.name]
            items = raw if isinstance(raw, list) else [raw]
            try:
                if f.name == "area":
                    values["area"] = _parse_ring(str(items[0]))
                elif f.name in ("year_from", "year_to"):
                    values[f.name] = min(max(int(items[0]), YEAR_MIN), YEAR_MAX)
                elif f.name == "include_unknown_period":
                    values[f.name] = {"1": True, "0": False}[items[0]]
                elif f.name == "has_coordinates":
                    values[f.name] = {"": None, "1": True, "0": False}[items[0]]
                elif f.name in ("place", "text"):
                    values[f.name] = str(items[0])[:200]
                else:
                    values[f.name] = tuple(str(i)[:100] for i in items[:MAX_LIST] if str(i))
            except (ValueError, IndexError, KeyError):
                continue
        if values.get("year_from", YEAR_MIN) > values.get("year_to", YEAR_MAX):
            values.pop("year_from", None)
            values.pop("year_to", None)
        return cls(**values)

    def with_area(self, ring: tuple[tuple[float, float], ...]) -> FilterSpec:
        return replace(self, area=ring)

    # -- meaning --------------------------------------------------------------

    def usable(self) -> FilterSpec:
        """The spec without a place name the gazetteer does not know (the UI says so beside the field)."""
        try:
            self.resolved_place()
        except UnknownPlace:
            return replace(self, place="")
        return self

    def resolved_place(self) -> Place | None:
        """The gazetteer's best match for `place`, None when blank. Raises UnknownPlace."""
        return resolve_place(self.place) if self.place.strip() else None


def _parse_ring(text: str) -> tuple[tuple[float, float], ...]:
    pairs = [pair for pair in text.split(";") if pair]
    if len(pairs) > MAX_RING:
        raise ValueError("too many vertices")
    ring = tuple(tuple(float(v) for v in pair.split(",")) for pair in pairs)
    if len(ring) < 3 or any(len(p) != 2 or not (-180 <= p[0] <= 180 and -90 <= p[1] <= 90) for p in ring):
        raise ValueError("not a ring")
    return ring  # type: ignore[return-value]


def prepare(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add the folded columns `apply` searches; done once per loaded frame.

    Works for every stored layer: a column a layer lacks is simply not searched, and a
    line or polygon is placed by its representative point."""
    out = frame.copy()
    # Categorical: units repeat, so a unit search runs once per distinct unit, not per report.
    out["_unit_key"] = out["unit"].fillna("").map(unit_key).astype("category") if "unit" in out else ""
    columns = [out[name].fillna("").astype(str).tolist() for name in TEXT_FIELDS if name in out]
    out["_text"] = [fold(" ".join(parts)) for parts in zip(*columns, strict=True)] if columns else ""
    points = shapely.point_on_surface(out.geometry.values)
    out["_lon"] = shapely.get_x(points)
    out["_lat"] = shapely.get_y(points)
    return out


def _place_mask(reports: gpd.GeoDataFrame, place: Place) -> pd.Series:
    """Reports in the place: its provinces of 2008–2025 when they account for all of its
    provinces of today (finer), else today's,
    or, for zones abroad (Laos, Cambodia), the reports located inside those countries."""
    inside = pd.Series(False, index=reports.index)
    t63 = province_table_63()
    successors = set(t63.loc[t63["name"].isin(place.provinces_63), "province_34"])
    if place.provinces_63 and successors == set(place.provinces_34):  # the old list is complete
        by_name = province_codes("63")
        inside |= reports["province_63"].isin({by_name[n] for n in place.provinces_63})
        whole = set(t63.loc[t63["province_34"].isin(place.provinces_34), "name"]) <= set(place.provinces_63)
        if whole:  # a report placed by name only knows today's province, all of which is in the place
            codes34 = {province_codes("34")[n] for n in place.provinces_34}
            inside |= reports["province_63"].isna() & reports["province_34"].isin(codes34)
    elif place.provinces_34:
        by_name = province_codes("34")
        inside |= reports["province_34"].isin({by_name[n] for n in place.provinces_34})
    if place.countries:
        outlines = boundaries("neighbours")
        country = shapely.union_all(outlines[outlines["iso2"].isin(place.countries)].geometry.values)
        inside |= pd.Series(
            shapely.contains_xy(country, reports["_lon"].to_numpy(), reports["_lat"].to_numpy()), index=reports.index
        )
    return inside


def _column_in(frame: gpd.GeoDataFrame, column: str, values: tuple[str, ...]) -> pd.Series:
    """Rows whose column holds one of the values; a layer without the column is not narrowed."""
    if not values or column not in frame:
        return pd.Series(True, index=frame.index)
    return frame[column].isin(values)


def _period_mask(frame: gpd.GeoDataFrame, spec: FilterSpec) -> pd.Series:
    """Rows whose years overlap the spec's; one known year is taken to span that year only."""
    if "year_from" not in frame:
        return pd.Series(True, index=frame.index)
    first = frame["year_from"].fillna(frame["year_to"])
    last = frame["year_to"].fillna(frame["year_from"])
    overlaps = (first <= spec.year_to) & (last >= spec.year_from)
    return overlaps.fillna(False) | (first.isna() & spec.include_unknown_period)


def _area_mask(frame: gpd.GeoDataFrame, ring: tuple[tuple[float, float], ...]) -> pd.Series:
    """Points inside the drawn area; lines and polygons that touch it."""
    polygon = shapely.Polygon(ring)
    geometry = frame.geometry.values
    is_point = shapely.get_type_id(geometry) == 0
    inside = np.where(
        is_point,
        shapely.contains_xy(polygon, frame["_lon"].to_numpy(), frame["_lat"].to_numpy()),
        shapely.intersects(polygon, geometry),
    )
    return pd.Series(inside.astype(bool), index=frame.index)


def mask(frame: gpd.GeoDataFrame, spec: FilterSpec) -> pd.Series:
    """Which rows of a `prepare`d frame the spec selects (layers.criteria declares each criterion)."""
    from layers import criteria  # criteria read this module's helpers and the labels built on it

    return criteria.mask(frame, spec)


def apply(frame: gpd.GeoDataFrame, spec: FilterSpec) -> gpd.GeoDataFrame:
    """The rows a spec selects, from a `prepare`d frame."""
    return frame[mask(frame, spec)]


def status_codes() -> tuple[str, ...]:
    return REPORTS.field("status").codes()


__all__ = ["FilterSpec", "UnknownPlace", "WAR_PRESETS", "apply", "mask", "prepare", "unit_key"]
