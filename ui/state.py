"""Shared app state: the store, the signed-in person, cached layer frames and the language.

Every frame comes from the store cut to what the signed-in person may see; the caches are keyed
by `DataKey`, which holds the data's version and the person's reach (layers.access.Viewer.scope),
so one person's frame never serves another who may see less.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from layers import query
from layers.access import Viewer
from layers.events import paperwork_events, status_events
from layers.exporters.selection import Selection, select_frames
from layers.schema import get_layer
from layers.seed import ensure_ready
from layers.store import Store
from ui.i18n import text
from ui.mapview import POINTS, popup_frame
from ui.reports_view import Positions, display_trips


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """One store per server process, migrated and, on first start, seeded with demo data."""
    opened = Store.open()
    ensure_ready(opened)
    return opened


VIEWER_KEY = "_viewer"  # set by streamlit_app.py on every run, from the session cookie


@dataclass(frozen=True)
class DataKey:
    """What a cached frame depends on: the data's version and the reach of who looks at it."""

    version: tuple
    viewer: Viewer


def viewer() -> Viewer:
    """The signed-in person of this run (streamlit_app.py stops the run when there is none)."""
    return st.session_state[VIEWER_KEY]


def data_version() -> DataKey:
    """Changes whenever a stored layer changes (counts and latest edit) or another person looks;
    keys the frame caches."""
    return DataKey(store().version_token(), viewer().scope())


@st.cache_resource(show_spinner=False, max_entries=8)
def layer_frame(name: str, version: DataKey) -> gpd.GeoDataFrame:
    """A stored layer as a read-only frame, cut to what the person may see, shared by the
    sessions of everyone with the same reach."""
    return store().frame(name, version.viewer)


def chapter_names() -> dict[str, str]:
    """The chapters' names by id, as the person's filters name them."""
    chapters = layer_frame("chapters", data_version())
    return dict(zip(chapters["id"], chapters["name"], strict=True))


@st.cache_resource(show_spinner=False, max_entries=8)
def report_events(version: DataKey) -> pd.DataFrame:
    """When the reports the person sees reached each milestone of the figures (layers.events)."""
    return status_events(store(), version.viewer)


@st.cache_resource(show_spinner=False, max_entries=8)
def paperwork(version: DataKey) -> pd.DataFrame:
    """The paperwork the person's figures count: hand-overs, dossiers, files, cases (layers.events)."""
    return paperwork_events(store(), version.viewer)


@st.cache_resource(show_spinner=False, max_entries=2)
def prepared_reports(version: DataKey) -> gpd.GeoDataFrame:
    """The reports with the folded search columns FilterSpec needs."""
    return query.prepare(layer_frame("reports", version))


@st.cache_resource(show_spinner=False, max_entries=64)
def _selected_rows(version: DataKey, spec: query.FilterSpec) -> np.ndarray:
    return np.flatnonzero(query.mask(prepared_reports(version), spec).to_numpy())


@st.cache_resource(show_spinner=False, max_entries=2)
def filtered_reports(version: DataKey, spec: query.FilterSpec) -> gpd.GeoDataFrame:
    """The reports a FilterSpec selects; cached by the (hashable) spec."""
    return prepared_reports(version).iloc[_selected_rows(version, spec)]


@st.cache_resource(show_spinner=False, max_entries=2)
def report_positions(version: DataKey) -> Positions:
    """Every report's position and status as arrays, for the map's views."""
    return Positions.of(prepared_reports(version))


@st.cache_resource(show_spinner=False, max_entries=2)
def map_trips(version: DataKey) -> gpd.GeoDataFrame:
    """The trips as the map draws them (see reports_view.display_trips)."""
    return display_trips(layer_frame("trips", version))


@st.cache_resource(show_spinner=False, max_entries=2)
def prepared_layer(name: str, version: DataKey) -> gpd.GeoDataFrame:
    """Any stored layer with the folded search columns FilterSpec needs (the map's sites)."""
    return prepared_reports(version) if name == POINTS else query.prepare(layer_frame(name, version))


@st.cache_resource(show_spinner=False, max_entries=16)
def _layer_rows(name: str, version: DataKey, spec: query.FilterSpec) -> np.ndarray:
    if name == POINTS:  # the testimonies' caches, shared with the other pages
        return _selected_rows(version, spec)
    return np.flatnonzero(query.mask(prepared_layer(name, version), spec).to_numpy())


def filtered_layer(name: str, version: DataKey, spec: query.FilterSpec) -> gpd.GeoDataFrame:
    """The records of a layer a FilterSpec selects."""
    return prepared_layer(name, version).iloc[_layer_rows(name, version, spec)]


@st.cache_resource(show_spinner=False, max_entries=2)
def _layer_positions(name: str, version: DataKey) -> Positions:
    return report_positions(version) if name == POINTS else Positions.of(prepared_layer(name, version))


def filtered_layer_positions(name: str, version: DataKey, spec: query.FilterSpec) -> Positions:
    """The positions of a layer's records a FilterSpec selects; their rows index prepared_layer."""
    return _layer_positions(name, version).take(_layer_rows(name, version, spec))


@st.cache_resource(show_spinner=False, max_entries=2)
def map_source(name: str, version: DataKey, lang: str) -> gpd.GeoDataFrame:
    """A layer's records as the map's view draws them (ui.mapview.popup_frame); rows as prepared_layer."""
    return popup_frame(get_layer(name), prepared_layer(name, version), lang)


def filtered_positions(version: DataKey, spec: query.FilterSpec) -> Positions:
    """The positions of the reports a FilterSpec selects; their rows index prepared_reports."""
    return report_positions(version).take(_selected_rows(version, spec))


def table_reports(version: DataKey, spec: query.FilterSpec) -> gpd.GeoDataFrame:
    """The reports the map's table shows, without the search helper columns."""
    shown = filtered_reports(version, spec)
    return shown[[c for c in shown.columns if not c.startswith("_")]]


def selection(spec: query.FilterSpec, names: tuple[str, ...]) -> Selection:
    """The chosen layers for the spec, reports exactly as the map's table shows them."""
    return _selection(data_version(), spec, names)


@st.cache_resource(show_spinner=False, max_entries=16)
def _selection(version: DataKey, spec: query.FilterSpec, names: tuple[str, ...]) -> Selection:
    """Cached: the export form and the coverage page ask on every rerun."""
    needed = (*names, "reports") if "trips" in names else names
    frames = {name: layer_frame(name, version) for name in dict.fromkeys(needed)}
    chosen = select_frames(frames, spec, reports=table_reports(version, spec))
    return Selection(spec, {name: chosen.frames[name] for name in names})


def plain(text: str) -> str:
    """User text made safe for st.markdown-based widgets: no links, images or formatting."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!|<>~$:" else ch for ch in str(text))


def lang() -> str:
    return st.session_state.get("lang", "vi")


def t(key: str, **values: object) -> str:
    """The UI string `key` in the session's language."""
    return text(key, lang(), **values)
