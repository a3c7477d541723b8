"""Which column of a file holds which field: headers in Vietnamese (with or without
diacritics) or English are recognised; the rest can be mapped by hand in the app."""

from __future__ import annotations

from geo.text import fold
from layers.schema import Layer

# Extra spellings met in chapters' files, besides each field's own Vietnamese and English labels.
ALIASES: dict[str, tuple[str, ...]] = {
    "martyr_names": ("ho ten liet si", "ten liet si", "liet si", "ho va ten", "martyr", "name"),
    "hometown": ("que", "nguyen quan", "hometown"),
    "birth_year": ("nam sinh", "sinh nam", "born"),
    "unit": ("don vi", "dv", "unit"),
    "year_from": ("tu nam", "nam hy sinh", "nam", "year"),
    "year_to": ("den nam",),
    "period_text": ("thoi gian", "thoi gian hy sinh", "period"),
    "place_description": ("mo ta vi tri", "vi tri", "noi chon cat", "dia diem", "place", "location"),
    "historical_place": ("dia danh", "dia danh cu", "dia danh lich su"),
    "province_34": ("tinh", "tinh thanh", "tinh hien nay", "province"),
    "coord_text": ("toa do", "toa do gps", "coordinates", "coords", "gps", "luoi toa do"),
    "coord_datum": ("he quy chieu", "datum", "he toa do"),
    "uncertainty_m": ("sai so", "sai so m", "ban kinh", "uncertainty", "radius"),
    "remains_count": ("so hai cot", "so mo", "remains"),
    "witness_name": ("nhan chung", "nguoi cung cap", "nguoi bao tin", "witness"),
    "witness_phone": ("dien thoai", "sdt", "so dien thoai", "phone"),
    "witness_address": ("dia chi", "dia chi nhan chung", "address"),
    "witness_relation": ("quan he", "relation"),
    "witness_birth_year": ("nam sinh nhan chung", "nhan chung sinh nam", "witness born"),
    "witness_frail": ("gia yeu", "nhan chung gia yeu", "om yeu", "frail"),
    "source_channel": ("kenh", "kenh tiep nhan", "nguon tin", "channel"),
    "status": ("trang thai", "status"),
    "confidence": ("do tin cay", "confidence"),
    "notes": ("ghi chu", "notes", "note", "description"),
}


# Filled by the importer itself (from the coordinates, the chosen chapter), never from a column.
DERIVED = frozenset(
    {
        "province_63",
        "coord_system",
        "chapter_id",
        "country",
        "abroad_province",
        "referral",
        "district_63",
        "commune_63",
        "commune_34",
        "position_source",
        "area_lat",
        "area_lon",
        "area_radius_m",
        "area_place",
        # Set by the app: the site a testimony belongs to (linking moves it), the public page's
        # receipt, what workflow steps recorded.
        "site_id",
        "receipt_code",
        "duplicate_of",
        "identification_ref",
    }
)


def mappable(layer: Layer) -> list:
    """The fields a file's column may be mapped to."""
    return [f for f in layer.fields if f.name not in DERIVED]


def _keys(layer: Layer) -> dict[str, str]:
    keys: dict[str, str] = {}
    for f in mappable(layer):
        for spelling in (f.label_vi, f.label_en, f.name, *ALIASES.get(f.name, ())):
            keys.setdefault(fold(spelling), f.name)
    return keys


def auto_map(columns: list[str], layer: Layer) -> dict[str, str]:
    """{column: field} for every column whose header names a field; each field used once."""
    keys = _keys(layer)
    mapping: dict[str, str] = {}
    for column in columns:
        field = keys.get(fold(column))
        if field and field not in mapping.values():
            mapping[column] = field
    return mapping


def template_columns(layer: Layer) -> list[str]:
    """The Vietnamese headers of the import template: every non-derived field of the layer."""
    skip = DERIVED | {"private_notes"}
    return [f.label_vi for f in layer.fields if f.name not in skip]
