"""Files attached to records: photos of a grave, scans of a hand-drawn sketch or a letter, PDFs,
recorded interviews (MP3, M4A, WAV, AMR from phones) and short videos.

A file is kept once per content, named by its SHA-256, in a folder outside the database and
outside static/ (layers.config.attachments_dir): nothing serves that folder, a page hands a
file out only after asking `attachment_for` whether the person may see it. The database holds
one row per attachment (the `attachments` table) with what the file is, as sniffed from its
bytes (never from its name: layers.filekinds), and what a photo's EXIF said: when it was taken
and where (GPS, with the phone's horizontal accuracy when it gave one). That position is offered
as the record's (`use_photo_position`), never taken silently.

Images get a small JPEG thumbnail (`thumbnail`), kept by the original's hash in thumbs/ of the
same folder, made the first time it is asked for; a partner's copy of a picture is re-encoded
without any metadata (`clean_copy`). A file goes to a partner only when a chapter marked it
shareable, which a private attachment (a witness's photo) never is.

The public intake page has its own, stricter door: `inspect_image` (JPEG, PNG, WebP only, at
most MAX_BYTES each, PUBLIC_MAX_FILES per account); signed-in people attach through `attach`.
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

import pandas as pd
import sqlalchemy as sa
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from layers import access, filekinds, history
from layers.access import Viewer
from layers.campaign import VIETNAM
from layers.config import attachments_dir
from layers.errors import LayersError
from layers.filekinds import BY_MEDIA_TYPE, FileKind
from layers.schema import STORED_LAYERS, get_layer
from layers.store import Store
from layers.tables import METADATA

register_heif_opener()  # once, here: every Pillow reader of the app opens iPhones' HEIC photos

MIB = filekinds.MIB
# The public intake page's limits (layers.intake, ui/intake): photos only, a few, small.
MAX_BYTES = 8 * MIB  # one photo sent on the public page; a phone's photo is 2–6 MB
PUBLIC_MAX_FILES = 5  # photos with one account sent on the public page
# A record's limits, whoever attaches (the page's five photos count among them).
MAX_PER_RECORD = 30
MAX_RECORD_BYTES = 300 * MIB
# A scan of an A3 sketch at 300 dpi is about 17 million pixels; decoding is refused well before
# Pillow's own bomb limit (89 million), so a small file claiming huge dimensions costs nothing.
MAX_PIXELS = 40_000_000
# What the public page accepts: Pillow's format → (media type, kind). Nothing else there.
IMAGE_FORMATS = {"JPEG": ("image/jpeg", "image"), "PNG": ("image/png", "image"), "WEBP": ("image/webp", "image")}
MAX_NAME = 200
# A picture given to someone who does not see the record's contacts (a partner's file, the page's
# copy for a partner): re-encoded without its metadata, at most this many pixels on its longest side.
SHARED_IMAGE_SIDE = 1600
THUMB_SIDE = 320  # a thumbnail's longest side, in pixels
PHOTO_UNCERTAINTY_M = 30.0  # a phone's GPS when the photo does not say how good it was
# The layers a file may be attached to: every stored layer with an owner a chapter writes.
ATTACHABLE = tuple(
    layer.name
    for layer in STORED_LAYERS
    if layer.owner is not None and access.write_right(layer) is not access.Right.REFERENCE
)

TABLE = METADATA.tables["attachments"]
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _DATETIME = 36867, 306
_GPS_H_POSITIONING_ERROR = 31
_SNIFF_BYTES = 1024  # what a refused file's message looks at to say what it is


class AttachmentProblem(LayersError):
    """A file that cannot be attached; the message names the file."""


@dataclass(frozen=True)
class Inspected:
    """What a file is, read from its bytes (width and height for pictures only)."""

    sha256: str
    media_type: str
    kind: str
    size: int
    width: int | None
    height: int | None
    taken_at: datetime | None = None
    gps_lat: float | None = None
    gps_lon: float | None = None
    gps_accuracy_m: float | None = None


def _named(name: str | None, fallback: str = "ảnh") -> str:
    return f"«{(name or fallback)[:60]}»"


def _mb(size: int) -> str:
    return f"{size / MIB:.1f}".rstrip("0").rstrip(".")


def _open_image(data: bytes, name: str | None, accepted: Iterable[str], not_image: AttachmentProblem) -> tuple:
    """(Pillow format, width, height, EXIF) of a picture decoded whole, or AttachmentProblem: not
    one of the `accepted` Pillow formats, over MAX_PIXELS, truncated or otherwise undecodable."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in accepted:
                    raise not_image
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise AttachmentProblem(
                        f"Ảnh {_named(name)} quá lớn ({width} × {height} điểm ảnh); hãy chụp hoặc quét nhỏ hơn."
                    )
                exif = image.getexif()
                image.load()  # decodes every pixel: a truncated or corrupt file fails here
                return image.format, width, height, exif
        except AttachmentProblem:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # claims more pixels than Pillow allows
            raise AttachmentProblem(
                f"Ảnh {_named(name)} quá lớn (quá nhiều điểm ảnh); hãy chụp hoặc quét nhỏ hơn."
            ) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, RuntimeError):
            raise not_image from None


