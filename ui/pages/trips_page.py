"""Chuyến tìm kiếm: plan a trip for the reports it is for, list the trips, and for one trip record
its outcome (remains found at each report, handed over), its handover later, and its GPS track.

Every write goes through layers.trips, which moves the trip's reports through the workflow in
the trip's own transaction; a refusal is shown as its message, and nothing was written.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from geo.text import fold
from layers import stories
from layers.access import Right
from layers.campaign import vietnam_today
from layers.errors import LayersError
from layers.importers.limits import FILE_MB
from layers.importers.trips import read_track
from layers.labels import blank, display_value, field_label, number, short_code, term_label
from layers.schema import REPORTS, TRIPS
from layers.trips import PLANNABLE, add_trip, edit_trip, record_outcome
from ui.attachments_view import attachments_panel
from ui.field_results_view import results_panel
from ui.history_view import history_lines
from ui.mapview import status_label
from ui.plan_view import plan_panel
from ui.state import data_version, lang, layer_frame, plain, store, t, viewer
from ui.widgets import TABLE_MAX, chapter_choice

FLASH = "_trip_flash"  # the message of the last write, shown after the rerun that shows its result
CHOSEN = "trip_choice"
LINKED = "chuyen"  # ?chuyen=ID opens the page on that trip (the work page links here)
OUTCOMES = ("nothing_found", "remains_found", "cancelled")
GPS_TYPES = ["gpx", "kml", "kmz"]


def _done(message: str, trip_id: str | None = None) -> None:
    """Say what was written on the next run, which reads the data again; a new trip is chosen
    (only before the trip list's choice is drawn: Streamlit refuses to change it after)."""
    st.session_state[FLASH] = message
    if trip_id:
        st.session_state[CHOSEN] = trip_id
    st.rerun()


def _outcome_label(code: object) -> str:
    return term_label(TRIPS.field("outcome"), code, lang()) or term_label(TRIPS.field("outcome"), "planned", lang())


def _count(value: object) -> int:
    """A stored count, where a missing one (None, NaN) is none."""
    return 0 if blank(value) else int(value)


def _said(value: object, otherwise: str = "") -> str:
    return otherwise if blank(value) else str(value)


def _report_name(row: pd.Series, escape=str) -> str:
    names = escape(_said(row.get("martyr_names")))
    return f"#{short_code(row['id'])}" + (f" {names}" if names else "")


def _linked_ids(value: object) -> list[str]:
    return [str(i) for i in value] if isinstance(value, list | tuple) else []


def _day(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%d/%m/%Y}"


def _report_table(reports: pd.DataFrame) -> pd.DataFrame:
    province = REPORTS.field("province_34")
    return pd.DataFrame(
        {
            t("col_code"): reports["id"].map(lambda i: f"#{short_code(i)}"),
            t("field_status"): reports["status"].map(lambda c: status_label(c, lang())),  # seen on a phone too
            t("field_martyr_names"): reports["martyr_names"],
            field_label(REPORTS.field("remains_count"), lang()): reports["remains_count"],
            t("field_unit"): reports["unit"],
            t("field_province"): reports["province_34"].map(lambda v: display_value(province, v, lang())),
        }
    )


def _found(reports: pd.DataFrame, text: str) -> pd.DataFrame:
    """The reports whose names, unit or code hold the text (diacritics and case ignored)."""
    wanted = fold(text.strip().lstrip("#"))
    if not wanted:
        return reports
    haystack = (
        (reports["martyr_names"].fillna("").astype(str) + " " + reports["unit"].fillna("").astype(str)).map(fold)
        + " "
        + reports["id"].astype(str)
    )
    return reports[haystack.str.contains(wanted, regex=False)]


def _typed(text: str, reports: pd.DataFrame) -> list[str]:
    """Report ids from typed codes: a whole id, or the short code the map shows (#3f2a9c1d). A code
    that matches nothing is passed on as typed, for the trip to say it has no such report."""
    ids = []
    for token in text.replace(",", " ").split():
        code = token.strip().lstrip("#")
        hits = reports.loc[reports["id"].astype(str).str.startswith(code), "id"] if code else []
        ids.append(str(hits.iloc[0]) if len(hits) == 1 else code)
    return ids


def _plan(reports: pd.DataFrame, chapters: pd.DataFrame) -> None:
    st.subheader(t("trip_plan"))
    st.caption(t("trip_plan_hint"))
    pool = _found(reports[reports["status"].isin(PLANNABLE)], st.text_input(t("trip_find"), key="trip_find"))
    st.caption(t("trip_candidates", n=number(len(pool), lang())))
    shown = pool.iloc[:TABLE_MAX]
    event = st.dataframe(
        _report_table(shown),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="multi-row",
        key="trip_reports_table",
        height=min(320, 40 + 35 * max(len(shown), 1)),
    )
    rows = event.selection.rows if event and event.selection else []
    picked = [str(shown.iloc[i]["id"]) for i in rows if i < len(shown)]
    st.caption(t("trip_chosen", n=len(picked)))
    today = vietnam_today()
    with st.form("trip_plan_form"):
        typed = st.text_input(t("trip_typed_ids"), key="trip_typed")
        team = st.text_input(t("trip_team"), max_chars=200, key="trip_team")
        days = st.date_input(t("trip_dates"), (today, today + timedelta(days=2)), format="DD/MM/YYYY", key="trip_days")
        chapter = chapter_choice(chapters, viewer(), t("trip_chapter"), "trip_chapter")
        name = st.text_input(t("trip_name"), max_chars=200, key="trip_name")
        notes = st.text_area(t("trip_notes"), max_chars=5_000, key="trip_notes")
        upload = st.file_uploader(t("trip_track"), type=GPS_TYPES, key="trip_track", max_upload_size=FILE_MB)
        submitted = st.form_submit_button(t("trip_add"), type="primary")
    if not submitted:
        return
    linked = list(dict.fromkeys([*picked, *_typed(typed, reports)]))
    if not isinstance(days, tuple) or len(days) != 2:
        st.error(t("trip_pick_dates"))
        return
    values = {
        "team": team,
        "date_from": days[0],
        "date_to": days[1],
        "chapter_id": chapter,
        "name": name,
        "notes": notes,
        "linked_report_ids": linked,
    }
    try:
        track = read_track(upload.name, upload.getvalue()) if upload is not None else None
        trip_id = add_trip(store(), values, viewer(), track)
    except LayersError as exc:
        st.error(plain(str(exc)))
        return
    _done(t("trip_added", name=name or team), trip_id)


def _trip_list(trips: pd.DataFrame) -> str | None:
    """The trips, newest first, and the one chosen."""
    st.subheader(t("trip_list"))
    if trips.empty:
        st.info(t("trip_none"))
        return None
    trips = trips.sort_values("date_from", ascending=False, na_position="last")

    def label(name: str) -> str:
        return field_label(TRIPS.field(name), lang())

    st.dataframe(
        pd.DataFrame(
            {
                label("name"): trips["name"],
                label("team"): trips["team"],
                label("date_from"): trips["date_from"].map(_day),
                label("date_to"): trips["date_to"].map(_day),
                label("outcome"): trips["outcome"].map(_outcome_label),
                t("trip_col_reports"): trips["linked_report_ids"].map(_linked_ids).map(len),
                label("remains_found"): trips["remains_found"],
                label("remains_handed_over"): trips["remains_handed_over"],
            }
        ),
        hide_index=True,
        width="stretch",
        height=min(320, 40 + 35 * min(len(trips), TABLE_MAX)),
    )
    # Names and dates only: a label that changed with the outcome would make a new choice box.
    labels = {
        str(r["id"]): f"{_said(r['name'], _said(r['team'], short_code(r['id'])))} · {_day(r['date_from'])}"
        for _, r in trips.iloc[:TABLE_MAX].iterrows()
    }
    asked = st.query_params.pop(LINKED, None)  # once: the person may choose another trip after
    if asked in labels:
        st.session_state[CHOSEN] = asked
    if st.session_state.get(CHOSEN) not in labels:
        st.session_state.pop(CHOSEN, None)
    return st.selectbox(t("trip_choose"), list(labels), format_func=labels.get, key=CHOSEN)


def _outcome_form(trip: pd.Series, linked: pd.DataFrame) -> None:
    st.markdown(f"**{t('trip_outcome_title')}**")
    st.caption(t("trip_outcome_hint"))
    trip_id, today = str(trip["id"]), vietnam_today()
    with st.form(f"trip_outcome_{trip_id}"):
        outcome = st.radio(
            t("trip_outcome"), OUTCOMES, format_func=_outcome_label, horizontal=True, key=f"trip_out_{trip_id}"
        )
        per_report = {
            str(r["id"]): st.number_input(
                t("trip_remains_at", name=_report_name(r, plain)),  # a label is markdown: the name escaped
                min_value=0,
                step=1,
                key=f"trip_rem_{trip_id}_{r['id']}",
            )
            for _, r in linked.iterrows()
        }
        total = None if per_report else st.number_input(t("trip_remains_total"), min_value=0, step=1)
        left, middle, right = st.columns(3)
        handed = left.number_input(t("trip_handed_over"), min_value=0, step=1, key=f"trip_hand_{trip_id}")
        handed_to = middle.text_input(t("trip_handed_to"), max_chars=300, key=f"trip_hand_to_{trip_id}")
        handed_on = right.date_input(t("trip_handed_on"), today, format="DD/MM/YYYY", key=f"trip_hand_on_{trip_id}")
        note = st.text_area(t("trip_note"), max_chars=5_000, key=f"trip_note_{trip_id}")
        upload = st.file_uploader(
            t("trip_track"), type=GPS_TYPES, key=f"trip_out_track_{trip_id}", max_upload_size=FILE_MB
        )
        submitted = st.form_submit_button(t("trip_record"), type="primary")
    if not submitted:
        return
    found = outcome == "remains_found"
    try:
        track = read_track(upload.name, upload.getvalue()) if upload is not None else None
        record_outcome(
            store(),
            trip_id,
            viewer(),
            outcome,
            remains=int(total) if found and total else None,
            report_remains={i: int(n) for i, n in per_report.items() if n} if found else None,
            handed_over=int(handed) or None,
            handed_over_to=handed_to if handed else None,
            handed_over_on=handed_on if handed else None,
            note=note or None,
            version=int(trip["version"]),
            track=track,
        )
    except LayersError as exc:
        st.error(plain(str(exc)))
        return
    _done(t("trip_recorded", outcome=_outcome_label(outcome), name=_said(trip["name"], trip_id)))


def _handover_form(trip: pd.Series) -> None:
    trip_id = str(trip["id"])
    with st.form(f"trip_handover_{trip_id}"):
        st.markdown(f"**{t('trip_handover_title')}**")
        left, middle, right = st.columns(3)
        handed = left.number_input(
            t("trip_handed_over"), min_value=0, step=1, value=_count(trip["remains_found"]), key=f"trip_ho_{trip_id}"
        )
        handed_to = middle.text_input(t("trip_handed_to"), max_chars=300, key=f"trip_ho_to_{trip_id}")
        handed_on = right.date_input(
            t("trip_handed_on"), vietnam_today(), format="DD/MM/YYYY", key=f"trip_ho_on_{trip_id}"
        )
        submitted = st.form_submit_button(t("trip_handover_save"))
    if not submitted:
        return
    changes = {"remains_handed_over": int(handed), "handed_over_to": handed_to, "handed_over_on": handed_on}
    try:
        edit_trip(store(), trip_id, changes, int(trip["version"]), viewer())
    except LayersError as exc:
        st.error(plain(str(exc)))
        return
    _done(t("trip_saved"))


def _attach_track(trip: pd.Series) -> None:
    trip_id = str(trip["id"])
    with st.expander(t("trip_attach")):
        upload = st.file_uploader(
            t("trip_track"), type=GPS_TYPES, key=f"trip_attach_{trip_id}", max_upload_size=FILE_MB
        )
        if upload is None or not st.button(t("trip_attach_go"), key=f"trip_attach_go_{trip_id}"):
            return
        try:
            edit_trip(store(), trip_id, {}, int(trip["version"]), viewer(), read_track(upload.name, upload.getvalue()))
        except LayersError as exc:
            st.error(plain(str(exc)))
            return
        _done(t("trip_saved"))


def _route(trip: pd.Series) -> None:
    """The planning section of a trip still planned: its sites in walking order, saved on it."""
    with st.container(border=True, key=f"pl_trip_{trip['id']}"):
        st.markdown(f"#### {t('pl_title')}")
        st.caption(t("pl_hint"))
        plan_panel(trip.to_dict(), f"pl_{trip['id']}")


def _free_route() -> None:
    """A route for sites picked freely, with no trip: files to take, nothing saved."""
    with st.expander(t("pl_free_title"), icon=":material/route:"):
        plan_panel(None, "pl_free")


def _published(trip: pd.Series) -> bool:
    return trip.get("story_public") is True or trip.get("story_public") == 1


def _public_story(trip: pd.Series) -> None:
    """The trip's public part: its one sentence and whether it is published (layers.stories),
    changed only by those with the right to publish; others see whether it is."""
    trip_id, published = str(trip["id"]), _published(trip)
    with st.container(border=True, key=f"sm_trip_{trip_id}"):
        st.markdown(f"#### {t('sm_title')}")
        st.caption(t("sm_hint"))
        if not viewer().may(Right.PUBLISH):
            if not blank(trip.get("story")):
                st.text(str(trip["story"]))
            st.caption(t("sm_published" if published else "sm_not_published") + " " + t("sm_only_leaders"))
            return
        with st.form(f"sm_form_{trip_id}"):
            sentence = st.text_area(
                t("sm_sentence"), value=_said(trip.get("story")), max_chars=stories.STORY_MAX, key=f"sm_text_{trip_id}"
            )
            public = st.toggle(t("sm_publish"), value=published, key=f"sm_pub_{trip_id}")
            submitted = st.form_submit_button(t("sm_save"))
        if not submitted:
            return
        try:
            stories.publish_story(store(), trip_id, viewer(), public, sentence)
        except LayersError as exc:
            st.error(plain(str(exc)))
            return
        _done(t("sm_saved"))


def _trip_panel(trip: pd.Series, reports: pd.DataFrame) -> None:
    st.subheader(plain(_said(trip["name"], short_code(trip["id"]))))
    st.caption(
        plain(
            t(
                "trip_summary",
                team=_said(trip["team"], "—"),
                start=_day(trip["date_from"]),
                end=_day(trip["date_to"]),
                outcome=_outcome_label(trip["outcome"]),
                found=number(_count(trip["remains_found"]), lang()),
                handed=number(_count(trip["remains_handed_over"]), lang()),
            )
        )
    )
    ids = _linked_ids(trip["linked_report_ids"])
    linked = reports[reports["id"].isin(ids)]
    linked = linked.iloc[linked["id"].map(ids.index).argsort()] if len(linked) else linked
    st.markdown(f"**{t('trip_linked')}**")
    if linked.empty:
        st.caption(t("trip_no_linked"))
    else:
        st.dataframe(_report_table(linked), hide_index=True, width="stretch", key=f"trip_linked_{trip['id']}")
    planned = blank(trip["outcome"]) or trip["outcome"] == "planned"
    if planned:
        _route(trip)
        _outcome_form(trip, linked)
    elif trip["outcome"] == "remains_found" and _count(trip["remains_handed_over"]) < _count(trip["remains_found"]):
        _handover_form(trip)
    _attach_track(trip)
    _public_story(trip)
    attachments_panel(TRIPS, trip.to_dict(), "trip")
    results_panel(trip.to_dict(), f"trip_results_{trip['id']}")  # its own heading: "Kết quả chuyến đi"
    with st.expander(t("trip_history")):
        for line in history_lines(store().history(str(trip["id"]), viewer()), TRIPS, lang()):
            st.text(line)


version = data_version()
st.header(t("page_trips"))
if FLASH in st.session_state:
    st.success(plain(st.session_state.pop(FLASH)))
reports = layer_frame("reports", version)
trips = layer_frame("trips", version)
_plan(reports, layer_frame("chapters", version))
st.divider()
chosen = _trip_list(trips)
if chosen is not None:
    _trip_panel(trips[trips["id"] == chosen].iloc[0], reports)
st.divider()
_free_route()
