"""Xuất dữ liệu: the current view's layers as files for field teams and partners."""

from __future__ import annotations

import streamlit as st

from layers.criteria import describe
from layers.query import FilterSpec
from ui.export_form import export_form
from ui.state import chapter_names, lang, t

st.header(t("page_export"))
spec = st.session_state.get("current_spec")
if spec is None:  # opened directly: the filters in the link, as the map would read them
    spec = FilterSpec.from_params({key: st.query_params.get_all(key) for key in st.query_params}).usable()
st.markdown(t("exp_scope"))
st.text(describe(spec, lang(), chapter_names()))
st.caption(t("exp_scope_hint"))
export_form(spec, "export_page")
