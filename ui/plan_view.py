"""The planning section of the trips page: a trip's sites (or a free choice of sites) walked in the
shortest order from a start, leg by leg, reorderable, saved on the trip, and the files a team takes
to the field (route GPX, KMZ, the itinerary sheet, the offline package).

Everything is decided in layers.planning and made by layers.plan_files, the calls
`python -m layers plan` makes, so the page and the command line give the same files. The page
keeps the plan and the files it made in st.session_state keyed by the plan, because Streamlit
reruns the script on every click and a download button would otherwise make its file again.
The pure helpers (leg_rows, new_order, default_site_ids, …) are plain Python for the tests.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.communes import commune_label
from geo.route import STRAIGHT_LINE
from layers.access import AccessDenied, check_export
from layers.campaign import vietnam_today
from layers.errors import LayersError
from layers.exporters.audience import AUDIENCES
from layers.failures import log_failure
from layers.labels import blank, kilometres, number, short_code
from layers.plan_files import OFFLINE_ZIP, chosen_scans, offline_problem, offline_zip, route_files
from layers.planning import Plan, Start, make_plan, plan_selection, plan_stops, read_start, reorder, save_plan, start_at
from ui.mapview import base_map
from ui.state import data_version, lang, layer_frame, plain, store, t, viewer

START_MODES = ("commune", "typed", "map")
ORDER_COLUMN = "order"  # the editable column of the legs table
# The legs table's columns and widths in pixels: the whole table fits a 1280 px laptop screen,
# and a phone sees the order, where to and how far before it scrolls the table sideways.
COLUMN_PX = {ORDER_COLUMN: 80, "to": 170, "distance": 85, "bearing": 125, "walk": 115, "from": 200}
MIME = {
    ".gpx": "application/gpx+xml",
    ".kmz": "application/vnd.google-earth.kmz",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
}
MAP_HEIGHT = 300  # small enough to scroll past on a phone


# -- pure helpers -------------------------------------------------------------------------------


def km_text(metres: float, lang_code: str) -> str:
    """A distance in km with one decimal, a decimal comma in Vietnamese.

    >>> km_text(1234.0, "vi"), km_text(1234.0, "en")
    ('1,2 km', '1.2 km')
    """
    return f"{kilometres(metres, lang_code)} km"


def duration_text(minutes: int, lang_code: str) -> str:
    """A walking time as hours and minutes.

    >>> duration_text(33, "vi"), duration_text(125, "vi"), duration_text(120, "en")
    ('33 phút', '2 giờ 5 phút', '2 h')
    """
    hours, rest = divmod(int(minutes), 60)
    words = ("h", "min") if lang_code == "en" else ("giờ", "phút")
    parts = ([f"{hours} {words[0]}"] if hours else []) + ([f"{rest} {words[1]}"] if rest or not hours else [])
    return " ".join(parts)


def site_label(row: Mapping) -> str:
    """ "#3f2a9c1d · Đồi Cồn Tiên": how a site is named in the choice box (plain text)."""
    name = "" if blank(row.get("name")) else str(row["name"])
    return f"#{short_code(row['id'])} · {name}".rstrip(" ·")


def default_site_ids(trip: Mapping | None, reports: pd.DataFrame, visible: Sequence[str]) -> list[str]:
    """The sites a trip's plan starts from: its saved route in that order, else the sites of its
    linked testimonies, each once, in the order first mentioned; only those the person sees."""
    if trip is None:
        return []
    seen = set(visible)
    saved = trip.get("route_site_ids")
    if isinstance(saved, list | tuple) and len(saved):
        return [str(i) for i in saved if str(i) in seen]
    linked = trip.get("linked_report_ids")
    ids = [str(i) for i in linked] if isinstance(linked, list | tuple) else []
    site_of = dict(zip(reports["id"].astype(str), reports["site_id"], strict=True)) if len(reports) else {}
    sites = [str(site_of[i]) for i in ids if i in site_of and not blank(site_of[i])]
    return [i for i in dict.fromkeys(sites) if i in seen]


def leg_rows(plan: Plan, lang_code: str) -> pd.DataFrame:
    """The legs table: the editable order, where to, distance, bearing with its compass word, the
    walking estimate and where from (last: it repeats the row above, and a phone shows the left
    columns first). Texts, never HTML: a data grid shows them as they are."""
    rows, before = [], plan.start.label
    for n, (stop, leg) in enumerate(zip(plan.stops, plan.legs, strict=True), 1):
        rows.append(
            {
                ORDER_COLUMN: n,
                "to": stop.title,
                "distance": km_text(leg.distance_m, lang_code),
                "bearing": f"{leg.bearing_deg:.0f}° {leg.compass(lang_code)}",
                "walk": f"{duration_text(leg.minutes, lang_code)} {leg.way(lang_code)}",
                "from": before,
            }
        )
        before = stop.title
    return pd.DataFrame(rows, columns=list(COLUMN_PX))


def new_order(plan: Plan, numbers: Sequence[object]) -> list[str]:
    """The site ids in the order a person typed into the "Thứ tự" column: sorted by the number,
    a stop given a new number going before the one that had it; a blank keeps its place.

    Example: four stops renumbered 1, 2, 1, 4 put the third stop first."""
    keyed = []
    for n, (stop, given) in enumerate(zip(plan.stops, numbers, strict=True), 1):
        wanted = n if blank(given) else float(given)
        keyed.append((wanted, 0 if wanted != n else 1, n, stop.site_id))
    return [site for *_, site in sorted(keyed)]


def plan_signature(site_ids: Sequence[str], start: Start | None) -> tuple:
    """What a plan was made from: its set of sites and its start. A plan shown for other inputs
    is a stale one."""
    return tuple(sorted(site_ids)), start.text if start else None


def files_signature(plan: Plan, audience: str, lang_code: str) -> tuple:
    """What the files were made from: the plan's order and start, the audience, the language."""
    return tuple(plan.site_ids), plan.start.text, audience, lang_code


