"""The reports' status events, read from the history: when each report first reached each
milestone of the campaign's figures (layers.campaign, whose docstring defines them).

Only the history rows that can carry a status are read (inserts, workflow steps and edits that
name the status, and the imports' own rows), and the database does the counting work, so what
comes back is one row per report that reached a milestone, however long the history. Only what
the person may see counts: the reports are cut by layers.access.rows_condition, as the store
cuts them, and duplicates are left out (their original counts).

The paperwork's events (`paperwork_events`) are read the same way: hand-overs, dossiers printed
and statements prepared from their history rows, files from the attachments, recognition cases
from their arrival and the steps of their history; each only on records the person sees.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from layers import access
from layers.access import Viewer
from layers.campaign import (
    CASE_MILESTONES,
    EVENT_COLUMNS,
    FILE_FIGURES,
    MILESTONES,
    PAPERWORK_COLUMNS,
    VIETNAM,
    no_events,
    no_paperwork,
)
from layers.history import HISTORY
from layers.schema import RECOGNITION_CASES, REPORTS, SITES, STORED_LAYERS, get_layer
from layers.store import CHUNK, Store
from layers.tables import METADATA

REPORTS_TABLE = Store.table("reports")
ATTACHMENTS = METADATA.tables["attachments"]
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


# -- the paperwork: hand-overs, dossiers, files, recognition cases, statements ------------------


def _owned(layer_name: str, viewer: Viewer, record_id: sa.ColumnElement) -> tuple[list, sa.Column, sa.Column]:
    """What ties a row naming a record of `layer_name` to what the person sees of it: the
    conditions (the record, not deleted, one they see; a part through its parent, as a
    confirming witness through its case) and the chapter and province columns it counts for."""
    layer = get_layer(layer_name)
    table = Store.table(layer_name)
    if layer.part_of is not None:
        parent_name, field_name = layer.part_of
        parent = Store.table(parent_name)
        conditions = [
            table.c.id == record_id,
            table.c.deleted_at.is_(None),
            parent.c.id == table.c[field_name],
            access.rows_condition(viewer, get_layer(parent_name), parent),
        ]
        parent_layer = get_layer(parent_name)
        return conditions, parent.c[parent_layer.owner], parent.c[parent_layer.place]
    conditions = [table.c.id == record_id, access.rows_condition(viewer, layer, table)]
    return conditions, table.c[layer.owner], table.c[layer.place]


COUNTED_LAYERS = tuple(
    layer.name
    for layer in STORED_LAYERS
    if (layer.owner and layer.place) or (layer.part_of and get_layer(layer.part_of[0]).place)
)


def _history_rows(viewer: Viewer, action: str, key: sa.ColumnElement, *extra) -> list[sa.Select]:
    """Per counted layer: the history rows of `action` on the records the person sees, as
    (key, time, chapter, province, *extra)."""
    out = []
    for name in COUNTED_LAYERS:
        conditions, chapter, province = _owned(name, viewer, HISTORY.c.record_id)
        out.append(
            sa.select(key, _stored_time(HISTORY.c.at), chapter, province, *extra).where(
                HISTORY.c.layer == name, HISTORY.c.action == action, *conditions
            )
        )
    return out


def _times(rows: list[tuple], figure: str) -> list[tuple]:
    return [(figure, key, at, chapter, province) for key, at, chapter, province, *_ in rows]


def _handovers(connection: sa.Connection, viewer: Viewer) -> list[tuple]:
    """Sites handed over: each "handover" row on the day it names (else the day it was written),
    and a site with a hand-over day but no such row (written before there were), on that day."""
    given = HISTORY.c.changes[("handed_over_on", 1)].as_string()
    conditions, chapter, province = _owned("sites", viewer, HISTORY.c.record_id)
    rows = connection.execute(
        sa.select(HISTORY.c.record_id, _stored_time(HISTORY.c.at), chapter, province, given).where(
            HISTORY.c.layer == "sites", HISTORY.c.action == "handover", *conditions
        )
    ).all()
    out = [("sites_handed_over", key, day or at, ch, pr) for key, at, ch, pr, day in rows]
    sites = Store.table("sites")
    recorded = sa.exists().where(
        HISTORY.c.record_id == sites.c.id, HISTORY.c.layer == "sites", HISTORY.c.action == "handover"
    )
    before = sa.select(sites.c.id, _stored_time(sites.c.handed_over_on), sites.c.chapter_id, sites.c.province_34)
    before = before.where(access.rows_condition(viewer, SITES, sites), sites.c.handed_over_on.is_not(None), ~recorded)
    out += [("sites_handed_over", key, day, ch, pr) for key, day, ch, pr in connection.execute(before)]
    return out


def _files(connection: sa.Connection, viewer: Viewer) -> list[tuple]:
    """Files attached to the records the person sees (not removed), by kind."""
    out = []
    for name in COUNTED_LAYERS:
        conditions, chapter, province = _owned(name, viewer, ATTACHMENTS.c.record_id)
        query = sa.select(
            ATTACHMENTS.c.id, _stored_time(ATTACHMENTS.c.created_at), chapter, province, ATTACHMENTS.c.kind
        ).where(ATTACHMENTS.c.layer == name, ATTACHMENTS.c.deleted_at.is_(None), *conditions)
        out += [
            (FILE_FIGURES[kind], key, at, ch, pr)
            for key, at, ch, pr, kind in connection.execute(query)
            if kind in FILE_FIGURES
        ]
    return out


def _cases(connection: sa.Connection, viewer: Viewer) -> list[tuple]:
    """Recognition cases opened (when added), and each case's first time in each milestone."""
    cases = Store.table("recognition_cases")
    seen = access.rows_condition(viewer, RECOGNITION_CASES, cases)
    opened = sa.select(cases.c.id, _stored_time(cases.c.created_at), cases.c.chapter_id, cases.c.province_34)
    out = [("cases_opened", *row) for row in connection.execute(opened.where(seen))]
    new = HISTORY.c.changes[("status", 1)].as_string()
    reached = sorted({status for statuses in CASE_MILESTONES.values() for status in statuses})
    firsts = [
        _stored_time(sa.func.min(sa.case((new.in_(statuses), HISTORY.c.at)))).label(figure)
        for figure, statuses in CASE_MILESTONES.items()
    ]
    query = (
        sa.select(HISTORY.c.record_id, cases.c.chapter_id, cases.c.province_34, *firsts)
        .where(
            HISTORY.c.layer == "recognition_cases",
            HISTORY.c.action.in_(GIVING),
            new.in_(reached),
            cases.c.id == HISTORY.c.record_id,
            seen,
        )
        .group_by(HISTORY.c.record_id, cases.c.chapter_id, cases.c.province_34)
    )
    for key, chapter, province, *times in connection.execute(query):
        out += [(figure, key, at, chapter, province) for figure, at in zip(CASE_MILESTONES, times, strict=True) if at]
    return out


