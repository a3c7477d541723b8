"""One report added or edited on the command line: the importer's validation, the person's
rights, the record's version and its history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from layers.access import AccessDenied, system
from layers.errors import LayersError
from layers.records import RecordProblem, add_report, edit_report
from layers.store import Store
from tests.cli_helpers import run_module
from tests.layers.people import build

ROOT = Path(__file__).resolve().parents[2]
ENV = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}


@pytest.fixture
def campaign(any_store):
    return build(any_store)


def test_a_report_told_on_the_phone_is_added_with_its_grid_reference_read_as_the_importer_does(campaign):
    recorder = campaign.viewer("qt.ghi")
    told = {
        "martyr_names": "Hai đồng chí C552",
        "unit": "C552",
        "coord_text": "XD 850 418",
        "coord_datum": "indian1960",
        "province_34": "Quảng Trị",  # which tells the grid reference its zone
    }
    record_id = add_report(campaign.store, dict(told), recorder)
    stored = campaign.store.record("reports", record_id, recorder)
    assert stored["status"] == "new" and stored["chapter_id"] == "chapter-vn-25" and stored["province_34"] == "VN-25"
    assert stored["coord_datum"] == "indian1960" and stored["geometry"] is not None
    assert [e["action"] for e in campaign.store.history(record_id, recorder)] == ["insert"]


def test_a_bad_value_is_refused_naming_the_field_and_nothing_is_stored(campaign):
    before = campaign.store.count("reports", system())
    with pytest.raises(RecordProblem, match="Từ năm|year_from|năm"):
        add_report(campaign.store, {"martyr_names": "A", "year_from": "một chín sáu tám"}, campaign.viewer("qt.ghi"))
    with pytest.raises(RecordProblem, match="witness_shoe"):
        add_report(campaign.store, {"martyr_names": "A", "witness_shoe": "42"}, campaign.viewer("qt.ghi"))
    with pytest.raises(AccessDenied):
        add_report(campaign.store, {"martyr_names": "A"}, campaign.viewer("doitac"))
    assert campaign.store.count("reports", system()) == before


def test_an_edit_checks_the_value_the_rights_and_the_version(campaign):
    store, recorder = campaign.store, campaign.viewer("qt.ghi")
    version = edit_report(store, "r-qt", {"unit": "C552", "coord_text": "16.75 107.0"}, 1, recorder)
    edited = store.record("reports", "r-qt", recorder)
    assert version == 2 and edited["unit"] == "C552" and round(edited["geometry"].y, 2) == 16.75
    with pytest.raises(RecordProblem, match="quy trình"):
        edit_report(store, "r-qt", {"status": "identified"}, 2, recorder)
    with pytest.raises(LayersError, match="người khác sửa"):
        edit_report(store, "r-qt", {"unit": "D1"}, 1, recorder)
    with pytest.raises(AccessDenied):
        edit_report(store, "r-na-about-qt", {"unit": "D1"}, 1, recorder)


def test_record_add_and_edit_on_the_command_line(db_url, tmp_path):
    build(Store.open(db_url))
    told = tmp_path / "tin-bao.json"
    told.write_text(json.dumps({"martyr_names": "Lê Bảy", "coord_text": "16.8 106.9"}), encoding="utf-8")
    added = run_module(
        "layers", "record", "add", "reports", "--json", str(told), "--as", "qt.ghi", "--db", db_url, cwd=ROOT, env=ENV
    )
    assert added.returncode == 0, added.stderr
    record_id = json.loads(added.stdout)["id"]
    edit = ("record", "edit", "reports", record_id, "--set", "unit=C552", "--as", "qt.ghi", "--db", db_url)
    edited = run_module("layers", *edit, "--version", "1", cwd=ROOT, env=ENV)
    assert edited.returncode == 0 and json.loads(edited.stdout)["version"] == 2, edited.stderr
    stale = run_module("layers", *edit, "--version", "1", cwd=ROOT, env=ENV)
    assert stale.returncode == 2 and "người khác sửa" in stale.stderr
    told.write_text("[1, 2", encoding="utf-8")
    broken = run_module("layers", "record", "add", "reports", "--json", str(told), "--db", db_url, cwd=ROOT, env=ENV)
    assert broken.returncode == 2 and "JSON" in broken.stderr and "Traceback" not in broken.stderr