# -- the page -----------------------------------------------------------------------------------


def _failed(what: str, exc: Exception) -> None:
    """A refusal as its message; anything else as the one sentence, the details in the log."""
    if isinstance(exc, LayersError):
        st.error(plain(str(exc)))
    else:
        log_failure(what, exc)
        st.error(t("unexpected_error"))


def _sites(trip: Mapping | None, key: str) -> tuple[list[str], pd.DataFrame]:
    """The chosen site ids (the trip's by default) and the sites the person sees."""
    version = data_version()
    sites = layer_frame("sites", version)
    sites = sites[sites["status"] != "duplicate"]
    labels = {str(r["id"]): site_label(r) for r in sites[["id", "name"]].to_dict("records")}
    default = default_site_ids(trip, layer_frame("reports", version), list(labels))
    ordered = default + sorted((i for i in labels if i not in set(default)), key=labels.get)
    chosen = st.multiselect(
        t("pl_sites"),
        ordered,
        default=default,
        format_func=lambda i: labels.get(i, i),
        key=f"{key}_sites",
        placeholder=t("pl_sites_hint"),
    )
    return chosen, sites


def _communes(chosen: Sequence[str], sites: pd.DataFrame) -> dict[str, str]:
    """The communes (2008–2025 units) of the chosen stops by label, first mentioned first."""
    rows = sites.set_index("id", drop=False)
    codes = [rows.at[i, "commune_63"] for i in chosen if i in rows.index]
    labels = {}
    for code in dict.fromkeys(str(c) for c in codes if not blank(c)):
        try:
            labels[commune_label(code)] = code
        except KeyError:
            continue  # a code the shipped gazetteer does not know: not offered
    return labels


def _map_start(chosen: Sequence[str], sites: pd.DataFrame, key: str) -> tuple[float, float] | None:
    """A small map of the chosen stops; a click there is the start (kept in the session)."""
    clicked_key = f"{key}_clicked"
    rows = sites[sites["id"].isin(chosen)]
    points = [(g.representative_point().y, g.representative_point().x) for g in rows.geometry if g is not None]
    clicked = st.session_state.get(clicked_key)
    centre = clicked or (
        (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)) if points else None
    )
    m = base_map(lang(), centre, 12 if centre else None)
    for (lat, lon), name in zip(points, rows["name"], strict=False):
        tip = html.escape("" if blank(name) else str(name))  # names come from testimonies
        folium.CircleMarker((lat, lon), radius=6, color="#1f77b4", fill=True, fill_opacity=0.8, tooltip=tip).add_to(m)
    if clicked:
        folium.Marker(clicked, tooltip=html.escape(t("pl_start_here"))).add_to(m)
    result = st_folium(
        m, key=f"{key}_map", height=MAP_HEIGHT, use_container_width=True, returned_objects=["last_clicked"]
    )
    last = (result or {}).get("last_clicked")
    if last and (last["lat"], last["lng"]) != st.session_state.get(f"{clicked_key}_seen"):
        st.session_state[f"{clicked_key}_seen"] = (last["lat"], last["lng"])
        st.session_state[clicked_key] = (round(last["lat"], 6), round(last["lng"], 6))
        st.rerun()
    return st.session_state.get(clicked_key)


