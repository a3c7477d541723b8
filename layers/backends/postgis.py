"""PostgreSQL with PostGIS: many rows go in by COPY. With `skip_existing` they are copied into
a temporary table first and moved with INSERT … ON CONFLICT (row_hash) DO NOTHING, so a row
another import stored meanwhile is counted as a duplicate, not an error."""

from __future__ import annotations

import json

import numpy as np
import shapely
import sqlalchemy as sa

from layers import freshness
from layers.backends.geometry import SRID


def _copy_value(value: object, is_json: bool) -> object:
    if value is None:
        return None
    if is_json:
        return json.dumps(value, ensure_ascii=False)
    return value


def _geometry_text(wkb: list) -> list:
    """WKB values as the hex EWKB (with its SRID) that COPY gives a geometry column."""
    values = np.empty(len(wkb), dtype=object)
    values[:] = wkb
    geometries = shapely.set_srid(shapely.from_wkb(values), SRID)
    return shapely.to_wkb(geometries, hex=True, include_srid=True).tolist()


def copy_insert(connection: sa.Connection, table: sa.Table, columns: dict[str, list], skip_existing: bool) -> None:
    """Insert the rows given column by column (as Store._columns makes them) with COPY."""
    names = [name for name in columns if any(v is not None for v in columns[name])]
    if not names:
        return
    data = []
    for name in names:
        values = columns[name]
        if name == "geom":
            values = _geometry_text(values)
        else:
            is_json = isinstance(table.c[name].type, sa.JSON)
            values = [_copy_value(v, is_json) for v in values]
        data.append(values)
    quoted = ", ".join(f'"{n}"' for n in names)
    target = table.name
    freshness.mark_written(connection)  # COPY goes around SQLAlchemy's execute
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        if skip_existing:
            target = f"_incoming_{table.name}"
            cursor.execute(f'CREATE TEMP TABLE "{target}" (LIKE "{table.name}" INCLUDING DEFAULTS) ON COMMIT DROP')
        with cursor.copy(f'COPY "{target}" ({quoted}) FROM STDIN') as copy:
            for row in zip(*data, strict=True):
                copy.write_row(row)
        if skip_existing:
            cursor.execute(
                f'INSERT INTO "{table.name}" ({quoted}) SELECT {quoted} FROM "{target}" '
                "ON CONFLICT (row_hash) DO NOTHING"
            )
            cursor.execute(f'DROP TABLE "{target}"')
