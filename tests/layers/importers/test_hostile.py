"""The hostile corpus (tests/data/hostile/) through the real command line, as a chapter would
run it: every file either refused whole with one Vietnamese line, or every row accounted for;
never a traceback, never a private value on stderr, never more memory than the limits allow;
and no partner file of any format, made after the whole corpus was imported, holds a
witness's name, phone or address."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from layers.exporters.formats import FORMATS
from layers.importers import limits
from tests.data.hostile.build import CORPUS, Hostile, path
from tests.layers.export.readers import all_text

ROOT = Path(__file__).resolve().parents[3]
SMALL = [e for e in CORPUS if not e.large]
# Memory an import may take above the interpreter with the app's libraries loaded: about ten
# times the largest upload, as issue 12 promises (generously: the limit, not a target).
MEMORY_ALLOWANCE = 10 * limits.FILE_BYTES


def _run(out: Path, *args: str, cwd: Path | None = None) -> tuple[subprocess.CompletedProcess, int]:
    """`python -m layers ARGS…` in a real process; its result and peak memory in bytes."""
    memory = out / f"rss-{len(list(out.glob('rss-*')))}"
    done = subprocess.run(
        [sys.executable, "-m", "tests.memory_probe", str(memory), "layers", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd or ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(out)},
    )
    return done, int(memory.read_text())


@pytest.fixture(scope="module")
def fresh_db(tmp_path_factory) -> Path:
    """A database made by `init` alone: reference data, no demo records."""
    folder = tmp_path_factory.mktemp("hostile-db")
    done = subprocess.run(
        [sys.executable, "-m", "layers", "init", "--db", f"sqlite:///{folder / 'empty.sqlite'}"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert json.loads(done.stdout)["added"]["chapters"] == 35
    return folder / "empty.sqlite"


@pytest.fixture(scope="module")
def baseline_memory(tmp_path_factory, fresh_db) -> int:
    """What a command that reads nothing costs: the interpreter and the app's libraries."""
    out = tmp_path_factory.mktemp("baseline")
    done, peak = _run(out, "stats", "--db", f"sqlite:///{fresh_db}")
    assert done.returncode == 0, done.stderr
    return peak


@pytest.fixture(scope="module")
def large_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hostile-large")


def _import(entry: Hostile, source: Path, db: Path, out: Path) -> tuple[subprocess.CompletedProcess, int]:
    return _run(out, "import", entry.layer, str(source), "--db", f"sqlite:///{db}", "--chapter", "Quảng Trị")


@pytest.mark.parametrize("entry", CORPUS, ids=[e.name for e in CORPUS])
def test_every_hostile_file_is_refused_in_one_line_or_accounted_for_row_by_row(
    entry, fresh_db, baseline_memory, large_folder, tmp_path
):
    db = tmp_path / "db.sqlite"
    shutil.copy(fresh_db, db)
    source = tmp_path / entry.name
    shutil.copy(path(entry, large_folder), source)
    done, peak = _import(entry, source, db, tmp_path)
    assert "Traceback" not in done.stderr
    leaked = [value for value in entry.private if value in done.stderr]
    assert not leaked, (entry.name, leaked)
    assert peak - baseline_memory < MEMORY_ALLOWANCE, (entry.name, peak // 2**20, baseline_memory // 2**20)
    if entry.data_rows is None or (entry.layer == "trips" and entry.data_rows == 0):
        assert done.returncode == 2, (entry.name, done.stdout)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Lỗi: "), (entry.name, done.stderr)
        return
    assert done.returncode == 0, (entry.name, done.stderr)
    assert done.stderr == "", (entry.name, done.stderr)  # GDAL's warnings quote values: none may show
    summary = json.loads(done.stdout)
    counted = sum(summary.get(k, 0) for k in ("accepted", "rejected", "duplicates", "approximate", "unlocated"))
    assert summary["rows_read"] == entry.data_rows, (entry.name, summary)
    assert counted == entry.data_rows, (entry.name, summary)


@pytest.fixture(scope="module")
def whole_corpus(tmp_path_factory, fresh_db) -> Path:
    """One database holding every small hostile file that can be imported."""
    folder = tmp_path_factory.mktemp("hostile-all")
    db = folder / "all.sqlite"
    shutil.copy(fresh_db, db)
    for entry in SMALL:
        if entry.data_rows:
            done, _ = _import(entry, path(entry, folder), db, folder)
            assert done.returncode == 0, (entry.name, done.stderr)
    return db


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_no_partner_file_of_the_hostile_corpus_holds_a_private_value(format_name, whole_corpus, tmp_path):
    args = ("export", "all", "--format", format_name, "--out", f"{tmp_path}/", "--db", f"sqlite:///{whole_corpus}")
    done, _ = _run(tmp_path, *args)
    assert done.returncode == 0, done.stderr
    written = Path(json.loads(done.stdout)["out"])
    text = all_text(written.name, written.read_bytes())
    assert "Nguyễn Văn Mười" not in text or format_name == "pdf"  # a rejected row is no report
    assert "Mộ liệt sĩ Nguyễn Đình Hùng" in text or format_name == "pdf"  # the My Maps file's reports are there
    private = sorted({v for e in SMALL if e.data_rows for v in e.private})
    assert len(private) > 20
    leaked = [v for v in private if v in text]
    assert not leaked, (format_name, leaked)
