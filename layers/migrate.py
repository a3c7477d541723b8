"""Moving a chapter's database to another (its SQLite file into the shared PostgreSQL server):
every table, every record with its history, in one transaction on the target, counts checked."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from layers.errors import StoreError
from layers.freshness import VERSION
from layers.store import Store, database_error
from layers.tables import METADATA

BATCH = 5_000
# Every table but the data's version, which each database keeps for itself (layers.freshness).
MOVED = tuple(table for table in METADATA.sorted_tables if table is not VERSION)


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _in_utc(row) -> dict:
    """A row with its times in UTC: SQLite gives them back without a zone (they were written in
    UTC), and PostgreSQL would read a time without a zone in its session's zone."""
    return {k: v.replace(tzinfo=UTC) if isinstance(v, datetime) and v.tzinfo is None else v for k, v in row.items()}


def _counts(connection: sa.Connection) -> dict[str, int]:
    return {
        table.name: int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
        for table in MOVED
    }


def migrate_to(source_url: str, target_url: str) -> dict:
    """Copy everything from the source database into an empty target (made and migrated here).
    Refuses a target that holds records already; all or nothing."""
    if make_url(source_url) == make_url(target_url):
        raise StoreError("Cơ sở dữ liệu nguồn và đích là một.")
    source = Store.open(source_url, must_exist=True)
    target = Store.open(target_url)
    try:
        with source.engine.connect() as reading, target.engine.begin() as writing:
            before = _counts(writing)
            if any(before.values()):
                busy = ", ".join(f"{name} ({n})" for name, n in before.items() if n)
                raise StoreError(
                    f"Cơ sở dữ liệu đích «{_safe(target_url)}» đã có dữ liệu: {busy}. "
                    "Chỉ chuyển vào cơ sở dữ liệu trống."
                )
            for table in MOVED:
                streamed = reading.execution_options(stream_results=True, yield_per=BATCH)
                rows = streamed.execute(sa.select(table))
                for batch in rows.mappings().partitions(BATCH):
                    writing.execute(table.insert(), [_in_utc(row) for row in batch])
            if writing.dialect.name == "postgresql":  # the history's numbering goes on after the copied rows
                writing.execute(
                    sa.text(
                        "SELECT setval(pg_get_serial_sequence('record_history', 'id'), "
                        "COALESCE((SELECT MAX(id) FROM record_history), 0) + 1, false)"
                    )
                )
            moved, expected = _counts(writing), _counts(reading)
            if moved != expected:
                raise StoreError(f"Số bản ghi sau khi chuyển không khớp ({moved} ≠ {expected}); không có gì được ghi.")
    except sa.exc.SQLAlchemyError as exc:
        raise database_error(exc, "Không chuyển được dữ liệu; không có gì được ghi") from None
    finally:
        source.engine.dispose()
        target.engine.dispose()
    return {"from": _safe(source_url), "to": _safe(target_url), "moved": {k: v for k, v in moved.items() if v}}
