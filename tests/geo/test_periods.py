from datetime import date

import pytest

from geo.periods import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_SCAN,
    PeriodReading,
    can_chi,
    era_events,
    lunar_month,
    read_period,
    south_lunar_month,
    tet,
    written_years,
)
from geo.text import fold, strip_marks

WAR_YEARS = range(FIRST_YEAR, LAST_YEAR + 1)


def years(text: str) -> tuple[int | None, int | None]:
    reading = read_period(text)
    assert reading is not None, text
    return reading.year_from, reading.year_to


# --- Can–Chi -------------------------------------------------------------------------------


def test_1984_is_giap_ty_and_1968_mau_than():
    assert can_chi(1984) == "Giáp Tý"
    assert can_chi(1968) == "Mậu Thân"


def test_a_can_chi_name_is_unique_within_the_wars():
    assert len({can_chi(y) for y in WAR_YEARS}) == len(WAR_YEARS)


@pytest.mark.parametrize("year", WAR_YEARS)
def test_every_can_chi_year_of_the_wars_reads_from_nam_and_from_tet(year):
    name = can_chi(year)
    for text in (f"năm {name}", f"Tết {name}"):
        reading = read_period(text)
        assert (reading.year_from, reading.year_to, reading.source) == (year, year, "can_chi"), text
        assert str(year) in reading.reading


@pytest.mark.parametrize("year", WAR_YEARS)
def test_every_can_chi_year_reads_without_diacritics_and_in_any_case(year):
    name = can_chi(year)
    for text in (f"nam {strip_marks(name)}", f"Tet {strip_marks(name)}", f"TẾT {name.upper()}", fold(f"năm {name}")):
        assert years(text) == (year, year), text


@pytest.mark.parametrize(
    ("text", "year"),
    [("năm Giáp Tý", 1984), ("nam At Ty", 1965), ("năm Ất Tị", 1965), ("năm Đinh Mẹo", 1987), ("năm Kỉ Dậu", 1969)],
)
def test_ty_and_ty_fold_alike_and_the_stem_tells_them_apart(text, year):
    assert years(text) == (year, year)


def test_a_bare_can_chi_name_counts_at_the_start_or_after_a_time_word():
    assert years("Kỷ Dậu") == (1969, 1969)
    assert years("đợt Canh Tuất") == (1970, 1970)


def test_thoi_ky_dau_is_not_the_year_ky_dau():
    assert read_period("thời kỳ đầu") is None
    assert read_period("giai đoạn kỳ đầu") is None


def test_binh_dan_hoc_vu_is_not_the_year_binh_dan():
    assert read_period("hồi bình dân học vụ") is None


def test_a_can_chi_year_outside_the_wars_is_not_read():
    assert read_period("năm Giáp Thân") is None  # 1944 or 2004


def test_the_reading_quotes_the_witness_and_gives_the_lunar_year():
    reading = read_period("nam MAU THAN").reading
    assert "«nam MAU THAN»" in reading
    assert "29/01/1968" in reading and "15/02/1969" in reading


# --- the lunar calendar --------------------------------------------------------------------


def test_tet_mau_than_is_29_january_in_the_north_and_30_in_the_south():
    # North Vietnam's calendar for UTC+7 took effect on 8/8/1967; the South kept UTC+8.
    assert tet(1968) == date(1968, 1, 29)
    assert south_lunar_month(1968, 1)[0] == date(1968, 1, 30)
    reading = read_period("Tết Mậu Thân").reading
    assert "29/01/1968" in reading and "30/01/1968" in reading


def test_tet_at_suu_1985_is_21_january_a_month_before_chinas():
    assert tet(1985) == date(1985, 1, 21)
    assert south_lunar_month(1985, 1) is None  # the whole country was on UTC+7 by then


