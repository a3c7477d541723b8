"""Importing search trips from the files GPS units and phone apps write: GPX tracks and
routes (OsmAnd, Organic Maps, Locus, Garmin) and KML/KMZ lines (Google Earth).

Each track or route becomes one trip with its dates taken from the GPX times; waypoints
are kept in the trip's notes. A file is written in one transaction; the same track
imported twice is counted as a duplicate.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass, field

import pandas as pd
import pyogrio
import shapely

from layers.importers.errors import UnreadableFile
from layers.importers.files import check_size, kml_of_kmz
from layers.importers.ledger import record_import
from layers.store import Store

DEFAULT_SWEEP_M = 25.0


@dataclass
class TripImportResult:
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    waypoints: int = 0
    import_id: str = ""
    reasons: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {k: getattr(self, k) for k in ("rows_read", "accepted", "rejected", "duplicates", "waypoints")}


def _layers(data: bytes) -> dict[str, pd.DataFrame]:
    try:
        names = [n for n, _ in pyogrio.list_layers(io.BytesIO(data))]
        return {
            name
            if name in ("waypoints", "routes", "tracks", "route_points", "track_points")
            else f"kml{i}": pyogrio.read_dataframe(io.BytesIO(data), layer=i)
            for i, name in enumerate(names)
        }
    except Exception as exc:  # noqa: BLE001 - GDAL reports malformed files with its own errors
        raise UnreadableFile(f"Không đọc được tệp GPS ({type(exc).__name__}).") from None


def _label(value: object) -> str:
    """A name from GDAL, where a missing one may come back as None or NaN."""
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _times(points: pd.DataFrame | None, key: str, fid: int) -> tuple[object, object]:
    if points is None or "time" not in points or key not in points:
        return None, None
    times = pd.to_datetime(points.loc[points[key] == fid, "time"], errors="coerce", utc=True).dropna()
    return (times.min().date(), times.max().date()) if len(times) else (None, None)


def _lines(layers: dict[str, pd.DataFrame]) -> list[dict]:
    """(name, geometry, date_from, date_to) for every track and route, and KML lines."""
    found = []
    for layer, key, points in (("tracks", "track_fid", "track_points"), ("routes", "route_fid", "route_points")):
        frame = layers.get(layer)
        if frame is None:
            continue
        for fid, row in enumerate(frame.itertuples()):
            start, end = _times(layers.get(points), key, fid)
            found.append(
                {"name": getattr(row, "name", None), "geometry": row.geometry, "date_from": start, "date_to": end}
            )
    for name, frame in layers.items():
        if name.startswith("kml"):
            for row in frame.itertuples():
                if row.geometry is not None and row.geometry.geom_type in ("LineString", "MultiLineString"):
                    found.append(
                        {
                            "name": getattr(row, "Name", None),
                            "geometry": row.geometry,
                            "date_from": None,
                            "date_to": None,
                        }
                    )
    return found


def _waypoints(layers: dict[str, pd.DataFrame]) -> list[str]:
    points = []
    frames = [layers["waypoints"]] if "waypoints" in layers else []
    frames += [f for n, f in layers.items() if n.startswith("kml")]
    for frame in frames:
        for row in frame.itertuples():
            if row.geometry is not None and row.geometry.geom_type == "Point":
                label = _label(getattr(row, "name", None)) or _label(getattr(row, "Name", None))
                points.append(f"{label} ({row.geometry.y:.6f}, {row.geometry.x:.6f})".strip())
    return points


def import_trips(
    store: Store,
    name: str,
    data: bytes,
    *,
    chapter_id: str | None = None,
    team: str | None = None,
    sweep_width_m: float = DEFAULT_SWEEP_M,
    author: str = "import",
) -> TripImportResult:
    """Read a GPX or KML/KMZ file into the trips layer. Raises UnreadableFile if it cannot be read."""
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    check_size(data)
    if suffix not in ("gpx", "kml", "kmz"):
        raise UnreadableFile(f"Chuyến tìm kiếm nhận tệp .gpx, .kml hoặc .kmz, không nhận «.{suffix}».")
    if not 0 < sweep_width_m <= 500:
        raise UnreadableFile("Bề rộng dò tìm phải lớn hơn 0 và không quá 500 m.")
    layers = _layers(kml_of_kmz(data) if suffix == "kmz" else data)
    lines, waypoints = _lines(layers), _waypoints(layers)
    result = TripImportResult(rows_read=len(lines), waypoints=len(waypoints), import_id=str(uuid.uuid4()))
    if not lines:
        raise UnreadableFile("Tệp không có đường đi (track hoặc route) nào.")
    known = store.row_hashes("trips")
    trips = []
    for number, line in enumerate(lines, start=1):
        geometry = line["geometry"]
        if geometry is None or geometry.is_empty or not geometry.is_valid:
            result.rejected += 1
            result.reasons.append(f"Đường đi {number}: hình học không hợp lệ hoặc rỗng.")
            continue
        digest = hashlib.sha256(shapely.to_wkb(geometry, output_dimension=2)).hexdigest()
        if digest in known:
            result.duplicates += 1
            continue
        known.add(digest)
        trips.append(
            {
                "name": (_label(line["name"]) or f"{name} #{number}")[:200],
                "chapter_id": chapter_id,
                "team": team,
                "date_from": line["date_from"],
                "date_to": line["date_to"],
                "sweep_width_m": sweep_width_m,
                "notes": "Điểm đánh dấu: " + "; ".join(waypoints) if waypoints else None,
                "geometry": shapely.force_2d(geometry),
                "import_id": result.import_id,
                "row_hash": digest,
            }
        )
    result.accepted = len(trips)
    with store.engine.begin() as connection:  # the whole file or nothing
        record_import(connection, result.import_id, "trips", name, data, chapter_id, author, result.summary())
        store.insert("trips", trips, author=author, connection=connection)
    return result
