"""GeoPackage and Shapefile through GDAL (pyogrio), with the partner schema's field names.

A Shapefile field name has at most 10 characters: the short names are declared on the fields
(`Field.short_name` in layers/schema.py), are part of the documented schema
(docs/geojson-schema.md) and never change once published.

Records without a point (unlocated, or only an approximate area read from the place name, see
layers.exporters.geojson) keep a null geometry in both formats, with their area_* fields.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

from layers.exporters.archive import zip_bytes
from layers.exporters.geojson import partner_frame
from layers.exporters.selection import Selection
from layers.schema import Layer

GEOMETRY_GROUPS = {"Point": "point", "MultiPoint": "point", "LineString": "line", "MultiLineString": "line"}


def shapefile_name(layer: Layer, column: str) -> str:
    """A column's name in the layer's Shapefile: its field's declared short name (Field.short_name)."""
    return layer.shapefile_name(column)


OGR_TYPES = {"point": "Point", "line": "MultiLineString", "polygon": "MultiPolygon", "any": "Unknown"}
TEXT_BYTES = 254  # a dBASE text field


def _write(frame: gpd.GeoDataFrame, path: Path, **options) -> None:
    """pyogrio's write with GDAL's warnings silenced: they quote field values, which may be private."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pyogrio.write_dataframe(frame, path, **options)


def gpkg_bytes(selection: Selection, audience: str) -> bytes:
    """Every layer of the selection as a table of one GeoPackage (EPSG:4326)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.gpkg"
        for layer in selection.layers():
            data = partner_frame(selection.frames[layer.name], layer, audience)
            kind = OGR_TYPES.get(layer.geometry, "Unknown")
            _write(
                data,
                path,
                driver="GPKG",
                layer=layer.name,
                geometry_type=kind,
                promote_to_multi=kind.startswith("Multi"),
                append=path.exists(),
            )
        return path.read_bytes()


def _cut(value: object) -> object:
    """Text cut to what a dBASE field holds, at a character boundary."""
    if not isinstance(value, str) or len(value.encode("utf-8")) <= TEXT_BYTES:
        return value
    return value.encode("utf-8")[:TEXT_BYTES].decode("utf-8", errors="ignore")


def _geometry_group(geometry: shapely.Geometry | None, default: str) -> str:
    if geometry is None or geometry.is_empty:
        return default  # rows without a place stay with the layer's own kind
    return GEOMETRY_GROUPS.get(geometry.geom_type, "polygon")


def _shapefile_parts(frame: gpd.GeoDataFrame, layer: Layer) -> list[tuple[str, str, gpd.GeoDataFrame]]:
    """(file name, geometry kind, rows): a Shapefile holds one kind, so a mixed layer is split."""
    default = layer.geometry if layer.geometry in ("point", "line", "polygon") else "point"
    groups = frame.geometry.map(lambda g: _geometry_group(g, default))
    present = sorted(set(groups)) or [default]
    if len(present) == 1:
        return [(layer.name, present[0], frame)]
    return [(f"{layer.name}_{group}", group, frame[groups == group]) for group in present]


def shp_zip_bytes(selection: Selection, audience: str) -> bytes:
    """Each layer as a Shapefile (.shp .shx .dbf .prj and a UTF-8 .cpg), all in one zip."""
    files: list[tuple[str, bytes]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for layer in selection.layers():
            data = partner_frame(selection.frames[layer.name], layer, audience)
            data = data.rename(columns={c: shapefile_name(layer, c) for c in data.columns if c != "geometry"})
            text = [c for c in data.columns if c != "geometry" and data[c].dtype == object]
            data = data.assign(**{c: data[c].map(_cut) for c in text})
            for part, kind, rows in _shapefile_parts(data, layer):
                target = Path(tmp) / f"{part}.shp"
                ogr_kind = OGR_TYPES[kind]
                _write(
                    rows,
                    target,
                    driver="ESRI Shapefile",
                    encoding="UTF-8",
                    geometry_type=ogr_kind,
                    promote_to_multi=ogr_kind.startswith("Multi"),
                )
                files += [(f.name, f.read_bytes()) for f in sorted(Path(tmp).glob(f"{part}.*"))]
    return zip_bytes(files)
