"""Nhập dữ liệu: upload, preview with raw and parsed coordinates, column mapping, confirm, summary;
the person's imports, each of which can be withdrawn whole."""

from __future__ import annotations

from datetime import datetime

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.datums import DATUMS
from layers.access import Right
from layers.campaign import VIETNAM
from layers.errors import LayersError, StoreError
from layers.history import aware
from layers.importers.files import SUFFIXES, read_table
from layers.importers.limits import FILE_MB
from layers.importers.mapping import auto_map, mappable
from layers.importers.reports import check_mapping, import_reports, preview, recognised, rejected_csv, stored_rejections
from layers.importers.template import template_csv, template_xlsx
from layers.importers.trips import DEFAULT_SWEEP_M, import_trips
from layers.imports import ImportChanged, ImportEntry, list_imports, withdraw_import
from layers.labels import number
from layers.schema import REPORTS
from ui.mapview import base_map, escape
from ui.state import data_version, lang, layer_frame, plain, store, t, viewer
from ui.widgets import chapter_choice

PREVIEW_ROWS = 200
SKIP = ""


@st.cache_data(show_spinner=False, max_entries=4)
def _table(name: str, data: bytes, sheet: str | None):
    return read_table(name, data, sheet, recognise=recognised)


def _chapter_choice() -> str | None:
    """The chapter the file is for (the centre may import for none)."""
    chapters = layer_frame("chapters", data_version())
    return chapter_choice(chapters, viewer(), t("imp_chapter"), "imp_chapter", none_label=t("imp_no_chapter"))


def _mapping(columns: list[str]) -> dict[str, str]:
    st.subheader(t("imp_mapping"))
    fields = {
        SKIP: t("imp_skip"),
        **{f.name: (f.label_en if lang() == "en" else f.label_vi) for f in mappable(REPORTS)},
    }
    guessed = auto_map(columns, REPORTS)
    mapping: dict[str, str] = {}
    grid = st.columns(3)
    for i, column in enumerate(columns):
        default = list(fields).index(guessed.get(column, SKIP))
        chosen = grid[i % 3].selectbox(column, list(fields), index=default, format_func=fields.get, key=f"map_{column}")
        if chosen:
            mapping[column] = chosen
    return mapping


def _preview_map(rows: list[dict]) -> None:
    located = [r for r in rows if r["lat"] is not None]
    if not located:
        return
    m = base_map(lang())  # online tiles, or the boundaries-only basemap with no internet
    for r in located:
        folium.CircleMarker(
            (r["lat"], r["lon"]),
            radius=5,
            color="#d62728",
            fill=True,
            tooltip=folium.Tooltip(f"{t('imp_col_row')} {r['row']}: {escape(r['name'])} · {escape(r['raw'])}"),
        ).add_to(m)
    m.fit_bounds(
        [
            [min(r["lat"] for r in located), min(r["lon"] for r in located)],
            [max(r["lat"] for r in located), max(r["lon"] for r in located)],
        ],
        max_zoom=14,
    )
    st_folium(m, key="import_preview_map", height=320, use_container_width=True, returned_objects=[])


def _show_notes(notes: list[str]) -> None:
    for note in notes:
        st.info(plain(note), icon=":material/info:")


def _show_rejected(rows: list[dict], key: str, with_values: bool) -> None:
    """Row numbers and reasons; the raw values (which may hold witnesses' contacts) only when allowed."""
    st.dataframe(
        pd.DataFrame({t("imp_col_row"): [r["row"] for r in rows], t("imp_col_problem"): [r["reason"] for r in rows]}),
        hide_index=True,
        width="stretch",
    )
    if with_values:
        st.download_button(t("imp_rejected_download"), rejected_csv(rows), "dong-bi-loai.csv", "text/csv", key=key)


