"""Every change has its history, written in the same transaction, on both backends; private
values in it are shown only to those who may see the record's contacts; a stale save is refused
with what changed; deletes are soft, restorable and purged only by an administrator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from layers.access import AccessDenied, system
from layers.errors import StoreError
from layers.history import HIDDEN, HISTORY
from layers.importers.reports import import_reports
from layers.store import Store
from tests.cli_helpers import run_module
from tests.layers.people import build

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def campaign(any_store):
    return build(any_store)


def _actions(store, record_id, viewer=None):
    return [(e["action"], e["version"], e["actor"]) for e in store.history(record_id, viewer or system())]


def test_insert_update_status_delete_restore_each_leave_one_history_row(campaign):
    store, admin = campaign.store, campaign.viewer("tw.admin")
    store.update("reports", "r-qt", {"unit": "C552"}, "", 1, viewer=campaign.viewer("qt.ghi"), reason="gọi lại ông A")
    store.update("reports", "r-qt", {"status": "verifying"}, "", 2, viewer=campaign.viewer("qt.tinh"), action="status")
    store.delete("reports", "r-qt", admin, 3, "trùng với tin khác")
    assert store.record("reports", "r-qt", admin) is None
    store.restore("reports", "r-qt", admin, "không trùng")
    assert _actions(store, "r-qt") == [
        ("insert", 1, "test"),
        ("update", 2, "qt.ghi"),
        ("status", 3, "qt.tinh"),
        ("delete", 4, "tw.admin"),
        ("restore", 5, "tw.admin"),
    ]
    entries = store.history("r-qt", admin)
    assert entries[1]["changes"] == {"unit": [None, "C552"]} and entries[1]["reason"] == "gọi lại ông A"
    assert entries[2]["changes"] == {"status": ["new", "verifying"]}
    assert store.record("reports", "r-qt", admin)["version"] == 5


def test_a_change_refused_by_rights_leaves_no_history_and_no_change(campaign):
    store = campaign.store
    before = len(store.history("r-na", system()))
    with pytest.raises(AccessDenied):
        store.update("reports", "r-na", {"status": "verified"}, "", 1, viewer=campaign.viewer("qt.ghi"))
    assert len(store.history("r-na", system())) == before
    assert store.record("reports", "r-na", system())["status"] == "new"


def test_private_values_in_history_show_only_to_those_who_see_the_contacts(campaign):
    store = campaign.store
    store.update("reports", "r-qt", {"witness_phone": "0988 111 222"}, "", 1, viewer=campaign.viewer("qt.ghi"))
    own = store.history("r-qt", campaign.viewer("qt.ghi"))
    assert own[1]["changes"]["witness_phone"] == ["0912 000 001", "0988 111 222"]
    for username in ("doitac", "qt.doi"):
        seen = json.dumps(store.history("r-qt", campaign.viewer(username)), ensure_ascii=False)
        assert "0912 000 001" not in seen and "0988 111 222" not in seen and "Nhân Chứng" not in seen
        assert HIDDEN in seen
    with pytest.raises(StoreError):  # Nghệ An's recorder does not reach this report at all
        store.history("r-qt", campaign.viewer("na.ghi"))


def test_a_stale_save_is_refused_saying_who_changed_what_and_nothing_is_lost(any_db_url):
    first = Store.open(any_db_url)
    campaign = build(first)
    second = Store.open(any_db_url)  # another person's session, its own connections
    mine, theirs = campaign.viewer("qt.ghi"), campaign.viewer("qt.tinh")
    seen_by_me = first.record("reports", "r-qt", mine)["version"]
    seen_by_them = second.record("reports", "r-qt", theirs)["version"]
    second.update(
        "reports", "r-qt", {"status": "verifying", "witness_phone": "0999 999 999"}, "", seen_by_them, viewer=theirs
    )
    with pytest.raises(StoreError) as refused:
        first.update("reports", "r-qt", {"unit": "C552"}, "", seen_by_me, viewer=mine)
    message = str(refused.value)
    assert "qt.tinh" in message and "Trạng thái: «Mới nhận» → «Đang xác minh»" in message
    assert "Điện thoại nhân chứng" in message and "0999" not in message  # a private field named, not shown
    kept = first.record("reports", "r-qt", system())
    assert kept["status"] == "verifying" and kept["unit"] is None and kept["version"] == seen_by_me + 1
    second.engine.dispose()


def test_purge_is_for_administrators_only_and_blanks_private_values_in_the_history(campaign):
    store, admin = campaign.store, campaign.viewer("tw.admin")
    store.delete("reports", "r-na", campaign.viewer("na.ghi"), 1, "nhập nhầm")
    with pytest.raises(AccessDenied):
        store.restore("reports", "r-na", campaign.viewer("na.ghi"), "nhầm")
    with pytest.raises(AccessDenied):
        store.purge("reports", "r-na", campaign.viewer("qt.tinh"), "xóa")
    store.purge("reports", "r-na", admin, "nhân chứng xin rút lời kể")
    with store.engine.connect() as connection:
        rows = connection.execute(
            sa.select(HISTORY.c.action, HISTORY.c.changes).where(HISTORY.c.record_id == "r-na").order_by(HISTORY.c.id)
        ).all()
    assert [r.action for r in rows] == ["insert", "delete", "purge"]
    assert "0912 000 003" not in json.dumps([r.changes for r in rows], ensure_ascii=False)
    assert store.count("reports", system(), sa.literal_column("id") == "r-na") == 0


def test_an_import_is_one_history_entry_with_its_ledger_and_each_record_points_to_it(campaign):
    store = campaign.store
    data = (
        "Họ tên liệt sĩ,Đơn vị,Tọa độ,SĐT nhân chứng\n"
        "Nguyễn Văn Một,C552,16.80 106.90,0912 777 888\n"
        "Lê Hai,C552,16.81 106.91,\n"
    )
    result = import_reports(store, "gio-an.csv", data.encode(), viewer=campaign.viewer("qt.ghi"))
    with store.engine.connect() as connection:
        entries = connection.execute(sa.select(HISTORY).where(HISTORY.c.import_id == result.import_id)).all()
    assert len(entries) == 1 and entries[0].action == "import" and entries[0].actor == "qt.ghi"
    assert entries[0].changes["file_name"] == [None, "gio-an.csv"] and entries[0].changes["accepted"] == [None, 2]
    record_id = store.frame("reports", system()).query("martyr_names == 'Nguyễn Văn Một'")["id"].iloc[0]
    assert [e["action"] for e in store.history(record_id, campaign.viewer("qt.ghi"))] == ["import"]
    assert store.record("reports", record_id, system())["chapter_id"] == "chapter-vn-25"  # the recorder's own


def test_history_on_the_command_line_prints_json_cut_for_the_person(db_url):
    store = Store.open(db_url)
    build(store)
    store.update("reports", "r-qt", {"witness_phone": "0988 111 222"}, "tw.admin", 1)
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    own = run_module("layers", "history", "r-qt", "--as", "qt.ghi", "--db", db_url, cwd=ROOT, env=env)
    assert own.returncode == 0, own.stderr
    assert "0988 111 222" in own.stdout and [e["action"] for e in json.loads(own.stdout)] == ["insert", "update"]
    partner = run_module("layers", "history", "r-qt", "--as", "doitac", "--db", db_url, cwd=ROOT, env=env)
    assert partner.returncode == 0 and "0988" not in partner.stdout and "0912" not in partner.stdout
    deleted = run_module(
        "layers",
        "record",
        "delete",
        "reports",
        "r-qt",
        "--version",
        "2",
        "--reason",
        "trùng",
        "--as",
        "qt.ghi",
        "--db",
        db_url,
        cwd=ROOT,
        env=env,
    )
    assert deleted.returncode == 0, deleted.stderr
    stale = run_module(
        "layers",
        "record",
        "delete",
        "reports",
        "r-qt-assigned",
        "--version",
        "7",
        "--reason",
        "x",
        "--db",
        db_url,
        cwd=ROOT,
        env=env,
    )
    assert stale.returncode == 2 and "người khác sửa" in stale.stderr


def test_an_imported_witness_name_in_free_text_or_a_reason_is_hidden_from_those_without_contacts(campaign):
    store = campaign.store
    data = (
        "Họ tên liệt sĩ,Tọa độ,Tỉnh,Họ tên nhân chứng,Ghi chú\n"
        "Hồ Năm,16.80 106.90,Quảng Trị,Lê Văn Tám,Ông Lê Văn Tám nhớ rõ chỗ chôn\n"
    )
    import_reports(store, "na.csv", data.encode(), viewer=campaign.viewer("na.ghi"))
    record = store.frame("reports", system()).query("martyr_names == 'Hồ Năm'").iloc[0]
    recorder = campaign.viewer("na.ghi")
    version = store.update("reports", record["id"], {"notes": "Ông Lê Văn Tám dẫn đường"}, "", 1, viewer=recorder)
    store.delete("reports", record["id"], recorder, version, "đã gọi ông Lê Văn Tám 0912 345 678")
    store.restore("reports", record["id"], campaign.viewer("tw.admin"), "không trùng")
    for username in ("doitac", "qt.tinh"):
        seen = json.dumps(store.history(record["id"], campaign.viewer(username)), ensure_ascii=False)
        assert "Tám" not in seen and "0912 345 678" not in seen, username
    assert "Lê Văn Tám" in json.dumps(store.history(record["id"], recorder), ensure_ascii=False)


def test_a_datum_fix_on_reimport_changes_only_the_importers_own_records(campaign):
    store = campaign.store
    data = "Họ tên liệt sĩ,Tọa độ\nTrần Sáu,48Q XD 845 421\n"
    import_reports(
        store, "qt.csv", data.encode(), chapter_id="chapter-vn-25", datum="indian1960", viewer=campaign.viewer("qt.ghi")
    )
    again = import_reports(
        store, "qt.csv", data.encode(), datum="hanoi1972", fix_datum=True, viewer=campaign.viewer("na.ghi")
    )
    assert again.datum_fixed == 0
    record = store.frame("reports", system()).query("martyr_names == 'Trần Sáu'").iloc[0]
    assert record["version"] == 1 and record["coord_datum"] == "indian1960"


def test_a_demo_administrator_reaches_no_real_record_nor_account(campaign):
    from layers.users import add_user, set_password

    store = campaign.store
    add_user(store, "demo.quan", "admin", "mat-khau-mau-1", system(), is_demo=True)
    demo = campaign.viewer("demo.quan")
    with pytest.raises(StoreError):
        store.history("r-qt", demo)
    store.delete("reports", "r-na", campaign.viewer("tw.admin"), 1, "thử")
    with pytest.raises(AccessDenied):
        store.restore("reports", "r-na", demo, "thử")
    with pytest.raises(AccessDenied):
        store.purge("reports", "r-na", demo, "thử")
    with pytest.raises(AccessDenied):
        add_user(store, "that.su", "admin", "mat-khau-that-1", demo)
    with pytest.raises(AccessDenied):
        set_password(store, "qt.tinh", "mat-khau-moi-1", demo)
