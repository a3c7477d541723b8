"""Bringing a trip's results back: the GeoPackage a team filled in QField or Mergin Maps (alone,
or in the zip the phone gives back with its DCIM/ photos), GPX files of tracks and waypoints,
and photos with their EXIF GPS.

For one trip the person may write (Right.TRIPS, the trip's chapter): each observation row
becomes an `observations` record "proposed" for the chapter to confirm (layers.field_results),
with the trip's chapter, the site's province, the point and the time; each track line joins the
trip's line (layers.trips.change_trip, with its history); each photo is attached to the
observation whose `photo` field names it, else to the trip; all of it in one transaction with the
import's ledger line (layers.importers.writing.write_import), so a failure writes nothing. A row
that cannot be taken (a site not on the trip, an unknown finding, an absurd remains count, a
point outside Vietnam, Laos and Cambodia, a broken photo) is rejected with its reason in
Vietnamese naming the row and the field, and kept like any import's rejected rows (the imports
ledger, `imports undo`). The same
file brought back twice counts its rows as duplicates. For observations, tracks and photos
alike: read = accepted + rejected + duplicates.

Every size is checked before anything is read: each file (layers.importers.limits), each zip
member's declared size and name (no path leaving the archive), rows counted before they are read.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath

import numpy as np
import pandas as pd
import pyogrio
import shapely
import sqlalchemy as sa

from geo.admin import within_territory
from layers import attachments
from layers.access import Right, Viewer, check_write
from layers.campaign import VIETNAM
from layers.errors import LayersError
from layers.exporters.qfield import REMAINS_MAX
from layers.importers import limits
from layers.importers.errors import UnreadableFile
from layers.importers.files import open_archive, quietly, read_frame
from layers.importers.trips import Track, read_track
from layers.importers.writing import Upload, Written, write_import
from layers.labels import blank, number
from layers.schema import FINDINGS, OBSERVATIONS, TRIPS
from layers.store import Store
from layers.trips import change_trip

LAYER = OBSERVATIONS.name
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".heic", ".heif", ".png", ".webp")
SUFFIXES = (".gpkg", ".zip", ".gpx", *PHOTO_SUFFIXES)
FILES_MAX = 200  # files brought back at once
RAW_TEXT = 2_000  # characters of a rejected row's value kept for the person to see
FUTURE_SLACK = timedelta(days=1)  # a phone's clock a little ahead is no error
LABELS = {f.name: f.label_vi for f in OBSERVATIONS.fields}
FINDING_CODES = {t.code: t.code for t in FINDINGS} | {
    label.casefold(): t.code for t in FINDINGS for label in (t.label_vi, t.label_en)
}
PHOTO_NAMES = re.compile(r"[;,|\n]+")


@dataclass
class Count:
    """One kind of row brought back: read = accepted + rejected + duplicates."""

    read: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0

    def balanced(self) -> bool:
        return self.read == self.accepted + self.rejected + self.duplicates


@dataclass
class ResultsImport:
    """What bringing a trip's results back did, kind by kind, with the rejected rows' reasons."""

    trip_id: str
    import_id: str
    observations: Count = field(default_factory=Count)
    tracks: Count = field(default_factory=Count)
    photos: Count = field(default_factory=Count)
    waypoints: int = 0
    rejected_rows: list[dict] = field(default_factory=list)  # {"kind", "row", "values", "reason"}
    observation_ids: list[str] = field(default_factory=list)
    attachment_ids: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "trip_id": self.trip_id,
            "import_id": self.import_id,
            "observations": asdict(self.observations),
            "tracks": asdict(self.tracks),
            "photos": asdict(self.photos),
            "waypoints": self.waypoints,
            "rejected_rows": [{k: r[k] for k in ("kind", "row", "reason")} for r in self.rejected_rows],
        }


@dataclass
class _Brought:
    """Everything read from the files, before it is checked."""

    observations: list[dict] = field(default_factory=list)  # {"row", "values", "geometry"}
    tracks: list[dict] = field(default_factory=list)  # {"row", "geometry", "problem"}
    photos: list[tuple[str, bytes]] = field(default_factory=list)
    waypoints: list[str] = field(default_factory=list)
    digests: list[str] = field(default_factory=list)


# -- reading the files ----------------------------------------------------------------------------


def _suffix(name: str) -> str:
    suffix = PurePosixPath(name.replace("\\", "/").lower()).suffix
    if suffix not in SUFFIXES:
        raise UnreadableFile(
            f"Tệp «{name[:100]}»: kết quả chuyến đi nhận tệp {', '.join(SUFFIXES)}, không nhận «{suffix or name[:20]}»."
        )
    return suffix


def _safe_member(name: str) -> bool:
    """A zip member's name that stays inside the archive's folder."""
    if "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name) or "\x00" in name:
        return False
    return ".." not in PurePosixPath(name).parts


def _text(value: object) -> str:
    if blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _gpkg(name: str, data: bytes, brought: _Brought) -> None:
    """The observations and tracks of a filled GeoPackage, rows counted before they are read."""
    limits.check_file(len(data))
    try:
        layers = {str(n): str(g) for n, g in quietly(lambda: pyogrio.list_layers(io.BytesIO(data)))}
        if "observations" not in layers and "tracks" not in layers:
            raise UnreadableFile(f"Tệp «{name[:100]}» không có lớp observations hay tracks của gói QField.")
        counts = [quietly(lambda n=n: pyogrio.read_info(io.BytesIO(data), layer=n))["features"] for n in layers]
        limits.check_rows(sum(max(int(c), 0) for c in counts), "đối tượng")
        frames = {n: read_frame(data, n) for n in ("observations", "tracks") if n in layers}
    except UnreadableFile:
        raise
    except Exception as exc:  # noqa: BLE001 - GDAL reports malformed files with its own errors
        raise UnreadableFile(f"Không đọc được GeoPackage «{name[:100]}» ({type(exc).__name__}).") from None
    for number_, (_, row) in enumerate(frames.get("observations", pd.DataFrame()).iterrows(), start=1):
        values = {k: _text(v) for k, v in row.items() if k != "geometry"}
        brought.observations.append({"row": number_, "values": values, "geometry": row.get("geometry")})
    for number_, geometry in enumerate(frames["tracks"].geometry if "tracks" in frames else [], start=1):
        brought.tracks.append({"row": number_, "geometry": geometry, "problem": None})


def _gpx(name: str, data: bytes, brought: _Brought) -> None:
    """A GPX file's track (all its lines, refused whole when one is bad) and its waypoints."""
    row = len(brought.tracks) + 1
    try:
        track = read_track(name, data)
    except UnreadableFile as exc:
        brought.tracks.append({"row": row, "geometry": None, "problem": str(exc)})
        return
    brought.tracks.append({"row": row, "geometry": track.geometry, "problem": None})
    brought.waypoints += list(track.waypoints)