def _start(trip: Mapping | None, chosen: Sequence[str], sites: pd.DataFrame, key: str) -> Start | None:
    """The start as the person gives it; a refusal is said here and gives None."""
    saved = None if trip is None or blank(trip.get("route_start")) else str(trip["route_start"])
    mode = st.radio(
        t("pl_start"),
        START_MODES,
        index=1 if saved else 0,
        format_func=lambda m: t(f"pl_start_{m}"),
        horizontal=True,
        key=f"{key}_mode",
    )
    try:
        if mode == "commune":
            communes = _communes(chosen, sites)
            if not communes:
                st.info(t("pl_no_commune"))
                return None
            label = st.selectbox(t("pl_commune"), list(communes), key=f"{key}_commune")
            st.caption(t("pl_commune_note"))
            return read_start(label)
        if mode == "typed":
            typed = st.text_input(t("pl_typed"), value=saved or "", key=f"{key}_typed", placeholder="16.90, 107.00")
            return read_start(typed) if typed.strip() else None
        clicked = _map_start(chosen, sites, key)
        if clicked is None:
            st.caption(t("pl_click_hint"))
            return None
        st.caption(t("pl_clicked", lat=f"{clicked[0]:.6f}", lon=f"{clicked[1]:.6f}"))
        return start_at(*clicked, label=t("pl_start_clicked_label", lat=f"{clicked[0]:.5f}", lon=f"{clicked[1]:.5f}"))
    except LayersError as exc:
        st.error(plain(str(exc)))
        return None


def _current_plan(trip: Mapping | None, chosen: list[str], start: Start | None, key: str) -> Plan | None:
    """The plan shown: the one made for these sites and this start; for a trip with a saved route
    and nothing made yet, the saved order from its start."""
    plan_key = f"{key}_plan"
    signature = plan_signature(chosen, start)
    made = st.session_state.get(plan_key)
    if made and made[0] == signature:
        return made[1]
    st.session_state.pop(plan_key, None)
    saved = [] if trip is None else list(trip.get("route_site_ids") or [])
    if saved and start is not None and sorted(saved) == sorted(chosen):
        try:
            plan = make_plan(plan_stops(store(), viewer(), site_ids=saved), start, "given")
        except LayersError:
            return None  # a saved route whose sites changed since: the person orders it again
        st.session_state[plan_key] = (signature, plan)
        return plan
    return None


def _order_button(chosen: list[str], start: Start | None, key: str) -> None:
    if not st.button(t("pl_order"), key=f"{key}_order", type="primary", width="stretch", disabled=not chosen):
        return
    if start is None:
        st.error(t("pl_need_start"))
        return
    try:
        with st.spinner(t("pl_ordering")):
            plan = make_plan(plan_stops(store(), viewer(), site_ids=chosen), start, "shortest")
    except Exception as exc:  # noqa: BLE001 - a refusal is said; nothing else reaches the person as a traceback
        _failed("plan order", exc)
        return
    st.session_state[f"{key}_plan"] = (plan_signature(chosen, start), plan)


def _legs(plan: Plan, key: str) -> None:
    """The legs, the total and the straight-line note; a new order typed in recomputes the legs."""
    table = leg_rows(plan, lang())
    digest = abs(hash((tuple(plan.site_ids), plan.start.text))) % 10**10
    edited = st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        disabled=[c for c in table.columns if c != ORDER_COLUMN],
        column_config={
            ORDER_COLUMN: st.column_config.NumberColumn(
                t("pl_col_order"), min_value=1, max_value=len(plan.stops), step=1, width=COLUMN_PX[ORDER_COLUMN]
            ),
            **{
                name: st.column_config.TextColumn(t(f"pl_col_{name}"), width=px)
                for name, px in COLUMN_PX.items()
                if name != ORDER_COLUMN
            },
        },
        key=f"{key}_legs_{digest}",
    )
    st.markdown(
        "**"
        + t(
            "pl_total",
            n=len(plan.stops),
            km=km_text(plan.total_m, lang()),
            walk=duration_text(plan.total_minutes, lang()),
        )
        + "**"
    )
    if plan.start.note:
        st.caption(plain(plan.start.note))
    st.caption(STRAIGHT_LINE["en" if lang() == "en" else "vi"])
    numbers = edited[ORDER_COLUMN].tolist()
    changed = numbers != list(range(1, len(plan.stops) + 1))
    st.caption(t("pl_reorder_hint"))
    if st.button(t("pl_reorder"), key=f"{key}_reorder", width="stretch", disabled=not changed):
        try:
            moved = reorder(plan, new_order(plan, numbers))
        except LayersError as exc:
            st.error(plain(str(exc)))
            return
        signature = st.session_state[f"{key}_plan"][0]
        st.session_state[f"{key}_plan"] = (signature, moved)
        st.rerun()


