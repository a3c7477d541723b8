"""Planning a search trip on the command line: `plan`.

python -m layers plan --sites ID,ID,… --start "16.95, 107.05" --out DIR --as USER
python -m layers plan --reports ID,ID,… --start "16.95, 107.05" --out DIR --as USER
    [--order shortest|given] [--trip ID] [--audience team|partner] [--lang vi|en] [--raster FILE.tif …]

Everything is made in memory and in a scratch folder beside DIR first; only when every file is
made are they moved into DIR, and with --trip inside the transaction that saves the route on the
trip (which plans its sites), so a bad start, an unknown id, a site without a position or one not
ready to plan, or a trip the person may not change writes nothing: neither files nor route. The
right to change the trip is asked before any file is made. Where the stops span too wide an area
for offline maps, the route files and the QField package are written and "notes" says why the
maps were left out (also on stderr).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from layers.access import Viewer
from layers.campaign import vietnam_today
from layers.cli_options import database
from layers.errors import LayersError
from layers.plan_files import chosen_scans, write_plan_files
from layers.planning import ORDERS, make_plan, plan_selection, plan_stops, read_start, save_plan
from layers.store import Store
from layers.trips import check_route_change


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the command line (parser_class is the command line's own)."""
    cmd = sub.add_parser("plan", help="lập lộ trình chuyến tìm kiếm: GPX, KMZ, phiếu PDF, bản đồ ngoại tuyến")
    chosen = cmd.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--sites", help="mã điểm mộ, cách nhau bởi dấu phẩy")
    chosen.add_argument("--reports", help="mã tin báo, cách nhau bởi dấu phẩy (mỗi điểm mộ một lần)")
    cmd.add_argument("--start", required=True, help='điểm xuất phát: "vĩ độ, kinh độ" hoặc tên xã')
    cmd.add_argument("--out", required=True, help="thư mục ghi các tệp")
    cmd.add_argument("--order", choices=ORDERS, default="shortest", help="shortest: đi ngắn nhất; given: như đã ghi")
    cmd.add_argument("--trip", help="ghi lộ trình vào chuyến tìm kiếm này")
    cmd.add_argument("--audience", choices=["team", "partner"], default="team")
    cmd.add_argument("--lang", choices=["vi", "en"], default="vi")
    cmd.add_argument("--raster", action="append", default=[], help="bản đồ quét GeoTIFF để cắt theo vùng (nhiều lần)")
    database(cmd)


def _plan(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    trip = check_route_change(store, args.trip, viewer) if args.trip else None
    start = read_start(args.start)
    stops = plan_stops(store, viewer, site_ids=args.sites, report_ids=args.reports)
    plan = make_plan(stops, start, args.order)
    selection = plan_selection(store, viewer, plan, args.audience, args.trip)
    for raster in args.raster:
        if not Path(raster).is_file():
            raise LayersError(f"Không có tệp bản đồ quét «{raster}».")
    # None given: the chapter's scans of the area this person may take for the audience.
    scans = chosen_scans(plan, viewer, args.audience, [Path(r) for r in args.raster] or None)
    saving = None
    if trip is not None:

        @contextmanager
        def saving() -> Iterator[int]:
            with store.engine.begin() as connection:
                yield save_plan(store, args.trip, plan, viewer, int(trip["version"]), connection)

    written = write_plan_files(
        Path(args.out), plan, selection, args.audience, args.lang, vietnam_today(), args.trip, scans, saving
    )
    result = plan.as_dict(args.lang) | {"audience": args.audience, "files": [str(t) for t in written.paths]}
    if written.notes:
        result["notes"] = written.notes
        for note in written.notes:
            print(note, file=sys.stderr)
    if trip is not None:
        result["trip_version"] = written.saved
    return result


COMMANDS: dict[str, Callable] = {"plan": _plan}
