"""What a team brings back from a trip, on the command line: `results import|list|confirm|reject`.

    python -m layers results import TRIP_ID FILE [FILE …] --as USER
    python -m layers results list TRIP_ID --as USER
    python -m layers results confirm OBS_ID [OBS_ID …] [--note TEXT] --as USER
    python -m layers results reject OBS_ID [OBS_ID …] --note TEXT --as USER

Every file's size is asked of the file system, and all of them checked together
(layers.importers.field_results.check_files: each within its limit, all within the import's
budget), before the first is read.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from layers import field_results, history
from layers.access import Viewer
from layers.campaign import VIETNAM
from layers.cli_options import database
from layers.errors import LayersError
from layers.importers.field_results import check_files, import_results
from layers.labels import blank
from layers.store import Store


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the command line (parser_class is the command line's own)."""
    results = sub.add_parser("results", help="kết quả một chuyến tìm kiếm mang về (QField, GPX, ảnh)")
    steps = results.add_subparsers(dest="results_command", required=True, parser_class=type(results))
    cmd = steps.add_parser("import", help="nhập GeoPackage/zip QField, GPX, ảnh của một chuyến")
    cmd.add_argument("trip_id", metavar="TRIP_ID")
    cmd.add_argument("files", metavar="FILE", nargs="+")
    database(cmd)
    cmd = steps.add_parser("list", help="các kết quả chờ Hội xác nhận của một chuyến")
    cmd.add_argument("trip_id", metavar="TRIP_ID")
    database(cmd)
    cmd = steps.add_parser("confirm", help="Hội xác nhận kết quả (điểm mộ và chuyến chuyển bước)")
    cmd.add_argument("ids", metavar="OBS_ID", nargs="+")
    cmd.add_argument("--note", help="ghi chú khi xác nhận")
    database(cmd)
    cmd = steps.add_parser("reject", help="Hội không nhận kết quả (cần lý do)")
    cmd.add_argument("ids", metavar="OBS_ID", nargs="+")
    cmd.add_argument("--note", required=True, help="lý do không nhận")
    database(cmd)


def _size(name: str) -> int:
    try:
        return Path(name).stat().st_size
    except OSError:
        raise LayersError(f"Không đọc được tệp «{name[:200]}».") from None


def _read(name: str) -> tuple[str, bytes]:
    try:
        return Path(name).name, Path(name).read_bytes()
    except OSError:
        raise LayersError(f"Không đọc được tệp «{name[:200]}».") from None


def _import(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    """Every file's size is asked first, and all of them checked together (each within its limit,
    all within the import's budget) before the first is read."""
    check_files([(Path(name).name, _size(name)) for name in args.files])
    files = [_read(name) for name in args.files]
    return import_results(store, args.trip_id, files, viewer).summary()


def _value(value: object) -> object:
    if blank(value):
        return None
    if isinstance(value, pd.Timestamp):  # stored in UTC (SQLite keeps no zone): said in Vietnam's time
        return history.aware(value.to_pydatetime()).astimezone(VIETNAM).isoformat()
    return value.item() if hasattr(value, "item") else value


COLUMNS = ("id", "site_id", "site_name", "finding", "remains_count", "note", "photo", "observed_at", "status")


def _list(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    frame = field_results.proposals(store, viewer, args.trip_id)
    rows = [{name: _value(row.get(name)) for name in COLUMNS} for row in frame.to_dict("records")]
    return {"trip_id": args.trip_id, "proposals": rows}


def _confirm(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    trips = field_results.confirm(store, args.ids, viewer, args.note)
    outcomes = {t: (store.record("trips", t, viewer) or {}).get("outcome") for t in trips}
    return {"confirmed": len(set(args.ids)), "trips": outcomes}


def _reject(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    return {"rejected": field_results.reject(store, args.ids, viewer, args.note)}


_STEPS = {"import": _import, "list": _list, "confirm": _confirm, "reject": _reject}


def _results(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    return _STEPS[args.results_command](args, store, viewer)


COMMANDS: dict[str, Callable] = {"results": _results}
