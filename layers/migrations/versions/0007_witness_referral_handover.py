"""case work fields: the witness's birth year and frailty, the referral's answer, the handover

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 15:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("witness_birth_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("witness_frail", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("referral", sa.Text(), nullable=True))
        batch_op.create_index("ix_reports_referral", ["referral"], unique=False)
    with op.batch_alter_table("trips", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handed_over_to", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("handed_over_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("trips", schema=None) as batch_op:
        batch_op.drop_column("handed_over_on")
        batch_op.drop_column("handed_over_to")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_referral")
        batch_op.drop_column("referral")
        batch_op.drop_column("witness_frail")
        batch_op.drop_column("witness_birth_year")
