"""Filling a store: reference data once (chapters, battlefields, cemeteries), demo data on
request or on first start."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa

from layers import demo, history
from layers.access import system
from layers.chapters import seed_chapters
from layers.reference import battlefield_records, cemetery_records
from layers.sites import adopt, link
from layers.store import CHUNK, Store
from layers.tables import METADATA
from layers.users import DEMO_TEAM, DEMO_USERS, add_demo_users

DEMO_ASSIGNED = ("planned", "searched_not_found", "remains_found", "identified")

DEFAULT_DEMO_REPORTS = 2000
DEFAULT_DEMO_SEED = 7


def seed_reference(store: Store) -> dict[str, int]:
    """Create the reference chapters that are missing, and load battlefields and cemeteries from
    data/ into empty layers; returns the records added per layer."""
    added = {"chapters": seed_chapters(store)}
    for name, records in (("battlefields", battlefield_records), ("cemeteries", cemetery_records)):
        added[name] = 0 if store.count(name, system()) else store.insert(name, records(), author=f"data/{name}.csv")
    return added


def load_demo(store: Store, reports: int = DEFAULT_DEMO_REPORTS, seed: int = DEFAULT_DEMO_SEED) -> dict[str, int]:
    """Replace all demo records by a freshly generated demo set; real records are untouched."""
    data = demo.generate(reports, seed)
    seed_chapters(store)  # the chapters the demo reports belong to
    store.delete_demo()
    batch = str(uuid.uuid4())  # the demo set is one entry in the history, as an import is
    _assign_demo_team(data.reports)
    added = {}
    with store.engine.begin() as connection:
        for name, records in (("reports", data.reports), ("trips", data.trips)):
            marked = [{**r, "import_id": batch} for r in records]
            added[name] = sum(
                store.insert(name, group, author=author, connection=connection, record_history=False)
                for author, group in _by_author(name, marked).items()
            )
            changes = {"demo_records": [None, added[name]]}
            history.write(connection, name, batch, None, "import", "demo", changes, import_id=batch, is_demo=True)
        _write_steps(connection, data.steps, datetime.now(UTC))
        _adopt_steps(connection, [r["id"] for r in data.reports])
        added["attachments"] = demo.attach_demo_pictures(store, connection, data.trips)
        added["users"] = add_demo_users(connection)
    _join_retold(store, data.retold)
    return added


def _join_retold(store: Store, retold: list[tuple[str, str]]) -> None:
    """Half the demo's retold graves are joined into sites of two witnesses, as a reviewer
    confirms them; the other half wait on the review page as suggestions."""
    for first, again in retold[::2]:
        link(store, [first, again], system())


def _adopt_steps(connection: sa.Connection, report_ids: list[str]) -> None:
    """Each demo report's site takes its steps into its own history, as migration 0009 does."""
    reports = METADATA.tables["reports"]
    pairs = []
    for start in range(0, len(report_ids), CHUNK):
        query = sa.select(reports.c.id, reports.c.site_id).where(reports.c.id.in_(report_ids[start : start + CHUNK]))
        pairs += [(row.id, row.site_id) for row in connection.execute(query)]
    adopt(connection, pairs)


def _write_steps(connection: sa.Connection, steps: pd.DataFrame, now: datetime) -> None:
    """The demo reports' workflow steps as the history rows take_step writes, dated when the demo
    says they were taken (never after now), and each report's version after its steps. The demo
    set's own history row says the reports arrived as "new", before these."""
    if steps.empty:
        return
    version = steps.groupby("report_id").cumcount() + 2  # an arrived record is version 1
    at = [min(moment, now) for moment in steps["at"].dt.to_pydatetime()]
    notes = steps["note"].astype(object).where(steps["note"].notna(), None)
    rows = [
        {
            "layer": "reports",
            "record_id": report_id,
            "version": int(v),
            "action": "status",
            "actor": actor,
            "at": moment,
            "reason": note,
            "changes": {"status": [source, target]},
            "import_id": None,
            "is_demo": True,
        }
        for report_id, v, actor, moment, note, source, target in zip(
            steps["report_id"], version, steps["actor"], at, notes, steps["source"], steps["target"], strict=True
        )
    ]
    connection.execute(history.HISTORY.insert(), rows)
    reports = METADATA.tables["reports"]
    latest = version.groupby(steps["report_id"].astype(object)).max()
    for value, ids in latest.groupby(latest).groups.items():  # a few versions, each one statement per chunk
        ids = list(ids)
        for start in range(0, len(ids), CHUNK):
            batch = ids[start : start + CHUNK]
            connection.execute(reports.update().where(reports.c.id.in_(batch)).values(version=int(value)))


def _assign_demo_team(reports: list[dict]) -> None:
    """The demo search team is sent to the Quảng Trị demo reports whose search is planned or done."""
    for report in reports:
        if report.get("province_34") == "VN-25" and report.get("status") in DEMO_ASSIGNED:
            report["assigned_team"] = DEMO_TEAM


def _by_author(layer: str, records: list[dict]) -> dict[str, list[dict]]:
    """The demo records by the account that recorded them: "demo", but for the trips of the
    chapter the demo teams belong to, recorded by those teams in turn, so the commendations
    rank teams on searches and remains found as they rank chapters."""
    if layer != "trips":
        return {"demo": records}
    teams: dict[str, list[str]] = {}
    for username, _name, role, chapter in DEMO_USERS:
        if role == "team":
            teams.setdefault(chapter, []).append(username)
    turns = {chapter: itertools.cycle(names) for chapter, names in teams.items()}
    groups: dict[str, list[dict]] = {}
    for record in records:
        turn = turns.get(record.get("chapter_id"))
        groups.setdefault(next(turn) if turn else "demo", []).append(record)
    return groups


def _never_used(store: Store) -> bool:
    """No report or trip was ever stored or imported: a fresh installation."""
    with store.engine.connect() as connection:
        imported = connection.execute(sa.select(sa.func.count()).select_from(METADATA.tables["imports"])).scalar()
    return not imported and store.count("reports", system()) == 0 and store.count("trips", system()) == 0


def ensure_ready(store: Store) -> None:
    """First start: reference data, and the demo data set when nothing was ever stored."""
    seed_reference(store)
    if _never_used(store):
        load_demo(store)
