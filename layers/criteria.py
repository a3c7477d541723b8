"""The criteria of a FilterSpec, each declared once: the rows it keeps in a frame (pandas), its
condition on the stored table (SQL), the words the page and the PDF say for it ("đang xem: …"),
and whether it narrows reports only or every layer. `mask`, `conditions`, `describe` and
`context_spec` are derived from this list; the URL's parameters are the spec's own fields
(FilterSpec.to_params), the command line's flags are named on each criterion.

A criterion whose SQL cannot be written for a backend (a folded-text search, a country outline)
says None there and is applied to the frame the query returns.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import geopandas as gpd
import pandas as pd
import sqlalchemy as sa

from geo.admin import province_names
from geo.text import fold
from layers.labels import admin_label, term_label
from layers.places import provinces_34_of, provinces_of
from layers.query import (
    YEAR_MAX,
    YEAR_MIN,
    FilterSpec,
    _area_mask,
    _column_in,
    _period_mask,
    _place_mask,
    unit_matches,
)
from layers.schema import REPORTS

Mask = Callable[[gpd.GeoDataFrame, FilterSpec], pd.Series]
Condition = Callable[[sa.Table, FilterSpec], "sa.ColumnElement[bool] | None"]
Words = Callable[[FilterSpec, str, Mapping[str, str]], list[str]]

_WORDS = {
    "vi": {
        "area": "vùng vẽ trên bản đồ",
        "all": "toàn quốc",
        "years": "năm",
        "unknown": "không rõ năm",
        "search": "tìm",
        "with": "có tọa độ",
        "without": "chưa có tọa độ",
        "chapter": "Hội",
    },
    "en": {
        "area": "area drawn on the map",
        "all": "whole country",
        "years": "years",
        "unknown": "without a year",
        "search": "search",
        "with": "with coordinates",
        "without": "without coordinates",
        "chapter": "chapter",
    },
}


@dataclass(frozen=True)
class Flag:
    """A criterion's option on the command line (`python -m layers export …`)."""

    name: str
    help: str
    repeat: bool = False  # given once per value


PROVINCE = Flag("--province", "tên tỉnh mọi thời kỳ")
DISTRICT = Flag("--district", "huyện, quận, thị xã (2008–2025); trùng tên thì thêm --province")
COMMUNE = Flag("--commune", "xã, phường, thị trấn (2008–2025 hoặc hiện nay)")
UNIT = Flag("--unit", "đơn vị (lặp lại được)", repeat=True)
PERIOD = Flag("--period", "khoảng năm, ví dụ 1965-1975")
STATUS = Flag("--status", "mã trạng thái (lặp lại được)", repeat=True)


@dataclass(frozen=True)
class Criterion:
    name: str
    fields: tuple[str, ...]  # the FilterSpec fields it reads (and the URL parameters carrying them)
    flag: Flag | None  # the command line's option for it, if it has one
    mask: Mask  # the rows of a `prepare`d frame it keeps
    sql: Condition  # its condition on a stored table; None when it is applied to the frame
    words: Words  # what the page says for it, empty when it does not narrow
    reports_only: bool  # it describes reports; other layers are not narrowed by it

    def is_set(self, spec: FilterSpec) -> bool:
        default = FilterSpec()
        return any(getattr(spec, f) != getattr(default, f) for f in self.fields)


def _in(column: str, field: str) -> tuple[Mask, Condition]:
    """A criterion keeping the rows whose column holds one of the spec's values."""

    def mask(frame: gpd.GeoDataFrame, spec: FilterSpec) -> pd.Series:
        return _column_in(frame, column, getattr(spec, field))

    def sql(table: sa.Table, spec: FilterSpec) -> sa.ColumnElement[bool] | None:
        values = getattr(spec, field)
        if not values or column not in table.c:
            return sa.true()
        return table.c[column].in_(values)

    return mask, sql


def _codes_words(field: str, name: Callable[[str, str], str]) -> Words:
    return lambda spec, lang, _names: [name(c, lang) for c in getattr(spec, field)]


def _term_words(field: str, vocabulary_of: str) -> Words:
    vocabulary = REPORTS.field(vocabulary_of)
    return lambda spec, lang, _names: [term_label(vocabulary, c, lang) for c in getattr(spec, field)]


