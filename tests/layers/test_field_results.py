"""A trip's results brought back, on both backends: the team's package, filled as QField writes it
(observation points and a track line appended to the package's GeoPackage with pyogrio, a JPEG
with EXIF GPS in DCIM/, zipped), becomes proposals, the trip's track and attachments with every
row accounted for; the chapter's leaders confirm (the site and its testimonies move, the trip gets
its outcome) or refuse with a note; a team cannot confirm; a partner sees no note or photo;
hostile files are refused with their message."""

from __future__ import annotations

import io
import sqlite3
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj
import pytest
import shapely
import sqlalchemy as sa

from layers import attachments
from layers.access import AccessDenied, system
from layers.campaign import vietnam_today
from layers.errors import LayersError
from layers.exporters.qfield import write_qfield_package
from layers.field_results import confirm, observations_of, proposals, reject
from layers.importers import limits
from layers.importers.errors import UnreadableFile
from layers.importers.field_results import LABELS, RESULTS_BYTES, _sqlite, check_files, import_results
from layers.importers.limits import ROWS
from layers.labels import number
from layers.store import Store
from layers.trips import add_trip
from tests.data.hostile.field_results_build import count_lies
from tests.layers import attachment_samples as samples
from tests.layers.people import build

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
TWO = ["r-qt", "r-qt-assigned"]
NOTE = "Gặp ông Nguyễn Văn Hùng 0912 345 678 dẫn đường"
PHOTO = "DCIM/20260702_093000.jpg"
TODAY = vietnam_today()


@pytest.fixture(autouse=True)
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(tmp_path / "files"))
    return tmp_path


class Trip:
    """A campaign with a planned trip to two verified sites of Quảng Trị's chapter."""

    def __init__(self, store: Store) -> None:
        self.campaign = build(store)
        self.store = store
        for report_id in TWO:
            version = store.record("reports", report_id, system())["version"]
            store.update("reports", report_id, {"status": "verified"}, "test", int(version))
        leader = self.viewer("qt.tinh")
        plan = {
            "team": "Đội 3 Quảng Trị",
            "date_from": (TODAY - timedelta(days=6)).isoformat(),
            "date_to": (TODAY - timedelta(days=4)).isoformat(),
            "linked_report_ids": TWO,
        }
        self.trip_id = add_trip(store, plan, leader)
        self.sites = [store.record("reports", r, system())["site_id"] for r in TWO]
        trip = store.record("trips", self.trip_id, system())
        store.update("trips", self.trip_id, {"route_site_ids": self.sites}, "test", int(trip["version"]))

    def viewer(self, username: str):
        return self.campaign.viewer(username)

    def site_status(self, index: int) -> str:
        return self.store.record("sites", self.sites[index], system())["status"]

    def package(self, folder: Path) -> Path:
        sites = gpd.GeoDataFrame(
            {
                "id": self.sites,
                "name": ["Đồi cây gạo", "Bờ suối"],
                "status": ["planned", "planned"],
                "order": [1, 2],
                "uncertainty_m": [30.0, 50.0],
            },
            geometry=[shapely.Point(106.9, 16.8), shapely.Point(106.91, 16.81)],
            crs=4326,
        )
        route = shapely.LineString([(106.9, 16.8), (106.91, 16.81)])
        return write_qfield_package(folder / "out", sites, self.trip_id, route, name="gio-linh")


