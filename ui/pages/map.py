"""Bản đồ: every layer on one map, filtered by province, unit and period, with the table beside it."""

from __future__ import annotations

import math
import re

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.admin import province_names
from geo.communes import commune_names, district_names
from geo.coords import format_position
from geo.spatial import METRES_PER_DEGREE
from layers.access import Right
from layers.aggregate import fit
from layers.criteria import describe
from layers.labels import (
    admin_label,
    blank,
    field_label,
    layer_label,
    number,
    period_text,
    radius_text,
)
from layers.places import AREA_RADIUS_M
from layers.query import FilterSpec
from layers.schema import Layer, get_layer
from ui.attachments_view import attachments_panel
from ui.export_form import export_form
from ui.filters import shown_name, sidebar_filters
from ui.history_view import history_lines
from ui.mapview import (
    POINTS,
    MapOptions,
    conflict_rows,
    headline,
    layers_map,
    map_layers,
    member_layer,
    script_key,
    short_id,
    shown_layer,
    shown_payload,
    status_label,
    target_of,
)
from ui.record_form import case_form_layer
from ui.reports_view import VIEW_PAD, view_payload
from ui.state import (
    chapter_names,
    data_version,
    filtered_layer,
    filtered_layer_positions,
    lang,
    layer_frame,
    map_source,
    map_trips,
    prepared_layer,
    prepared_reports,
    store,
    t,
    viewer,
)
from ui.view_state import MAP_HEIGHT, MAP_WIDTH, SELECTED_ZOOM, around, current_view, opening_bounds, returned_view
from ui.widgets import TABLE_MAX, contact_block
from ui.workflow_view import may_change, step_controls

ID_TAG = re.compile(r"#([0-9a-f]{8})$")  # the short id ends every report tooltip
RETURNED = ["last_object_clicked", "last_object_clicked_tooltip", "last_active_drawing", "bounds", "zoom"]
MAP_KEY = "explorer_map"
ADMIN_FIELDS = ("district_63", "commune_63", "commune_34")  # codes of data/admin/*.csv


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