def _reports(upload) -> None:
    data = upload.getvalue()
    sheet = None
    try:
        table = _table(upload.name, data, None)  # the sheet whose headers are recognised
        if len(table.sheets) > 1:
            sheet = st.selectbox(t("imp_sheet"), table.sheets, index=table.sheets.index(table.sheet), key="imp_sheet")
            table = _table(upload.name, data, sheet)
    except LayersError as exc:
        st.error(plain(t("imp_unreadable", e=exc)))
        return
    chapter = _chapter_choice()
    datums = {"": t("imp_datum_auto"), **{code: d.label for code, d in DATUMS.items()}}
    datum = st.selectbox(t("imp_datum"), list(datums), format_func=datums.get, key="imp_datum") or None
    fix_datum = bool(datum) and st.checkbox(t("imp_fix_datum"), key="imp_fix_datum", help=t("imp_fix_datum_help"))
    _show_notes(list(table.notes))
    mapping = _mapping(table.columns)
    try:
        check_mapping(mapping)
    except LayersError as exc:
        st.error(plain(str(exc)))
        return
    rows = preview(table.rows[:PREVIEW_ROWS], mapping, datum)
    st.subheader(t("imp_preview", n=len(rows)))
    st.dataframe(
        pd.DataFrame(
            {
                t("imp_col_row"): [r["row"] for r in rows],
                t("imp_col_raw"): [r["raw"] for r in rows],
                t("imp_col_lat"): [r["lat"] for r in rows],
                t("imp_col_lon"): [r["lon"] for r in rows],
                t("imp_col_problem"): [r["problem"] for r in rows],
                # What a row without a coordinate will be placed by (when the preview says it).
                **(
                    {t("imp_col_area"): [r.get("area_place") or "" for r in rows]}
                    if any(r.get("area_place") for r in rows)
                    else {}
                ),
            }
        ),
        hide_index=True,
        width="stretch",
        height=240,
    )
    _preview_map(rows)
    if st.button(t("imp_go"), type="primary", key="imp_go"):
        bar = st.progress(0.0) if len(table.rows) > 1000 else None

        def progress(done: int, total: int) -> None:
            if bar is not None:
                bar.progress(done / total, text=t("imp_progress", done=done, total=total))

        try:
            result = import_reports(
                store(),
                upload.name,
                data,
                chapter_id=chapter,
                datum=datum,
                mapping=mapping,
                sheet=sheet,
                fix_datum=fix_datum,
                progress=progress,
                viewer=viewer(),
            )
        except StoreError as exc:
            st.error(plain(str(exc)))
            return
        except LayersError as exc:
            st.error(plain(t("imp_unreadable", e=exc)))
            return
        st.success(t("imp_done", **result.summary()))
        _show_notes([n for n in result.notes if n not in table.notes])
        if result.rejected_rows:
            st.subheader(t("imp_rejected"))
            _show_rejected(result.rejected_rows, "imp_rejected_now", with_values=True)  # the user's own file


def _trips(upload) -> None:
    chapter = _chapter_choice()
    team = st.text_input(t("imp_team"), key="imp_team", max_chars=200)
    sweep = st.number_input(t("imp_sweep"), min_value=1.0, max_value=500.0, value=DEFAULT_SWEEP_M, key="imp_sweep")
    if st.button(t("imp_go"), type="primary", key="imp_go_trips"):
        try:
            result = import_trips(
                store(),
                upload.name,
                upload.getvalue(),
                chapter_id=chapter,
                team=team or None,
                sweep_width_m=sweep,
                viewer=viewer(),
            )
        except StoreError as exc:
            st.error(plain(str(exc)))
            return
        except LayersError as exc:
            st.error(plain(t("imp_unreadable", e=exc)))
            return
        st.success(t("imp_trips_done", **result.summary()))
        if result.rejected_rows:
            st.subheader(t("imp_rejected_trips"))
            _show_rejected(result.rejected_rows, "imp_rejected_trips", with_values=True)