def _inspected(data: bytes, media_type: str, kind: str, picture: tuple | None) -> Inspected:
    if picture is None:
        return Inspected(hashlib.sha256(data).hexdigest(), media_type, kind, len(data), None, None)
    _format, width, height, exif = picture
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
        gps_accuracy_m=_accuracy(exif) if lat is not None else None,
    )


def inspect_image(data: bytes, name: str | None = None) -> Inspected:
    """The public page's check: the file's type, size and EXIF, or AttachmentProblem: not JPEG,
    PNG or WebP (whatever its name says), empty, over MAX_BYTES, over MAX_PIXELS, truncated or
    otherwise undecodable."""
    if not data:
        raise AttachmentProblem(f"Tệp {_named(name)} rỗng.")
    if len(data) > MAX_BYTES:
        raise AttachmentProblem(f"Tệp {_named(name)} quá lớn (tối đa {MAX_BYTES // MIB} MB một ảnh).")
    not_image = AttachmentProblem(f"Tệp {_named(name)} không phải ảnh JPEG, PNG hay WebP đọc được.")
    picture = _open_image(data, name, IMAGE_FORMATS, not_image)
    media_type, kind = IMAGE_FORMATS[picture[0]]
    return _inspected(data, media_type, kind, picture)


def _refused(head: bytes, name: str | None) -> AttachmentProblem:
    said = filekinds.refused_as(head)
    what = f"là {said}: không nhận" if said else "không phải loại tệp được nhận"
    return AttachmentProblem(
        f"Tệp {_named(name, 'tệp')} {what}. Chỉ nhận {filekinds.ACCEPTED_VI} "
        "(loại tệp đọc từ nội dung, không theo tên)."
    )


def kind_of(head: bytes, name: str | None = None) -> FileKind:
    """The accepted kind of a file by its first bytes, or AttachmentProblem naming the file and
    saying what it is when it can (an executable, a ZIP, an SVG or HTML page, …)."""
    kind = filekinds.sniff(head)
    if kind is None:
        raise _refused(head[:_SNIFF_BYTES], name)
    return kind


def _check_limit(kind: FileKind | None, size: int, name: str | None) -> None:
    """Refuse an empty file, or one over its kind's limit (the largest kind's when unknown)."""
    if size <= 0:
        raise AttachmentProblem(f"Tệp {_named(name, 'tệp')} rỗng.")
    limit = kind.max_bytes if kind else filekinds.MAX_BYTES
    if size > limit:
        label = kind.label_vi if kind else "tệp"
        raise AttachmentProblem(
            f"Tệp {_named(name, 'tệp')} quá lớn ({_mb(size)} MB; tối đa {limit // MIB} MB cho một {label})."
        )


def check_size(name: str | None, size: int, head: bytes = b"") -> FileKind | None:
    """Refuse a file by its size before it is read whole (the command line asks os.stat, a page
    the upload's size): empty, or over the limit of its kind when its first bytes (`head`) are
    given (then an unaccepted kind is refused too), else over the largest kind's. Returns the
    kind when `head` told it."""
    kind = kind_of(head, name) if head and size > 0 else None
    _check_limit(kind, size, name)
    return kind


