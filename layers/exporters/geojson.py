"""GeoJSON per RFC 7946 through GDAL: WGS84 lon/lat, no "crs" member, right-hand winding,
at most 7 decimals. Field names are the schema's snake_case English names (docs/geojson-schema.md).

A report's district and communes come as their codes (district_63, commune_63, commune_34) and,
beside each, the unit's name (district_63_name …) for a reader or a map label. A report whose
position was only read from its place name keeps a null geometry, as any unlocated record: its
approximate area is the circle of area_lat, area_lon and area_radius_m, marked by
position_source "place_name", never a point."""

from __future__ import annotations

import io
import json

import geopandas as gpd
import pandas as pd
import pyogrio

from layers.exporters.audience import SYSTEM_FIELDS, exported_fields
from layers.labels import ADMIN_LEVELS, admin_name
from layers.schema import Layer

MEDIA_TYPE = "application/geo+json"
# The name column written after each district or commune code, with its labels (the schema doc).
NAME_COLUMNS = {
    "district_63": ("district_63_name", "Tên huyện (2008–2025)", "District name (2008–2025)"),
    "commune_63": ("commune_63_name", "Tên xã (2008–2025)", "Commune name (2008–2025)"),
    "commune_34": ("commune_34_name", "Tên xã (hiện nay)", "Commune name (today)"),
}


def _with_names(out: pd.DataFrame) -> pd.DataFrame:
    """The frame with each district or commune code followed by the unit's name."""
    columns: dict[str, pd.Series] = {}
    for name in out.columns:
        columns[name] = out[name]
        if name in NAME_COLUMNS:
            names = out[name].map(lambda v, level=ADMIN_LEVELS[name]: admin_name(v, level) or None)
            columns[NAME_COLUMNS[name][0]] = names.astype(object)
    return pd.DataFrame(columns, index=out.index)


def partner_frame(frame: gpd.GeoDataFrame, layer: Layer, audience: str) -> gpd.GeoDataFrame:
    """Only the fields the audience may receive: dates as ISO text, JSON as text, whole numbers as
    integers, and each district or commune code followed by the unit's name."""
    columns = [c for c in (*SYSTEM_FIELDS, *exported_fields(layer, audience)) if c in frame.columns]
    out = frame[columns].copy()
    for name in columns:
        kind = layer.field(name).type if name not in SYSTEM_FIELDS else None
        if kind == "date":
            out[name] = out[name].map(lambda v: None if v is None or pd.isna(v) else pd.Timestamp(v).date().isoformat())
            out[name] = out[name].astype(object)  # text even when empty, never a DateTime field
        elif kind == "datetime" or name in ("created_at", "updated_at"):
            out[name] = out[name].map(lambda v: None if v is None or pd.isna(v) else pd.Timestamp(v).isoformat())
            out[name] = out[name].astype(object)
        elif kind == "int":
            out[name] = pd.to_numeric(out[name]).round().astype("Int64")
        elif kind == "json":
            out[name] = out[name].map(lambda v: None if v is None else json.dumps(v, ensure_ascii=False))
    return gpd.GeoDataFrame(_with_names(out), geometry=frame.geometry, crs=4326)


def write_geojson(frame: gpd.GeoDataFrame, layer: Layer, audience: str = "partner") -> bytes:
    """The layer's rows as RFC 7946 GeoJSON bytes; rows without geometry keep a null geometry."""
    data = partner_frame(frame, layer, audience)
    buffer = io.BytesIO()
    pyogrio.write_dataframe(
        data, buffer, driver="GeoJSON", layer=layer.name, RFC7946="YES", COORDINATE_PRECISION=7, WRITE_NAME="NO"
    )
    return buffer.getvalue()
