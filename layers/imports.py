"""The files a person imported, and withdrawing one as a whole.

An import is withdrawn by its author or an administrator while nothing it brought has been
touched since: every record still at the version the import wrote, none deleted or purged,
none with a history row of its own. Its records are then deleted softly (as Store.delete does:
deleted_at, deleted_by, a "delete" history row per record with the reason), in one transaction
with the ledger's note that it was withdrawn and a history row for the import itself. The rows'
hashes are given up, so the same file, corrected, can be imported again; the history keeps them.
If something was touched, nothing is written and the person is told which records changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa

from layers import history
from layers.access import AccessDenied, Right, Viewer, check_write
from layers.errors import LayersError, StoreError
from layers.importers.ledger import WITHDRAWN, import_row, mark_withdrawn
from layers.labels import blank, number
from layers.schema import get_layer
from layers.sites import refresh_many
from layers.store import Store, database_error
from layers.tables import METADATA

IMPORTS = METADATA.tables["imports"]
TITLES = {"reports": "martyr_names", "trips": "name"}  # the field that names a record to people
NAMED_MAX = 20  # changed records a refusal names; the others are counted
LISTED_MAX = 200  # imports a list shows, newest first
CHUNK = 5_000


@dataclass(frozen=True)
class ImportEntry:
    """One import as its list shows it."""

    id: str
    layer: str
    file_name: str
    author: str
    chapter_id: str | None
    created_at: datetime
    summary: dict
    records: int  # its records not deleted
    withdrawn: dict | None = None  # who withdrew it, when, why

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "layer": self.layer,
            "file_name": self.file_name,
            "author": self.author,
            "chapter_id": self.chapter_id,
            "created_at": history.aware(self.created_at).isoformat(),
            "summary": {k: v for k, v in self.summary.items() if k != WITHDRAWN},
            "records": self.records,
            "withdrawn": self.withdrawn,
        }


class ImportChanged(LayersError):
    """An import some of whose records changed since: `records` lists them (id, name)."""

    def __init__(self, message: str, records: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.records = records or []


@dataclass
class _Found:
    """What withdrawing finds of an import's records."""

    rows: list[dict] = field(default_factory=list)
    changed: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    purged: int = 0


def _administrator(viewer: Viewer) -> bool:
    """Who may withdraw anyone's import (a demo administrator: its own only, as it sees them)."""
    return viewer.may(Right.RESTORE) and not viewer.demo_only


def _may_withdraw(viewer: Viewer, author: str) -> bool:
    return author == viewer.username or _administrator(viewer)


def list_imports(store: Store, viewer: Viewer, limit: int = LISTED_MAX) -> list[ImportEntry]:
    """The imports this person may withdraw, newest first: their own (an administrator's: all;
    a demo account's: its own only)."""
    query = sa.select(IMPORTS).order_by(IMPORTS.c.created_at.desc()).limit(limit)
    if not _administrator(viewer):
        query = query.where(IMPORTS.c.author == viewer.username)
    with store.engine.connect() as connection:
        rows = [dict(r._mapping) for r in connection.execute(query)]
        live = _live_counts(store, connection, rows)
    return [
        ImportEntry(
            r["id"],
            r["layer"],
            r["file_name"],
            r["author"],
            r["chapter_id"],
            r["created_at"],
            r["summary"] or {},
            live.get(r["id"], 0),
            (r["summary"] or {}).get(WITHDRAWN),
        )
        for r in rows
    ]


def _live_counts(store: Store, connection: sa.Connection, rows: list[dict]) -> dict[str, int]:
    """How many records of each import are not deleted."""
    counts: dict[str, int] = {}
    for layer_name in {r["layer"] for r in rows}:
        table = store.table(layer_name)
        ids = [r["id"] for r in rows if r["layer"] == layer_name]
        query = (
            sa.select(table.c.import_id, sa.func.count())
            .where(table.c.import_id.in_(ids), table.c.deleted_at.is_(None))
            .group_by(table.c.import_id)
        )
        counts.update({i: int(n) for i, n in connection.execute(query)})
    return counts


def _stored_count(summary: dict) -> int:
    """How many records the import stored, by its counts (located, approximate and not)."""
    return sum(int(summary.get(k) or 0) for k in ("accepted", "approximate", "unlocated"))


def _touched(connection: sa.Connection, ids: list[str]) -> set[str]:
    """Which of the records have a history row of their own (an imported record has none)."""
    found: set[str] = set()
    table = history.HISTORY
    for start in range(0, len(ids), CHUNK):
        batch = ids[start : start + CHUNK]
        found.update(connection.execute(sa.select(table.c.record_id).where(table.c.record_id.in_(batch))).scalars())
    return found


def _named_elsewhere(store: Store, connection: sa.Connection, ids: set[str]) -> set[str]:
    """Which of the records other records name: the original of a duplicate, a trip's report."""
    if not ids:
        return set()
    reports, trips = store.table("reports"), store.table("trips")
    named: set[str] = set()
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        batch = ordered[start : start + CHUNK]
        live = reports.c.deleted_at.is_(None)
        query = sa.select(reports.c.duplicate_of).where(reports.c.duplicate_of.in_(batch), live)
        named.update(connection.execute(query).scalars())
    linked = sa.select(trips.c.linked_report_ids).where(trips.c.deleted_at.is_(None))
    for listed in connection.execute(linked).scalars():
        named.update(str(i) for i in (listed or []) if str(i) in ids)
    return named