def filled(trip: Trip, folder: Path, rows: list[dict], track: bool = True, photo: bool = True) -> bytes:
    """The package as a phone gives it back: its GeoPackage with observations (and a track)
    appended as QField writes them, a photo in DCIM/, zipped."""
    package = trip.package(folder)
    work = folder / "phone"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(work)
    gpkg = work / "gio-linh.gpkg"
    points = [r.pop("point") for r in rows]
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=[shapely.Point(*p) for p in points], crs=4326)
    pyogrio.write_dataframe(frame, gpkg, layer="observations", driver="GPKG", append=True)
    if track:
        line = gpd.GeoDataFrame(
            {"trip_id": [trip.trip_id], "note": ["sáng"], "started_at": [pd.Timestamp("2026-07-02 07:00", tz="UTC")]},
            geometry=[shapely.LineString([(106.899, 16.799), (106.905, 16.805), (106.91, 16.81)])],
            crs=4326,
        )
        pyogrio.write_dataframe(line, gpkg, layer="tracks", driver="GPKG", append=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(work.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(work).as_posix())
        if photo:
            archive.writestr(PHOTO, samples.jpeg(lat=16.8001, lon=106.9001))
    return out.getvalue()


def rows(trip: Trip) -> list[dict]:
    at = pd.Timestamp("2026-07-02 09:30")
    return [
        {
            "site_id": trip.sites[0],
            "finding": "found",
            "remains_count": 2,
            "note": NOTE,
            "photo": PHOTO,
            "observed_at": at,
            "trip_id": trip.trip_id,
            "point": (106.9001, 16.8001),
        },
        {
            "site_id": trip.sites[1],
            "finding": "not_found",
            "remains_count": 0,
            "note": "đã dò hết bờ suối",
            "photo": None,
            "observed_at": at + pd.Timedelta(hours=2),
            "trip_id": trip.trip_id,
            "point": (106.9101, 16.8101),
        },
        {  # a site that is not on this trip
            "site_id": "site-elsewhere",
            "finding": "found",
            "remains_count": 1,
            "note": "",
            "photo": None,
            "observed_at": at,
            "trip_id": trip.trip_id,
            "point": (106.92, 16.82),
        },
        {  # an absurd count
            "site_id": trip.sites[0],
            "finding": "found",
            "remains_count": 4000,
            "note": "",
            "photo": None,
            "observed_at": at,
            "trip_id": trip.trip_id,
            "point": (106.9, 16.8),
        },
        {  # Paris
            "site_id": trip.sites[1],
            "finding": "not_reached",
            "remains_count": 0,
            "note": "",
            "photo": None,
            "observed_at": at,
            "trip_id": trip.trip_id,
            "point": (2.35, 48.85),
        },
    ]


@pytest.fixture
def trip(any_store) -> Trip:
    return Trip(any_store)


def _balanced(summary: dict) -> None:
    for kind in ("observations", "tracks", "photos"):
        counts = summary[kind]
        assert counts["read"] == counts["accepted"] + counts["rejected"] + counts["duplicates"], kind


def test_a_filled_package_comes_back_as_proposals_a_track_and_attachments_with_every_row_counted(trip, folder):
    store, team = trip.store, trip.viewer("qt.doi")
    data = filled(trip, folder, rows(trip))
    result = import_results(store, trip.trip_id, [("gio-linh.zip", data)], team)
    summary = result.summary()
    _balanced(summary)
    assert summary["observations"] == {"read": 5, "accepted": 2, "rejected": 3, "duplicates": 0}
    assert summary["tracks"] == {"read": 1, "accepted": 1, "rejected": 0, "duplicates": 0}
    assert summary["photos"] == {"read": 1, "accepted": 1, "rejected": 0, "duplicates": 0}
    reasons = " | ".join(r["reason"] for r in summary["rejected_rows"])
    assert "hàng 3: «Điểm mộ» «site-elsewhere» không phải điểm mộ trên lộ trình" in reasons
    assert "hàng 4: «Số hài cốt» (4000) quá 50" in reasons
    assert "hàng 5: vị trí (48.85000, 2.35000) nằm ngoài Việt Nam, Lào và Campuchia" in reasons
    waiting = proposals(store, trip.viewer("qt.tinh"), trip.trip_id)
    assert waiting["finding"].tolist() == ["found", "not_found"]
    assert waiting["status"].tolist() == ["proposed", "proposed"]
    assert waiting["chapter_id"].tolist() == ["chapter-vn-25"] * 2
    assert waiting["province_34"].tolist() == ["VN-25"] * 2
    assert waiting["remains_count"].tolist() == [2, 0]
    found = waiting.iloc[0]
    assert (round(found.geometry.x, 4), round(found.geometry.y, 4)) == (106.9001, 16.8001)
    (photo,) = attachments.attachments_of(store, "observations", found["id"], trip.viewer("qt.tinh"))
    assert round(photo["gps_lat"], 4) == 16.8001 and round(photo["gps_lon"], 4) == 106.9001
    track = store.record("trips", trip.trip_id, system())["geometry"]
    assert track is not None and round(track.length, 5) == round(
        shapely.LineString([(106.899, 16.799), (106.905, 16.805), (106.91, 16.81)]).length, 5
    )
    assert [e["action"] for e in store.history(trip.trip_id, system())][-1] == "update"
    with store.engine.connect() as connection:
        kept = connection.execute(
            sa.text("SELECT count(*) FROM rejected_rows WHERE import_id = :i"), {"i": result.import_id}
        )
        assert kept.scalar_one() == 3


def test_the_same_package_brought_back_twice_counts_its_rows_as_duplicates(trip, folder):
    store, team = trip.store, trip.viewer("qt.doi")
    data = filled(trip, folder, rows(trip)[:2])
    import_results(store, trip.trip_id, [("gio-linh.zip", data)], team)
    again = import_results(store, trip.trip_id, [("gio-linh.zip", data)], team).summary()
    _balanced(again)
    assert again["observations"] == {"read": 2, "accepted": 0, "rejected": 0, "duplicates": 2}
    assert again["tracks"]["duplicates"] == 1 and again["photos"]["duplicates"] == 1
    assert len(observations_of(store, system(), trip.trip_id)) == 2


def test_confirming_moves_the_sites_and_their_testimonies_and_gives_the_trip_its_outcome(trip, folder):
    store, leader = trip.store, trip.viewer("qt.tinh")
    import_results(store, trip.trip_id, [("gio-linh.zip", filled(trip, folder, rows(trip)[:2]))], trip.viewer("qt.doi"))
    found, not_found = proposals(store, leader, trip.trip_id)["id"].tolist()
    confirm(store, [found], leader, note="Đã đối chiếu ảnh")
    assert trip.site_status(0) == "remains_found" and trip.site_status(1) == "planned"
    assert store.record("sites", trip.sites[0], system())["remains_count"] == 2
    assert store.record("reports", "r-qt", system())["status"] == "remains_found"
    assert store.record("trips", trip.trip_id, system())["outcome"] == "planned"  # one site still planned
    confirm(store, [not_found], leader)
    assert trip.site_status(1) == "searched_not_found"
    assert store.record("reports", "r-qt-assigned", system())["status"] == "searched_not_found"
    done = store.record("trips", trip.trip_id, system())
    assert (done["outcome"], done["remains_found"]) == ("remains_found", 2)
    assert proposals(store, leader, trip.trip_id).empty
    last = store.history(found, leader)[-1]
    assert last["action"] == "status" and last["changes"]["status"] == ["proposed", "confirmed"]


def test_confirming_a_site_no_longer_planned_refuses_and_writes_nothing(trip, folder):
    store, leader = trip.store, trip.viewer("qt.tinh")
    import_results(store, trip.trip_id, [("gio-linh.zip", filled(trip, folder, rows(trip)[:2]))], trip.viewer("qt.doi"))
    found, not_found = proposals(store, leader, trip.trip_id)["id"].tolist()
    site = store.record("sites", trip.sites[1], system())
    store.update("sites", trip.sites[1], {"status": "verified"}, "test", int(site["version"]))
    with pytest.raises(LayersError, match="Liệt sĩ r-qt-assigned».*Không chuyển được từ «Đã xác minh»"):
        confirm(store, [found, not_found], leader)
    assert trip.site_status(0) == "planned"
    assert proposals(store, leader, trip.trip_id)["status"].tolist() == ["proposed", "proposed"]


def test_refusing_needs_a_note_and_moves_no_site(trip, folder):
    store, leader = trip.store, trip.viewer("qt.tinh")
    import_results(store, trip.trip_id, [("gio-linh.zip", filled(trip, folder, rows(trip)[:1]))], trip.viewer("qt.doi"))
    (found,) = proposals(store, leader, trip.trip_id)["id"].tolist()
    with pytest.raises(LayersError, match="--note"):
        reject(store, [found], leader, None)
    reject(store, [found], leader, "Ảnh không rõ, cần đi lại")
    assert trip.site_status(0) == "planned"
    assert observations_of(store, leader, trip.trip_id)["status"].tolist() == ["rejected"]
    assert store.history(found, leader)[-1]["reason"] == "Ảnh không rõ, cần đi lại"


def test_a_team_brings_results_back_but_cannot_confirm_them(trip, folder):
    store, team = trip.store, trip.viewer("qt.doi")
    import_results(store, trip.trip_id, [("gio-linh.zip", filled(trip, folder, rows(trip)[:1]))], team)
    (found,) = proposals(store, team, trip.trip_id)["id"].tolist()
    with pytest.raises(AccessDenied, match="Đội tìm kiếm"):
        confirm(store, [found], team)
    assert trip.site_status(0) == "planned"


def test_a_recorder_and_a_partner_cannot_bring_results_back(trip, folder):
    data = filled(trip, folder, rows(trip)[:1])
    for username in ("qt.ghi", "doitac"):
        with pytest.raises(AccessDenied):
            import_results(trip.store, trip.trip_id, [("gio-linh.zip", data)], trip.viewer(username))
    assert observations_of(trip.store, system(), trip.trip_id).empty


def test_a_partner_sees_no_note_and_no_photo_of_the_proposals(trip, folder):
    store = trip.store
    import_results(store, trip.trip_id, [("gio-linh.zip", filled(trip, folder, rows(trip)[:1]))], trip.viewer("qt.doi"))
    leader_view = proposals(store, trip.viewer("qt.tinh"), trip.trip_id).iloc[0]
    assert leader_view["note"] == NOTE and leader_view["photo"] == PHOTO
    partner = trip.viewer("doitac")
    seen = proposals(store, partner, trip.trip_id)
    assert len(seen) == 1
    assert pd.isna(seen.iloc[0]["note"]) and pd.isna(seen.iloc[0]["photo"])
    assert "0912" not in pd.DataFrame(seen.drop(columns="geometry")).to_json(default_handler=str, date_format="iso")
    assert attachments.attachments_of(store, "observations", seen.iloc[0]["id"], partner) == []


def test_a_gpx_track_and_its_waypoints_join_the_trip(trip):
    gpx = (
        '<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'
        '<wpt lat="16.8" lon="106.9"><name>Gốc cây gạo</name></wpt>'
        '<trk><name>sáng</name><trkseg><trkpt lat="16.80" lon="106.90"/><trkpt lat="16.81" lon="106.91"/>'
        "</trkseg></trk></gpx>"
    ).encode()
    summary = import_results(trip.store, trip.trip_id, [("track.gpx", gpx)], trip.viewer("qt.doi")).summary()
    _balanced(summary)
    assert summary["tracks"]["accepted"] == 1 and summary["waypoints"] == 1
    record = trip.store.record("trips", trip.trip_id, system())
    assert "Gốc cây gạo" in record["waypoints"] and record["geometry"] is not None


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("field_results_traversal.zip", "trỏ ra ngoài thư mục"),
        ("field_results_bomb.zip", "quá giới hạn"),
        ("field_results_not_gpkg.gpkg", "Không đọc được GeoPackage"),
    ],
)
def test_hostile_files_are_refused_with_their_message_and_nothing_is_written(trip, name, says):
    data = (HOSTILE / name).read_bytes()
    with pytest.raises(UnreadableFile, match=says):
        import_results(trip.store, trip.trip_id, [(name, data)], trip.viewer("qt.doi"))
    assert observations_of(trip.store, system(), trip.trip_id).empty


