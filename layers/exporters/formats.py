"""Every export format behind one call: `export(selection, format, options)` → a named file.

A format that holds one layer per file (GeoJSON, CSV) zips one file per layer when
several are chosen; GPX zips per province above 1,000 waypoints. File names say what a
file holds: layer, place and day, e.g. tin-bao_quang-tri_2026-11-26.gpx.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from geo.admin import province_names
from geo.text import slug
from layers.errors import LayersError
from layers.exporters import gpx, kml, ogr, pdf, tabular
from layers.exporters.audience import check_audience
from layers.exporters.geojson import MEDIA_TYPE as GEOJSON_TYPE
from layers.exporters.geojson import write_geojson
from layers.exporters.selection import Selection
from layers.schema import get_layer

ZIP_TYPE = "application/zip"
FILE_STEMS = {
    "reports": "tin-bao",
    "battlefields": "chien-truong",
    "cemeteries": "nghia-trang",
    "trips": "chuyen-di",
}


@dataclass(frozen=True)
class ExportOptions:
    audience: str = "partner"
    lang: str = "vi"
    ascii: bool = False  # GPX names without diacritics, for older Garmin units
    today: date = field(default_factory=date.today)


@dataclass(frozen=True)
class ExportFile:
    """A finished file: its name, bytes and media type, and the features written per layer."""

    filename: str
    data: bytes
    media_type: str
    written: dict[str, int]


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    media_type: str
    label: str
    per_layer: bool  # one layer per file: several layers go in a zip
    located_only: bool  # records without coordinates are left out (map formats)
    write: Callable[[Selection, str, ExportOptions], bytes]  # (selection, layer name or "", options)


def _one_layer(selection: Selection, name: str) -> Selection:
    return Selection(selection.spec, {name: selection.frames[name]})


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "geojson",
            "geojson",
            GEOJSON_TYPE,
            "GeoJSON (RFC 7946)",
            True,
            False,
            lambda s, n, o: write_geojson(s.frames[n], get_layer(n), o.audience),
        ),
        Format(
            "gpkg",
            "gpkg",
            "application/geopackage+sqlite3",
            "GeoPackage",
            False,
            False,
            lambda s, n, o: ogr.gpkg_bytes(s, o.audience),
        ),
        Format(
            "shp",
            "shp.zip",
            ZIP_TYPE,
            "Shapefile (zip)",
            False,
            False,
            lambda s, n, o: ogr.shp_zip_bytes(s, o.audience),
        ),
        Format(
            "kml",
            "kml",
            "application/vnd.google-earth.kml+xml",
            "KML",
            False,
            True,
            lambda s, n, o: kml.kml_bytes(s, o.audience, o.lang),
        ),
        Format(
            "kmz",
            "kmz",
            "application/vnd.google-earth.kmz",
            "KMZ",
            False,
            True,
            lambda s, n, o: kml.kmz_bytes(s, o.audience, o.lang),
        ),
        Format(
            "gpx",
            "gpx",
            "application/gpx+xml",
            "GPX 1.1",
            False,
            True,
            lambda s, n, o: gpx.gpx_bytes(s, o.audience, o.lang, o.ascii),
        ),
        Format(
            "csv",
            "csv",
            "text/csv",
            "CSV",
            True,
            False,
            lambda s, n, o: tabular.csv_bytes(s, n, o.audience, o.lang),
        ),
        Format(
            "xlsx",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Excel (XLSX)",
            False,
            False,
            lambda s, n, o: tabular.xlsx_bytes(s, o.audience, o.lang),
        ),
        Format(
            "pdf",
            "pdf",
            "application/pdf",
            "PDF (phiếu thực địa)",
            False,
            False,
            lambda s, n, o: pdf.pdf_bytes(s, o.audience, o.lang, o.today),
        ),
    )
}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise LayersError(f"Không có định dạng «{name}»; chọn: {', '.join(FORMATS)}.") from None


def place_slug(selection: Selection) -> str:
    """The place part of a file name: the chosen place or provinces, 'toan-quoc' when none."""
    spec = selection.spec
    names = province_names("34")
    words = [spec.place] if spec.place.strip() else [names.get(c, c) for c in spec.provinces_34[:3]]
    place = "-".join(slug(w) for w in words if w.strip()) or "toan-quoc"
    return f"{place}_vung-ve" if spec.area else place


def file_stem(selection: Selection, today: date) -> str:
    names = list(selection.frames)
    layer = FILE_STEMS[names[0]] if len(names) == 1 else "tat-ca"
    return f"{layer}_{place_slug(selection)}_{today.isoformat()}"


def _written(selection: Selection, fmt: Format) -> dict[str, int]:
    if fmt.located_only:
        return {n: int(f.geometry.notna().sum()) for n, f in selection.frames.items()}
    if fmt.name == "pdf":
        return {n: len(f) for n, f in selection.frames.items() if n == "reports"}
    return selection.counts()


def _zip(files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


def export(selection: Selection, format_name: str, options: ExportOptions) -> ExportFile:
    """The selection written in one format, as one file (a zip when the format needs several)."""
    fmt = get_format(format_name)
    check_audience(options.audience)
    stem = file_stem(selection, options.today)
    written = _written(selection, fmt)
    if fmt.per_layer and len(selection.frames) > 1:
        files = [
            (
                f"{FILE_STEMS[name]}_{place_slug(selection)}_{options.today.isoformat()}.{fmt.extension}",
                fmt.write(_one_layer(selection, name), name, options),
            )
            for name in selection.frames
        ]
        return ExportFile(f"{stem}_{fmt.name}.zip", _zip(files), ZIP_TYPE, written)
    if fmt.name == "gpx":
        pieces = gpx.parts(selection)
        if len(pieces) > 1:
            data = gpx.gpx_zip_bytes(pieces, stem, options.audience, options.lang, options.ascii)
            return ExportFile(f"{stem}_gpx.zip", data, ZIP_TYPE, written)
    name = next(iter(selection.frames))
    return ExportFile(f"{stem}.{fmt.extension}", fmt.write(selection, name, options), fmt.media_type, written)
