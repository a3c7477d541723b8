"""The workflow of a report: which status may follow which, who may take the step, and what the
step needs. Declared once beside the status vocabulary (layers.schema.STATUSES); the command
line and the pages take steps through `take_step`, which checks them here and writes the change
and its history in one transaction: its own, or the caller's (a trip's outcome moves all its
reports with the trip, layers.trips).

A trip that is cancelled sends its planned reports back to "verified" (the step below, with the
trip's note); a report another planned trip still lists keeps waiting for it (layers.trips).

>>> [s.target for s in steps_from("verifying")]
['verified', 'duplicate']
>>> step_for("verifying", "verified").needs
('note',)
>>> [s.target for s in steps_from("planned")]
['searched_not_found', 'remains_found', 'verified']
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from layers.access import AccessDenied, Viewer, check_reach, rows_condition
from layers.errors import LayersError
from layers.labels import term_label
from layers.schema import REPORTS, get_layer
from layers.sites import SITES, testimonies
from layers.store import Store

NEEDS = {  # what a step may need, and how it is asked for on the command line
    "note": "--note (cách đã kiểm tra)",
    "trip": "--trip (mã chuyến tìm kiếm)",
    "remains": "--remains (số hài cốt tìm thấy)",
    "reference": "--reference (kết quả giám định ADN hoặc hồ sơ)",
    "duplicate_of": "--duplicate-of (mã tin báo bị trùng)",
}
CASE_WORKERS = ("admin", "chapter", "recorder")
LEADERS = ("admin", "chapter")
SEARCHERS = ("admin", "chapter", "team")


@dataclass(frozen=True)
class Step:
    """One allowed move: from any of `sources` to `target`, by `roles`, given `needs`."""

    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    needs: tuple[str, ...] = field(default=())


STEPS: tuple[Step, ...] = (
    Step(("new",), "verifying", CASE_WORKERS),
    Step(("verifying",), "verified", CASE_WORKERS, ("note",)),
    Step(("verified", "searched_not_found"), "planned", LEADERS, ("trip",)),
    Step(("planned",), "searched_not_found", SEARCHERS, ("trip",)),
    Step(("planned",), "remains_found", SEARCHERS, ("trip", "remains")),
    # The trip was cancelled (or the report taken off it): verified again, waiting for another trip.
    Step(("planned",), "verified", LEADERS, ("note",)),
    Step(("remains_found",), "identified", LEADERS, ("reference",)),
    Step(("new", "verifying", "verified"), "duplicate", CASE_WORKERS, ("duplicate_of",)),
)


def _check_vocabulary() -> None:
    codes = set(REPORTS.field("status").codes())
    for step in STEPS:
        unknown = {step.target, *step.sources} - codes
        if unknown:
            raise ValueError(f"workflow step to {step.target}: unknown statuses {sorted(unknown)}")


_check_vocabulary()
STEPS_NEEDING_TRIP = {step.target: step.needs for step in STEPS if "trip" in step.needs}


def steps_from(status: str) -> list[Step]:
    """The steps that may leave `status`, in declaration order."""
    return [s for s in STEPS if status in s.sources]


def step_for(source: str, target: str) -> Step:
    """The step from `source` to `target`, or a message naming the statuses that may follow."""
    for step in steps_from(source):
        if step.target == target:
            return step
    allowed = ", ".join(f"«{_label(s.target)}» ({s.target})" for s in steps_from(source)) or "không có"
    raise LayersError(f"Không chuyển được từ «{_label(source)}» sang «{_label(target)}»; được chuyển sang: {allowed}.")


def _label(code: str) -> str:
    return term_label(REPORTS.field("status"), code, "vi")


@dataclass(frozen=True)
class StepInput:
    """What a person gives with a step (only what the step needs is used)."""

    note: str | None = None
    trip: str | None = None
    remains: int | None = None
    reference: str | None = None
    duplicate_of: str | None = None


def _missing(step: Step, given: StepInput) -> list[str]:
    return [need for need in step.needs if getattr(given, need) in (None, "")]


def seen_record(
    store: Store, connection: sa.Connection, layer_name: str, record_id: str, viewer: Viewer
) -> dict | None:
    """One stored record, whole, if this person may see it (None otherwise), read inside the
    caller's transaction, so what that transaction wrote is seen. For checks only: the private
    fields are not cut, so it is never handed to a page."""
    table = store.table(layer_name)
    condition = rows_condition(viewer, get_layer(layer_name), table)
    row = connection.execute(sa.select(table).where(table.c.id == record_id, condition)).first()
    return None if row is None else dict(row._mapping)


def _site_and_testimony(
    store: Store, connection: sa.Connection, record_id: str, viewer: Viewer
) -> tuple[dict, dict | None]:
    """The site a step moves, and the testimony it was asked on (None when asked on the site)."""
    report = seen_record(store, connection, "reports", record_id, viewer)
    if report is not None:  # the site of a testimony one may see, whoever's site it is
        site = store._current(connection, "sites", report["site_id"]) if report.get("site_id") else None
        if site is None or site.get("deleted_at") is not None:
            raise LayersError(f"Tin báo «{record_id[:60]}» chưa thuộc điểm mộ nào; hãy tải lại.")
        return site, report
    site = seen_record(store, connection, "sites", record_id, viewer)
    if site is None:
        raise LayersError(f"Không có tin báo hay điểm mộ «{record_id[:60]}».")
    return site, None


def take_step(
    store: Store,
    record_id: str,
    target: str,
    viewer: Viewer,
    given: StepInput,
    connection: sa.Connection | None = None,
) -> int:
    """Move a site, asked on the site or on one of its testimonies (reports), to `target`: the
    step must be allowed from its status, to the person's role, with what it needs. The site's
    new status (and remains, identification reference, duplicate link), each testimony's
    (they follow their site), the trip's link and the history rows are written together, in a
    transaction of its own or inside the caller's when `connection` is given. Returns the new
    version of the record it was asked on. A step a sibling testimony already took in the same
    transaction (two reports of one site on one trip) only links the trip."""
    if connection is None:
        with store.engine.begin() as own:
            return take_step(store, record_id, target, viewer, given, own)
    site, report = _site_and_testimony(store, connection, record_id, viewer)
    asked = report if report is not None else site
    if report is not None and site["status"] == target and report.get("status") == target:
        if "trip" in STEPS_NEEDING_TRIP.get(target, ()) and given.trip:
            _link_trip(store, connection, given.trip, [report["id"]], viewer)
        return int(report["version"])
    step = step_for(site["status"] or "new", target)
    if viewer.role.code not in (*step.roles, "operator", "system"):
        raise AccessDenied(f"Vai trò «{viewer.role.label_vi}» không được chuyển tin báo sang «{_label(target)}».")
    # The step's role is checked above, the reach here: over the testimony it was asked on (a
    # chapter moves its own testimony's site on), or over the site.
    check_reach(viewer, REPORTS, report) if report is not None else check_reach(viewer, SITES, site)
    missing = _missing(step, given)
    if missing:
        raise LayersError(f"Bước này cần: {'; '.join(NEEDS[m] for m in missing)}.")
    changes: dict = {"status": target}
    if "remains" in step.needs:
        if given.remains is None or given.remains < 1:
            raise LayersError("--remains phải là số nguyên dương.")
        changes["remains_count"] = given.remains
    if "reference" in step.needs:
        changes["identification_ref"] = given.reference.strip()[:500]
    if "duplicate_of" in step.needs:
        changes["duplicate_of"] = _original(store, connection, given.duplicate_of, site, viewer)
    if "trip" in step.needs:
        on_trip = (
            [report["id"]] if report is not None else [t["id"] for t in testimonies(store, connection, site["id"])]
        )
        _link_trip(store, connection, given.trip, on_trip, viewer)
    # Written on the record asked; the store writes it on the site and its other testimonies too.
    version = store.update(
        "reports" if report is not None else "sites",
        asked["id"],
        changes,
        viewer.username,
        int(asked["version"]),
        connection=connection,
        reason=given.note,
        action="status",
    )
    if report is not None and "remains_count" in changes:  # the remains found are the site's too
        site = store._current(connection, "sites", site["id"])
        store.update(
            "sites",
            site["id"],
            {"remains_count": changes["remains_count"]},
            viewer.username,
            int(site["version"]),
            connection=connection,
            reason=given.note,
            action="status",
            follow=False,
        )
    return version


def _original(store: Store, connection: sa.Connection, original_id: str, site: dict, viewer: Viewer) -> str:
    """The report a site repeats: one the person sees, of another site (a testimony of the same
    site is not a duplicate of it: it tells the same grave)."""
    original = seen_record(store, connection, "reports", original_id, viewer)
    if original is None:
        raise LayersError(f"Không có tin báo «{original_id[:60]}» để ghi là bản gốc.")
    if original.get("site_id") == site["id"]:
        raise LayersError("Tin báo gốc thuộc cùng điểm mộ này; một điểm mộ không trùng với chính nó.")
    return original_id


def _link_trip(store: Store, connection: sa.Connection, trip_id: str, report_ids: list[str], viewer: Viewer) -> None:
    """The trip the step names, made for these reports too (its linked reports), in the step's
    transaction. The trip must be one the person sees."""
    trip = seen_record(store, connection, "trips", trip_id, viewer)
    if trip is None:
        raise LayersError(f"Không có chuyến tìm kiếm «{trip_id[:60]}».")
    linked = [str(i) for i in (trip.get("linked_report_ids") or [])]
    added = [i for i in report_ids if i not in linked]
    if not added:
        return
    store.update(  # the update checks the person's right to change the trip
        "trips",
        trip_id,
        {"linked_report_ids": [*linked, *added]},
        viewer.username,
        int(trip["version"]),
        connection=connection,
        viewer=viewer,
    )
