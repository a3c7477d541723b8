"""The record of every file imported: which layer, which file (by hash), who, and the counts."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import sqlalchemy as sa

from layers.tables import METADATA


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
