"""The export form, shared by the Export page and the map's "Xuất vùng đang xem" dialog.

Files are made on click from the same FilterSpec the map and table use, so an export
holds exactly what is on screen (the drawn area included).
"""

from __future__ import annotations

import streamlit as st

from layers.access import AccessDenied, check_export
from layers.errors import LayersError
from layers.exporters.audience import AUDIENCES
from layers.exporters.formats import FORMATS, ExportFile, ExportOptions, export, features_written
from layers.exporters.selection import EXPORTABLE, Selection, case_layers, with_attachments
from layers.failures import log_failure
from layers.labels import layer_label
from layers.query import FilterSpec
from layers.schema import get_layer
from ui.state import lang, selection, store, t, viewer


def _layer_text(name: str) -> str:
    """A layer's name in the session's language, from its declaration."""
    return layer_label(get_layer(name), lang())


FORMAT_ORDER = ("gpx", "kmz", "pdf", "kml", "geojson", "gpkg", "shp", "csv", "xlsx")
FIELD_FORMATS = ("gpx", "kmz", "kml", "pdf")  # for search teams; the rest suit partners and offices


def _format_label(name: str) -> str:
    kind = t("exp_for_teams") if name in FIELD_FORMATS else t("exp_for_partners")
    return f"{t('fmt_' + name)} · {kind}"


def _audience_label(audience: str) -> str:
    return t(f"exp_audience_{audience}")


def _make(chosen: Selection, format_name: str, options: ExportOptions) -> ExportFile | None:
    """The file, or None after telling the user why not."""
    with st.spinner(t("exp_working", n=chosen.total())):
        try:
            if format_name == "kmz":  # its pictures, read only when the file is made
                chosen = with_attachments(chosen, store(), viewer())
            return export(chosen, format_name, options)
        except LayersError as exc:
            st.error(t("exp_failed", e=exc))
        except Exception as exc:  # noqa: BLE001 - no traceback for the user, no user data in the log
            log_failure(f"export to {format_name}", exc)
            st.error(t("unexpected_error"))
    return None


def _may_export(audience: str) -> bool:
    try:
        check_export(viewer(), audience)
    except AccessDenied:
        return False
    return True


def _choices(key: str) -> tuple[tuple[str, ...], str, ExportOptions]:
    """Layers, format and options as the user set them."""
    names = st.multiselect(
        t("exp_layers"),
        EXPORTABLE,
        default=list(case_layers(EXPORTABLE)[:1]),
        key=f"{key}_layers",
        format_func=_layer_text,
    )
    format_name = st.selectbox(t("exp_format"), FORMAT_ORDER, key=f"{key}_format", format_func=_format_label)
    allowed = [audience for audience in AUDIENCES if _may_export(audience)]
    if len(allowed) > 1:
        audience = st.radio(
            t("exp_audience"), allowed, key=f"{key}_audience", format_func=_audience_label, horizontal=True
        )
    else:
        audience = "partner"
        st.caption(t("exp_no_contacts"))
    ascii_names = format_name == "gpx" and st.checkbox(t("exp_ascii"), key=f"{key}_ascii", help=t("exp_ascii_help"))
    return tuple(names), format_name, ExportOptions(audience=audience, lang=lang(), ascii=bool(ascii_names))


def _counts(chosen: Selection, format_name: str) -> str:
    fmt = FORMATS[format_name]
    parts = []
    for name, frame in chosen.frames.items():
        layer = _layer_text(name)
        if fmt.located_only:
            parts.append(t("exp_count_located", layer=layer, n=len(frame), k=features_written(chosen, fmt)[name]))
        else:
            parts.append(f"{layer}: {len(frame)}")
    return " · ".join(parts)


def export_form(spec: FilterSpec, key: str) -> None:
    """Layer, format and audience choices, then a file made on click to download."""
    names, format_name, options = _choices(key)
    if not names:
        st.info(t("exp_pick_layer"))
        return
    chosen = selection(spec, names)
    st.caption(_counts(chosen, format_name))
    if options.audience == "team":
        st.warning(t("exp_team_warning"), icon=":material/lock:")
    result_key, choice = f"{key}_result", (spec, names, format_name, options)
    if st.button(
        t("exp_make"), key=f"{key}_make", type="primary", icon=":material/download:", disabled=not chosen.total()
    ):
        st.session_state[result_key] = (choice, _make(chosen, format_name, options))
    made, result = st.session_state.get(result_key, (None, None))
    if result is not None and made == choice:  # never a file made for other choices
        written = ", ".join(f"{_layer_text(n)}: {v}" for n, v in result.written.items())
        st.success(t("exp_ready", name=result.filename, written=written))
        st.download_button(
            t("exp_download", name=result.filename),
            result.data,
            file_name=result.filename,
            mime=result.media_type,
            key=f"{key}_download",
            icon=":material/save_alt:",
        )