def _place(frame: gpd.GeoDataFrame, spec: FilterSpec) -> pd.Series:
    place = spec.resolved_place()
    return pd.Series(True, index=frame.index) if place is None else _place_mask(frame, place)


def _units(frame: gpd.GeoDataFrame, spec: FilterSpec) -> pd.Series:
    if not spec.units or "unit" not in frame:
        return pd.Series(True, index=frame.index)
    any_unit = pd.Series(False, index=frame.index)
    for unit in spec.units:
        any_unit |= unit_matches(frame["_unit_key"], unit)
    return any_unit


def _period_sql(table: sa.Table, spec: FilterSpec) -> sa.ColumnElement[bool]:
    if "year_from" not in table.c:
        return sa.true()
    first = sa.func.coalesce(table.c.year_from, table.c.year_to)
    last = sa.func.coalesce(table.c.year_to, table.c.year_from)
    overlaps = sa.and_(first <= spec.year_to, last >= spec.year_from)
    return sa.or_(overlaps, first.is_(None)) if spec.include_unknown_period else overlaps


def _period_words(spec: FilterSpec, lang: str, _names: Mapping[str, str]) -> list[str]:
    words = _WORDS[lang]
    parts = []
    if (spec.year_from, spec.year_to) != (YEAR_MIN, YEAR_MAX):
        parts.append(f"{words['years']} {spec.year_from}–{spec.year_to}")
    if not spec.include_unknown_period:
        parts.append(f"({words['unknown']} ✗)")
    return parts


def _coordinates(frame: gpd.GeoDataFrame, spec: FilterSpec) -> pd.Series:
    if spec.has_coordinates is None:
        return pd.Series(True, index=frame.index)
    return frame.geometry.notna() == spec.has_coordinates


def _coordinates_sql(table: sa.Table, spec: FilterSpec) -> sa.ColumnElement[bool]:
    if spec.has_coordinates is None:
        return sa.true()
    return table.c.geom.is_not(None) if spec.has_coordinates else table.c.geom.is_(None)


def _coordinates_words(spec: FilterSpec, lang: str, _names: Mapping[str, str]) -> list[str]:
    if spec.has_coordinates is None:
        return []
    return [_WORDS[lang]["with" if spec.has_coordinates else "without"]]


def _text(frame: gpd.GeoDataFrame, spec: FilterSpec) -> pd.Series:
    if not spec.text.strip():
        return pd.Series(True, index=frame.index)
    return frame["_text"].str.contains(fold(spec.text), regex=False)


def _area(frame: gpd.GeoDataFrame, spec: FilterSpec) -> pd.Series:
    return _area_mask(frame, spec.area) if spec.area else pd.Series(True, index=frame.index)


def _unset(table: sa.Table, spec: FilterSpec) -> None:
    return None


def _province(era: str) -> Callable[[str, str], str]:
    return lambda code, _lang: province_names(era).get(code, code)


def _admin(level: str) -> Callable[[str, str], str]:
    return lambda code, _lang: admin_label(code, level)


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "place",
        ("place",),
        PROVINCE,
        _place,
        _unset,
        lambda spec, _lang, _names: [spec.place.strip()] if spec.place.strip() else [],
        False,
    ),
    Criterion(
        "provinces_34",
        ("provinces_34",),
        None,
        *_in("province_34", "provinces_34"),
        _codes_words("provinces_34", _province("34")),
        False,
    ),  # fmt: skip
    Criterion(
        "provinces_63",
        ("provinces_63",),
        None,
        *_in("province_63", "provinces_63"),
        _codes_words("provinces_63", _province("63")),
        False,
    ),  # fmt: skip
    Criterion(
        "districts",
        ("districts",),
        DISTRICT,
        *_in("district_63", "districts"),
        _codes_words("districts", _admin("district")),
        False,
    ),  # fmt: skip
    Criterion(
        "communes",
        ("communes",),
        COMMUNE,
        *_in("commune_63", "communes"),
        _codes_words("communes", _admin("63")),
        False,
    ),  # fmt: skip
    Criterion(
        "communes_34",
        ("communes_34",),
        COMMUNE,
        *_in("commune_34", "communes_34"),
        _codes_words("communes_34", _admin("34")),
        False,
    ),  # fmt: skip
    Criterion("units", ("units",), UNIT, _units, _unset, lambda spec, _l, _n: list(spec.units), True),
    Criterion(
        "period",
        ("year_from", "year_to", "include_unknown_period"),
        PERIOD,
        _period_mask,
        _period_sql,
        _period_words,
        False,
    ),
    Criterion(
        "statuses",
        ("statuses",),
        STATUS,
        *_in("status", "statuses"),
        _term_words("statuses", "status"),
        True,
    ),  # fmt: skip
    Criterion(
        "chapters",
        ("chapters",),
        None,
        *_in("chapter_id", "chapters"),
        lambda spec, lang, names: [f"{_WORDS[lang]['chapter']} {names.get(c, c)}" for c in spec.chapters],
        False,
    ),  # fmt: skip
    Criterion(
        "confidence",
        ("confidence",),
        None,
        *_in("confidence", "confidence"),
        _term_words("confidence", "confidence"),
        True,
    ),  # fmt: skip
    Criterion("has_coordinates", ("has_coordinates",), None, _coordinates, _coordinates_sql, _coordinates_words, True),
    Criterion(
        "text",
        ("text",),
        None,
        _text,
        _unset,
        lambda spec, lang, _n: [f"{_WORDS[lang]['search']}: {spec.text.strip()}"] if spec.text.strip() else [],
        True,
    ),
    Criterion(
        "area",
        ("area",),
        None,
        _area,
        _unset,
        lambda spec, lang, _n: [_WORDS[lang]["area"]] if spec.area else [],
        False,
    ),  # fmt: skip
)


