"""Biểu dương: the central association's ranked lists of chapters and search teams for a period
(layers.commendations), with a note and a "publish" mark per line, and how each line will read
on the public pages (a team by the name its people agreed to, else anonymously)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from layers import commendations
from layers.campaign import CAMPAIGN_START, PERIODS, Period, custom_period, vietnam_today
from layers.commendations import COMMENDATION_FIGURES, CommendationLine, figure_label, public_name_of
from layers.errors import LayersError
from layers.failures import log_failure
from ui.state import lang, plain, store, t, viewer


def _choose_period() -> Period:
    options = [p.key for p in PERIODS] + ["custom"]
    labels = {p.key: p.label(lang()) for p in PERIODS} | {"custom": t("cm_custom")}
    key = st.selectbox(t("cm_period"), options, format_func=labels.get, key="cm_period")
    if key != "custom":
        return next(p for p in PERIODS if p.key == key)
    days = st.date_input(t("cm_dates"), (CAMPAIGN_START, vietnam_today()), format="DD/MM/YYYY", key="cm_dates")
    if not isinstance(days, tuple) or len(days) != 2:
        st.info(t("cm_pick_dates"))
        st.stop()
    try:
        return custom_period(days[0], days[1])
    except LayersError as exc:
        st.error(plain(str(exc)))
        st.stop()


def _table(lines: list[CommendationLine]) -> pd.DataFrame:
    """The ranked lines as the page shows them (user text is shown as plain cells)."""
    rows = [
        {
            t("cm_rank"): line.rank,
            t("cm_name"): line.name,
            t("cm_public"): public_name_of(line, lang()),
            **{figure_label(key, lang()): line.figures[key] for key in COMMENDATION_FIGURES},
            t("cm_note"): line.note,
            t("cm_published"): line.published,
        }
        for line in lines
    ]
    return pd.DataFrame(rows)


def _label(line: CommendationLine) -> str:
    kind = t("cm_kind_chapter") if line.kind == "chapter" else t("cm_kind_team")
    return f"{kind} {line.rank}. {line.name}"


def _save(period: Period, line: CommendationLine, note_text: str, publish: bool) -> None:
    """Write what changed on the line (the note, then the mark), each refused if someone else
    changed the line since the page read it."""
    version = line.version
    if (note_text or "").strip() != line.note:
        version = commendations.note(store(), viewer(), period, line.kind, line.id, note_text, expected_version=version)
    if publish != line.published:
        commendations.set_published(store(), viewer(), period, line.kind, line.id, publish, expected_version=version)


def _editor(period: Period, lines: list[CommendationLine]) -> None:
    st.subheader(t("cm_edit"))
    by_key = {f"{line.kind}:{line.id}": line for line in lines}
    key = st.selectbox(t("cm_line"), list(by_key), format_func=lambda k: _label(by_key[k]), key="cm_line")
    line = by_key[key]
    st.markdown(t("cm_reads_as", name=plain(public_name_of(line, lang()))))
    if not line.named:
        st.caption(t("cm_anonymous"))
    widget = f"{period.start}_{period.end}_{key}"  # a period's line has widgets of its own
    with st.form(f"cm_form_{widget}"):
        note_text = st.text_area(t("cm_note"), line.note, max_chars=commendations.MAX_NOTE, key=f"cm_note_{widget}")
        publish = st.checkbox(t("cm_publish"), line.published, key=f"cm_publish_{widget}")
        if not st.form_submit_button(t("cm_save"), icon=":material/save:"):
            return
    try:
        _save(period, line, note_text, publish)
    except LayersError as exc:
        st.error(plain(str(exc)))
        return
    except Exception as exc:  # noqa: BLE001 - the person gets one line, the log the details
        log_failure("commendation", exc)
        st.error(t("cm_failed"))
        return
    st.session_state["cm_saved"] = _label(line)
    st.rerun()


st.header(t("cm_page"))
st.caption(t("cm_caption"))
period = _choose_period()
try:
    lines = commendations.ranked(store(), viewer(), period)
except LayersError as exc:
    st.error(plain(str(exc)))
    st.stop()
if saved := st.session_state.pop("cm_saved", None):
    st.success(t("cm_saved", line=plain(saved)))
st.subheader(t("cm_range", period=period.label(lang()), start=f"{period.start:%d/%m/%Y}", end=f"{period.end:%d/%m/%Y}"))
st.caption(t("cm_order"))
for kind, heading in (("chapter", "cm_chapters"), ("team", "cm_teams")):
    st.subheader(t(heading))
    shown = [line for line in lines if line.kind == kind]
    if shown:
        st.dataframe(_table(shown), hide_index=True, width="stretch", key=f"cm_table_{kind}")
    else:
        st.info(t("cm_none"))
if lines:
    _editor(period, lines)
