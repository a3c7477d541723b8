import pandas as pd
import pytest
import shapely
import sqlalchemy as sa
from shapely.geometry import LineString, Point

from layers.access import system
from layers.errors import StoreError
from layers.store import Store, database_url
from layers.tables import BBOX


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
    frame = store.frame("reports", system()).sort_values("status").reset_index(drop=True)
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
    trip = store.frame("trips", system()).iloc[0]
    assert trip.geometry.equals(line)
    assert trip["linked_report_ids"] == ["a", "b"]
    with store.engine.connect() as c:
        bbox = c.execute(sa.text("SELECT minx, miny, maxx, maxy FROM trips")).one()
    assert tuple(bbox) == (106.0, 16.0, 106.03, 16.02)


def test_opening_a_new_database_migrates_it_to_the_newest_revision(store):
    assert store.revision() == "0013"
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
    assert Store.open(db_url).count("reports", system()) == 1


def test_update_bumps_the_version_and_refuses_a_stale_one(store):
    store.insert("reports", [_report(id="r1")])
    assert store.update("reports", "r1", {"status": "verified"}, author="a", expected_version=1) == 2
    row = store.frame("reports", system()).iloc[0]
    assert (row["status"], row["version"], row["author"]) == ("verified", 2, "a")
    with pytest.raises(StoreError):
        store.update("reports", "r1", {"status": "planned"}, author="b", expected_version=1)
    assert store.frame("reports", system()).iloc[0]["status"] == "verified"


def test_a_failed_insert_leaves_nothing_behind(store):
    bad = _report(id="same")
    with pytest.raises(sa.exc.IntegrityError):
        store.insert("reports", [_report(id="same"), bad])
    assert store.count("reports", system()) == 0


def test_delete_demo_keeps_real_records(store):
    store.insert("reports", [_report(is_demo=True), _report(is_demo=False)])
    store.delete_demo()
    assert store.count("reports", system()) == 1
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

    engine = _engine(db_url, must_exist=False)
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0001")
        connection.execute(
            sa.text(
                "INSERT INTO reports (id, created_at, updated_at, author, version, is_demo, martyr_names) "
                "VALUES ('old', '2026-01-01', '2026-01-01', 'v1', 1, 0, 'Nguyễn Văn Cũ')"
            )
        )
    store = Store.open(db_url)
    assert store.revision() == "0013"
    old = store.frame("reports", system()).iloc[0]
    assert old["martyr_names"] == "Nguyễn Văn Cũ"
    assert str(old["received_on"])[:10] == "2026-01-01"  # received no later than it was stored
    assert "rejected_rows" in sa.inspect(store.engine).get_table_names()


def _stored_rows(store: Store, layer: str) -> list[tuple]:
    """Every stored value as SQLite holds it (its type and literal: NULL is not the text 'null')."""
    names = [c.name for c in store.table(layer).columns if c.name not in ("created_at", "updated_at")]
    values = ", ".join(f'typeof("{n}"), quote("{n}")' for n in names)
    with store.engine.connect() as connection:
        return connection.exec_driver_sql(f'SELECT {values} FROM "{layer}" ORDER BY id').all()


