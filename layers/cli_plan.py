"""Planning a search trip on the command line: `plan`.

python -m layers plan --sites ID,ID,… --start "16.95, 107.05" --out DIR --as USER
python -m layers plan --reports ID,ID,… --start "16.95, 107.05" --out DIR --as USER
    [--order shortest|given] [--trip ID] [--audience team|partner] [--lang vi|en] [--raster FILE.tif …]

Everything is made in memory and in a scratch folder beside DIR first; only when every file is
made are they moved into DIR (and, with --trip, the route saved on the trip), so a bad start, an
unknown id or a site without a position writes nothing.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from layers.access import Viewer
from layers.campaign import vietnam_today
from layers.cli_options import database
from layers.errors import LayersError
from layers.exporters.itinerary import itinerary_pdf
from layers.exporters.route import route_gpx, route_kmz
from layers.planning import ORDERS, Plan, make_plan, ordered_sites, plan_selection, plan_stops, read_start, save_plan
from layers.store import Store

STEM = "lo-trinh"


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


def _optional(module: str, name: str) -> Callable | None:
    """A writer another part of the app provides, or None where it is not installed yet."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def _extras(scratch: Path, plan: Plan, selection, args: argparse.Namespace, trip_version: int | None) -> list[Path]:
    """The offline maps and the QField package, where those writers are there."""
    written: list[Path] = []
    offline = _optional("layers.exporters.offline_maps", "write_offline_maps")
    configured = _optional("layers.exporters.offline_maps", "configured_rasters")
    if offline is not None:
        rasters = [Path(r) for r in args.raster]
        if not rasters and configured is not None:
            rasters = list(configured(plan.bounds()))
        written += list(offline(scratch, plan.bounds(), dict(selection.frames), plan.line(), rasters, name=STEM))
    qfield = _optional("layers.exporters.qfield", "write_qfield_package")
    if qfield is not None:
        sites = ordered_sites(selection, plan)[["id", "name", "status", "order", "uncertainty_m", "geometry"]]
        written.append(qfield(scratch, sites, args.trip, plan.line(), lang=args.lang, name="qfield"))
    return written


def _plan(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    start = read_start(args.start)
    stops = plan_stops(store, viewer, site_ids=args.sites, report_ids=args.reports)
    plan = make_plan(stops, start, args.order)
    selection = plan_selection(store, viewer, plan, args.audience, args.trip)
    trip_version = None
    if args.trip:
        trips = selection.frames["trips"]
        if trips.empty:
            raise LayersError(f"Không có chuyến tìm kiếm «{args.trip[:60]}».")
        trip_version = int(trips.iloc[0]["version"])
    for raster in args.raster:
        if not Path(raster).is_file():
            raise LayersError(f"Không có tệp bản đồ quét «{raster}».")
    files = {
        f"{STEM}.gpx": route_gpx(plan, selection, args.audience, args.lang),
        f"{STEM}.kmz": route_kmz(plan, selection, args.audience, args.lang),
        f"{STEM}.pdf": itinerary_pdf(plan, selection, args.audience, args.lang, vietnam_today()),
    }
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise LayersError(f"«{args.out}» là một tệp, không phải thư mục.")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=out, prefix=".lap-lo-trinh-") as folder:
            scratch = Path(folder)
            for name, data in files.items():
                (scratch / name).write_bytes(data)
            made = [scratch / name for name in files] + _extras(scratch, plan, selection, args, trip_version)
            targets = [out / path.name for path in made]
            for path, target in zip(made, targets, strict=True):
                shutil.move(path, target)
    except OSError as exc:
        raise LayersError(f"Không ghi được vào thư mục «{args.out}» ({exc.strerror}).") from None
    result = plan.as_dict(args.lang) | {"audience": args.audience, "files": [str(t) for t in targets]}
    if args.trip:
        result["trip_version"] = save_plan(store, args.trip, plan, viewer, trip_version)
    return result


COMMANDS: dict[str, Callable] = {"plan": _plan}
