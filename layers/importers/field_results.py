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
member's declared size and name (no path leaving the archive), and all files and members of one
import together against RESULTS_BYTES (`check_files` lets the command line and the page refuse
by sizes alone, before reading). Photos are never all held: each is read, inspected and let go,
and read again when it is attached. A GeoPackage is looked at with sqlite3 (read-only, every
query bounded in steps) before GDAL opens it: its layers must be real tables, its rows are
counted by SQLite (not by the count the file declares), and GDAL must read that many; the
values of its rows are read by sqlite3 as written (a time as its text, a text as its bytes),
its points by GDAL, brought to EPSG:4326 from the layer's own system.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import sqlite3
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path, PurePosixPath
from urllib.parse import quote

import geopandas as gpd
import numpy as np
import pyogrio
import pyogrio.raw
import shapely
import sqlalchemy as sa

from geo.admin import within_territory
from layers import attachments
from layers.access import Right, Viewer, check_write
from layers.campaign import VIETNAM, vietnam_today
from layers.errors import LayersError
from layers.exporters.qfield import REMAINS_MAX
from layers.importers import limits
from layers.importers.errors import UnreadableFile
from layers.importers.files import open_archive, quietly
from layers.importers.trips import EARLIEST, Track, read_track
from layers.importers.writing import Upload, Written, write_import
from layers.labels import blank, number, term_label
from layers.schema import FINDINGS, OBSERVATIONS, SITES, TRIPS
from layers.store import Store
from layers.trips import change_trip

LAYER = OBSERVATIONS.name
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".heic", ".heif", ".png", ".webp")
SUFFIXES = (".gpkg", ".zip", ".gpx", *PHOTO_SUFFIXES)
FILES_MAX = 200  # files brought back at once
# All files and zip members read for one import together (declared sizes, counted before reading):
# the same bound as one archive's members unpacked (layers.importers.limits.UNPACKED_TOTAL), above
# one record's attachments (layers.attachments.MAX_RECORD_BYTES).
RESULTS_BYTES = limits.UNPACKED_TOTAL
PHOTO_NAME_MAX = 2_000  # characters of the photo field (names of the photos an observation took)
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


@dataclass(frozen=True)
class _Photo:
    """A photo brought back, not held: `read` gives its bytes (from the upload, or again from its
    zip) each time they are needed, so photos are inspected and attached one at a time."""

    name: str
    size: int
    read: Callable[[], bytes]


@dataclass
class _Brought:
    """Everything read from the files, before it is checked."""

    observations: list[dict] = field(default_factory=list)  # {"file", "row", "values", "geometry", "problem"}
    tracks: list[dict] = field(default_factory=list)  # {"file", "row", "geometry", "problem"}
    photos: list[_Photo] = field(default_factory=list)
    waypoints: list[str] = field(default_factory=list)
    digests: list[str] = field(default_factory=list)
    unpacked: int = 0  # bytes of every file and zip member read so far, declared sizes: within RESULTS_BYTES

    def take(self, size: int, name: str) -> None:
        """Count `size` more bytes against the import's budget before they are read."""
        self.unpacked += max(int(size), 0)
        _check_budget(self.unpacked, name)


# -- reading the files ----------------------------------------------------------------------------


def _check_budget(total: int, name: str) -> None:
    if total > RESULTS_BYTES:
        raise UnreadableFile(
            f"Các tệp kết quả (đến «{name[:100]}») giải nén ra hơn {number(RESULTS_BYTES // limits.MIB)} MB, "
            "quá giới hạn một lần nhập; hãy nhập làm nhiều lần."
        )


def _suffix(name: str) -> str:
    suffix = PurePosixPath(name.replace("\\", "/").lower()).suffix
    if suffix not in SUFFIXES:
        raise UnreadableFile(
            f"Tệp «{name[:100]}»: kết quả chuyến đi nhận tệp {', '.join(SUFFIXES)}, không nhận «{suffix or name[:20]}»."
        )
    return suffix


