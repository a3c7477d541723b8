"""Bản đồ: the demo reports, battlefields, cemeteries and trips on one offline map."""

import streamlit as st
from streamlit_folium import st_folium

from geo.admin import boundaries
from ui.mapview import build_map
from ui.state import data_version, lang, layer_frame, store, t


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


version = data_version()
frames = {name: layer_frame(name, version) for name in ("reports", "battlefields", "cemeteries", "trips")}
if store().has_demo():
    st.warning(t("demo_banner"), icon="⚠️")
reports = frames["reports"]
located = int(reports.geometry.notna().sum())
st.caption(t("reports_shown", n=_number(located), u=_number(len(reports) - located)))
# st_folium rewrites the map object it is given, so each run builds a fresh one;
# the frames behind it are cached and shared.
folium_map = build_map(
    reports,
    frames["battlefields"],
    frames["cemeteries"],
    frames["trips"],
    boundaries("34"),
    boundaries("neighbours"),
    lang(),
)
st_folium(folium_map, key="main_map", height=640, use_container_width=True, returned_objects=[])
