"""GeoJSON per RFC 7946 through GDAL: WGS84 lon/lat, no "crs" member, right-hand winding,
at most 7 decimals. Field names are the schema's snake_case English names (docs/geojson-schema.md)."""

from __future__ import annotations

import io
import json

import geopandas as gpd
import pandas as pd
import pyogrio

from layers.exporters.audience import SYSTEM_FIELDS, exported_fields
from layers.schema import Layer

MEDIA_TYPE = "application/geo+json"


def partner_frame(frame: gpd.GeoDataFrame, layer: Layer, audience: str) -> gpd.GeoDataFrame:
    """Only the fields the audience may receive: dates as ISO text, JSON as text, whole numbers as integers."""
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
    return gpd.GeoDataFrame(out, geometry=frame.geometry, crs=4326)


def write_geojson(frame: gpd.GeoDataFrame, layer: Layer, audience: str = "partner") -> bytes:
    """The layer's rows as RFC 7946 GeoJSON bytes; rows without geometry keep a null geometry."""
    data = partner_frame(frame, layer, audience)
    buffer = io.BytesIO()
    pyogrio.write_dataframe(
        data, buffer, driver="GeoJSON", layer=layer.name, RFC7946="YES", COORDINATE_PRECISION=7, WRITE_NAME="NO"
    )
    return buffer.getvalue()
