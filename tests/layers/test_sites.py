"""Sites (điểm mộ): every testimony in exactly one site, linking and unlinking as history, the
workflow moving on the site with its testimonies following, migration 0009, and the witness's
consent deciding whose contacts a person sees. On SQLite and PostgreSQL."""

from __future__ import annotations

import json

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
    assert partner["partners"] == CONSENT["partners"]
    assert pd.isna(partner["chapter"]) and pd.isna(partner["nobody"])
    team = phones("qt.doi")
    assert team["chapter"] == CONSENT["chapter"] and pd.isna(team["nobody"])
    assert phones("qt.ghi") == CONSENT  # the chapter the witness trusted keeps who told it


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
    assert store.revision() == "0009"
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