def inspect(data: bytes, name: str | None = None) -> Inspected:
    """What a file a signed-in person attaches is, or AttachmentProblem naming it: empty, not an
    accepted kind (layers.filekinds.KINDS, read from its bytes), over its kind's limit; a picture
    that does not decode whole or has too many pixels; a PDF cut short (no %%EOF at its end).
    Recordings and videos are taken as their first bytes say (no decoder runs on them here)."""
    _check_limit(None, len(data), name)
    kind = kind_of(data[:_SNIFF_BYTES], name)
    _check_limit(kind, len(data), name)
    if kind.pillow is not None:
        not_image = AttachmentProblem(
            f"Tệp {_named(name, 'tệp')} không phải {kind.label_vi} đọc được (hỏng, hay tải về chưa hết)."
        )
        return _inspected(data, kind.media_type, kind.kind, _open_image(data, name, {kind.pillow}, not_image))
    if kind.media_type == "application/pdf" and not filekinds.pdf_complete(data):
        raise AttachmentProblem(
            f"Tệp {_named(name, 'tệp')} là PDF nhưng không trọn vẹn (thiếu dấu kết thúc %%EOF): "
            "có thể tải về chưa hết; hãy gửi lại tệp đầy đủ."
        )
    return _inspected(data, kind.media_type, kind.kind, None)


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


def _gps_ifd(exif: Image.Exif) -> dict:
    try:
        return dict(exif.get_ifd(_GPS_IFD) or {})
    except (KeyError, ValueError, TypeError, SyntaxError):
        return {}


def _gps(exif: Image.Exif) -> tuple[float | None, float | None]:
    """(lat, lon) of EXIF GPS, or (None, None) when absent or out of range."""
    gps = _gps_ifd(exif)
    if not gps:
        return None, None
    lat = _degrees(gps.get(2), gps.get(1), "S")
    lon = _degrees(gps.get(4), gps.get(3), "W")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return round(lat, 7), round(lon, 7)


def _accuracy(exif: Image.Exif) -> float | None:
    """EXIF GPSHPositioningError (metres), when the phone wrote a sensible one."""
    try:
        value = float(_gps_ifd(exif).get(_GPS_H_POSITIONING_ERROR))  # type: ignore[arg-type]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return round(value, 1) if 0 < value < 100_000 else None


# -- files on disk -------------------------------------------------------------------------------


def file_path(sha256: str) -> Path:
    """Where the file of this content hash is kept (ab/cd/abcd…): never a name a person chose."""
    if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
        raise AttachmentProblem("Mã băm tệp không hợp lệ.")
    return attachments_dir() / sha256[:2] / sha256[2:4] / sha256


def thumb_path(sha256: str) -> Path:
    """Where the thumbnail of a picture of this content hash is kept (thumbs/<hash>.jpg)."""
    file_path(sha256)  # a content hash, or AttachmentProblem
    return attachments_dir() / "thumbs" / f"{sha256}.jpg"


def _write_aside(path: Path, data: bytes) -> None:
    """Write a file aside, then rename it: a reader never sees half a file; two writers of the
    same content write the same bytes. Readable by this user only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, draft = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        os.chmod(draft, 0o600)
        os.replace(draft, path)
    finally:
        Path(draft).unlink(missing_ok=True)


def _keep(data: bytes, sha256: str) -> Path:
    """Write the file once; a disk that refuses it (full, not writable) is one message, and the
    caller's transaction rolls back with it."""
    path = file_path(sha256)
    try:
        if not path.exists():
            _write_aside(path, data)
    except OSError:
        raise AttachmentProblem(
            "Máy chủ không lưu được tệp đính kèm (thư mục tệp đầy hoặc không ghi được); không có gì được ghi. "
            "Hãy báo người quản trị."
        ) from None
    return path


def read_file(sha256: str) -> bytes:
    """The bytes of a kept file (for a page that has checked the person's rights); a file larger
    than any kind allows is not read (LayersError)."""
    path = file_path(sha256)
    if path.stat().st_size > filekinds.MAX_BYTES:
        raise AttachmentProblem("Tệp đính kèm lớn hơn giới hạn; không đọc.")
    return path.read_bytes()


