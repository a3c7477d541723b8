"""Importing search trips from the files GPS units and phone apps write: GPX tracks and
routes (OsmAnd, Organic Maps, Locus, Garmin) and KML/KMZ lines (Google Earth).

Each track or route becomes one trip with its dates taken from the GPX times; waypoint
labels are kept in the trip's private `waypoints` (they often name a witness's house). A
track is checked as a report row is: its points must be real coordinates in Vietnam, Laos
or Cambodia (or just off their coasts), its dates between 1945 and a year from today. A
file's bad tracks are rejected and kept with their reason, its good ones stored, all in one
transaction; the same track imported twice is a duplicate.

A trip planned or recorded by hand (layers.trips) takes its track from a file read the same way
(`read_track`): all its lines as one track, refused whole if one of them is bad.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo.admin import within_territory
from layers.access import Right, Viewer
from layers.campaign import vietnam_today
from layers.importers import limits
from layers.importers.errors import UnreadableFile
from layers.importers.files import check_features, kml_as_text, kml_of_kmz, quietly, read_frame
from layers.importers.writing import Upload, Written, write_import
from layers.labels import number
from layers.store import Store

DEFAULT_SWEEP_M = 25.0
SWEEP_MAX_M = 500.0
EARLIEST = date(1945, 1, 1)
GPX_LAYERS = ("waypoints", "routes", "tracks", "route_points", "track_points")
POINT_COLUMNS = {"track_points": ["track_fid", "time"], "route_points": ["route_fid", "time"]}  # all that is used
GPX_POINT = re.compile(rb"<(?:\w+:)?(?:trkpt|rtept|wpt)[\s>/]")
GPX_LINE = re.compile(rb"<(?:\w+:)?(?:trk|rte)[\s>]")
RAW_WKT = 20_000  # characters of a rejected track's geometry kept for the user to see


@dataclass
class TripImportResult:
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    waypoints: int = 0
    import_id: str = ""
    reasons: list[str] = field(default_factory=list)
    rejected_rows: list[dict] = field(default_factory=list)  # {"row", "values", "reason"}, as for reports

    def summary(self) -> dict:
        return {k: getattr(self, k) for k in ("rows_read", "accepted", "rejected", "duplicates", "waypoints")}


@dataclass(frozen=True)
class _Line:
    number: int
    name: str
    geometry: object | None
    times: tuple[pd.Timestamp, ...] = ()  # the readable GPS times of its points


def _layers(data: bytes, gpx: bool) -> dict[str, gpd.GeoDataFrame]:
    try:
        names = [n for n, _ in quietly(lambda: pyogrio.list_layers(io.BytesIO(data)))]
        if not gpx:  # a GPX file's points and lines were counted in its text
            check_features(data, len(names))
        return {
            name if name in GPX_LAYERS else f"kml{i}": read_frame(data, i, POINT_COLUMNS.get(name))
            for i, name in enumerate(names)
        }
    except UnreadableFile:
        raise
    except Exception as exc:  # noqa: BLE001 - GDAL reports malformed files with its own errors
        raise UnreadableFile(f"Không đọc được tệp GPS ({type(exc).__name__}).") from None


def _label(value: object) -> str:
    """A name from GDAL, where a missing one may come back as None or NaN."""
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _times(points: pd.DataFrame | None, key: str) -> dict[int, tuple[pd.Timestamp, ...]]:
    """The readable times of each line's points; a time GDAL or pandas cannot read is left out."""
    if points is None or "time" not in points or key not in points:
        return {}
    times = pd.to_datetime(points["time"], errors="coerce", utc=True, format="ISO8601")
    frame = pd.DataFrame({"fid": points[key], "time": times}).dropna()
    return {int(fid): tuple(group["time"]) for fid, group in frame.groupby("fid")}


def _lines(layers: dict[str, gpd.GeoDataFrame]) -> list[_Line]:
    """Every track and route, and the lines of KML files, numbered in the file's order."""
    found: list[_Line] = []
    for layer, key, points in (("tracks", "track_fid", "track_points"), ("routes", "route_fid", "route_points")):
        frame = layers.get(layer)
        if frame is None:
            continue
        times = _times(layers.get(points), key)
        for fid, (name, geometry) in enumerate(
            zip(frame.get("name", [None] * len(frame)), frame.geometry, strict=True)
        ):
            found.append(_Line(len(found) + 1, _label(name), geometry, times.get(fid, ())))
    for name, frame in layers.items():
        if name.startswith("kml"):
            for label, geometry in zip(frame.get("Name", [None] * len(frame)), frame.geometry, strict=True):
                if geometry is None or geometry.geom_type in ("LineString", "MultiLineString"):
                    found.append(_Line(len(found) + 1, _label(label), geometry))
    return found