@pytest.mark.parametrize(
    ("year", "day"),
    [(1945, date(1945, 2, 13)), (1954, date(1954, 2, 3)), (1960, date(1960, 1, 28)), (1965, date(1965, 2, 2))],
)
def test_before_august_1967_tet_is_that_of_the_chinese_calendar(year, day):
    # Hong Kong Observatory's tables (as in lunardate 0.3.0); UTC+7 would give 1/2/1965.
    assert tet(year) == day
    assert south_lunar_month(year, 1) is None


def test_thang_chap_nam_nham_ty_is_january_1973():
    reading = read_period("tháng Chạp năm Nhâm Tý")
    assert (reading.year_from, reading.year_to, reading.source) == (1973, 1973, "lunar_month")
    assert "04/01 – 02/02/1973" in reading.reading
    assert lunar_month(1972, 12) == (date(1973, 1, 4), date(1973, 2, 2))


def test_thang_gieng_nam_mau_than_is_1968():
    assert years("tháng Giêng năm Mậu Thân") == (1968, 1968)
    assert years("thang gieng Mau Than") == (1968, 1968)


def test_thang_mot_is_the_eleventh_lunar_month_and_may_run_into_the_next_year():
    reading = read_period("tháng Một năm Bính Ngọ")
    assert (reading.year_from, reading.year_to) == (1966, 1967)
    assert "tháng 11 âm lịch" in reading.reading


def test_a_month_in_figures_with_am_lich_is_a_lunar_month():
    reading = read_period("tháng 3 âm lịch năm Ất Mão")
    assert (reading.year_from, reading.year_to, reading.source) == (1975, 1975, "lunar_month")


def test_a_leap_month_is_read_where_the_year_has_it():
    reading = read_period("tháng 7 nhuận năm Mậu Thân")
    assert "tháng 7 nhuận" in reading.reading and "24/08 – 21/09/1968" in reading.reading


def test_a_leap_month_the_year_lacks_is_read_as_the_plain_month_and_said_so():
    reading = read_period("tháng 5 nhuận năm Mậu Thân")
    assert (reading.year_from, reading.year_to) == (1968, 1968)
    assert "không có tháng 5 nhuận" in reading.reading


def test_lunar_months_last_29_or_30_days_and_follow_each_other():
    for year in (1945, 1966, 1967, 1968, 1972, 1975, 1984, 1989):
        months = [lunar_month(year, m) for m in range(1, 13)]
        for (start, end), (following, _) in zip(months, months[1:], strict=False):
            assert 28 <= (end - start).days <= 29
            assert following > end


# --- seasons -------------------------------------------------------------------------------


def test_mua_kho_nam_ky_dau_runs_into_1970():
    reading = read_period("mùa khô năm Kỷ Dậu")
    assert (reading.year_from, reading.year_to, reading.source) == (1969, 1970, "season")
    assert "tháng 11" in reading.reading and "tháng 4" in reading.reading


def test_mua_mua_nam_ky_dau_is_1969():
    assert years("mùa mưa năm Kỷ Dậu") == (1969, 1969)


# --- the war's events ----------------------------------------------------------------------


def test_sau_hiep_dinh_paris_runs_to_the_end_of_the_resistance_war():
    reading = read_period("sau Hiệp định Paris")
    assert (reading.year_from, reading.year_to, reading.source) == (1973, 1975, "era_event")
    assert years("sau khi ký Hiệp định Pa-ri") == (1973, 1975)


def test_truoc_dien_bien_phu_runs_from_the_start_of_the_war_against_france():
    assert years("trước Điện Biên Phủ") == (1945, 1954)


def test_sau_an_event_that_ends_its_war_leaves_the_last_year_open():
    assert years("sau Điện Biên Phủ") == (1954, None)
    assert years("sau giải phóng miền Nam") == (1975, None)


def test_truoc_an_event_that_opens_its_war_leaves_the_first_year_open():
    assert years("trước Cách mạng tháng Tám") == (None, 1945)


