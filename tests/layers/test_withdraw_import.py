"""Withdrawing an import as a whole, on both backends: by its author or an administrator, only
while nothing it brought has changed (the refusal names what did), its records deleted softly
with their history kept, the ledger saying so, and the same file importable again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from layers.access import AccessDenied, system
from layers.errors import LayersError
from layers.importers.reports import import_reports
from layers.importers.trips import import_trips
from layers.imports import ImportChanged, list_imports, withdraw_import
from layers.records import edit_report
from layers.store import Store
from layers.workflow import StepInput, take_step
from tests.cli_helpers import run_module
from tests.layers.importers.test_trips_import import GPX
from tests.layers.people import build

ROOT = Path(__file__).resolve().parents[2]
ENV = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
HEADER = "Họ tên liệt sĩ;Đơn vị;Tọa độ;Tỉnh"


def _file(rows: int) -> bytes:
    lines = [f"Liệt sĩ số {i};C552;16.{7000 + i}, 107.1944;Quảng Trị" for i in range(rows)]
    return ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")


@pytest.fixture
def campaign(any_store):
    return build(any_store)


def _imported(campaign, rows: int = 3, username: str = "qt.ghi") -> str:
    viewer = campaign.viewer(username)
    result = import_reports(campaign.store, "hoi-quang-tri.csv", _file(rows), viewer=viewer)
    assert result.accepted == rows
    return result.import_id


def _records(store: Store, import_id: str) -> list[dict]:
    """The import's records as stored, deleted or not."""
    table = store.table("reports")
    with store.engine.connect() as connection:
        query = sa.select(table).where(table.c.import_id == import_id).order_by(table.c.id)
        return [dict(r._mapping) for r in connection.execute(query)]


def test_an_author_withdraws_an_untouched_import_its_records_deleted_softly_with_history(campaign):
    store, recorder = campaign.store, campaign.viewer("qt.ghi")
    import_id = _imported(campaign)
    before = store.count("reports", system())
    done = withdraw_import(store, import_id, recorder, "nhầm tệp của Hội khác")
    assert done == {"import_id": import_id, "layer": "reports", "withdrawn": 3}
    assert store.count("reports", system()) == before - 3
    for record in _records(store, import_id):
        assert record["deleted_by"] == "qt.ghi" and record["deleted_at"] is not None and record["version"] == 2
        entries = store.history(record["id"], campaign.viewer("tw.admin"))
        assert [e["action"] for e in entries] == ["import", "delete"]  # the import that brought it, then this
        assert entries[-1]["reason"] == "Rút lại lần nhập «hoi-quang-tri.csv»: nhầm tệp của Hội khác"
    [entry] = list_imports(store, recorder)
    assert entry.records == 0 and entry.withdrawn["by"] == "qt.ghi" and entry.summary["accepted"] == 3
    with pytest.raises(LayersError, match="đã được rút lại"):
        withdraw_import(store, import_id, recorder)


def test_the_same_file_can_be_imported_again_after_it_was_withdrawn(campaign):
    store, recorder = campaign.store, campaign.viewer("qt.ghi")
    withdraw_import(store, _imported(campaign), recorder)
    again = import_reports(store, "hoi-quang-tri.csv", _file(3), viewer=recorder)
    assert (again.accepted, again.duplicates) == (3, 0)


def test_an_import_with_a_changed_record_is_refused_naming_it_and_nothing_is_deleted(campaign):
    store, recorder = campaign.store, campaign.viewer("qt.ghi")
    import_id = _imported(campaign)
    edited = next(r for r in _records(store, import_id) if r["martyr_names"] == "Liệt sĩ số 1")
    edit_report(store, edited["id"], {"unit": "C317"}, 1, recorder)
    with pytest.raises(ImportChanged, match=rf"1 bản ghi.*«Liệt sĩ số 1» \({edited['id']}\)") as refused:
        withdraw_import(store, import_id, recorder)
    assert refused.value.records == [(edited["id"], "Liệt sĩ số 1")]
    assert all(r["deleted_at"] is None for r in _records(store, import_id))
    assert list_imports(store, recorder)[0].withdrawn is None


def test_a_refusal_names_twenty_changed_records_and_counts_the_others(campaign):
    store, recorder = campaign.store, campaign.viewer("qt.ghi")
    import_id = _imported(campaign, rows=23)
    for record in _records(store, import_id):
        take_step(store, record["id"], "verifying", recorder, StepInput())
    with pytest.raises(ImportChanged, match="23 bản ghi.*và 3 bản ghi khác") as refused:
        withdraw_import(store, import_id, recorder)
    assert str(refused.value).count("«Liệt sĩ số") == 20 and len(refused.value.records) == 23


def test_an_import_is_withdrawn_by_its_author_or_an_administrator_only(campaign):
    store = campaign.store
    import_id = _imported(campaign)
    for username in ("qt.tinh", "na.ghi", "doitac"):  # the chapter's leader did not import it either
        with pytest.raises(AccessDenied, match="qt.ghi"):
            withdraw_import(store, import_id, campaign.viewer(username))
        assert list_imports(store, campaign.viewer(username)) == []
    assert [e.id for e in list_imports(store, campaign.viewer("tw.admin"))] == [import_id]
    assert withdraw_import(store, import_id, campaign.viewer("tw.admin"))["withdrawn"] == 3
    assert all(r["deleted_by"] == "tw.admin" for r in _records(store, import_id))


def test_a_gps_import_is_withdrawn_too(campaign):
    store, team = campaign.store, campaign.viewer("qt.doi")
    result = import_trips(store, "osmand.gpx", GPX, team="Đội 3", viewer=team)
    assert withdraw_import(store, result.import_id, team) == {
        "import_id": result.import_id,
        "layer": "trips",
        "withdrawn": 2,
    }
    assert store.count("trips", system()) == 0


def test_imports_list_and_undo_on_the_command_line(db_url):
    store = Store.open(db_url)
    campaign = build(store)
    import_id = _imported(campaign)

    def layers(*args):
        return run_module("layers", "imports", *args, "--db", db_url, cwd=ROOT, env=ENV)

    listed = layers("list", "--as", "qt.ghi")
    assert listed.returncode == 0, listed.stderr
    assert [(e["id"], e["records"], e["withdrawn"]) for e in json.loads(listed.stdout)] == [(import_id, 3, None)]
    refused = layers("undo", import_id, "--as", "qt.tinh")
    assert refused.returncode == 2 and "qt.ghi" in refused.stderr and "Traceback" not in refused.stderr
    done = layers("undo", import_id, "--as", "qt.ghi", "--reason", "sai tỉnh")
    assert done.returncode == 0 and json.loads(done.stdout)["withdrawn"] == 3, done.stderr
    assert store.count("reports", system()) == 5  # the campaign's own
