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
    from geo.admin import province_names
    from layers.places import admin_columns, area_of

    reports = sa.table(
        "reports",
        sa.column("id"),
        sa.column("minx"),
        sa.column("miny"),
        sa.column("place_description"),
        sa.column("historical_place"),
        sa.column("province_34"),
        sa.column("province_63"),
        *(sa.column(name) for name in (*TEXT, *FLOAT)),
    )
    rows = connection.execute(
        sa.select(
            reports.c.id,
            reports.c.minx,
            reports.c.miny,
            reports.c.place_description,
            reports.c.historical_place,
            reports.c.province_34,
            reports.c.province_63,
        )
    ).all()
    located = [r for r in rows if r.minx is not None]
    updates = [
        {"_id": r.id, **fields}
        for r, fields in zip(located, admin_columns([r.minx for r in located], [r.miny for r in located]), strict=True)
    ]
    names = province_names("34")
    for r in rows:
        if r.minx is not None:
            continue
        record = {"place_description": r.place_description, "historical_place": r.historical_place}
        fields, _ = area_of(record, names.get(r.province_34) if r.province_34 else None)
        if r.province_34 is not None and fields.get("province_34") not in (None, r.province_34):
            fields, _ = area_of({}, None)  # read as another province than the record's: left unknown
        province_34 = fields.pop("province_34", None) or r.province_34
        province_63 = fields.pop("province_63", None) or r.province_63
        updates.append({"_id": r.id, **fields, "province_34": province_34, "province_63": province_63})
    for start in range(0, len(updates), BATCH):
        chunk = updates[start : start + BATCH]
        for keys in {tuple(sorted(u)) for u in chunk}:
            same = [u for u in chunk if tuple(sorted(u)) == keys]
            # bind names differ from the columns': SQLAlchemy keeps a column's own name for itself
            values = {k: sa.bindparam(f"v_{k}") for k in keys if k != "_id"}
            params = [{f"v_{k}" if k != "_id" else k: v for k, v in u.items()} for u in same]
            connection.execute(reports.update().where(reports.c.id == sa.bindparam("_id")).values(values), params)


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        for name in INDEXED:
            batch_op.drop_index(f"ix_reports_{name}")
        for name in (*FLOAT, *TEXT):
            batch_op.drop_column(name)