def _waypoints(layers: dict[str, gpd.GeoDataFrame]) -> list[str]:
    points = []
    frames = [layers["waypoints"]] if "waypoints" in layers else []
    frames += [f for n, f in layers.items() if n.startswith("kml")]
    for frame in frames:
        labels = frame["name"] if "name" in frame else frame.get("Name", pd.Series([None] * len(frame)))
        for label, geometry in zip(labels, frame.geometry, strict=True):
            if geometry is not None and geometry.geom_type == "Point":
                points.append(f"{_label(label)} ({geometry.y:.6f}, {geometry.x:.6f})".strip())
    return points


def _problem(line: _Line, latest: date) -> str | None:
    """Why a line cannot be a trip, or None."""
    where = f"Đường đi {line.number}" + (f" «{line.name[:60]}»" if line.name else "")
    geometry = line.geometry
    if geometry is None or geometry.is_empty:
        return f"{where}: không có hình học, hoặc chỉ có một điểm (một đường đi cần ít nhất hai điểm)."
    coordinates = shapely.get_coordinates(geometry)
    if len(np.unique(coordinates, axis=0)) < 2:
        return f"{where}: chỉ có một điểm (một đường đi cần ít nhất hai điểm khác nhau)."
    x, y = coordinates[:, 0], coordinates[:, 1]
    invalid = ~((np.abs(y) <= 90) & (np.abs(x) <= 180) & np.isfinite(x) & np.isfinite(y))
    if invalid.any():
        i = int(np.argmax(invalid))
        return f"{where}: điểm ({y[i]:g}, {x[i]:g}) không phải tọa độ hợp lệ (vĩ độ −90…90, kinh độ −180…180)."
    outside = ~within_territory(x, y)
    if outside.any():
        i = int(np.argmax(outside))
        return (
            f"{where}: {number(int(outside.sum()))} trong {number(len(x))} điểm nằm ngoài Việt Nam, Lào và "
            f"Campuchia (ví dụ {y[i]:.5f}, {x[i]:.5f})."
        )
    if not geometry.is_valid:
        return f"{where}: hình học không hợp lệ."
    days = [t.date() for t in line.times]
    wrong = [d for d in days if not EARLIEST <= d <= latest]
    if wrong:
        return f"{where}: ngày {wrong[0].isoformat()} nằm ngoài {EARLIEST.year} – {latest.strftime('%d/%m/%Y')}."
    return None


def _raw(line: _Line) -> dict[str, str]:
    """What is kept of a rejected line for the user to see and fix."""
    wkt = "" if line.geometry is None else shapely.to_wkt(line.geometry, rounding_precision=6)
    raw = {"Tên": line.name, "Số điểm": str(0 if line.geometry is None else shapely.get_num_coordinates(line.geometry))}
    if line.times:
        raw.update({"Từ": min(line.times).isoformat(), "Đến": max(line.times).isoformat()})
    raw["Hình học (WKT)"] = wkt[:RAW_WKT] + ("…" if len(wkt) > RAW_WKT else "")
    return raw


def _digest(line: _Line, file_hash: str) -> str:
    if line.geometry is None:  # no geometry to know it by: the same line of the same file
        return hashlib.sha256(f"{file_hash}:{line.number}:{line.name}".encode()).hexdigest()
    return hashlib.sha256(shapely.to_wkb(line.geometry, output_dimension=2)).hexdigest()


def _check_points(points: int) -> None:
    if points > limits.TRACK_POINTS:
        raise UnreadableFile(
            f"Tệp có {number(points)} điểm, quá giới hạn {number(limits.TRACK_POINTS)} điểm một lần nhập."
        )


def _suffix(name: str, data: bytes) -> str:
    """The kind of a GPS file by its name, once its size is checked."""
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    limits.check_file(len(data))
    if suffix not in ("gpx", "kml", "kmz"):
        raise UnreadableFile(f"Chuyến tìm kiếm nhận tệp .gpx, .kml hoặc .kmz, không nhận «.{suffix}».")
    return suffix


@dataclass(frozen=True)
class _GpsFile:
    original: bytes  # the bytes as uploaded (a KMZ still zipped): what the ledger hashes
    lines: list[_Line]
    waypoints: list[str]


def _read_gps(name: str, data: bytes) -> _GpsFile:
    """The lines and waypoints of a GPX or KML/KMZ file, its size, points and lines checked
    before and while it is read. Raises UnreadableFile."""
    suffix = _suffix(name, data)
    original = data
    if suffix in ("kml", "kmz"):
        data, _names = kml_as_text(kml_of_kmz(data) if suffix == "kmz" else data)
    if suffix == "gpx":  # GDAL does not count GPX features: count the points' tags before it reads
        _check_points(sum(1 for _ in GPX_POINT.finditer(data)))
        limits.check_rows(sum(1 for _ in GPX_LINE.finditer(data)), "đường đi")
    layers = _layers(data, suffix == "gpx")
    if suffix != "gpx":
        _check_points(int(sum(shapely.get_num_coordinates(f.geometry.values).sum() for f in layers.values())))
    lines = _lines(layers)
    if not lines:
        raise UnreadableFile("Tệp không có đường đi (track hoặc route) nào.")
    return _GpsFile(original, lines, _waypoints(layers))


