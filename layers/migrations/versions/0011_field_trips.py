"""field trips: a trip's planned itinerary, and the observations a team brings back from it

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 03:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BBOX = ("minx", "miny", "maxx", "maxy")
ROUTE = (("route_site_ids", sa.JSON), ("route_start", sa.Text), ("route_length_m", sa.Float))
# (name, type, indexed) as the layer declares them at this revision.
OBSERVATION_COLUMNS = (
    ("trip_id", sa.Text, True),
    ("site_id", sa.Text, True),
    ("site_name", sa.Text, False),
    ("chapter_id", sa.Text, True),
    ("province_34", sa.Text, True),
    ("finding", sa.Text, True),
    ("remains_count", sa.Integer, False),
    ("note", sa.Text, False),
    ("photo", sa.Text, False),
    ("observed_at", lambda: sa.DateTime(timezone=True), False),
    ("status", sa.Text, True),
)


def upgrade() -> None:
    with op.batch_alter_table("trips", schema=None) as batch_op:
        for name, kind in ROUTE:
            batch_op.add_column(sa.Column(name, kind(), nullable=True))
    op.create_table(
        "observations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("import_id", sa.String(length=36), nullable=True),
        sa.Column("row_hash", sa.String(length=64), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.Text(), nullable=True),
        *(sa.Column(name, kind(), nullable=True) for name, kind, _ in OBSERVATION_COLUMNS),
        sa.Column("geom", sa.LargeBinary(), nullable=True),
        *(sa.Column(name, sa.Float(), nullable=True) for name in BBOX),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.create_index("ix_observations_bbox", list(BBOX), unique=False)
        batch_op.create_index("ix_observations_is_demo", ["is_demo"], unique=False)
        batch_op.create_index("ix_observations_row_hash", ["row_hash"], unique=True)
        for name, _, indexed in OBSERVATION_COLUMNS:
            if indexed:
                batch_op.create_index(f"ix_observations_{name}", [name], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE observations ALTER COLUMN geom TYPE geometry(Geometry,4326) "
            "USING ST_SetSRID(ST_GeomFromWKB(geom), 4326)"
        )
        op.execute("CREATE INDEX ix_observations_geom ON observations USING GIST (geom)")


def downgrade() -> None:
    op.drop_table("observations")
    with op.batch_alter_table("trips", schema=None) as batch_op:
        for name, _ in reversed(ROUTE):
            batch_op.drop_column(name)
