"""Imports running at once: each row of a file stored once, every row of every run counted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from layers.access import system
from layers.importers.reports import import_reports
from layers.store import Store
from layers.tables import METADATA

ROOT = Path(__file__).resolve().parents[3]
ROWS = 20_000


def _big_csv(path: Path, reverse: bool = False) -> None:
    lines = ["Họ tên liệt sĩ,Đơn vị,Từ năm,Tọa độ gốc"]
    for i in reversed(range(ROWS)) if reverse else range(ROWS):
        lat, lon = 16.5 + (i % 400) / 1000, 106.8 + (i // 400) / 1000
        lines.append(f'Liệt sĩ số {i},C{i % 900},1968,"{lat:.4f}, {lon:.4f}"')
    path.write_text("\n".join(lines), encoding="utf-8")


def test_three_imports_of_one_file_at_once_store_its_rows_once(tmp_path, any_db_url):
    source, backwards = tmp_path / "ca-nuoc.csv", tmp_path / "nguoc.csv"
    _big_csv(source)
    _big_csv(backwards, reverse=True)  # the same rows the other way round: no two imports may deadlock
    url = any_db_url
    subprocess.run([sys.executable, "-m", "layers", "init", "--db", url], check=True, capture_output=True, cwd=ROOT)
    commands = [
        [sys.executable, "-m", "layers", "import", "reports", str(path), "--db", url, "--chapter", "Quảng Trị"]
        for path in (source, source, backwards)
    ]
    runs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT) for c in commands]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert all(run.returncode == 0 for run in runs), [err for _, err in outputs]
    summaries = [json.loads(out) for out, _ in outputs]
    for summary in summaries:
        assert sum(summary[k] for k in ("accepted", "rejected", "approximate", "unlocated", "duplicates")) == ROWS
    assert sum(s["accepted"] for s in summaries) == ROWS
    assert sum(s["duplicates"] for s in summaries) == 2 * ROWS
    store = Store.open(url)
    assert store.count("reports", system()) == ROWS
    with store.engine.connect() as connection:
        ledger = [row.summary for row in connection.execute(sa.select(METADATA.tables["imports"]))]
    assert sorted(s["accepted"] for s in ledger) == sorted(s["accepted"] for s in summaries)


def test_a_row_another_import_stored_meanwhile_is_counted_as_a_duplicate(any_store):
    store = any_store
    """What the database refuses, not only what was read before: the row hash is unique per layer."""
    data = 'Họ tên liệt sĩ,Tọa độ gốc\nA,"16.7, 107.1"\nB,"16.8, 107.1"\n'.encode()
    first = import_reports(store, "a.csv", data)
    table = store.table("reports")
    with store.engine.connect() as connection:
        hashes = list(connection.execute(sa.select(table.c.row_hash)).scalars())
    assert first.accepted == 2 and len(set(hashes)) == 2
    with store.engine.begin() as connection:
        copy = [{"martyr_names": "A again", "row_hash": hashes[0]}, {"martyr_names": "C", "row_hash": "c" * 64}]
        store.insert("reports", copy, connection=connection, skip_existing=True)
    assert store.count("reports", system()) == 3  # the copy of A was left out by the database, C went in