def _photo(name: str, data: bytes, brought: _Brought) -> None:
    brought.photos.append((name, data))


def _zip(name: str, data: bytes, brought: _Brought) -> None:
    """The GeoPackage and photos of the zip a phone gives back; each member's name and declared
    size checked before it is read (other files, the project, are passed over)."""
    limits.check_file(len(data))
    with open_archive(data, "zip") as archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        unsafe = [info.filename for info in members if not _safe_member(info.filename)]
        if unsafe:
            raise UnreadableFile(
                f"Tệp «{name[:100]}» có tệp con tên «{unsafe[0][:80]}» trỏ ra ngoài thư mục của gói; không đọc."
            )
        for info in members:
            suffix = PurePosixPath(info.filename.lower()).suffix
            if suffix == ".gpkg":
                limits.check_file(info.file_size)
                limits.check_whole_part(info.file_size, "zip")
                _gpkg(info.filename, _read_member(archive, info), brought)
            elif suffix in PHOTO_SUFFIXES:
                attachments.check_size(info.filename, info.file_size)
                brought.photos.append((info.filename, _read_member(archive, info)))


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError):
        raise UnreadableFile(f"Tệp zip hỏng, không giải nén được «{info.filename[:80]}».") from None


def read_files(files: Sequence[tuple[str, bytes]]) -> _Brought:
    """Everything in the files brought back, each checked by its size and kind before it is read."""
    if not files:
        raise UnreadableFile("Chưa chọn tệp nào.")
    if len(files) > FILES_MAX:
        raise UnreadableFile(f"Nhiều nhất {number(FILES_MAX)} tệp một lần; đã chọn {number(len(files))}.")
    brought = _Brought()
    readers = {".gpkg": _gpkg, ".zip": _zip, ".gpx": _gpx}
    for name, data in files:
        suffix = _suffix(name)
        if suffix in PHOTO_SUFFIXES:
            attachments.check_size(name, len(data))
        else:
            limits.check_file(len(data))
        readers.get(suffix, _photo)(name, data, brought)
        brought.digests.append(hashlib.sha256(data).hexdigest())
    return brought


