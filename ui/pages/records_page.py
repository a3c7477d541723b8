"""A page built from a layer's declaration: the records of the layer the person sees (named by its
title, with its step, the step's day and its chapter), filtered by step and text; a form to add
one (Layer.form); and for the chosen record its details, the form to correct it, its workflow's
step controls, its parts (Layer.part_of: each with its papers to print), its links to other
records, its attachments and its history.

Nothing here names a layer: streamlit_app.PAGES registers `page(layer_name)` for a layer, so a
layer with a form, an owner and a workflow needs only a PAGES line (the recognition cases have one).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import pandas as pd
import streamlit as st

from geo.text import fold
from layers.access import sees_contacts, write_right
from layers.errors import LayersError
from layers.exporters.paper import Paper
from layers.exporters.papers import papers_for
from layers.failures import log_failure
from layers.labels import blank, display_value, field_label, layer_label, short_code
from layers.recognition import link_records, links_of
from layers.schema import Layer, get_layer
from layers.store import part_layers
from layers.workflow import Workflow, workflow_of
from ui.attachments_view import attachments_panel
from ui.history_view import history_lines
from ui.i18n import STRINGS
from ui.record_form import record_form
from ui.state import data_version, lang, layer_frame, plain, store, t, viewer
from ui.widgets import TABLE_MAX
from ui.workflow_view import may_change, step_controls

FLASH = "_records_flash"


def page(layer_name: str) -> Callable[[], None]:
    """The page of one layer, as st.Page runs it (a function named for the layer)."""

    def run() -> None:
        show(get_layer(layer_name))

    run.__name__ = f"records_{layer_name}"
    return run


def _add_box(label: str, prefix: str, icon: str):
    """The expander holding a form to add a record, closed again once the record is saved."""
    key = f"{prefix}#box"
    if st.session_state.pop(f"{key}#close", False):
        st.session_state[key] = False
    return st.expander(label, icon=icon, key=key, on_change="rerun")


def _added(prefix: str, saved: str | None, chosen_key: str | None = None) -> None:
    """After a save in an add box: say so, choose the new record, close the box."""
    if not saved:
        return
    if chosen_key:
        st.session_state[chosen_key] = saved
    st.session_state[f"{prefix}#box#close"] = True
    st.session_state[FLASH] = t("form_saved", code=f"#{short_code(saved)}")
    st.rerun()


def _chosen_key(layer: Layer) -> str:
    return f"records_choice_{layer.name}"


def _label(layer: Layer, name: str) -> str:
    return field_label(layer.field(name), lang())


def _value(layer: Layer, name: str, value: object) -> str:
    text = display_value(layer.field(name), value, lang())
    if text and layer.field(name).type == "date":
        return f"{pd.Timestamp(value):%d/%m/%Y}"
    return text


def _title(layer: Layer, record: dict, number: int | None = None) -> str:
    """A record's name: its title, or (hidden, or not yet told) the layer's name and a number."""
    title = record.get(layer.title) if layer.title else None
    if not blank(title):
        return str(title)
    return f"{layer_label(layer, lang())} {number}" if number is not None else f"#{short_code(record['id'])}"


def _chapters() -> dict[str, str]:
    chapters = layer_frame("chapters", data_version())
    return dict(zip(chapters["id"], chapters["name"], strict=True))


def _summary(layer: Layer, record: dict, workflow: Workflow | None, chapters: dict[str, str]) -> str:
    parts = [f"#{short_code(record['id'])}"]
    if workflow is not None:
        parts.append(workflow.label(record.get(workflow.status) or workflow.start, lang()))
        if workflow.day and not blank(record.get(workflow.day)):
            parts.append(_value(layer, workflow.day, record.get(workflow.day)))
    if layer.owner and not blank(record.get(layer.owner)):
        parts.append(chapters.get(record[layer.owner], str(record[layer.owner])))
    return " · ".join(parts)


def _searchable(layer: Layer, frame: pd.DataFrame) -> pd.Series:
    """Each record's public words, folded, and its id (for a short code)."""
    names = [f.name for f in layer.fields if f.type == "text" and not f.private and f.name in frame]
    words = frame[names].fillna("").astype(str).agg(" ".join, axis=1) if names else pd.Series("", frame.index)
    return words.map(fold) + " " + frame["id"].astype(str)


def _filtered(layer: Layer, frame: pd.DataFrame, workflow: Workflow | None) -> pd.DataFrame:
    left, right = st.columns([1, 2])
    if workflow is not None:
        terms = {term.code: workflow.label(term.code, lang()) for term in workflow.terms()}
        wanted = left.multiselect(
            _label(layer, workflow.status),
            list(terms),
            format_func=terms.get,
            placeholder=t("rp_all"),
            key=f"records_status_{layer.name}",
        )
        if wanted:
            frame = frame[frame[workflow.status].fillna(workflow.start).isin(wanted)]
    text = fold(right.text_input(t("rp_find"), key=f"records_find_{layer.name}").strip().lstrip("#"))
    if text:
        frame = frame[_searchable(layer, frame).str.contains(text, regex=False)]
    return frame


