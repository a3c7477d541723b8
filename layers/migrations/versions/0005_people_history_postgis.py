"""people, history, soft deletes and a PostGIS geometry

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 12:40:00
"""

import sqlalchemy as sa
from alembic import op

from layers.errors import StoreError

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LAYERS = ("battlefields", "cemeteries", "chapters", "reports", "trips")
WITH_GEOMETRY = ("battlefields", "cemeteries", "reports", "trips")


def _postgis() -> None:
    """On PostgreSQL the WKB column becomes a PostGIS geometry with a GiST index."""
    try:
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except sa.exc.DBAPIError as exc:
        raise StoreError(
            "Máy chủ PostgreSQL chưa có PostGIS, hoặc tài khoản này không được cài: người quản trị cơ sở dữ liệu "
            "cài gói postgis rồi chạy một lần «CREATE EXTENSION postgis;» trong cơ sở dữ liệu này."
        ) from exc
    for table in WITH_GEOMETRY:
        op.execute(
            f"ALTER TABLE {table} ALTER COLUMN geom TYPE geometry(Geometry,4326) "
            "USING ST_SetSRID(ST_GeomFromWKB(geom), 4326)"
        )
        op.execute(f"CREATE INDEX ix_{table}_geom ON {table} USING GIST (geom)")


def upgrade() -> None:
    for table in LAYERS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column("deleted_by", sa.Text(), nullable=True))
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assigned_team", sa.Text(), nullable=True))
        batch_op.create_index("ix_reports_assigned_team", ["assigned_team"], unique=False)
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("chapter_id", sa.Text(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"], unique=False)
    op.create_table(
        "record_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("layer", sa.Text(), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("import_id", sa.String(length=36), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_record_history_record_id", "record_history", ["record_id"], unique=False)
    op.create_index("ix_record_history_import_id", "record_history", ["import_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        _postgis()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WITH_GEOMETRY:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_geom")
            op.execute(f"ALTER TABLE {table} ALTER COLUMN geom TYPE bytea USING ST_AsBinary(geom)")
    op.drop_table("record_history")
    op.drop_table("sessions")
    op.drop_table("users")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_assigned_team")
        batch_op.drop_column("assigned_team")
    for table in LAYERS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("deleted_by")
            batch_op.drop_column("deleted_at")
