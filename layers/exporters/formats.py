"""Every export format behind one call: `export(selection, format, options)` → a named file.

A format that holds one layer per file (GeoJSON, CSV) zips one file per layer when
several are chosen; GPX zips per province above 1,000 waypoints. File names say what a
file holds: layer, place and day, e.g. tin-bao_quang-tri_2026-11-26.gpx.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd

from geo.admin import province_names
from geo.text import slug
from layers.access import for_team_file
from layers.campaign import vietnam_today
from layers.errors import LayersError
from layers.exporters import gpx, kml, ogr, pdf, tabular
from layers.exporters.archive import zip_bytes
from layers.exporters.audience import check_audience
from layers.exporters.geojson import MEDIA_TYPE as GEOJSON_TYPE
from layers.exporters.geojson import write_geojson
from layers.exporters.selection import EXPORTABLE, Attachments, Selection, case_layers
from layers.privacy import for_partners
from layers.query import FilterSpec
from layers.schema import STORED_LAYERS, get_layer

ZIP_TYPE = "application/zip"
TEAM_MARK = "doi-tim-kiem"  # files with witness contacts say so in their name
FILE_STEMS = {layer.name: layer.file_stem for layer in STORED_LAYERS if layer.exportable}  # Layer.file_stem


@dataclass(frozen=True)
class ExportOptions:
    audience: str = "partner"
    lang: str = "vi"
    ascii: bool = False  # GPX names without diacritics, for older Garmin units
    today: date = field(default_factory=vietnam_today)  # the day in Vietnam, whatever the server's zone


@dataclass(frozen=True)
class ExportFile:
    """A finished file: its name, bytes and media type, and the features written per layer."""

    filename: str
    data: bytes
    media_type: str
    written: dict[str, int]


Writer = Callable[[Selection, "ExportOptions"], bytes]


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    media_type: str
    write: Writer  # the selection, as one file
    per_layer: bool = False  # one layer per file: several layers go in a zip
    # Map formats: records without coordinates are written as no point, and `written` counts the
    # points (KML still draws place-only reports as their approximate areas; GPX leaves them out).
    located_only: bool = False
    holds: tuple[str, ...] | None = None  # the layers a file lists (the field sheet: reports)
    split: Callable[[Selection], list[tuple[str, Selection]]] | None = None  # pieces for several files


def _only(selection: Selection) -> tuple[str, gpd.GeoDataFrame]:
    return next(iter(selection.frames.items()))


def _geojson(selection: Selection, options: ExportOptions) -> bytes:
    name, frame = _only(selection)
    return write_geojson(frame, get_layer(name), options.audience)


def _csv(selection: Selection, options: ExportOptions) -> bytes:
    return tabular.csv_bytes(selection, _only(selection)[0], options.audience, options.lang)


# The field sheet (PDF) lists the case records (layers.exporters.selection.is_case_layer) to visit.
FIELD_SHEET = tuple(case_layers(EXPORTABLE))
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("geojson", "geojson", GEOJSON_TYPE, _geojson, per_layer=True),
        Format("gpkg", "gpkg", "application/geopackage+sqlite3", lambda s, o: ogr.gpkg_bytes(s, o.audience)),
        Format("shp", "shp.zip", ZIP_TYPE, lambda s, o: ogr.shp_zip_bytes(s, o.audience)),
        Format(
            "kml",
            "kml",
            "application/vnd.google-earth.kml+xml",
            lambda s, o: kml.kml_bytes(s, o.audience, o.lang),
            located_only=True,
        ),
        Format(
            "kmz",
            "kmz",
            "application/vnd.google-earth.kmz",
            lambda s, o: kml.kmz_bytes(s, o.audience, o.lang),
            located_only=True,
        ),
        Format(
            "gpx",
            "gpx",
            "application/gpx+xml",
            lambda s, o: gpx.gpx_bytes(s, o.audience, o.lang, o.ascii),
            located_only=True,
            split=gpx.parts,
        ),
        Format("csv", "csv", "text/csv", _csv, per_layer=True),
        Format("xlsx", "xlsx", XLSX_TYPE, lambda s, o: tabular.xlsx_bytes(s, o.audience, o.lang)),
        Format(
            "pdf",
            "pdf",
            "application/pdf",
            lambda s, o: pdf.pdf_bytes(s, o.audience, o.lang, o.today),
            holds=FIELD_SHEET,
        ),
    )
}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise LayersError(f"Không có định dạng «{name}»; chọn: {', '.join(FORMATS)}.") from None


def place_slug(spec: FilterSpec) -> str:
    """The place part of a file name: the chosen place or provinces, 'toan-quoc' when none."""
    words = [spec.place] if spec.place.strip() else []
    words += [province_names("34").get(c, c) for c in spec.provinces_34[:3]]
    words += [province_names("63").get(c, c) for c in spec.provinces_63[:3]]
    place = "-".join(slug(w) for w in words if w.strip()) or "toan-quoc"
    return f"{place}_vung-ve" if spec.area else place


def file_stem(names: list[str], spec: FilterSpec, options: ExportOptions) -> str:
    """layer(s)_place_day, and a mark on files that carry witness contacts."""
    layers = "tat-ca" if len(names) == len(FILE_STEMS) else "-".join(FILE_STEMS[n] for n in names)
    stem = f"{layers}_{place_slug(spec)}_{options.today.isoformat()}"
    return f"{stem}_{TEAM_MARK}" if options.audience == "team" else stem


def features_written(selection: Selection, fmt: Format) -> dict[str, int]:
    """Per layer, the records the file holds."""
    counts = {}
    for name, frame in selection.frames.items():
        if fmt.holds is not None and name not in fmt.holds:
            continue
        located = frame.geometry.notna() & ~frame.geometry.is_empty
        counts[name] = int(located.sum()) if fmt.located_only else len(frame)
    return counts


def _pieces(selection: Selection, fmt: Format, options: ExportOptions) -> list[tuple[str, Selection]]:
    """(file stem, selection) for each file: one, or one per layer, or one per GPX part."""
    names = list(selection.frames)
    if fmt.per_layer and len(names) > 1:
        return [
            (file_stem([n], selection.spec, options), selection.with_frames({n: selection.frames[n]})) for n in names
        ]
    stem = file_stem(names, selection.spec, options)
    if fmt.split is not None:
        parts = fmt.split(selection)
        if len(parts) > 1:
            return [(f"{stem}_{label}", part) for label, part in parts]
    return [(stem, selection)]


def _no_contact(layer_name: str, frame: gpd.GeoDataFrame) -> set[str]:
    """The records whose witness said nobody may contact them (layers.access.for_team_file hides
    their contacts from a team file: their private attachments stay out of it too)."""
    consent = get_layer(layer_name).consent
    if consent is None or consent not in frame or "id" not in frame:
        return set()
    return set(frame.loc[frame[consent].eq("nobody"), "id"].astype(str))


def _attachments_for(selection: Selection, audience: str) -> Attachments:
    """The attachments a file for the audience may carry, of the records it holds: a team's,
    those the person exporting may see but a private one of a witness who said nobody may
    contact them; a partner's, only those a chapter marked shareable (never a private one)."""
    out: Attachments = {}
    for name, by_record in selection.attachments.items():
        frame = selection.frames.get(name)
        if frame is None or "id" not in frame:
            continue
        held, nobody = set(frame["id"].astype(str)), _no_contact(name, frame)
        kept = {}
        for record_id, rows in by_record.items():
            if record_id not in held:
                continue
            if audience == "team":
                chosen = [r for r in rows if not r["private"] or record_id not in nobody]
            else:
                chosen = [r for r in rows if r["shareable"] and not r["private"]]
            if chosen:
                kept[record_id] = chosen
        if kept:
            out[name] = kept
    return out


