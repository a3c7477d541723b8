"""GeoPackage and Shapefile through GDAL (pyogrio), with the partner schema's field names.

A Shapefile field name has at most 10 characters: the short names below are part of the
documented schema (docs/geojson-schema.md) and never change once published.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

from layers.exporters.geojson import partner_frame
from layers.exporters.selection import Selection

SHAPEFILE_NAMES = {
    "coord_datum": "crd_datum",
    "coord_status": "crd_status",
    "coord_system": "crd_system",
    "historical_place": "hist_place",
    "linked_report_ids": "linked_ids",
    "martyr_names": "martyrs",
    "period_text": "period_txt",
    "place_description": "place_desc",
    "private_notes": "priv_notes",
    "province_34": "prov_34",
    "province_63": "prov_63",
    "remains_count": "remains_n",
    "remains_found": "remains_fd",
    "remains_handed_over": "handed_ovr",
    "received_on": "received",
    "source_channel": "channel",
    "sweep_width_m": "sweep_m",
    "uncertainty_m": "uncert_m",
    "witness_address": "wit_addr",
    "witness_name": "wit_name",
    "witness_phone": "wit_phone",
    "witness_relation": "wit_rel",
}
GEOMETRY_GROUPS = {"Point": "point", "MultiPoint": "point", "LineString": "line", "MultiLineString": "line"}


def shapefile_name(field: str) -> str:
    return SHAPEFILE_NAMES.get(field, field)


def gpkg_bytes(selection: Selection, audience: str) -> bytes:
    """Every layer of the selection as a table of one GeoPackage (EPSG:4326)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.gpkg"
        for layer in selection.layers():
            data = partner_frame(selection.frames[layer.name], layer, audience)
            kind = {"point": "Point", "line": "LineString", "polygon": "Polygon"}.get(layer.geometry, "Unknown")
            pyogrio.write_dataframe(
                data, path, driver="GPKG", layer=layer.name, geometry_type=kind, append=path.exists()
            )
        return path.read_bytes()


def _geometry_group(geometry: shapely.Geometry | None) -> str:
    if geometry is None:
        return "point"
    return GEOMETRY_GROUPS.get(geometry.geom_type, "polygon")


def _shapefile_parts(frame: gpd.GeoDataFrame, name: str) -> list[tuple[str, gpd.GeoDataFrame]]:
    """A Shapefile holds one geometry type: a mixed layer is split into name_point, name_polygon ..."""
    groups = frame.geometry.map(_geometry_group)
    present = sorted(set(groups)) or ["point"]
    if len(present) == 1:
        return [(name, frame)]
    return [(f"{name}_{group}", frame[groups == group]) for group in present]


def shp_zip_bytes(selection: Selection, audience: str) -> bytes:
    """Each layer as a Shapefile (.shp .shx .dbf .prj and a UTF-8 .cpg), all in one zip."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for layer in selection.layers():
            data = partner_frame(selection.frames[layer.name], layer, audience)
            data = data.rename(columns={c: shapefile_name(c) for c in data.columns if c != "geometry"})
            for part, rows in _shapefile_parts(data, layer.name):
                target = Path(tmp) / f"{part}.shp"
                pyogrio.write_dataframe(rows, target, driver="ESRI Shapefile", encoding="UTF-8")
                for file in sorted(Path(tmp).glob(f"{part}.*")):
                    archive.write(file, file.name)
    return buffer.getvalue()
