"""Referrals between chapters ("chuyển đến"): a report received by one chapter about a site in
another province is work for that province's chapter too, which accepts it ("Đã nhận") or sends
it back with a reason ("Đã trả lại").

The answer is the report's `referral` field, written with its history row (action "referral",
the reason) in one transaction. Both chapters read the report (layers.access: the chapter that
holds it, and the chapter of the province where it lies), so both read that history; the
witness's contacts stay with the chapter the witness trusted.

Who answers: the receiving chapter's leaders, and the centre. A recorder takes reports down and
verifies them; taking another chapter's site into one's plans, or refusing it, is the leader's
decision, as planning a search is (layers.workflow.LEADERS).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from layers.access import AccessDenied, Reach, Right, Viewer, rows_condition, writable_condition
from layers.errors import LayersError
from layers.labels import clean_text
from layers.schema import CHAPTERS, REPORTS
from layers.store import Store
from layers.workflow import LEADERS

ACCEPTED, RETURNED = (term.code for term in REPORTS.field("referral").vocabulary)
RECEIVING_LEVEL = "province"  # a referral goes to the province's own chapter, not to a commune's
MAX_REASON = 1000
CLOSED = ("duplicate",)  # a duplicate is nobody's work: its original carries the referral


@dataclass(frozen=True)
class ChapterIndex:
    """The chapters' names, and each province's own chapter (read once per call: a few dozen rows)."""

    names: dict[str, str]
    provincial: dict[str, str]  # province code → the id of its provincial chapter

    def name(self, chapter_id: str | None) -> str:
        return self.names.get(chapter_id or "", chapter_id or "")

    def receiving(self, province: str | None) -> str | None:
        """The chapter a report about a site in `province` is referred to."""
        return self.provincial.get(province or "")


def chapter_index(connection: sa.Connection, viewer: Viewer) -> ChapterIndex:
    """The chapters as reference data: everyone signed in reads them (layers.access)."""
    chapters = _tables()[1]
    query = sa.select(chapters.c.id, chapters.c.name, chapters.c.province_34, chapters.c.level).where(
        rows_condition(viewer, CHAPTERS, chapters)
    )
    names, provincial = {}, {}
    for row in connection.execute(query):
        names[row.id] = row.name
        if row.level == RECEIVING_LEVEL and row.province_34:
            provincial[row.province_34] = row.id
    return ChapterIndex(names, provincial)


def _tables() -> tuple[sa.Table, sa.Table]:
    return Store.table("reports"), Store.table("chapters")


# -- which reports are referrals, and whose work they are --------------------------------------


def referred() -> sa.ColumnElement[bool]:
    """SQL: the report is a referral: it lies in a province of today, and the chapter that
    received it is not of that province (a chapter of another province, or the centre)."""
    reports, chapters = _tables()
    own_province = sa.exists().where(
        chapters.c.id == reports.c.chapter_id, chapters.c.province_34 == reports.c.province_34
    )
    return sa.and_(reports.c.province_34.is_not(None), reports.c.chapter_id.is_not(None), ~own_province)


def _open() -> sa.ColumnElement[bool]:
    reports = _tables()[0]
    return sa.func.coalesce(reports.c.status, "new").not_in(CLOSED)


def may_answer(viewer: Viewer) -> bool:
    """Whether this person's role answers referrals at all (for the chapter of their province)."""
    return viewer.may(Right.EDIT) and (viewer.role.reach is Reach.ALL or viewer.role.code in LEADERS)


def pending_condition(viewer: Viewer) -> sa.ColumnElement[bool]:
    """SQL: the referrals not yet answered that this person may answer: those about a site in
    the province of their chapter (any, for the centre)."""
    reports = _tables()[0]
    if not may_answer(viewer):
        return sa.false()
    conditions = [rows_condition(viewer, REPORTS, reports), referred(), reports.c.referral.is_(None), _open()]
    if viewer.role.reach is not Reach.ALL:
        conditions.append(reports.c.province_34.in_(sorted(viewer.provinces)))
    return sa.and_(*conditions)


def returned_condition(viewer: Viewer) -> sa.ColumnElement[bool]:
    """SQL: the referrals sent back to the chapter that holds them, of this person's to change.
    They stay its work while the report still lies in another province (a corrected place ends
    the referral)."""
    reports = _tables()[0]
    return sa.and_(writable_condition(viewer, REPORTS, reports), referred(), reports.c.referral == RETURNED, _open())


