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


def test_place_of_a_commune_names_both_eras_and_its_extent():
    result = _run("place", "xã Gio An, huyện Gio Linh")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout, parse_constant=_refuse)
    admin = data["admin"]
    assert (admin["commune_63_name"], admin["district_63_name"], admin["province_63_name"]) == (
        "Xã Gio An",
        "Huyện Gio Linh",
        "Quảng Trị",
    )
    assert (admin["commune_34_name"], admin["province_34_name"]) == ("Xã Cồn Tiên", "Quảng Trị")
    assert admin["certainty"] == "exact" and data["ambiguous"] is False
    lon_min, lat_min, lon_max, lat_max = admin["bbox"]
    assert lon_min < admin["lon"] < lon_max and lat_min < admin["lat"] < lat_max and admin["radius_m"] > 0
    # The province-level keys come from the commune's province.
    assert (data["name"], data["provinces_34"], data["provinces_63"]) == ("Quảng Trị", ["Quảng Trị"], ["Quảng Trị"])


def test_place_of_a_historical_province_keeps_its_keys_and_has_no_unit_below():
    data = json.loads(_run("place", "Nghệ Tĩnh").stdout)
    assert data["provinces_34"] == ["Nghệ An", "Hà Tĩnh"]
    assert (data["admin"], data["admin_candidates"], data["ambiguous"]) == (None, [], False)


def test_place_lists_every_candidate_of_a_shared_commune_name():
    data = json.loads(_run("place", "xã Hòa An").stdout)
    assert data["ambiguous"] is True and data["admin"] is None
    provinces = {c["province_63_name"] for c in data["admin_candidates"] if c["level"] == "commune"}
    assert {"Phú Yên", "Tuyên Quang", "An Giang"} <= provinces
    assert {c["certainty"] for c in data["admin_candidates"]} == {"ambiguous"}
    assert data["name"] is None  # no province is guessed for a name several provinces have
    assert {"Phú Yên", "Tuyên Quang", "An Giang"} <= {p["name"] for p in data["other_matches"]}


def test_place_hint_narrows_a_shared_commune_name():
    data = json.loads(_run("place", "xã Hòa An", "--hint", "Phú Yên").stdout)
    assert data["ambiguous"] is False
    assert data["admin"]["label_63"] == "Xã Hòa An, Huyện Phú Hòa, Phú Yên"
    assert data["name"] == "Phú Yên" and data["hint"] == "Phú Yên"


def test_place_of_an_unknown_commune_exits_2_with_one_vietnamese_line():
    result = _run("place", "xã Không Tồn Tại")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "Lỗi: Không tìm thấy địa danh «xã Không Tồn Tại» trong danh mục tỉnh, huyện, xã các thời kỳ."
    ]


def test_an_error_message_carries_no_terminal_control_codes():
    result = _run("place", "\x1b[31mxã Không Có\x07")
    assert result.returncode == 2 and "\x1b" not in result.stderr and "\x07" not in result.stderr