def test_a_broken_photo_is_a_rejected_row_not_an_error(trip):
    data = (HOSTILE / "attach_truncated.jpg").read_bytes()
    summary = import_results(trip.store, trip.trip_id, [("DCIM/hong.jpg", data)], trip.viewer("qt.doi")).summary()
    _balanced(summary)
    assert summary["photos"] == {"read": 1, "accepted": 0, "rejected": 1, "duplicates": 0}
    assert "Ảnh, tệp 1 «hong.jpg»" in summary["rejected_rows"][0]["reason"]


def test_the_leaders_work_lists_a_trip_with_proposals_until_they_are_decided(trip, folder):
    from layers.work import work_items

    store, leader = trip.store, trip.viewer("qt.tinh")
    import_results(store, trip.trip_id, [("gio-linh.zip", filled(trip, folder, rows(trip)[:1]))], trip.viewer("qt.doi"))

    def listed(username: str) -> list[str]:
        return [i.record_id for i in work_items(store, trip.viewer(username)) if i.kind == "trip_results"]

    assert listed("qt.tinh") == [trip.trip_id] and listed("qt.doi") == [] and listed("qt.ghi") == []
    reject(store, proposals(store, leader, trip.trip_id)["id"].tolist(), leader, "đi lại")
    assert listed("qt.tinh") == []