# -- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Referral:
    """A report referred to another chapter, as its receiving chapter sees it."""

    report_id: str
    martyr_names: str
    sending_chapter_id: str
    sending_chapter: str
    receiving_chapter_id: str | None
    receiving_chapter: str
    received_on: date | None
    version: int


def pending_referrals(store: Store, viewer: Viewer) -> list[Referral]:
    """The referrals this person may accept or send back, oldest first."""
    reports = _tables()[0]
    query = (
        sa.select(
            reports.c.id,
            reports.c.martyr_names,
            reports.c.chapter_id,
            reports.c.province_34,
            reports.c.received_on,
            reports.c.version,
        )
        .where(pending_condition(viewer))
        .order_by(reports.c.received_on, reports.c.id)
    )
    with store.engine.connect() as connection:
        index = chapter_index(connection, viewer)
        rows = connection.execute(query).all()
    return [
        Referral(
            row.id,
            row.martyr_names or "",
            row.chapter_id,
            index.name(row.chapter_id),
            index.receiving(row.province_34),
            index.name(index.receiving(row.province_34)),
            row.received_on,
            int(row.version),
        )
        for row in rows
    ]


# -- answering ----------------------------------------------------------------------------------


def accept_referral(store: Store, record_id: str, viewer: Viewer, note: str | None = None) -> int:
    """The receiving chapter takes the report into its work ("Đã nhận"); returns the new version."""
    return _answer(store, record_id, viewer, ACCEPTED, _text(note) or None)


def return_referral(store: Store, record_id: str, viewer: Viewer, reason: str) -> int:
    """The receiving chapter sends the report back to the chapter that holds it, saying why
    ("Đã trả lại"); returns the new version."""
    reason = _text(reason)
    if not reason:
        raise LayersError("Cần ghi lý do trả lại tin báo (--reason), để Hội đã tiếp nhận biết phải làm gì.")
    return _answer(store, record_id, viewer, RETURNED, reason)


def _text(value: str | None) -> str:
    text = clean_text(value or "").strip()
    if len(text) > MAX_REASON:
        raise LayersError(f"Lý do dài quá {MAX_REASON} ký tự.")
    return text


def _answer(store: Store, record_id: str, viewer: Viewer, answer: str, reason: str | None) -> int:
    reports = _tables()[0]
    with store.engine.begin() as connection:
        report = connection.execute(
            sa.select(
                reports.c.id,
                reports.c.version,
                reports.c.referral,
                reports.c.province_34,
                reports.c.status,
                referred().label("referred"),
            ).where(reports.c.id == record_id, rows_condition(viewer, REPORTS, reports))
        ).first()
        if report is None:
            raise LayersError(f"Không có tin báo «{record_id[:60]}».")
        if not report.referred:
            raise LayersError("Tin báo này do Hội của tỉnh nơi có điểm mộ tiếp nhận: không phải tin báo chuyển đến.")
        _check_answerer(viewer, chapter_index(connection, viewer).receiving(report.province_34))
        if report.referral == answer:
            said = "nhận" if answer == ACCEPTED else "trả lại"
            raise LayersError(f"Tin báo này đã được {said} rồi.")
        # The receiving chapter answers a report another chapter holds: the right is checked above,
        # not by the store's check of the owner (which only the holding chapter passes).
        return store.update(
            "reports",
            record_id,
            {"referral": answer},
            viewer.username,
            int(report.version),
            connection=connection,
            reason=reason,
            action="referral",
        )


def _check_answerer(viewer: Viewer, receiving: str | None) -> None:
    """Refuse an answer by anyone but the receiving chapter's leaders and the centre. A demo
    account reads demo records only, so the report is one it may answer already."""
    if not may_answer(viewer):
        raise AccessDenied(
            f"Tài khoản «{viewer.username}» ({viewer.role.label_vi}) không được nhận hay trả lại tin báo "
            "chuyển đến; lãnh đạo Hội tỉnh nơi có điểm mộ làm việc này."
        )
    if viewer.role.reach is not Reach.ALL and receiving not in viewer.chapters:
        raise AccessDenied("Tin báo này chuyển đến Hội của tỉnh khác; chỉ Hội đó nhận hay trả lại được.")
