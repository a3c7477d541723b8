"""SQLAlchemy tables built from the layer declarations.

Geometry is kept as WKB in a binary column beside its bounding box (minx, miny,
maxx, maxy): plain SQL on SQLite and PostgreSQL alike, so callers never use
SQLite-only functions, and a move to a PostGIS geometry column stays inside the store.
"""

from __future__ import annotations

import sqlalchemy as sa

from layers.schema import STORED_LAYERS, Field, Layer

_TYPES = {
    "text": sa.Text,
    "int": sa.Integer,
    "float": sa.Float,
    "date": sa.Date,
    "datetime": lambda: sa.DateTime(timezone=True),
    "bool": sa.Boolean,
    "json": sa.JSON,
}
BBOX = ("minx", "miny", "maxx", "maxy")
SYSTEM = ("id", "created_at", "updated_at", "author", "version", "is_demo")


def _column(f: Field) -> sa.Column:
    return sa.Column(f.name, _TYPES[f.type](), nullable=True)


def _table(layer: Layer, metadata: sa.MetaData) -> sa.Table:
    columns: list[sa.Column] = [
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("is_demo", sa.Boolean, nullable=False),
    ]
    columns += [_column(f) for f in layer.fields]
    indexes = [sa.Index(f"ix_{layer.name}_is_demo", "is_demo")]
    indexes += [sa.Index(f"ix_{layer.name}_{f.name}", f.name) for f in layer.fields if f.indexed]
    if layer.geometry:
        columns.append(sa.Column("geom", sa.LargeBinary, nullable=True))
        columns += [sa.Column(c, sa.Float, nullable=True) for c in BBOX]
        indexes.append(sa.Index(f"ix_{layer.name}_bbox", *BBOX))
    return sa.Table(layer.name, metadata, *columns, *indexes)


def build_metadata() -> sa.MetaData:
    """Metadata with one table per stored layer."""
    metadata = sa.MetaData()
    for layer in STORED_LAYERS:
        _table(layer, metadata)
    return metadata


METADATA = build_metadata()
