"""Campaign reports: every figure equals a direct SQL count on the demo data (verified and
identified counted from its history); the XLSX cells and the PDF text read back carry the same
figures."""

from __future__ import annotations

import io
import json
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from layers.access import system
from layers.campaign import (
    CAMPAIGN_START,
    PERIODS,
    Scope,
    current_period,
    custom_period,
    days_left,
)
from layers.events import status_events
from layers.exporters.campaign_report import build, headline_rows, report_pdf, report_xlsx
from layers.seed import load_demo, seed_reference
from layers.store import Store
from tests.cli_helpers import run_module

TODAY = date(2026, 11, 26)
SIX_MONTHS = PERIODS[0]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Store:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('campaign') / 'c.sqlite'}")
    seed_reference(store)
    load_demo(store, reports=600, seed=5)
    return store


def _sql(store: Store, query: str, **params) -> float:
    with store.engine.connect() as connection:
        return connection.execute(sa.text(query), params).scalar() or 0


# Written out here, not taken from the code: "verified" means verified or any later step.
VERIFIED = "'verified', 'planned', 'searched_not_found', 'remains_found', 'identified'"


def _first_reached(statuses: str) -> str:
    """SQL: each demo report's first history row into one of `statuses`, with its day in Vietnam
    (the demo's reports all arrived as "new": the status rows tell every later step)."""
    return f"""
        SELECT h.record_id, date(MIN(h.at), '+7 hours') AS day FROM record_history h
        JOIN reports r ON r.id = h.record_id
        WHERE h.layer = 'reports' AND h.action IN ('insert', 'status', 'update')
          AND json_extract(h.changes, '$.status[1]') IN ({statuses}) AND r.status != 'duplicate'
          AND (:chapter IS NULL OR r.chapter_id = :chapter)
        GROUP BY h.record_id
    """


def _expected(store: Store, chapter: str | None, start: date, end: date) -> dict:
    where = "received_on BETWEEN :start AND :end AND status != 'duplicate'" + (
        " AND chapter_id = :chapter" if chapter else ""
    )
    trips = "outcome IN ('nothing_found', 'remains_found') AND date_from BETWEEN :start AND :end" + (
        " AND chapter_id = :chapter" if chapter else ""
    )
    handed = (
        "outcome IN ('nothing_found', 'remains_found') AND COALESCE(handed_over_on, date_from) BETWEEN :start AND :end"
    )
    handed += " AND chapter_id = :chapter" if chapter else ""
    reached = "SELECT COUNT(*) FROM ({}) AS firsts WHERE day BETWEEN :start AND :end"
    p = {"start": start, "end": end, "chapter": chapter}
    return {
        "reports_received": _sql(store, f"SELECT COUNT(*) FROM reports WHERE {where}", **p),
        "reports_verified": _sql(store, reached.format(_first_reached(VERIFIED)), **p),
        "identified": _sql(store, reached.format(_first_reached("'identified'")), **p),
        "trips": _sql(store, f"SELECT COUNT(*) FROM trips WHERE {trips}", **p),
        "remains_found": _sql(store, f"SELECT SUM(remains_found) FROM trips WHERE {trips}", **p),
        "remains_handed_over": _sql(store, f"SELECT SUM(remains_handed_over) FROM trips WHERE {handed}", **p),
    }


def _scope(store: Store, chapter: str | None) -> Scope:
    reports, trips = store.frame("reports", system()), store.frame("trips", system())
    return Scope.of(reports, trips, chapter, status_events(store, system()))


def _report(store: Store, body: str, chapter: str | None, period, reports=None):
    reports = store.frame("reports", system()) if reports is None else reports
    events = status_events(store, system())
    return build(reports, store.frame("trips", system()), body, chapter, period, TODAY, events=events)


@pytest.mark.parametrize("chapter", [None, "chapter-vn-25"])
@pytest.mark.parametrize("period", [*PERIODS, custom_period(date(2026, 6, 1), date(2026, 8, 31))], ids=str)
def test_report_figures_equal_direct_sql_counts(demo, chapter, period):
    figures = _scope(demo, chapter).figures(period).as_dict()
    expected = _expected(demo, chapter, period.start, period.end)
    assert {k: figures[k] for k in expected} == expected
    assert expected["reports_received"] > 0


@pytest.mark.parametrize("period", PERIODS[:2], ids=["6m", "1y"])
def test_the_demos_history_gives_its_six_month_and_one_year_reports_figures(demo, period):
    """The demo arrived in one batch: only its backdated steps give its past periods verified reports."""
    figures = _scope(demo, None).figures(period)
    assert figures.reports_verified > 0 and figures.identified > 0
    six, year = _scope(demo, None).figures(PERIODS[0]), _scope(demo, None).figures(PERIODS[1])
    assert six.reports_verified < year.reports_verified  # the 1-year report holds the 6-month one


def test_figures_per_province_add_up_to_the_whole(demo):
    scope = _scope(demo, None)
    for period in PERIODS[:2]:
        table, whole = scope.by("province_34", period), scope.figures(period)
        for key in ("reports_received", "reports_verified", "identified", "trips", "remains_handed_over"):
            assert table[key].sum() == getattr(whole, key), key