def _drawn_at(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Where the map draws each report: its point, else the centre of its approximate area (NaN
    for a report drawn nowhere)."""
    has_point = frame.geometry.notna()
    lat = pd.Series(float("nan"), index=frame.index)
    lon = pd.Series(float("nan"), index=frame.index)
    lat[has_point], lon[has_point] = frame.geometry[has_point].y, frame.geometry[has_point].x
    if "area_lat" in frame and "area_lon" in frame:
        lat = lat.fillna(pd.to_numeric(frame["area_lat"], errors="coerce"))
        lon = lon.fillna(pd.to_numeric(frame["area_lon"], errors="coerce"))
    return lat, lon


def _take_click(result: dict, shown: pd.DataFrame) -> None:
    """The clicked report (a point or an approximate area): its short id, and among reports
    sharing it the nearest to the click. A click is taken once: later reruns return it again and
    must not undo a pick from the table."""
    click = (result.get("last_object_clicked_tooltip"), str(result.get("last_object_clicked")))
    if click == st.session_state.get("_last_click"):
        return
    st.session_state["_last_click"] = click
    match = ID_TAG.search((result.get("last_object_clicked_tooltip") or "").strip())
    if not match:
        return
    hits = shown[shown["id"].str.startswith(match.group(1))]
    lat, lon = _drawn_at(hits)
    hits = hits[lat.notna()]
    clicked = result.get("last_object_clicked") or {}
    if len(hits) > 1 and "lat" in clicked and "lng" in clicked:
        distance = (lat[hits.index] - clicked["lat"]) ** 2 + (lon[hits.index] - clicked["lng"]) ** 2
        hits = hits.loc[[distance.idxmin()]]
    if len(hits):
        st.session_state["selected_id"] = hits.iloc[0]["id"]


def _goes_to(shown: pd.DataFrame, report_id: str | None) -> tuple[tuple[float, float], int] | None:
    """Where the map goes for a report picked in the table, and at which zoom: its point up
    close, or its whole approximate area; None for a report drawn nowhere."""
    rows = shown[shown["id"] == report_id] if report_id else shown.iloc[0:0]
    if rows.empty:
        return None
    row = rows.iloc[0]
    if row.geometry is not None:
        return (row.geometry.y, row.geometry.x), SELECTED_ZOOM
    lat, lon, radius = row.get("area_lat"), row.get("area_lon"), row.get("area_radius_m")
    if blank(lat) or blank(lon):
        return None
    lat, lon = float(lat), float(lon)
    dlat = (AREA_RADIUS_M if blank(radius) else float(radius)) / METRES_PER_DEGREE
    dlon = dlat / max(math.cos(math.radians(lat)), 0.1)
    whole = fit(lon - dlon, lat - dlat, lon + dlon, lat + dlat, MAP_WIDTH, MAP_HEIGHT)
    return (lat, lon), min(whole.zoom, SELECTED_ZOOM)


def _position_text(row: pd.Series, system: str) -> str:
    return format_position(row.geometry.y, row.geometry.x, system)


def _selected(shown: pd.DataFrame) -> pd.Series | None:
    selected = st.session_state.get("selected_id")
    rows = shown[shown["id"] == selected] if selected else shown.iloc[0:0]
    return None if rows.empty else rows.iloc[0]


def _words(key: str, layer: Layer) -> str:
    """A panel's text in the words of the shown layer: "Chi tiết tin báo", "Chi tiết điểm mộ"."""
    if layer.name == POINTS:
        return t(key)
    return t(f"{key}_of", what=layer_label(layer, lang()).lower())


def _detail(shown: pd.DataFrame, options: MapOptions) -> None:
    layer = get_layer(options.shown)
    st.subheader(_words("detail_title", layer))
    row = _selected(shown)
    if row is None:
        st.caption(_words("detail_hint", layer))
        return
    if layer.name != POINTS:
        _group_detail(row, layer, options)
        return
    province = options.province_names.get(row["province_34"], row["province_34"])
    located = row.geometry is not None
    lines = [
        (t("field_martyr_names"), row["martyr_names"]),
        (t("field_unit"), row["unit"]),
        (t("field_period"), period_text(row)),
        (t("field_place"), row["place_description"]),
        (t("field_historical_place"), row["historical_place"]),
        (t("field_province"), province),
        *_admin_lines(row, located),
        (t("field_status"), status_label(row["status"], options.lang)),
        *_position_lines(row, located, options.lang),
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
    if layer.consent is not None:  # who may contact the witness, and how, for those who may
        with st.expander(t("work_contact_title")):
            contact_block(row["id"])
    attachments_panel(layer, row.to_dict(), "map")
    _duplicates(row)
    editable = layer == case_form_layer() and viewer().may(Right.EDIT) and may_change(row)
    if editable and st.button(t("detail_edit"), key="edit_report", icon=":material/edit:", width="stretch"):
        st.switch_page("ui/pages/report_form.py", query_params={"id": row["id"]})
    step_controls(row)
    _history(row, layer, options)


def _history(row: pd.Series, layer: Layer, options: MapOptions) -> None:
    entries = store().history(row["id"], viewer())  # cut to what this person may see
    with st.expander(t("detail_history", n=len(entries))):
        for line in history_lines(entries, layer, options.lang):
            st.text(line)


def _group_detail(row: pd.Series, layer: Layer, options: MapOptions) -> None:
    """A site: its headline (testimonies, witnesses who confirm it), its fields as declared, a
    conflict of positions, and its testimonies by their short ids."""
    st.text(headline(row.to_dict(), layer, options.lang))
    province = options.province_names.get(row.get("province_34"), row.get("province_34"))
    lines = [
        (field_label(layer.field("martyr_names"), options.lang), row.get("martyr_names")),
        (t("field_unit"), row.get("unit")),
        (t("field_period"), period_text(row)),
        (t("field_province"), province),
        (t("field_status"), status_label(row.get("status"), options.lang, layer)),
        *_position_lines(row, row.geometry is not None, options.lang),
        (t("field_chapter"), options.chapter_names.get(row.get("chapter_id"), row.get("chapter_id"))),
        (t("col_code"), short_id(row["id"])),
    ]
    if bool(row.get("positions_conflict")) and not blank(row.get("spread_m")):
        lines.append(("", t("site_conflict", d=radius_text(float(row["spread_m"]), options.lang))))
    for label, value in lines:
        if not blank(value) and str(value).strip():
            st.text(f"{label}: {value}" if label else str(value))  # as typed, never markup
    members = member_layer(layer)
    if members is not None:
        told = prepared_layer(members[0].name, data_version())
        told = told[told[members[1]] == row["id"]]
        title = members[0].title
        with st.expander(t("detail_testimonies", n=len(told)), expanded=True):
            for _, one in told.iterrows():
                st.text(" · ".join(v for v in (short_id(one["id"]), _plain(one.get(title))) if v))
    attachments_panel(layer, row.to_dict(), "map")
    _history(row, layer, options)


def _plain(value: object) -> str:
    return "" if blank(value) else str(value)


def _admin_lines(row: pd.Series, located: bool) -> list[tuple[str, str]]:
    """The commune (or district) of 2008–2025 with its province of then, and today's commune, on
    one line (the panel is narrow; today's province is on the line above). A place-only report's
    area line names its commune already. A point's are those of the nearest commune centre (there
    are no commune boundaries), which the line says."""
    district, commune, today = (None if blank(row.get(name)) else str(row.get(name)) for name in ADMIN_FIELDS)
    note = f" ({t('detail_nearest')})" if located else ""
    today = commune_names("34").get(today, today) if today else None
    then = None
    if located or blank(row.get("area_lat")):
        then = admin_label(commune, "63") if commune else admin_label(district, "district") if district else None
    if then:
        return [(t("detail_admin"), then + (f" · {t('detail_today', name=today)}" if today else "") + note)]
    return [(t("field_commune_34"), today + note)] if today else []


def _position_lines(row: pd.Series, located: bool, lang: str) -> list[tuple[str, str]]:
    """The point in degrees, minutes, seconds and decimal; or the area estimated from the place
    name; or that there is no position yet."""
    if located:
        return [
            (t("field_coords"), format_position(row.geometry.y, row.geometry.x, "dms")),
            ("", format_position(row.geometry.y, row.geometry.x, "wgs84_decimal")),
        ]
    if not blank(row.get("area_lat")):
        radius = row.get("area_radius_m")
        place = row.get("area_place")
        said = t(
            "detail_area",
            place=t("area_no_place") if blank(place) else place,
            radius=radius_text(AREA_RADIUS_M if blank(radius) else float(radius), lang),
        )
        return [(t("detail_position"), said)]
    return [(t("field_coords"), t("detail_no_location"))]


def _names(codes: pd.Series, names) -> list[str | None]:
    """Codes of the table's rows by their names (a code no name is known for shown as it is)."""
    return [None if blank(c) else names.get(c, c) for c in codes.tolist()]


def _duplicates(row: pd.Series) -> None:
    """The report this one repeats, and the reports that repeat it (kept, each linked)."""
    reports = prepared_reports(data_version())
    if row.get("duplicate_of"):
        st.text(f"{t('detail_duplicate_of')}: {short_id(row['duplicate_of'])}")
    repeats = reports.loc[reports["duplicate_of"] == row["id"], "id"]
    if len(repeats):
        st.text(f"{t('detail_duplicates')}: " + ", ".join(short_id(i) for i in repeats))


def _group_table(shown: pd.DataFrame, layer: Layer, options: MapOptions) -> pd.DataFrame:
    """A site's row: its title, martyrs, unit, years, place, status, testimonies and witnesses."""

    def column(name: str) -> pd.Series:
        return shown[name] if name in shown else pd.Series(None, index=shown.index)

    named = [name for name in (layer.title, "martyr_names", "unit") if name and name in shown]
    counts = [name for name in ("testimony_count", "witness_count") if name in shown]
    return pd.DataFrame(
        {
            t("col_code"): shown["id"].map(short_id),
            **{field_label(layer.field(n), options.lang): column(n) for n in dict.fromkeys(named)},
            t("field_period"): [period_text(r) for r in shown[["year_from", "year_to"]].to_dict("records")]
            if {"year_from", "year_to"} <= set(shown.columns)
            else None,
            t("field_province"): column("province_34").map(options.province_names),
            t("col_district"): _names(column("district_63"), district_names()),
            t("field_status"): column("status").map(lambda c: status_label(c, options.lang, layer)),
            **{field_label(layer.field(n), options.lang): column(n) for n in counts},
        }
    )


def _report_table(shown: pd.DataFrame, options: MapOptions) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("col_code"): shown["id"].map(short_id),
            t("field_martyr_names"): shown["martyr_names"],
            t("field_unit"): shown["unit"],
            # Column records, not iterrows: this runs on every rerun for every shown report.
            t("field_period"): [
                period_text(r) for r in shown[["year_from", "year_to", "period_text"]].to_dict("records")
            ],
            t("field_province"): shown["province_34"].map(options.province_names),
            t("col_district"): _names(shown.get("district_63", pd.Series(None, index=shown.index)), district_names()),
            t("col_commune"): _names(shown.get("commune_63", pd.Series(None, index=shown.index)), commune_names("63")),
            t("field_status"): shown["status"].map(lambda c: status_label(c, options.lang)),
            t("field_uncertainty"): shown["uncertainty_m"],
            t("field_place"): shown["place_description"],
        }
    )