def test_a_photo_its_record_has_no_room_for_is_a_kept_rejected_row(trip, folder, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_PER_RECORD", 0)  # every record is full
    store = trip.store
    result = import_results(
        store, trip.trip_id, [("gio-linh.zip", filled(trip, folder, rows(trip)[:2]))], trip.viewer("qt.doi")
    )
    summary = result.summary()
    _balanced(summary)
    assert summary["photos"] == {"read": 1, "accepted": 0, "rejected": 1, "duplicates": 0}
    assert summary["observations"]["accepted"] == 2
    with store.engine.connect() as connection:
        reasons = (
            connection.execute(
                sa.text("SELECT reason FROM rejected_rows WHERE import_id = :i"), {"i": result.import_id}
            )
            .scalars()
            .all()
        )
    assert any("tối đa 0" in r for r in reasons)


def test_a_photo_that_cannot_be_kept_writes_nothing_of_the_results(trip, folder, monkeypatch):
    blocked = folder / "not-a-folder"
    blocked.write_text("a file where the attachments' folder should be")
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(blocked))
    store, data = trip.store, filled(trip, folder, rows(trip)[:2])
    before = store.record("trips", trip.trip_id, system())
    with pytest.raises(LayersError):
        import_results(store, trip.trip_id, [("gio-linh.zip", data)], trip.viewer("qt.doi"))
    assert observations_of(store, system(), trip.trip_id).empty
    after = store.record("trips", trip.trip_id, system())
    assert after["version"] == before["version"] and after["geometry"] == before["geometry"]


