"""The shared server: on PostgreSQL geometry is a real PostGIS column with a GiST index, what
the store writes reads back the same, and a chapter's SQLite file moves into the server with
every record and its history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from shapely.geometry import LineString, Point

from layers.access import system
from layers.errors import StoreError
from layers.seed import load_demo, seed_reference
from layers.store import Store
from tests.cli_helpers import run_module

ROOT = Path(__file__).resolve().parents[2]


def test_geometry_is_a_postgis_column_with_a_gist_index_readable_by_qgis(pg_url):
    store = Store.open(pg_url)
    store.insert("reports", [{"martyr_names": "A", "geometry": Point(106.9, 16.8)}])
    store.insert("trips", [{"name": "T", "geometry": LineString([(106.9, 16.8), (106.95, 16.82)])}])
    with store.engine.connect() as connection:
        kind = connection.execute(
            sa.text(
                "SELECT type, srid FROM geometry_columns WHERE f_table_name = 'reports' AND f_geometry_column = 'geom'"
            )
        ).one()
        indexes = (
            connection.execute(sa.text("SELECT indexdef FROM pg_indexes WHERE tablename = 'reports'")).scalars().all()
        )
        inside = connection.execute(
            sa.text("SELECT COUNT(*) FROM reports WHERE ST_Intersects(geom, ST_MakeEnvelope(106, 16, 107, 17, 4326))")
        ).scalar()
    assert tuple(kind) == ("GEOMETRY", 4326)
    assert any("USING gist (geom)" in i for i in indexes)
    assert inside == 1
    assert store.frame("reports", system()).geometry.iloc[0].equals(Point(106.9, 16.8))
    assert store.frame("trips", system()).geometry.iloc[0].length > 0


def test_a_chapters_sqlite_file_moves_into_the_server_with_its_history_and_counts_checked(db_url, pg_url):
    source = Store.open(db_url)
    seed_reference(source)
    load_demo(source, reports=300)
    reports = source.frame("reports", system())
    report_id = reports.loc[reports["status"] == "new", "id"].iloc[0]  # one the demo's history left alone
    source.update("reports", report_id, {"status": "verifying"}, "qt.ghi", 1)
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    # A server in Vietnam: its sessions' time zone is not UTC, and no time may shift on the way.
    moved = run_module(
        "layers", "migrate-to", pg_url, "--db", db_url, cwd=ROOT, env={**env, "PGTZ": "Asia/Ho_Chi_Minh"}
    )
    assert moved.returncode == 0, moved.stderr
    summary = json.loads(moved.stdout)
    assert summary["moved"]["reports"] == 300 and summary["moved"]["users"] == 6
    assert "@" not in summary["to"] or ":***@" in summary["to"]  # no password printed
    target = Store.open(pg_url)
    assert target.count("reports", system()) == 300
    assert [e["action"] for e in target.history(report_id, system())] == ["import", "update"]
    original = source.frame("reports", system()).set_index("id").sort_index()
    copied = target.frame("reports", system()).set_index("id").sort_index()
    same = original.geometry.geom_equals(copied.geometry) | (original.geometry.isna() & copied.geometry.isna())
    assert same.all() and original.geometry.notna().sum() > 200
    assert (original["witness_phone"].fillna("") == copied["witness_phone"].fillna("")).all()
    made = (
        original["created_at"].dt.tz_localize("UTC") if original["created_at"].dt.tz is None else original["created_at"]
    )
    assert (made == copied["created_at"].dt.tz_convert("UTC")).all()
    target.update("reports", report_id, {"status": "verified"}, "qt.tinh", 2)  # history numbering goes on
    again = run_module("layers", "migrate-to", pg_url, "--db", db_url, cwd=ROOT, env=env)
    assert again.returncode == 2 and "đã có dữ liệu" in again.stderr


def test_migrate_to_refuses_the_same_database_and_a_missing_source(db_url, tmp_path):
    from layers.migrate import migrate_to

    Store.open(db_url)
    with pytest.raises(StoreError):
        migrate_to(db_url, db_url)
    with pytest.raises(StoreError):
        migrate_to(f"sqlite:///{tmp_path / 'none.sqlite'}", db_url)


def test_the_test_server_is_postgis(pg_url):
    with Store.open(pg_url).engine.connect() as connection:
        assert connection.execute(sa.text("SELECT PostGIS_Version()")).scalar()
