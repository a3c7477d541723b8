"""Dữ liệu nền: an administrator adds and corrects former battlefields and martyrs' cemeteries,
each change with its source, through the form built from the layer's declaration."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.admin import province_names
from layers.access import Right
from layers.records import REFERENCE_LAYERS
from layers.schema import get_layer
from ui.history_view import history_lines
from ui.record_form import record_form
from ui.state import data_version, lang, layer_frame, plain, store, t, viewer

NEW = "__new__"

person = viewer()
person.require(Right.REFERENCE, "sửa dữ liệu nền")
st.header(t("ref_title"))
st.caption(t("ref_hint"))
name = st.radio(
    t("ref_layer"),
    REFERENCE_LAYERS,
    horizontal=True,
    format_func=lambda n: get_layer(n).label_en if lang() == "en" else get_layer(n).label_vi,
    key="ref_layer",
)
layer = get_layer(name)
frame = layer_frame(name, data_version())
names = province_names("34")
table = pd.DataFrame(
    {
        t("field_name"): frame["name"],
        t("field_province"): frame["province_34"].map(names),
        layer.field("source").label_vi if lang() == "vi" else layer.field("source").label_en: frame["source"],
    }
)
event = st.dataframe(
    table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key=f"ref_table_{name}"
)
picked = event.selection.rows if event and event.selection else []
if st.button(t("ref_new"), icon=":material/add:", key=f"ref_new_{name}"):
    st.session_state[f"ref_editing_{name}"] = NEW
if picked and picked[0] < len(frame):
    st.session_state[f"ref_editing_{name}"] = frame.iloc[picked[0]]["id"]
editing = st.session_state.get(f"ref_editing_{name}")
if editing is None:
    st.caption(t("ref_pick"))
elif editing == NEW:
    record_form(layer, None, f"ref_new_{name}")
else:
    record = store().record(name, editing, person)
    if record is None:
        st.error(t("form_no_record"))
    else:
        st.subheader(plain(record["name"] or "—"))
        record_form(layer, record, f"ref_edit_{editing}")
        entries = store().history(editing, person)
        with st.expander(t("detail_history", n=len(entries))):
            for line in history_lines(entries, layer, lang()):
                st.text(line)
