"""Handing what is known about sites over to the authorities who search (biên bản bàn giao
thông tin): to a named receiving unit (the provincial military command's search team, say), on
a day, by a chapter leader. The hand-over is written on each site (handed_over_to, _on, _by),
with a history row "handover" each, all sites in one transaction; the record itself is printed
by layers.exporters.handover_record.

Who may: HANDOVER_ROLES, declared once here (a chapter leader or the centre; the server's
operator and the app itself, as for workflow steps), on sites they may change.

>>> HANDOVER_ROLES
('admin', 'chapter')
>>> clean_unit("  Đội K92 \\x07 Bộ CHQS   tỉnh Quảng Trị ")
'Đội K92 Bộ CHQS tỉnh Quảng Trị'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from layers.access import AccessDenied, Viewer, check_write
from layers.campaign import EARLIEST_DAY, vietnam_today
from layers.errors import LayersError
from layers.labels import short_code
from layers.sites import SITES
from layers.store import Store
from layers.workflow import LEADERS, seen_record

HANDOVER_ROLES = LEADERS  # who hands a site's information over to the authorities
ALSO_ALLOWED = ("operator", "system")  # the command line without --as, the app itself
MAX_SITES = 50  # one record, one hand-over meeting
UNIT_LIMIT = 200  # characters of the receiving unit's name
NOTE_LIMIT = 1000
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def clean_unit(text: str | None) -> str:
    """A unit's name as printed: no control or direction characters, spaces single."""
    return " ".join(_INVISIBLE.sub(" ", text or "").split())


def _clean_note(text: str | None) -> str | None:
    lines = [" ".join(_INVISIBLE.sub(" ", line).split()) for line in (text or "").splitlines()]
    note = "\n".join(line for line in lines if line)
    return note or None


@dataclass(frozen=True)
class HandOver:
    """A hand-over asked for, its values checked: the sites (in the order given), to whom, on
    which day, with what note."""

    site_ids: tuple[str, ...]
    to_unit: str
    on: date
    note: str | None

    @property
    def reason(self) -> str:
        """The history's reason on each site."""
        said = f"Bàn giao thông tin cho «{self.to_unit}» ngày {self.on:%d/%m/%Y}"
        return f"{said}: {self.note}" if self.note else said


def check_role(viewer: Viewer) -> None:
    if viewer.role.code not in (*HANDOVER_ROLES, *ALSO_ALLOWED):
        raise AccessDenied(
            f"Tài khoản «{viewer.username}» ({viewer.role.label_vi}) không được bàn giao thông tin điểm mộ; "
            "chỉ lãnh đạo Hội và Trung ương Hội."
        )


def request(
    site_ids: list[str], to_unit: str | None, viewer: Viewer, on: date | None = None, note: str | None = None
) -> HandOver:
    """The hand-over asked for, or a clear refusal: a role that may not hand over, no site, more
    than MAX_SITES, a site named twice, no receiving unit (or one too long), a day in the future
    or before 1945, a note too long."""
    check_role(viewer)
    ids = [str(i).strip() for i in site_ids]
    if not ids or not all(ids):
        raise LayersError("Cần ít nhất một mã điểm mộ để bàn giao.")
    if len(ids) > MAX_SITES:
        raise LayersError(f"Một biên bản bàn giao tối đa {MAX_SITES} điểm mộ, đang chọn {len(ids)}.")
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise LayersError(f"Điểm mộ «{twice[0][:60]}» được nêu hai lần; mỗi điểm mộ chỉ bàn giao một lần.")
    unit = clean_unit(to_unit)
    if not unit:
        raise LayersError("Cần tên đơn vị nhận bàn giao, ví dụ «Đội K92, Bộ CHQS tỉnh Quảng Trị».")
    if len(unit) > UNIT_LIMIT:
        raise LayersError(f"Tên đơn vị nhận bàn giao dài quá {UNIT_LIMIT} ký tự.")
    today = vietnam_today()
    day = on or today
    if not EARLIEST_DAY <= day <= today:
        raise LayersError(f"Ngày bàn giao {day:%d/%m/%Y} phải trong khoảng {EARLIEST_DAY:%d/%m/%Y} – hôm nay.")
    cleaned = _clean_note(note)
    if cleaned and len(cleaned) > NOTE_LIMIT:
        raise LayersError(f"Ghi chú bàn giao dài quá {NOTE_LIMIT} ký tự.")
    return HandOver(tuple(ids), unit, day, cleaned)


def _site(store: Store, connection: sa.Connection, site_id: str, viewer: Viewer) -> dict:
    """A site this person may hand over: one they see and may change, not a duplicate."""
    site = seen_record(store, connection, "sites", site_id, viewer)
    if site is None:
        raise LayersError(f"Không có điểm mộ «{site_id[:60]}» (hoặc bạn không được xem điểm mộ này).")
    try:
        check_write(viewer, SITES, site)
    except AccessDenied:
        raise AccessDenied(
            f"Điểm mộ #{short_code(site_id)} không phải của Hội mình; "
            f"tài khoản «{viewer.username}» không bàn giao được."
        ) from None
    if site.get("status") == "duplicate":
        raise LayersError(
            f"Điểm mộ #{short_code(site_id)} là bản trùng của tin báo #{short_code(site.get('duplicate_of') or '')}; "
            "hãy bàn giao điểm mộ gốc."
        )
    return site


def check(store: Store, asked: HandOver, viewer: Viewer) -> list[dict]:
    """The sites of a hand-over, each one the person may hand over (else the first refusal),
    read without writing anything (to refuse before a record is printed)."""
    with store.engine.connect() as connection:
        return [_site(store, connection, site_id, viewer) for site_id in asked.site_ids]


def record(store: Store, asked: HandOver, viewer: Viewer) -> list[int]:
    """Write the hand-over on each site, with its history row, in one transaction: every site
    or none. Returns the sites' new versions, in the order given."""
    check_role(viewer)
    by = viewer.display_name.strip() or viewer.username
    changes = {"handed_over_to": asked.to_unit, "handed_over_on": asked.on, "handed_over_by": by[:UNIT_LIMIT]}
    with store.engine.begin() as connection:
        sites = [_site(store, connection, site_id, viewer) for site_id in asked.site_ids]
        return [
            store.update(
                "sites",
                site["id"],
                changes,
                viewer.username,
                int(site["version"]),
                connection=connection,
                viewer=viewer,
                reason=asked.reason,
                action="handover",
                follow=False,
            )
            for site in sites
        ]


def hand_over(
    store: Store,
    site_ids: list[str],
    to_unit: str,
    viewer: Viewer,
    on: date | None = None,
    note: str | None = None,
) -> list[int]:
    """Record that the information about these sites was handed over to `to_unit` on `on`
    (today in Vietnam by default), by this person: handed_over_to/on/by on each site and a
    history row "handover" each, in one transaction. Returns the sites' new versions."""
    return record(store, request(site_ids, to_unit, viewer, on, note), viewer)