WITHDRAW_SHOWN = 20  # the newest imports listed with their withdraw button
WITHDRAW_FLASH = "_imp_withdrawn"
# A file's counts as its import stored them; an import made before approximate areas has none of them.
COUNTS = ("rows_read", "accepted", "approximate", "unlocated", "rejected", "duplicates")


def _withdraw(entry: ImportEntry) -> None:
    """One import's withdraw button; a refusal shows the records that changed."""
    reason = st.text_input(t("imp_withdraw_reason"), max_chars=500, key=f"imp_wd_reason_{entry.id}")
    if not st.button(t("imp_withdraw"), key=f"imp_wd_{entry.id}"):
        return
    try:
        done = withdraw_import(store(), entry.id, viewer(), reason or None)
    except ImportChanged as exc:
        st.error(plain(str(exc)))
        st.caption(t("imp_changed_records"))
        records = pd.DataFrame(exc.records, columns=[t("imp_col_id"), t("imp_col_name")])
        st.dataframe(records, hide_index=True, width="stretch")
        return
    except LayersError as exc:
        st.error(plain(str(exc)))
        return
    st.session_state[WITHDRAW_FLASH] = t("imp_withdraw_done", file=entry.file_name, n=number(done["withdrawn"], lang()))
    st.rerun()


def _my_imports() -> None:
    """The person's imports (an administrator's: everyone's), newest first."""
    entries = list_imports(store(), viewer(), limit=WITHDRAW_SHOWN)
    if not entries:
        return
    st.divider()
    st.subheader(t("imp_mine_admin" if viewer().may(Right.RESTORE) else "imp_mine"))
    st.caption(t("imp_mine_hint"))
    if WITHDRAW_FLASH in st.session_state:
        st.success(plain(st.session_state.pop(WITHDRAW_FLASH)))
    for entry in entries:
        when = aware(entry.created_at).astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
        title = t("imp_entry", file=entry.file_name, when=when, author=entry.author, records=number(entry.records))
        if entry.withdrawn:
            title += f" · {t('imp_withdrawn_mark')}"
        with st.expander(plain(title)):
            counts = {key: entry.summary.get(key, 0) for key in COUNTS}
            st.caption(t("imp_entry_counts", **counts))
            if entry.withdrawn:
                at = datetime.fromisoformat(entry.withdrawn["at"]).astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
                said = t("imp_withdrawn", by=entry.withdrawn["by"], at=at, reason=entry.withdrawn["reason"])
                st.caption(plain(said))
            else:
                _withdraw(entry)


KINDS = {"reports": Right.IMPORT, "trips": Right.TRIPS}  # what may be imported, by the right it needs
kinds = [kind for kind, right in KINDS.items() if viewer().may(right)]
what = st.radio(t("imp_what"), kinds, format_func=lambda v: t(f"imp_{v}"), horizontal=True)
if what == "reports":
    st.caption(t("imp_template"))
    left, right = st.columns(2)
    left.download_button(t("imp_template_csv"), template_csv(), "mau-nhap-tin-bao.csv", "text/csv")
    right.download_button(
        t("imp_template_xlsx"),
        template_xlsx(),
        "mau-nhap-tin-bao.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    upload = st.file_uploader(
        t("imp_file"), type=[s.lstrip(".") for s in SUFFIXES], key="imp_upload_reports", max_upload_size=FILE_MB
    )
    if upload is not None:
        _reports(upload)
    kept = stored_rejections(store(), viewer())
    if kept:
        with st.expander(t("imp_all_rejected", n=len(kept))):
            _show_rejected(kept, "imp_rejected_all", with_values=all(r["values"] is not None for r in kept))
else:
    upload = st.file_uploader(
        t("imp_file"), type=["gpx", "kml", "kmz"], key="imp_upload_trips", max_upload_size=FILE_MB
    )
    if upload is not None:
        _trips(upload)
_my_imports()