def _kind(row: dict) -> FileKind | None:
    return BY_MEDIA_TYPE.get(str(row.get("media_type")))


def _picture(row: dict, max_side: int | None, quality: int) -> bytes:
    """A stored picture as a new JPEG: turned upright (EXIF orientation), at most `max_side`
    pixels on its longest side, and no metadata at all (no EXIF, GPS, XMP, ICC, comment): the
    pixels are copied into a fresh image, so nothing of the original's `info` is saved."""
    data = read_file(row["sha256"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise AttachmentProblem("Ảnh quá nhiều điểm ảnh.")
            if max_side is not None:
                image.draft("RGB", (max_side * 2, max_side * 2))  # JPEG: decode at a smaller scale
            upright = ImageOps.exif_transpose(image)
            rgba = upright.convert("RGBA")
    picture = Image.new("RGB", rgba.size, (255, 255, 255))
    picture.paste(rgba, mask=rgba.getchannel("A"))  # transparency on white, as paper
    if max_side is not None:
        picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


# What Pillow raises for a file it cannot decode (a bomb warning is raised as an error in _picture).
_UNDECODABLE = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)


def thumbnail(row: dict) -> bytes | None:
    """A small JPEG of a picture attachment (longest side THUMB_SIDE, upright, without any
    metadata), made the first time it is asked for and kept by the original's hash; None for a
    file that is not a picture, or whose file cannot be read or decoded."""
    kind = _kind(row)
    if kind is None or not kind.thumbnail:
        return None
    path = thumb_path(row["sha256"])
    if path.exists():
        return path.read_bytes()
    try:
        data = _picture(row, THUMB_SIDE, quality=80)
    except (*_UNDECODABLE, LayersError):
        return None
    _write_aside(path, data)
    return data


def clean_copy(row: dict, max_side: int | None = None) -> bytes:
    """What a partner's file may carry of an attachment. A picture: re-encoded as JPEG without
    any metadata (EXIF, GPS, XMP, ICC), upright, at most `max_side` pixels on its longest side
    when given. Any other file: its bytes as stored; a PDF's, a recording's or a video's own
    metadata is not stripped here (out of scope), which is why a partner's file only ever carries
    what a chapter marked shareable. AttachmentProblem when the picture cannot be decoded."""
    kind = _kind(row)
    if kind is None or not kind.thumbnail:
        return read_file(row["sha256"])
    try:
        return _picture(row, max_side, quality=90)
    except _UNDECODABLE:
        raise AttachmentProblem(f"Không đọc được ảnh {_named(row.get('original_name'))}.") from None


# -- rows ------------------------------------------------------------------------------------------


def count_of(connection: sa.Connection, layer: str, record_id: str) -> int:
    query = sa.select(sa.func.count()).where(
        TABLE.c.layer == layer, TABLE.c.record_id == record_id, TABLE.c.deleted_at.is_(None)
    )
    return int(connection.execute(query).scalar_one())


def _bytes_of(connection: sa.Connection, layer: str, record_id: str) -> int:
    query = sa.select(sa.func.coalesce(sa.func.sum(TABLE.c.size), 0)).where(
        TABLE.c.layer == layer, TABLE.c.record_id == record_id, TABLE.c.deleted_at.is_(None)
    )
    return int(connection.execute(query).scalar_one())


def check_room(connection: sa.Connection, layer: str, record_id: str, size: int, name: str | None = None) -> None:
    """Refuse one more file of `size` bytes on a record that has MAX_PER_RECORD files already, or
    whose files would pass MAX_RECORD_BYTES with it (asked before the file is read, and again
    inside the transaction that writes it)."""
    count = count_of(connection, layer, record_id)
    if count >= MAX_PER_RECORD:
        raise AttachmentProblem(
            f"Bản ghi này đã có {count} tệp đính kèm (tối đa {MAX_PER_RECORD}); không thêm được {_named(name, 'tệp')}."
        )
    used = _bytes_of(connection, layer, record_id)
    if used + size > MAX_RECORD_BYTES:
        raise AttachmentProblem(
            f"Các tệp đính kèm của bản ghi này đã chiếm {_mb(used)} MB; thêm {_named(name, 'tệp')} "
            f"({_mb(size)} MB) sẽ quá {MAX_RECORD_BYTES // MIB} MB một bản ghi."
        )


def _attachable(layer: str) -> sa.Table:
    table = Store.table(layer)  # a stored layer, or StoreError naming the valid ones
    if layer not in ATTACHABLE:
        raise AttachmentProblem(f"Lớp «{layer[:60]}» không nhận tệp đính kèm; chọn một trong: {', '.join(ATTACHABLE)}.")
    return table


def _record_row(connection: sa.Connection, layer: str, record_id: str) -> dict:
    """The stored record a file is attached to (all its fields), or AttachmentProblem."""
    table = _attachable(layer)
    row = connection.execute(sa.select(table).where(table.c.id == record_id)).first()
    if row is None or row.deleted_at is not None:
        raise AttachmentProblem(f"Không có bản ghi «{record_id[:60]}» trong lớp «{get_layer(layer).label_vi}».")
    return dict(row._mapping)


def _said(kind: str, name: str | None, private: bool, attachment_id: str) -> str:
    """An attachment as its history row names it: a private one without its file's name (the
    name a witness's phone gave it may be theirs)."""
    label = filekinds.KIND_LABELS.get(kind, ("Tệp", "File"))[0]
    shown = "" if private or not name else f" «{name[:80]}»"
    return f"{label}{shown} ({attachment_id[:8]})"


def _never_shared(name: str | None) -> AttachmentProblem:
    return AttachmentProblem(
        f"Tệp {_named(name, 'tệp')} là tệp riêng (của nhân chứng): không được đánh dấu chia sẻ cho đối tác."
    )


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
    shareable: bool = False,
) -> str:
    """Attach a file to a record inside the caller's transaction; returns the attachment's id.
    No rights are asked here (`attach` asks them). The file is checked (`inspect`, unless the
    caller has already inspected these bytes and passes what it found as `seen`: an image is
    decoded once), the record's room asked (check_room), its row and a history row ("attach",
    at the record's current version) written, and the file kept by its hash once its row is
    written, inside the transaction: a transaction rolled back (or a file that cannot be
    written, which rolls it back) leaves at most an unreferenced file, never a row without its
    file. A private attachment is never shareable (AttachmentProblem)."""
    record = _record_row(connection, layer, record_id)
    if private and shareable:
        raise _never_shared(original_name)
    check_room(connection, layer, record_id, len(data), original_name)
    if seen is None or seen.sha256 != hashlib.sha256(data).hexdigest() or seen.size != len(data):
        seen = inspect(data, original_name)  # not inspected, or another file's inspection
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
            taken_at=seen.taken_at and seen.taken_at.astimezone(UTC),  # SQLite keeps no zone: UTC, as every time
            gps_lat=seen.gps_lat,
            gps_lon=seen.gps_lon,
            gps_accuracy_m=seen.gps_accuracy_m,
            private=private,
            shareable=shareable,
            is_demo=is_demo,
            deleted_at=None,
        )
    )
    said = _said(seen.kind, name, private, attachment_id)
    history.write(
        connection,
        layer,
        record_id,
        record.get("version"),
        "attach",
        author,
        {"attachment": [None, said]},
        is_demo=bool(record.get("is_demo")),
    )
    _keep(data, seen.sha256)  # after the row: `remove_files` of the same content waits for this transaction
    return attachment_id