def check_files(sizes: Sequence[tuple[str, int]]) -> None:
    """Refuse files brought back by their names and sizes alone, before any is read (the command
    line asks the file system, the page the upload): too many, an unaccepted kind, one over its
    limit, or all of them together over RESULTS_BYTES (a zip's members are counted again, by
    their declared sizes, before they are read)."""
    if not sizes:
        raise UnreadableFile("Chưa chọn tệp nào.")
    if len(sizes) > FILES_MAX:
        raise UnreadableFile(f"Nhiều nhất {number(FILES_MAX)} tệp một lần; đã chọn {number(len(sizes))}.")
    total = 0
    for name, size in sizes:
        if _suffix(name) in PHOTO_SUFFIXES:
            attachments.check_size(name, size)
        else:
            limits.check_file(size)
        total += size
        _check_budget(total, name)


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


# -- a GeoPackage, looked at with sqlite3 before GDAL opens it ---------------------------------------

GPKG_LAYERS = ("observations", "tracks", "sites", "route")  # the package's layers: counted, must be tables
GPKG_READ = ("observations", "tracks")  # the layers brought back
GPKG_META = ("gpkg_contents", "gpkg_geometry_columns", "gpkg_spatial_ref_sys", "gpkg_ogr_contents", "gpkg_extensions")
# Triggers a GeoPackage has by the standard or by GDAL (spatial index, tile matrix checks, feature
# counts). Triggers run only on writes and every connection here is read-only; any other is refused.
GPKG_TRIGGERS = re.compile(
    r"^(rtree_\w+_(insert|update\d*|delete)|gpkg_\w+|trigger_(insert|delete)_feature_count_\w+)$"
)
SQL_TICK = 1_000  # SQLite instructions between two calls of the progress handler
SQL_TICKS = 200_000  # calls before a query is stopped: ~2·10⁸ instructions, far above counting a legal file


def _refused(name: str, why: str) -> UnreadableFile:
    return UnreadableFile(f"Không đọc được GeoPackage «{name[:100]}»: {why}.")


@contextlib.contextmanager
def _sqlite(path: Path, name: str) -> Iterator[sqlite3.Connection]:
    """The GeoPackage opened read-only by sqlite3, every query stopped after SQL_TICKS calls of
    the progress handler (a view or a trigger cannot make it run for ever); raw bytes for text."""
    ticks = [0]

    def progress() -> int:
        ticks[0] += 1
        return int(ticks[0] > SQL_TICKS)

    try:
        connection = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    except sqlite3.Error:
        raise _refused(name, "không mở được (không phải tệp SQLite)") from None
    try:
        connection.set_progress_handler(progress, SQL_TICK)
        connection.text_factory = bytes
        yield connection
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc):
            raise _refused(name, "cần quá nhiều bước để đọc (có thể là tệp độc hại)") from None
        raise _refused(name, "hỏng, không đọc được bằng SQLite") from None
    except sqlite3.Error:
        raise _refused(name, "hỏng, không đọc được bằng SQLite") from None
    finally:
        connection.close()


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _decoded(value: object) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _gpkg_layers(connection: sqlite3.Connection, name: str) -> dict[str, int]:
    """The package's layers present, each a real table (not a view, no generated column, no
    unknown trigger), with its rows counted by SQLite itself, not by what the file says."""
    schema = [tuple(_decoded(v) for v in row) for row in connection.execute("SELECT type, name FROM sqlite_master")]
    kinds = {n.casefold(): t for t, n in schema if t in ("table", "view")}
    for layer in (*GPKG_LAYERS, *GPKG_META):
        if kinds.get(layer, "table") != "table":
            raise _refused(name, f"có lớp «{layer}» là một khung nhìn (view), không phải bảng")
    strange = [n for t, n in schema if t == "trigger" and not GPKG_TRIGGERS.match(n)]
    if strange:
        raise _refused(name, f"có trigger lạ «{strange[0][:60]}»")
    present = [layer for layer in GPKG_LAYERS if layer in kinds]
    if not any(layer in present for layer in GPKG_READ):
        raise UnreadableFile(f"Tệp «{name[:100]}» không có lớp observations hay tracks của gói QField.")
    counts = {}
    for layer in present:
        columns = connection.execute(f"PRAGMA table_xinfo({_quoted(layer)})").fetchall()
        if any(column[6] not in (0,) for column in columns):  # 2, 3: generated; 1: a virtual table's hidden column
            raise _refused(name, f"có lớp «{layer}» với cột được tính ra (generated), không phải dữ liệu ghi")
        counts[layer] = int(connection.execute(f"SELECT COUNT(*) FROM {_quoted(layer)}").fetchone()[0])
    limits.check_rows(sum(counts.values()), "đối tượng")
    return counts


