"""The files of a planned trip, made the same way for `python -m layers plan` and the trips page:
the route GPX, the KMZ and the itinerary sheet (in memory), and the offline package (the offline
maps and the QField package, written into a folder, or zipped into one file for a download).

The offline maps and the QField package come from writers other parts of the app provide; where
one is not installed yet it is left out rather than failing the plan (`_optional`).
"""

from __future__ import annotations

import importlib
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from layers.errors import LayersError
from layers.exporters.itinerary import itinerary_pdf
from layers.exporters.route import route_gpx, route_kmz
from layers.exporters.selection import Selection
from layers.planning import Plan, ordered_sites

STEM = "lo-trinh"
QFIELD_NAME = "qfield"
OFFLINE_ZIP = "goi-ngoai-tuyen.zip"
GUIDES = ("offline-maps.md", "qfield.md")  # which file goes into which app, for the person unpacking
DOCS = Path(__file__).resolve().parents[1] / "docs"
QFIELD_COLUMNS = ["id", "name", "status", "order", "uncertainty_m", "geometry"]


def _optional(module: str, name: str) -> Callable | None:
    """A writer another part of the app provides, or None where it is not installed yet."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
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
    rasters: Sequence[Path] | None = None,
) -> list[Path]:
    """The offline maps and the QField package written into `folder`, where those writers are
    there. `rasters` None means the chapter's configured scans that meet the trip's area."""
    written: list[Path] = []
    offline = _optional("layers.exporters.offline_maps", "write_offline_maps")
    configured = _optional("layers.exporters.offline_maps", "configured_rasters")
    if offline is not None:
        scans = [Path(r) for r in rasters] if rasters is not None else []
        if rasters is None and configured is not None:
            scans = list(configured(plan.bounds()))
        written += list(offline(folder, plan.bounds(), dict(selection.frames), plan.line(), scans, name=STEM))
    qfield = _optional("layers.exporters.qfield", "write_qfield_package")
    if qfield is not None:
        sites = ordered_sites(selection, plan)[QFIELD_COLUMNS]
        written.append(qfield(folder, sites, trip_id, plan.line(), lang=lang, name=QFIELD_NAME))
    return written


def offline_zip(
    plan: Plan,
    selection: Selection,
    trip_id: str | None,
    lang: str,
    rasters: Sequence[Path] | None = None,
) -> bytes:
    """The offline package as one zip (a browser downloads one file): the files write_extras
    makes, the route GPX beside them for the GPS unit, and the guides saying which goes where.
    Written in a scratch folder that is removed whatever happens."""
    try:
        with tempfile.TemporaryDirectory(prefix="goi-ngoai-tuyen-") as scratch:
            folder = Path(scratch) / "files"
            folder.mkdir()
            made = write_extras(folder, plan, selection, trip_id, lang, rasters)
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
    rasters: Sequence[Path] | None = None,
) -> list[Path]:
    """Every file of the plan written into `out`: made first in a scratch folder inside it and
    moved in only when all are made, so a refusal half-way leaves nothing behind. Returns them."""
    files = route_files(plan, selection, audience, lang, today)
    if out.exists() and not out.is_dir():
        raise LayersError(f"«{out}» là một tệp, không phải thư mục.")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=out, prefix=".lap-lo-trinh-") as folder:
            scratch = Path(folder)
            for name, data in files.items():
                (scratch / name).write_bytes(data)
            made = [scratch / name for name in files] + write_extras(scratch, plan, selection, trip_id, lang, rasters)
            targets = [out / path.name for path in made]
            for path, target in zip(made, targets, strict=True):
                shutil.move(path, target)
    except OSError as exc:
        raise LayersError(f"Không ghi được vào thư mục «{out}» ({exc.strerror}).") from None
    return targets