def _writable(store: Store, layer: str, record_id: str, viewer: Viewer) -> dict:
    """The record as this person may see it, if they may change it (else LayersError)."""
    _attachable(layer)
    record = store.record(layer, record_id, viewer)
    if record is None:
        raise AttachmentProblem(f"Không có bản ghi «{record_id[:60]}» trong lớp «{get_layer(layer).label_vi}».")
    store.check_write(layer, record, viewer)
    return record


def attach(
    store: Store,
    layer: str,
    record_id: str,
    data: bytes,
    original_name: str | None,
    viewer: Viewer,
    caption: str | None = None,
    private: bool = False,
    shareable: bool = False,
) -> str:
    """Attach a file to a record this person may change, in a transaction of its own; returns
    the attachment's id. Refused (LayersError, nothing written) for a record they may not see
    or change, a private file marked shareable, a file `inspect` refuses, a full record."""
    record = _writable(store, layer, record_id, viewer)
    with store.engine.begin() as connection:
        return add_attachment(
            store,
            connection,
            layer,
            record_id,
            data,
            original_name,
            viewer.username,
            private,
            caption=caption,
            is_demo=bool(record.get("is_demo")),
            shareable=shareable,
        )


EXIF_COLUMNS = ("taken_at", "gps_lat", "gps_lon", "gps_accuracy_m")


