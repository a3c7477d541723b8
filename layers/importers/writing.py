"""Writing one imported file: its records, its rejected rows and its line in the imports
ledger, in one transaction, so that parallel imports of the same file store each row once.

The ledger's line is written first: on SQLite that takes the database's write lock, and on
PostgreSQL an advisory lock per layer is taken next, so what is read after is what other
imports committed (and two imports never wait on each other's rows in opposite orders). The
database refuses a second copy of a row (row_hash is unique per layer) and the insert skips
it, whatever wrote it; which rows went in is then read back by import id, and the others are
counted as duplicates.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from layers import history
from layers.access import Viewer
from layers.importers.ledger import record_import, update_summary
from layers.store import Store, database_error
from layers.tables import METADATA

LEGACY_HASH = "_legacy_hash"  # a record's row hash as computed before revision 0004, if it differs


@dataclass(frozen=True)
class Written:
    stored: frozenset[str]  # row hashes of the records this import stored
    present: frozenset[str]  # row hashes (and legacy ones) the layer held before this import's rows


@dataclass(frozen=True)
class Upload:
    """Which file an import came from, and for whom: what the ledger keeps of it."""

    import_id: str
    layer: str
    file_name: str
    data: bytes
    chapter_id: str | None
    author: str
    viewer: Viewer | None = None  # who imports: their rights are checked on every record


def write_import(
    store: Store,
    upload: Upload,
    records: list[dict],
    rejected: list[dict],
    summary: Callable[[Written], dict],
    before_insert: Callable[[sa.Connection, Written], None] | None = None,
    after_insert: Callable[[sa.Connection, Written], None] | None = None,
) -> Written:
    """Store `records` (each with its row_hash) and the `rejected` rows ({"row", "values",
    "reason", "row_hash"}) of one file; `summary(written)` gives the counts the ledger keeps.
    `before_insert` may change stored records in the same transaction (a corrected datum), and
    `after_insert` write what goes with the new records (a trip's track and photos), before the
    counts are taken. All or nothing: a failure raises StoreError (or the LayersError a hook
    raised) and writes nothing."""
    try:
        with store.engine.begin() as connection:
            record_import(
                connection,
                upload.import_id,
                upload.layer,
                upload.file_name,
                upload.data,
                upload.chapter_id,
                upload.author,
                {},
            )
            if connection.dialect.name == "postgresql":  # one import of a layer at a time, as SQLite's lock does
                connection.execute(
                    sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"import:{upload.layer}"}
                )
            hashes = [r["row_hash"] for r in records] + [r[LEGACY_HASH] for r in records if r.get(LEGACY_HASH)]
            present = frozenset(store.present_hashes(connection, upload.layer, hashes))
            if before_insert is not None:
                before_insert(connection, Written(frozenset(), present))
            fresh = [r for r in records if r["row_hash"] not in present and r.get(LEGACY_HASH) not in present]
            store.insert(
                upload.layer,
                fresh,
                author=upload.author,
                connection=connection,
                skip_existing=True,
                viewer=upload.viewer,
                record_history=False,
            )
            written = Written(frozenset(store.import_hashes(connection, upload.layer, upload.import_id)), present)
            if after_insert is not None:
                after_insert(connection, written)
            _store_rejections(store, connection, upload, rejected)
            counts = summary(written)
            update_summary(connection, upload.import_id, counts)
            _record_history(connection, upload, counts)
    except sa.exc.SQLAlchemyError as exc:
        raise database_error(exc, "Không ghi được tệp vào cơ sở dữ liệu; không có gì được ghi") from None
    return written


def _record_history(connection: sa.Connection, upload: Upload, counts: dict) -> None:
    """The import as one history entry: the file, its ledger line and its counts."""
    changes = {"file_name": [None, upload.file_name], "chapter_id": [None, upload.chapter_id]}
    changes.update({key: [None, value] for key, value in counts.items() if isinstance(value, int | float | str)})
    demo = bool(upload.viewer and upload.viewer.demo_only)
    history.write(
        connection,
        upload.layer,
        upload.import_id,
        None,
        "import",
        upload.author,
        changes,
        import_id=upload.import_id,
        is_demo=demo,
    )


def _store_rejections(store: Store, connection: sa.Connection, upload: Upload, rejected: list[dict]) -> None:
    """Keep each rejected row once per layer: a row refused by an earlier import is not kept again."""
    if not rejected:
        return
    before = store.rejected_hashes(upload.layer, connection)
    now = datetime.now(UTC)
    new, seen = [], set(before)
    for r in rejected:
        if r["row_hash"] in seen:
            continue
        seen.add(r["row_hash"])
        new.append(
            {
                "id": str(uuid.uuid4()),
                "import_id": upload.import_id,
                "row_number": r["row"],
                "row_hash": r["row_hash"],
                "raw": r["values"],
                "reason": r["reason"],
                "created_at": now,
            }
        )
    if new:
        connection.execute(METADATA.tables["rejected_rows"].insert(), new)