def latest_day() -> date:
    """The last day a trip may have: a year from today (a planned trip)."""
    return vietnam_today() + timedelta(days=366)


@dataclass(frozen=True)
class Track:
    """The track of one trip, from one GPS file: all its lines, the labels of its waypoints
    (private: they may name a witness's house) and the days of its GPS times."""

    geometry: shapely.Geometry  # a LineString, or a MultiLineString for several lines; 2D
    waypoints: tuple[str, ...] = ()
    days: tuple[date, ...] = ()

    @property
    def waypoint_text(self) -> str | None:
        return _waypoint_text(self.waypoints)


def _waypoint_text(labels: list[str] | tuple[str, ...]) -> str | None:
    """Waypoint labels as the trips layer keeps them."""
    return "; ".join(labels) if labels else None


TRACK_PROBLEMS_SAID = 3  # a refused track file names this many of its bad lines


def read_track(name: str, data: bytes) -> Track:
    """A GPX or KML/KMZ file as one trip's track, checked as an import checks each of its lines;
    a file with a bad line is refused whole, saying why (UnreadableFile)."""
    gps = _read_gps(name, data)
    latest = latest_day()
    problems = [p for p in (_problem(line, latest) for line in gps.lines) if p]
    if problems:
        more = len(problems) - TRACK_PROBLEMS_SAID
        said = " ".join(problems[:TRACK_PROBLEMS_SAID]) + (f" Và {number(more)} đường đi khác." if more > 0 else "")
        raise UnreadableFile(f"Tệp «{name[:100]}» có đường đi không dùng được: {said}")
    parts = [part for line in gps.lines for part in shapely.get_parts(shapely.force_2d(line.geometry))]
    geometry = parts[0] if len(parts) == 1 else shapely.MultiLineString(parts)
    days = sorted({t.date() for line in gps.lines for t in line.times})
    return Track(geometry, tuple(gps.waypoints), tuple(days))


def sweep_problem(sweep_width_m: float) -> str | None:
    """Why a sweep width cannot be a trip's, or None.

    >>> sweep_problem(25.0), sweep_problem(0)
    (None, 'Bề rộng dò tìm phải lớn hơn 0 và không quá 500 m.')
    """
    if not 0 < sweep_width_m <= SWEEP_MAX_M:
        return f"Bề rộng dò tìm phải lớn hơn 0 và không quá {SWEEP_MAX_M:g} m."
    return None


def import_trips(
    store: Store,
    name: str,
    data: bytes,
    *,
    chapter_id: str | None = None,
    team: str | None = None,
    sweep_width_m: float = DEFAULT_SWEEP_M,
    author: str = "import",
    viewer: Viewer | None = None,
) -> TripImportResult:
    """Read a GPX or KML/KMZ file into the trips layer. Raises UnreadableFile if it cannot be read."""
    if viewer is not None:
        viewer.require(Right.TRIPS, "ghi chuyến tìm kiếm")
        author, chapter_id = viewer.username, chapter_id or viewer.chapter_id
    _suffix(name, data)  # a wrong file is said before a wrong sweep width
    if sweep_problem(sweep_width_m):
        raise UnreadableFile(sweep_problem(sweep_width_m))
    gps = _read_gps(name, data)
    original, lines, waypoints = gps.original, gps.lines, gps.waypoints
    result = TripImportResult(rows_read=len(lines), waypoints=len(waypoints), import_id=str(uuid.uuid4()))
    latest = latest_day()
    trips, rejected, seen = [], [], set()
    file_hash = hashlib.sha256(original).hexdigest()
    for line in lines:
        digest = _digest(line, file_hash)
        if digest in seen:
            result.duplicates += 1
            continue
        seen.add(digest)
        problem = _problem(line, latest)
        if problem:
            rejected.append({"row": line.number, "values": _raw(line), "reason": problem, "row_hash": digest})
            continue
        days = [t.date() for t in line.times]
        trips.append(
            {
                "name": (line.name or f"{name} #{line.number}")[:200],
                "chapter_id": chapter_id,
                "team": team,
                "date_from": min(days) if days else None,
                "date_to": max(days) if days else None,
                "sweep_width_m": sweep_width_m,
                "waypoints": _waypoint_text(waypoints),
                "geometry": shapely.force_2d(line.geometry),
                "import_id": result.import_id,
                "row_hash": digest,
            }
        )
    result.rejected = len(rejected)
    result.reasons = [r["reason"] for r in rejected]
    result.rejected_rows = [{k: r[k] for k in ("row", "values", "reason")} for r in rejected]

    def summary(written: Written) -> dict:
        result.accepted = len(written.stored)
        result.duplicates += len(trips) - len(written.stored)
        return result.summary()

    upload = Upload(result.import_id, "trips", name, original, chapter_id, author, viewer)
    write_import(store, upload, trips, rejected, summary)
    return result
