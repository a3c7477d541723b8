"""Bản đồ: every layer on one map, filtered by province, unit and period, with the table beside it."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.admin import boundaries, province_names
from geo.coords import format_position
from layers.labels import describe_spec, number
from layers.query import FilterSpec
from ui.export_form import export_form
from ui.filters import sidebar_filters
from ui.mapview import MapOptions, build_map, period_text, report_rows, short_id, status_label
from ui.state import data_version, filtered_reports, lang, layer_frame, store, t


@st.cache_resource(show_spinner=False, max_entries=16)
def _report_data(version: tuple, spec: FilterSpec, lang: str, contacts: bool, _options: MapOptions) -> dict:
    """The map's report payload, the costly part of a rebuild, cached per view."""
    return report_rows(filtered_reports(version, spec), _options)


ID_TAG = re.compile(r"#([0-9a-f]{8})$")  # the short id ends every report tooltip
RETURNED = ["last_object_clicked", "last_object_clicked_tooltip", "last_active_drawing"]


def _ring(drawing: dict | None) -> tuple[tuple[float, float], ...]:
    """The outer ring of a rectangle or polygon drawn on the map."""
    try:
        coords = drawing["geometry"]["coordinates"][0]
        return tuple((round(float(x), 6), round(float(y), 6)) for x, y in coords)
    except (TypeError, KeyError, IndexError, ValueError):
        return ()


def _take_drawing(result: dict) -> None:
    """A new drawing becomes the area filter; the same drawing seen again changes nothing."""
    drawing = result.get("last_active_drawing")
    if drawing and drawing != st.session_state.get("_last_drawing"):
        st.session_state["_last_drawing"] = drawing
        ring = _ring(drawing)
        if len(ring) >= 4 and ring != st.session_state.get("area"):
            st.session_state["area"] = ring
            st.rerun()


def _take_click(result: dict, shown: pd.DataFrame) -> None:
    """The clicked report: its short id, and among reports sharing it the nearest to the click."""
    match = ID_TAG.search((result.get("last_object_clicked_tooltip") or "").strip())
    if not match:
        return
    hits = shown[shown["id"].str.startswith(match.group(1)) & shown.geometry.notna()]
    clicked = result.get("last_object_clicked") or {}
    if len(hits) > 1 and "lat" in clicked and "lng" in clicked:
        distance = (hits.geometry.y - clicked["lat"]) ** 2 + (hits.geometry.x - clicked["lng"]) ** 2
        hits = hits.loc[[distance.idxmin()]]
    if len(hits):
        st.session_state["selected_id"] = hits.iloc[0]["id"]


def _position_text(row: pd.Series, system: str) -> str:
    return format_position(row.geometry.y, row.geometry.x, system)


def _detail(shown: pd.DataFrame, options: MapOptions) -> None:
    st.subheader(t("detail_title"))
    selected = st.session_state.get("selected_id")
    rows = shown[shown["id"] == selected] if selected else shown.iloc[0:0]
    if rows.empty:
        st.caption(t("detail_hint"))
        return
    row = rows.iloc[0]
    province = options.province_names.get(row["province_34"], row["province_34"])
    located = row.geometry is not None
    lines = [
        (t("field_martyr_names"), row["martyr_names"]),
        (t("field_unit"), row["unit"]),
        (t("field_period"), period_text(row)),
        (t("field_place"), row["place_description"]),
        (t("field_historical_place"), row["historical_place"]),
        (t("field_province"), province),
        (t("field_status"), status_label(row["status"], options.lang)),
        (
            t("field_coords"),
            format_position(row.geometry.y, row.geometry.x, "dms") if located else t("detail_no_location"),
        ),
        ("", format_position(row.geometry.y, row.geometry.x, "wgs84_decimal") if located else ""),
        (t("field_coords_raw"), row["coord_text"]),
        (t("field_chapter"), options.chapter_names.get(row["chapter_id"], row["chapter_id"])),
        (t("col_code"), short_id(row["id"])),
    ]
    if options.show_contacts:
        lines += [(t("field_witness"), row["witness_name"]), (t("field_witness_phone"), row["witness_phone"])]
    for label, value in lines:
        if value is not None and str(value).strip() and not (isinstance(value, float) and pd.isna(value)):
            # st.text shows the characters as they are: witness text is never markup here.
            st.text(f"{label}: {value}" if label else str(value))