# -- the trip and its sites ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Trip:
    record: dict
    sites: dict[str, dict]  # the sites the trip is for, by id
    order: dict[str, str]  # a site's 1-based place on the route ("3") → its id


def _trip(store: Store, connection: sa.Connection, trip_id: str, viewer: Viewer) -> _Trip:
    """The trip, if the person may write it, and the sites it is for: those of its route, then
    those of its linked reports (the ones the person sees)."""
    viewer.require(Right.TRIPS, "ghi kết quả chuyến tìm kiếm")
    trip = store.seen(connection, "trips", trip_id, viewer)
    if trip is None:
        raise LayersError(f"Không có chuyến tìm kiếm «{str(trip_id)[:60]}».")
    check_write(viewer, TRIPS, trip)
    wkb = trip.pop("geom", None)  # the stored row: its line as WKB
    trip["geometry"] = None if wkb is None else shapely.from_wkb(bytes(wkb))
    route = [str(i) for i in (trip.get("route_site_ids") or [])]
    for report_id in trip.get("linked_report_ids") or []:
        report = store.seen(connection, "reports", report_id, viewer)
        if report is not None and report.get("site_id") and str(report["site_id"]) not in route:
            route.append(str(report["site_id"]))
    sites = {}
    for site_id in route:
        site = store.seen(connection, "sites", site_id, viewer)
        if site is not None:
            sites[site_id] = site
    order = {str(k): site_id for k, site_id in enumerate(trip.get("route_site_ids") or [], start=1)}
    return _Trip(trip, sites, order)


# -- checking observations -----------------------------------------------------------------------


def _remains(text: str) -> int | None:
    if text == "":
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise ValueError(f"«{text[:20]}» không phải số") from None
    if not value.is_integer():
        raise ValueError(f"«{text[:20]}» không phải số nguyên")
    return int(value)


def _moment(text: str) -> datetime | None:
    """A phone's time; one without a zone is Vietnam's."""
    if text == "":
        return None
    moment = pd.to_datetime(text.replace("/", "-"), errors="coerce")
    if pd.isna(moment):
        raise ValueError(f"«{text[:40]}» không phải thời điểm đọc được")
    moment = moment.to_pydatetime()
    return (moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)).astimezone(UTC)


def _problem(row: dict, trip: _Trip) -> tuple[str | None, dict]:
    """Why an observation row cannot be taken (naming the row and field), or its record."""
    values, where = row["values"], f"Kết quả tại điểm, hàng {row['row']}"

    def said(name: str, why: str) -> tuple[str, dict]:
        return f"{where}: «{LABELS[name]}» {why}.", {}

    given = values.get("site_id", "")
    site_id = given if given in trip.sites else trip.order.get(given)
    if site_id not in trip.sites:
        return said("site_id", f"«{given[:60]}» không phải điểm mộ trên lộ trình của chuyến này" if given else "trống")
    finding = FINDING_CODES.get(values.get("finding", "")) or FINDING_CODES.get(values.get("finding", "").casefold())
    if finding is None:
        choices = ", ".join(f"{t.code} ({t.label_vi})" for t in FINDINGS)
        return said("finding", f"«{values.get('finding', '')[:40]}» không có trong danh mục: {choices}")
    try:
        remains = _remains(values.get("remains_count", ""))
    except ValueError as exc:
        return said("remains_count", str(exc))
    if remains is not None and remains < 0:
        return said("remains_count", f"({remains}) không được âm")
    if remains is not None and remains > REMAINS_MAX:
        return said("remains_count", f"({remains}) quá {REMAINS_MAX} ở một điểm; hãy kiểm tra lại")
    if finding == "found" and not remains:
        return said("remains_count", "phải từ 1 trở lên khi kết quả là «Tìm thấy hài cốt»")
    if finding != "found" and remains:
        return said("remains_count", "chỉ ghi khi kết quả là «Tìm thấy hài cốt»")
    geometry = row.get("geometry")
    if geometry is None or geometry.is_empty or geometry.geom_type != "Point":
        return f"{where}: không có vị trí (một điểm).", {}
    x, y = geometry.x, geometry.y
    if not (np.isfinite(x) and np.isfinite(y) and abs(y) <= 90 and abs(x) <= 180) or not within_territory([x], [y])[0]:
        return f"{where}: vị trí ({y:.5f}, {x:.5f}) nằm ngoài Việt Nam, Lào và Campuchia.", {}
    try:
        observed = _moment(values.get("observed_at", ""))
    except ValueError as exc:
        return said("observed_at", str(exc))
    if observed is not None and observed > datetime.now(UTC) + FUTURE_SLACK:
        return said("observed_at", f"({observed.astimezone(VIETNAM):%d/%m/%Y %H:%M}) ở tương lai")
    site = trip.sites[site_id]
    record = {
        "trip_id": trip.record["id"],
        "site_id": site_id,
        "site_name": (site.get("name") or "")[:300] or None,
        "chapter_id": trip.record.get("chapter_id"),
        "province_34": site.get("province_34") or trip.record.get("province_34"),
        "finding": finding,
        "remains_count": remains or 0,
        "note": values.get("note", "")[: limits.TEXT] or None,
        "photo": values.get("photo", "")[:2_000] or None,
        "observed_at": observed,
        "status": "proposed",
        "geometry": shapely.Point(x, y),
    }
    return None, record


