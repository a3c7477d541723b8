"""Values written for people: vocabulary labels, periods and short report codes.

Shared by the map (ui/) and the human-readable exports (KML, GPX, CSV/XLSX, PDF).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

import pandas as pd

from geo.admin import province_names
from geo.communes import commune_label, commune_names, district_label, district_names
from layers.schema import Field, Layer

PROVINCE_ERAS = {"province_34": "34", "province_63": "63"}  # fields holding a province code


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    r"""Text without the control characters XML, XLSX and PDF cannot hold (tabs and line breaks stay).

    >>> clean_text("Thôn\x0b 2\x01\n")
    'Thôn 2\n'
    """
    return CONTROL_CHARACTERS.sub("", text)


def blank(value: object) -> bool:
    """None, NaN and empty text."""
    if value is None:
        return True
    if isinstance(value, float) and pd.isna(value):
        return True
    return isinstance(value, str) and not value.strip()


def field_label(field: Field, lang: str) -> str:
    return field.label_en if lang == "en" else field.label_vi


def layer_label(layer: Layer, lang: str) -> str:
    return layer.label_en if lang == "en" else layer.label_vi


def term_label(field: Field, code: object, lang: str) -> str:
    """A vocabulary code's label; an unknown code is shown as it is."""
    for term in field.vocabulary:
        if term.code == code:
            return term.label_en if lang == "en" else term.label_vi
    return "" if blank(code) else str(code)


def display_value(field: Field, value: object, lang: str) -> str:
    """One attribute as text for people: labels for codes, province names for their codes,
    whole numbers without '.0'."""
    if blank(value):
        return ""
    if field.vocabulary:
        return term_label(field, value, lang)
    if field.name in PROVINCE_ERAS:
        return province_names(PROVINCE_ERAS[field.name]).get(str(value), str(value))
    if field.name in ADMIN_LEVELS:
        return admin_name(value, ADMIN_LEVELS[field.name])
    if field.type == "json":
        items = value if isinstance(value, list | tuple) else [value]
        return ", ".join(f"#{short_code(i)}" if field.name.endswith("_ids") else str(i) for i in items)
    if field.type == "int" or (field.type == "float" and float(value).is_integer()):
        return str(int(float(value)))
    if field.type in ("date", "datetime"):
        return pd.Timestamp(value).date().isoformat() if field.type == "date" else pd.Timestamp(value).isoformat()
    return str(value)


def period_text(row: Mapping) -> str:
    """The years of a report and, when different, how the witness put it.

    >>> period_text({"year_from": 1968, "year_to": 1968, "period_text": "Tết Mậu Thân"})
    '1968 (Tết Mậu Thân)'
    >>> period_text({"year_from": 1968, "year_to": None, "period_text": None})  # one year told
    '1968'
    """
    told = row.get("period_text")
    told = "" if blank(told) else str(told)
    given = [int(row[k]) for k in ("year_from", "year_to") if not blank(row.get(k))]
    if not given:
        return told
    y0, y1 = given[0], given[-1]
    years = str(y0) if y0 == y1 else f"{y0}–{y1}"
    return years if told in ("", years) else f"{years} ({told})"


def short_code(record_id: object) -> str:
    """The first 8 characters of a record's id: what the map's tooltips end with (#3f2a9c1d)."""
    return str(record_id)[:8]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; other values pass.

    >>> neutralise("=HYPERLINK(1)"), neutralise("-5 m"), neutralise(-5.0), neutralise("Khe Sanh")
    ("'=HYPERLINK(1)", "'-5 m", -5.0, 'Khe Sanh')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# The fields holding a district's or commune's code, and the level their names are read at.
ADMIN_LEVELS = MappingProxyType({"district_63": "district", "commune_63": "63", "commune_34": "34"})


@lru_cache(maxsize=3)
def _unit_names(level: str) -> Mapping[str, str]:
    return district_names() if level == "district" else commune_names(level)


def admin_name(code: object, level: str) -> str:
    """A district's or commune's own name, as people say it ("Huyện Gio Linh", "Xã Gio An"): the
    province has a column of its own. A code that names no unit is shown as it is."""
    if blank(code):
        return ""
    return _unit_names(level).get(str(code)) or str(code)


def admin_label(code: str, level: str) -> str:
    """A district's ("district") or commune's (era "63" or "34") name with its province; the
    code itself when it names none (a link typed by hand)."""
    try:
        return district_label(code) if level == "district" else commune_label(code, level)
    except (KeyError, ValueError):
        return code


def number(value: float, lang: str = "vi", decimals: int = 0) -> str:
    """A number written the way the reader's language groups digits.

    >>> number(12345.678, "vi", 2), number(12345.678, "en", 2), number(1466)
    ('12.345,68', '12,345.68', '1.466')
    """
    text = f"{value:,.{decimals}f}"
    return text if lang == "en" else text.translate(str.maketrans(",.", ".,"))


def kilometres(metres: float, lang: str = "vi") -> str:
    """A distance in km with one decimal, as the reader's language writes it (no unit).

    >>> kilometres(1234.0), kilometres(1234.0, "en")
    ('1,2', '1.2')
    """
    return number(metres / 1000, lang, 1)


def change_label(layer: Layer, name: str, lang: str) -> str:
    """A changed field's label in a history line or a refused save (the geometry is the position)."""
    try:
        return field_label(layer.field(name), lang)
    except KeyError:
        return {"geometry": ("Vị trí", "Position"), "deleted_at": ("Đã xóa", "Deleted")}.get(name, (name, name))[
            lang == "en"
        ]


def change_value(layer: Layer, name: str, value: object, lang: str, limit: int = 60) -> str:
    """A changed value as a history line shows it: a vocabulary code by its label, long texts cut.

    >>> from layers.schema import REPORTS
    >>> change_value(REPORTS, "status", "verifying", "vi"), change_value(REPORTS, "notes", None, "vi")
    ('Đang xác minh', '—')
    """
    if value is None:
        return "—"
    try:
        text = term_label(layer.field(name), value, lang)
    except KeyError:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def radius_text(radius_m: object, lang: str) -> str:
    """An area's radius as people read it; "" for none.

    >>> radius_text(4200.0, "vi"), radius_text(4200.0, "en"), radius_text(None, "vi")
    ('± 4,2 km', '± 4.2 km', '')
    """
    if blank(radius_m):
        return ""
    return f"± {number(float(radius_m) / 1000, lang, 1)} km"