def _day_in_vietnam(values: pd.Series) -> pd.Series:
    """Times (UTC, SQLite's without a zone) as Vietnam's days; a plain day (YYYY-MM-DD, a
    hand-over's) is that day."""
    text = values.astype(str)
    plain = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    days = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if plain.any():
        days[plain] = pd.to_datetime(text[plain], format="%Y-%m-%d")
    if (~plain).any():
        times = pd.to_datetime(text[~plain], utc=True, format="ISO8601")
        days[~plain] = times.dt.tz_convert(VIETNAM).dt.tz_localize(None).dt.normalize()
    return days


def paperwork_events(store: Store, viewer: Viewer) -> pd.DataFrame:
    """The paperwork of the records this person sees, one row per thing a figure counts (see
    layers.campaign's definitions): figure, key (what it counts once), day in Vietnam, and the
    chapter and province of the record it is about."""
    with store.engine.connect() as connection:
        rows = _handovers(connection, viewer) + _files(connection, viewer) + _cases(connection, viewer)
        for action, figure in (("dossier", "dossiers_printed"), ("statement", "statements_prepared")):
            # Once per record: a dossier printed five times over in a period is one site's dossier.
            for query in _history_rows(viewer, action, HISTORY.c.record_id):
                rows += _times(connection.execute(query).all(), figure)
    if not rows:
        return no_paperwork()
    out = pd.DataFrame(rows, columns=["figure", "key", "at", "chapter_id", "province_34"], dtype=object)
    out["day"] = _day_in_vietnam(out.pop("at"))
    return out[list(PAPERWORK_COLUMNS)]