def _row(row: sa.Row, exif: bool) -> dict:
    """An attachment's row with its times zoned (SQLite gives them back without): taken_at in
    Vietnam's time, as the camera said it, the others in UTC. Without `exif` (a person who does
    not see the record's witness contacts) what the camera recorded is left out: where a photo
    was taken may be the witness's house."""
    out = dict(row._mapping)
    if not exif:
        out.update(dict.fromkeys(EXIF_COLUMNS))
    for name in ("created_at", "deleted_at", "taken_at"):
        out[name] = history.aware(out[name])
    if out["taken_at"] is not None:
        out["taken_at"] = out["taken_at"].astimezone(VIETNAM)
    return out


def _sees(viewer: Viewer, row: sa.Row, contacts_seen: bool) -> bool:
    """layers.access.sees_file for a stored attachment: a picture can be given without its
    metadata (clean_copy), other kinds cannot."""
    kind = filekinds.BY_MEDIA_TYPE.get(row.media_type)
    cleanable = kind is not None and kind.pillow is not None
    return access.sees_file(viewer, row.private, row.shareable, contacts_seen, cleanable)


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
    return [_row(row, private_ok) for row in rows if _sees(viewer, row, private_ok)]


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


_BULK_IDS = 1000  # up to this many records, an export asks for their attachments by id


def attachments_in(store: Store, layer: str, frame: pd.DataFrame, viewer: Viewer) -> dict[str, list[dict]]:
    """The attachments of the records of a frame already cut for this person (Store.frame), by
    record id, oldest first: the rule of `attachments_of` for all of them in one query (a
    private attachment only on the rows whose contacts they may see)."""
    if layer not in ATTACHABLE or frame.empty or "id" not in frame:
        return {}
    ids = frame["id"].astype(str)
    private_ok = set(ids[access.contacts_mask(viewer, get_layer(layer), frame)])
    wanted = set(ids)
    query = sa.select(TABLE).where(TABLE.c.layer == layer, TABLE.c.deleted_at.is_(None))
    if len(wanted) <= _BULK_IDS:
        query = query.where(TABLE.c.record_id.in_(sorted(wanted)))
    out: dict[str, list[dict]] = {}
    with store.engine.connect() as connection:
        for row in connection.execute(query.order_by(TABLE.c.created_at, TABLE.c.id)):
            if row.record_id in wanted and _sees(viewer, row, row.record_id in private_ok):
                out.setdefault(row.record_id, []).append(_row(row, row.record_id in private_ok))
    return out


def _held(store: Store, attachment_id: str, viewer: Viewer) -> dict:
    """An attachment this person may see, or AttachmentProblem (no word on whether it exists)."""
    row = attachment_for(store, attachment_id, viewer)
    if row is None:
        raise AttachmentProblem(f"Không có tệp đính kèm «{attachment_id[:60]}» (hoặc bạn không được xem).")
    return row


