"""The reports' status events, read from the history: when each report first reached each
milestone of the campaign's figures (layers.campaign, whose docstring defines them).

Only the history rows that can carry a status are read (inserts, workflow steps and edits that
name the status, and the imports' own rows), and the database does the counting work, so what
comes back is one row per report that reached a milestone, however long the history. Only what
the person may see counts: the reports are cut by layers.access.rows_condition, as the store
cuts them, and duplicates are left out (their original counts).
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from layers import access
from layers.access import Viewer
from layers.campaign import EVENT_COLUMNS, MILESTONES, VIETNAM, no_events
from layers.history import HISTORY
from layers.schema import REPORTS
from layers.store import CHUNK, Store

REPORTS_TABLE = Store.table("reports")
GIVING = ("insert", "status", "update")  # actions whose changes may give a report its status
REACHED = sorted({status for statuses in MILESTONES.values() for status in statuses})


def _status(index: int, history: sa.Table = HISTORY) -> sa.ColumnElement[str]:
    """The old (0) or new (1) status a history row's changes give."""
    return history.c.changes[("status", index)].as_string()


def _gives_status(history: sa.Table = HISTORY) -> sa.ColumnElement[bool]:
    """History rows of reports whose changes give a status (an insert with one, a step, an edit of it)."""
    return sa.and_(
        history.c.layer == "reports",
        history.c.action.in_(GIVING),
        history.c.changes["status"].as_string().is_not(None),
    )


def _stored_time(column: sa.ColumnElement) -> sa.ColumnElement:
    """A time as the database gives it (SQLite's text, PostgreSQL's time with its zone), for
    pandas to read in one go rather than row by row."""
    return sa.type_coerce(column, sa.Text)


def _counted(viewer: Viewer) -> sa.ColumnElement[bool]:
    """The reports whose events count: those the person sees, duplicates left out."""
    status = REPORTS_TABLE.c.status
    seen = access.rows_condition(viewer, REPORTS, REPORTS_TABLE)
    return sa.and_(seen, sa.or_(status.is_(None), status != "duplicate"))


def _counted_ids(connection: sa.Connection, viewer: Viewer) -> set[str]:
    """The ids of the counted reports (one read of the reports, cut as the store cuts them)."""
    return set(connection.execute(sa.select(REPORTS_TABLE.c.id).where(_counted(viewer))).scalars())


def _arrival_time() -> sa.ColumnElement:
    """When a report arrived without an insert row: its import's history row, else when it was stored."""
    imported = (
        sa.select(sa.func.min(HISTORY.c.at))
        .where(
            HISTORY.c.layer == "reports",
            HISTORY.c.action == "import",
            HISTORY.c.import_id == REPORTS_TABLE.c.import_id,
        )
        .scalar_subquery()
    )
    return _stored_time(sa.func.coalesce(imported, REPORTS_TABLE.c.created_at))


def _first_reached() -> sa.Select:
    """Per report, the time of its first history row giving it each milestone's statuses:
    (record_id, one time per milestone, empty where it never did). The rows are those giving any
    milestone's status; a milestone holding all of those needs no second look at the changes
    (each look parses them again)."""
    new = _status(1)
    firsts = [
        _stored_time(
            sa.func.min(HISTORY.c.at if set(statuses) == set(REACHED) else sa.case((new.in_(statuses), HISTORY.c.at)))
        ).label(milestone)
        for milestone, statuses in MILESTONES.items()
    ]
    return (
        sa.select(HISTORY.c.record_id, *firsts)
        .where(HISTORY.c.layer == "reports", HISTORY.c.action.in_(GIVING), new.in_(REACHED))
        .group_by(HISTORY.c.record_id)
    )


def _arrived_then_changed() -> sa.Select:
    """Reports whose first row giving a status is a change away from a milestone's status: they
    arrived in it, by an import or the demo set (an insert row is first and comes from nothing).
    (record_id, status they arrived with)."""
    earlier = HISTORY.alias("earlier")
    before = sa.or_(earlier.c.at < HISTORY.c.at, sa.and_(earlier.c.at == HISTORY.c.at, earlier.c.id < HISTORY.c.id))
    first = ~sa.exists().where(earlier.c.record_id == HISTORY.c.record_id, _gives_status(earlier), before)
    return sa.select(HISTORY.c.record_id, _status(0)).where(_gives_status(), _status(0).in_(REACHED), first)


def _arrival_times(connection: sa.Connection, ids: list[str]) -> dict[str, object]:
    """When these reports arrived."""
    wanted, out = sorted(ids), {}
    for start in range(0, len(wanted), CHUNK):
        query = sa.select(REPORTS_TABLE.c.id, _arrival_time()).where(
            REPORTS_TABLE.c.id.in_(wanted[start : start + CHUNK])
        )
        out.update(dict(connection.execute(query).all()))
    return out


def _arrived_unchanged(viewer: Viewer) -> sa.Select:
    """Counted reports in a milestone's status that no history row ever gave a status: they
    arrived in it (imported, or stored before the history was kept). (record_id, status, at)."""
    given = sa.exists().where(HISTORY.c.record_id == REPORTS_TABLE.c.id, _gives_status())
    return sa.select(REPORTS_TABLE.c.id, REPORTS_TABLE.c.status, _arrival_time()).where(
        _counted(viewer), REPORTS_TABLE.c.status.in_(REACHED), ~given
    )


def _milestones_of(status: str) -> list[str]:
    return [milestone for milestone, statuses in MILESTONES.items() if status in statuses]


def _read(connection: sa.Connection, viewer: Viewer) -> tuple[list[tuple], bool]:
    """(record_id, milestone, stored time) of the counted reports' first times in each
    milestone, and whether arrivals may repeat a report and milestone (then the earliest counts)."""
    counted = _counted_ids(connection, viewer)
    rows = [
        (record_id, milestone, at)
        for record_id, *times in connection.execute(_first_reached())
        if record_id in counted
        for milestone, at in zip(MILESTONES, times, strict=True)
        if at is not None
    ]
    changed = [(r, status) for r, status in connection.execute(_arrived_then_changed()) if r in counted]
    arrived = _arrival_times(connection, [r for r, _status in changed])
    arrivals = [(r, status, arrived[r]) for r, status in changed]
    arrivals += connection.execute(_arrived_unchanged(viewer)).all()
    rows += [(r, milestone, at) for r, status, at in arrivals for milestone in _milestones_of(status)]
    return rows, bool(arrivals)


def status_events(store: Store, viewer: Viewer) -> pd.DataFrame:
    """The milestones the reports this person sees reached, and when: one row per report and
    milestone (record_id as plain Python text, milestone, at in UTC, day in Vietnam);
    duplicates left out."""
    with store.engine.connect() as connection:
        rows, repeats = _read(connection, viewer)
    if not rows:
        return no_events()
    record_ids, milestones, times = zip(*rows, strict=True)
    out = pd.DataFrame(
        {
            "record_id": pd.Series(record_ids, dtype=object),
            "milestone": pd.Series(milestones, dtype=object),
            "at": pd.to_datetime(pd.Series(times, dtype=object), utc=True, format="ISO8601"),  # SQLite: UTC, no zone
        }
    )
    if repeats:
        out = out.sort_values("at").drop_duplicates(["record_id", "milestone"]).reset_index(drop=True)
    out["day"] = out["at"].dt.tz_convert(VIETNAM).dt.tz_localize(None).dt.normalize()
    return out[list(EVENT_COLUMNS)]
