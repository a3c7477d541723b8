"""The files of a planned trip, made the same way for `python -m layers plan` and the trips page:
the route GPX, the KMZ and the itinerary sheet (in memory), and the offline package (the offline
maps and the QField package, written into a folder, or zipped into one file for a download).

The offline maps cover the stops (not the start: often the provincial office, far away). Where
even the stops span more than an offline map covers (offline_maps.MAX_SIDE_M), the route files
and the QField package are still made and the maps left out, with a note saying why
(`offline_problem`): a team must not be kept from leaving by the size of its map.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from layers.access import Viewer
from layers.errors import LayersError
from layers.exporters.itinerary import itinerary_pdf
from layers.exporters.offline_area import OfflineMapError
from layers.exporters.offline_maps import configured_rasters, trip_area, write_offline_maps
from layers.exporters.qfield import write_qfield_package
from layers.exporters.route import route_gpx, route_kmz
from layers.exporters.selection import Selection
from layers.planning import Plan, ordered_sites

STEM = "lo-trinh"
QFIELD_NAME = "qfield"
OFFLINE_ZIP = "goi-ngoai-tuyen.zip"
GUIDES = ("offline-maps.md", "qfield.md")  # which file goes into which app, for the person unpacking
DOCS = Path(__file__).resolve().parents[1] / "docs"
QFIELD_COLUMNS = ["id", "name", "status", "order", "uncertainty_m", "geometry"]


@dataclass
class Written:
    """What write_plan_files wrote, what it left out and why (notes), and what the save gave."""

    paths: list[Path]
    notes: list[str] = field(default_factory=list)
    saved: object = None


def offline_problem(plan: Plan) -> str | None:
    """Why no offline map can be made for the plan (its stops span too wide an area), or None."""
    try:
        trip_area(plan.bounds())
    except OfflineMapError as exc:
        return f"Không làm bản đồ ngoại tuyến: {exc}"
    return None


def route_files(plan: Plan, selection: Selection, audience: str, lang: str, today: date) -> dict[str, bytes]:
    """The route GPX, the KMZ and the itinerary sheet PDF by file name, made in memory."""
    return {
        f"{STEM}.gpx": route_gpx(plan, selection, audience, lang),
        f"{STEM}.kmz": route_kmz(plan, selection, audience, lang),
        f"{STEM}.pdf": itinerary_pdf(plan, selection, audience, lang, today),
    }


def write_extras(
    folder: Path,
    plan: Plan,
    selection: Selection,
    trip_id: str | None,
    lang: str,
    scans: Sequence[Path] | None,
    notes: list[str],
) -> list[Path]:
    """The offline maps and the QField package written into `folder`, the maps with the scans
    chosen_scans gave (None: none). An area too wide for an offline map leaves the maps out,
    said in `notes`."""
    written: list[Path] = []
    problem = offline_problem(plan)
    if problem is None:
        bounds = plan.bounds()
        rasters = list(scans) if scans is not None else []
        maps = write_offline_maps(folder, bounds, dict(selection.frames), plan.line(), rasters, name=STEM)
        written += maps
        notes.extend(maps.left_out)  # a scan with nothing in the area, named
    else:
        notes.append(problem)
    sites = ordered_sites(selection, plan)[QFIELD_COLUMNS]
    written.append(write_qfield_package(folder, sites, trip_id, plan.line(), lang=lang, name=QFIELD_NAME))
    return written


def chosen_scans(plan: Plan, viewer: Viewer, audience: str, rasters: Sequence[Path] | None = None) -> list[Path] | None:
    """The scans for the offline maps: those the person gave (theirs to give), else the configured
    ones they may take for the audience (access.may_take_scan); None where no map is made."""
    if rasters is not None:
        return [Path(r) for r in rasters]
    if offline_problem(plan) is not None:
        return None
    return configured_rasters(plan.bounds(), viewer, audience)


def offline_zip(
    plan: Plan,
    selection: Selection,
    trip_id: str | None,
    lang: str,
    scans: Sequence[Path] | None,
    notes: list[str] | None = None,
) -> bytes:
    """The offline package as one zip (a browser downloads one file): the files write_extras
    makes (`scans` as chosen_scans gives them), the guides saying which goes where. Written in a
    scratch folder that is removed whatever happens; what was left out is said in `notes`."""
    notes = [] if notes is None else notes
    try:
        with tempfile.TemporaryDirectory(prefix="goi-ngoai-tuyen-") as scratch:
            folder = Path(scratch) / "files"
            folder.mkdir()
            made = write_extras(folder, plan, selection, trip_id, lang, scans, notes)
            target = Path(scratch) / OFFLINE_ZIP
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
                for path in made:
                    # Tiles and the QField zip are compressed already: stored, not deflated again.
                    package.write(path, path.name, compress_type=zipfile.ZIP_STORED)
                for guide in GUIDES:
                    if (DOCS / guide).is_file():
                        package.write(DOCS / guide, guide)
            return target.read_bytes()
    except OSError as exc:
        raise LayersError(f"Không tạo được gói ngoại tuyến ({exc.strerror or exc}).") from None


def write_plan_files(
    out: Path,
    plan: Plan,
    selection: Selection,
    audience: str,
    lang: str,
    today: date,
    trip_id: str | None = None,
    scans: Sequence[Path] | None = None,
    saving: Callable[[], AbstractContextManager[object]] | None = None,
) -> Written:
    """Every file of the plan written into `out`: made first in a scratch folder inside it and
    moved in only when all are made, so a refusal half-way leaves nothing behind. With `saving`
    (a transaction that saves the route on the trip, yielding what the save returns), the files
    are moved inside it: a save refused moves nothing, and files moved before a failure are
    removed again, so the files and the route are written both or neither."""
    files = route_files(plan, selection, audience, lang, today)
    if out.exists() and not out.is_dir():
        raise LayersError(f"«{out}» là một tệp, không phải thư mục.")
    written = Written([])
    moved: list[Path] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=out, prefix=".lap-lo-trinh-") as folder:
            scratch = Path(folder)
            for name, data in files.items():
                (scratch / name).write_bytes(data)
            extras = write_extras(scratch, plan, selection, trip_id, lang, scans, written.notes)
            made = [scratch / name for name in files] + extras
            with (saving or nullcontext)() as saved:
                for path in made:
                    moved.append(Path(shutil.move(path, out / path.name)))
            written.saved = saved
    except OSError as exc:
        _remove(moved)
        raise LayersError(f"Không ghi được vào thư mục «{out}» ({exc.strerror}).") from None
    except BaseException:
        _remove(moved)
        raise
    written.paths = moved
    return written


def _remove(paths: Sequence[Path]) -> None:
    """Files moved into place before a failure, taken out again."""
    for path in paths:
        path.unlink(missing_ok=True)
