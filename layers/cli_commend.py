"""On the command line, commendations (biểu dương) and the names people agreed to show:

    python -m layers commend list --period 6m|1y|final|YYYY-MM-DD:YYYY-MM-DD --as USER
    python -m layers commend note KIND ID --period P --text T --as USER
    python -m layers commend publish KIND ID --period P --as USER
    python -m layers commend unpublish KIND ID --period P --as USER
    python -m layers commend public-name USERNAME (--name NAME | --clear) --as USER

KIND is "chapter" (ID: the chapter's id) or "team" (ID: the team account's username). `list`
prints one JSON object a line (rank, kind, id, name, public_name, figures, note, published), the
chapters then the teams, each ranked (layers.commendations says how).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import date

from layers import commendations
from layers.access import Viewer
from layers.campaign import PERIODS, Period, custom_period
from layers.cli_options import database
from layers.errors import LayersError
from layers.store import Store
from layers.users import set_public_name

PERIOD_HELP = "kỳ: 6m, 1y, final, hoặc YYYY-MM-DD:YYYY-MM-DD"


def parse_period(text: str) -> Period:
    """A campaign report's period by its key, or a range of days "YYYY-MM-DD:YYYY-MM-DD"."""
    for period in PERIODS:
        if text == period.key:
            return period
    parts = text.split(":")
    try:
        start, end = (date.fromisoformat(part.strip()) for part in parts) if len(parts) == 2 else (None, None)
    except ValueError:
        start = end = None
    if start is None or end is None:
        raise LayersError(f"--period phải là 6m, 1y, final hoặc YYYY-MM-DD:YYYY-MM-DD, không phải «{text[:50]}».")
    return custom_period(start, end)


def _subject(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("kind", choices=commendations.KINDS, metavar="KIND", help="chapter hoặc team")
    cmd.add_argument("subject_id", metavar="ID", help="mã Hội, hoặc tên đăng nhập của đội")
    cmd.add_argument("--period", required=True, help=PERIOD_HELP)
    database(cmd)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the command line (parser_class is the command line's own)."""
    commend = sub.add_parser("commend", help="biểu dương các Hội, đội tìm kiếm theo kỳ (Trung ương Hội)")
    steps = commend.add_subparsers(dest="commend_command", required=True, parser_class=type(commend))
    cmd = steps.add_parser("list", help="danh sách xếp hạng của kỳ, với số liệu và ghi nhận")
    cmd.add_argument("--period", required=True, help=PERIOD_HELP)
    database(cmd)
    cmd = steps.add_parser("note", help="ghi nhận của Trung ương Hội cho một dòng")
    _subject(cmd)
    cmd.add_argument("--text", required=True, help="lời ghi nhận (rỗng: xóa)")
    _subject(steps.add_parser("publish", help="công bố một dòng trên trang công khai"))
    _subject(steps.add_parser("unpublish", help="thôi công bố một dòng"))
    cmd = steps.add_parser("public-name", help="tên công khai người của tài khoản đã đồng ý")
    cmd.add_argument("username", metavar="USERNAME")
    which = cmd.add_mutually_exclusive_group(required=True)
    which.add_argument("--name", help="tên được phép hiện công khai")
    which.add_argument("--clear", action="store_true", help="không hiện tên nữa")
    database(cmd)


def _line(line: commendations.CommendationLine) -> dict:
    return {
        "rank": line.rank,
        "kind": line.kind,
        "id": line.id,
        "name": line.name,
        "public_name": line.public_name,
        "figures": line.figures,
        "note": line.note,
        "published": line.published,
    }


def _list(args: argparse.Namespace, store: Store, viewer: Viewer) -> str:
    lines = commendations.ranked(store, viewer, parse_period(args.period))
    return "".join(json.dumps(_line(line), ensure_ascii=False) + "\n" for line in lines)


def _note(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    period = parse_period(args.period)
    version = commendations.note(store, viewer, period, args.kind, args.subject_id, args.text)
    return {
        "kind": args.kind,
        "id": args.subject_id,
        "period": [str(period.start), str(period.end)],
        "version": version,
    }


def _publishing(published: bool) -> Callable:
    def mark(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
        period = parse_period(args.period)
        version = commendations.set_published(store, viewer, period, args.kind, args.subject_id, published)
        return {
            "kind": args.kind,
            "id": args.subject_id,
            "period": [str(period.start), str(period.end)],
            "published": published,
            "version": version,
        }

    return mark


def _public_name(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    name = set_public_name(store, args.username, None if args.clear else args.name, viewer)
    return {"username": args.username, "public_name": name}


_STEPS = {
    "list": _list,
    "note": _note,
    "publish": _publishing(True),
    "unpublish": _publishing(False),
    "public-name": _public_name,
}


def _commend(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict | str:
    return _STEPS[args.commend_command](args, store, viewer)


COMMANDS: dict[str, Callable] = {"commend": _commend}