def test_a_site_not_reached_waits_for_another_trip_and_the_trip_still_closes(trip, folder):
    store, leader = trip.store, trip.viewer("qt.tinh")
    found, unreached = rows(trip)[0], {**rows(trip)[1], "finding": "not_reached", "remains_count": 0}
    import_results(
        store, trip.trip_id, [("gio-linh.zip", filled(trip, folder, [found, unreached]))], trip.viewer("qt.doi")
    )
    ids = proposals(store, leader, trip.trip_id)["id"].tolist()
    confirm(store, ids, leader)
    assert trip.site_status(0) == "remains_found" and trip.site_status(1) == "verified"
    assert store.record("reports", "r-qt-assigned", system())["status"] == "verified"
    done = store.record("trips", trip.trip_id, system())
    assert (done["outcome"], done["remains_found"]) == ("remains_found", 2)


# -- hostile GeoPackages, times, texts, budgets (the attacker review of issue 18) -------------------


def geopackage(trip: Trip, folder: Path, rows: list[dict], sql: tuple[str, ...] = (), crs: object = 4326) -> bytes:
    """The package's GeoPackage with `rows` appended as observations (points given in `crs`, or
    any geometry under "shape"), then changed by `sql` as a hostile phone might leave it."""
    with zipfile.ZipFile(trip.package(folder)) as archive:
        archive.extractall(folder / "raw")
    gpkg = folder / "raw" / "gio-linh.gpkg"
    shapes = [r.pop("shape", None) or shapely.Point(*r.pop("point")) for r in rows]
    for r in rows:
        r.pop("point", None)
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=shapes, crs=crs)
    pyogrio.write_dataframe(frame, gpkg, layer="observations", driver="GPKG", append=crs == 4326)
    with sqlite3.connect(gpkg) as db:
        spatial_index = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree_%'"
        for (trigger,) in db.execute(spatial_index).fetchall() if sql else []:  # they call GDAL's SQL functions
            db.execute(f'DROP TRIGGER "{trigger}"')
        for statement in sql:
            db.execute(statement)
    return gpkg.read_bytes()


def _reasons(summary: dict) -> str:
    return " | ".join(r["reason"] for r in summary["rejected_rows"])