def _attributes(connection: sqlite3.Connection, layer: str, rows: int) -> tuple[str, dict[int, dict]]:
    """The layer's values by its primary key (the fid GDAL gives), read as SQLite holds them:
    a time as the text the phone wrote, a text as its bytes (decoded row by row)."""
    columns = connection.execute(f"PRAGMA table_info({_quoted(layer)})").fetchall()
    geometry = {
        _decoded(g).casefold()
        for (g,) in connection.execute(
            "SELECT column_name FROM gpkg_geometry_columns WHERE lower(CAST(table_name AS TEXT)) = ?", (layer,)
        )
    }
    names = [_decoded(c[1]) for c in columns]
    keys = [n for n, c in zip(names, columns, strict=True) if c[5] == 1]
    if len(keys) != 1:
        raise UnreadableFile(f"Lớp «{layer}» không có khoá hàng (fid) của GeoPackage.")
    wanted = [n for n in names if n.casefold() not in geometry and n != keys[0]]
    limits.check_cells(rows * max(len(wanted), 1))
    listed = ", ".join(_quoted(n) for n in [keys[0], *wanted])
    values = {}
    for row in connection.execute(f"SELECT {listed} FROM {_quoted(layer)}"):
        values[int(row[0])] = dict(zip(wanted, row[1:], strict=True))
    return keys[0], values


def _row_values(raw: dict) -> tuple[dict[str, str], str | None]:
    """A row's values as text, and which field (if any) holds bytes that are not UTF-8."""
    values, broken = {}, None
    for key, value in raw.items():
        if isinstance(value, bytes):
            try:
                value = value.decode("utf-8")
            except UnicodeDecodeError:
                broken = broken or key
                value = value.decode("utf-8", errors="replace")
        values[key] = _text(value)
    return values, broken


def _geometries(path: Path, name: str, layer: str, counted: int) -> dict[int, object]:
    """The layer's geometries by fid, read by GDAL (no field: those are sqlite3's) and brought to
    EPSG:4326 from the layer's own system; refused when GDAL does not give every row SQLite counted."""
    meta, fids, wkb, _ = quietly(lambda: pyogrio.raw.read(path, layer=layer, columns=[], return_fids=True))
    fids = [] if fids is None else [int(f) for f in fids]
    if len(fids) != counted:
        raise _refused(
            name,
            f"có lớp «{layer}» với {number(counted)} hàng nhưng GDAL chỉ đọc được {number(len(fids))} "
            "(tệp tự khai sai số hàng)",
        )
    shapes = shapely.from_wkb(wkb, on_invalid="ignore") if wkb is not None else [None] * len(fids)
    if counted and not meta.get("crs"):
        raise _refused(name, f"có lớp «{layer}» không khai hệ toạ độ")
    if counted:
        shapes = gpd.GeoSeries(shapes, crs=meta["crs"]).to_crs(4326).tolist()
    return dict(zip(fids, shapes, strict=True))


def _gpkg(name: str, data: bytes, brought: _Brought) -> None:
    """The observations and tracks of a filled GeoPackage: looked at and counted with sqlite3
    (read-only, bounded) before GDAL opens it, its values read by sqlite3, its points by GDAL."""
    limits.check_file(len(data))
    with tempfile.TemporaryDirectory(prefix="bando-results-") as folder:
        path = Path(folder) / "results.gpkg"
        path.write_bytes(data)
        with _sqlite(path, name) as connection:
            counts = _gpkg_layers(connection, name)
            values = {layer: _attributes(connection, layer, counts[layer])[1] for layer in GPKG_READ if layer in counts}
        try:
            shapes = {layer: _geometries(path, name, layer, counts[layer]) for layer in values}
        except UnreadableFile:
            raise
        except Exception as exc:  # noqa: BLE001 - GDAL reports malformed files with its own errors
            raise UnreadableFile(f"Không đọc được GeoPackage «{name[:100]}» ({type(exc).__name__}).") from None
    for layer in values:
        if set(values[layer]) != set(shapes[layer]):
            raise _refused(name, f"có lớp «{layer}» mà GDAL và SQLite đọc ra các hàng khác nhau")
    for number_, fid in enumerate(sorted(values.get("observations", {})), start=1):
        row, broken = _row_values(values["observations"][fid])
        problem = f"«{LABELS.get(broken, broken)}» có byte không phải chữ UTF-8 (đã thay bằng �)" if broken else None
        geometry = shapes["observations"][fid]
        brought.observations.append(
            {"file": name, "row": number_, "values": row, "geometry": geometry, "problem": problem}
        )
    for number_, fid in enumerate(sorted(values.get("tracks", {})), start=1):
        brought.tracks.append({"file": name, "row": number_, "geometry": shapes["tracks"][fid], "problem": None})