def test_insert_stores_exactly_what_sqlalchemys_own_insert_stores(tmp_path):
    """Store.insert hands SQLite its rows itself; every type must come out as SQLAlchemy writes it."""
    from datetime import UTC, date, datetime

    from shapely.geometry import Polygon

    records = [
        _report(id="a", received_on=date(2026, 4, 5), chapter_id="hoi-qt", is_demo=True),
        _report(id="b", geometry=None, notes="dòng 1\ndòng 2", created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        _report(id="c", geometry=Point(), remains_count=0, uncertainty_m=None),
        _report(id="d", geometry=Polygon([(107, 16), (107.1, 16), (107.1, 16.1)]), province_34=None),
    ]
    trips = [
        {"id": "t1", "name": "Chuyến 1", "date_from": date(2026, 5, 1), "linked_report_ids": ["a", "b"]},
        {"id": "t2", "name": "Chuyến 2", "linked_report_ids": None, "geometry": LineString([(107, 16), (107.1, 16)])},
    ]
    alone = [{"id": "t3", "name": "Chuyến 3", "linked_report_ids": None}]  # a batch whose JSON is all None
    ours = Store.open(f"sqlite:///{tmp_path / 'ours.sqlite'}")
    ours.insert("reports", records, author="tester")
    ours.insert("trips", trips, author="tester")
    ours.insert("trips", alone, author="tester")
    theirs = Store.open(f"sqlite:///{tmp_path / 'theirs.sqlite'}")
    with theirs.engine.begin() as connection:
        for layer, batch in (("reports", records), ("trips", trips), ("trips", alone)):
            table = theirs.table(layer)
            now = datetime.now(UTC)
            rows = []
            for record in batch:
                row = {c.name: record.get(c.name) for c in table.columns}
                row.update(created_at=record.get("created_at", now), updated_at=now, author="tester", version=1)
                row["is_demo"] = bool(record.get("is_demo", False))
                geometry = record.get("geometry")
                row["geom"] = None if geometry is None else shapely.to_wkb(geometry)
                empty = geometry is None or geometry.is_empty
                row.update(zip(BBOX, [None] * 4 if empty else shapely.bounds(geometry).tolist(), strict=True))
                rows.append(row)
            connection.execute(table.insert(), rows)
    with ours.engine.begin() as connection:  # each report got a site of its own (a random id)
        assert connection.exec_driver_sql("SELECT count(*) FROM sites").scalar() == len(records)
        connection.exec_driver_sql("UPDATE reports SET site_id = NULL")
    for layer in ("reports", "trips"):
        assert _stored_rows(ours, layer) == _stored_rows(theirs, layer)
    given_time = "SELECT created_at FROM reports WHERE id = 'b'"  # as stored, text on SQLite
    with ours.engine.connect() as mine, theirs.engine.connect() as reference:
        assert mine.exec_driver_sql(given_time).scalar() == reference.exec_driver_sql(given_time).scalar()


def test_records_without_an_id_get_distinct_uuid4_ids(store):
    import uuid

    store.insert("reports", [_report() for _ in range(500)])
    ids = list(store.frame("reports", system())["id"])
    assert len(set(ids)) == len(ids) == 500
    for value in ids:
        parsed = uuid.UUID(value)
        assert str(parsed) == value and parsed.version == 4


def test_an_insert_leaves_the_connections_page_cache_as_it_found_it(store):
    with store.engine.begin() as connection:
        before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        store.insert("reports", [_report(), _report(id="given")], connection=connection)
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == before
    assert "given" in set(store.frame("reports", system())["id"])


def test_rows_stored_twice_by_parallel_imports_before_0004_are_kept_when_the_hash_becomes_unique(any_db_url):
    from alembic import command

    from layers.store import _alembic_config, _engine

    engine = _engine(any_db_url, must_exist=False)
    insert = sa.text(
        "INSERT INTO reports (id, created_at, updated_at, author, version, is_demo, martyr_names, row_hash, "
        "province_34) VALUES (:id, :at, :at, 'v3', 1, :no, 'Lê Văn Hai', 'same', 'VN-25')"
    )
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0003")
        for report_id, day in (("z-first", "2026-01-01"), ("a-second", "2026-01-02")):
            connection.execute(insert, {"id": report_id, "at": day, "no": False})
        connection.execute(
            sa.text(
                "INSERT INTO trips (id, created_at, updated_at, author, version, is_demo, notes) "
                "VALUES ('t', '2026-01-01', '2026-01-01', 'v3', 1, :no, 'Điểm đánh dấu: Nhà ông Tám (16.7, 107.1)')"
            ),
            {"no": False},
        )
        connection.execute(
            sa.text(
                "INSERT INTO chapters (id, created_at, updated_at, author, version, is_demo, name) "
                "VALUES ('chapter-vn-25', '2026-01-01', '2026-01-01', 'demo', 1, :yes, 'Hội Cựu TNXP tỉnh Quảng Trị')"
            ),
            {"yes": True},
        )
    engine.dispose()
    store = Store.open(any_db_url)
    reports = store.frame("reports", system()).set_index("id")
    assert sorted(reports.index) == ["a-second", "z-first"]  # nothing lost
    assert reports.loc["z-first", "row_hash"] == "same" and pd.isna(reports.loc["a-second", "row_hash"])
    assert set(reports["country"]) == {"VN"}
    trip = store.frame("trips", system()).iloc[0]
    assert trip["waypoints"] == "Nhà ông Tám (16.7, 107.1)" and pd.isna(trip["notes"])
    assert not store.frame("chapters", system()).iloc[0]["is_demo"]
    store.engine.dispose()


def test_migration_0008_gives_stored_reports_their_district_commune_and_approximate_area(any_db_url):
    from alembic import command

    from layers.store import _alembic_config, _engine

    engine = _engine(any_db_url, must_exist=False)
    point = shapely.Point(107.08, 16.8517)
    geom = "ST_GeomFromWKB(:wkb, 4326)" if engine.dialect.name == "postgresql" else ":wkb"
    insert = sa.text(
        "INSERT INTO reports (id, created_at, updated_at, author, version, is_demo, martyr_names, "
        f"place_description, province_34, geom, minx, miny, maxx, maxy) VALUES (:id, '2026-01-01', '2026-01-01', "
        f"'v7', 1, :no, :name, :place, :province, {geom}, :x, :y, :x, :y)"
    )
    rows = [
        {"id": "located", "name": "Có Tọa Độ", "place": "đường 9", "province": "VN-25", "x": point.x, "y": point.y},
        {"id": "told", "name": "Theo Lời Kể", "place": "xã Gio An, huyện Gio Linh", "province": None},
        {"id": "vague", "name": "Mơ Hồ", "place": "gốc đa đầu làng", "province": "VN-25"},
    ]
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0007")
        for row in rows:
            located = row["id"] == "located"
            connection.execute(
                insert,
                {"x": None, "y": None, **row, "no": False, "wkb": shapely.to_wkb(point) if located else None},
            )
    engine.dispose()
    store = Store.open(any_db_url)
    assert store.revision() == "0013"
    reports = store.frame("reports", system()).set_index("id")
    located, told, vague = (reports.loc[i] for i in ("located", "told", "vague"))
    assert located["position_source"] == "measured" and located["district_63"] and located["commune_34"]
    assert told["position_source"] == "place_name" and told["geometry"] is None
    assert "Gio An" in told["area_place"] and told["area_radius_m"] > 0
    assert pd.isna(told["province_34"])  # never moved to a province (a chapter's work) without history
    assert vague["position_source"] == "unknown" and pd.isna(vague["area_lat"])
    assert store.history("told", system()) == []  # derived from what the record said: no new history
    store.engine.dispose()
