"""Độ phủ: which reported sites a search has reached, by province, with the same filters as the map."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.admin import boundaries, province_names
from layers.campaign import reaching
from layers.coverage import coverage_states, coverage_table, searched_areas
from layers.labels import number, short_code
from layers.places import position_counts
from ui.coverage_map import DOTS_MAX, coverage_map, dots_shown
from ui.filters import sidebar_filters
from ui.mapview import status_label
from ui.state import data_version, lang, layer_frame, report_events, selection, t
from ui.widgets import TABLE_MAX, bar_chart

MEASURES = ("searched_pct", "unvisited", "reports", "searched_km2", "trips", "remains_found", "identified")


@st.cache_resource(show_spinner=False, max_entries=16)
def _coverage(version: tuple, spec, level: str):
    """Reports and trips of the filter, each report's state, the searched areas, the table."""
    chosen = selection(spec, ("reports", "trips"))
    reports, trips = chosen.frames["reports"], chosen.frames["trips"]
    table = coverage_table(reports, trips, f"province_{level}", reaching(report_events(version), "identified"))
    table["unvisited"] = table["located"] - table["searched"]
    return reports, trips, coverage_states(reports, trips), searched_areas(trips), table


def _metrics(reports: pd.DataFrame, states: pd.DataFrame, table: pd.DataFrame) -> None:
    """The headline figures. Coverage is of measured points only: an area estimated from a place
    name is a commune or a district, which no track "reaches"; it is counted beside them."""
    where = position_counts(reports)
    located = int(reports.geometry.notna().sum())
    reached = int((states["state"] != "not_visited")[reports.geometry.notna()].sum())
    cols = st.columns(6)
    cols[0].metric(t("cov_m_reports"), number(len(reports), lang()))
    cols[1].metric(t("cov_m_located"), number(located, lang()))
    cols[2].metric(t("cov_m_approximate"), number(where["place_name"], lang()))
    share = number(100 * reached / max(located, 1), lang(), 1)
    cols[3].metric(t("cov_m_reached"), f"{number(reached, lang())} ({share} %)")
    cols[4].metric(t("cov_m_unvisited"), number(located - reached, lang()))
    cols[5].metric(t("cov_m_km2"), number(float(table["searched_km2"].sum()), lang(), 2))
    if where["place_name"] or where["unknown"]:
        st.caption(
            t(
                "cov_positions_note",
                located=number(located, lang()),
                approx=number(where["place_name"], lang()),
                u=number(where["unknown"], lang()),
            )
        )


def _unvisited_table(reports: pd.DataFrame, states: pd.DataFrame) -> None:
    waiting = reports[(states["state"] == "not_visited") & reports.geometry.notna()]
    names = province_names("34")
    st.subheader(t("cov_unvisited_title", n=number(len(waiting), lang())))
    if len(waiting) > TABLE_MAX:
        st.caption(t("table_capped", shown=number(TABLE_MAX), n=number(len(waiting))))
        waiting = waiting.iloc[:TABLE_MAX]
    st.dataframe(
        pd.DataFrame(
            {
                t("col_code"): waiting["id"].map(lambda i: f"#{short_code(i)}"),
                t("field_martyr_names"): waiting["martyr_names"],
                t("field_province"): waiting["province_34"].map(names),
                t("field_status"): waiting["status"].map(lambda c: status_label(c, lang())),
                t("field_place"): waiting["place_description"],
            }
        ),
        hide_index=True,
        width="stretch",
        height=300,
    )


def _province_chart(table: pd.DataFrame, level: str, measure: str) -> None:
    names = province_names(level)
    bar_chart([names.get(c, c) for c in table.index], table[measure], t(f"cov_measure_{measure}"), "#2171b5")


version = data_version()
st.header(t("page_coverage"))
spec, _options = sidebar_filters(layer_frame("reports", version), layer_frame("chapters", version))
left, middle, right = st.columns([1, 2, 1])
level = left.radio(t("cov_level"), ("34", "63"), format_func=lambda v: t(f"cov_level_{v}"), key="cov_level")
measure = middle.selectbox(t("cov_measure"), MEASURES, format_func=lambda m: t(f"cov_measure_{m}"), key="cov_measure")
hexagons = right.checkbox(t("cov_hexagons"), value=True, key="cov_hex", help=t("cov_hexagons_help"))
with st.spinner(t("cov_working")):
    reports, trips, states, areas, table = _coverage(version, spec, level)
_metrics(reports, states, table)
folium_map = coverage_map(
    reports,
    states,
    areas,
    boundaries(level),
    table[measure],
    t(f"cov_measure_{measure}"),
    lang(),
    hexagons,
)
st_folium(folium_map, key="coverage_map", height=560, use_container_width=True, returned_objects=[])
hidden = int(reports.geometry.notna().sum() - dots_shown(reports, states).sum())
if hidden:
    st.caption(t("cov_dots_capped", shown=number(DOTS_MAX), hidden=number(hidden)))
st.caption(t("cov_legend"))
_unvisited_table(reports, states)
st.subheader(t("cov_by_province"))
_province_chart(table, level, measure)
names = province_names(level)
shown = table.round({"searched_pct": 1, "searched_km2": 3}).rename(index=lambda c: names.get(c, c))
shown = shown.rename(columns=lambda c: t(f"cov_measure_{c}")).rename_axis(t("field_province"))
st.dataframe(shown, width="stretch")