def _find(store: Store, connection: sa.Connection, entry: dict) -> _Found:
    """The import's records, and those changed since it (or purged)."""
    table = store.table(entry["layer"])
    title = TITLES.get(entry["layer"])
    layer = get_layer(entry["layer"])
    needed = {"id", "version", "deleted_at", "row_hash", "is_demo", "created_at", title}
    needed |= {layer.owner, layer.place, layer.assignee, layer.referral}  # what check_write reads
    if layer.grouped_in is not None:  # the groups (sites) to summarise again once they are gone
        needed.add(layer.grouped_in[1])
    columns = [c for c in table.columns if c.name in needed]  # never the witnesses' details
    query = sa.select(*columns).where(table.c.import_id == entry["id"]).order_by(table.c.created_at, table.c.id)
    found = _Found(rows=[dict(r._mapping) for r in connection.execute(query)])
    ids = [r["id"] for r in found.rows]
    touched = _touched(connection, ids) | _named_elsewhere(store, connection, set(ids))
    for row in found.rows:
        if row["version"] != 1 or row["deleted_at"] is not None or row["id"] in touched:
            name = "" if title is None or blank(row.get(title)) else str(row[title])[:80]
            found.changed.append((row["id"], name))
    found.purged = max(0, _stored_count(entry["summary"] or {}) - len(found.rows))
    return found


def _refusal(entry: dict, found: _Found) -> ImportChanged:
    named = "; ".join(f"«{name}» ({record_id})" if name else record_id for record_id, name in found.changed[:NAMED_MAX])
    more = len(found.changed) - NAMED_MAX
    parts = []
    if found.changed:
        parts.append(
            f"{number(len(found.changed))} bản ghi đã được sửa, đổi trạng thái hoặc xóa sau khi nhập: {named}"
            + (f" và {number(more)} bản ghi khác" if more > 0 else "")
        )
    if found.purged:
        parts.append(f"{number(found.purged)} bản ghi đã bị xóa hẳn")
    return ImportChanged(
        f"Không rút lại được lần nhập «{entry['file_name'][:100]}»: {'; '.join(parts)}. Không có gì được ghi; "
        "hãy xóa riêng từng bản ghi còn lại nếu cần.",
        found.changed,
    )


def withdraw_import(store: Store, import_id: str, viewer: Viewer, reason: str | None = None) -> dict:
    """Withdraw an import as a whole (see the module's text); returns {"import_id", "layer",
    "withdrawn": how many records were deleted}. Raises ImportChanged naming the records that
    changed since, AccessDenied for someone else's import."""
    try:
        with store.engine.begin() as connection:
            entry = import_row(connection, import_id)
            if entry is None:
                raise LayersError(
                    f"Không có lần nhập «{import_id[:60]}»; xem danh sách: python -m layers imports list."
                )
            if not _may_withdraw(viewer, entry["author"]):
                raise AccessDenied(
                    f"Chỉ người đã nhập («{entry['author']}») hoặc quản trị rút lại được lần nhập "
                    f"«{entry['file_name'][:100]}»."
                )
            if (entry["summary"] or {}).get(WITHDRAWN):
                raise LayersError(f"Lần nhập «{entry['file_name'][:100]}» đã được rút lại.")
            found = _find(store, connection, entry)
            if found.changed or found.purged:
                raise _refusal(entry, found)
            layer = get_layer(entry["layer"])
            for row in found.rows:
                check_write(viewer, layer, row)
            why = f"Rút lại lần nhập «{entry['file_name'][:200]}»" + (
                f": {reason.strip()}" if reason and reason.strip() else ""
            )
            _delete(store, connection, entry, found.rows, viewer, why)
            grouped = get_layer(entry["layer"]).grouped_in
            if grouped is not None:  # a site left with no testimony goes with them
                refresh_many(store, connection, (row.get(grouped[1]) for row in found.rows), viewer.username)
            mark_withdrawn(connection, import_id, viewer.username, why, len(found.rows))
    except sa.exc.SQLAlchemyError as exc:
        raise database_error(exc, "Không rút lại được lần nhập; không có gì được ghi") from None
    return {"import_id": import_id, "layer": entry["layer"], "withdrawn": len(found.rows)}


def _delete(store: Store, connection: sa.Connection, entry: dict, rows: list[dict], viewer: Viewer, why: str) -> None:
    """The records deleted softly, each with its history row, and the import's own row."""
    table = store.table(entry["layer"])
    now = datetime.now(UTC)
    done = connection.execute(
        table.update()
        .where(table.c.import_id == entry["id"], table.c.version == 1, table.c.deleted_at.is_(None))
        .values(
            deleted_at=now, deleted_by=viewer.username, author=viewer.username, updated_at=now, version=2, row_hash=None
        )
    ).rowcount
    if done != len(rows):  # someone changed one of them while this ran: the transaction is undone
        raise StoreError("Trong lúc rút lại, một bản ghi của lần nhập vừa được sửa; không có gì được ghi. Hãy thử lại.")
    at, by = history.jsonable(now), viewer.username
    history.write_many(
        connection,
        [
            (
                entry["layer"],
                row["id"],
                2,
                "delete",
                by,
                {"deleted_at": [None, at], "deleted_by": [None, by], "row_hash": [row["row_hash"], None]},
                why,
                entry["id"],
                bool(row["is_demo"]),
            )
            for row in rows
        ],
    )
    demo = bool(rows) and all(bool(row["is_demo"]) for row in rows)
    history.write(
        connection,
        entry["layer"],
        entry["id"],
        None,
        "delete",
        by,
        {WITHDRAWN: [None, len(rows)]},
        reason=why,
        import_id=entry["id"],
        is_demo=demo or viewer.demo_only,
    )