def _table(layer: Layer, frame: pd.DataFrame, workflow: Workflow | None, chapters: dict[str, str]) -> pd.DataFrame:
    columns = {t("col_code"): frame["id"].map(lambda i: f"#{short_code(i)}")}
    if layer.title:
        columns[_label(layer, layer.title)] = frame[layer.title]
    if workflow is not None:
        columns[_label(layer, workflow.status)] = frame[workflow.status].map(
            lambda code: workflow.label(code if not blank(code) else workflow.start, lang())
        )
        if workflow.day:
            columns[_label(layer, workflow.day)] = frame[workflow.day].map(lambda v: _value(layer, workflow.day, v))
    if layer.owner:
        columns[_label(layer, layer.owner)] = frame[layer.owner].map(lambda c: chapters.get(c, c))
    if layer.place:
        columns[_label(layer, layer.place)] = frame[layer.place].map(lambda v: _value(layer, layer.place, v))
    return pd.DataFrame(columns)


def _list(layer: Layer, frame: pd.DataFrame, workflow: Workflow | None, chapters: dict[str, str]) -> str | None:
    """The records, most recent step first, filtered; the one chosen."""
    st.subheader(t("rp_list", n=len(frame)))
    if frame.empty:
        st.info(t("rp_none"))
        return None
    if workflow is not None and workflow.day:
        frame = frame.sort_values(workflow.day, ascending=False, na_position="last", kind="stable")
    shown = _filtered(layer, frame, workflow)
    if shown.empty:
        st.info(t("rp_none_match"))
        return None
    shown = shown.iloc[:TABLE_MAX]
    st.dataframe(
        _table(layer, shown, workflow, chapters),
        hide_index=True,
        width="stretch",
        height=min(320, 40 + 35 * len(shown)),
    )
    labels = {
        str(r["id"]): f"{_title(layer, r)} · #{short_code(r['id'])}"
        for r in shown[["id", layer.title]].to_dict("records")
    }
    # The box is drawn anew for each list it offers (a filter, a new record), starting at the
    # record chosen last when it is still there.
    ids, key = list(labels), _chosen_key(layer)
    index = ids.index(st.session_state[key]) if st.session_state.get(key) in labels else 0
    options = zlib.crc32("\n".join(ids).encode())
    chosen = st.selectbox(t("rp_choose"), ids, index=index, format_func=labels.get, key=f"{key}#{options}")
    st.session_state[key] = chosen
    return chosen


def _facts(layer: Layer, record: dict) -> None:
    """What a record holds, group by group as its form asks it, user text escaped."""
    lines = []
    for group in layer.form:
        told = [
            f"**{plain(_label(layer, name))}:** {plain(_value(layer, name, record.get(name)))}"
            for name in group.fields
            if not blank(record.get(name)) and _value(layer, name, record.get(name))
        ]
        if told:
            lines.append(f"**{plain(group.label(lang()))}** — " + " · ".join(told))
    if lines:
        st.markdown("  \n".join(lines))
    if layer.private_fields and not sees_contacts(viewer(), layer, record):
        st.caption(t("rp_contacts_hidden"))


def _paper_data(paper: Paper, record_id: str) -> Callable[[], bytes]:
    """The paper made when its button is pressed (the making is written in the history then)."""
    shop, person, language = store(), viewer(), lang()

    def make() -> bytes:
        try:
            return paper.make(shop, record_id, person, language)
        except Exception as exc:
            log_failure("paper", exc)
            raise

    return make


def _papers(layer: Layer, record: dict) -> None:
    for paper in papers_for(layer.name):
        st.download_button(
            paper.label(lang()),
            data=_paper_data(paper, str(record["id"])),
            file_name=paper.file_name(str(record["id"])),
            mime="application/pdf",
            on_click="ignore",
            icon=":material/picture_as_pdf:",
            key=f"paper_{paper.file_stem}_{record['id']}",
        )


def _history(layer: Layer, record_id: str) -> list[str]:
    try:
        return history_lines(store().history(record_id, viewer()), layer, lang())
    except LayersError:
        return []


