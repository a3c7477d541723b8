"""The results a team brought back from a trip, under the selected trip: the upload (the QField /
Mergin Maps package, its GeoPackage, GPX files, photos), what the import did kind by kind with
its rejected rows, and the trip's proposals with "Xác nhận" and "Không nhận" for the chapter's
leaders. Everything is read and written through layers (import_results, proposals, confirm,
reject) with the signed-in viewer; every text a person typed is escaped before it is shown.
One column of plain widgets: usable at 390 px."""

from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from layers import attachments
from layers.errors import LayersError
from layers.field_results import confirm, proposals, reject
from layers.importers.field_results import check_files, import_results
from layers.importers.limits import FILE_MB
from layers.labels import blank, number, term_label
from layers.schema import OBSERVATIONS
from layers.workflow import LEADERS
from ui.attachments_view import item_html, moment_text
from ui.state import lang, plain, store, t, viewer

UPLOAD_TYPES = ["zip", "gpkg", "gpx", "jpg", "jpeg", "heic", "heif", "png", "webp"]
RESULT_KEY = "_fr_result"  # the last import's accounting, shown after the rerun it causes
DONE_KEY = "_fr_done"
KINDS = ("observations", "tracks", "photos")


def counts_lines(summary: Mapping, lang_code: str) -> list[str]:
    """The accounting of one import, a line per kind, in plain text.

    >>> s = {k: {"read": 3, "accepted": 2, "rejected": 1, "duplicates": 0} for k in KINDS}
    >>> counts_lines(s, "vi")[0]
    'Kết quả tại điểm: đọc 3, nhận 2, loại 1, trùng 0'
    """
    from ui.i18n import text

    out = []
    for kind in KINDS:
        counts = summary[kind]
        values = {k: number(int(counts[k]), lang_code) for k in ("read", "accepted", "rejected", "duplicates")}
        out.append(text("fr_counts", lang_code, kind=text(f"fr_kind_{kind}", lang_code), **values))
    return out


def proposal_html(row: Mapping, lang_code: str) -> str:
    """One proposal as a small card, every value escaped (the note only when the person sees it).

    >>> row = {"site_name": "<b>Đồi</b>", "finding": "found", "remains_count": 2, "note": "<script>x</script>"}
    >>> card = proposal_html(row, "vi")
    >>> "&lt;b&gt;Đồi" in card and "<script>" not in card and "Tìm thấy hài cốt" in card
    True
    """
    from ui.i18n import text

    e = html.escape
    finding = term_label(OBSERVATIONS.field("finding"), row.get("finding"), lang_code)
    site = "" if blank(row.get("site_name")) else str(row["site_name"])
    title = e(text("fr_item", lang_code, site=site, finding=finding))
    lines = [f'<div style="font-weight:600;overflow-wrap:anywhere">{title}</div>']
    if row.get("finding") == "found":
        lines.append(
            f"<div>{e(text('fr_remains', lang_code, n=number(int(row.get('remains_count') or 0), lang_code)))}</div>"
        )
    if not blank(row.get("observed_at")):
        lines.append(
            f'<div style="color:#555">{e(text("fr_observed", lang_code, when=moment_text(row["observed_at"])))}</div>'
        )
    if not blank(row.get("note")):
        lines.append(f'<div style="white-space:pre-wrap;overflow-wrap:anywhere">{e(str(row["note"]))}</div>')
    return f'<div class="bando-proposal" style="margin:.2rem 0">{"".join(lines)}</div>'


def _upload(trip_id: str, key: str) -> None:
    uploads = st.file_uploader(
        t("fr_files"),
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key=f"fr_upload_{key}",
        max_upload_size=FILE_MB,
    )
    if not uploads or not st.button(t("fr_import"), key=f"fr_import_{key}"):
        return
    try:
        check_files([(u.name, u.size) for u in uploads])  # every size, and all together, before any is read
        result = import_results(store(), trip_id, [(u.name, u.getvalue()) for u in uploads], viewer())
    except LayersError as exc:
        st.error(plain(str(exc)))
        return
    st.session_state[RESULT_KEY] = {**result.summary(), "key": key}
    st.rerun()


def _accounting(key: str) -> None:
    summary = st.session_state.get(RESULT_KEY)
    if not summary or summary.get("key") != key:
        return
    for line in counts_lines(summary, lang()):
        st.caption(plain(line))
    if summary["rejected_rows"]:
        with st.expander(t("fr_rejected")):
            for row in summary["rejected_rows"]:
                st.markdown(f"- {plain(row['reason'])}")


def _decide(row: Mapping, key: str) -> None:
    obs_id = str(row["id"])
    note = st.text_input(t("fr_note"), key=f"fr_note_{key}_{obs_id}")
    yes, no = st.columns(2)
    try:
        if yes.button(t("fr_confirm"), key=f"fr_yes_{key}_{obs_id}", type="primary", use_container_width=True):
            confirm(store(), [obs_id], viewer(), note or None)
            st.session_state[DONE_KEY] = t("fr_confirmed")
            st.rerun()
        if no.button(t("fr_reject"), key=f"fr_no_{key}_{obs_id}", use_container_width=True):
            if not note.strip():
                st.error(t("fr_needs_note"))
                return
            reject(store(), [obs_id], viewer(), note)
            st.session_state[DONE_KEY] = t("fr_refused")
            st.rerun()
    except LayersError as exc:
        st.error(plain(str(exc)))


def _photos(obs_id: str) -> None:
    for row in attachments.attachments_of(store(), OBSERVATIONS.name, obs_id, viewer()):
        st.markdown(item_html(row, lang()), unsafe_allow_html=True)


def _proposals(trip_id: str, key: str) -> None:
    st.markdown(f"**{t('fr_proposals')}**")
    frame = proposals(store(), viewer(), trip_id)
    if frame.empty:
        st.caption(t("fr_none"))
        return
    leader = viewer().role.code in (*LEADERS, "operator")
    if not leader:
        st.caption(t("fr_leaders_only"))
    for row in pd.DataFrame(frame.drop(columns="geometry", errors="ignore")).to_dict("records"):
        with st.container(border=True):
            st.markdown(proposal_html(row, lang()), unsafe_allow_html=True)
            _photos(str(row["id"]))
            if leader:
                _decide(row, key)


def results_panel(trip: dict, key: str) -> None:
    """The results brought back from `trip` (a record as the trips page holds it, with its id):
    upload, accounting, and the proposals to decide. `key` keeps its widgets apart."""
    trip_id = str(trip["id"])
    st.markdown(f"### {t('fr_title')}")
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(done)
    st.caption(t("fr_hint"))
    _upload(trip_id, key)
    _accounting(key)
    _proposals(trip_id, key)
