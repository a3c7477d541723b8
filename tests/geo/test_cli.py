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


def _refuse(constant: str) -> float:
    raise ValueError(f"not JSON: {constant}")


def test_province_at_prints_strict_json_for_an_archipelago_point():
    result = _run("province-at", "10.0", "112.0")  # Trường Sa: no distance to a polygon
    assert result.returncode == 0, result.stderr
    assert "NaN" not in result.stdout
    data = json.loads(result.stdout, parse_constant=_refuse)
    assert (data["country"], data["province_34"], data["name_34"], data["offshore_m"]) == (
        "VN",
        "VN-34",
        "Khánh Hòa",
        None,
    )


def test_province_at_reports_a_lao_point_with_its_province():
    result = _run("province-at", "16.56", "104.75")  # Savannakhét
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout, parse_constant=_refuse)
    assert (data["country"], data["country_name"]) == ("LA", "Lào")
    assert (data["abroad_province"], data["abroad_name"]) == ("LA-SV", "Savannakhét")
    assert data["province_63"] is None and data["province_34"] is None


def test_province_at_in_china_exits_2_with_one_vietnamese_line():
    result = _run("province-at", "22.82", "108.32")  # Nanning
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == ["Lỗi: Điểm (22.82, 108.32) nằm ngoài lãnh thổ Việt Nam, Lào và Campuchia."]
