"""the public face: a trip's public story, public trip files, names people agreed to show, commendations

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

STORY = (("story", sa.Text), ("story_public", sa.Boolean))


def upgrade() -> None:
    with op.batch_alter_table("trips", schema=None) as batch_op:
        for name, kind in STORY:
            batch_op.add_column(sa.Column(name, kind(), nullable=True))
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_name", sa.Text(), nullable=True))
    op.create_table(
        "commendations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("subject_kind", sa.Text(), nullable=False),
        sa.Column("subject_id", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "period_start", "period_end", "subject_kind", "subject_id", name="uq_commendations_subject"
        ),
    )


def downgrade() -> None:
    op.drop_table("commendations")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("public_name")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_column("public")
    with op.batch_alter_table("trips", schema=None) as batch_op:
        for name, _ in reversed(STORY):
            batch_op.drop_column(name)