def _table(shown: pd.DataFrame, options: MapOptions) -> None:
    counts = shown["status"].value_counts()
    st.markdown(f"**{t('table_count', n=number(len(shown)))}**")
    st.caption(" · ".join(f"{status_label(code, options.lang)}: {number(int(n))}" for code, n in counts.items()))
    table = pd.DataFrame(
        {
            t("col_code"): shown["id"].map(short_id),
            t("field_martyr_names"): shown["martyr_names"],
            t("field_unit"): shown["unit"],
            # Column records, not iterrows: this runs on every rerun for every shown report.
            t("field_period"): [
                period_text(r) for r in shown[["year_from", "year_to", "period_text"]].to_dict("records")
            ],
            t("field_province"): shown["province_34"].map(options.province_names),
            t("field_status"): shown["status"].map(lambda c: status_label(c, options.lang)),
            t("field_uncertainty"): shown["uncertainty_m"],
            t("field_place"): shown["place_description"],
        }
    )
    event = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="report_table",
        height=min(360, 40 + 35 * max(len(table), 1)),
    )
    st.caption(t("table_hint"))
    picked = event.selection.rows if event and event.selection else []
    chosen = shown.iloc[picked[0]]["id"] if picked and picked[0] < len(shown) else None
    if chosen and chosen != st.session_state.get("_table_pick"):  # centre once per new selection
        st.session_state["_table_pick"] = chosen
        st.session_state["selected_id"] = chosen
        st.session_state["center_on"] = chosen
        st.rerun(scope="fragment")


@st.dialog(t("exp_view_title"), width="large")
def export_dialog(spec: FilterSpec) -> None:
    """The export form for exactly the reports, area and layers now on the map."""
    st.text(describe_spec(spec, lang()))
    export_form(spec, "view_export")


@st.fragment
def explorer(spec: FilterSpec, options: MapOptions) -> None:
    """Map, detail panel and table: reruns on its own when the user clicks or selects."""
    version = data_version()
    st.session_state["current_spec"] = spec  # the Export page exports what the map shows
    shown = filtered_reports(version, spec)
    center, zoom = None, None
    target = st.session_state.pop("center_on", None)
    hits = shown[(shown["id"] == target) & shown.geometry.notna()] if target else shown.iloc[0:0]
    if len(hits):
        point = hits.iloc[0].geometry
        center, zoom = (point.y, point.x), 14
    narrowed = bool(spec.provinces_34 or spec.provinces_63 or spec.place.strip() or spec.area or spec.text.strip())
    view = MapOptions(**{**options.__dict__, "center": center, "zoom": zoom, "fit_to_reports": narrowed})
    boundary = boundaries(options.boundary_level)
    data = _report_data(version, spec, options.lang, options.show_contacts, options)
    folium_map = build_map(
        shown,
        layer_frame("battlefields", version),
        layer_frame("cemeteries", version),
        layer_frame("trips", version),
        boundary,
        boundaries("neighbours"),
        view,
        data,
    )
    map_col, detail_col = st.columns([3, 1])
    with map_col:
        result = st_folium(
            folium_map, key="explorer_map", height=620, use_container_width=True, returned_objects=RETURNED
        )
    if result:
        _take_drawing(result)
        _take_click(result, shown)
    with detail_col:
        _detail(shown, options)
        if st.button(t("exp_view_button"), key="export_view", icon=":material/download:", width="stretch"):
            export_dialog(spec)
    _table(shown, options)


version = data_version()
if store().has_demo():
    st.warning(t("demo_banner"), icon="⚠️")
chapters = layer_frame("chapters", version)
spec, options = sidebar_filters(layer_frame("reports", version), chapters)
options = MapOptions(
    **{
        **options.__dict__,
        "province_names": province_names("34"),
        "chapter_names": dict(zip(chapters["id"], chapters["name"], strict=True)),
    }
)
explorer(spec, options)
