"""reports.received_on (day a report reached a chapter) and trips.remains_handed_over

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("received_on", sa.Date(), nullable=True))
        batch_op.create_index("ix_reports_received_on", ["received_on"], unique=False)
    # Reports stored before this revision were received no later than they were stored: the day
    # they were stored, in Vietnam (UTC+7), whatever the database server's zone.
    if op.get_bind().dialect.name == "postgresql":
        day = "(created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
    else:  # SQLite keeps UTC text
        day = "DATE(created_at, '+7 hours')"
    op.execute(f"UPDATE reports SET received_on = {day} WHERE received_on IS NULL")
    with op.batch_alter_table("trips", schema=None) as batch_op:
        batch_op.add_column(sa.Column("remains_handed_over", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("trips", schema=None) as batch_op:
        batch_op.drop_column("remains_handed_over")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_received_on")
        batch_op.drop_column("received_on")