def add_flags(cmd: argparse.ArgumentParser) -> None:
    """The criteria's options on a command that selects reports (one option may serve two
    criteria: --commune finds a commune of either era)."""
    for flag in dict.fromkeys(c.flag for c in CRITERIA if c.flag is not None):
        if flag.repeat:
            cmd.add_argument(flag.name, action="append", default=[], help=flag.help)
        else:
            cmd.add_argument(flag.name, help=flag.help)


def mask(frame: gpd.GeoDataFrame, spec: FilterSpec) -> pd.Series:
    """Which rows of a `prepare`d frame the spec selects: every criterion's rows. Raises
    UnknownPlace for an unknown place. A layer is narrowed only by the criteria whose columns
    it has (a unit or status filter does not hide the battlefields of the chosen province)."""
    keep = pd.Series(True, index=frame.index)
    for criterion in CRITERIA:
        if criterion.is_set(spec):
            keep &= criterion.mask(frame, spec)
    return keep


def conditions(table: sa.Table, spec: FilterSpec) -> tuple[sa.ColumnElement[bool], FilterSpec]:
    """The spec as a condition on a stored table, and what is left for the frame the query
    returns (the criteria with no SQL of their own; the rest back at their defaults)."""
    where: list[sa.ColumnElement[bool]] = []
    left = FilterSpec()
    for criterion in CRITERIA:
        if not criterion.is_set(spec):
            continue
        condition = criterion.sql(table, spec)
        if condition is None:
            left = replace(left, **{f: getattr(spec, f) for f in criterion.fields})
        else:
            where.append(condition)
    return sa.and_(sa.true(), *where), left


def describe(spec: FilterSpec, lang: str, chapter_names: Mapping[str, str] | None = None) -> str:
    """What a spec selects, in a line people read ("đang xem: …"): every criterion that narrows."""
    lang = "en" if lang == "en" else "vi"
    parts = [word for c in CRITERIA for word in c.words(spec, lang, chapter_names or {})]
    return "; ".join(parts) or _WORDS[lang]["all"]


def context_spec(spec: FilterSpec) -> FilterSpec:
    """What other layers are narrowed by: the criteria that are not about reports only. A district
    or commune narrows them to its province (they have no district of their own)."""
    kept = {f: getattr(spec, f) for c in CRITERIA if not c.reports_only for f in c.fields}
    kept |= {"districts": (), "communes": (), "communes_34": ()}
    kept["provinces_34"] = spec.provinces_34 or provinces_34_of(spec.communes_34)
    kept["provinces_63"] = spec.provinces_63 or provinces_of(spec.districts, spec.communes)
    return FilterSpec(**kept)


def narrows_reports_only(spec: FilterSpec) -> bool:
    """Whether a criterion about reports only (unit, status, text, …) is set."""
    return any(c.reports_only and c.is_set(spec) for c in CRITERIA)