def _save(trip: Mapping, plan: Plan, key: str) -> None:
    """The route written on the trip, with the version the page read; a stale one says so."""
    if not st.button(t("pl_save"), key=f"{key}_save", width="stretch", icon=":material/save:"):
        return
    trip_id, version = str(trip["id"]), int(trip["version"])
    try:
        save_plan(store(), trip_id, plan, viewer(), version)
    except LayersError as exc:
        now = store().record("trips", trip_id, viewer())
        stale = now is not None and int(now["version"]) != version
        st.error(t("pl_conflict") if stale else plain(str(exc)))
        return
    st.session_state[f"{key}_flash"] = t("pl_saved", n=len(plan.stops), km=km_text(plan.total_m, lang()))
    st.rerun()


def _may(audience: str) -> bool:
    try:
        check_export(viewer(), audience)
    except AccessDenied:
        return False
    return True


def _audience(key: str) -> str | None:
    allowed = [a for a in AUDIENCES if _may(a)]
    if not allowed:
        st.caption(t("pl_no_export"))
        return None
    if len(allowed) == 1:
        st.caption(t("exp_no_contacts") if allowed[0] == "partner" else t("exp_team_warning"))
        return allowed[0]
    audience = st.radio(
        t("exp_audience"),
        allowed,
        index=allowed.index("team"),
        format_func=lambda a: t(f"exp_audience_{a}"),
        key=f"{key}_audience",
    )
    if audience == "team":
        st.warning(t("exp_team_warning"), icon=":material/lock:")
    return audience


def _make_files(plan: Plan, trip_id: str | None, audience: str) -> dict[str, bytes]:
    selection = plan_selection(store(), viewer(), plan, audience, trip_id)
    files = route_files(plan, selection, audience, lang(), vietnam_today())
    scans = chosen_scans(plan, viewer(), audience)  # the configured scans this person may take
    files[OFFLINE_ZIP] = offline_zip(plan, selection, trip_id, lang(), scans)
    return files


def _files(plan: Plan, trip_id: str | None, key: str) -> None:
    """The files made on a press and kept for this plan, audience and language."""
    st.markdown(f"**{t('pl_files_title')}**")
    audience = _audience(key)
    if audience is None:
        return
    files_key, signature = f"{key}_files", files_signature(plan, audience, lang())
    if st.button(t("pl_make"), key=f"{key}_make", type="primary", width="stretch", icon=":material/download:"):
        try:
            with st.spinner(t("pl_making")):
                st.session_state[files_key] = (signature, _make_files(plan, trip_id, audience))
        except Exception as exc:  # noqa: BLE001 - a refusal is said; nothing else reaches the person as a traceback
            st.session_state.pop(files_key, None)
            _failed("plan files", exc)
            return
    made = st.session_state.get(files_key)
    if not made or made[0] != signature:  # never files made for another order, start or audience
        return
    st.success(t("pl_files_ready"))
    problem = offline_problem(plan)
    if problem:  # the stops span too wide an area: the package holds the QField project, no maps
        st.warning(plain(problem), icon=":material/map:")
    for name, data in made[1].items():
        what = t("pl_file_" + name.rsplit(".", 1)[-1])
        st.download_button(
            t("pl_download", what=what, size=number(len(data) / 1024, lang())),
            data,
            file_name=name,
            mime=MIME["." + name.rsplit(".", 1)[-1]],
            key=f"{key}_get_{name}",
            on_click="ignore",
            width="stretch",
            icon=":material/save_alt:",
        )
    st.caption(t("pl_offline_help"))


def plan_panel(trip: Mapping | None, key: str) -> None:
    """The planning section for `trip` (a record as the trips page holds it, still planned) or,
    with None, for a free choice of sites. `key` keeps its widgets and kept files apart."""
    flash = st.session_state.pop(f"{key}_flash", None)
    if flash:
        st.success(flash)
    chosen, sites = _sites(trip, key)
    start = _start(trip, chosen, sites, key)
    _order_button(chosen, start, key)
    plan = _current_plan(trip, chosen, start, key)
    if plan is None:
        if chosen and start is not None:
            st.caption(t("pl_press_order"))
        return
    st.markdown(f"**{t('pl_route_title')}**")
    _legs(plan, key)
    if trip is not None:
        _save(trip, plan, key)
    _files(plan, None if trip is None else str(trip["id"]), key)
