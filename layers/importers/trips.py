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
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
import pyogrio
import shapely

from layers.importers.errors import UnreadableFile
from layers.importers.files import MAX_BYTES
from layers.store import Store
from layers.tables import METADATA

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


def _kml_bytes(name: str, data: bytes) -> bytes:
    if not name.lower().endswith(".kmz"):
        return data
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            kml = next((n for n in archive.namelist() if n.lower().endswith(".kml")), None)
            if kml is None:
                raise UnreadableFile("Tệp KMZ không chứa tệp KML nào.")
            return archive.read(kml)
    except zipfile.BadZipFile:
        raise UnreadableFile("Tệp KMZ hỏng (không phải tệp nén zip).") from None


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
                label = getattr(row, "name", None) or getattr(row, "Name", None) or ""
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
    if not data:
        raise UnreadableFile("Tệp rỗng.")
    if len(data) > MAX_BYTES:
        raise UnreadableFile(f"Tệp quá lớn (tối đa {MAX_BYTES // 2**20} MB).")
    if suffix not in ("gpx", "kml", "kmz"):
        raise UnreadableFile(f"Chuyến tìm kiếm nhận tệp .gpx, .kml hoặc .kmz, không nhận «.{suffix}».")
    if not 0 < sweep_width_m <= 500:
        raise UnreadableFile("Bề rộng dò tìm phải lớn hơn 0 và không quá 500 m.")
    layers = _layers(_kml_bytes(name, data))
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
                "name": (line["name"] or f"{name} #{number}")[:200],
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
    with store.engine.begin() as connection:
        connection.execute(
            METADATA.tables["imports"].insert(),
            [
                {
                    "id": result.import_id,
                    "layer": "trips",
                    "file_name": name[:500],
                    "file_hash": hashlib.sha256(data).hexdigest(),
                    "chapter_id": chapter_id,
                    "author": author,
                    "created_at": datetime.now(UTC),
                    "summary": result.summary(),
                }
            ],
        )
        store.insert("trips", trips, author=author, connection=connection)
    return result
