"""The workflow in a report's detail panel: the steps this person may take from its status, each
asking for what the step needs (layers.workflow.STEPS), taken through workflow.take_step."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from layers.access import AccessDenied, check_reach
from layers.coverage import OPEN_OUTCOMES
from layers.errors import LayersError
from layers.labels import term_label
from layers.schema import REPORTS
from layers.workflow import StepInput, steps_from, take_step
from ui.mapview import short_id
from ui.state import data_version, lang, layer_frame, plain, prepared_reports, store, t, viewer


def _status(code: str) -> str:
    return term_label(REPORTS.field("status"), code, lang())


def may_change(report: pd.Series | dict) -> bool:
    """Whether this report is the signed-in person's to change (their chapter's, their team's)."""
    try:
        check_reach(viewer(), REPORTS, dict(report))
    except AccessDenied:
        return False
    return True


def _allowed(report: dict) -> list:
    person = viewer()
    if not may_change(report):
        return []
    return [step for step in steps_from(report.get("status") or "new") if person.role.code in step.roles]


def _trip_choice(key: str) -> str | None:
    trips = layer_frame("trips", data_version())
    open_trips = trips[trips["outcome"].isin(OPEN_OUTCOMES) | trips["outcome"].isna()]
    if open_trips.empty:
        st.caption(t("step_no_trip"))
        return None
    names = {
        row["id"]: f"{row['name'] or short_id(row['id'])} · {row['date_from'] or '…'}"
        for row in open_trips[["id", "name", "date_from"]].to_dict("records")
    }
    return st.selectbox(t("step_trip"), list(names), format_func=names.get, key=key)


def _report_of_code(code: str) -> str | None:
    """A report id from its short code (the one the map and table show) or its whole id."""
    code = code.strip().lstrip("#").lower()
    if not code:
        return None
    reports = prepared_reports(data_version())
    hits = reports.loc[reports["id"].str.startswith(code), "id"]
    return hits.iloc[0] if len(hits) == 1 else None


def _inputs(needs: tuple[str, ...], key: str) -> StepInput | None:
    """What the chosen step needs, asked for; None while something it needs cannot be given."""
    note = st.text_area(t("step_note"), key=f"{key}.note", height=68)
    given: dict = {"note": note.strip() or None}
    if "trip" in needs:
        given["trip"] = _trip_choice(f"{key}.trip")
        if given["trip"] is None:
            return None
    if "remains" in needs:
        given["remains"] = int(st.number_input(t("step_remains"), min_value=1, value=1, step=1, key=f"{key}.remains"))
    if "reference" in needs:
        given["reference"] = st.text_input(t("step_reference"), key=f"{key}.reference").strip() or None
    if "duplicate_of" in needs:
        code = st.text_input(t("step_duplicate"), key=f"{key}.duplicate")
        given["duplicate_of"] = _report_of_code(code)
        if code.strip() and given["duplicate_of"] is None:
            st.caption(t("step_unknown_report", code=plain(code.strip()[:20])))
    return StepInput(**given)


def step_controls(report: pd.Series | dict) -> None:
    """The steps the signed-in person may take on this report, in an expander of the panel."""
    report = dict(report)
    done = st.session_state.pop("_step_done", None)
    if done:
        st.success(t("step_done", status=done))
    steps = _allowed(report)
    if not steps:
        return
    key = f"step.{report['id']}"
    with st.expander(t("step_title"), expanded=False):
        targets = [step.target for step in steps]
        target = st.selectbox(t("step_target"), targets, format_func=_status, key=f"{key}.target")
        step = steps[targets.index(target)]
        given = _inputs(step.needs, key)
        if st.button(t("step_button"), key=f"{key}.go", type="primary", disabled=given is None):
            try:
                take_step(store(), report["id"], target, viewer(), given)
            except LayersError as exc:
                st.error(plain(str(exc)))
                return
            st.session_state["_step_done"] = _status(target)
            st.rerun()