def _change(
    store: Store, row: dict, viewer: Viewer, values: dict, action: str, changes: dict, reason: str | None = None
) -> None:
    """Write new values on an attachment of a record this person may change, with its history
    row, in one transaction; refused when someone removed it meanwhile."""
    with store.engine.begin() as connection:
        record = _record_row(connection, row["layer"], row["record_id"])
        store.check_write(row["layer"], record, viewer, connection)
        result = connection.execute(
            TABLE.update().where(TABLE.c.id == row["id"], TABLE.c.deleted_at.is_(None)).values(**values)
        )
        if result.rowcount != 1:
            raise AttachmentProblem("Tệp đính kèm này vừa được người khác gỡ; hãy tải lại.")
        history.write(
            connection,
            row["layer"],
            row["record_id"],
            record.get("version"),
            action,
            viewer.username,
            changes,
            reason=reason,
            is_demo=bool(record.get("is_demo")),
        )


def remove_attachment(store: Store, attachment_id: str, viewer: Viewer, reason: str) -> None:
    """Remove an attachment (soft: its row is marked deleted, its file kept until the record is
    purged), by a person who may change its record, with a reason; history "detach"."""
    if not (reason or "").strip():
        raise AttachmentProblem("Cần ghi lý do gỡ tệp đính kèm.")
    row = _held(store, attachment_id, viewer)
    said = _said(row["kind"], row.get("original_name"), bool(row["private"]), row["id"])
    values = {"deleted_at": datetime.now(UTC)}
    _change(store, row, viewer, values, "detach", {"attachment": [said, None]}, reason.strip()[:1000])


def set_sharing(store: Store, attachment_id: str, shareable: bool, viewer: Viewer) -> None:
    """Mark an attachment as one that may go to partner units, or take the mark off, by a person
    who may change its record (history "update"). A private attachment never may."""
    row = _held(store, attachment_id, viewer)
    if shareable and row["private"]:
        raise _never_shared(row.get("original_name"))
    if bool(row["shareable"]) == shareable:
        return
    said = _said(row["kind"], row.get("original_name"), bool(row["private"]), row["id"])
    changes = {"attachment_shareable": [bool(row["shareable"]), shareable], "attachment": [said, said]}
    _change(store, row, viewer, {"shareable": shareable}, "update", changes)


# -- a photo's position as the record's -----------------------------------------------------------


def photo_position(row: dict) -> tuple[float, float, float | None] | None:
    """(lat, lon, accuracy in metres or None) of a photo's EXIF GPS, in WGS84 decimal degrees,
    or None when the photo gave no position. What a page offers as the record's position."""
    lat, lon = row.get("gps_lat"), row.get("gps_lon")
    if lat is None or lon is None or pd.isna(lat) or pd.isna(lon):
        return None
    accuracy = row.get("gps_accuracy_m")
    return float(lat), float(lon), None if accuracy is None or pd.isna(accuracy) else float(accuracy)


def _takes_coordinates(layer: str) -> bool:
    """A layer whose form has a typed coordinate (reports): the one a photo's GPS can be."""
    form = get_layer(layer).form or ()
    return any("coord_text" in group.fields for group in form)


def use_photo_position(
    store: Store, layer_name: str, record_id: str, attachment_id: str, version: int, viewer: Viewer
) -> int:
    """Make a photo's GPS the record's position, as the person chose (never done silently), if
    nobody changed the record since `version`; returns the new version. The record is edited as
    any edit is (layers.records.edit_report: rights, the coordinate read again, a history row):
    coord_text "lat, lon" in WGS84 decimal degrees, coord_datum wgs84, and uncertainty_m the
    phone's accuracy, or PHOTO_UNCERTAINTY_M (30 m) when the photo gave none. Refused with a
    clear message for a layer without a typed coordinate, an attachment of another record, or
    a photo without GPS."""
    from layers.records import edit_report  # records reads through the store, as this module does

    if not _takes_coordinates(layer_name):
        raise AttachmentProblem(
            f"Lớp «{get_layer(layer_name).label_vi}» không có tọa độ ghi tay để lấy từ ảnh; chỉ tin báo có."
        )
    row = _held(store, attachment_id, viewer)
    if row["layer"] != layer_name or row["record_id"] != record_id:
        raise AttachmentProblem("Tệp đính kèm này không thuộc bản ghi đang sửa.")
    position = photo_position(row)
    if position is None:
        raise AttachmentProblem(f"Ảnh {_named(row.get('original_name'))} không có tọa độ GPS.")
    lat, lon, accuracy = position
    changes = {
        "coord_text": f"{lat:.7f}, {lon:.7f}",
        "coord_datum": "wgs84",
        "uncertainty_m": str(accuracy if accuracy is not None else PHOTO_UNCERTAINTY_M),
    }
    return edit_report(store, record_id, changes, version, viewer)