def _gpx(name: str, data: bytes, brought: _Brought) -> None:
    """A GPX file's track (all its lines, refused whole when one is bad) and its waypoints."""
    try:
        track = read_track(name, data)
    except UnreadableFile as exc:
        brought.tracks.append({"file": name, "row": 1, "geometry": None, "problem": str(exc)})
        return
    brought.tracks.append({"file": name, "row": 1, "geometry": track.geometry, "problem": None})
    brought.waypoints += list(track.waypoints)


def _photo(name: str, data: bytes, brought: _Brought) -> None:
    brought.photos.append(_Photo(name, len(data), lambda: data))


def _zip(name: str, data: bytes, brought: _Brought) -> None:
    """The GeoPackage and photos of the zip a phone gives back; each member's name and declared
    size checked, and all of them counted against the import's budget, before any is read
    (other files, the project, are passed over). Photos are read again one at a time when used."""
    limits.check_file(len(data))
    with open_archive(data, "zip") as archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        unsafe = [info.filename for info in members if not _safe_member(info.filename)]
        if unsafe:
            raise UnreadableFile(
                f"Tệp «{name[:100]}» có tệp con tên «{unsafe[0][:80]}» trỏ ra ngoài thư mục của gói; không đọc."
            )
        wanted = [i for i in members if PurePosixPath(i.filename.lower()).suffix in (".gpkg", *PHOTO_SUFFIXES)]
        for info in wanted:
            if info.filename.lower().endswith(".gpkg"):
                limits.check_file(info.file_size)
                limits.check_whole_part(info.file_size, "zip")
            else:
                attachments.check_size(info.filename, info.file_size)
            brought.take(info.file_size, f"{name}/{info.filename}")
        for info in wanted:
            if info.filename.lower().endswith(".gpkg"):
                _gpkg(f"{name}/{info.filename}", _read_member(archive, info), brought)
            else:
                brought.photos.append(_Photo(info.filename, info.file_size, partial(_member_of, data, info)))


def _member_of(data: bytes, info: zipfile.ZipInfo) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return _read_member(archive, info)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError, zlib.error):
        raise UnreadableFile(f"Tệp zip hỏng, không giải nén được «{info.filename[:80]}».") from None


def read_files(files: Sequence[tuple[str, bytes]]) -> _Brought:
    """Everything in the files brought back, each checked by its size and kind before it is read,
    and all of them (zip members too) within one budget, RESULTS_BYTES."""
    check_files([(name, len(data)) for name, data in files])
    brought = _Brought()
    readers = {".gpkg": _gpkg, ".zip": _zip, ".gpx": _gpx}
    for name, data in files:
        brought.take(len(data), name)
        readers.get(_suffix(name), _photo)(name, data, brought)
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
    """A phone's time, written as ISO 8601 (QField's, GDAL's); one without a zone is Vietnam's.
    Only a date from EARLIEST to a day after today is a time a team recorded: a word such as
    "now", a number or year 1 is refused, never read as some other time."""
    if text == "":
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise ValueError(f"«{text[:40]}» không phải thời điểm đọc được (cần dạng 2026-07-02 09:30)") from None
    latest = vietnam_today() + FUTURE_SLACK
    if not EARLIEST <= moment.date() <= latest:
        raise ValueError(f"«{text[:40]}» nằm ngoài {EARLIEST.year} – {latest:%d/%m/%Y}")
    aware = moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)
    try:
        return aware.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError(f"«{text[:40]}» nằm ngoài {EARLIEST.year} – {latest:%d/%m/%Y}") from None