def for_audience(selection: Selection, audience: str) -> Selection:
    """What the audience may receive, for every format alike: partners get no private field and
    public texts scrubbed of witness data; a team file keeps the contacts the frames hold but those
    of witnesses who said nobody may contact them (the frames were cut to what the person exporting
    may see, and layers.access.check_audience said whether
    they may make a team file at all). Attachments likewise (_attachments_for)."""
    check_audience(audience)
    carried = _attachments_for(selection, audience)
    if audience == "team":  # the file travels with the team: no contact of whom said nobody may
        frames = {name: for_team_file(get_layer(name), frame) for name, frame in selection.frames.items()}
        return Selection(selection.spec, frames, carried)
    frames = {name: for_partners(frame, get_layer(name)) for name, frame in selection.frames.items()}
    return Selection(selection.spec, frames, carried)


def export(selection: Selection, format_name: str, options: ExportOptions) -> ExportFile:
    """The selection written in one format, as one file (a zip when the format needs several)."""
    fmt = get_format(format_name)
    selection = for_audience(selection.cleaned(), options.audience)
    written = features_written(selection, fmt)
    pieces = _pieces(selection, fmt, options)
    if len(pieces) == 1:
        stem, piece = pieces[0]
        return ExportFile(f"{stem}.{fmt.extension}", fmt.write(piece, options), fmt.media_type, written)
    files = [(f"{stem}.{fmt.extension}", fmt.write(piece, options)) for stem, piece in pieces]
    zipped = f"{file_stem(list(selection.frames), selection.spec, options)}_{fmt.name}.zip"
    return ExportFile(zipped, zip_bytes(files), ZIP_TYPE, written)