def test_a_geopackage_whose_observations_are_a_never_ending_view_is_refused_before_gdal_runs_it(trip):
    data = (HOSTILE / "field_results_view.gpkg").read_bytes()
    started = time.monotonic()
    with pytest.raises(UnreadableFile, match="field_results_view.gpkg».*«observations» là một khung nhìn"):
        import_results(trip.store, trip.trip_id, [("field_results_view.gpkg", data)], trip.viewer("qt.doi"))
    assert time.monotonic() - started < 10


def test_a_query_on_a_geopackage_is_stopped_after_a_bounded_number_of_steps(tmp_path):
    path = tmp_path / "any.gpkg"
    path.write_bytes((HOSTILE / "field_results_count_lies.gpkg").read_bytes())
    never = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    with pytest.raises(UnreadableFile, match="quá nhiều bước"), _sqlite(path, "any.gpkg") as connection:
        connection.execute(never).fetchone()


def test_a_geopackage_whose_feature_count_lies_is_refused_rather_than_losing_rows(trip):
    data = (HOSTILE / "field_results_count_lies.gpkg").read_bytes()
    with pytest.raises(UnreadableFile, match="«observations» với 3 hàng nhưng GDAL chỉ đọc được 1"):
        import_results(trip.store, trip.trip_id, [("lies.gpkg", data)], trip.viewer("qt.doi"))
    assert observations_of(trip.store, system(), trip.trip_id).empty


def test_the_row_limit_counts_the_rows_a_geopackage_holds_not_the_count_it_declares(trip):
    data = count_lies(ROWS + 1)
    with pytest.raises(UnreadableFile, match=f"hơn {number(ROWS)} đối tượng"):
        import_results(trip.store, trip.trip_id, [("many.gpkg", data)], trip.viewer("qt.doi"))


