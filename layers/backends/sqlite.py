"""SQLite: the pragmas every connection gets, a larger page cache while a batch is inserted,
and the fast insert of many rows through the driver's executemany."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from itertools import repeat
from operator import is_, is_not

import sqlalchemy as sa

from layers.config import busy_timeout_s

BULK_CACHE_KIB = 64 * 1024  # the page cache while a batch of records is inserted


def connect_args() -> dict:
    # A writer waits this long for another (a parallel import) before giving up with a message.
    return {"timeout": busy_timeout_s()}


def set_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@contextmanager
def bulk_cache(connection: sa.Connection) -> Iterator[None]:
    """A page cache that holds a large import's rows and index pages while they are inserted:
    with the default 2 MB, pages of the dozen indexes are evicted and read back (about a fifth
    slower). The connection's own size is restored afterwards."""
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


def binding(connection: sa.Connection, table: sa.Table) -> tuple[dict, frozenset[str]]:
    """Each column's bind processor, and the columns a None leaves NULL (no default, and not
    JSON, which stores the text 'null'); read once per insert."""
    dialect = connection.dialect
    info = connection.exec_driver_sql(f'PRAGMA table_info("{table.name}")')
    defaulted = {name for _, name, _, _, default, _ in info if default is not None}
    processors = {c.name: c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.columns}
    null = frozenset(
        name
        for name, process in processors.items()
        if name not in defaulted and (process is None or process(None) is None)
    )
    return processors, null


def execute_insert(
    connection: sa.Connection,
    columns: dict[str, list],
    bound: tuple[dict, frozenset[str]],
    statement: sa.Insert,
) -> None:
    """One INSERT of many rows: the rows go to the driver's executemany as tuples, each value
    converted by its column type's own bind processor (what SQLAlchemy does row by row, done
    here column by column), and a column that is None in every row is left out of the statement
    when None leaves it NULL: the sqlite3 module binds None about ten times slower than a number
    or a text."""
    processors, null = bound
    columns = {
        name: values for name, values in columns.items() if name not in null or any(map(is_not, values, repeat(None)))
    }
    compiled = statement.compile(dialect=connection.dialect, column_keys=list(columns))
    params = []
    for name in compiled.positiontup:
        values = columns[name]
        process = processors[name]
        if process is not None and values and all(map(is_, values, repeat(values[0]))):
            values = [process(values[0])] * len(values)  # one time, author or flag for the whole batch
        elif process is not None:
            values = [process(v) for v in values]
        params.append(values)
    connection.exec_driver_sql(compiled.string, list(zip(*params, strict=True)))
