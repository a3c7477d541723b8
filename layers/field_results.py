"""What a team brought back from a trip, as proposals the chapter confirms: the observations'
workflow (proposed → confirmed, or rejected with a note, by the chapter's leaders), and what
confirming does to the sites and the trip.

Confirming an observation takes its site's step with the trip (layers.workflow.take_step), in
one transaction with the observation's own step: "found" moves the site to "remains_found" with
the remains counted, "not_found" to "searched_not_found", "not_reached" back to "verified" to
wait for another trip (the step a cancelled trip takes; none when another planned trip already
lists one of its testimonies, as layers.trips does). A site that is no longer "planned" refuses
with the workflow's message and nothing at all is written. When a confirmation leaves none of
the trip's sites (its route's and its linked reports') undecided (with no confirmed word of this
trip while planned, or at a status no search has reached, UNSEARCHED), the trip's outcome is
written in the same transaction: "remains_found" with the total of the confirmed remains, else
"nothing_found". Its reports are not moved a second time (layers.trips.record_outcome would:
each site's step moved them already).

>>> [s.target for s in OBSERVATION_WORKFLOW.steps_from("proposed")]
['confirmed', 'rejected']
>>> OBSERVATION_WORKFLOW.step_for("proposed", "rejected").needs
('note',)
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import sqlalchemy as sa

from layers.access import Viewer
from layers.errors import LayersError
from layers.labels import term_label
from layers.schema import FINDINGS, OBSERVATIONS, TRIP_OUTCOMES
from layers.store import Store
from layers.trips import waiting
from layers.workflow import LEADERS, Step, StepInput, Workflow, take, take_step

LAYER = OBSERVATIONS.name
OBSERVATION_STEPS = (
    Step(("proposed",), "confirmed", LEADERS),
    Step(("proposed",), "rejected", LEADERS, ("note",)),
)
OBSERVATION_WORKFLOW = Workflow(
    (LAYER,),
    "status",
    OBSERVATION_STEPS,
    "proposed",
    needs={"note": "--note (lý do Hội không nhận kết quả này)"},
    thing="kết quả tại điểm",
)
SITE_STEP = {"found": "remains_found", "not_found": "searched_not_found", "not_reached": "verified"}
OPEN_OUTCOMES = ("planned",)
# A site at one of these with no confirmed observation of the trip was not searched by it: the trip
# is not over. (A site "not reached" is back at verified, but with its confirmed observation.)
UNSEARCHED = ("new", "verifying", "verified", "planned")
DECIDED = {"confirmed": "đã được xác nhận", "rejected": "đã bị Hội không nhận"}  # said of a decided one
IDS_MAX = 500  # observations confirmed or rejected at once


def _trip_name(trip: dict) -> str:
    return trip.get("name") or trip["id"]


def _finding(code: str) -> str:
    return term_label(OBSERVATIONS.field("finding"), code, "vi")


def _ids(ids: Sequence[str]) -> list[str]:
    unique = list(dict.fromkeys(str(i) for i in ids))
    if not unique:
        raise LayersError("Chưa chọn kết quả nào.")
    if len(unique) > IDS_MAX:
        raise LayersError(f"Nhiều nhất {IDS_MAX} kết quả một lần.")
    return unique


def _observation(store: Store, connection: sa.Connection, obs_id: str, viewer: Viewer) -> dict:
    """An observation this person sees, still awaiting the chapter; one decided already is
    refused naming its site and what was decided."""
    record = store.seen(connection, LAYER, obs_id, viewer)
    if record is None:
        raise LayersError(f"Không có kết quả tại điểm «{obs_id[:60]}».")
    if record.get("status") in DECIDED:
        site = record.get("site_name") or record["site_id"]
        raise LayersError(f"Kết quả tại điểm «{str(site)[:80]}» {DECIDED[record['status']]}.")
    return record


def _trip_sites(store: Store, connection: sa.Connection, trip: dict) -> list[str]:
    """The sites a trip is for: its route, and the sites of its linked reports."""
    out = [str(i) for i in (trip.get("route_site_ids") or [])]
    reports = store.table("reports")
    linked = [str(i) for i in (trip.get("linked_report_ids") or [])]
    if linked:
        query = sa.select(reports.c.site_id).where(reports.c.id.in_(linked), reports.c.deleted_at.is_(None))
        out += [str(s) for s in connection.execute(query).scalars() if s]
    return list(dict.fromkeys(out))


def _undecided(store: Store, connection: sa.Connection, trip_id: str, site_ids: list[str]) -> bool:
    """Whether a site of the trip is still to be searched by it: at a status no search reached
    (UNSEARCHED) with no confirmed word of this trip's team (a site left planned because another
    trip waits for it is decided for this one: its observation was confirmed)."""
    if not site_ids:
        return False
    sites, observations = store.table("sites"), store.table(LAYER)
    decided = sa.select(observations.c.site_id).where(
        observations.c.trip_id == trip_id, observations.c.status == "confirmed", observations.c.deleted_at.is_(None)
    )
    query = sa.select(sa.func.count()).where(
        sites.c.id.in_(site_ids),
        sites.c.deleted_at.is_(None),
        sa.func.coalesce(sites.c.status, "new").in_(UNSEARCHED),
        sites.c.id.not_in(decided),
    )
    return int(connection.execute(query).scalar_one()) > 0


def _confirmed_remains(store: Store, connection: sa.Connection, trip_id: str) -> int:
    table = store.table(LAYER)
    query = sa.select(sa.func.coalesce(sa.func.sum(table.c.remains_count), 0)).where(
        table.c.trip_id == trip_id,
        table.c.deleted_at.is_(None),
        table.c.status == "confirmed",
        table.c.finding == "found",
    )
    return int(connection.execute(query).scalar_one())


def _close_trip(store: Store, connection: sa.Connection, trip_id: str, viewer: Viewer) -> None:
    """The trip's outcome once every one of its sites is decided (see the module's docstring)."""
    trip = store.seen(connection, "trips", trip_id, viewer)
    if trip is None or (trip.get("outcome") or "planned") not in OPEN_OUTCOMES:
        return
    sites = _trip_sites(store, connection, trip)
    if not sites or _undecided(store, connection, trip_id, sites):
        return
    total = _confirmed_remains(store, connection, trip_id)
    outcome = "remains_found" if total else "nothing_found"
    said = next(t.label_vi for t in TRIP_OUTCOMES if t.code == outcome)
    store.update(
        "trips",
        trip_id,
        {"outcome": outcome, "remains_found": total},
        viewer.username,
        int(trip["version"]),
        connection=connection,
        viewer=viewer,
        reason=f"Hội xác nhận kết quả các điểm của chuyến: {said}",
        action="status",
    )


def _awaited_elsewhere(store: Store, connection: sa.Connection, site_id: str, trip_id: str) -> bool:
    """Whether another planned trip lists one of the site's testimonies."""
    reports = store.table("reports")
    query = sa.select(reports.c.id).where(reports.c.site_id == site_id, reports.c.deleted_at.is_(None))
    return any(waiting(connection, store, str(r), trip_id) for r in connection.execute(query).scalars())


