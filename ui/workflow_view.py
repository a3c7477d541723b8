"""The workflow in a record's detail panel: the steps this person may take from its status in its
layer's workflow (layers.workflow.workflow_of), each asking for what the step needs, the day it
happened where the workflow keeps one, taken through workflow.take."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from layers.access import AccessDenied, check_reach
from layers.campaign import vietnam_today
from layers.coverage import OPEN_OUTCOMES
from layers.errors import LayersError
from layers.schema import REPORTS, Layer
from layers.workflow import FIRST_DAY, StepInput, Workflow, take, workflow_of
from ui.mapview import short_id
from ui.state import data_version, lang, layer_frame, plain, prepared_reports, store, t, viewer

CLEAR = "_step_clear"  # the inputs of the step just taken, emptied before they are drawn again


def _workflow(layer: Layer) -> Workflow:
    workflow = workflow_of(layer.name)
    if workflow is None:
        raise LayersError(f"Lớp «{layer.label_vi}» không có quy trình các bước.")
    return workflow


def _status(code: str, layer: Layer = REPORTS) -> str:
    return _workflow(layer).label(code, lang())


def may_change(record: pd.Series | dict, layer: Layer = REPORTS) -> bool:
    """Whether this record is the signed-in person's to change (their chapter's, their team's)."""
    try:
        check_reach(viewer(), layer, dict(record))
    except AccessDenied:
        return False
    return True


def _allowed(record: dict, layer: Layer) -> list:
    if not may_change(record, layer):
        return []
    workflow = _workflow(layer)
    return [
        step
        for step in workflow.steps_from(record.get(workflow.status) or workflow.start)
        if viewer().role.code in step.roles
    ]


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


def _day(workflow: Workflow, key: str) -> date | None:
    """The day the step happened, for a workflow that keeps it: today unless told otherwise."""
    if workflow.day is None:
        return None
    today = vietnam_today()
    return st.date_input(
        t("step_on"), value=today, min_value=FIRST_DAY, max_value=today, format="DD/MM/YYYY", key=f"{key}.on"
    )


def _inputs(needs: tuple[str, ...], key: str, workflow: Workflow) -> StepInput | None:
    """What the chosen step needs, asked for; None while something it needs cannot be given."""
    on = _day(workflow, key)
    if workflow.day is None:  # a report's: how it was checked
        label = t("step_note")
    else:
        label = t("step_note_needed") if "note" in needs else t("step_note_plain")
    note = st.text_area(label, key=f"{key}.note", height=68)
    given: dict = {"note": note.strip() or None, "on": on}
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


def step_controls(record: pd.Series | dict, layer: Layer = REPORTS, expanded: bool = False) -> None:
    """The steps the signed-in person may take on this record, in an expander of the panel."""
    record = dict(record)
    for typed, empty in st.session_state.pop(CLEAR, {}).items():  # a step taken: its note is not the next one's
        st.session_state[typed] = empty
    done = st.session_state.pop("_step_done", None)
    if done:
        st.success(t("step_done", status=done))
    steps = _allowed(record, layer)
    if not steps:
        return
    workflow = _workflow(layer)
    key = f"step.{record['id']}"
    with st.expander(t("step_title"), expanded=expanded):
        targets = [step.target for step in steps]
        target = st.selectbox(
            t("step_target"), targets, format_func=lambda code: _status(code, layer), key=f"{key}.target"
        )
        step = steps[targets.index(target)]
        given = _inputs(step.needs, key, workflow)
        if st.button(t("step_button"), key=f"{key}.go", type="primary", disabled=given is None):
            try:
                take(store(), layer.name, record["id"], target, viewer(), given)
            except LayersError as exc:
                st.error(plain(str(exc)))
                return
            st.session_state["_step_done"] = _status(target, layer)
            st.session_state[CLEAR] = {f"{key}.note": "", f"{key}.on": vietnam_today()}
            st.rerun()
