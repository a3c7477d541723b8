import json
import subprocess
import sys

from tests.cli_helpers import run_module


def _run(*args: str, db_url: str) -> subprocess.CompletedProcess:
    return run_module("layers", *args, "--db", db_url)


def test_init_demo_stats_print_counts(db_url):
    init = _run("init", db_url=db_url)
    assert init.returncode == 0, init.stderr
    assert json.loads(init.stdout)["revision"] == "0013"
    demo = _run("demo", "--reports", "300", "--seed", "3", db_url=db_url)
    assert json.loads(demo.stdout)["added"]["reports"] == 300
    stats = json.loads(_run("stats", db_url=db_url).stdout)
    assert stats["layers"]["reports"] == 300
    assert stats["layers"]["chapters"] == 35  # the central association and the 34 provincial chapters
    assert sum(stats["reports_by_status"].values()) == 300
    assert sum(stats["reports_by_province"].values()) == 300
    positions = stats["reports_by_position"]
    assert set(positions) == {"measured", "place_name", "unknown"} and sum(positions.values()) == 300
    assert positions["measured"] > positions["place_name"] > 0  # demo reports without a point name their commune
    assert stats["demo"] is True


def test_demo_twice_replaces_instead_of_adding(db_url):
    _run("init", db_url=db_url)
    _run("demo", "--reports", "100", db_url=db_url)
    _run("demo", "--reports", "120", db_url=db_url)
    assert json.loads(_run("stats", db_url=db_url).stdout)["layers"]["reports"] == 120


def test_bad_arguments_exit_2_with_one_line_and_no_traceback(db_url):
    for args in (("demo", "--reports", "-5"), ("demo", "--reports", "many"), ("explode",)):
        result = _run(*args, db_url=db_url)
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr


def test_an_unreachable_database_is_one_line_without_the_password():
    result = _run("stats", db_url="postgresql://user:s3cret@127.0.0.1:9/none")
    assert result.returncode == 2
    assert "s3cret" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_output_cut_short_by_the_reader_prints_no_traceback(db_url):
    _run("init", db_url=db_url)
    _run("demo", "--reports", "50", db_url=db_url)
    result = subprocess.run(
        f"{sys.executable} -m layers stats --db {db_url} | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "{"
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_a_mistyped_command_is_answered_in_vietnamese(db_url):
    wrong = _run("export", "all", "--format", "docx", "--out", "/tmp", db_url=db_url)
    assert wrong.returncode == 2 and "không có «docx»" in wrong.stderr
    assert "invalid choice" not in wrong.stderr and "choose from" not in wrong.stderr
    missing = run_module("layers", "export", "all", "--format", "gpx")
    assert missing.returncode == 2 and "thiếu tham số: --out" in missing.stderr