def test_each_report_is_compared_with_the_one_before_it():
    six, year, final = PERIODS
    assert six.previous() is None  # the campaign's first report
    assert year.previous() == six and final.previous() == year
    custom = custom_period(date(2026, 6, 1), date(2026, 6, 30))
    assert (custom.previous().start, custom.previous().end) == (date(2026, 5, 2), date(2026, 5, 31))


def test_dates_of_the_campaign():
    assert days_left(date(2026, 11, 26)) == 243 and days_left(date(2027, 8, 1)) == 0
    now = current_period(TODAY)
    assert (now.start, now.end) == (date(2026, 9, 14), date(2027, 3, 13))
    before = now.previous()
    assert (before.start, before.end) == (CAMPAIGN_START, date(2026, 9, 13))
    assert current_period(CAMPAIGN_START).previous() is None


def test_xlsx_cells_carry_the_figures(demo):
    report = _report(demo, "Toàn Hội", None, SIX_MONTHS)
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
    assert book.sheetnames == ["Bìa", "Theo tỉnh, thành", "Theo đơn vị (tin báo tiếp nhận)"]
    cover = {row[0]: row[1:] for row in book["Bìa"].iter_rows(values_only=True) if row and row[0]}
    expected = _expected(demo, None, SIX_MONTHS.start, SIX_MONTHS.end)
    assert cover["Tin báo tiếp nhận"][0] == expected["reports_received"]
    assert cover["Hài cốt đã bàn giao"][0] == expected["remains_handed_over"]
    assert cover["Chuyến tìm kiếm đã đi"][0] == expected["trips"]
    assert cover["Tin báo đã xác minh"][0] == expected["reports_verified"]
    assert any("lần đầu chuyển sang «Đã xác minh»" in str(row[0]) for row in book["Bìa"].iter_rows(values_only=True))
    provinces = list(book["Theo tỉnh, thành"].iter_rows(values_only=True))
    received = provinces[0].index("Tin báo tiếp nhận")
    assert sum(r[received] for r in provinces[1:]) == expected["reports_received"]
    assert any(r[0] == "Quảng Trị" for r in provinces[1:])


def test_pdf_text_carries_the_figures_and_fonts_are_embedded(demo):
    report = _report(demo, "Hội Cựu TNXP tỉnh Quảng Trị", "chapter-vn-25", SIX_MONTHS)
    reader = PdfReader(io.BytesIO(report_pdf(report)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Báo cáo chiến dịch" in text and "Hội Cựu TNXP tỉnh Quảng Trị" in text
    for label, now, before, change in headline_rows(report, "vi"):
        assert f"{label} {now} {before} {change}" in text.replace("\n", " "), label
    assert "Còn 243 ngày đến 27/7/2027" in text
    fonts = {str(f["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts and all("DejaVuSans" in f for f in fonts)


def test_command_line_report_prints_the_same_figures(demo, tmp_path):
    url = str(demo.engine.url)
    done = run_module(
        "layers",
        "report",
        "--chapter",
        "Quảng Trị",
        "--period",
        "6m",
        "--format",
        "pdf",
        "--out",
        str(tmp_path),
        "--db",
        url,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    expected = _expected(demo, "chapter-vn-25", SIX_MONTHS.start, SIX_MONTHS.end)
    assert {k: summary["figures"][k] for k in expected} == expected
    assert (tmp_path / summary["out"].split("/")[-1]).read_bytes()[:5] == b"%PDF-"
    bad = run_module(
        "layers",
        "report",
        "--chapter",
        "all",
        "--from",
        "2026-05-01",
        "--format",
        "xlsx",
        "--out",
        str(tmp_path),
        "--db",
        url,
    )
    assert bad.returncode == 2 and "--from và --to" in bad.stderr


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_a_chapter_or_a_period_with_nothing_gives_a_report_of_zeros(demo, tmp_path, fmt):
    url = str(demo.engine.url)
    done = run_module(
        "layers",
        "report",
        "--chapter",
        "all",
        "--from",
        "2025-01-01",
        "--to",
        "2025-06-30",
        "--format",
        fmt,
        "--out",
        str(tmp_path),
        "--db",
        url,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert set(summary["figures"].values()) == {0}
    data = (tmp_path / summary["out"].split("/")[-1]).read_bytes()
    assert data[:2] == b"PK" if fmt == "xlsx" else data[:5] == b"%PDF-"


def test_control_characters_in_stored_text_do_not_break_the_report(demo):
    reports = demo.frame("reports", system())
    reports.loc[reports.index[:200], "unit"] = "Đoàn\x0b559\x01"  # the most reported unit
    report = _report(demo, "Toàn Hội", None, PERIODS[2], reports)
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
    units = [r[0] for r in book["Theo đơn vị (tin báo tiếp nhận)"].iter_rows(values_only=True)]
    assert "Đoàn559" in units
    assert report_pdf(report)[:5] == b"%PDF-"
