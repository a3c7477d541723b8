import pytest
import sqlalchemy as sa
from shapely.geometry import LineString, Point

from layers.errors import StoreError
from layers.store import Store, database_url


def _report(**changes) -> dict:
    record = {
        "martyr_names": "Nguyễn Văn Mẫu; Trần Thị Thử",
        "unit": "C552",
        "year_from": 1968,
        "year_to": 1969,
        "period_text": "mùa khô 1968",
        "place_description": "Cách gốc đa 200 m về phía tây",
        "province_34": "VN-25",
        "uncertainty_m": 250.0,
        "witness_name": "Lê Văn Nhân Chứng",
        "witness_phone": "0123 4000001",
        "status": "new",
        "geometry": Point(107.1944, 16.7469),
    }
    record.update(changes)
    return record


def test_a_report_round_trips_with_its_geometry_and_fields(store):
    store.insert("reports", [_report(), _report(geometry=None, status="verifying")], author="tester")
    frame = store.frame("reports").sort_values("status").reset_index(drop=True)
    assert len(frame) == 2
    first = frame.iloc[0]
    assert first["martyr_names"] == "Nguyễn Văn Mẫu; Trần Thị Thử"
    assert first["period_text"] == "mùa khô 1968"
    assert first.geometry.equals(Point(107.1944, 16.7469))
    assert first["version"] == 1 and first["author"] == "tester" and len(first["id"]) == 36
    assert frame.iloc[1].geometry is None
    assert frame.crs.to_epsg() == 4326


def test_lines_keep_their_vertices_and_bounding_box(store):
    line = LineString([(106.0, 16.0), (106.01, 16.02), (106.03, 16.01)])
    store.insert("trips", [{"name": "Chuyến thử", "geometry": line, "linked_report_ids": ["a", "b"]}])
    trip = store.frame("trips").iloc[0]
    assert trip.geometry.equals(line)
    assert trip["linked_report_ids"] == ["a", "b"]
    with store.engine.connect() as c:
        bbox = c.execute(sa.text("SELECT minx, miny, maxx, maxy FROM trips")).one()
    assert tuple(bbox) == (106.0, 16.0, 106.03, 16.02)


def test_opening_a_new_database_migrates_it_to_the_newest_revision(store):
    assert store.revision() == "0003"
    tables = set(sa.inspect(store.engine).get_table_names())
    assert {"reports", "battlefields", "cemeteries", "trips", "chapters", "alembic_version"} <= tables


def test_every_filter_column_has_an_index(store):
    indexed = {column for index in sa.inspect(store.engine).get_indexes("reports") for column in index["column_names"]}
    assert {
        "province_34",
        "province_63",
        "unit",
        "year_from",
        "year_to",
        "status",
        "chapter_id",
        "confidence",
        "is_demo",
        "minx",
        "miny",
    } <= indexed


def test_sqlite_runs_in_wal_mode(store):
    with store.engine.connect() as c:
        assert c.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"


def test_reopening_keeps_the_data(db_url):
    Store.open(db_url).insert("reports", [_report()])
    assert Store.open(db_url).count("reports") == 1


def test_update_bumps_the_version_and_refuses_a_stale_one(store):
    store.insert("reports", [_report(id="r1")])
    assert store.update("reports", "r1", {"status": "verified"}, author="a", expected_version=1) == 2
    row = store.frame("reports").iloc[0]
    assert (row["status"], row["version"], row["author"]) == ("verified", 2, "a")
    with pytest.raises(StoreError):
        store.update("reports", "r1", {"status": "planned"}, author="b", expected_version=1)
    assert store.frame("reports").iloc[0]["status"] == "verified"


def test_a_failed_insert_leaves_nothing_behind(store):
    bad = _report(id="same")
    with pytest.raises(sa.exc.IntegrityError):
        store.insert("reports", [_report(id="same"), bad])
    assert store.count("reports") == 0


def test_delete_demo_keeps_real_records(store):
    store.insert("reports", [_report(is_demo=True), _report(is_demo=False)])
    store.delete_demo()
    assert store.count("reports") == 1
    assert not store.has_demo()


def test_database_url_comes_from_the_environment(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'other.sqlite'}"
    monkeypatch.setenv("BANDO_DB_URL", url)
    assert database_url() == url
    assert database_url("sqlite:///explicit.sqlite") == "sqlite:///explicit.sqlite"


def test_a_database_that_cannot_be_opened_gives_a_store_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError) as err:
        Store.open(f"sqlite:///{blocker / 'db.sqlite'}")
    assert "\n" not in str(err.value)


def test_a_database_from_the_first_release_is_migrated_with_its_data(db_url):
    from alembic import command

    from layers.store import _alembic_config, _engine

    engine = _engine(db_url)
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0001")
        connection.execute(
            sa.text(
                "INSERT INTO reports (id, created_at, updated_at, author, version, is_demo, martyr_names) "
                "VALUES ('old', '2026-01-01', '2026-01-01', 'v1', 1, 0, 'Nguyễn Văn Cũ')"
            )
        )
    store = Store.open(db_url)
    assert store.revision() == "0003"
    old = store.frame("reports").iloc[0]
    assert old["martyr_names"] == "Nguyễn Văn Cũ"
    assert str(old["received_on"])[:10] == "2026-01-01"  # received no later than it was stored
    assert "rejected_rows" in sa.inspect(store.engine).get_table_names()
