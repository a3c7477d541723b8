"""The history of every record: one row per insert, update, status change, delete, restore and
purge (and one per import, with its ledger), written in the same transaction as the change.

A row names the layer, the record, the version the change made, who, when, why, and each
changed field with its old and new value. Private values are kept, and shown only to those who
may see that record's contacts (`entries`); a purge blanks them in the record's older rows.

>>> changed({"status": "new", "unit": "C552"}, {"status": "verifying", "unit": "C552"})
{'status': ['new', 'verifying']}
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa

from layers.privacy import free_text_fields, scrub
from layers.schema import Layer
from layers.tables import METADATA

HISTORY = METADATA.tables["record_history"]
ACTIONS = (
    "insert",
    "update",
    "status",
    "delete",
    "restore",
    "purge",
    "import",
    "lock",
    "referral",
    "link",
    "unlink",
    "pair",
    "attach",
    "detach",
    "handover",
    "dossier",  # a site's dossier was printed (with or without the witnesses' contacts)
    "statement",  # a witness statement was prepared for a witness to read and sign
)
HIDDEN = "•••"  # a private value someone may not see


def aware(moment: datetime | None) -> datetime | None:
    """A stored time with its zone: SQLite gives times back without one; they were written in UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def jsonable(value: object) -> object:
    """A field's value as the history's JSON keeps it: text, number, bool, None or a list;
    a geometry as WKT, a date as ISO text.

    >>> jsonable(date(1968, 3, 2)), jsonable(float("nan")), jsonable(np.int64(3))
    ('1968-03-02', None, 3)
    """
    if value is None:
        return None
    if isinstance(value, shapely.Geometry):
        return None if value.is_empty else shapely.to_wkt(value, rounding_precision=7)
    if isinstance(value, datetime | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, list | tuple | np.ndarray):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def added(record: dict) -> dict[str, list]:
    """The fields of a new record, each as [None, value] (empty fields left out)."""
    return {k: [None, jsonable(v)] for k, v in record.items() if jsonable(v) not in (None, "")}


def changed(old: dict, new: dict) -> dict[str, list]:
    """The fields whose value `new` changes, each as [old, new]."""
    out = {}
    for name, value in new.items():
        before, after = jsonable(old.get(name)), jsonable(value)
        if before != after:
            out[name] = [before, after]
    return out


def write(
    connection: sa.Connection,
    layer: str,
    record_id: str,
    version: int | None,
    action: str,
    actor: str,
    changes: dict,
    reason: str | None = None,
    import_id: str | None = None,
    is_demo: bool = False,
) -> None:
    """One history row, inside the caller's transaction."""
    write_many(connection, [(layer, record_id, version, action, actor, changes, reason, import_id, is_demo)])


def write_many(connection: sa.Connection, rows: list[tuple]) -> None:
    """History rows (layer, record id, version, action, actor, changes, reason, import id,
    demo), inside the caller's transaction."""
    if not rows:
        return
    at = datetime.now(UTC)
    names = ("layer", "record_id", "version", "action", "actor", "changes", "reason", "import_id", "is_demo")
    for row in rows:
        if row[3] not in ACTIONS:
            raise ValueError(f"history action must be one of {ACTIONS}, got {row[3]!r}")
    connection.execute(HISTORY.insert(), [{**dict(zip(names, row, strict=True)), "at": at} for row in rows])


def rows_of(
    connection: sa.Connection, record_id: str, import_id: str | None = None, layer: str | None = None
) -> list[dict]:
    """A record's history, oldest first; with `import_id` (and its `layer`), the import that
    brought it first."""
    condition = HISTORY.c.record_id == record_id
    if import_id:
        brought = sa.and_(HISTORY.c.action == "import", HISTORY.c.record_id == import_id, HISTORY.c.layer == layer)
        condition = sa.or_(condition, brought)
    query = sa.select(HISTORY).where(condition).order_by(HISTORY.c.id)
    return [dict(row._mapping) for row in connection.execute(query)]


def since(connection: sa.Connection, record_id: str, version: int) -> list[dict]:
    """The changes made to a record after `version`, oldest first (what a stale save missed)."""
    query = (
        sa.select(HISTORY).where(HISTORY.c.record_id == record_id, HISTORY.c.version > version).order_by(HISTORY.c.id)
    )
    return [dict(row._mapping) for row in connection.execute(query)]


def hide_private(changes: dict, private: tuple[str, ...]) -> dict:
    """The changes with the values of private fields replaced by a mark (the field stays named).

    >>> hide_private({"witness_phone": [None, "0912"], "unit": [None, "C552"]}, ("witness_phone",))
    {'witness_phone': ['•••', '•••'], 'unit': [None, 'C552']}
    """
    return {k: ([HIDDEN, HIDDEN] if k in private else v) for k, v in changes.items()}


def private_values(entries: list[dict], private: tuple[str, ...], record: dict | None = None) -> list[str]:
    """Every private text a record's history holds (its witness's names, phones, addresses), and
    the record's own (an imported record has no insert row of its own)."""
    out = [v for k, v in (record or {}).items() if k in private and isinstance(v, str) and v.strip()]
    for entry in entries:
        for name, values in entry["changes"].items():
            if name in private:
                out += [v for v in values if isinstance(v, str) and v != HIDDEN]
    return out


def hidden_for(changes: dict, layer: Layer, secrets: list[str]) -> dict:
    """The changes as someone who may not see the record's contacts sees them: private values
    marked, and free texts scrubbed of the witness's data and of phone numbers (as partners'
    files are)."""
    free = set(free_text_fields(layer))
    out = hide_private(changes, layer.private_fields)
    for name in free & set(out):
        out[name] = [scrub(v, secrets) if isinstance(v, str) else v for v in out[name]]
    return out


def hidden_reason(reason: str | None, secrets: list[str]) -> str | None:
    """A change's reason as someone who may not see the record's contacts reads it ("đã gọi ông
    Tám 0912…" is said often)."""
    return scrub(reason, secrets) if reason else reason


def blank_private(connection: sa.Connection, record: dict, layer: Layer) -> None:
    """Remove a purged record's private values from its older history rows, and its witness's
    name and phone from the free texts and reasons there."""
    entries = rows_of(connection, record["id"])
    secrets = private_values(entries, layer.private_fields, record)
    for row in entries:
        hidden = hidden_for(row["changes"], layer, secrets)
        reason = hidden_reason(row["reason"], secrets)
        if hidden != row["changes"] or reason != row["reason"]:
            connection.execute(HISTORY.update().where(HISTORY.c.id == row["id"]).values(changes=hidden, reason=reason))
