"""Điểm mộ: the pairs of testimonies the app suggests may tell of one grave (layers.corroboration),
each confirmed ("Cùng một điểm mộ") or rejected ("Khác") by a reviewer (layers.sites), and one
site with its summary, its testimonies as told (each can be taken out again) and its history.

Testimonies are never merged or rewritten here: confirming moves the second testimony into the
first one's site; rejecting records that the pair tells of different graves, so it is not
suggested again."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.admin import province_names
from layers import sites
from layers.access import Right
from layers.corroboration import suggestions
from layers.errors import LayersError
from layers.labels import blank, field_label, number, period_text, short_code, term_label
from layers.schema import SITES
from ui.attachments_view import attachments_panel
from ui.history_view import history_lines
from ui.paperwork_view import site_paperwork
from ui.state import DataKey, data_version, lang, layer_frame, plain, store, t, viewer
from ui.widgets import testimony_lines

SHOWN = 20  # pairs shown at once, the closest first; confirming or rejecting brings the next
DONE_KEY = "sites_done"  # what the last answer did, said once after the rerun it causes
CHOSEN_KEY = "sites_chosen"  # the id of the site shown in the second section
PICK_KEY, CODE_KEY, PROVINCE_KEY = "sites_pick", "sites_code", "sites_province"
ALL = ""  # the province choice meaning every province the person sees


@st.cache_resource(show_spinner=False, max_entries=8)
def _suggestions(version: DataKey, province: str, decided: int) -> tuple[dict, ...]:
    """The suggested pairs, once per data version, reach, province and number of decisions
    (a rejection changes no report, so the data version alone would not see it)."""
    return tuple(suggestions(store(), version.viewer, province or None))


def _chapters() -> dict[str, str]:
    chapters = layer_frame("chapters", data_version())
    return dict(zip(chapters["id"], chapters["name"], strict=True))


def _chapter(chapters: dict[str, str], chapter_id: object) -> str | None:
    """A chapter's name (its id when unknown), None for none."""
    return None if blank(chapter_id) else chapters.get(str(chapter_id), str(chapter_id))


def _records(frame: pd.DataFrame, ids: list[str]) -> dict[str, dict]:
    """The rows of `frame` with these ids, as dicts by id."""
    rows = frame[frame["id"].isin(ids)]
    return {row["id"]: row for row in rows.to_dict("records")}


def _count(value: object) -> int:
    return 0 if blank(value) else int(value)


def _act(do, done: str, chosen: str | None = None, forget_code: bool = False) -> None:
    """Run one change; on success say so after the rerun, forget the suggestions, show `chosen`
    (or the site the change returns); `forget_code` empties the site code box (only before it
    is drawn in this run)."""
    try:
        result = do()
    except LayersError as exc:
        st.error(plain(str(exc)))
        return
    _suggestions.clear()
    st.session_state[DONE_KEY] = done.format(code=short_code(result or ""))
    if chosen or result:
        st.session_state[CHOSEN_KEY] = chosen or result
    if forget_code:
        st.session_state[CODE_KEY] = ""
    st.rerun()


# -- the suggested pairs --------------------------------------------------------------------------


def _testimony(record: dict, chapters: dict[str, str]) -> None:
    st.markdown(f"**{t('sites_testimony', code=short_code(record['id']))}**")
    st.markdown("  \n".join(testimony_lines(record, _chapter(chapters, record.get("chapter_id")), lang())))


def _pair(pair: dict, told: dict[str, dict], chapters: dict[str, str]) -> None:
    a, b = pair["reports"]
    with st.container(border=True, key=f"sites_pair_{a}_{b}"):
        st.markdown(f"**{t('sites_score', score=number(pair['score'] * 100, lang()) + ' %')}**")
        for column, record_id in zip(st.columns(2), (a, b), strict=True):
            with column.container(border=True, key=f"sites_told_{a}_{b}_{record_id}"):
                _testimony(told[record_id], chapters)
        st.markdown("\n".join(f"- {plain(factor['said'])}" for factor in pair["factors"]))
        same, other = st.columns(2)
        site = told[a].get("site_id") or None
        if same.button(t("sites_same"), key=f"sites_same_{a}_{b}", type="primary", icon=":material/link:"):
            linked = t("sites_linked", code="{code}")
            _act(lambda: sites.link(store(), [a, b], viewer(), site_id=site), linked, forget_code=True)
        if other.button(t("sites_different"), key=f"sites_other_{a}_{b}", icon=":material/call_split:"):
            _act(lambda: sites.reject(store(), a, b, viewer()), t("sites_rejected"))


def _province(reports: pd.DataFrame) -> str:
    """The province whose pairs are shown (its name, as the gazetteer reads it), or ALL."""
    names = province_names("34")
    present = sorted({names[code] for code in reports["province_34"].dropna().unique() if code in names})
    own = [names[code] for code in sorted(viewer().provinces) if code in names]
    if st.session_state.get(PROVINCE_KEY, ALL) not in (ALL, *present):  # no longer among the reports seen
        del st.session_state[PROVINCE_KEY]
    if PROVINCE_KEY not in st.session_state and len(own) == 1 and own[0] in present:
        st.session_state[PROVINCE_KEY] = own[0]
    labels = {ALL: t("sites_all_provinces")}
    return st.selectbox(t("sites_province"), [ALL, *present], format_func=lambda n: labels.get(n, n), key=PROVINCE_KEY)


