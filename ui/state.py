"""Shared app state: the store, cached layer frames and the chosen language."""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from layers.seed import ensure_ready
from layers.store import Store
from ui.i18n import text


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """One store per server process, migrated and, on first start, seeded with demo data."""
    opened = Store.open()
    ensure_ready(opened)
    return opened


def data_version() -> tuple:
    """Changes whenever a stored layer changes; keys the frame caches."""
    s = store()
    return tuple((name, s.count(name)) for name in ("reports", "battlefields", "cemeteries", "trips"))


@st.cache_resource(show_spinner=False, max_entries=8)
def layer_frame(name: str, version: tuple) -> gpd.GeoDataFrame:
    """A stored layer as a read-only GeoDataFrame, shared by every session."""
    del version  # only part of the cache key
    return store().frame(name)


def lang() -> str:
    return st.session_state.get("lang", "vi")


def t(key: str, **values: object) -> str:
    """The UI string `key` in the session's language."""
    return text(key, lang(), **values)
