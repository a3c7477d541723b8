"""GPX 1.1 for handheld GPS units and phone apps: waypoints for places, tracks for trips.

Above MAX_WAYPOINTS a selection is split by province (today's 34, then the 2008–2025
province when one is still too big, then numbered parts) and zipped, because older
Garmin units hold 1,000 waypoints at most.

Only measured points become waypoints. A report whose position is only an approximate area read
from its place name (layers.places) is left out, and the file's description (metadata <desc>)
says how many were, with the reports not located at all: a GPS navigates to a waypoint as to a
point someone stood on, and its screen shows no radius, so the centre of a commune several km
wide, even named "≈ …", would send a team to a spot nobody ever gave. Those reports are in the
CSV/XLSX and the field sheet, with their commune and radius.
"""

from __future__ import annotations

import gpxpy.gpx
import pandas as pd
import shapely

from geo.admin import province_names
from geo.text import ascii_only, slug
from layers.exporters.kml import placemark_name
from layers.exporters.records import estimated, labelled_values
from layers.exporters.selection import Selection
from layers.labels import display_value
from layers.schema import Layer, get_layer

MAX_WAYPOINTS = 1000
CREATOR = "Ban do Di tim dong doi"
LEFT_OUT = {
    "vi": (
        "Chỉ có các điểm có tọa độ. Không ghi {estimated} tin báo chỉ ước lượng theo địa danh "
        "(vùng quanh trung tâm xã, huyện; không phải điểm đo) và {unknown} tin báo chưa xác định vị trí: "
        "xem tệp CSV/XLSX hoặc phiếu thực địa."
    ),
    "en": (
        "Measured points only. Left out: {estimated} reports estimated from the place name only (an area "
        "around a commune's or district's centre, not a measured point) and {unknown} reports not located: "
        "see the CSV/XLSX file or the field sheet."
    ),
}


def _details(layer: Layer, row: pd.Series, audience: str, lang: str) -> str:
    return "\n".join(f"{label}: {value}" for label, value in labelled_values(layer, row, audience, lang))


def _waypoint(layer: Layer, row: pd.Series, audience: str, lang: str, ascii: bool) -> gpxpy.gpx.GPXWaypoint:
    point = shapely.point_on_surface(row.geometry)
    name, desc = placemark_name(layer, row), _details(layer, row, audience, lang)
    kind = display_value(layer.field("status"), row["status"], lang) if "status" in row else layer.label_vi
    if ascii:
        name, desc, kind = ascii_only(name), ascii_only(desc), ascii_only(kind)
    return gpxpy.gpx.GPXWaypoint(
        latitude=round(point.y, 7), longitude=round(point.x, 7), name=name, description=desc, type=kind
    )


def _track(layer: Layer, row: pd.Series, audience: str, lang: str, ascii: bool) -> gpxpy.gpx.GPXTrack:
    name, desc = placemark_name(layer, row), _details(layer, row, audience, lang)
    if ascii:
        name, desc = ascii_only(name), ascii_only(desc)
    track = gpxpy.gpx.GPXTrack(name=name, description=desc)
    lines = getattr(row.geometry, "geoms", [row.geometry])
    for line in lines:
        segment = gpxpy.gpx.GPXTrackSegment()
        segment.points = [gpxpy.gpx.GPXTrackPoint(round(y, 7), round(x, 7)) for x, y in line.coords]
        track.segments.append(segment)
    return track


def left_out(selection: Selection) -> tuple[int, int]:
    """The reports of the selection no waypoint is written for: (estimated from the place name only,
    not located at all)."""
    area = unknown = 0
    for layer in selection.layers():  # the layers that say where a position comes from
        frame = selection.frames[layer.name]
        if frame.empty or not any(f.name == "position_source" for f in layer.fields):
            continue
        unlocated = frame.geometry.isna() | frame.geometry.is_empty
        estimated_only = int((estimated(frame) & unlocated).sum())
        area, unknown = area + estimated_only, unknown + int(unlocated.sum()) - estimated_only
    return area, unknown


