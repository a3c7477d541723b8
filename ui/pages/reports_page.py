"""Báo cáo: a chapter's (or the association's) campaign report for a period, on screen and as files."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date

import streamlit as st
from streamlit_folium import st_folium

from geo.admin import boundaries
from layers.access import Reach, Right
from layers.bulletin import bulletin_months, bulletin_of
from layers.bulletin import filename as bulletin_filename
from layers.campaign import CAMPAIGN_START, PERIODS, Period, custom_period, figure_label, vietnam_today
from layers.coverage import coverage_states, searched_areas
from layers.exporters.bulletin import bulletin_pdf, bulletin_pngs
from layers.exporters.campaign_report import WHOLE, build, filename, province_table, report_pdf, report_xlsx, unit_table
from layers.failures import log_failure
from ui.coverage_map import coverage_map
from ui.state import data_version, lang, layer_frame, paperwork, report_events, store, t, viewer
from ui.widgets import bar_chart, figure_metrics


@st.cache_resource(show_spinner=False, max_entries=8)
def _report(version: tuple, chapter_id: str | None, body: str, period, today: date):
    reports, trips = layer_frame("reports", version), layer_frame("trips", version)
    return build(
        reports, trips, body, chapter_id, period, today, events=report_events(version), paperwork=paperwork(version)
    )


@st.cache_data(show_spinner=False, max_entries=8)
def _files(version: tuple, chapter_id: str | None, body: str, period: Period, language: str, today: date):
    report = _report(version, chapter_id, body, period, today)
    return report_xlsx(report, language), report_pdf(report, language)


@st.cache_resource(show_spinner=False, max_entries=8)
def _coverage(version: tuple, chapter_id: str | None, body: str, period: Period, today: date):
    """The period's report states and searched areas: buffering tracks is not done on every rerun."""
    report = _report(version, chapter_id, body, period, today)
    return coverage_states(report.received, report.trips), searched_areas(report.trips)


@st.cache_data(show_spinner=False, max_entries=4)
def _bulletin_files(token: tuple, month: Period, language: str, today: date) -> tuple[bytes, bytes]:
    """The month's bulletin as a PDF and its pages as PNG pictures in a zip (read through the
    public viewer: the same for everyone, so keyed on the data's version only)."""
    bulletin = bulletin_of(store(), month, today, language)
    pdf = bulletin_pdf(bulletin, language)
    stem = bulletin_filename(month).removesuffix(".pdf")
    pages = io.BytesIO()
    with zipfile.ZipFile(pages, "w", zipfile.ZIP_STORED) as archive:
        for number, picture in enumerate(bulletin_pngs(pdf), start=1):
            archive.writestr(zipfile.ZipInfo(f"{stem}-{number}.png", date_time=(2026, 3, 14, 0, 0, 0)), picture)
    return pdf, pages.getvalue()


def _bulletin_data(month: Period, today: date, which: int) -> Callable[[], bytes]:
    """The bulletin's PDF (0) or pages' zip (1), made when its button is pressed."""
    token, language = store().version_token(), lang()

    def make() -> bytes:
        try:
            return _bulletin_files(token, month, language, today)[which]
        except Exception as exc:
            log_failure("bulletin", exc)
            raise

    return make


def _bulletin_section(today: date) -> None:
    """Bản tin tháng: a month, and the bulletin's PDF and PNG pages to download."""
    st.subheader(t("bt_header"))
    st.caption(t("bt_caption"))
    months = bulletin_months(today)
    month = st.selectbox(t("bt_month"), months, format_func=lambda m: m.label(lang()), key="bt_month")
    a, b = st.columns(2)
    a.download_button(
        t("bt_pdf"),
        _bulletin_data(month, today, 0),
        bulletin_filename(month),
        "application/pdf",
        key="bt_pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
    )
    b.download_button(
        t("bt_png"),
        _bulletin_data(month, today, 1),
        bulletin_filename(month, "zip"),
        "application/zip",
        key="bt_png",
        on_click="ignore",
        icon=":material/image:",
    )


def _choose_period():
    options = [p.key for p in PERIODS] + ["custom"]
    labels = {p.key: p.label(lang()) for p in PERIODS} | {"custom": t("rep_custom")}
    key = st.selectbox(t("rep_period"), options, format_func=labels.get, key="rep_period")
    if key != "custom":
        return next(p for p in PERIODS if p.key == key)
    days = st.date_input(t("rep_dates"), (CAMPAIGN_START, vietnam_today()), format="DD/MM/YYYY", key="rep_dates")
    if not isinstance(days, tuple) or len(days) != 2:
        st.info(t("rep_pick_dates"))
        st.stop()
    return custom_period(days[0], days[1])


version = data_version()
st.header(t("page_reports"))
chapters = layer_frame("chapters", version).sort_values("name")
person = viewer()
# The centre reports for the whole association (first) and any chapter; the others for their own
# chapters, their own first.
whole = person.role.reach is Reach.ALL
choices = [None, *chapters["id"]] if whole else [c for c in chapters["id"] if c in person.chapters]
if not whole and person.chapter_id in choices:
    choices.insert(0, choices.pop(choices.index(person.chapter_id)))
left, right = st.columns(2)
with left:
    chapter_id = st.selectbox(
        t("rep_chapter"),
        choices,
        format_func=lambda c: WHOLE[lang()] if c is None else chapters.set_index("id").loc[c, "name"],
        key="rep_chapter",
    )
with right:
    period = _choose_period()
body = WHOLE[lang()] if chapter_id is None else chapters.set_index("id").loc[chapter_id, "name"]
today = vietnam_today()
report = _report(version, chapter_id, body, period, today)
st.subheader(f"{body} · {period.label(lang())}")
previous = period.previous()
days = {"start": f"{period.start:%d/%m/%Y}", "end": f"{period.end:%d/%m/%Y}"}
if previous is None:  # the first report of the campaign compares with nothing
    st.caption(t("rep_first", **days))
else:
    st.caption(t("rep_compare", **days, pstart=f"{previous.start:%d/%m/%Y}", pend=f"{previous.end:%d/%m/%Y}"))
figure_metrics(report.figures, report.previous, lang())
xlsx, pdf = _files(version, chapter_id, body, period, lang(), today)
a, b = st.columns(2)
a.download_button(
    t("rep_xlsx"),
    xlsx,
    filename(report, "xlsx"),
    key="rep_xlsx",
    icon=":material/table_view:",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
b.download_button(
    t("rep_pdf"), pdf, filename(report, "pdf"), "application/pdf", key="rep_pdf", icon=":material/picture_as_pdf:"
)
provinces = province_table(report, lang())
if len(provinces):
    st.subheader(t("rep_chart"))
    received = report.by_province["reports_received"]
    bar_chart(list(provinces.iloc[:, 0]), received, figure_label("reports_received", lang()), "#d62728", top=15)
st.subheader(t("rep_map"))
states, areas = _coverage(version, chapter_id, body, period, today)
level_map = coverage_map(
    report.received,
    states,
    areas,
    boundaries("34"),
    report.by_province["reports_received"],
    figure_label("reports_received", lang()),
    lang(),
    hexagons=False,
)
st_folium(level_map, key="report_map", height=480, use_container_width=True, returned_objects=[])
st.subheader(t("rep_by_province"))
st.dataframe(provinces, hide_index=True, width="stretch")
st.subheader(t("rep_by_unit"))
st.dataframe(unit_table(report, lang()), hide_index=True, width="stretch")
if person.may(Right.CAMPAIGN_REPORTS):
    _bulletin_section(today)