def _table(records: pd.DataFrame, options: MapOptions) -> None:
    """The shown layer's records (testimonies or sites) as a table; a picked row is shown and centred."""
    layer = get_layer(options.shown)
    counts = records["status"].value_counts() if "status" in records else pd.Series(dtype=int)
    what = t("table_count", n=number(len(records)))
    if layer.name != POINTS:
        what = t("table_count_of", n=number(len(records)), what=layer_label(layer, lang()).lower())
    st.markdown(f"**{what}**")
    st.caption(" · ".join(f"{status_label(code, options.lang, layer)}: {number(int(n))}" for code, n in counts.items()))
    shown = records.iloc[:TABLE_MAX]
    if len(records) > TABLE_MAX:
        st.caption(t("table_capped", shown=number(TABLE_MAX), n=number(len(records))))
    table = _report_table(shown, options) if layer.name == POINTS else _group_table(shown, layer, options)
    event = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=f"table_{layer.name}",
        height=min(360, 40 + 35 * max(len(table), 1)),
    )
    st.caption(_words("table_hint", layer))
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
    st.text(describe(spec, lang(), chapter_names()))
    export_form(spec, "view_export")


@st.fragment
def explorer(spec: FilterSpec, options: MapOptions) -> None:
    """Map, detail panel and table: reruns on its own when the user clicks, pans or selects.

    The map itself is rebuilt only when the filter or a layer switch changes; panning and
    zooming send only the layer of the view (ui/reports_view.py).
    """
    version = data_version()
    st.session_state["current_spec"] = spec  # the Export page exports what the map shows
    drawn = get_layer(options.shown)  # testimonies or their sites ("Hiển thị")
    shown = filtered_layer(drawn.name, version, spec)
    positions = filtered_layer_positions(drawn.name, version, spec)
    goes_to = _goes_to(shown, st.session_state.pop("center_on", None))
    bounds = opening_bounds(spec, positions)
    base_key = (version, script_key(options, bounds))
    same_map = st.session_state.get("_map_base") == base_key
    if not same_map:  # the browser gets a new map: what the old one reported no longer holds
        st.session_state.pop(MAP_KEY, None)
    if goes_to is None:
        view = current_view(returned_view(st.session_state.get(MAP_KEY)), same_map, bounds, None)
    else:
        view = around(*goes_to[0], goes_to[1])
    st.session_state["_map_base"] = base_key
    focus = None
    if goes_to is not None:
        st.session_state["_focus_count"] = st.session_state.get("_focus_count", 0) + 1
        focus = (*goes_to[0], goes_to[1], st.session_state["_focus_count"])
    markers = {marker.name: layer_frame(marker.name, version) for marker in map_layers("marker")}
    folium_map = layers_map(markers, options, bounds)
    source = map_source(drawn.name, version, options.lang)
    payload = view_payload(source, positions, map_trips(version), view, options, focus)
    # The click this rerun answers is already in the map's state: taken first, the distance box
    # measures to the point just clicked, not to the one before.
    _take_click(st.session_state.get(MAP_KEY) or {}, shown)
    target = target_of(_selected(shown), options.lang)
    conflicts = _conflicts(shown, drawn, view, options)
    layer = shown_layer(shown_payload(payload, drawn, options.lang, conflicts), drawn, options, target)
    map_col, detail_col = st.columns([3, 1])
    with map_col:
        result = st_folium(
            folium_map,
            key=MAP_KEY,
            height=MAP_HEIGHT,
            use_container_width=True,
            returned_objects=RETURNED,
            feature_group_to_add=layer,
        )
    if result:
        _take_drawing(result)
        _take_click(result, shown)
    with detail_col:
        _detail(shown, options)
        if st.button(t("exp_view_button"), key="export_view", icon=":material/download:", width="stretch"):
            export_dialog(spec)
    _table(shown, options)


def _conflicts(shown: pd.DataFrame, drawn: Layer, view, options: MapOptions) -> list:
    """The conflicting positions of the shown sites in view (none for testimonies)."""
    members = member_layer(drawn)
    if members is None:
        return []
    told = prepared_layer(members[0].name, data_version())
    return conflict_rows(shown, told, members[1], view.padded(VIEW_PAD), options.lang)


version = data_version()
chapters = layer_frame("chapters", version)
spec, options = sidebar_filters(layer_frame(shown_name(), version), chapters)
options = MapOptions(
    **{
        **options.__dict__,
        "province_names": province_names("34"),
        "chapter_names": dict(zip(chapters["id"], chapters["name"], strict=True)),
    }
)
explorer(spec, options)
