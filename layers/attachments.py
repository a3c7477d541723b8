"""Files attached to records: photos of a grave, scans of a hand-drawn sketch or a letter.

A file is kept once per content, named by its SHA-256, in a folder outside the database and
outside static/ (layers.config.attachments_dir): nothing serves that folder, a page hands a
file out only after asking `attachments_of` whether the person may see it. The database holds
one row per attachment (the `attachments` table) with what the file is, as sniffed from its
bytes (never from its name), and what its EXIF said: when it was taken and where (GPS), which
is kept privately, since a photo's position may be the witness's house.

Images only for now (JPEG, PNG, WebP); audio, PDF and thumbnails can join `KINDS` later.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from PIL import Image, UnidentifiedImageError

from layers import access
from layers.access import Viewer
from layers.campaign import VIETNAM
from layers.config import attachments_dir
from layers.errors import LayersError
from layers.schema import STORED_LAYERS, get_layer
from layers.store import Store
from layers.tables import METADATA

MIB = 2**20
MAX_BYTES = 8 * MIB  # one photo or scan; a phone's photo is 2–6 MB
MAX_PER_RECORD = 5
# A scan of an A3 sketch at 300 dpi is about 17 million pixels; decoding is refused well before
# Pillow's own bomb limit (89 million), so a small file claiming huge dimensions costs nothing.
MAX_PIXELS = 40_000_000
# What Pillow calls a format → (media type, kind). Nothing else is accepted.
IMAGE_FORMATS = {"JPEG": ("image/jpeg", "image"), "PNG": ("image/png", "image"), "WEBP": ("image/webp", "image")}
MAX_NAME = 200

TABLE = METADATA.tables["attachments"]
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _DATETIME = 36867, 306


class AttachmentProblem(LayersError):
    """A file that cannot be attached; the message names the file."""


@dataclass(frozen=True)
class Inspected:
    """What a file is, read from its bytes."""

    sha256: str
    media_type: str
    kind: str
    size: int
    width: int
    height: int
    taken_at: datetime | None = None
    gps_lat: float | None = None
    gps_lon: float | None = None


def _named(name: str | None) -> str:
    return f"«{(name or 'ảnh')[:60]}»"


def inspect_image(data: bytes, name: str | None = None) -> Inspected:
    """The file's type, size and EXIF, or AttachmentProblem: not JPEG, PNG or WebP (whatever its
    name says), empty, over MAX_BYTES, over MAX_PIXELS, truncated or otherwise undecodable."""
    if not data:
        raise AttachmentProblem(f"Tệp {_named(name)} rỗng.")
    if len(data) > MAX_BYTES:
        raise AttachmentProblem(f"Tệp {_named(name)} quá lớn (tối đa {MAX_BYTES // MIB} MB một ảnh).")
    not_image = AttachmentProblem(f"Tệp {_named(name)} không phải ảnh JPEG, PNG hay WebP đọc được.")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in IMAGE_FORMATS:
                    raise not_image
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise AttachmentProblem(
                        f"Ảnh {_named(name)} quá lớn ({width} × {height} điểm ảnh); hãy chụp hoặc quét nhỏ hơn."
                    )
                exif = image.getexif()
                image.load()  # decodes every pixel: a truncated or corrupt file fails here
                media_type, kind = IMAGE_FORMATS[image.format]
        except AttachmentProblem:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # claims more pixels than Pillow allows
            raise AttachmentProblem(
                f"Ảnh {_named(name)} quá lớn (quá nhiều điểm ảnh); hãy chụp hoặc quét nhỏ hơn."
            ) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
            raise not_image from None
    lat, lon = _gps(exif)
    return Inspected(
        sha256=hashlib.sha256(data).hexdigest(),
        media_type=media_type,
        kind=kind,
        size=len(data),
        width=width,
        height=height,
        taken_at=_taken_at(exif),
        gps_lat=lat,
        gps_lon=lon,
    )


def _taken_at(exif: Image.Exif) -> datetime | None:
    """EXIF DateTimeOriginal (else DateTime), a camera's local time: read as Vietnam's."""
    try:
        text = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
        if not isinstance(text, str):
            return None
        return datetime.strptime(text.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S").replace(tzinfo=VIETNAM)
    except (ValueError, KeyError, TypeError):
        return None


def _degrees(value: object, ref: object, negative: str) -> float | None:
    """Degrees, minutes, seconds of an EXIF GPS tag as signed decimal degrees."""
    try:
        d, m, s = (float(part) for part in value)  # type: ignore[union-attr]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    return -degrees if str(ref).strip("\x00 ").upper() == negative else degrees


def _gps(exif: Image.Exif) -> tuple[float | None, float | None]:
    """(lat, lon) of EXIF GPS, or (None, None) when absent or out of range."""
    try:
        gps = exif.get_ifd(_GPS_IFD)
    except (KeyError, ValueError, TypeError):
        return None, None
    if not gps:
        return None, None
    lat = _degrees(gps.get(2), gps.get(1), "S")
    lon = _degrees(gps.get(4), gps.get(3), "W")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return round(lat, 7), round(lon, 7)


def file_path(sha256: str) -> Path:
    """Where the file of this content hash is kept (ab/cd/abcd…): never a name a person chose."""
    if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
        raise AttachmentProblem("Mã băm tệp không hợp lệ.")
    return attachments_dir() / sha256[:2] / sha256[2:4] / sha256


def _keep(data: bytes, sha256: str) -> Path:
    """Write the file once (aside, then renamed: a reader never sees half a file; two writers of
    the same content write the same bytes). Readable by this user only."""
    path = file_path(sha256)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, draft = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        os.chmod(draft, 0o600)
        os.replace(draft, path)
    finally:
        Path(draft).unlink(missing_ok=True)
    return path


def read_file(sha256: str) -> bytes:
    """The bytes of a kept file (for a page that has checked the person's rights)."""
    return file_path(sha256).read_bytes()


def count_of(connection: sa.Connection, layer: str, record_id: str) -> int:
    query = sa.select(sa.func.count()).where(
        TABLE.c.layer == layer, TABLE.c.record_id == record_id, TABLE.c.deleted_at.is_(None)
    )
    return int(connection.execute(query).scalar_one())


def add_attachment(
    store: Store,
    connection: sa.Connection,
    layer: str,
    record_id: str,
    data: bytes,
    original_name: str | None,
    author: str,
    private: bool,
    caption: str | None = None,
    is_demo: bool = False,
    seen: Inspected | None = None,
) -> str:
    """Attach a file to a record inside the caller's transaction; returns the attachment's id.
    The file is checked (inspect_image, unless the caller has already inspected these bytes and
    passes what it found as `seen`: an image is decoded once) and kept by its hash once its row
    is written, inside the transaction: a transaction rolled back (or a file that cannot be
    written, which rolls it back) leaves at most an unreferenced file, never a row without its
    file."""
    store.table(layer)  # a stored layer, or StoreError naming the valid ones
    if count_of(connection, layer, record_id) >= MAX_PER_RECORD:
        raise AttachmentProblem(f"Mỗi bản ghi có tối đa {MAX_PER_RECORD} tệp đính kèm.")
    if seen is None or seen.sha256 != hashlib.sha256(data).hexdigest() or seen.size != len(data):
        seen = inspect_image(data, original_name)  # not inspected, or another file's inspection
    attachment_id = str(uuid.uuid4())
    name = (original_name or "").replace("\\", "/").rsplit("/", 1)[-1][:MAX_NAME] or None
    connection.execute(
        TABLE.insert().values(
            id=attachment_id,
            layer=layer,
            record_id=record_id,
            sha256=seen.sha256,
            kind=seen.kind,
            media_type=seen.media_type,
            size=seen.size,
            original_name=name,
            caption=(caption or None) and caption[:1000],
            author=author,
            created_at=datetime.now(UTC),
            taken_at=seen.taken_at,
            gps_lat=seen.gps_lat,
            gps_lon=seen.gps_lon,
            private=private,
            is_demo=is_demo,
            deleted_at=None,
        )
    )
    _keep(data, seen.sha256)  # after the row: `remove_files` of the same content waits for this transaction
    return attachment_id


def attachments_of(store: Store, layer: str, record_id: str, viewer: Viewer) -> list[dict]:
    """The attachments of a record this person may see, oldest first: none unless they may see
    the record; a private attachment (a witness's photo, its GPS) only for those who may see the
    record's witness contacts (layers.access), the same rule as the witness's own fields."""
    if store.record(layer, record_id, viewer) is None:
        return []
    table = store.table(layer)
    with store.engine.connect() as connection:
        raw = connection.execute(sa.select(table).where(table.c.id == record_id)).first()
        rows = connection.execute(
            sa.select(TABLE)
            .where(TABLE.c.layer == layer, TABLE.c.record_id == record_id, TABLE.c.deleted_at.is_(None))
            .order_by(TABLE.c.created_at, TABLE.c.id)
        ).all()
    private_ok = raw is not None and access.sees_contacts(viewer, get_layer(layer), dict(raw._mapping))
    return [dict(row._mapping) for row in rows if private_ok or not row.private]


def attachment_for(store: Store, attachment_id: str, viewer: Viewer) -> dict | None:
    """One attachment's row if this person may see it (the same rule as `attachments_of`: the
    record, and for a private one its witness's contacts), else None: what a page serving the
    file asks before it hands out a single byte."""
    with store.engine.connect() as connection:
        row = connection.execute(
            sa.select(TABLE.c.layer, TABLE.c.record_id).where(TABLE.c.id == attachment_id, TABLE.c.deleted_at.is_(None))
        ).first()
    if row is None or row.layer not in {layer.name for layer in STORED_LAYERS}:
        return None
    return next((a for a in attachments_of(store, row.layer, row.record_id, viewer) if a["id"] == attachment_id), None)


def stored_bytes(connection: sa.Connection, author: str, since: datetime) -> int:
    """The bytes attached by one author (the public page's) since a moment, counted per
    attachment (a file sent twice counts twice: an upper bound of what the folder grew by)."""
    query = sa.select(sa.func.coalesce(sa.func.sum(TABLE.c.size), 0)).where(
        TABLE.c.author == author, TABLE.c.created_at >= since
    )
    return int(connection.execute(query).scalar_one())


def _unreferenced(connection: sa.Connection, hashes: set[str]) -> list[Path]:
    """The files of these hashes that no attachment row (a removed one included) refers to."""
    if not hashes:
        return []
    kept = set(connection.execute(sa.select(TABLE.c.sha256).where(TABLE.c.sha256.in_(sorted(hashes)))).scalars())
    return [file_path(sha256) for sha256 in sorted(hashes - kept)]


def _remove_rows(connection: sa.Connection, condition: sa.ColumnElement[bool]) -> list[Path]:
    hashes = set(connection.execute(sa.select(TABLE.c.sha256).where(condition)).scalars())
    connection.execute(TABLE.delete().where(condition))
    return _unreferenced(connection, hashes)


def remove_for(connection: sa.Connection, layer: str, record_id: str) -> list[Path]:
    """Delete every attachment row of a record (removed ones too) inside the caller's
    transaction, and return the files no other row refers to any more. Nothing is deleted on
    disk here, since a rolled-back transaction cannot bring a file back: call `remove_files` with
    the list once the transaction has committed."""
    return _remove_rows(connection, sa.and_(TABLE.c.layer == layer, TABLE.c.record_id == record_id))


def remove_demo(connection: sa.Connection) -> list[Path]:
    """Delete the demo data's attachment rows inside the caller's transaction, and return the
    files no other row refers to any more (for `remove_files` after the commit)."""
    return _remove_rows(connection, TABLE.c.is_demo.is_(True))


def _lock(connection: sa.Connection) -> None:
    """Wait for every transaction writing attachment rows to end, and hold others back until this
    one does (SQLite: its one writer's lock; PostgreSQL: a table lock inserts wait for)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("LOCK TABLE attachments IN SHARE ROW EXCLUSIVE MODE"))
    else:
        connection.execute(TABLE.update().where(sa.false()).values(sha256=TABLE.c.sha256))


def remove_files(paths: Iterable[Path], engine: sa.Engine | None = None) -> int:
    """Delete the files `remove_for` or `remove_demo` returned, once their transaction has
    committed; returns how many were deleted. Only files of the attachments folder are touched.
    With `engine` (pass it), a file is deleted only while no attachment row refers to it, asked
    under a lock that waits for uploads in progress: an upload of the same content writes its row
    before its file (add_attachment), so it either holds the file back or writes it again."""
    folder = attachments_dir().resolve()
    candidates = {}
    for path in map(Path, paths):
        try:
            if path.resolve() == file_path(path.name).resolve():
                candidates[path.name] = path
        except AttachmentProblem:  # not named by a content hash: not one of ours
            continue
    if not candidates:
        return 0
    if engine is None:
        return _unlink(list(candidates.values()), folder)
    with engine.begin() as connection:
        _lock(connection)
        return _unlink(_unreferenced(connection, set(candidates)), folder)


def _unlink(paths: list[Path], folder: Path) -> int:
    removed = 0
    for path in paths:
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            continue
        for parent in (path.parent, path.parent.parent):  # ab/cd/, then ab/, when left empty
            if parent.resolve() == folder:
                break
            try:
                parent.rmdir()
            except OSError:
                break
    return removed