def test_hoi_trong_thoi_give_the_events_own_years():
    assert years("hồi chiến dịch Đường 9 – Nam Lào") == (1971, 1971)
    assert years("trong Điện Biên Phủ trên không") == (1972, 1972)
    assert years("thời chống Pháp") == (1945, 1954)
    assert years("hồi Mậu Thân") == (1968, 1968)


def test_dien_bien_phu_tren_khong_is_not_dien_bien_phu():
    assert years("Điện Biên Phủ trên không") == (1972, 1972)


def test_the_1950_border_campaign_is_not_the_later_border_wars():
    assert years("Chiến dịch Biên giới") == (1950, 1950)
    assert years("chiến dịch biên giới Tây Nam") == (1975, 1979)
    assert years("chiến dịch biên giới phía Bắc") == (1979, 1989)


def test_era_events_hold_the_campaigns_milestones():
    required = {
        "cach_mang_thang_tam",
        "toan_quoc_khang_chien",
        "chien_dich_bien_gioi_1950",
        "dien_bien_phu",
        "hiep_dinh_geneve",
        "phong_trao_dong_khoi",
        "ap_bac",
        "vinh_bac_bo",
        "mau_than",
        "khe_sanh",
        "duong_9_nam_lao",
        "thanh_co_quang_tri",
        "dien_bien_phu_tren_khong",
        "hiep_dinh_paris",
        "giai_phong_mien_nam",
        "bien_gioi_tay_nam",
        "bien_gioi_phia_bac",
        "vi_xuyen",
        "gac_ma",
    }
    assert required <= set(era_events())


def test_every_era_event_has_a_source_and_its_war_is_a_row():
    for event in era_events().values():
        assert event.source and all(s.startswith("https://") for s in event.source), event.key
        assert event.war is None or event.war in era_events(), event.key


def test_the_dates_of_the_events_are_the_known_ones():
    events = era_events()
    assert events["hiep_dinh_paris"].date_from == date(1973, 1, 27)
    assert events["hiep_dinh_geneve"].date_from == date(1954, 7, 21)
    assert events["toan_quoc_khang_chien"].date_from == date(1946, 12, 19)
    assert events["bien_gioi_phia_bac"].date_from == date(1979, 2, 17)
    assert events["gac_ma"].date_from == date(1988, 3, 14)
    assert events["giai_phong_mien_nam"].date_to == date(1975, 4, 30)


@pytest.mark.parametrize(
    ("key", "name"), [(event.key, name) for event in era_events().values() for name in event.names]
)
def test_every_era_event_resolves_from_each_of_its_names(key, name):
    event = era_events()[key]
    for text in (name, fold(name), f"hồi {name}"):
        reading = read_period(text)
        assert reading is not None, text
        assert (reading.year_from, reading.year_to, reading.source) == (event.year_from, event.year_to, "era_event")


# --- several expressions, written years ------------------------------------------------------


def test_several_expressions_give_the_span_of_them_all():
    reading = read_period("từ Tết Mậu Thân đến Hiệp định Paris")
    assert (reading.year_from, reading.year_to) == (1968, 1973)
    assert "Gộp lại" in reading.reading


@pytest.mark.parametrize(
    "text",
    [
        "năm 72",
        "cuối năm 1968",
        "khoảng 1970–1971",
        "Tết Mậu Thân 1968",
        "mùa khô năm 1969",
        "tháng Chạp năm 1972",
        "Xuân 75",
        "ngày 30/4/1975",
    ],
)
def test_text_with_a_written_year_returns_none(text):
    assert read_period(text) is None
    assert written_years(text) is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("năm 72", (1972, 1972)),
        ("năm 68", (1968, 1968)),
        ("cuối năm 1968", (1968, 1968)),
        ("khoảng 1970–1971", (1970, 1971)),
        ("1970-71", (1970, 1971)),
        ("năm 72-73", (1972, 1973)),
        ("mùa khô 1969", (1969, 1970)),
        ("mùa khô năm 68", (1968, 1969)),
    ],
)
def test_written_years_reads_the_years_in_figures(text, expected):
    reading = written_years(text)
    assert (reading.year_from, reading.year_to, reading.source) == (*expected, "written_year")


