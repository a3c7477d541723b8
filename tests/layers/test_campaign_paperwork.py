"""The campaign report's paperwork figures, on both backends: two sites handed over, dossiers
printed, files attached by kind, recognition cases opened, sent and recognised, witness
statements prepared, each dated in November 2026, counted in November and not in October; a
chapter's report counts its own records only, and a person counts only what they see."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from layers import history
from layers.access import system
from layers.campaign import PAPERWORK_FIGURES, Scope, custom_period
from layers.events import paperwork_events, status_events
from layers.exporters.campaign_report import DEFINITIONS, report_of, report_pdf, report_xlsx
from layers.exporters.dossier import dossier_pdf
from layers.handover import hand_over
from layers.history import HISTORY
from layers.store import Store
from layers.tables import METADATA
from tests.layers.paperwork import Paperwork, build_paperwork, flat, pdf_text
from tests.layers.people import NA, QT

NOVEMBER = custom_period(date(2026, 11, 1), date(2026, 11, 30))
OCTOBER = custom_period(date(2026, 10, 1), date(2026, 10, 31))
IN_NOVEMBER = datetime(2026, 11, 15, 5, 0, tzinfo=UTC)
UNIT = "Đội K92, Bộ Chỉ huy Quân sự tỉnh Quảng Trị"
# Written out from what the campaign below does in November, for Quảng Trị's chapter.
QUANG_TRI = {
    "sites_handed_over": 2,
    "dossiers_printed": 1,  # one site's dossier, printed three times: once a period
    "files_documents": 3,  # a sketch, a photo of the witness, a photo of her house
    "files_recordings": 1,
    "cases_opened": 2,
    "cases_sent": 2,  # one recognised, one returned: both were sent first
    "cases_recognised": 1,
    "statements_prepared": 1,
}


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(tmp_path / "files"))
    return tmp_path


def _backdate(store: Store) -> None:
    """Everything the campaign did happened on 15 November."""
    with store.engine.begin() as connection:
        connection.execute(HISTORY.update().values(at=IN_NOVEMBER))
        connection.execute(METADATA.tables["attachments"].update().values(created_at=IN_NOVEMBER))
        connection.execute(Store.table("recognition_cases").update().values(created_at=IN_NOVEMBER))


def _case(store: Store, case_id: str, chapter: str, province: str, steps: list[str]) -> None:
    record = {"id": case_id, "person_name": f"Người {case_id}", "chapter_id": chapter, "province_34": province}
    store.insert("recognition_cases", [{**record, "status": "gathering"}], author="test")
    for status in steps:
        version = int(store.record("recognition_cases", case_id, system())["version"])
        store.update("recognition_cases", case_id, {"status": status}, "test", version, action="status")


def _statement(store: Store, case_id: str) -> None:
    store.insert("recognition_witnesses", [{"id": "w-1", "case_id": case_id, "chapter_id": QT}], author="test")
    with store.engine.begin() as connection:
        history.write(connection, "recognition_witnesses", "w-1", 1, "statement", "qt.tinh", {}, reason="Soạn bản")


def _campaign(store: Store) -> Paperwork:
    paperwork = build_paperwork(store)
    leader = paperwork.campaign.viewer("qt.tinh")
    hand_over(store, [paperwork.measured, paperwork.estimated], UNIT, leader, on=date(2026, 11, 20))
    for who in ("qt.tinh", "qt.tinh", "doitac"):
        dossier_pdf(store, paperwork.measured, paperwork.campaign.viewer(who))
    _case(store, "c-1", QT, "VN-25", ["sent_commune", "sent_province", "recognised"])
    _case(store, "c-2", QT, "VN-25", ["sent_commune", "returned"])
    _case(store, "c-na", NA, "VN-22", ["sent_commune"])
    _statement(store, "c-1")
    _backdate(store)
    return paperwork


@pytest.fixture
def campaign(folder, any_store) -> Paperwork:
    return _campaign(any_store)


def _figures(store: Store, viewer, chapter: str | None, period) -> dict:
    reports, trips = store.frame("reports", viewer), store.frame("trips", viewer)
    scope = Scope.of(reports, trips, chapter, status_events(store, viewer), paperwork_events(store, viewer))
    figures = scope.figures(period).as_dict()
    return {key: figures[key] for key in PAPERWORK_FIGURES}


def test_a_chapters_paperwork_counts_in_the_period_it_happened(campaign):
    assert _figures(campaign.store, system(), QT, NOVEMBER) == QUANG_TRI
    assert set(_figures(campaign.store, system(), QT, OCTOBER).values()) == {0}


def test_the_association_counts_every_chapters_cases(campaign):
    whole = _figures(campaign.store, system(), None, NOVEMBER)
    assert (whole["cases_opened"], whole["cases_sent"], whole["cases_recognised"]) == (3, 3, 1)
    assert whole["sites_handed_over"] == 2


def test_a_person_counts_only_the_paperwork_of_the_records_they_see(campaign):
    other = campaign.campaign.viewer("na.ghi")  # Nghệ An's recorder: its own case, none of Quảng Trị's
    seen = _figures(campaign.store, other, None, NOVEMBER)
    assert seen == {**dict.fromkeys(PAPERWORK_FIGURES, 0), "cases_opened": 1, "cases_sent": 1}


def test_a_site_handed_over_twice_in_a_period_counts_once_and_counts_again_later(campaign):
    store, leader = campaign.store, campaign.campaign.viewer("qt.tinh")
    hand_over(store, [campaign.measured], "Đội K92", leader, on=date(2026, 11, 25))
    hand_over(store, [campaign.measured], "Sở Nội vụ tỉnh Quảng Trị", leader, on=date(2026, 12, 1))
    assert _figures(store, system(), QT, NOVEMBER)["sites_handed_over"] == 2
    december = custom_period(date(2026, 12, 1), date(2026, 12, 31))
    assert _figures(store, system(), QT, december)["sites_handed_over"] == 1


def test_a_site_handed_over_before_there_was_a_history_row_counts_on_its_day(campaign):
    store = campaign.store
    with store.engine.begin() as connection:
        connection.execute(HISTORY.delete().where(HISTORY.c.action == "handover"))
    assert _figures(store, system(), QT, NOVEMBER)["sites_handed_over"] == 2


def test_the_reports_files_carry_the_paperwork_figures_and_their_definitions(campaign):
    report = report_of(campaign.store, system(), "Hội Cựu TNXP tỉnh Quảng Trị", QT, NOVEMBER, date(2026, 12, 2))
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
    cover = {row[0]: row[1] for row in book["Bìa"].iter_rows(values_only=True) if row and row[0]}
    assert cover["Điểm mộ đã bàn giao thông tin"] == 2
    assert cover["Hồ sơ đề nghị công nhận liệt sĩ mới"] == 2 and cover["Được công nhận liệt sĩ"] == 1
    text = flat(pdf_text(report_pdf(report)))
    assert "Điểm mộ đã bàn giao thông tin 2" in text and "Ghi âm, video đính kèm 1" in text
    assert "Hồ sơ, giấy tờ theo tỉnh, thành" in text
    assert flat(DEFINITIONS["vi"][-2]) in text  # the statements' definition, on the report
