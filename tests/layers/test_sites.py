"""Sites (điểm mộ): every testimony in exactly one site, linking and unlinking as history, the
workflow moving on the site with its testimonies following, migration 0009, and the witness's
consent deciding whose contacts a person sees. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
import shapely
import sqlalchemy as sa
from shapely.geometry import Point

from layers.access import AccessDenied, cut, system
from layers.errors import LayersError
from layers.sites import link, reject, rejected_pairs, summary, unlink, witness_key
from layers.store import Store
from layers.workflow import StepInput, take_step
from tests.cli_helpers import run_module
from tests.layers.people import QT, Campaign, build

# Three witnesses of one grave (spelled differently, C552 / Đại đội 552, about 300 m apart), and
# a decoy: the same name in another unit 30 km away.
GRAVE = [
    {
        "id": "told-1",
        "martyr_names": "Nguyễn Văn Thành",
        "unit": "C552",
        "year_from": 1972,
        "year_to": 1972,
        "place_description": "Đồi cát phía tây chợ Gio An",
        "witness_name": "Trần Văn Bảy",
        "witness_phone": "0912 111 111",
        "uncertainty_m": 100.0,
        "geometry": Point(107.0800, 16.8500),
    },
    {
        "id": "told-2",
        "martyr_names": "Nguyen Van Thanh",
        "unit": "Đại đội 552",
        "year_from": 1972,
        "year_to": 1973,
        "place_description": "đồi cát tây chợ Gio An",
        "witness_name": "Lê Thị Tám",
        "witness_phone": "0913 222 222",
        "uncertainty_m": 300.0,
        "geometry": Point(107.0828, 16.8500),
    },
    {
        "id": "told-3",
        "martyr_names": "Nguyễn V. Thành",
        "unit": "c552",
        "period_text": "mùa khô 1972",
        "place_description": "gần chợ Gio An",
        "witness_name": "Hồ Văn Chín",
        "uncertainty_m": 500.0,
        "geometry": Point(107.0800, 16.8527),
    },
]
DECOY = {
    "id": "decoy",
    "martyr_names": "Nguyễn Văn Thành",
    "unit": "E48",
    "witness_name": "Phan Văn Mười",
    "geometry": Point(107.36, 16.85),
}


@pytest.fixture
def campaign(any_store: Store) -> Campaign:
    built = build(any_store)
    common = {"chapter_id": QT, "province_34": "VN-25", "status": "new"}
    any_store.insert("reports", [{**common, **r} for r in (*GRAVE, DECOY)], author="test")
    return built


def _site_of(store: Store, report_id: str) -> str:
    return store.record("reports", report_id, system())["site_id"]


def _history(store: Store, record_id: str) -> list[dict]:
    return store.history(record_id, system())


def test_every_new_testimony_gets_a_site_of_its_own_with_its_history(campaign):
    store = campaign.store
    reports = store.frame("reports", system())
    sites = store.frame("sites", system())
    assert reports["site_id"].notna().all() and reports["site_id"].is_unique
    assert set(sites["id"]) == set(reports["site_id"])
    one = store.record("sites", _site_of(store, "told-1"), system())
    assert (one["testimony_count"], one["witness_count"], one["status"]) == (1, 1, "new")
    assert one["martyr_names"] == "Nguyễn Văn Thành" and one["position_source"] == "measured"
    assert [entry["action"] for entry in _history(store, one["id"])] == ["insert"]


def test_three_testimonies_of_one_grave_become_one_site_with_three_witnesses_and_stay_as_told(campaign):
    store = campaign.store
    before = store.frame("reports", system()).set_index("id")
    leaving = [_site_of(store, i) for i in ("told-2", "told-3")]
    site_id = link(store, ["told-1", "told-2", "told-3"], campaign.viewer("qt.ghi"))
    site = store.record("sites", site_id, system())
    assert (site["testimony_count"], site["witness_count"]) == (3, 3)
    assert site["martyr_names"].startswith("Nguyễn Văn Thành")
    assert site["uncertainty_m"] == 100.0 and site["geometry"].equals(GRAVE[0]["geometry"])  # the smallest
    assert not site["positions_conflict"] and 250 < site["spread_m"] < 450
    after = store.frame("reports", system()).set_index("id")
    told = ["martyr_names", "unit", "place_description", "witness_name", "witness_phone", "uncertainty_m"]
    pd.testing.assert_frame_equal(
        before.loc[["told-1", "told-2", "told-3"], told], after.loc[["told-1", "told-2", "told-3"], told]
    )
    assert set(after.loc[["told-1", "told-2", "told-3"], "site_id"]) == {site_id}
    for report_id in ("told-1", "told-2", "told-3"):
        if report_id != "told-1" or _site_of(store, "told-1") != site_id:
            actions = [entry["action"] for entry in _history(store, report_id)]
            assert "link" in actions
    for left in leaving:  # a site left with no testimony is deleted, with its history
        assert store.record("sites", left, system()) is None
        assert _history(store, left)[-1]["action"] == "delete"


def test_linking_into_a_site_moves_a_testimony_and_unlinking_gives_it_a_site_of_its_own(campaign):
    store = campaign.store
    recorder = campaign.viewer("qt.ghi")
    site_id = link(store, ["told-1", "told-2"], recorder)
    assert link(store, ["told-3"], recorder, site_id=site_id) == site_id
    assert store.record("sites", site_id, system())["testimony_count"] == 3
    alone = unlink(store, "told-2", recorder)
    assert alone != site_id and _site_of(store, "told-2") == alone
    assert store.record("sites", site_id, system())["testimony_count"] == 2
    assert store.record("sites", alone, system())["testimony_count"] == 1
    assert _history(store, "told-2")[-1]["action"] == "unlink"
    with pytest.raises(LayersError, match="duy nhất"):
        unlink(store, "told-2", recorder)


def test_a_step_moves_the_site_and_every_testimony_follows_with_its_history_row(campaign):
    store = campaign.store
    recorder = campaign.viewer("qt.ghi")
    site_id = link(store, ["told-1", "told-2", "told-3"], recorder)
    take_step(store, "told-2", "verifying", recorder, StepInput())
    take_step(store, site_id, "verified", recorder, StepInput(note="đã gặp cả ba nhân chứng"))
    assert store.record("sites", site_id, system())["status"] == "verified"
    for report_id in ("told-1", "told-2", "told-3"):
        assert store.record("reports", report_id, system())["status"] == "verified"
        last = _history(store, report_id)[-1]
        assert last["action"] == "status" and last["reason"] == "đã gặp cả ba nhân chứng"
    site_steps = [e["changes"]["status"] for e in _history(store, site_id) if e["action"] == "status"]
    assert site_steps[-2:] == [["new", "verifying"], ["verifying", "verified"]]


def test_a_site_joined_from_sites_further_on_carries_their_status(campaign):
    store = campaign.store
    recorder = campaign.viewer("qt.ghi")
    take_step(store, "told-1", "verifying", recorder, StepInput())
    site_id = link(store, ["told-2", "told-1"], recorder)
    assert store.record("sites", site_id, system())["status"] == "verifying"
    assert store.record("reports", "told-2", system())["status"] == "verifying"


def test_linking_needs_rights_over_every_testimony(campaign):
    with pytest.raises(AccessDenied):
        link(campaign.store, ["told-1", "told-2"], campaign.viewer("doitac"))
    with pytest.raises(LayersError, match="Không có tin báo «r-na»"):  # Nghệ An's own: not seen by Quảng Trị
        link(campaign.store, ["told-1", "r-na"], campaign.viewer("qt.ghi"))
    with pytest.raises(LayersError, match="ít nhất hai"):
        link(campaign.store, ["told-1"], campaign.viewer("qt.ghi"))


def test_a_rejected_pair_is_kept_and_a_linked_pair_is_never_rejected(campaign):
    store = campaign.store
    reject(store, "told-1", "decoy", campaign.viewer("qt.ghi"))
    assert frozenset({"told-1", "decoy"}) in rejected_pairs(store)
    assert _history(store, "decoy")[-1]["action"] == "pair"
    link(store, ["told-1", "told-2"], campaign.viewer("qt.ghi"))
    with pytest.raises(AccessDenied):
        reject(store, "told-1", "told-2", campaign.viewer("qt.ghi"))


def test_conflicting_positions_are_marked_on_the_site():
    far = [{**GRAVE[0]}, {**GRAVE[1], "geometry": Point(107.10, 16.85)}]  # 2.1 km apart, 100 + 300 m allowed
    told = summary(far)
    assert told["positions_conflict"] and told["spread_m"] > 2000


def test_independent_witnesses_are_counted_once_by_phone_or_name():
    same = [
        {"id": "a", "witness_phone": "0912.111.111", "witness_name": "Ông Bảy"},
        {"id": "b", "witness_phone": "+84 912 111 111"},
        {"id": "c", "witness_name": "Bà Tám"},
        {"id": "d"},
        {"id": "e"},
    ]
    assert len({witness_key(r) for r in same}) == 4  # a=b by phone; anonymous accounts count alone


def test_command_line_links_unlinks_and_rejects_as_a_user(campaign, any_db_url):
    def sites(*args: str, user: str = "qt.ghi"):
        return run_module("layers", "sites", *args, "--db", any_db_url, "--as", user)

    done = sites("link", "told-1", "told-2", "told-3")
    assert done.returncode == 0, done.stderr
    site_id = done.stdout.strip()
    assert campaign.store.record("sites", site_id, system())["witness_count"] == 3
    moved = sites("unlink", "told-3")
    assert moved.returncode == 0 and moved.stdout.strip() not in ("", site_id)
    again = sites("link", "told-3", "--site", site_id)
    assert again.returncode == 0 and again.stdout.strip() == site_id
    refused = sites("link", "told-1", "told-2", user="doitac")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    rejected = sites("reject", "told-1", "decoy")
    assert rejected.returncode == 0 and json.loads(rejected.stdout) == {"rejected": ["told-1", "decoy"]}
    suggested = json.loads(sites("suggest", "--province", "Quảng Trị").stdout)
    pairs = [set(p["reports"]) for p in suggested]
    assert {"told-1", "decoy"} not in pairs and all(not p <= {"told-1", "told-2", "told-3"} for p in pairs)


def test_withdrawing_an_import_takes_its_sites_with_it(campaign):
    from layers.importers.reports import import_reports
    from layers.imports import withdraw_import

    store = campaign.store
    rows = "Họ tên liệt sĩ;Tọa độ;Tỉnh\nLê Văn Một;16.8, 107.1;Quảng Trị\nLê Văn Hai;;Quảng Trị\n"
    result = import_reports(store, "hoi-quang-tri.csv", rows.encode("utf-8"), viewer=campaign.viewer("qt.ghi"))
    imported = store.frame("reports", system())
    sites = list(imported.loc[imported["import_id"] == result.import_id, "site_id"])
    assert len(sites) == 2 and all(store.record("sites", s, system()) for s in sites)
    withdraw_import(store, result.import_id, campaign.viewer("qt.ghi"), "nhập nhầm tệp")
    assert all(store.record("sites", s, system()) is None for s in sites)


CONSENT = {"chapter": "0912 000 101", "partners": "0912 000 102", "nobody": "0912 000 103"}


def test_the_witness_consent_decides_who_sees_the_contact(campaign):
    store = campaign.store
    store.insert(
        "reports",
        [
            {
                "id": f"consent-{choice}",
                "chapter_id": QT,
                "province_34": "VN-25",
                "assigned_team": "qt.doi",
                "witness_phone": phone,
                "witness_consent": choice,
            }
            for choice, phone in CONSENT.items()
        ],
        author="test",
    )

    def phones(username: str) -> dict[str, object]:
        frame = store.frame("reports", campaign.viewer(username)).set_index("id")
        return {choice: frame.loc[f"consent-{choice}", "witness_phone"] for choice in CONSENT}

    partner = phones("doitac")
    assert all(pd.isna(phone) for phone in partner.values())  # frames, files, history: never
    team = phones("qt.doi")
    assert team["chapter"] == CONSENT["chapter"] and pd.isna(team["nobody"])
    assert phones("qt.ghi") == CONSENT  # the chapter the witness trusted keeps who told it

    def contact(username: str, choice: str) -> dict | None:
        return store.contact("reports", f"consent-{choice}", campaign.viewer(username))

    assert contact("doitac", "partners")["witness_phone"] == CONSENT["partners"]
    assert contact("doitac", "chapter") is None and contact("doitac", "nobody") is None
    assert contact("qt.doi", "nobody") is None and contact("qt.doi", "chapter")["witness_consent"] == "chapter"
    assert contact("qt.ghi", "nobody") == {
        "witness_name": None,
        "witness_phone": CONSENT["nobody"],
        "witness_address": None,
        "witness_relation": None,
        "witness_consent": "nobody",
    }


def test_a_partners_consent_opens_the_contact_and_nothing_else_of_the_chapters(campaign):
    store = campaign.store
    record = {"id": "agreed", "chapter_id": QT, "province_34": "VN-25", "witness_phone": "0912 000 102"}
    secret = "Hội nghi ngờ người này nhớ nhầm"
    store.insert("reports", [{**record, "witness_consent": "partners", "private_notes": secret}], author="test")
    partner = campaign.viewer("doitac")
    assert "private_notes" not in store.contact("reports", "agreed", partner)
    seen = store.record("reports", "agreed", partner)
    assert pd.isna(seen["private_notes"]) and pd.isna(seen["witness_phone"])
    assert secret not in json.dumps(store.history("agreed", partner), ensure_ascii=False, default=str)


def test_a_partner_file_never_carries_a_contact_whatever_the_consent(campaign, any_db_url, tmp_path):
    store = campaign.store
    agreed = {"id": "agreed", "chapter_id": QT, "province_34": "VN-25", "witness_phone": "0912 000 102"}
    store.insert("reports", [{**agreed, "witness_consent": "partners", "geometry": Point(107.0, 16.8)}], author="t")
    out = tmp_path / "partner.geojson"
    done = run_module(
        "layers", "export", "reports", "--format", "geojson", "--out", str(out), "--db", any_db_url, "--as", "doitac"
    )
    assert done.returncode == 0, done.stderr
    text = out.read_text("utf-8")
    assert "agreed" in text and "0912 000 102" not in text and "witness_consent" not in text


def test_migration_0009_gives_every_report_a_site_with_its_status_and_steps(any_db_url):
    from alembic import command

    from layers.store import _alembic_config, _engine

    engine = _engine(any_db_url, must_exist=False)
    point = shapely.Point(107.08, 16.85)
    geom = "ST_GeomFromWKB(:wkb, 4326)" if engine.dialect.name == "postgresql" else ":wkb"
    insert = sa.text(
        "INSERT INTO reports (id, created_at, updated_at, author, version, is_demo, martyr_names, status, "
        f"province_34, chapter_id, geom, minx, miny, maxx, maxy) VALUES (:id, '2026-01-01', '2026-01-01', 'v8', "
        f":version, false, :name, :status, 'VN-25', 'chapter-vn-25', {geom}, :x, :y, :x, :y)"
    )
    step = sa.text(
        "INSERT INTO record_history (layer, record_id, version, action, actor, at, reason, changes, is_demo) "
        "VALUES ('reports', :id, :version, 'status', :actor, :at, :reason, :changes, false)"
    )
    steps = [
        ("walked", 2, "qt.ghi", "2026-03-01 08:00:00+00", None, ["new", "verifying"]),
        ("walked", 3, "qt.tinh", "2026-03-05 09:30:00+00", "đã gặp nhân chứng", ["verifying", "verified"]),
    ]
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0008")
        connection.execute(
            insert,
            {
                "id": "walked",
                "version": 3,
                "name": "Đã Xác Minh",
                "status": "verified",
                "wkb": shapely.to_wkb(point),
                "x": point.x,
                "y": point.y,
            },
        )
        connection.execute(
            insert,
            {"id": "fresh", "version": 1, "name": "Mới Nhận", "status": "new", "wkb": None, "x": None, "y": None},
        )
        for record_id, version, actor, at, reason, change in steps:
            connection.execute(
                step,
                {
                    "id": record_id,
                    "version": version,
                    "actor": actor,
                    "at": at,
                    "reason": reason,
                    "changes": json.dumps({"status": change}),
                },
            )
    engine.dispose()
    store = Store.open(any_db_url)
    assert store.revision() == "0013"
    reports = store.frame("reports", system()).set_index("id")
    walked = store.record("sites", reports.loc["walked", "site_id"], system())
    fresh = store.record("sites", reports.loc["fresh", "site_id"], system())
    assert walked["status"] == "verified" and walked["martyr_names"] == "Đã Xác Minh" and walked["version"] == 3
    assert fresh["status"] == "new" and fresh["position_source"] == "unknown"
    past = [e for e in store.history(walked["id"], system()) if e["action"] == "status"]
    assert [(e["actor"], e["reason"], e["changes"]["status"]) for e in past] == [
        ("qt.ghi", None, ["new", "verifying"]),
        ("qt.tinh", "đã gặp nhân chứng", ["verifying", "verified"]),
    ]
    assert [e["action"] for e in store.history("walked", system())] == ["status", "status"]  # kept on the report
    store.engine.dispose()


def test_cut_never_shows_a_consented_contact_to_a_role_that_sees_none():
    from layers.access import operator
    from layers.schema import REPORTS

    frame = pd.DataFrame([{"id": "x", "chapter_id": QT, "witness_phone": "0912", "witness_consent": "partners"}])
    assert pd.isna(cut(operator(), REPORTS, frame).loc[0, "witness_phone"])


def test_a_site_id_is_changed_only_by_linking_and_never_by_an_edit_or_an_import(campaign):
    from layers.importers.reports import import_reports
    from layers.records import edit_report

    store = campaign.store
    recorder = campaign.viewer("qt.ghi")
    other = _site_of(store, "told-2")
    version = int(store.record("reports", "told-1", system())["version"])
    with pytest.raises(LayersError):
        edit_report(store, "told-1", {"site_id": other}, version, recorder)
    with pytest.raises(LayersError):
        store.update("reports", "told-1", {"site_id": other}, "", version, viewer=recorder)
    rows = "Họ tên liệt sĩ;Tỉnh;site_id;receipt_code\nLê Văn Ba;Quảng Trị;" + other + ";TB-AAAA-AA\n"
    result = import_reports(store, "hoi.csv", rows.encode("utf-8"), viewer=recorder)
    reports = store.frame("reports", system())
    mine = reports[reports["import_id"] == result.import_id].iloc[0]
    assert mine["site_id"] != other and pd.isna(mine["receipt_code"])
    assert store.record("sites", mine["site_id"], system())["testimony_count"] == 1


def test_a_site_is_named_from_martyrs_or_place_names_never_from_the_witness_words(campaign):
    store = campaign.store
    words = "Sau nhà bà Nguyễn Thị Mười, gọi 0912 345 678"
    store.insert(
        "reports",
        [
            {
                "id": "nameless",
                "chapter_id": QT,
                "province_34": "VN-25",
                "place_description": words,
                "witness_name": "Nguyễn Thị Mười",
                "witness_phone": "0912 345 678",
            }
        ],
        author="test",
    )
    site = store.frame("sites", campaign.viewer("doitac")).set_index("id").loc[_site_of(store, "nameless")]
    assert "0912" not in site["name"] and "Mười" not in site["name"]


def test_demo_and_real_testimonies_are_never_joined(campaign):
    store = campaign.store
    store.insert("reports", [{"id": "demo-1", "chapter_id": QT, "province_34": "VN-25", "is_demo": True}], author="t")
    with pytest.raises(LayersError, match="mẫu"):
        link(store, ["told-1", "demo-1"], system())


def test_joining_a_site_further_on_keeps_its_case_work_and_each_witness_count_of_remains(campaign):
    store = campaign.store
    recorder = campaign.viewer("qt.ghi")
    store.update("reports", "told-1", {"remains_count": 2}, "", 1)
    take_step(store, "told-2", "verifying", recorder, StepInput())
    take_step(store, "told-2", "verified", recorder, StepInput(note="đã gặp"))
    site_id = link(store, ["told-2"], recorder, site_id=_site_of(store, "told-1"))  # into the "new" one
    assert store.record("sites", site_id, system())["status"] == "verified"
    assert store.record("reports", "told-1", system())["status"] == "verified"
    assert store.record("reports", "told-1", system())["remains_count"] == 2  # as its witness told
    assert pd.isna(store.record("reports", "told-2", system())["remains_count"])


def test_a_testimony_is_not_a_duplicate_of_its_own_site(campaign):
    store = campaign.store
    recorder = campaign.viewer("qt.ghi")
    link(store, ["told-1", "told-2"], recorder)
    with pytest.raises(LayersError, match="cùng điểm mộ"):
        take_step(store, "told-2", "duplicate", recorder, StepInput(duplicate_of="told-1"))


def test_a_restored_testimony_takes_its_sites_status(campaign):
    store = campaign.store
    recorder, admin = campaign.viewer("qt.ghi"), campaign.viewer("tw.admin")
    link(store, ["told-1", "told-2"], recorder)
    store.delete("reports", "told-1", admin, int(store.record("reports", "told-1", system())["version"]), "thử")
    take_step(store, "told-2", "verifying", recorder, StepInput())
    store.restore("reports", "told-1", admin, "nhầm")
    assert store.record("reports", "told-1", system())["status"] == "verifying"


def test_a_chapter_moves_its_own_testimony_on_in_a_site_another_chapter_holds(campaign):
    from tests.layers.people import NA

    store = campaign.store
    store.insert(
        "reports",
        [
            {
                "id": "told-na",
                "chapter_id": NA,
                "province_34": "VN-25",
                "received_on": date(2020, 1, 1),
                "martyr_names": "Nguyễn Văn Thành",
            }
        ],
        author="test",
    )
    link(store, ["told-na", "told-1"], campaign.viewer("tw.admin"))
    assert store.record("sites", _site_of(store, "told-1"), system())["chapter_id"] == NA
    take_step(store, "told-1", "verifying", campaign.viewer("qt.ghi"), StepInput())
    assert store.record("reports", "told-na", system())["status"] == "verifying"


def test_a_deleted_report_gets_a_deleted_site_in_migration_0009():
    from datetime import UTC, datetime

    from layers.sites import site_of_report

    site = site_of_report({"id": "gone", "deleted_at": datetime(2026, 5, 1, tzinfo=UTC), "deleted_by": "qt.tinh"})
    assert site["deleted_at"] is not None and site["deleted_by"] == "qt.tinh"


def test_purging_an_intake_report_takes_its_photos_and_their_gps(campaign, tmp_path, monkeypatch):
    import io

    from PIL import Image

    from layers.attachments import add_attachment

    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(tmp_path / "files"))
    store = campaign.store
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(picture, "PNG")
    with store.engine.begin() as connection:
        add_attachment(store, connection, "reports", "told-1", picture.getvalue(), "so-do.png", "test", True)
    assert list((tmp_path / "files").rglob("*"))
    admin = campaign.viewer("tw.admin")
    store.delete("reports", "told-1", admin, int(store.record("reports", "told-1", system())["version"]), "thử")
    store.purge("reports", "told-1", admin, "người kể xin rút lại")
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM attachments").scalar() == 0
    assert not [p for p in (tmp_path / "files").rglob("*") if p.is_file()]


def test_a_team_file_carries_no_contact_of_a_witness_who_said_nobody(campaign, any_db_url, tmp_path):
    store = campaign.store
    common = {"chapter_id": QT, "province_34": "VN-25", "geometry": Point(107.0, 16.8)}
    store.insert(
        "reports",
        [
            {**common, "id": "may-call", "witness_phone": "0912 000 201", "witness_consent": "chapter"},
            {**common, "id": "do-not-call", "witness_phone": "0912 000 202", "witness_consent": "nobody"},
        ],
        author="test",
    )
    out = tmp_path / "team.geojson"
    done = run_module(
        "layers",
        "export",
        "reports",
        "--format",
        "geojson",
        "--audience",
        "team",
        "--out",
        str(out),
        "--db",
        any_db_url,
        "--as",
        "qt.tinh",
    )
    assert done.returncode == 0, done.stderr
    text = next(tmp_path.glob("team*.geojson")).read_text("utf-8")
    assert "0912 000 201" in text and "0912 000 202" not in text and "do-not-call" in text
