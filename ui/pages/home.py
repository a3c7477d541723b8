"""Tổng quan: the association's totals, this period against the previous one, the national
targets with their source, and the days left to 27 July 2027."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from layers.access import Reach
from layers.campaign import (
    CAMPAIGN_END,
    Figures,
    Period,
    Scope,
    current_period,
    days_left,
    reaching,
    targets,
    vietnam_today,
)
from layers.coverage import done_trips
from layers.labels import number
from layers.places import position_counts
from ui.state import data_version, lang, layer_frame, paperwork, report_events, t, viewer
from ui.widgets import figure_metrics


@st.cache_resource(show_spinner=False, max_entries=4)
def _figures(version: tuple, period: Period, previous: Period | None) -> tuple[Figures, Figures | None]:
    """The association's figures for two periods, once per data version (not on every rerun)."""
    scope = Scope.of(
        layer_frame("reports", version), layer_frame("trips", version), None, report_events(version), paperwork(version)
    )
    return scope.figures(period), None if previous is None else scope.figures(previous)


version = data_version()
today = vietnam_today()
st.header(t("home_title"))
st.metric(t("home_days_left", day=f"{CAMPAIGN_END:%d/%m/%Y}"), number(days_left(today), lang()))

reports, trips = layer_frame("reports", version), layer_frame("trips", version)
st.subheader(t("home_totals" if viewer().role.reach is Reach.ALL else "home_totals_scoped"))
made = done_trips(trips)
where = position_counts(reports)  # a point, an estimate from the place name, nothing: never added up
reports_row = {
    t("home_reports"): len(reports),
    t("home_located"): where["measured"],
    t("home_approximate"): where["place_name"],
    t("home_unlocated"): where["unknown"],
}
work_row = {
    t("home_trips"): len(made),
    t("home_remains"): int(made["remains_found"].fillna(0).sum()),
    t("home_identified"): len(reaching(report_events(version), "identified")),
}
for totals in (reports_row, work_row):  # two rows: seven figures in one do not fit a laptop's width
    for column, (label, value) in zip(st.columns(4), totals.items(), strict=False):
        column.metric(label, number(value, lang()))

period = current_period(today)
previous = period.previous()
st.subheader(t("home_period", start=f"{period.start:%d/%m/%Y}", end=f"{period.end:%d/%m/%Y}"))
if previous is not None:
    st.caption(t("home_period_hint", pstart=f"{previous.start:%d/%m/%Y}", pend=f"{previous.end:%d/%m/%Y}"))
now, before = _figures(version, period, previous)
figure_metrics(now, before, lang())

st.subheader(t("home_targets"))
table = targets()
label = "label_en" if lang() == "en" else "label_vi"
st.table(  # a few rows, read in full: sources are not cut off as in a data grid
    pd.DataFrame(
        {
            t("home_target"): table[label],
            t("home_value"): [number(v, lang()) for v in table["value"]],
            t("home_when"): table["period"],
            t("home_source"): table["source"],
            t("home_as_of"): table["as_of"],
        }
    ).set_index(t("home_target"))
)
st.caption(t("home_targets_note"))
