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
SYSTEM = ("id", "created_at", "updated_at", "author", "version", "is_demo", "import_id", "row_hash")


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
        # Rows that came from a file: which import, and a hash of the row to refuse duplicates.
        sa.Column("import_id", sa.String(36), nullable=True),
        sa.Column("row_hash", sa.String(64), nullable=True),
    ]
    columns += [_column(f) for f in layer.fields]
    # A row of a file is stored once per layer, also when two imports of it run at once.
    indexes = [
        sa.Index(f"ix_{layer.name}_is_demo", "is_demo"),
        sa.Index(f"ix_{layer.name}_row_hash", "row_hash", unique=True),
    ]
    indexes += [sa.Index(f"ix_{layer.name}_{f.name}", f.name) for f in layer.fields if f.indexed]
    if layer.geometry:
        columns.append(sa.Column("geom", sa.LargeBinary, nullable=True))
        columns += [sa.Column(c, sa.Float, nullable=True) for c in BBOX]
        indexes.append(sa.Index(f"ix_{layer.name}_bbox", *BBOX))
    return sa.Table(layer.name, metadata, *columns, *indexes)


def _import_tables(metadata: sa.MetaData) -> None:
    """Every file imported, and every row of it that could not be accepted (kept to fix and re-import)."""
    sa.Table(
        "imports",
        metadata,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("layer", sa.Text, nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("file_hash", sa.String(64), nullable=False, index=True),
        sa.Column("chapter_id", sa.Text, nullable=True),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
    )
    sa.Table(
        "rejected_rows",
        metadata,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("import_id", sa.String(36), nullable=False, index=True),
        sa.Column("row_number", sa.Integer, nullable=False),
        sa.Column("row_hash", sa.String(64), nullable=False, index=True),
        sa.Column("raw", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def build_metadata() -> sa.MetaData:
    """Metadata with one table per stored layer, plus the import bookkeeping tables."""
    metadata = sa.MetaData()
    for layer in STORED_LAYERS:
        _table(layer, metadata)
    _import_tables(metadata)
    return metadata


METADATA = build_metadata()
