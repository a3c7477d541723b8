"""sites (điểm mộ) grouping testimonies, the witness's consent, the public intake page's receipts
and attempts, reviewers' pair decisions, attachments

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 21:30:00

Every stored report gets a site of its own, holding the status its case work reached; the
status steps in the report's history are copied to the site's history (who, when, why), so the
workflow that now moves on the site keeps its past (layers.sites.adopt).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SITE_TEXT = (
    "name",
    "martyr_names",
    "unit",
    "province_34",
    "province_63",
    "district_63",
    "commune_63",
    "commune_34",
    "country",
    "position_source",
    "chapter_id",
    "assigned_team",
    "referral",
    "status",
    "duplicate_of",
    "identification_ref",
    "confidence",
    "notes",
)
SITE_INT = ("year_from", "year_to", "testimony_count", "witness_count", "remains_count")
SITE_FLOAT = ("uncertainty_m", "area_lat", "area_lon", "area_radius_m", "spread_m")
SITE_INDEXED = (
    "unit",
    "year_from",
    "year_to",
    "province_34",
    "province_63",
    "district_63",
    "commune_63",
    "commune_34",
    "country",
    "position_source",
    "testimony_count",
    "witness_count",
    "received_on",
    "chapter_id",
    "assigned_team",
    "referral",
    "status",
    "duplicate_of",
    "confidence",
)
BBOX = ("minx", "miny", "maxx", "maxy")
SYSTEM = ("id", "created_at", "updated_at", "author", "version", "is_demo", "import_id", "row_hash")
SITE_COLUMNS = (
    *SYSTEM,
    "deleted_at",
    "deleted_by",
    *SITE_TEXT,
    *SITE_INT,
    *SITE_FLOAT,
    "positions_conflict",
    "received_on",
    "geom",
    *BBOX,
)
# What a site is summarised from, as reports hold it at this revision.
REPORT_COLUMNS = (
    "id",
    "created_at",
    "is_demo",
    "import_id",
    "deleted_at",
    "deleted_by",
    "martyr_names",
    "unit",
    "year_from",
    "year_to",
    "historical_place",
    "province_34",
    "province_63",
    "district_63",
    "commune_63",
    "commune_34",
    "country",
    "area_lat",
    "area_lon",
    "area_radius_m",
    "area_place",
    "uncertainty_m",
    "remains_count",
    "received_on",
    "witness_name",
    "witness_phone",
    "chapter_id",
    "assigned_team",
    "referral",
    "status",
    "duplicate_of",
    "identification_ref",
    "confidence",
    "site_id",
    "geom",
)


def _sites() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "sites",
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
        *(sa.Column(name, sa.Text(), nullable=True) for name in SITE_TEXT),
        *(sa.Column(name, sa.Integer(), nullable=True) for name in SITE_INT),
        *(sa.Column(name, sa.Float(), nullable=True) for name in SITE_FLOAT),
        sa.Column("positions_conflict", sa.Boolean(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("geom", sa.LargeBinary(), nullable=True),
        *(sa.Column(name, sa.Float(), nullable=True) for name in BBOX),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.create_index("ix_sites_bbox", list(BBOX), unique=False)
        batch_op.create_index("ix_sites_is_demo", ["is_demo"], unique=False)
        batch_op.create_index("ix_sites_row_hash", ["row_hash"], unique=True)
        for name in SITE_INDEXED:
            batch_op.create_index(f"ix_sites_{name}", [name], unique=False)
    if postgres:
        op.execute(
            "ALTER TABLE sites ALTER COLUMN geom TYPE geometry(Geometry,4326) "
            "USING ST_SetSRID(ST_GeomFromWKB(geom), 4326)"
        )
        op.execute("CREATE INDEX ix_sites_geom ON sites USING GIST (geom)")


def _case_tables() -> None:
    op.create_table(
        "pair_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("report_a", sa.String(length=36), nullable=False),
        sa.Column("report_b", sa.String(length=36), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_a", "report_b", name="uq_pair_decisions_pair"),
    )
    op.create_table(
        "intake_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("session_key", sa.String(length=64), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("intake_attempts", schema=None) as batch_op:
        for name in ("at", "address_key", "session_key"):
            batch_op.create_index(f"ix_intake_attempts_{name}", [name], unique=False)
    op.create_table(
        "attachments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("layer", sa.Text(), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("media_type", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.Text(), nullable=True),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("gps_lat", sa.Float(), nullable=True),
        sa.Column("gps_lon", sa.Float(), nullable=True),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index("ix_attachments_record_id", ["record_id"], unique=False)
        batch_op.create_index("ix_attachments_sha256", ["sha256"], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        for name in ("witness_consent", "witness_knows", "receipt_code", "site_id"):
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))
        batch_op.create_index("ix_reports_receipt_code", ["receipt_code"], unique=False)
        batch_op.create_index("ix_reports_site_id", ["site_id"], unique=False)
    _sites()
    _case_tables()
    from layers.sites import give_sites

    give_sites(op.get_bind(), REPORT_COLUMNS, SITE_COLUMNS)


def downgrade() -> None:
    op.drop_table("attachments")
    op.drop_table("intake_attempts")
    op.drop_table("pair_decisions")
    op.drop_table("sites")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_site_id")
        batch_op.drop_index("ix_reports_receipt_code")
        for name in ("site_id", "receipt_code", "witness_knows", "witness_consent"):
            batch_op.drop_column(name)