def document(selection: Selection, audience: str, lang: str, ascii: bool) -> gpxpy.gpx.GPX:
    """One GPX: every located record of a point or polygon layer as a waypoint, trips as tracks;
    the reports left out counted in its description."""
    gpx = gpxpy.gpx.GPX()
    gpx.creator = CREATOR
    gpx.name = "Ban do Di tim dong doi" if ascii else "Bản đồ Đi tìm đồng đội"
    area, unknown = left_out(selection)
    if area or unknown:
        text = LEFT_OUT["en" if lang == "en" else "vi"].format(estimated=area, unknown=unknown)
        gpx.description = ascii_only(text) if ascii else text
    for layer in selection.layers():
        for _, row in selection.frames[layer.name].iterrows():
            if row.geometry is None or row.geometry.is_empty:
                continue
            if layer.geometry == "line":
                gpx.tracks.append(_track(layer, row, audience, lang, ascii))
            else:
                gpx.waypoints.append(_waypoint(layer, row, audience, lang, ascii))
    return gpx


def _located(selection: Selection, tracks: bool) -> int:
    """Located records that become tracks (lines) or waypoints (everything else)."""
    return sum(
        int(frame.geometry.notna().sum())
        for name, frame in selection.frames.items()
        if (get_layer(name).geometry == "line") == tracks
    )


def waypoint_count(selection: Selection) -> int:
    return _located(selection, tracks=False)


def _split(selection: Selection, column: str) -> list[tuple[str, Selection]]:
    """The selection cut by the values of a province column (rows without one together)."""
    keys = sorted({str(v) for frame in selection.frames.values() for v in frame.get(column, pd.Series()).dropna()})
    parts = []
    for key in [*keys, ""]:
        frames = {}
        for name, frame in selection.frames.items():
            values = frame[column] if column in frame else pd.Series(pd.NA, index=frame.index)
            frames[name] = frame[values.isna()] if key == "" else frame[values == key]
        part = Selection(selection.spec, frames)
        if _located(part, tracks=False) or _located(
            part, tracks=True
        ):  # a file with nothing a GPS can show is left out
            parts.append((key, part))
    return parts


def _label(column: str, key: str) -> str:
    if not key:
        return "chua-ro-tinh"
    names = province_names("34" if column == "province_34" else "63")
    return slug(names.get(key, key))


def parts(selection: Selection) -> list[tuple[str, Selection]]:
    """Pieces of at most MAX_WAYPOINTS waypoints, each named for the place it covers."""
    if waypoint_count(selection) <= MAX_WAYPOINTS:
        return [("", selection)]
    out = []
    for key, part in _split(selection, "province_34"):
        label = _label("province_34", key)
        if waypoint_count(part) <= MAX_WAYPOINTS:
            out.append((label, part))
            continue
        for key63, piece in _split(part, "province_63"):
            out += [(f"{label}_{_label('province_63', key63)}{suffix}", p) for suffix, p in _chunks(piece)]
    return out


def _chunks(selection: Selection) -> list[tuple[str, Selection]]:
    """A last resort: numbered parts of MAX_WAYPOINTS waypoints (trips go with the first)."""
    if waypoint_count(selection) <= MAX_WAYPOINTS:
        return [("", selection)]
    chunks = []
    offsets = dict.fromkeys(selection.frames, 0)
    number = 1
    while any(offsets[n] < len(f) for n, f in selection.frames.items()):
        room, frames = MAX_WAYPOINTS, {}
        for name, frame in selection.frames.items():
            if get_layer(name).geometry == "line":
                frames[name] = frame if number == 1 else frame.iloc[0:0]
                offsets[name] = len(frame)
                continue
            take = frame.iloc[offsets[name] : offsets[name] + room]
            frames[name], offsets[name], room = take, offsets[name] + len(take), room - len(take)
        chunks.append((f"_{number}", Selection(selection.spec, frames)))
        number += 1
    return chunks


def gpx_bytes(selection: Selection, audience: str, lang: str, ascii: bool = False) -> bytes:
    return document(selection, audience, lang, ascii).to_xml(version="1.1").encode("utf-8")
