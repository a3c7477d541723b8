"""Việc cần làm: what waits for the signed-in person, by kind, urgent first (layers.work); a
referral is accepted or sent back here (layers.referrals). The accounts sent through the public
page come first, each with its receipt code and its sender's contact and consent (as far as the
person may see them), and a receipt code a caller quotes finds its submission."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from layers.access import Right
from layers.errors import LayersError
from layers.labels import blank, number, short_code, term_label
from layers.referrals import MAX_REASON, accept_referral, return_referral
from layers.schema import REPORTS
from layers.work import URGENCY, Kind, WorkItem, find_by_receipt, kinds_for_role, work_items
from ui.attachments_view import attachments_panel
from ui.history_view import history_lines
from ui.state import DataKey, data_version, lang, layer_frame, plain, store, t, viewer
from ui.widgets import contact_block, testimony_lines

SHOWN = 10  # items shown per kind, the most pressing; the counts cover every item
FORM_PAGE = "ui/pages/report_form.py"  # a report opened for editing (?id=…)
TRIPS_PAGE = "ui/pages/trips_page.py"  # a trip opened on the trips page (?chuyen=…)
TRIP_KINDS = ("trip_outcome", "trip_results")  # work on a trip: done on the trips page
# The kinds whose report the person may change; a referral's report stays the sending chapter's.
EDITED = ("intake", "verify", "returned", "plan", "duplicate")
INTAKE = "intake"  # the public page's accounts: their own section, first
RECEIPT_KEY = "work_receipt"  # the receipt code typed in the search box
DONE_KEY = "work_done"  # what the last answer did, said once after the rerun it causes
URGENCY_LABELS = {term.code: term for term in URGENCY}


@dataclass(frozen=True)
class Group:
    """One kind of the person's work: how many items, how many urgent, and the first ones."""

    kind: Kind
    count: int
    urgent: int
    first: tuple[WorkItem, ...]


@st.cache_resource(show_spinner=False, max_entries=8)
def _groups(version: DataKey) -> tuple[Group, ...]:
    """The person's work by kind, once per data version and reach (not on every rerun); only the
    first items of each kind are kept (the centre's list may hold a hundred thousand). The kind
    holding the most pressing item comes first, empty kinds last."""
    items = work_items(store(), version.viewer)
    rank = {item.kind: i for i, item in reversed(list(enumerate(items)))}
    groups = []
    for kind in kinds_for_role(version.viewer.role.code):
        mine = [item for item in items if item.kind == kind.code]
        groups.append(Group(kind, len(mine), sum(item.urgent for item in mine), tuple(mine[:SHOWN])))
    return tuple(sorted(groups, key=lambda group: (group.kind.code != INTAKE, rank.get(group.kind.code, len(items)))))


def _urgency(item: WorkItem) -> str:
    """Badges saying why an item is urgent (labels of our own: no user text)."""
    labels = [URGENCY_LABELS[code].label_en if lang() == "en" else URGENCY_LABELS[code].label_vi for code in item.why]
    return " ".join(f":red-badge[:material/priority_high: {label}]" for label in labels)


def _answer_referral(item: WorkItem) -> None:
    """The referral's two answers, with the note or reason that goes into the history."""
    with st.form(key=f"work_referral_{item.record_id}", border=False):
        note = st.text_input(t("work_reason"), max_chars=MAX_REASON, key=f"work_reason_{item.record_id}")
        left, right = st.columns(2)
        accept = left.form_submit_button(t("work_accept"), type="primary", icon=":material/check:")
        send_back = right.form_submit_button(t("work_return"), icon=":material/undo:")
    if not (accept or send_back):
        return
    try:
        if accept:
            accept_referral(store(), item.record_id, viewer(), note or None)
        else:
            return_referral(store(), item.record_id, viewer(), note)
    except LayersError as exc:
        st.error(plain(str(exc)))
        return
    said = {"title": item.title, "chapter": item.other_chapter}
    st.session_state[DONE_KEY] = t("work_accepted" if accept else "work_sent_back", **said)
    st.rerun()


def _history(item: WorkItem) -> None:
    entries = store().history(item.record_id, viewer())  # cut to what this person may see
    with st.expander(t("detail_history", n=len(entries))):
        for line in history_lines(entries, REPORTS, lang()):
            st.text(line)


def _sender(item: WorkItem) -> None:
    """An account of the public page: the sender, their contact and consent, read when opened."""
    with st.expander(t("work_contact_title")):
        record = store().record("reports", item.record_id, viewer())
        if record is None:  # gone since the list was made
            st.caption(t("work_kind_empty"))
            return
        contact_block(record["id"])


