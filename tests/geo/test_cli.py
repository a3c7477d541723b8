import json
import subprocess

from tests.cli_helpers import run_module


def _run(*args: str) -> subprocess.CompletedProcess:
    return run_module("geo", *args)


def test_place_prints_today_provinces_as_json():
    result = _run("place", "Bình Trị Thiên")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["name"] == "Bình Trị Thiên"
    assert data["provinces_34"] == ["Quảng Trị", "Huế"]
    assert "Thừa Thiên Huế" in data["provinces_63"]
    assert data["era"].startswith("1976")


def test_unknown_place_exits_2_with_one_line():
    result = _run("place", "Không có nơi này")
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_province_at_finds_hoang_sa_under_da_nang():
    data = json.loads(_run("province-at", "16.53", "111.61").stdout)
    assert data["name_34"] == "Đà Nẵng"