# -- removing for good ------------------------------------------------------------------------------


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
        thumb_path(path.name).unlink(missing_ok=True)  # a picture's thumbnail goes with it
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


# -- the public mark (layers.stories) -------------------------------------------------------------

PUBLIC_LAYER = "trips"  # only a trip's photos and videos go out on the public pages
PUBLIC_KINDS = ("image", "video")
PUBLIC_COLUMNS = ("id", "layer", "record_id", "sha256", "kind", "media_type", "caption", "created_at")
CONSENT_NEEDED = "Cần xác nhận đã được sự đồng ý của những người có trong ảnh/video."


def public_rows(store: Store, trip_ids: Iterable[str], attachment_id: str | None = None) -> list[dict]:
    """The attachments the public pages show of these trips (those access.public() sees: the
    caller reads them through Store.frame), oldest first: marked public, never private, not
    removed, a photo or a video. Only PUBLIC_COLUMNS: no EXIF, no original name, no author."""
    wanted = set(map(str, trip_ids))
    if not wanted:
        return []
    query = (
        sa.select(*(TABLE.c[name] for name in PUBLIC_COLUMNS))
        .where(
            TABLE.c.public.is_(True),
            TABLE.c.private.is_(False),
            TABLE.c.deleted_at.is_(None),
            TABLE.c.layer == PUBLIC_LAYER,
            TABLE.c.kind.in_(PUBLIC_KINDS),
        )
        .order_by(TABLE.c.created_at, TABLE.c.id)
    )
    if attachment_id is not None:
        query = query.where(TABLE.c.id == attachment_id)
    elif len(wanted) <= _BULK_IDS:
        query = query.where(TABLE.c.record_id.in_(sorted(wanted)))
    with store.engine.connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(query)]
    return [row for row in rows if row["record_id"] in wanted]


def public_copy_path(sha256: str, variant: str) -> Path:
    """Where the public copy of a file of this content hash is kept (public/<hash>.<variant>):
    made once, without any metadata (layers.stories.public_file)."""
    file_path(sha256)  # a content hash, or AttachmentProblem
    if variant not in {"image.jpg", "still.jpg", "video.mp4"}:
        raise AttachmentProblem("Loại bản công khai không hợp lệ.")
    return attachments_dir() / "public" / f"{sha256}.{variant}"


def keep_public_copy(path: Path, data: bytes) -> None:
    """Write a public copy aside then rename it: a reader never sees half a file."""
    _write_aside(path, data)


def set_public(store: Store, attachment_id: str, public: bool, viewer: Viewer, consent: bool = False) -> None:
    """Mark a trip's photo or video as one the public progress page shows, or take the mark off,
    by a person with the right to publish who may change the trip (history "update", naming the
    mark). Making it public needs `consent`: the people visible agreed. A private attachment (a
    witness's), another layer's, a recording or a document never is."""
    viewer.require(access.Right.PUBLISH, "công bố ảnh/video lên trang tiến độ công khai")
    row = _held(store, attachment_id, viewer)
    if public:
        if row["layer"] != PUBLIC_LAYER or row["kind"] not in PUBLIC_KINDS:
            raise AttachmentProblem("Chỉ ảnh và video của một chuyến tìm kiếm mới được công bố công khai.")
        if row["private"]:
            raise AttachmentProblem(
                f"Tệp {_named(row.get('original_name'), 'tệp')} là tệp riêng (của nhân chứng): không bao giờ công khai."
            )
        if not consent:
            raise AttachmentProblem(CONSENT_NEEDED)
    if bool(row.get("public")) == public:
        return
    said = _said(row["kind"], row.get("original_name"), bool(row["private"]), row["id"])
    changes = {"attachment_public": [bool(row.get("public")), public], "attachment": [said, said]}
    _change(store, row, viewer, {"public": public}, "update", changes)
