"""SQLAlchemy tables built from the layer declarations.

Geometry is WKB on SQLite and a PostGIS geometry on PostgreSQL (layers.backends.geometry),
kept beside its bounding box (minx, miny, maxx, maxy) so that the store's area filters are
plain SQL on both. A record is deleted softly (deleted_at, deleted_by) and purged only by an
administrator. Users, their sessions and every change's history have tables of their own.
"""

from __future__ import annotations

import sqlalchemy as sa

from layers.backends.geometry import Geometry
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
SYSTEM = (
    "id",
    "created_at",
    "updated_at",
    "author",
    "version",
    "is_demo",
    "import_id",
    "row_hash",
    "deleted_at",
    "deleted_by",
)


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
        # A deleted record stays until an administrator purges it: restorable, and in the history.
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.Text, nullable=True),
    ]
    columns += [_column(f) for f in layer.fields]
    # A row of a file is stored once per layer, also when two imports of it run at once.
    indexes = [
        sa.Index(f"ix_{layer.name}_is_demo", "is_demo"),
        sa.Index(f"ix_{layer.name}_row_hash", "row_hash", unique=True),
    ]
    indexes += [sa.Index(f"ix_{layer.name}_{f.name}", f.name) for f in layer.fields if f.indexed]
    if layer.geometry:
        columns.append(sa.Column("geom", Geometry, nullable=True))
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


def _people_tables(metadata: sa.MetaData) -> None:
    """The people who sign in, their open sessions, and the history of every change they make."""
    sa.Table(
        "users",
        metadata,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("username", sa.Text, nullable=False, unique=True),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("chapter_id", sa.Text, nullable=True),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("failed_sign_ins", sa.Integer, nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_demo", sa.Boolean, nullable=False),
        # The name the person agreed may be shown on the public pages (commendations); none: never named.
        sa.Column("public_name", sa.Text, nullable=True),
    )
    sa.Table(
        "sessions",
        metadata,
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(36), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    sa.Table(
        "record_history",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("layer", sa.Text, nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("import_id", sa.String(36), nullable=True, index=True),
        sa.Column("is_demo", sa.Boolean, nullable=False),
    )


def _case_tables(metadata: sa.MetaData) -> None:
    """What reviewers decided about suggested pairs of testimonies (a rejected pair is not
    suggested again), the public intake page's attempts (its rate limits, with the address and
    session kept only as keyed hashes), and the files attached to records (stored by content
    hash outside the database, layers.attachments)."""
    sa.Table(
        "pair_decisions",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("report_a", sa.String(36), nullable=False),
        sa.Column("report_b", sa.String(36), nullable=False),
        sa.Column("decision", sa.Text, nullable=False),  # "same" or "different"
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_demo", sa.Boolean, nullable=False),
        sa.UniqueConstraint("report_a", "report_b", name="uq_pair_decisions_pair"),
    )
    sa.Table(
        "intake_attempts",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("address_key", sa.String(64), nullable=False, index=True),
        sa.Column("session_key", sa.String(64), nullable=False, index=True),
        sa.Column("accepted", sa.Boolean, nullable=False),
    )
    sa.Table(
        "attachments",
        metadata,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("layer", sa.Text, nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False, index=True),
        sa.Column("sha256", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.Text, nullable=False),  # image, document, audio, video
        sa.Column("media_type", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("original_name", sa.Text, nullable=True),
        sa.Column("caption", sa.Text, nullable=True),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("gps_lat", sa.Float, nullable=True),
        sa.Column("gps_lon", sa.Float, nullable=True),
        sa.Column("gps_accuracy_m", sa.Float, nullable=True),  # EXIF's horizontal error, when the phone gave one
        sa.Column("private", sa.Boolean, nullable=False),
        sa.Column("is_demo", sa.Boolean, nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        # Marked by the chapter as one that may go to partner units (never its EXIF).
        sa.Column("shareable", sa.Boolean, nullable=False, server_default=sa.false()),
        # Marked by a chapter leader, with the consent of the people visible, as one the public
        # progress page shows (a trip's photo or video; its metadata taken out: layers.stories).
        sa.Column("public", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Index("ix_attachments_author_created_at", "author", "created_at"),
    )
    # The central association's commendations (biểu dương) of a period: a note on a chapter or a
    # team of the ranked list (layers.commendations), and whether it is published.
    sa.Table(
        "commendations",
        metadata,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("subject_kind", sa.Text, nullable=False),  # "chapter" or "team"
        sa.Column("subject_id", sa.Text, nullable=False),  # a chapter's id, a team account's username
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("published", sa.Boolean, nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("is_demo", sa.Boolean, nullable=False),
        sa.UniqueConstraint(
            "period_start", "period_end", "subject_kind", "subject_id", name="uq_commendations_subject"
        ),
    )


def _version_table(metadata: sa.MetaData) -> None:
    # One row: the data's version, bumped in the transaction of every write (layers.freshness).
    sa.Table(
        "data_version",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("n", sa.BigInteger, nullable=False),
    )


def build_metadata() -> sa.MetaData:
    """Metadata with one table per stored layer, the import bookkeeping, users and history."""
    metadata = sa.MetaData()
    for layer in STORED_LAYERS:
        _table(layer, metadata)
    _import_tables(metadata)
    _people_tables(metadata)
    _case_tables(metadata)
    _version_table(metadata)
    return metadata


METADATA = build_metadata()
