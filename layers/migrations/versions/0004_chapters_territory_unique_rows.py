"""Chapters as reference data (parent chapter), reports abroad (country, Lao or Cambodian
province), trips' waypoints kept private, and a row hash that is unique per layer, so that parallel imports of one file
store each row once.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LAYERS = ("reports", "battlefields", "cemeteries", "trips", "chapters")


def _forget_repeated_hashes(table: str) -> None:
    """Rows stored twice by imports that ran at once before this revision: every record is
    kept, and only the first stored of each repeated hash keeps the hash (the others are then
    no longer recognised as a file's row, which is what they were: copies)."""
    op.execute(
        f"UPDATE {table} SET row_hash = NULL WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER "
        f"(PARTITION BY row_hash ORDER BY created_at, id) AS n FROM {table} WHERE row_hash IS NOT NULL) AS ranked "
        f"WHERE n > 1)"
    )


WAYPOINTS = "Điểm đánh dấu: "  # how imports before this revision began a trip's notes with its waypoints


def upgrade() -> None:
    for table in LAYERS:
        _forget_repeated_hashes(table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_row_hash")
            batch_op.create_index(f"ix_{table}_row_hash", ["row_hash"], unique=True)
    with op.batch_alter_table("chapters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Text(), nullable=True))
        batch_op.create_index("ix_chapters_parent_id", ["parent_id"], unique=False)
    with op.batch_alter_table("trips", schema=None) as batch_op:
        batch_op.add_column(sa.Column("waypoints", sa.Text(), nullable=True))
    # Waypoint labels imported before were put in the public notes: they move to the private field.
    op.execute(
        sa.text("UPDATE trips SET waypoints = SUBSTR(notes, :start), notes = NULL WHERE notes LIKE :prefix").bindparams(
            start=len(WAYPOINTS) + 1, prefix=WAYPOINTS + "%"
        )
    )
    # The provincial chapters were demo records before they were reference data.
    op.execute(sa.text("UPDATE chapters SET is_demo = :no WHERE id LIKE 'chapter-vn-%'").bindparams(no=False))
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("country", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("abroad_province", sa.Text(), nullable=True))
        batch_op.create_index("ix_reports_country", ["country"], unique=False)
    # A report stored so far has a Vietnamese province or none (nothing abroad was kept).
    op.execute("UPDATE reports SET country = 'VN' WHERE province_34 IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_country")
        batch_op.drop_column("abroad_province")
        batch_op.drop_column("country")
    with op.batch_alter_table("trips", schema=None) as batch_op:
        batch_op.drop_column("waypoints")
    with op.batch_alter_table("chapters", schema=None) as batch_op:
        batch_op.drop_index("ix_chapters_parent_id")
        batch_op.drop_column("parent_id")
    for table in LAYERS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_row_hash")
            batch_op.create_index(f"ix_{table}_row_hash", ["row_hash"], unique=False)
