"""Small pieces shared by the coverage, reports, overview, work and sites pages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import altair as alt
import pandas as pd
import streamlit as st

from layers.access import Reach, Viewer
from layers.campaign import DECIMALS, FIGURE_LABELS, Figures, figure_label
from layers.labels import blank, display_value, field_label, number, period_text, term_label
from layers.schema import CONSENTS, REPORTS
from ui.state import lang, plain, store, t, viewer

TABLE_MAX = 1000  # rows sent to a table; counts, maps and exports always cover every row


def chapter_choice(
    chapters: pd.DataFrame, person: Viewer, label: str, key: str, none_label: str | None = None
) -> str | None:
    """The chapter a new record (a report, a trip, a file) is for: any for the centre (or none,
    first, when `none_label` names that choice), one of one's own chapters for the others, one's
    own first."""
    everything = person.role.reach is Reach.ALL
    if not everything:
        chapters = chapters[chapters["id"].isin(person.chapters)]
    chapters = chapters.iloc[(chapters["id"] != person.chapter_id).argsort(kind="stable")]
    names = dict(zip(chapters["id"], chapters["name"], strict=True))
    if everything and none_label is not None:
        names = {"": none_label, **names}
    if not names:
        return person.chapter_id
    return st.selectbox(label, list(names), format_func=names.get, key=key) or None


def figure_metrics(now: Figures, before: Figures | None, lang: str) -> None:
    """The headline figures in a grid, each with its change since `before` (none for the first period)."""
    current = now.as_dict()
    previous = before.as_dict() if before else {}
    columns = st.columns(4)
    for i, key in enumerate(FIGURE_LABELS):
        digits = DECIMALS.get(key, 0)
        delta = round(current[key] - previous[key], digits) if key in previous else 0
        shown = (("+" if delta > 0 else "") + number(delta, lang, digits)) if delta else None
        columns[i % 4].metric(figure_label(key, lang), number(current[key], lang, digits), delta=shown)


def bar_chart(labels: list[str], values: Iterable[float], title: str, color: str, top: int = 20) -> None:
    """Horizontal bars, largest first."""
    data = pd.DataFrame({"label": labels, "value": list(values)}).sort_values("value", ascending=False).head(top)
    chart = (
        alt.Chart(data)
        .mark_bar(color=color)
        .encode(x=alt.X("value:Q", title=title), y=alt.Y("label:N", sort="-x", title=None))
        .properties(height=max(120, 22 * len(data)))
    )
    st.altair_chart(chart, width="stretch")


# What a testimony's card shows of it, as told, in this order ("period" is its years and words).
TOLD = ("martyr_names", "unit", "period", "place_description", "historical_place", "witness_knows", "received_on")


def testimony_lines(record: Mapping, chapter: str | None, lang: str) -> list[str]:
    """A testimony as told, one markdown line per fact it holds, user text escaped (plain),
    the receiving chapter's name last."""
    lines = []
    for name in TOLD:
        field = REPORTS.field("period_text" if name == "period" else name)
        value = period_text(record) if name == "period" else display_value(field, record.get(name), lang)
        if name == "received_on" and not blank(value):
            value = f"{pd.Timestamp(value):%d/%m/%Y}"
        if not blank(value):
            lines.append(f"**{field_label(field, lang)}:** {plain(value)}")
    if chapter:
        lines.append(f"**{field_label(REPORTS.field('chapter_id'), lang)}:** {plain(chapter)}")
    return lines


def contact_block(record_id: str) -> None:
    """A testimony's sender, their contact and who they agreed may contact them, for a person
    who may contact them (the store decides: Store.contact); otherwise a line saying who may."""
    contact = store().contact(REPORTS.name, record_id, viewer())
    if contact is None:
        st.caption(t("work_contact_hidden"))
        return
    consent = REPORTS.field(REPORTS.consent)
    code = contact.get(REPORTS.consent) if not blank(contact.get(REPORTS.consent)) else CONSENTS[0].code
    st.markdown(f"**{field_label(consent, lang())}:** {plain(term_label(consent, code, lang()))}")
    if code == "nobody":
        st.warning(t("work_consent_nobody"), icon=":material/do_not_disturb_on:")
    told = [
        f"**{field_label(REPORTS.field(name), lang())}:** {plain(contact[name])}"
        for name in REPORTS.consented
        if not blank(contact.get(name))
    ]
    st.markdown("  \n".join(told) if told else t("work_contact_none"))