def _review(reports: pd.DataFrame) -> None:
    province = _province(reports)
    try:
        with st.spinner(t("sites_searching")):
            pairs = _suggestions(data_version(), province, len(sites.rejected_pairs(store())))
    except LayersError as exc:
        st.error(plain(str(exc)))
        return
    told = _records(reports, [i for pair in pairs[: SHOWN * 2] for i in pair["reports"]])
    shown = [pair for pair in pairs if all(i in told for i in pair["reports"])][:SHOWN]
    st.subheader(t("sites_suggestions", n=number(len(pairs), lang())))
    if not pairs:
        st.caption(t("sites_none"))
        return
    chapters = _chapters()
    for pair in shown:
        _pair(pair, told, chapters)
    if len(pairs) > len(shown):
        st.caption(t("sites_more", shown=len(shown), n=number(len(pairs), lang())))


# -- one site -------------------------------------------------------------------------------------


def _pick() -> None:
    st.session_state[CHOSEN_KEY] = st.session_state.get(PICK_KEY) or None
    st.session_state[CODE_KEY] = ""


def _choose(frame: pd.DataFrame) -> str | None:
    """The site to show: by its code, or from those with two testimonies or more."""
    several = frame[pd.to_numeric(frame["testimony_count"], errors="coerce").fillna(0) >= 2]
    several = several.sort_values(["testimony_count", "name"], ascending=[False, True])
    names = {row["id"]: row for row in several.to_dict("records")}
    chosen = st.session_state.get(CHOSEN_KEY)
    st.session_state[PICK_KEY] = chosen if chosen in names else ""

    def label(site_id: str) -> str:
        if not site_id:
            return t("sites_choose_none")
        row = names[site_id]
        return t("sites_choice", name=row["name"] or "", n=_count(row["testimony_count"]), code=short_code(site_id))

    code = st.text_input(t("sites_code"), key=CODE_KEY, max_chars=40, placeholder="3f2a9c1d")
    st.selectbox(t("sites_choose"), ["", *names], format_func=label, key=PICK_KEY, on_change=_pick)
    typed = code.strip().lstrip("#").lower()
    if typed:
        found = frame[frame["id"].str.lower().str.startswith(typed)] if len(typed) >= 4 else frame.iloc[0:0]
        if len(found) != 1:
            st.info(t("sites_unknown", code=plain(code.strip())))
            return None
        return str(found["id"].iloc[0])
    return chosen if chosen in set(frame["id"]) else None


def _summary(site: dict, chapters: dict[str, str]) -> None:
    status = term_label(SITES.field("status"), site.get("status"), lang())
    count = _count(site.get("testimony_count"))
    st.markdown(f"**{plain(site.get('name') or '')}**")
    st.caption(" · ".join((f"#{short_code(site['id'])}", status)))
    witnesses = _count(site.get("witness_count"))
    if witnesses >= 2:
        st.success(t("sites_confirmed", n=number(witnesses, lang())), icon=":material/groups:")
    elif count >= 2:
        st.caption(t("sites_one_witness", n=number(count, lang())))
    if not blank(site.get("positions_conflict")) and bool(site.get("positions_conflict")):
        st.warning(t("sites_conflict", n=number(float(site.get("spread_m") or 0), lang())), icon=":material/warning:")
    facts = [
        (field_label(SITES.field("martyr_names"), lang()), site.get("martyr_names")),
        (field_label(SITES.field("unit"), lang()), site.get("unit")),
        (t("sites_years"), period_text(site)),
        (
            field_label(SITES.field("chapter_id"), lang()),
            _chapter(chapters, site.get("chapter_id")),
        ),
    ]
    lines = [f"**{label}:** {plain(value)}" for label, value in facts if not blank(value)]
    st.markdown("  \n".join(lines))


def _testimonies(site_id: str, reports: pd.DataFrame, chapters: dict[str, str]) -> None:
    told = reports[reports["site_id"] == site_id].sort_values(["received_on", "id"], na_position="last")
    st.markdown(f"**{t('sites_testimonies', n=number(len(told), lang()))}**")
    for record in told.to_dict("records"):
        with st.container(border=True, key=f"sites_member_{record['id']}"):
            _testimony(record, chapters)
            if len(told) >= 2 and st.button(
                t("sites_unlink"), key=f"sites_unlink_{record['id']}", icon=":material/link_off:"
            ):
                done = t("sites_unlinked", code=short_code(record["id"]), new="{code}")
                _act(lambda rid=record["id"]: sites.unlink(store(), rid, viewer()), done, chosen=site_id)


def _history(site_id: str) -> None:
    try:
        entries = store().history(site_id, viewer())  # cut to what this person may see
    except LayersError as exc:
        st.error(plain(str(exc)))
        return
    with st.expander(t("sites_history", n=len(entries))):
        for line in history_lines(entries, SITES, lang()):
            st.text(line)


def _one_site(reports: pd.DataFrame) -> None:
    st.subheader(t("sites_one"))
    frame = layer_frame("sites", data_version())
    site_id = _choose(frame)
    if site_id is None:
        return
    site = frame[frame["id"] == site_id].iloc[0].to_dict()
    chapters = _chapters()
    with st.container(border=True, key="sites_site"):
        _summary(site, chapters)
        _testimonies(site_id, reports, chapters)
        attachments_panel(SITES, site, "sites")
        site_paperwork(site)
        _history(site_id)


viewer().require(Right.EDIT, "xem và nối các lời kể cùng một điểm mộ")
st.header(t("page_sites"))
st.caption(t("sites_intro"))
done = st.session_state.pop(DONE_KEY, None)
if done:
    st.success(plain(done))
all_reports = layer_frame("reports", data_version())
_review(all_reports)
st.divider()
_one_site(all_reports)