def _digest(record: dict) -> str:
    told = {k: record[k] for k in ("trip_id", "site_id", "finding", "remains_count", "note", "photo")}
    told["observed_at"] = record["observed_at"].isoformat() if record["observed_at"] else None
    told["geometry"] = shapely.to_wkb(record["geometry"], hex=True)
    return hashlib.sha256(json.dumps(told, sort_keys=True).encode()).hexdigest()


def _raw(values: dict) -> dict:
    return {k: v[:RAW_TEXT] for k, v in values.items()}


def _observations(brought: _Brought, trip: _Trip, result: ResultsImport) -> tuple[list[dict], list[dict]]:
    records, rejected, seen = [], [], set()
    result.observations.read = len(brought.observations)
    for row in brought.observations:
        problem, record = _problem(row, trip)
        raw = _raw(row["values"])
        if problem:
            digest = hashlib.sha256(json.dumps([trip.record["id"], raw], sort_keys=True).encode()).hexdigest()
            rejected.append({"kind": "observations", "row": row["row"], "values": raw, "reason": problem})
            rejected[-1]["row_hash"] = digest
            continue
        digest = _digest(record)
        if digest in seen:
            result.observations.duplicates += 1
            continue
        seen.add(digest)
        records.append({**record, "row_hash": digest, "import_id": result.import_id})
    result.observations.rejected = len(rejected)
    return records, rejected


# -- tracks --------------------------------------------------------------------------------------


def _parts(geometry: object) -> list:
    if geometry is None or geometry.is_empty:
        return []
    return [p for p in shapely.get_parts(shapely.force_2d(geometry)) if p.geom_type == "LineString"]


def _track_problem(row: dict) -> str | None:
    where = f"Đường đã đi, hàng {row['row']}"
    if row["problem"]:
        return f"{where}: {row['problem']}"
    parts = _parts(row["geometry"])
    if not parts:
        return f"{where}: không có đường (cần ít nhất hai điểm)."
    coordinates = shapely.get_coordinates(parts)
    if len(np.unique(coordinates, axis=0)) < 2:
        return f"{where}: chỉ có một điểm (một đường đi cần ít nhất hai điểm khác nhau)."
    x, y = coordinates[:, 0], coordinates[:, 1]
    valid = np.isfinite(x) & np.isfinite(y) & (np.abs(y) <= 90) & (np.abs(x) <= 180)
    outside = ~valid | ~within_territory(np.where(valid, x, 0), np.where(valid, y, 0))
    if outside.any():
        i = int(np.argmax(outside))
        example = f"ví dụ {y[i]:.5f}, {x[i]:.5f}"
        return f"{where}: {number(int(outside.sum()))} điểm nằm ngoài Việt Nam, Lào và Campuchia ({example})."
    return None


