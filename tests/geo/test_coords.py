"""Coordinate parsing against values computed independently with pyproj's EPSG CRSs and mgrs."""

import json
import math

import mgrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod, Transformer

from geo.coords import CoordinateError, Position, format_position, parse
from tests.cli_helpers import run_module

GEOD = Geod(ellps="WGS84")
CITADEL = (16.7469, 107.1944)  # Quảng Trị citadel


def _metres(a: tuple[float, float], b: Position) -> float:
    return GEOD.inv(a[1], a[0], b.lon, b.lat)[2]


@pytest.mark.parametrize(
    "text",
    [
        "16.7469, 107.1944",
        "16,7469 107,1944",
        "16.7469;107.1944",
        "16°44'48.8\"N 107°11'39.8\"E",
        "16°44’48.8″N 107°11′39.8″E",
        "16 44 48.8 B, 107 11 39.8 Đ",
        "16°44'48.8''B 107°11'39.8''Đ",
        "B 16°44'48.8\" Đ 107°11'39.8\"",
        "VĐ 16°44'48.8\" KĐ 107°11'39.8\"",
        "16°44.8133'N 107°11.664'E",
    ],
)
def test_geographic_notations_read_the_same_point(text):
    position = parse(text)
    assert _metres(CITADEL, position) <= max(position.precision_m, 5)
    assert position.datum == "wgs84"


def test_a_swapped_pair_is_fixed_and_warned_about():
    position = parse("107.1944, 16.7469")
    assert _metres(CITADEL, position) < 1
    assert any("đảo" in w for w in position.warnings)


def test_utm_matches_pyproj():
    expected_lon, expected_lat = Transformer.from_crs(32648, 4326, always_xy=True).transform(712345, 1852345)
    for text in ("48N 712345 1852345", "Zone 48 E712345 N1852345", "48Q 712345 1852345"):
        assert _metres((expected_lat, expected_lon), parse(text)) < 1


def test_full_mgrs_matches_the_mgrs_library():
    lat, lon = mgrs.MGRS().toLatLon("48QYD3393852847")
    for text in ("48QYD3393852847", "48Q YD 33938 52847"):
        position = parse(text, datum="wgs84")
        assert _metres((lat, lon), position) < 1
        assert position.system == "mgrs" and position.precision_m <= 1.5


