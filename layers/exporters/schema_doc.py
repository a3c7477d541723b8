"""docs/geojson-schema.md, written from the layer declarations so it cannot drift from the code."""

from __future__ import annotations

from layers.exporters.audience import exported_fields
from layers.exporters.geojson import NAME_COLUMNS
from layers.exporters.ogr import shapefile_name
from layers.schema import STORED_LAYERS

_TYPES = {
    "text": "string",
    "int": "integer",
    "float": "number",
    "date": "string (ISO 8601 date)",
    "datetime": "string (ISO 8601)",
    "bool": "boolean",
    "json": "string (JSON)",
}
_SYSTEM = [
    ("id", "string (UUID)", "Mã bản ghi", "Record id, stable across exports"),
    ("created_at", "string (ISO 8601)", "Thời điểm tạo", "Created at (UTC)"),
    ("updated_at", "string (ISO 8601)", "Thời điểm sửa", "Last updated at (UTC)"),
    ("version", "integer", "Phiên bản", "Increases with every edit"),
    ("is_demo", "boolean", "Dữ liệu mẫu", "True for synthetic demo records"),
]
_PLACES = [  # what the reports' section says of district, commune and approximate areas
    "",
    "District and communes: `district_63`, `commune_63` (2008–2025) and `commune_34` (today) are the",
    "GSO codes of `data/admin/districts_63.csv`, `communes_63.csv` and `communes_34.csv`; each is",
    'followed by the unit\'s name (`district_63_name`, e.g. "Huyện Gio Linh"; `commune_63_name`,',
    'e.g. "Xã Gio An"; `commune_34_name`). For a report with coordinates they are the units whose',
    "centre is nearest to the point: **approximate**, since no commune boundaries are used; near a",
    "commune's edge the report may lie in its neighbour.",
    "",
    "Position: `position_source` says where a report's position comes from. `measured`: the",
    "geometry is the point given. `place_name`: no coordinate was given; the geometry is **null**",
    "(as for any unlocated record) and the report carries an approximate area, the circle of",
    "`area_radius_m` metres around `area_lon`, `area_lat` (WGS84), the centre of the commune or",
    'district its place description names (`area_place`, e.g. "Xã Gio An, Huyện Gio Linh (Quảng',
    'Trị)"). Draw it as a circle of that radius (in QGIS: points from `area_lon`/`area_lat`,',
    "reprojected to a metric CRS such as UTM 48N, EPSG:32648, buffered by `area_radius_m`), never",
    "as a point found. `unknown`: neither.",
]


def render_markdown() -> str:
    """The partner GeoJSON schema: every field a partner file may hold, with labels and vocabularies."""
    lines = [
        "# GeoJSON, GeoPackage and Shapefile for partners: schema",
        "",
        "Files follow RFC 7946: WGS84 longitude/latitude, no `crs` member, right-hand polygon winding,",
        "at most 7 decimals, media type `application/geo+json`. Field names are stable snake_case English;",
        "vocabularies are stored as codes (labels below). Partner files never contain witnesses' names,",
        "phones, addresses or relations, nor private notes. This page is generated from `layers/schema.py`",
        "(`python -m layers schema-doc`); a test keeps it in step with the code.",
        "",
        "The same fields, with the same names, are in the GeoPackage export (one table per layer).",
        "A Shapefile allows at most 10 characters per field name: the `Shapefile` column gives the",
        "short name used there, and a layer holding both points and areas is split into",
        "`LAYER_point.shp` and `LAYER_polygon.shp`. Shapefile text fields hold at most 254 bytes;",
        "longer descriptions are cut there, so prefer GeoJSON or GeoPackage.",
    ]
    for layer in STORED_LAYERS:
        if layer.geometry is None or not layer.exportable:  # partners receive the exportable layers
            continue
        lines += [
            "",
            f"## `{layer.name}`: {layer.label_vi} / {layer.label_en}",
            "",
            f"Geometry: {layer.geometry}.",
            "",
            "| field | Shapefile | type | nhãn | label |",
            "|---|---|---|---|---|",
        ]
        lines += [f"| `{n}` | `{shapefile_name(layer, n)}` | {t} | {vi} | {en} |" for n, t, vi, en in _SYSTEM]
        for name in exported_fields(layer, "partner"):
            f = layer.field(name)
            short = shapefile_name(layer, f.name)
            lines.append(f"| `{f.name}` | `{short}` | {_TYPES[f.type]} | {f.label_vi} | {f.label_en} |")
            if name in NAME_COLUMNS:
                column, vi, en = NAME_COLUMNS[name]
                lines.append(f"| `{column}` | `{shapefile_name(layer, column)}` | string | {vi} | {en} |")
        if any(f.name == "area_place" for f in layer.fields):  # records placed by their place names
            lines += _PLACES
        for f in layer.fields:
            if f.vocabulary and not f.private:
                terms = "; ".join(f"`{t.code}` {t.label_vi} ({t.label_en})" for t in f.vocabulary)
                lines += ["", f"`{f.name}` codes: {terms}."]
    return "\n".join(lines) + "\n"
