"""Workflows: which status may follow which, who may take the step, and what the step needs,
declared once per layer beside its status vocabulary (`Workflow`). The reports' and sites' is
here (layers.schema.STATUSES); a recognition case's beside the cases (layers.recognition). The
command line and the pages take steps through `take` (and a site's through `take_step`), which
checks them here and writes the change and its history in one transaction: its own, or the
caller's (a trip's outcome moves all its reports with the trip, layers.trips).

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

from dataclasses import dataclass, field, replace
from datetime import date

import sqlalchemy as sa

from layers.access import AccessDenied, Viewer, check_reach
from layers.campaign import vietnam_today
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
# The app and the server's operator may take any step a role may.
ANYONE = ("operator", "system")
FIRST_DAY = date(1945, 1, 1)  # no step of this work happened before the war began
NOTE_MAX = 2_000  # characters of a step's note


@dataclass(frozen=True)
class Step:
    """One allowed move: from any of `sources` to `target`, by `roles`, given `needs`."""

    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    needs: tuple[str, ...] = field(default=())


@dataclass(frozen=True, eq=False)
class Workflow:
    """How the records of `layers` move: the vocabulary field holding where a record stands, the
    steps between its terms, the term a new record starts at, the date field holding the day the
    last step happened (None: the history's time is the step's), how each need is asked for, and
    the word for a record in messages."""

    layers: tuple[str, ...]
    status: str
    steps: tuple[Step, ...]
    start: str
    day: str | None = None
    needs: dict[str, str] = field(default_factory=lambda: dict(NEEDS))
    thing: str = "tin báo"

    def __post_init__(self) -> None:
        for name in self.layers:
            layer = get_layer(name)
            codes = set(layer.field(self.status).codes())
            if self.start not in codes:
                raise ValueError(f"workflow of {name}: unknown start {self.start!r}")
            for step in self.steps:
                unknown = {step.target, *step.sources} - codes
                if unknown:
                    raise ValueError(f"workflow step to {step.target}: unknown statuses {sorted(unknown)}")
                if set(step.needs) - set(self.needs):
                    raise ValueError(f"workflow step to {step.target}: needs not asked for {step.needs}")
            if self.day is not None and layer.field(self.day).type != "date":
                raise ValueError(f"workflow of {name}: day field {self.day!r} is not a date")

    def steps_from(self, status: str) -> list[Step]:
        """The steps that may leave `status`, in declaration order."""
        return [s for s in self.steps if status in s.sources]

    def allowed(self, status: str, role: str) -> list[Step]:
        """The steps a person of `role` may take from `status`."""
        return [s for s in self.steps_from(status) if role in (*s.roles, *ANYONE)]

    def step_for(self, source: str, target: str) -> Step:
        """The step from `source` to `target`, or a message naming the statuses that may follow."""
        for step in self.steps_from(source):
            if step.target == target:
                return step
        allowed = ", ".join(f"«{self.label(s.target)}» ({s.target})" for s in self.steps_from(source)) or "không có"
        raise LayersError(
            f"Không chuyển được từ «{self.label(source)}» sang «{self.label(target)}»; được chuyển sang: {allowed}."
        )

    def label(self, code: str, lang: str = "vi") -> str:
        return term_label(get_layer(self.layers[0]).field(self.status), code, lang) or str(code)

    def terms(self) -> tuple:
        """The statuses' vocabulary (layers.schema.Term), in its order."""
        return get_layer(self.layers[0]).field(self.status).vocabulary


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
# A site moves by it, asked on the site or on one of its testimonies, which follow it (take_step).
REPORT_WORKFLOW = Workflow((REPORTS.name, SITES.name), "status", STEPS, "new")
STEPS_NEEDING_TRIP = {step.target: step.needs for step in STEPS if "trip" in step.needs}


def workflows() -> tuple[Workflow, ...]:
    """Every declared workflow."""
    from layers.field_results import OBSERVATION_WORKFLOW  # declared beside the observations, likewise
    from layers.recognition import CASE_WORKFLOW  # declared beside the cases, which import this module

    return (REPORT_WORKFLOW, CASE_WORKFLOW, OBSERVATION_WORKFLOW)