def test_files_unpacking_past_the_budget_together_are_refused_before_any_member_is_read(trip):
    data = (HOSTILE / "field_results_photo_flood.zip").read_bytes()
    files = [(f"phone-{k}.zip", data) for k in range(3)]
    with pytest.raises(UnreadableFile, match="«phone-1.zip/DCIM/IMG_.*quá giới hạn một lần nhập"):
        import_results(trip.store, trip.trip_id, files, trip.viewer("qt.doi"))
    with pytest.raises(UnreadableFile, match="quá giới hạn một lần nhập"):
        check_files([(f"{k}.gpkg", limits.FILE_BYTES) for k in range(RESULTS_BYTES // limits.FILE_BYTES + 1)])


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("0001-01-01", "nằm ngoài 1945"),
        ("1677-09-21 00:00", "nằm ngoài 1945"),
        ("now", "không phải thời điểm đọc được"),
        ("today", "không phải thời điểm đọc được"),
        ("garbage", "không phải thời điểm đọc được"),
        ("2026-13-45 99:99", "không phải thời điểm đọc được"),
        ("10000000000", "không phải thời điểm đọc được"),
    ],
)
def test_an_unreadable_or_absurd_time_rejects_its_row_naming_the_field(trip, folder, written, says):
    sql = (f"UPDATE observations SET observed_at = '{written}' WHERE fid = 1",)
    data = geopackage(trip, folder, rows(trip)[:2], sql)
    summary = import_results(trip.store, trip.trip_id, [("gio-linh.gpkg", data)], trip.viewer("qt.doi")).summary()
    _balanced(summary)
    assert summary["observations"] == {"read": 2, "accepted": 1, "rejected": 1, "duplicates": 0}
    assert f"tệp «gio-linh.gpkg», hàng 1: «{LABELS['observed_at']}»" in _reasons(summary) and says in _reasons(summary)


def test_a_note_that_is_not_utf8_rejects_that_row_only(trip, folder):
    sql = ("UPDATE observations SET note = CAST(X'4E67FF7579' AS TEXT) WHERE fid = 1",)
    data = geopackage(trip, folder, rows(trip)[:2], sql)
    summary = import_results(trip.store, trip.trip_id, [("gio-linh.gpkg", data)], trip.viewer("qt.doi")).summary()
    assert summary["observations"] == {"read": 2, "accepted": 1, "rejected": 1, "duplicates": 0}
    assert f"hàng 1: «{LABELS['note']}» có byte không phải chữ UTF-8" in _reasons(summary)


def test_a_geopackage_in_utm_is_brought_to_degrees(trip, folder):
    utm = pyproj.Transformer.from_crs(4326, 32648, always_xy=True)
    given = rows(trip)[:1]
    given[0]["point"] = utm.transform(106.9001, 16.8001)
    data = geopackage(trip, folder, given, crs=32648)
    summary = import_results(trip.store, trip.trip_id, [("utm.gpkg", data)], trip.viewer("qt.doi")).summary()
    assert summary["observations"]["accepted"] == 1, _reasons(summary)
    point = proposals(trip.store, trip.viewer("qt.tinh"), trip.trip_id).iloc[0].geometry
    assert (round(point.x, 5), round(point.y, 5)) == (106.9001, 16.8001)


def test_a_layer_without_a_coordinate_system_is_refused_naming_it(trip, folder):
    data = geopackage(trip, folder, rows(trip)[:1], crs=None)
    with pytest.raises(UnreadableFile, match="«observations» không khai hệ toạ độ"):
        import_results(trip.store, trip.trip_id, [("none.gpkg", data)], trip.viewer("qt.doi"))


def test_a_line_given_as_an_observation_is_told_its_geometry_type(trip, folder):
    given = rows(trip)[:1]
    given[0]["shape"] = shapely.LineString([(106.9, 16.8), (106.91, 16.81)])
    data = geopackage(trip, folder, given, crs=4326)
    summary = import_results(trip.store, trip.trip_id, [("line.gpkg", data)], trip.viewer("qt.doi")).summary()
    assert "tệp «line.gpkg», hàng 1: hình học là LineString, không phải một điểm" in _reasons(summary)


def test_each_rejection_names_its_file_when_two_packages_come_back_together(trip, folder):
    first = geopackage(trip, folder / "a", rows(trip)[2:3])
    second = geopackage(trip, folder / "b", rows(trip)[3:4])
    files = [("doi-1.gpkg", first), ("doi-2.gpkg", second)]
    reasons = _reasons(import_results(trip.store, trip.trip_id, files, trip.viewer("qt.doi")).summary())
    assert (
        f"tệp «doi-1.gpkg», hàng 1: «{LABELS['site_id']}»" in reasons
        and "tệp «doi-2.gpkg», hàng 1: «Số hài cốt»" in reasons
    )


def test_a_note_over_the_limit_is_rejected_not_cut(trip, folder):
    given = rows(trip)[:1]
    given[0]["note"] = "x" * 200_000
    data = geopackage(trip, folder, given)
    summary = import_results(trip.store, trip.trip_id, [("long.gpkg", data)], trip.viewer("qt.doi")).summary()
    assert summary["observations"]["rejected"] == 1
    assert f"«{LABELS['note']}» dài {number(200_000)} ký tự, quá giới hạn {number(limits.TEXT)}" in _reasons(summary)


def test_a_photo_keeps_its_name_and_is_matched_whatever_the_case(trip, folder):
    given = rows(trip)[:1]
    given[0]["photo"] = "dcim/img_0042.JPG"
    gpkg = geopackage(trip, folder, given)
    store, leader = trip.store, trip.viewer("qt.tinh")
    files = [("gio-linh.gpkg", gpkg), ("DCIM/IMG_0042.jpg", samples.jpeg(lat=16.8001, lon=106.9001))]
    summary = import_results(store, trip.trip_id, files, trip.viewer("qt.doi")).summary()
    assert summary["photos"]["accepted"] == 1
    (photo,) = attachments.attachments_of(
        store, "observations", proposals(store, leader, trip.trip_id).iloc[0]["id"], leader
    )
    assert photo["original_name"] == "IMG_0042.jpg"


def test_an_observation_on_a_site_no_longer_planned_is_rejected_naming_its_status(trip, folder):
    site = trip.store.record("sites", trip.sites[1], system())
    trip.store.update("sites", trip.sites[1], {"status": "verified"}, "test", int(site["version"]))
    data = geopackage(trip, folder, rows(trip)[:2])
    summary = import_results(trip.store, trip.trip_id, [("gio-linh.gpkg", data)], trip.viewer("qt.doi")).summary()
    assert summary["observations"] == {"read": 2, "accepted": 1, "rejected": 1, "duplicates": 0}
    assert f"hàng 2: «{LABELS['site_id']}»" in _reasons(summary) and "đang ở bước «Đã xác minh»" in _reasons(summary)