def _tracks(brought: _Brought, trip: _Trip, result: ResultsImport) -> tuple[list, list[dict]]:
    """The new lines of the trip's track, and the rejected track rows."""
    known = {shapely.to_wkb(p, hex=True) for p in _parts(trip.record.get("geometry"))}
    new, rejected = [], []
    result.tracks.read = len(brought.tracks)
    for row in brought.tracks:
        problem = _track_problem(row)
        if problem:
            wkt = "" if row["geometry"] is None else shapely.to_wkt(row["geometry"], rounding_precision=6)
            digest = hashlib.sha256(f"{trip.record['id']}:{problem}:{wkt}".encode()).hexdigest()
            values = {"Hình học (WKT)": wkt[:RAW_TEXT]}
            rejected.append(
                {"kind": "tracks", "row": row["row"], "values": values, "reason": problem, "row_hash": digest}
            )
            continue
        parts = [p for p in _parts(row["geometry"]) if shapely.to_wkb(p, hex=True) not in known]
        if not parts:
            result.tracks.duplicates += 1
            continue
        known.update(shapely.to_wkb(p, hex=True) for p in parts)
        new += parts
        result.tracks.accepted += 1
    result.tracks.rejected = len(rejected)
    return new, rejected


def _join_track(
    store: Store, connection: sa.Connection, trip: _Trip, lines: list, waypoints: list[str], viewer: Viewer
) -> None:
    """The trip's line with the new lines joined (and its waypoints with the new ones), by
    layers.trips.change_trip in the import's transaction: checked, with its history."""
    current = store.seen(connection, "trips", trip.record["id"], viewer)
    wkb = current.pop("geom", None)
    geometry = None if wkb is None else shapely.from_wkb(bytes(wkb))
    existing = [w for w in [_text(current.get("waypoints"))] if w]
    parts = _parts(geometry) + lines
    if not parts:
        return
    joined = parts[0] if len(parts) == 1 else shapely.MultiLineString(parts)
    track = Track(joined, tuple(existing + waypoints))
    change_trip(store, connection, trip.record["id"], {}, int(current["version"]), viewer, track=track)


def _new_waypoints(brought: _Brought, trip: _Trip) -> list[str]:
    known = _text(trip.record.get("waypoints"))
    return list(dict.fromkeys(w for w in brought.waypoints if w and w not in known))


# -- photos --------------------------------------------------------------------------------------


def _basename(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).name.casefold()


def _photo_targets(connection: sa.Connection, store: Store, trip_id: str) -> tuple[dict[str, str], list[str]]:
    """Which observation of the trip names each photo file (by its base name), and every
    observation's id (where a photo already attached is looked for), the new ones included."""
    table = store.table(LAYER)
    query = sa.select(table.c.id, table.c.photo).where(table.c.trip_id == trip_id, table.c.deleted_at.is_(None))
    named, ids = {}, []
    for row in connection.execute(query.order_by(table.c.created_at)):
        ids.append(row.id)
        for name in PHOTO_NAMES.split(row.photo or ""):
            if name.strip():
                named.setdefault(_basename(name.strip()), row.id)
    return named, ids


def _attached_hashes(connection: sa.Connection, records: list[tuple[str, str]]) -> set[tuple[str, str, str]]:
    table = attachments.TABLE
    ids = [record_id for _, record_id in records]
    query = sa.select(table.c.layer, table.c.record_id, table.c.sha256).where(
        table.c.record_id.in_(ids), table.c.deleted_at.is_(None)
    )
    return {(r.layer, r.record_id, r.sha256) for r in connection.execute(query)}


def _inspected(brought: _Brought, trip_id: str, result: ResultsImport) -> tuple[list, list[dict]]:
    """The photos that are pictures one may attach, and the rejected ones (checked before the
    import is written, so their rows are kept with it)."""
    good, rejected = [], []
    result.photos.read = len(brought.photos)
    for k, (name, data) in enumerate(brought.photos, start=1):
        try:
            seen = attachments.inspect(data, name)
        except LayersError as exc:
            digest = hashlib.sha256(f"{trip_id}:photo:{hashlib.sha256(data).hexdigest()}".encode()).hexdigest()
            values = {"Tệp": _basename(name)[:200]}
            reason = f"Ảnh, tệp {k} «{_basename(name)[:80]}»: {exc}"
            rejected.append({"kind": "photos", "row": k, "values": values, "reason": reason, "row_hash": digest})
            continue
        good.append((name, data, seen))
    result.photos.rejected = len(rejected)
    return good, rejected