def _confirm_one(store: Store, connection: sa.Connection, obs_id: str, viewer: Viewer, note: str | None) -> str:
    """One observation confirmed and its site's step taken; returns its trip's id."""
    observation = _observation(store, connection, obs_id, viewer)
    trip = store.seen(connection, "trips", observation["trip_id"], viewer)
    if trip is None:
        raise LayersError(f"Không có chuyến tìm kiếm của kết quả «{obs_id[:60]}».")
    # The observation's own step first: it says whether the person may confirm at all.
    take(store, LAYER, obs_id, "confirmed", viewer, StepInput(note=note), connection)
    target = SITE_STEP.get(observation.get("finding") or "")
    if target == "verified" and _awaited_elsewhere(store, connection, observation["site_id"], str(trip["id"])):
        target = None  # another planned trip will go there: the site keeps waiting for it
    if target is not None:
        reason = f"Chuyến tìm kiếm «{_trip_name(trip)}»: {_finding(observation['finding'])}" + (
            f". {note}" if note else ""
        )
        remains = int(observation.get("remains_count") or 0) if target == "remains_found" else None
        given = StepInput(note=reason, trip=trip["id"], remains=remains)
        try:
            take_step(store, observation["site_id"], target, viewer, given, connection)
        except LayersError as exc:
            site = observation.get("site_name") or observation["site_id"]
            raise type(exc)(f"Điểm mộ «{str(site)[:80]}»: {exc}") from None
    return str(trip["id"])


def confirm(store: Store, ids: Sequence[str], viewer: Viewer, note: str | None = None) -> list[str]:
    """Confirm observations (chapter leaders), all in one transaction: each one's site takes its
    step with the trip, and a trip whose sites are all decided gets its outcome. A refusal for
    one writes nothing. Returns the trips whose observations were confirmed."""
    wanted = _ids(ids)
    note = (note or "").strip() or None
    with store.engine.begin() as connection:
        trips = list(dict.fromkeys(_confirm_one(store, connection, i, viewer, note) for i in wanted))
        for trip_id in trips:
            _close_trip(store, connection, trip_id, viewer)
    return trips


def reject(store: Store, ids: Sequence[str], viewer: Viewer, note: str | None) -> int:
    """Refuse observations (chapter leaders) with the reason why, in one transaction; no site
    moves. Returns how many were refused."""
    wanted = _ids(ids)
    with store.engine.begin() as connection:
        for obs_id in wanted:
            _observation(store, connection, obs_id, viewer)
            take(store, LAYER, obs_id, "rejected", viewer, StepInput(note=note), connection)
    return len(wanted)


def proposals(store: Store, viewer: Viewer, trip_id: str | None = None) -> pd.DataFrame:
    """The observations awaiting the chapter (of one trip, when given) as this person may see
    them (a note and photo names only with the record's contacts), in the order they were
    recorded."""
    table = store.table(LAYER)
    where = table.c.status == "proposed"
    if trip_id is not None:
        where = sa.and_(where, table.c.trip_id == str(trip_id))
    frame = store.frame(LAYER, viewer, where)
    return frame.sort_values(["observed_at", "created_at"], kind="stable", na_position="last").reset_index(drop=True)


def observations_of(store: Store, viewer: Viewer, trip_id: str) -> pd.DataFrame:
    """Every observation of a trip this person sees, whatever its status, in recorded order."""
    table = store.table(LAYER)
    frame = store.frame(LAYER, viewer, table.c.trip_id == str(trip_id))
    return frame.sort_values(["observed_at", "created_at"], kind="stable", na_position="last").reset_index(drop=True)


FINDING_LABELS = {t.code: (t.label_vi, t.label_en) for t in FINDINGS}
