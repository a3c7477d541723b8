"""On the command line, the public progress page's exports: `progress export`.

    python -m layers progress export --out DIR [--lang vi|en]

writes the static export of /tien-do (index.html, a page and a PNG card per province, the
national card, Leaflet and the map script) into DIR, the same files /tien-do/xuat.zip holds;
it opens from file:// with no server and no internet. Only what the public page shows is
written (layers.progress reads through the public viewer, whoever runs the command).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from layers.access import Viewer
from layers.campaign import vietnam_today
from layers.cli_options import database
from layers.errors import LayersError
from layers.progress import progress_of
from layers.store import Store


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the command line (parser_class is the command line's own)."""
    progress = sub.add_parser("progress", help="trang tiến độ công khai (/tien-do)")
    steps = progress.add_subparsers(dest="progress_command", required=True, parser_class=type(progress))
    cmd = steps.add_parser("export", help="xuất trang tiến độ thành tệp HTML, ảnh PNG (mở không cần mạng)")
    cmd.add_argument("--out", required=True, metavar="DIR", help="thư mục ghi các tệp")
    cmd.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ của trang (mặc định: vi)")
    database(cmd)


def _write(folder: Path, files: dict[str, bytes]) -> list[str]:
    """Write the files under the folder; one line naming the file when one cannot be written."""
    written = []
    for name, content in files.items():
        target = folder / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        except OSError:
            raise LayersError(f"Không ghi được tệp «{str(target)[:200]}».") from None
        written.append(str(target))
    return written


def _export(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    from ui.progress_page import export_files, picture_for, published_for  # the page's own rendering

    folder = Path(args.out)
    if folder.exists() and not folder.is_dir():
        raise LayersError(f"«{args.out[:200]}» không phải là thư mục.")
    progress = progress_of(store, vietnam_today())
    files = export_files(progress, args.lang, lambda code: published_for(store, code), picture_for(store))
    written = _write(folder, files)
    return {"folder": str(folder), "index": str(folder / "index.html"), "files": written, "lang": args.lang}


def _progress(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    return {"export": _export}[args.progress_command](args, store, viewer)


COMMANDS: dict[str, Callable] = {"progress": _progress}
