"""Bản đồ: the demo reports, battlefields, cemeteries and trips on one offline map."""

import streamlit as st
from streamlit_folium import st_folium

from geo.admin import boundaries
from ui.mapview import build_map
from ui.state import data_version, lang, layer_frame, store, t


@st.cache_resource(show_spinner=False, max_entries=4)
def _map_for(version: tuple, language: str):
    frames = {name: layer_frame(name, version) for name in ("reports", "battlefields", "cemeteries", "trips")}
    return build_map(
        frames["reports"], frames["battlefields"], frames["cemeteries"], frames["trips"],
        boundaries("34"), boundaries("neighbours"), language,
    ), frames["reports"]


version = data_version()
if store().has_demo():
    st.warning(t("demo_banner"), icon="⚠️")
folium_map, reports = _map_for(version, lang())
located = int(reports.geometry.notna().sum())
st.caption(t("reports_shown", n=f"{located:,}".replace(",", "."), u=f"{len(reports) - located:,}".replace(",", ".")))
st_folium(folium_map, key="main_map", height=640, use_container_width=True, returned_objects=[])
