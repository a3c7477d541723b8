"""The data's version is one counter raised in the transaction of each write (layers.freshness)."""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from layers.access import system
from layers.store import Store


def _report(name: str) -> dict:
    return {
        "martyr_names": name,
        "province_34": "VN-25",
        "province_63": "VN-25",
        "status": "new",
        "uncertainty_m": 100.0,
        "geometry": Point(106.95, 16.95),
    }


def test_reading_leaves_the_version_as_it_is(any_store):
    before = any_store.version_token()
    any_store.frame("reports", system())
    any_store.count("reports", system())
    assert any_store.version_token() == before


def test_each_committed_write_raises_the_version(any_store):
    first = any_store.version_token()
    any_store.insert("reports", [_report("Nguyễn Văn A")], author="test")
    second = any_store.version_token()
    assert second > first
    record = any_store.frame("reports", system()).iloc[0]
    any_store.update("reports", record["id"], {"unit": "C552"}, author="test", expected_version=int(record["version"]))
    assert any_store.version_token() > second


def test_a_write_rolled_back_leaves_the_version_as_it_was(any_store):
    before = any_store.version_token()
    with pytest.raises(RuntimeError), any_store.engine.begin() as connection:
        any_store.insert("reports", [_report("Lê Văn B")], author="test", connection=connection)
        raise RuntimeError("the caller gives up")
    assert any_store.version_token() == before
    assert any_store.count("reports", system()) == 0


def test_a_large_batch_written_by_copy_raises_the_version(any_store):
    before = any_store.version_token()
    any_store.insert("reports", [_report(f"Liệt sĩ {i}") for i in range(2500)], author="test", record_history=False)
    assert any_store.version_token() == before + 1  # one transaction, one step
    assert any_store.count("reports", system()) == 2500


def test_a_write_through_another_connection_is_seen(any_store, any_db_url):
    before = any_store.version_token()
    other = Store.open(any_db_url)  # another app process on the same database
    other.insert("reports", [_report("Trần Văn C")], author="test")
    other.engine.dispose()
    assert any_store.version_token() > before
