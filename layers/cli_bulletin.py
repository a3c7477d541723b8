"""The monthly bulletin (Bản tin) on the command line:

    python -m layers bulletin --month 2027-01 --out FILE.pdf [--png] [--lang vi|en] [--as USER]

Writes the bulletin's PDF (layers.exporters.bulletin), and with --png each page beside it as
FILE-1.png, FILE-2.png …; prints the files written as JSON. The bulletin is read through the
public viewer (it is published), but making it is the work of those who may make campaign
reports (Right.CAMPAIGN_REPORTS; the server's operator without --as). The month is checked
before anything is read or written, so a wrong --month writes no file.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from layers.access import Right, Viewer
from layers.bulletin import bulletin_of, filename, month_period
from layers.campaign import vietnam_today
from layers.cli_options import database, write_file
from layers.errors import LayersError
from layers.exporters.bulletin import bulletin_pdf, bulletin_pngs, page_count
from layers.store import Store


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the command line (parser_class is the command line's own)."""
    cmd = sub.add_parser("bulletin", help="bản tin tháng (PDF, và ảnh PNG từng trang)")
    cmd.add_argument("--month", required=True, help="tháng của bản tin, dạng 2027-01")
    cmd.add_argument("--out", required=True, help="tệp PDF hoặc thư mục")
    cmd.add_argument("--png", action="store_true", help="ghi thêm mỗi trang một ảnh PNG: TỆP-1.png, TỆP-2.png …")
    cmd.add_argument("--lang", choices=["vi", "en"], default="vi")
    database(cmd)


def png_paths(pdf: Path, pages: int) -> list[Path]:
    """Where the pages' pictures go: beside the PDF, FILE-1.png, FILE-2.png …"""
    return [pdf.with_name(f"{pdf.stem}-{n}.png") for n in range(1, pages + 1)]


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise LayersError(f"Không ghi được tệp «{path}» ({exc.strerror}).") from None


def _bulletin(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    today = vietnam_today()
    month = month_period(args.month, today)
    viewer.require(Right.CAMPAIGN_REPORTS, "làm bản tin tháng")
    bulletin = bulletin_of(store, month, today, args.lang)
    data = bulletin_pdf(bulletin, args.lang)
    pictures = bulletin_pngs(data) if args.png else []
    target = write_file(args.out, filename(month), data)
    paths = png_paths(target, len(pictures))
    for path, picture in zip(paths, pictures, strict=True):
        _write(path, picture)
    pages = len(pictures) if args.png else page_count(data)
    return {"out": str(target), "pages": pages, "pngs": [str(p) for p in paths]}


COMMANDS: dict[str, Callable] = {"bulletin": _bulletin}