def _parts(layer: Layer, record: dict, may: bool) -> None:
    """Each part layer's records of this record (the witnesses of a case): their details, papers,
    correction and history, and a form to add one."""
    frames = store().parts(layer.name, str(record["id"]), viewer())
    for part in part_layers(layer.name):
        frame = frames[part.name]
        label = layer_label(part, lang())
        st.subheader(f"{label} ({len(frame)})")
        if frame.empty:
            st.caption(t("rp_no_parts", thing=label.lower()))
        for number, row in enumerate(frame.to_dict("records"), start=1):
            with st.expander(f"{number}. {plain(_title(part, row, number))}"):
                _facts(part, row)
                _papers(part, row)
                if may and st.toggle(t("detail_edit"), key=f"rp_edit_on_{row['id']}"):
                    record_form(part, row, f"rp_edit_{row['id']}")
                lines = _history(part, str(row["id"]))
                if lines:
                    st.caption(t("detail_history", n=len(lines)))
                    st.text("\n".join(lines))
        if may:
            thing = t("rp_add", thing=label.lower())
            prefix = f"rp_new_{part.name}_{record['id']}"
            with _add_box(thing, prefix, ":material/person_add:"):
                saved = record_form(part, None, prefix, parent_id=str(record["id"]))
            _added(prefix, saved)


def _linked_lines(fields: dict[str, str], record: dict) -> list[str]:
    lines = []
    for name, target in fields.items():
        ids = [str(i) for i in record.get(name)] if isinstance(record.get(name), list | tuple) else []
        if not ids:
            continue
        other = get_layer(target)
        frame = layer_frame(target, data_version())
        titles = dict(zip(frame["id"], frame[other.title], strict=True)) if other.title else {}
        named = [
            f"#{short_code(i)} {plain(titles[i] or '')}" if i in titles else f"#{short_code(i)} {t('rp_link_unseen')}"
            for i in ids
        ]
        lines.append(f"**{plain(layer_label(other, lang()))}:** " + " · ".join(named))
    return lines


def _links(layer: Layer, record: dict, may: bool) -> None:
    """The records this one is linked to (by their codes), and, for who may change it, linking more."""
    fields = links_of(layer.name)
    if not fields:
        return
    st.subheader(t("rp_links"))
    lines = _linked_lines(fields, record)
    if lines:
        st.markdown("  \n".join(lines))
    else:
        st.caption(t("rp_no_links"))
    if not may:
        return
    key = f"rp_link_{record['id']}"
    with st.form(key):
        left, right = st.columns([1, 2])
        field = left.selectbox(
            t("rp_link_kind"),
            list(fields),
            format_func=lambda n: layer_label(get_layer(fields[n]), lang()),
            key=f"{key}.field",
        )
        codes = right.text_input(t("rp_link_codes"), key=f"{key}.codes")
        add, remove = st.columns(2)
        linked = add.form_submit_button(t("rp_link_add"), icon=":material/link:")
        unlinked = remove.form_submit_button(t("rp_link_remove"), icon=":material/link_off:")
    if not (linked or unlinked) or not codes.split():
        return
    try:
        link_records(
            store(), layer.name, str(record["id"]), viewer(), {field: codes.replace(",", " ").split()}, unlinked
        )
    except LayersError as exc:
        st.error(plain(str(exc)))
        return
    st.session_state[FLASH] = t("rp_linked")
    st.rerun()


def _detail(layer: Layer, record_id: str, workflow: Workflow | None, chapters: dict[str, str]) -> None:
    person = viewer()
    record = store().record(layer.name, record_id, person)
    if record is None:
        st.error(t("form_no_record"))
        return
    st.divider()
    st.subheader(plain(_title(layer, record)))
    st.caption(plain(_summary(layer, record, workflow, chapters)))
    _facts(layer, record)
    may = person.may(write_right(layer)) and may_change(record, layer)
    if may:
        with st.expander(t("detail_edit"), icon=":material/edit:"):
            record_form(layer, record, f"rp_edit_{record_id}")
    if workflow is not None:
        step_controls(record, layer, expanded=True)
    _parts(layer, record, may)
    _links(layer, record, may)
    attachments_panel(layer, record, "rp_att")
    lines = _history(layer, record_id)
    with st.expander(t("detail_history", n=len(lines))):
        st.text("\n".join(lines))


def show(layer: Layer) -> None:
    """The page of `layer`: its list, its add form, the chosen record."""
    person = viewer()
    workflow = workflow_of(layer.name)
    st.header(layer_label(layer, lang()))
    if f"rp_hint_{layer.name}" in STRINGS:
        st.caption(t(f"rp_hint_{layer.name}"))
    if FLASH in st.session_state:
        st.success(plain(st.session_state.pop(FLASH)))
    if person.may(write_right(layer)):
        prefix = f"rp_new_{layer.name}"
        with _add_box(t("rp_add", thing=layer_label(layer, lang()).lower()), prefix, ":material/add:"):
            saved = record_form(layer, None, prefix)
        _added(prefix, saved, _chosen_key(layer))
    chapters = _chapters()
    frame = layer_frame(layer.name, data_version())
    chosen = _list(layer, frame, workflow, chapters)
    if chosen is not None:
        _detail(layer, chosen, workflow, chapters)
