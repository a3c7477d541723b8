"""The export form, shared by the Export page and the map's "Xuất vùng đang xem" dialog.

Files are made on click from the same FilterSpec the map and table use, so an export
holds exactly what is on screen (the drawn area included).
"""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from layers.errors import LayersError
from layers.exporters.formats import FORMATS, ExportOptions, export
from layers.exporters.selection import EXPORTABLE, Selection, narrow
from layers.failures import log_failure
from layers.query import FilterSpec
from layers.store import contacts_allowed
from ui.state import data_version, filtered_reports, lang, layer_frame, t

LAYER_TEXT = {
    "reports": "layer_reports",
    "battlefields": "layer_battlefields",
    "cemeteries": "layer_cemeteries",
    "trips": "layer_trips",
}
FORMAT_ORDER = ("gpx", "kmz", "pdf", "kml", "geojson", "gpkg", "shp", "csv", "xlsx")
FIELD_FORMATS = ("gpx", "kmz", "kml", "pdf")  # for search teams; the rest suit partners and offices


def selection(spec: FilterSpec, names: tuple[str, ...]) -> Selection:
    """The chosen layers narrowed by the spec; reports exactly as the map's table shows them."""
    version = data_version()
    frames: dict[str, gpd.GeoDataFrame] = {}
    for name in names:
        if name == "reports":
            shown = filtered_reports(version, spec)
            frames[name] = shown[[c for c in shown.columns if not c.startswith("_")]]
        else:
            frames[name] = narrow(layer_frame(name, version), spec)
    return Selection(spec, frames)


def _format_label(name: str) -> str:
    kind = t("exp_for_teams") if name in FIELD_FORMATS else t("exp_for_partners")
    return f"{t('fmt_' + name)} · {kind}"


def _audience_label(audience: str) -> str:
    return t(f"exp_audience_{audience}")


def _make(spec: FilterSpec, names: tuple[str, ...], format_name: str, options: ExportOptions, key: str) -> None:
    chosen = selection(spec, names)
    with st.spinner(t("exp_working", n=chosen.total())):
        try:
            result = export(chosen, format_name, options)
        except LayersError as exc:
            st.session_state.pop(key, None)
            st.error(t("exp_failed", e=exc))
            return
        except Exception as exc:  # noqa: BLE001 - no traceback for the user, no user data in the log
            log_failure(f"export to {format_name}", exc)
            st.session_state.pop(key, None)
            st.error(t("unexpected_error"))
            return
    st.session_state[key] = ((spec, names, format_name, options), result)


def export_form(spec: FilterSpec, key: str) -> None:
    """Layer, format and audience choices, then a file to download."""
    names = st.multiselect(
        t("exp_layers"), EXPORTABLE, default=["reports"], key=f"{key}_layers", format_func=lambda n: t(LAYER_TEXT[n])
    )
    format_name = st.selectbox(t("exp_format"), FORMAT_ORDER, key=f"{key}_format", format_func=_format_label)
    audiences = ("partner", "team") if contacts_allowed() else ("partner",)
    audience = st.radio(
        t("exp_audience"),
        audiences,
        key=f"{key}_audience",
        format_func=lambda a: t(f"exp_audience_{a}"),
        horizontal=True,
    )
    ascii_names = format_name == "gpx" and st.checkbox(t("exp_ascii"), key=f"{key}_ascii", help=t("exp_ascii_help"))
    if not names:
        st.info(t("exp_pick_layer"))
        return
    chosen = selection(spec, tuple(names))
    located = {n: int(f.geometry.notna().sum()) for n, f in chosen.frames.items()}
    if FORMATS[format_name].located_only:
        parts = [t("exp_count_located", layer=t(LAYER_TEXT[n]), n=len(chosen.frames[n]), k=located[n]) for n in names]
    else:
        parts = [f"{t(LAYER_TEXT[n])}: {len(chosen.frames[n])}" for n in names]
    st.caption(" · ".join(parts))
    options = ExportOptions(audience=audience, lang=lang(), ascii=bool(ascii_names))
    result_key = f"{key}_result"
    if st.button(t("exp_make"), key=f"{key}_make", type="primary", icon=":material/download:"):
        _make(spec, tuple(names), format_name, options, result_key)
    made, result = st.session_state.get(result_key, (None, None))
    if result is not None and made == (spec, tuple(names), format_name, options):  # never a stale file
        written = ", ".join(f"{t(LAYER_TEXT[n])}: {v}" for n, v in result.written.items())
        st.success(t("exp_ready", name=result.filename, written=written))
        st.download_button(
            t("exp_download", name=result.filename),
            result.data,
            file_name=result.filename,
            mime=result.media_type,
            key=f"{key}_download",
            icon=":material/save_alt:",
        )
