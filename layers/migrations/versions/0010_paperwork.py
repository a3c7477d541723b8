"""paperwork: recognition cases and their confirming witnesses, the sites' hand-over, attachments
that may go to partners

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 00:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _system() -> tuple[sa.Column, ...]:
    return (
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
    )


# (name, type, indexed) as the layers declare them at this revision.
CASE_COLUMNS = (
    ("person_name", sa.Text, False),
    ("birth_year", sa.Integer, False),
    ("hometown", sa.Text, False),
    ("unit", sa.Text, True),
    ("death_date", sa.Text, False),
    ("death_year", sa.Integer, True),
    ("death_place", sa.Text, False),
    ("circumstances", sa.Text, False),
    ("province_34", sa.Text, True),
    ("chapter_id", sa.Text, True),
    ("status", sa.Text, True),
    ("step_on", sa.Date, True),
    ("applicant_name", sa.Text, False),
    ("applicant_phone", sa.Text, False),
    ("applicant_relation", sa.Text, False),
    ("report_ids", sa.JSON, False),
    ("site_ids", sa.JSON, False),
    ("notes", sa.Text, False),
    ("private_notes", sa.Text, False),
)
WITNESS_COLUMNS = (
    ("case_id", sa.Text, True),
    ("chapter_id", sa.Text, True),
    ("name", sa.Text, False),
    ("birth_year", sa.Integer, False),
    ("phone", sa.Text, False),
    ("address", sa.Text, False),
    ("relation", sa.Text, False),
    ("served_with", sa.Text, False),
    ("statement", sa.Text, False),
    ("signed_on", sa.Date, False),
)
HANDOVER = (("handed_over_to", sa.Text), ("handed_over_on", sa.Date), ("handed_over_by", sa.Text))


def _layer_table(name: str, columns: tuple) -> None:
    op.create_table(
        name,
        *_system(),
        *(sa.Column(column, kind(), nullable=True) for column, kind, _ in columns),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(f"ix_{name}_is_demo", ["is_demo"], unique=False)
        batch_op.create_index(f"ix_{name}_row_hash", ["row_hash"], unique=True)
        for column, _, indexed in columns:
            if indexed:
                batch_op.create_index(f"ix_{name}_{column}", [column], unique=False)


def upgrade() -> None:
    _layer_table("recognition_cases", CASE_COLUMNS)
    _layer_table("recognition_witnesses", WITNESS_COLUMNS)
    with op.batch_alter_table("sites", schema=None) as batch_op:
        for name, kind in HANDOVER:
            batch_op.add_column(sa.Column(name, kind(), nullable=True))
        batch_op.create_index("ix_sites_handed_over_on", ["handed_over_on"], unique=False)
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gps_accuracy_m", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("shareable", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index("ix_attachments_author_created_at", ["author", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_attachments_author_created_at")
        batch_op.drop_column("shareable")
        batch_op.drop_column("gps_accuracy_m")
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_index("ix_sites_handed_over_on")
        for name, _ in reversed(HANDOVER):
            batch_op.drop_column(name)
    op.drop_table("recognition_witnesses")
    op.drop_table("recognition_cases")
