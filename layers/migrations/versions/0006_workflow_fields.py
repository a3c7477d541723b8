"""workflow fields: the report a duplicate repeats, the identification reference

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 14:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("duplicate_of", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("identification_ref", sa.Text(), nullable=True))
        batch_op.create_index("ix_reports_duplicate_of", ["duplicate_of"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_duplicate_of")
        batch_op.drop_column("identification_ref")
        batch_op.drop_column("duplicate_of")
