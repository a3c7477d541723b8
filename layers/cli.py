"""`python -m layers`: the same jobs as the app, without the UI. JSON on stdout."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sqlalchemy.engine import make_url

from geo.output import write_json
from layers.errors import LayersError
from layers.seed import DEFAULT_DEMO_REPORTS, DEFAULT_DEMO_SEED, load_demo, seed_reference
from layers.stats import stats
from layers.store import Store, database_url


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as every other error
        raise LayersError(f"Lệnh không hợp lệ: {message}")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("phải là số nguyên dương")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m layers", description="Bản đồ Đi tìm đồng đội: dữ liệu")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, text in (
        ("init", "tạo/cập nhật cơ sở dữ liệu và nạp lớp tham chiếu"),
        ("demo", "tạo dữ liệu mẫu (thay dữ liệu mẫu cũ)"),
        ("stats", "thống kê số bản ghi"),
    ):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("--db", help="URL cơ sở dữ liệu (mặc định: SQLite trong data/local/)")
        if name == "demo":
            cmd.add_argument("--reports", type=_positive, default=DEFAULT_DEMO_REPORTS)
            cmd.add_argument("--seed", type=int, default=DEFAULT_DEMO_SEED)
    return parser


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def run(argv: Sequence[str]) -> dict:
    args = _parser().parse_args(argv)
    store = Store.open(args.db)
    if args.command == "init":
        added = seed_reference(store)
        return {"database": _safe_url(database_url(args.db)), "revision": store.revision(), "added": added}
    if args.command == "demo":
        seed_reference(store)
        return {"added": load_demo(store, args.reports, args.seed), "seed": args.seed}
    return stats(store)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        result = run(sys.argv[1:] if argv is None else argv)
    except LayersError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the user gets one line, never a traceback
        print(f"Lỗi không mong đợi ({type(exc).__name__}); dữ liệu không bị thay đổi.", file=sys.stderr)
        return 2
    return write_json(result)