def _open_link(record_id: str) -> None:
    if viewer().may(Right.EDIT):
        st.page_link(FORM_PAGE, label=t("work_open"), icon=":material/edit_note:", query_params={"id": record_id})


def _show(item: WorkItem) -> None:
    with st.container(border=True, key=f"work_{item.kind}_{item.record_id}"):
        title = f"**{plain(item.title)}**"
        st.markdown(f"{_urgency(item)} {title}" if item.urgent else title)
        facts = [f"#{short_code(item.record_id)}"]
        if item.receipt_code:
            facts.insert(0, t("work_receipt_code", code=plain(item.receipt_code)))
        if item.since is not None:
            facts.append(t("work_since", day=f"{item.since:%d/%m/%Y}"))
        st.caption(" · ".join(facts))
        if item.kind == INTAKE:
            _sender(item)
        elif item.kind == "referral":
            st.markdown(plain(t("work_from", chapter=item.other_chapter or "")))
            _answer_referral(item)
        elif item.kind == "returned":
            st.markdown(plain(t("work_returned_by", chapter=item.other_chapter or "", reason=item.reason or "")))
        elif item.kind == "duplicate" and item.other_id:
            st.markdown(plain(t("work_duplicate_of", code=short_code(item.other_id))))
        if item.kind in ("referral", "returned"):  # both chapters read who answered, when and why
            _history(item)
        if item.kind in EDITED:
            _open_link(item.record_id)
        elif item.kind in TRIP_KINDS and viewer().may(Right.TRIPS):
            st.page_link(
                TRIPS_PAGE, label=t("work_open_trip"), icon=":material/hiking:", query_params={"chuyen": item.record_id}
            )


def _count(group: Group) -> str:
    n = number(group.count, lang())
    return t("work_count_urgent", n=n, urgent=number(group.urgent, lang())) if group.urgent else t("work_count", n=n)


def _show_group(group: Group) -> None:
    st.subheader(f"{group.kind.label(lang())} · {_count(group)}")
    if not group.count:
        st.caption(t("work_kind_empty"))
        return
    for item in group.first:
        _show(item)
    if group.count > len(group.first):
        st.caption(t("work_more", shown=len(group.first), n=number(group.count, lang())))


def _chapter_name(chapter_id: object) -> str | None:
    chapters = layer_frame("chapters", data_version())
    names = dict(zip(chapters["id"], chapters["name"], strict=True))
    return None if blank(chapter_id) else names.get(chapter_id, str(chapter_id))


def _found(record: dict) -> None:
    """A submission found by its receipt code: the account as told, its sender and consent."""
    with st.container(border=True, key=f"work_found_{record['id']}"):
        title = plain(t("work_unnamed") if blank(record.get("martyr_names")) else record["martyr_names"])
        st.markdown(f"**{title}**")
        status = term_label(REPORTS.field("status"), record.get("status"), lang())
        code = t("work_receipt_code", code=plain(record.get("receipt_code") or ""))
        st.caption(" · ".join((code, f"#{short_code(record['id'])}", status)))
        st.markdown("  \n".join(testimony_lines(record, _chapter_name(record.get("chapter_id")), lang())))
        st.markdown(f"**{t('work_contact_title')}**")
        contact_block(record["id"])
        attachments_panel(REPORTS, record, "work_found")
        _open_link(record["id"])


def _receipt_search() -> None:
    """Find a submission by the receipt code its sender quotes, among the records one may see."""
    st.subheader(t("work_receipt_title"))
    with st.form(key="work_receipt_form", border=False):
        typed = st.text_input(t("work_receipt_label"), key=RECEIPT_KEY, max_chars=40, placeholder="TB-7K3Q-9M")
        st.form_submit_button(t("work_receipt_find"), icon=":material/search:")
    if not typed.strip():
        return
    try:
        record = find_by_receipt(store(), viewer(), typed)
    except LayersError as exc:
        st.error(plain(str(exc)))
        return
    if record is None:
        st.info(t("work_receipt_none", code=plain(typed.strip())))
    else:
        _found(record)


st.header(t("page_work"))
done = st.session_state.pop(DONE_KEY, None)
if done:
    st.success(plain(done))
if viewer().may(Right.EDIT):
    _receipt_search()
groups = _groups(data_version())
total, urgent = sum(g.count for g in groups), sum(g.urgent for g in groups)
if not total:
    st.info(t("work_none"))
    st.stop()
st.caption(t("work_intro"))
st.markdown(t("work_total", n=number(total, lang()), urgent=number(urgent, lang())))
st.markdown("\n".join(f"- {group.kind.label(lang())}: {_count(group)}" for group in groups))
for group in groups:
    _show_group(group)