def _site(values: dict, trip: _Trip) -> tuple[str | None, str | None]:
    """The site a row is for (by its id or its place on the route), or why it cannot be: not on
    the trip, or no longer waiting for this trip's search (a result for it could never be confirmed)."""
    given = values.get("site_id", "")
    site_id = given if given in trip.sites else trip.order.get(given)
    if site_id not in trip.sites:
        return None, f"«{given[:60]}» không phải điểm mộ trên lộ trình của chuyến này" if given else "trống"
    status = trip.sites[site_id].get("status")
    if status != "planned":
        label = term_label(SITES.field("status"), status, "vi")
        planned = term_label(SITES.field("status"), "planned", "vi")
        return None, f"«{given[:60]}» đang ở bước «{label}», không phải «{planned}»: kết quả không xác nhận được"
    return site_id, None


def _count(values: dict, finding: str) -> tuple[int | None, str | None]:
    try:
        remains = _remains(values.get("remains_count", ""))
    except ValueError as exc:
        return None, str(exc)
    if remains is not None and remains < 0:
        return None, f"({remains}) không được âm"
    if remains is not None and remains > REMAINS_MAX:
        return None, f"({remains}) quá {REMAINS_MAX} ở một điểm; hãy kiểm tra lại"
    if finding == "found" and not remains:
        return None, "phải từ 1 trở lên khi kết quả là «Tìm thấy hài cốt»"
    if finding != "found" and remains:
        return None, "chỉ ghi khi kết quả là «Tìm thấy hài cốt»"
    return remains, None


def _place(geometry: object) -> tuple[shapely.Point | None, str | None]:
    """The row's point (already in EPSG:4326), or why it has none that can be taken."""
    if geometry is None or geometry.is_empty:
        return None, "không có vị trí (một điểm)"
    if geometry.geom_type != "Point":
        return None, f"hình học là {geometry.geom_type}, không phải một điểm (Point)"
    x, y = geometry.x, geometry.y
    if not (np.isfinite(x) and np.isfinite(y) and abs(y) <= 90 and abs(x) <= 180) or not within_territory([x], [y])[0]:
        return None, f"vị trí ({y:.5f}, {x:.5f}) nằm ngoài Việt Nam, Lào và Campuchia"
    return shapely.Point(x, y), None


def _long(values: dict) -> tuple[str, str] | None:
    """A text longer than its field takes: refused whole rather than cut without a word."""
    for name, most in (("note", limits.TEXT), ("photo", PHOTO_NAME_MAX)):
        if len(values.get(name, "")) > most:
            return name, f"dài {number(len(values[name]))} ký tự, quá giới hạn {number(most)}"
    return None


