"""What the command line's commands share, beside their parsers: the options of a command on the
data, a day argument, writing a result file. Commands kept in modules of their own (layers.cli_*)
take them from here."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from layers.errors import LayersError


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"«{text}» không phải ngày dạng YYYY-MM-DD") from None


def database(cmd: argparse.ArgumentParser) -> None:
    """The options every command on the data takes: which database, and as whom."""
    cmd.add_argument("--db", help="URL cơ sở dữ liệu (mặc định: BANDO_DB_URL, hoặc SQLite trong data/local/)")
    cmd.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        help="làm với quyền của tài khoản này (mặc định: người vận hành máy chủ)",
    )


def write_file(out: str, default_name: str, data: bytes) -> Path:
    """Write to a file, or into a folder under the default name; one-line error if it cannot."""
    target = Path(out)
    if out.endswith(("/", "\\")) and not target.is_dir():
        raise LayersError(f"Không có thư mục «{out}».")
    if target.is_dir():
        target = target / default_name
    elif default_name.endswith(".zip") and not target.name.endswith(".zip"):
        raise LayersError(
            f"Kết quả là nhiều tệp nén trong một tệp zip ({default_name}); hãy cho --out một thư mục "
            "hoặc một tên tệp kết thúc bằng .zip."
        )
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise LayersError(f"Không ghi được tệp «{target}» ({exc.strerror}).") from None
    return target
