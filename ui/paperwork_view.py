"""A site's paperwork on the sites page: its dossier (hồ sơ điểm mộ) to download, in the copy
with the witnesses' contacts the person may see or the copy without, and, for those who may, the
hand-over of it and other sites to a receiving unit, with the record (biên bản bàn giao) to
download. The page only shows what layers.exporters.dossier, layers.handover and
layers.exporters.handover_record say; every user text is escaped (plain)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from layers import handover
from layers.access import Contacts, Reach, Viewer
from layers.campaign import EARLIEST_DAY, vietnam_today
from layers.errors import LayersError
from layers.exporters.dossier import dossier_file, filename, record_printing
from layers.exporters.handover_record import filename as record_filename
from layers.exporters.handover_record import handover_pdf
from layers.labels import blank, short_code
from ui.state import data_version, lang, layer_frame, plain, store, t, viewer

DOSSIER_KEY = "pw_dossier_{site}"  # the dossier made for a site: (bytes, file name, with contacts)
RECORD_KEY = "pw_record_{site}"  # the hand-over record made from a site's panel: (bytes, file name, said)
MIME = "application/pdf"


def _sees_contacts(person: Viewer) -> bool:
    return person.role.contacts not in (Contacts.NONE, Contacts.CONSENTED)


def _may_hand_over(person: Viewer) -> bool:
    return person.role.code in (*handover.HANDOVER_ROLES, *handover.ALSO_ALLOWED)


def _handed(site: dict) -> None:
    if blank(site.get("handed_over_to")):
        return
    day = "" if blank(site.get("handed_over_on")) else f"{pd.Timestamp(site['handed_over_on']):%d/%m/%Y}"
    who = "" if blank(site.get("handed_over_by")) else str(site["handed_over_by"])
    st.caption(plain(t("pw_handed", unit=site["handed_over_to"], day=day, who=who)))


def _dossier(site: dict, person: Viewer) -> None:
    key = DOSSIER_KEY.format(site=site["id"])
    without = True
    if _sees_contacts(person):
        without = st.checkbox(t("pw_without"), key=f"pw_without_{site['id']}")
    if st.button(t("pw_dossier_make"), key=f"pw_make_{site['id']}", icon=":material/description:"):
        try:
            with st.spinner(t("pw_making")):
                data, made = dossier_file(store(), site["id"], person, lang(), vietnam_today(), not without)
                record_printing(store(), [made], person)
        except LayersError as exc:
            st.error(plain(str(exc)))
            return
        st.session_state[key] = (data, filename(made.site, made.with_contacts), made.with_contacts)
    made = st.session_state.get(key)
    if made:
        data, name, with_contacts = made
        st.caption(t("pw_copy_with" if with_contacts else "pw_copy_without"))
        st.download_button(
            t("pw_dossier_download"), data, file_name=name, mime=MIME, key=f"pw_get_{site['id']}", on_click="ignore"
        )


def _choices(site: dict, person: Viewer) -> dict[str, str]:
    """The sites this person may hand over with this one (their chapters'), by label."""
    frame = layer_frame("sites", data_version())
    if person.role.reach is not Reach.ALL:
        frame = frame[frame["chapter_id"].isin(person.chapters) | (frame["id"] == site["id"])]
    frame = frame[frame["status"] != "duplicate"].sort_values("name")
    labels = {
        str(row["id"]): t("pw_site_choice", code=short_code(row["id"]), name=row["name"] or "")
        for row in frame[["id", "name"]].to_dict("records")
    }
    return {site["id"]: labels.pop(str(site["id"]), f"#{short_code(site['id'])}"), **labels}


def _handover(site: dict, person: Viewer) -> None:
    choices = _choices(site, person)
    with st.form(key=f"pw_handover_{site['id']}", border=True, clear_on_submit=True):
        st.markdown(f"**{t('pw_handover')}**")
        chosen = st.multiselect(
            t("pw_sites"),
            list(choices),
            default=[site["id"]],
            format_func=lambda i: choices.get(i, i),
            max_selections=handover.MAX_SITES,
        )
        unit = st.text_input(t("pw_unit"), max_chars=handover.UNIT_LIMIT, placeholder=t("pw_unit_help"))
        today = vietnam_today()
        on = st.date_input(t("pw_on"), today, min_value=EARLIEST_DAY, max_value=today, format="DD/MM/YYYY")
        note = st.text_area(t("pw_note"), max_chars=handover.NOTE_LIMIT)
        contacts = st.checkbox(t("pw_with_contacts")) if _sees_contacts(person) else False
        asked = st.form_submit_button(t("pw_record"), type="primary", icon=":material/handshake:")
    key = RECORD_KEY.format(site=site["id"])
    if asked and _record(chosen, unit, on if isinstance(on, date) else today, note, contacts, person, key):
        st.rerun()  # the sites shown again as handed over, the form empty (pressing twice is not twice)
    made = st.session_state.get(key)
    if made:
        data, name, said = made
        st.success(said)
        st.download_button(
            t("pw_record_download"), data, file_name=name, mime=MIME, key=f"pw_get_{key}", on_click="ignore"
        )


def _record(site_ids: list[str], unit: str, on: date, note: str, contacts: bool, person: Viewer, key: str) -> bool:
    """Check the hand-over, make its record, then write it on the sites, keeping the record to
    download under `key`: a refusal (False) leaves nothing written and no record to download."""
    try:
        asked = handover.request(site_ids, unit, person, on, note)
        handover.check(store(), asked, person)
        with st.spinner(t("pw_making")):
            data = handover_pdf(
                store(),
                list(asked.site_ids),
                asked.to_unit,
                person,
                lang(),
                vietnam_today(),
                on=asked.on,
                note=asked.note,
                contacts=contacts,
            )
        handover.record(store(), asked, person)
    except LayersError as exc:
        st.error(plain(str(exc)))
        return False
    said = plain(t("pw_recorded", n=len(asked.site_ids), unit=asked.to_unit))
    st.session_state[key] = (data, record_filename(asked.on), said)
    return True


def site_paperwork(site: dict) -> None:
    """The paperwork of the site shown: its dossier, and its hand-over for those who may."""
    person = viewer()
    with st.container(border=True, key=f"pw_{site['id']}"):
        st.markdown(f"**{t('pw_title')}**")
        _handed(site)
        _dossier(site, person)
        if _may_hand_over(person):
            _handover(site, person)