@pytest.mark.parametrize(("digits", "precision"), [(4, 1000), (6, 100), (8, 10), (10, 1)])
def test_grid_precision_follows_the_number_of_figures(digits, precision):
    ref = "XD" + "8454210000"[: digits // 2] + "4213900000"[: digits // 2]
    position = parse(ref, datum="wgs84", province="Quảng Trị")
    assert precision <= position.precision_m <= precision * 1.5


def test_vn2000_tm3_matches_epsg():
    # Quảng Trị: VN-2000 / TM-3 106-15 (EPSG:9212); pyproj picks EPSG's VN-2000 to WGS 84 itself.
    lon, lat = Transformer.from_crs(9212, 4326, always_xy=True).transform(567890.12, 1852345.67)
    for text, province in (
        ("X = 1852345.67, Y = 567890.12", "Quảng Trị"),
        ("X: 1852345,67 Y: 567890,12 KTT 106°15'", None),
    ):
        position = parse(text, province=province)
        assert _metres((lat, lon), position) < 1
        assert position.datum == "vn2000"


def test_vn2000_geographic_is_shifted_to_wgs84():
    lon, lat = Transformer.from_crs(4756, 4326, always_xy=True).transform(107.1944, 16.7469)
    position = parse("16.7469, 107.1944", datum="vn2000")
    assert _metres((lat, lon), position) < 1
    assert 150 < _metres(CITADEL, position) < 300  # the ~225 m VN-2000 shift


def test_hanoi_1972_gauss_kruger_matches_epsg_where_its_parameters_apply():
    # Vũng Tàu: Hanoi 1972 / Gauss-Kruger zone 18 (EPSG:2044) with EPSG's transformation (1).
    x, y = 1145000.0, 18720000.0
    lon, lat = Transformer.from_crs(2044, 4326, always_xy=True).transform(y, x)
    position = parse(f"X = {x:.0f}, Y = {y:.0f}")
    assert _metres((lat, lon), position) < 1
    assert position.system == "hanoi1972_gk"


def test_hanoi_1972_outside_vung_tau_is_warned_and_widened():
    position = parse("X = 1852345, Y = 18567890")
    assert position.warnings and position.precision_m >= 70


def test_indian_1960_grid_matches_epsg_inside_its_area():
    lon, lat = Transformer.from_crs(3148, 4326, always_xy=True).transform(712345, 1852345)
    position = parse("48N 712345 1852345", datum="indian1960")
    assert _metres((lat, lon), position) < 1
    assert 44 <= position.precision_m < 50 and not position.warnings


def test_a_wartime_grid_reference_lands_on_the_place_not_500_m_away():
    # shared/reference/coordinate_systems.md §3: Điện Biên Phủ is 48Q TJ 946 659 on Indian 1960
    # and 48Q TJ 942 662 in modern (WGS84) MGRS.
    modern = mgrs.MGRS().toLatLon("48QTJ942662")
    modern = (modern[0] + 0.00045, modern[1] + 0.00048)  # centre of the 100 m cell
    wartime = parse("TJ 946 659", province="Điện Biên")
    assert wartime.datum == "indian1960"
    assert _metres(modern, wartime) < 150
    as_if_gps = parse("48Q TJ 946 659", datum="wgs84")
    assert _metres(modern, as_if_gps) > 300


@pytest.mark.parametrize(
    ("text", "province"),
    [
        ("", None),
        ("   ", None),
        ("không nhớ", None),
        ("16.7 200.1", None),
        ("91.0, 107.0", None),
        ("16°75'00\"N 107°11'00\"E", None),
        ("XD 845 421", None),  # a grid square with no zone and no province
        ("XD 8454", "Atlantis"),
        ("48Q XD 12345", None),  # odd number of figures
        ("1" * 500, None),
        ("<script>alert(1)</script>", None),
    ],
)
def test_text_that_is_not_a_coordinate_gets_one_readable_line(text, province):
    with pytest.raises(CoordinateError) as err:
        parse(text, province=province)
    assert err.value.args[0] and "\n" not in err.value.args[0]


# Points on Vietnam's mainland: the strip from Quảng Trị to Huế, well inside zone 48.
lats = st.floats(min_value=16.2, max_value=17.0)
lons = st.floats(min_value=106.6, max_value=107.4)


@settings(max_examples=60, deadline=None)
@given(lats, lons, st.sampled_from(["wgs84_decimal", "dms", "mgrs", "utm"]))
def test_writing_then_reading_returns_the_point_within_its_precision(lat, lon, system):
    text = format_position(lat, lon, system)
    position = parse(text, datum="wgs84") if system == "mgrs" else parse(text)
    assert _metres((lat, lon), position) <= position.precision_m + 0.01


@settings(max_examples=40, deadline=None)
@given(lats, lons)
def test_vn2000_xy_on_the_province_meridian_round_trips(lat, lon):
    text = format_position(lat, lon, "vn2000_tm3", province="Quảng Trị")
    position = parse(text)
    assert _metres((lat, lon), position) < 1


def test_dms_rounding_never_writes_60_seconds():
    assert format_position(16.99999999, 107.0, "dms").startswith("17°00'00.0\"N")
    assert math.isclose(parse(format_position(16.99999999, 107.0, "dms")).lat, 17.0)


def test_command_line_prints_json_and_exits_2_on_nonsense():
    ok = run_module("geo", "parse-coord", "XD 845 421", "--province", "Quảng Trị")
    data = json.loads(ok.stdout)
    assert data["datum"] == "indian1960" and data["system"] == "mgrs" and data["warnings"]
    bad = run_module("geo", "parse-coord", "xin chào")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and bad.stdout == ""


def test_a_grid_without_zone_takes_it_from_its_square_letters():
    position = parse("YA941012", province="Gia Lai")  # LZ X-Ray, the reference's example, zone 48
    assert position.datum == "indian1960" and 13.4 < position.lat < 13.7 and 107.6 < position.lon < 107.8
    assert parse("YA941012").lat == position.lat  # only one band puts it in Vietnam


def test_a_zoned_grid_without_datum_is_read_as_a_wartime_map():
    assert parse("48P YA 941 012").datum == "indian1960"


@pytest.mark.parametrize("text", ["49P BB 123 456", "00 123456 1234567", "61 712345 1852345", "16°45'B 107°11'T"])
def test_impossible_bands_zones_and_west_longitudes_are_refused(text):
    with pytest.raises(CoordinateError):
        parse(text)


@pytest.mark.parametrize("meridian", ["KTT 106.25", "KTT 106°15'", "KTT 106 15", "KTT 106 độ 15"])
def test_a_stated_meridian_in_any_notation(meridian):
    expected = parse("X = 1851234, Y = 571234", province="Quảng Trị")
    position = parse(f"X = 1851234, Y = 571234 {meridian}")
    assert _metres((expected.lat, expected.lon), position) < 0.01


def test_a_meridian_that_is_no_vn2000_meridian_is_refused():
    with pytest.raises(CoordinateError):
        parse("X = 1851234, Y = 571234 KTT 106.3")


def test_vn2000_utm_xy_is_not_read_as_tm3():
    # VN-2000 / UTM zone 48N is EPSG:3405; the same numbers as TM-3 on 105° would land ~550 m away.
    lon, lat = Transformer.from_crs(3405, 4326, always_xy=True).transform(712345.0, 1852345.0)
    for text in ("X = 1852345, Y = 712345 (VN-2000 UTM múi 48)", "X = 1852345, Y = 712345 UTM KTT 105"):
        position = parse(text)
        assert position.system == "vn2000_utm"
        assert _metres((lat, lon), position) < 1


def _general_reading(text: str, datum: str | None) -> Position | str:
    """What parse() gives when it goes through every reader in turn (no shortcut for decimals)."""
    from geo import coords, datums

    chosen = datums.get_datum(datum) if datum else None
    norm = coords._normalise(text)
    compact = coords.re.sub(r"[\s.]+", " ", norm).strip()
    try:
        for attempt in (
            lambda: coords._parse_xy(norm, chosen, None),
            lambda: coords._parse_grid(compact, chosen, None),
            lambda: coords._parse_utm(compact, chosen),
            lambda: coords._parse_geographic(norm, chosen),
        ):
            position = attempt()
            if position is not None:
                return position
    except CoordinateError as exc:
        return str(exc)
    return f"«{text.strip()[:60]}» không phải là tọa độ đọc được."


def _reading(text: str, datum: str | None) -> Position | str:
    try:
        return parse(text, datum)
    except CoordinateError as exc:
        return str(exc)


_decimal = st.builds(lambda value, places: f"{value:.{places}f}", st.floats(0, 400, allow_nan=False), st.integers(0, 9))


@settings(max_examples=400, deadline=None)
@given(
    first=_decimal,
    second=_decimal,
    separator=st.sampled_from([", ", ",", ";", " ; ", " ", "\t", "  ,  "]),
    datum=st.sampled_from([None, "wgs84", "indian1960", "vn2000"]),
)
def test_plain_decimal_pairs_read_as_the_general_reader_reads_them(first, second, separator, datum):
    text = f" {first}{separator}{second} "
    assert _reading(text, datum) == _general_reading(text, datum)


@pytest.mark.parametrize(
    "text",
    [
        "16.7469, 107.1944",
        "107.1944, 16.7469",  # swapped, with its warning
        "16, 107",
        "16.7 107.2",
        "1.5, 2.5",  # outside Vietnam
        "200.1, 300.2",  # too large
        "95.5, 100.5",
        "016.70, 0107.20",  # four whole digits: not a plain pair
        "-16.7, 107.2",
        "+16.7, 107.2",
        "16,7469 107,1944",
        "16.7469, 107.1944 B",
        "16., 107.",
        "١٦.٧, ١٠٧.٢",
    ],
)
def test_decimal_like_texts_read_the_same_with_or_without_the_shortcut(text):
    for datum in (None, "wgs84", "hanoi1972"):
        assert _reading(text, datum) == _general_reading(text, datum)
