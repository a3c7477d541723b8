"""Thêm tin báo: a witness's account written down as it is told (the martyr, the place, when, the
witness, the source), or one report corrected ("Sửa" on the map: ?id=…)."""

from __future__ import annotations

import streamlit as st

from layers.access import Right
from ui.mapview import short_id
from ui.record_form import case_form_layer, record_form
from ui.state import store, t, viewer

LAYER = case_form_layer()  # the testimonies: the case layer whose declaration has a form
person = viewer()
person.require(Right.EDIT, "thêm và sửa tin báo")
record_id = st.query_params.get("id")
record = store().record(LAYER.name, record_id, person) if record_id else None
if record_id and record is None:
    st.error(t("form_no_record"))
    st.stop()
if record is None:
    st.header(t("form_title_new"))
    st.caption(t("form_hint_new"))
    record_form(LAYER, None, "report_new")
else:
    st.header(t("form_title_edit", code=short_id(record["id"])))
    if st.button(t("form_back_to_map"), icon=":material/map:"):
        st.session_state["selected_id"] = record["id"]
        st.session_state["center_on"] = record["id"]
        st.switch_page("ui/pages/map.py")
    record_form(LAYER, record, f"report_edit_{record['id']}")