@pytest.mark.parametrize("text", ["năm 92", "năm 20 tuổi", "năm 30 ngày", "Khu 5", "Đường 9"])
def test_two_digit_numbers_are_years_only_after_nam_and_within_1945_1989(text):
    assert written_years(text) is None


def test_a_hill_number_is_not_a_written_year():
    assert years("đồi 1015, tháng Chạp năm Nhâm Tý") == (1973, 1973)


# --- nothing recognisable, hostile input ------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "không nhớ rõ", "abc xyz", "????", "Mậu", "Thân", "tháng Chạp", "Tết"])
def test_nonsense_returns_none(text):
    assert read_period(text) is None
    assert written_years(text) is None


@pytest.mark.parametrize("value", [None, 1968, 1968.0, b"Tet Mau Than", ["Tết Mậu Thân"]])
def test_what_is_not_text_returns_none(value):
    assert read_period(value) is None
    assert written_years(value) is None


def test_a_megabyte_of_text_is_read_only_as_far_as_the_scan_limit():
    assert read_period("x" * 1_000_000) is None
    long_story = "Tết Mậu Thân " + "a" * 1_000_000 + " năm 1972"
    assert years(long_story) == (1968, 1968)  # the written year lies beyond MAX_SCAN
    assert written_years("a" * MAX_SCAN + " năm 1972") is None


def test_a_megabyte_of_matching_words_does_not_blow_up():
    for unit in ("Mậu Thân ", "tháng Chạp năm Nhâm Tý ", "sau trước ", "1968 ", "năm 68 ", "Điện Biên Phủ "):
        text = unit * (1_000_000 // len(unit))
        result = read_period(text)
        assert result is None or isinstance(result, PeriodReading)
        assert written_years(text) is None or isinstance(written_years(text), PeriodReading)


@pytest.mark.parametrize(
    "text",
    [
        "\x00Tết\x07 Mậu\x1b Thân\x00",
        "Tết\u00a0Mậu\u00a0Thân",
        "Tết Mậu Thân\ud800",
        "\u202eTết Mậu Thân\u202c",
        "T\u0065\u0302\u0301t Ma\u0302\u0323u Tha\u0302n",  # decomposed (NFD) diacritics
        "🙂" * 5000,
        "\r\n\t" * 10000,
    ],
)
def test_control_characters_and_odd_unicode_do_not_crash(text):
    result = read_period(text)
    assert result is None or result.year_from == 1968
    written_years(text)


def test_decomposed_and_non_breaking_spellings_still_read():
    assert years("Tết\u00a0Mậu\u00a0Thân") == (1968, 1968)
    assert years("T\u0065\u0302\u0301t Ma\u0302\u0323u Tha\u0302n") == (1968, 1968)


def test_a_repeated_phrase_is_read_once_and_readings_follow_the_text():
    reading = read_period("từ Tết Mậu Thân đến Hiệp định Paris, Tết Mậu Thân")
    assert reading.reading.count("«Tết Mậu Thân»") == 1
    assert reading.reading.index("Tết") < reading.reading.index("Paris")
    assert reading.source == "can_chi"  # the first in the text


def test_a_leap_month_the_year_does_not_have_is_read_as_the_ordinary_month_and_said():
    # 1972 (Nhâm Tý) has no leap twelfth month; the reading must not call it a leap month.
    reading = read_period("tháng Chạp nhuận năm Nhâm Tý")
    assert reading is not None and (reading.year_from, reading.year_to) == (1973, 1973)
    assert "không có tháng 12 nhuận" in reading.reading and "12 nhuận âm lịch" not in reading.reading