def _attach_photos(
    store: Store, connection: sa.Connection, trip: _Trip, photos: list, viewer: Viewer, result: ResultsImport
) -> list[dict]:
    """Attach each photo, private, to the observation that names it, else to the trip, in the
    import's transaction (the trip's rights were asked by _trip; an observation is part of its
    trip). A photo its record has no room for is rejected (returned, kept with the import)."""
    trip_id = trip.record["id"]
    named, ids = _photo_targets(connection, store, trip_id)
    present = _attached_hashes(connection, [("trips", trip_id), *((LAYER, i) for i in ids)])
    rejected = []
    for k, (name, data, seen) in enumerate(photos, start=1):
        target = named.get(_basename(name))
        layer, record_id = (LAYER, target) if target else ("trips", trip_id)
        if (layer, record_id, seen.sha256) in present:
            result.photos.duplicates += 1
            continue
        try:
            attachments.check_room(connection, layer, record_id, len(data), _basename(name))
        except LayersError as exc:  # the record is full: said and kept, nothing attached
            digest = hashlib.sha256(f"{trip_id}:photo:{seen.sha256}".encode()).hexdigest()
            reason = f"Ảnh, tệp {k} «{_basename(name)[:80]}»: {exc}"
            rejected.append(
                {
                    "kind": "photos",
                    "row": k,
                    "values": {"Tệp": _basename(name)[:200]},
                    "reason": reason,
                    "row_hash": digest,
                }
            )
            continue
        attachment = attachments.add_attachment(
            store,
            connection,
            layer,
            record_id,
            data,
            _basename(name),
            viewer.username,
            private=True,
            is_demo=bool(trip.record.get("is_demo")),
            seen=seen,
        )
        present.add((layer, record_id, seen.sha256))
        result.attachment_ids.append(attachment)
        result.photos.accepted += 1
    result.photos.rejected += len(rejected)
    return rejected


# -- the import ----------------------------------------------------------------------------------


def import_results(store: Store, trip_id: str, files: Sequence[tuple[str, bytes]], viewer: Viewer) -> ResultsImport:
    """Bring a trip's results back from `files` ((name, bytes) pairs: GeoPackage, zip, GPX,
    photos); see the module's docstring. Raises UnreadableFile (nothing written) for a file that
    cannot be read at all, AccessDenied for a trip the person may not write."""
    with store.engine.connect() as connection:
        trip = _trip(store, connection, trip_id, viewer)
    brought = read_files(files)
    result = ResultsImport(trip.record["id"], str(uuid.uuid4()))
    records, rejected = _observations(brought, trip, result)
    lines, track_rejected = _tracks(brought, trip, result)
    photos, photo_rejected = _inspected(brought, trip.record["id"], result)
    waypoints = _new_waypoints(brought, trip)
    result.waypoints = len(waypoints)
    kept = rejected + track_rejected + photo_rejected

    def summary(written: Written) -> dict:
        result.observations.accepted = len(written.stored)
        result.observations.duplicates += len(records) - len(written.stored)
        return {
            "rows_read": result.observations.read,
            "accepted": result.observations.accepted,
            "rejected": result.observations.rejected,
            "duplicates": result.observations.duplicates,
            "trip_id": result.trip_id,
            "tracks_accepted": result.tracks.accepted,
            "photos_attached": result.photos.accepted,
        }

    names = ", ".join(name for name, _ in files)[:500]
    upload = Upload(
        result.import_id,
        LAYER,
        names,
        "\n".join(brought.digests).encode(),
        trip.record.get("chapter_id"),
        viewer.username,
        viewer,
    )

    def with_the_records(connection: sa.Connection, written: Written) -> None:
        """The track and the photos, in the import's transaction: all of it, or nothing."""
        result.observation_ids = _stored_ids(connection, store, result.import_id)
        if lines or waypoints:
            _join_track(store, connection, trip, lines, waypoints, viewer)
        kept.extend(_attach_photos(store, connection, trip, photos, viewer, result))

    write_import(store, upload, records, kept, summary, after_insert=with_the_records)
    result.rejected_rows = [{k: r[k] for k in ("kind", "row", "values", "reason")} for r in kept]
    return result


def _stored_ids(connection: sa.Connection, store: Store, import_id: str) -> list[str]:
    table = store.table(LAYER)
    return list(connection.execute(sa.select(table.c.id).where(table.c.import_id == import_id)).scalars())
