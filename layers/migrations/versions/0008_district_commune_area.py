"""place below the province: district and commune, position source, approximate area

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 19:00:00

Records already stored get what new ones get (layers.places): a located report its district
and communes from its point, a report without one the approximate area its place name reads
as. These are derived from what the record already says, so no history row is written for them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TEXT = ("district_63", "commune_63", "commune_34", "position_source", "area_place")
FLOAT = ("area_lat", "area_lon", "area_radius_m")
INDEXED = ("district_63", "commune_63", "commune_34", "position_source")
BATCH = 5_000


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        for name in TEXT:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))
        for name in FLOAT:
            batch_op.add_column(sa.Column(name, sa.Float(), nullable=True))
        for name in INDEXED:
            batch_op.create_index(f"ix_reports_{name}", [name], unique=False)
    _fill(op.get_bind())


def _fill(connection: sa.Connection) -> None:
    """Every stored report's derived place fields, BATCH rows at a time (by id, so memory stays
    bounded). The province is never changed here: that would move a report to another chapter's
    work without a history row."""
    from layers.places import admin_columns, area_of

    reports = sa.table(
        "reports",
        sa.column("id"),
        sa.column("minx"),
        sa.column("miny"),
        sa.column("place_description"),
        sa.column("historical_place"),
        sa.column("province_34"),
        *(sa.column(name) for name in (*TEXT, *FLOAT)),
    )
    columns = (reports.c.id, reports.c.minx, reports.c.miny, reports.c.place_description)
    columns += (reports.c.historical_place, reports.c.province_34)
    last = ""
    while True:
        query = sa.select(*columns).where(reports.c.id > last).order_by(reports.c.id).limit(BATCH)
        rows = connection.execute(query).all()
        if not rows:
            return
        last = rows[-1].id
        located = [r for r in rows if r.minx is not None]
        points = admin_columns([r.minx for r in located], [r.miny for r in located])
        updates = [{"_id": r.id, **fields} for r, fields in zip(located, points, strict=True)]
        for r in rows:
            if r.minx is None:
                record = {"place_description": r.place_description, "historical_place": r.historical_place}
                fields, _ = area_of(record, r.province_34)
                fields.pop("province_34", None)
                fields.pop("province_63", None)
                updates.append({"_id": r.id, **fields})
        # bind names differ from the columns': SQLAlchemy keeps a column's own name for itself
        values = {name: sa.bindparam(f"v_{name}") for name in (*TEXT, *FLOAT)}
        params = [{"_id": u["_id"], **{f"v_{name}": u.get(name) for name in (*TEXT, *FLOAT)}} for u in updates]
        connection.execute(reports.update().where(reports.c.id == sa.bindparam("_id")).values(values), params)


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        for name in INDEXED:
            batch_op.drop_index(f"ix_reports_{name}")
        for name in (*FLOAT, *TEXT):
            batch_op.drop_column(name)
