"""The data's version: one counter in the database, bumped in the same transaction as every
write and read with one small query, so a page run learns whether anything changed without
counting every table.

A connection that executes a statement changing data is marked; when its transaction commits,
the counter is raised through the same driver connection, inside that transaction (a rolled-back
write raises nothing). Writes that go around SQLAlchemy's execute (PostgreSQL COPY) mark the
connection with `mark_written`.
"""

from __future__ import annotations

import sqlalchemy as sa

from layers.tables import METADATA

VERSION = METADATA.tables["data_version"]
WROTE = "bando_wrote"  # connection.info: this transaction changed data
QUIET = "bando_quiet"  # connection.info: schema migrations, which run before the counter exists
# Leading words of statements that change data ("with" may head an INSERT … SELECT).
CHANGING = frozenset({"insert", "update", "delete", "replace", "merge", "with", "copy"})
_BUMP = "UPDATE data_version SET n = n + 1 WHERE id = 1"


def watch(engine: sa.Engine) -> None:
    """Keep the counter for every transaction of this engine (once, however often it is asked)."""
    if sa.event.contains(engine, "commit", _before_commit):
        return
    sa.event.listen(engine, "after_cursor_execute", _after_execute)
    sa.event.listen(engine, "commit", _before_commit)
    sa.event.listen(engine, "rollback", _after_rollback)


def mark_written(connection: sa.Connection) -> None:
    connection.info[WROTE] = True


def current(connection: sa.Connection) -> int:
    return int(connection.execute(sa.select(VERSION.c.n).where(VERSION.c.id == 1)).scalar_one())


def _after_execute(connection, _cursor, statement: str, _parameters, _context, _executemany) -> None:
    if connection.info.get(QUIET):
        return
    words = statement.lstrip().split(None, 1)
    if words and words[0].lower() in CHANGING and "data_version" not in statement:
        connection.info[WROTE] = True


def _before_commit(connection: sa.Connection) -> None:
    # SQLAlchemy calls this before the driver commits: the raise is part of the transaction.
    if connection.info.pop(WROTE, False) and not connection.info.get(QUIET):
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            cursor.execute(_BUMP)
        finally:
            cursor.close()


def _after_rollback(connection: sa.Connection) -> None:
    connection.info.pop(WROTE, None)