def workflow_of(layer_name: str) -> Workflow | None:
    """The workflow a layer's records move by, or None for a layer without one."""
    return next((w for w in workflows() if layer_name in w.layers), None)


def steps_from(status: str) -> list[Step]:
    """The steps that may leave a report's `status`, in declaration order."""
    return REPORT_WORKFLOW.steps_from(status)


def step_for(source: str, target: str) -> Step:
    """The step from a report's `source` to `target`, or a message naming the statuses that may follow."""
    return REPORT_WORKFLOW.step_for(source, target)


def _label(code: str) -> str:
    return REPORT_WORKFLOW.label(code)


@dataclass(frozen=True)
class StepInput:
    """What a person gives with a step (only what the step needs is used)."""

    note: str | None = None
    trip: str | None = None
    remains: int | None = None
    reference: str | None = None
    duplicate_of: str | None = None
    on: date | None = None  # the day the step happened, for a workflow that keeps it (Workflow.day)


def _missing(step: Step, given: StepInput) -> list[str]:
    return [need for need in step.needs if getattr(given, need) in (None, "")]


def seen_record(
    store: Store, connection: sa.Connection, layer_name: str, record_id: str, viewer: Viewer
) -> dict | None:
    """One stored record, whole, if this person may see it (None otherwise), read inside the
    caller's transaction, so what that transaction wrote is seen. For checks only: the private
    fields are not cut, so it is never handed to a page."""
    return store.seen(connection, layer_name, record_id, viewer)


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


def step_day(on: date | None) -> date:
    """The day a step happened: today in Vietnam unless given; never in the future, never
    before 1945."""
    today = vietnam_today()
    day = today if on is None else on
    if day > today:
        raise LayersError(f"Ngày của bước ({day:%d/%m/%Y}) ở tương lai; hôm nay là {today:%d/%m/%Y}.")
    if day < FIRST_DAY:
        raise LayersError(f"Ngày của bước ({day:%d/%m/%Y}) trước năm 1945; hãy kiểm tra lại.")
    return day


def take(
    store: Store,
    layer_name: str,
    record_id: str,
    target: str,
    viewer: Viewer,
    given: StepInput,
    connection: sa.Connection | None = None,
) -> int:
    """Take a step on a record of any layer with a workflow; returns the record's new version. A
    report or a site moves its site (`take_step`); a record of another layer moves itself."""
    workflow = workflow_of(layer_name)
    if workflow is None:
        raise LayersError(f"Lớp «{get_layer(layer_name).label_vi}» không có quy trình các bước.")
    if workflow is REPORT_WORKFLOW:
        return take_step(store, record_id, target, viewer, given, connection)
    if connection is None:
        with store.engine.begin() as own:
            return take(store, layer_name, record_id, target, viewer, given, own)
    layer = get_layer(layer_name)
    record = store.seen(connection, layer_name, record_id, viewer)
    if record is None:
        raise LayersError(f"Không có {workflow.thing} «{record_id[:60]}».")
    step = workflow.step_for(record.get(workflow.status) or workflow.start, target)
    if viewer.role.code not in (*step.roles, *ANYONE):
        raise AccessDenied(
            f"Vai trò «{viewer.role.label_vi}» không được chuyển {workflow.thing} sang «{workflow.label(target)}»."
        )
    check_reach(viewer, layer, record)
    note = (given.note or "").strip()[:NOTE_MAX] or None
    missing = _missing(step, replace(given, note=note))
    if missing:
        raise LayersError(f"Bước này cần: {'; '.join(workflow.needs[m] for m in missing)}.")
    changes: dict = {workflow.status: target}
    if workflow.day is not None:
        changes[workflow.day] = step_day(given.on)
    return store.update(
        layer_name,
        record_id,
        changes,
        viewer.username,
        int(record["version"]),
        connection=connection,
        viewer=viewer,
        reason=note,
        action="status",
    )
