"""The record of every file imported: which layer, which file (by hash), who, and the counts; and,
for an import withdrawn as a whole (layers.imports), who withdrew it, when and why."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import sqlalchemy as sa

from layers.tables import METADATA

WITHDRAWN = "withdrawn"  # the key of an import's summary that says it was withdrawn


def record_import(
    connection: sa.Connection,
    import_id: str,
    layer: str,
    file_name: str,
    data: bytes,
    chapter_id: str | None,
    author: str,
    summary: dict,
) -> None:
    """Write one row of the imports table inside the caller's transaction."""
    connection.execute(
        METADATA.tables["imports"].insert(),
        [
            {
                "id": import_id,
                "layer": layer,
                "file_name": file_name[:500],
                "file_hash": hashlib.sha256(data).hexdigest(),
                "chapter_id": chapter_id,
                "author": author,
                "created_at": datetime.now(UTC),
                "summary": summary,
            }
        ],
    )


def update_summary(connection: sa.Connection, import_id: str, summary: dict) -> None:
    """Replace an import's counts, inside the transaction that wrote its rows."""
    table = METADATA.tables["imports"]
    connection.execute(table.update().where(table.c.id == import_id).values(summary=summary))


def import_row(connection: sa.Connection, import_id: str) -> dict | None:
    """One import's line of the ledger, inside the caller's transaction."""
    table = METADATA.tables["imports"]
    row = connection.execute(sa.select(table).where(table.c.id == import_id)).first()
    return None if row is None else dict(row._mapping)


def mark_withdrawn(connection: sa.Connection, import_id: str, by: str, reason: str, records: int) -> None:
    """Say in an import's line that it was withdrawn (who, when, why, how many records), beside its
    counts, inside the transaction that deleted its records."""
    row = import_row(connection, import_id)
    withdrawn = {"by": by, "at": datetime.now(UTC).isoformat(), "reason": reason, "records": records}
    update_summary(connection, import_id, {**(row["summary"] or {}), WITHDRAWN: withdrawn})