def _problem(row: dict, trip: _Trip) -> tuple[str | None, dict]:
    """Why an observation row cannot be taken (naming its file, row and field), or its record."""
    values = row["values"]
    where = f"Kết quả tại điểm, tệp «{str(row.get('file', ''))[:100]}», hàng {row['row']}"

    def said(name: str, why: str) -> tuple[str, dict]:
        return f"{where}: «{LABELS.get(name, name)}» {why}.", {}

    if row.get("problem"):
        return f"{where}: {row['problem']}.", {}
    site_id, why = _site(values, trip)
    if why:
        return said("site_id", why)
    finding = FINDING_CODES.get(values.get("finding", "")) or FINDING_CODES.get(values.get("finding", "").casefold())
    if finding is None:
        choices = ", ".join(f"{t.code} ({t.label_vi})" for t in FINDINGS)
        return said("finding", f"«{values.get('finding', '')[:40]}» không có trong danh mục: {choices}")
    remains, why = _count(values, finding)
    if why:
        return said("remains_count", why)
    point, why = _place(row.get("geometry"))
    if why:
        return f"{where}: {why}.", {}
    try:
        observed = _moment(values.get("observed_at", ""))
    except ValueError as exc:
        return said("observed_at", str(exc))
    if observed is not None and observed > datetime.now(UTC) + FUTURE_SLACK:
        return said("observed_at", f"({observed.astimezone(VIETNAM):%d/%m/%Y %H:%M}) ở tương lai")
    too_long = _long(values)
    if too_long:
        return said(*too_long)
    site = trip.sites[site_id]
    record = {
        "trip_id": trip.record["id"],
        "site_id": site_id,
        "site_name": (site.get("name") or "")[:300] or None,
        "chapter_id": trip.record.get("chapter_id"),
        "province_34": site.get("province_34") or trip.record.get("province_34"),
        "finding": finding,
        "remains_count": remains or 0,
        "note": values.get("note", "") or None,
        "photo": values.get("photo", "") or None,
        "observed_at": observed,
        "status": "proposed",
        "geometry": point,
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
    where = f"Đường đã đi, tệp «{str(row.get('file', ''))[:100]}», hàng {row['row']}"
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
    """A photo's file name as the phone wrote it (kept so, on its attachment)."""
    return PurePosixPath(name.replace("\\", "/")).name


def _key(name: str) -> str:
    """The name a photo is matched by: an observation's photo field and the file may differ in case."""
    return _basename(name).casefold()


def _photo_targets(connection: sa.Connection, store: Store, trip_id: str) -> tuple[dict[str, str], list[str]]:
    """Which observation of the trip names each photo file (by its base name, in any case), and
    every observation's id (where a photo already attached is looked for), the new ones included."""
    table = store.table(LAYER)
    query = sa.select(table.c.id, table.c.photo).where(table.c.trip_id == trip_id, table.c.deleted_at.is_(None))
    named, ids = {}, []
    for row in connection.execute(query.order_by(table.c.created_at)):
        ids.append(row.id)
        for name in PHOTO_NAMES.split(row.photo or ""):
            if name.strip():
                named.setdefault(_key(name.strip()), row.id)
    return named, ids


def _attached_hashes(connection: sa.Connection, records: list[tuple[str, str]]) -> set[tuple[str, str, str]]:
    table = attachments.TABLE
    ids = [record_id for _, record_id in records]
    query = sa.select(table.c.layer, table.c.record_id, table.c.sha256).where(
        table.c.record_id.in_(ids), table.c.deleted_at.is_(None)
    )
    return {(r.layer, r.record_id, r.sha256) for r in connection.execute(query)}


def _photo_rejected(trip_id: str, k: int, photo: _Photo, sha256: str, why: object) -> dict:
    digest = hashlib.sha256(f"{trip_id}:photo:{sha256}".encode()).hexdigest()
    reason = f"Ảnh, tệp {k} «{_basename(photo.name)[:80]}»: {why}"
    return {
        "kind": "photos",
        "row": k,
        "values": {"Tệp": _basename(photo.name)[:200]},
        "reason": reason,
        "row_hash": digest,
    }


def _inspected(brought: _Brought, trip_id: str, result: ResultsImport) -> tuple[list, list[dict]]:
    """The photos that are pictures one may attach, and the rejected ones (checked before the
    import is written, so their rows are kept with it), one at a time: only what was found is
    kept, never the bytes."""
    good, rejected = [], []
    result.photos.read = len(brought.photos)
    for k, photo in enumerate(brought.photos, start=1):
        data = b""
        try:
            data = photo.read()
            good.append((k, photo, attachments.inspect(data, _basename(photo.name))))
        except LayersError as exc:
            rejected.append(_photo_rejected(trip_id, k, photo, hashlib.sha256(data).hexdigest(), exc))
        del data
    result.photos.rejected = len(rejected)
    return good, rejected


def _attach_photos(
    store: Store, connection: sa.Connection, trip: _Trip, photos: list, viewer: Viewer, result: ResultsImport
) -> list[dict]:
    """Attach each photo, private, to the observation that names it, else to the trip, in the
    import's transaction (the trip's rights were asked by _trip; an observation is part of its
    trip), its bytes read again one photo at a time. A photo its record has no room for is
    rejected (returned, kept with the import)."""
    trip_id = trip.record["id"]
    named, ids = _photo_targets(connection, store, trip_id)
    present = _attached_hashes(connection, [("trips", trip_id), *((LAYER, i) for i in ids)])
    rejected = []
    for k, photo, seen in photos:
        target = named.get(_key(photo.name))
        layer, record_id = (LAYER, target) if target else ("trips", trip_id)
        if (layer, record_id, seen.sha256) in present:
            result.photos.duplicates += 1
            continue
        try:
            attachments.check_room(connection, layer, record_id, seen.size, _basename(photo.name))
        except LayersError as exc:  # the record is full: said and kept, nothing attached
            rejected.append(_photo_rejected(trip_id, k, photo, seen.sha256, exc))
            continue
        attachment = attachments.add_attachment(
            store,
            connection,
            layer,
            record_id,
            photo.read(),
            _basename(photo.name),
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
