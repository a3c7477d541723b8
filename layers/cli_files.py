"""Attachments on the command line: `attach LAYER ID FILE`, `attachments LAYER ID`.

    python -m layers attach reports ID so-do.jpg --caption "Sơ đồ ông Ba vẽ" --as qt.tinh
    python -m layers attachments reports ID --as qt.tinh

The file's kind is read from its bytes, and its size asked of the file system before it is read
(layers.attachments.check_size): a file too large for its kind is refused without reading it.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from layers import attachments, filekinds
from layers.access import Viewer
from layers.cli_options import database
from layers.errors import LayersError
from layers.store import Store

# What `attachments` lists of each attachment (never its hash: the file is not named outside).
LISTED = (
    "id",
    "kind",
    "media_type",
    "size",
    "original_name",
    "caption",
    "author",
    "created_at",
    "taken_at",
    "gps_lat",
    "gps_lon",
    "gps_accuracy_m",
    "private",
    "shareable",
)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the command line (parser_class is the command line's own)."""
    layers = ", ".join(attachments.ATTACHABLE)
    attach = sub.add_parser(
        "attach",
        help="đính kèm một tệp (ảnh, PDF, ghi âm, video) vào một bản ghi; in tệp đã nhận (JSON)",
    )
    attach.add_argument("layer", metavar="LAYER", help=f"lớp của bản ghi: {layers}")
    attach.add_argument("record_id", metavar="ID")
    attach.add_argument("file", metavar="FILE", help=f"nhận: {filekinds.ACCEPTED_VI}")
    attach.add_argument("--caption", metavar="TEXT", help="chú thích")
    attach.add_argument(
        "--private", action="store_true", help="tệp riêng (như liên hệ nhân chứng): chỉ ai xem được liên hệ mới thấy"
    )
    attach.add_argument("--shareable", action="store_true", help="được gửi kèm trong tệp cho đối tác (không kèm EXIF)")
    database(attach)
    listed = sub.add_parser("attachments", help="các tệp đính kèm của một bản ghi mà bạn được xem (JSON)")
    listed.add_argument("layer", metavar="LAYER", help=f"lớp của bản ghi: {layers}")
    listed.add_argument("record_id", metavar="ID")
    database(listed)


def _read(path: Path) -> bytes:
    """The file's bytes, refused by its size and first bytes before it is read whole."""
    try:
        if not path.is_file():  # not a device or a pipe either, which would never end
            said = "là một thư mục, không phải tệp" if path.is_dir() else "không có, hoặc không phải một tệp"
            raise LayersError(f"«{path}» {said}.")
        with path.open("rb") as source:
            size = os.fstat(source.fileno()).st_size
            head = source.read(1024)
            kind = attachments.check_size(path.name, size, head)
            limit = kind.max_bytes if kind else filekinds.MAX_BYTES
            data = head + source.read(limit + 1 - len(head))  # bounded: a file growing meanwhile
    except OSError as exc:
        raise LayersError(f"Không đọc được tệp «{path}» ({exc.strerror}).") from None
    return data


def _shown(row: dict) -> dict:
    return {name: value.isoformat() if isinstance(value, datetime) else value for name, value in row.items()}


def _attach(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    path = Path(args.file)
    data = _read(path)
    attachment_id = attachments.attach(
        store,
        args.layer,
        args.record_id,
        data,
        path.name,
        viewer,
        caption=args.caption,
        private=args.private,
        shareable=args.shareable,
    )
    row = attachments.attachment_for(store, attachment_id, viewer) or {}
    gps = attachments.photo_position(row)
    said = {name: row.get(name) for name in LISTED}
    return _shown({**said, "gps": None if gps is None else [gps[0], gps[1]]})


def _attachments(args: argparse.Namespace, store: Store, viewer: Viewer) -> list[dict]:
    store.table(args.layer)  # a stored layer, or the message naming them
    if store.record(args.layer, args.record_id, viewer) is None:
        raise LayersError(f"Không có bản ghi «{args.record_id[:60]}» trong lớp «{args.layer}» mà bạn được xem.")
    rows = attachments.attachments_of(store, args.layer, args.record_id, viewer)
    return [_shown({name: row.get(name) for name in LISTED}) for row in rows]


COMMANDS: dict[str, Callable] = {"attach": _attach, "attachments": _attachments}
