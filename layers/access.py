"""Who may see and do what: the roles, declared once, and the one place that cuts records.

A role says which records a person reaches (all, those of their chapters, those of their team),
whose witness contacts they see, and what they may do. The store asks this module for the SQL
condition of a read and for the cut of the frame it read (private fields emptied and free text
scrubbed on every row whose contacts the person may not see), so a page that forgets cannot
leak; writes are checked here before the store writes.

Records belong to the chapter that received them (the layer's `owner` field) and are also work
for the chapter of the province where they lie (its `place` field): a report taken in Nghệ An
about a grave in Quảng Trị is seen by Quảng Trị's chapter, without the witness's contacts, which
stay with the chapter the witness trusted (and the team sent to the site).

>>> ROLES["partner"].contacts is Contacts.CONSENTED
True
>>> sorted(r.code for r in ROLES.values() if Right.USERS in r.rights)
['admin', 'chapter']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd
import sqlalchemy as sa

from layers.bilingual import Bilingual
from layers.config import contacts_allowed
from layers.errors import LayersError
from layers.privacy import for_partners, free_text_fields
from layers.schema import CONSENTS, REFERRALS, Layer

ACCEPTED = REFERRALS[0].code  # the referral's answer that makes the place's chapter hold the record too


class AccessDenied(LayersError):
    """The signed-in person may not see or do this."""


class Right(StrEnum):
    VIEW = "view"  # the map, the figures and the records one reaches
    EDIT = "edit"  # add and edit the reports of one's chapters
    IMPORT = "import"  # import files of reports for one's chapters
    TRIPS = "trips"  # record search trips and import their GPS tracks
    CAMPAIGN_REPORTS = "campaign_reports"  # the 6- and 12-month reports of one's chapters
    EXPORT_PARTNER = "export_partner"  # files without any witness data
    EXPORT_TEAM = "export_team"  # files with the witness contacts one may see
    USERS = "users"  # accounts of one's chapters
    RESTORE = "restore"  # bring back a deleted record
    PURGE = "purge"  # remove a deleted record for good
    REFERENCE = "reference"  # battlefields, cemeteries and the chapters themselves
    PUBLISH = "publish"  # let a trip's story and its photos and videos out on the public pages
    COMMEND = "commend"  # annotate and publish the commendations (biểu dương) of a period


class Reach(StrEnum):
    ALL = "all"
    CHAPTERS = "chapters"  # received by one's chapters, or lying in their provinces
    TEAM = "team"  # as CHAPTERS, and the records the team is sent to


class Contacts(StrEnum):
    ALL = "all"
    OWN = "own"  # of the records one's chapters received
    ASSIGNED = "assigned"  # of the records the team is sent to
    # None in the frames, files and history; the contact itself (Store.contact) of the records
    # whose witness agreed that partner search units contact them.
    CONSENTED = "consented"
    NONE = "none"


@dataclass(frozen=True)
class Role(Bilingual):
    code: str
    label_vi: str
    label_en: str
    reach: Reach
    contacts: Contacts
    rights: frozenset[Right]
    below: bool = False  # also the chapters under one's own (a provincial chapter's communes)
    grants: tuple[str, ...] = ()  # the roles this one may give to accounts of its chapters
    # Sees only the attached files a chapter marked shareable (partner units): pages, routes and
    # files alike (sees_file).
    shared_files_only: bool = False


_ALL_RIGHTS = frozenset(Right)
ROLES: dict[str, Role] = {
    role.code: role
    for role in (
        Role(
            "admin",
            "Quản trị (Trung ương Hội)",
            "Administrator (central association)",
            Reach.ALL,
            Contacts.ALL,
            _ALL_RIGHTS,
            below=True,
            grants=("admin", "chapter", "recorder", "team", "partner"),
        ),
        Role(
            "chapter",
            "Lãnh đạo Hội tỉnh",
            "Chapter leader",
            Reach.CHAPTERS,
            Contacts.OWN,
            frozenset(
                {
                    Right.VIEW,
                    Right.EDIT,
                    Right.IMPORT,
                    Right.TRIPS,
                    Right.CAMPAIGN_REPORTS,
                    Right.EXPORT_PARTNER,
                    Right.EXPORT_TEAM,
                    Right.USERS,
                    Right.PUBLISH,
                }
            ),
            below=True,
            grants=("chapter", "recorder", "team"),
        ),
        Role(
            "recorder",
            "Cán bộ tiếp nhận",
            "Recorder",
            Reach.CHAPTERS,
            Contacts.OWN,
            frozenset({Right.VIEW, Right.EDIT, Right.IMPORT, Right.EXPORT_PARTNER}),
        ),
        Role(
            "team",
            "Đội tìm kiếm",
            "Search team",
            Reach.TEAM,
            Contacts.ASSIGNED,
            frozenset({Right.VIEW, Right.TRIPS, Right.EXPORT_PARTNER, Right.EXPORT_TEAM}),
        ),
        Role(
            "partner",
            "Đối tác",
            "Partner",
            Reach.ALL,
            Contacts.CONSENTED,
            frozenset({Right.VIEW, Right.EXPORT_PARTNER}),
            shared_files_only=True,
        ),
    )
}
OPERATOR_NAME = "operator"  # the command line without --as, as the history names it


@dataclass(frozen=True)
class Viewer:
    """A person as the data sees them: their role, the chapters and provinces they reach, and
    whether they are a demo account (which sees and changes demo records only)."""

    username: str
    role: Role
    chapters: frozenset[str] = field(default_factory=frozenset)
    provinces: frozenset[str] = field(default_factory=frozenset)
    demo_only: bool = False
    display_name: str = ""
    chapter_id: str | None = None  # the account's own chapter: where what it adds belongs

    def may(self, right: Right) -> bool:
        return right in self.role.rights

    def require(self, right: Right, doing: str) -> None:
        if not self.may(right):
            raise AccessDenied(f"Tài khoản «{self.username}» ({self.role.label_vi}) không được {doing}.")

    def scope(self) -> Viewer:
        """This person as far as what they see depends on them, for caches: colleagues with the
        same role and chapters share a cached frame; a team's is its own (its assignments)."""
        own = self.role.reach is Reach.TEAM or self.role.contacts is Contacts.ASSIGNED
        return Viewer(self.username if own else "", self.role, self.chapters, self.provinces, self.demo_only)


def system() -> Viewer:
    """The app itself (seeding, migrations, the importer's own checks): sees everything.
    Never handed to a page."""
    return Viewer("system", Role("system", "Hệ thống", "System", Reach.ALL, Contacts.ALL, _ALL_RIGHTS))


def public() -> Viewer:
    """Anyone on the public pages (progress, bulletin): every record counted, no right, no
    witness contact, no private field (layers.stories, layers.progress read through it)."""
    return Viewer("public", Role("public", "Công chúng", "The public", Reach.ALL, Contacts.NONE, frozenset()))


def operator() -> Viewer:
    """The server's operator: the command line without --as. Sees and does everything, except
    witness contacts unless the installation allows them (layers.config.contacts_allowed)."""
    contacts = Contacts.ALL if contacts_allowed() else Contacts.NONE
    role = Role(OPERATOR_NAME, "Người vận hành máy chủ", "Server operator", Reach.ALL, contacts, _ALL_RIGHTS)
    return Viewer(OPERATOR_NAME, role)


# -- reading ----------------------------------------------------------------------------------


def rows_condition(viewer: Viewer, layer: Layer, table: sa.Table) -> sa.ColumnElement[bool]:
    """The SQL condition of the records of `layer` this person may see (not deleted)."""
    conditions: list[sa.ColumnElement[bool]] = [table.c.deleted_at.is_(None)]
    if layer.place is None:  # reference data (chapters, battlefields, cemeteries): everyone reads it all
        return conditions[0]
    if viewer.demo_only:
        conditions.append(table.c.is_demo)
    if viewer.role.reach is not Reach.ALL:
        reached = [
            table.c[layer.owner].in_(sorted(viewer.chapters)),
            table.c[layer.place].in_(sorted(viewer.provinces)),
        ]
        if viewer.role.reach is Reach.TEAM and layer.assignee is not None:
            reached.append(table.c[layer.assignee] == viewer.username)
        conditions.append(sa.or_(*reached))
    return sa.and_(*conditions)


def writable_condition(viewer: Viewer, layer: Layer, table: sa.Table) -> sa.ColumnElement[bool]:
    """The SQL condition of the records of `layer` this person may change (see check_write)."""
    conditions: list[sa.ColumnElement[bool]] = [table.c.deleted_at.is_(None)]
    if not viewer.may(write_right(layer)):
        return sa.false()
    if viewer.demo_only:
        conditions.append(table.c.is_demo)
    if viewer.role.reach is not Reach.ALL and layer.place is not None:
        held = [table.c[layer.owner].in_(sorted(viewer.chapters))]
        if viewer.role.reach is Reach.TEAM and layer.assignee is not None:
            held.append(table.c[layer.assignee] == viewer.username)
        if layer.referral is not None:  # a referral the place's chapter accepted is its work too
            held.append(
                sa.and_(table.c[layer.referral] == ACCEPTED, table.c[layer.place].in_(sorted(viewer.provinces)))
            )
        conditions.append(sa.or_(*held))
    return sa.and_(*conditions)


def _consents(layer: Layer, frame: pd.DataFrame) -> pd.Series:
    """Each row's witness's choice of who may contact them (CONSENTS); no choice recorded is the
    first (the receiving chapter only)."""
    default = CONSENTS[0].code
    if layer.consent is None or layer.consent not in frame:
        return pd.Series(default, index=frame.index)
    return frame[layer.consent].where(frame[layer.consent].isin([c.code for c in CONSENTS]), default)


def contacts_mask(viewer: Viewer, layer: Layer, frame: pd.DataFrame) -> np.ndarray:
    """Which rows of a frame this person may see the private fields of: by their role, and by
    what the witness agreed to (a search team not where the witness said nobody may contact
    them). A partner unit sees none here (see `consented`)."""
    size = len(frame)
    contacts = viewer.role.contacts
    if contacts is Contacts.ALL:
        return np.ones(size, dtype=bool)
    if contacts in (Contacts.NONE, Contacts.CONSENTED) or layer.owner is None or layer.owner not in frame:
        return np.zeros(size, dtype=bool)
    consent = _consents(layer, frame)
    if contacts is Contacts.ASSIGNED and layer.assignee is not None:
        sent = (frame[layer.assignee] == viewer.username).fillna(False)
        return (sent & consent.ne("nobody")).to_numpy(dtype=bool)
    if contacts is Contacts.ASSIGNED and layer.identifying:
        # People's contacts (a recognition case's relatives and witnesses) on records nobody sends
        # a team to: a team sees only those of the records it is sent to, so none of these. Its
        # chapter's other private fields (its trips' waypoints, the chapter's phone) it sees.
        return np.zeros(size, dtype=bool)
    return frame[layer.owner].isin(viewer.chapters).to_numpy(dtype=bool)


def cut(viewer: Viewer, layer: Layer, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as this person may see it: on every row whose contacts they may not see, the
    private fields are empty and the free texts scrubbed of the witness's name and phone
    (as a partner's file is)."""
    if not layer.private_fields and not free_text_fields(layer):
        return frame
    return _hidden_on(layer, frame, ~contacts_mask(viewer, layer, frame))


def _hidden_on(layer: Layer, frame: pd.DataFrame, hidden: np.ndarray) -> pd.DataFrame:
    """The frame with the private fields emptied and free texts scrubbed on the `hidden` rows."""
    if not hidden.any():
        return frame
    if hidden.all():
        return for_partners(frame, layer)
    columns = [name for name in (*layer.private_fields, *free_text_fields(layer)) if name in frame]
    out = frame.copy()
    out.loc[hidden, columns] = for_partners(frame.loc[hidden], layer)[columns]
    return out


def for_team_file(layer: Layer, frame: pd.DataFrame) -> pd.DataFrame:
    """What a search team's file may carry of a frame already cut for the person making it: no
    contact of a witness who said nobody may contact them (the file travels with the team)."""
    if not layer.private_fields or layer.consent is None or layer.consent not in frame:
        return frame
    return _hidden_on(layer, frame, _consents(layer, frame).eq("nobody").to_numpy(dtype=bool))


def consented(viewer: Viewer, layer: Layer, record: dict) -> bool:
    """Whether a partner unit may read this record's contact because the witness agreed that
    partner search units contact them (the contact only: layer.consented, never the chapter's
    private notes, and never in a file)."""
    if viewer.role.contacts is not Contacts.CONSENTED or not record or layer.consent is None:
        return False
    return _consents(layer, pd.DataFrame([record])).iloc[0] == "partners"


def sees_file(viewer: Viewer, private: bool, shareable: bool, contacts_seen: bool, cleanable: bool) -> bool:
    """Whether a person sees a file attached to a record they see: a private one (a witness's
    photo) only with the record's witness contacts; a role that receives shared files only
    (partners) only those a chapter marked shareable; and without the contacts, a file whose
    metadata cannot be taken out (a recording, a video, a PDF: the witness's voice, a phone's
    position in the video, a letter's author) only when a chapter shared it."""
    if viewer.role.shared_files_only and not shareable:
        return False
    if contacts_seen:
        return True
    return not private and (cleanable or shareable)


def sees_contacts(viewer: Viewer, layer: Layer, record: dict) -> bool:
    """Whether this person may see the private fields of one record."""
    return bool(contacts_mask(viewer, layer, pd.DataFrame([record]))[0]) if record else False


# -- writing ----------------------------------------------------------------------------------

_WRITE_RIGHT = {
    "reports": Right.EDIT,
    "sites": Right.EDIT,
    "trips": Right.TRIPS,
    "observations": Right.TRIPS,  # a team brings back what it found; the chapter confirms (workflow)
    "recognition_cases": Right.EDIT,
    "recognition_witnesses": Right.EDIT,
}


def write_right(layer: Layer) -> Right:
    """The right that changes records of a layer (reference layers need REFERENCE)."""
    return _WRITE_RIGHT.get(layer.name, Right.REFERENCE)


def check_write(viewer: Viewer, layer: Layer, record: dict) -> None:
    """Refuse a write this person may not make: the right for the layer, a record of one of
    their chapters (for a layer with an owner and a place), a demo record for a demo account."""
    viewer.require(write_right(layer), f"sửa lớp «{layer.label_vi}»")
    check_reach(viewer, layer, record)


def check_reach(viewer: Viewer, layer: Layer, record: dict) -> None:
    """Refuse a change to a record that is not this person's to change, whatever the right: a
    record of another chapter (for a layer with an owner and a place), a real record for a demo
    account. A search team may change what it was sent to; the chapter of the province where a
    record lies, a referral it accepted."""
    if viewer.demo_only and not record.get("is_demo"):
        raise AccessDenied("Tài khoản mẫu chỉ sửa được dữ liệu mẫu.")
    if viewer.role.reach is Reach.ALL or layer.place is None:
        return
    if not (holds(viewer, layer, record) or _sent(viewer, layer, record) or _taken(viewer, layer, record)):
        raise AccessDenied(
            f"Bản ghi này thuộc Hội khác; tài khoản «{viewer.username}» chỉ sửa được bản ghi của Hội mình."
        )


def holds(viewer: Viewer, layer: Layer, record: dict) -> bool:
    """Whether the record belongs to one of this person's chapters (or they reach everything)."""
    return viewer.role.reach is Reach.ALL or layer.owner is None or record.get(layer.owner) in viewer.chapters


def _sent(viewer: Viewer, layer: Layer, record: dict) -> bool:
    """A search team's: the record it was sent to."""
    return (
        viewer.role.reach is Reach.TEAM and layer.assignee is not None and record.get(layer.assignee) == viewer.username
    )


def _taken(viewer: Viewer, layer: Layer, record: dict) -> bool:
    """A referral the chapter of the province where it lies has accepted."""
    return (
        layer.referral is not None
        and record.get(layer.referral) == ACCEPTED
        and record.get(layer.place) in viewer.provinces
    )


def check_changes(viewer: Viewer, layer: Layer, current: dict, changes: dict) -> None:
    """Refuse changes a person who does not hold the record, or may not see its contacts, must
    not make: giving it to another chapter, or writing over a witness's details and free text
    they only see hidden (a referral's receiving chapter, a team, may still move its work on)."""
    if layer.owner and layer.owner in changes and changes[layer.owner] != current.get(layer.owner):
        if not holds(viewer, layer, current):
            raise AccessDenied("Chỉ Hội giữ bản ghi mới chuyển được bản ghi sang Hội khác.")
        if not holds(viewer, layer, {**current, **changes}):
            raise AccessDenied("Chỉ chuyển được bản ghi sang một Hội của mình.")
    guarded = {*layer.private_fields, *free_text_fields(layer)}
    touched = sorted(name for name in guarded & set(changes) if changes[name] != current.get(name))
    if touched and not sees_contacts(viewer, layer, current):
        labels = ", ".join(layer.field(name).label_vi for name in touched)
        raise AccessDenied(f"Bạn không xem được thông tin nhân chứng của bản ghi này nên không sửa được: {labels}.")
    _check_publishing(viewer, layer, current, changes)


def _check_publishing(viewer: Viewer, layer: Layer, current: dict, changes: dict) -> None:
    """A publishing mark (Field.publishes), and the fields it lets out while it is on, change only
    by a person with the right to publish."""
    if viewer.may(Right.PUBLISH):
        return
    for mark in (f for f in layer.fields if f.publishes):
        named = (mark.name, *mark.publishes)
        changed = {name for name in named if name in changes and changes[name] != current.get(name)}
        flipped = mark.name in changed and bool(changes[mark.name]) != bool(current.get(mark.name))
        if flipped or (current.get(mark.name) and changed - {mark.name}):
            labels = ", ".join(layer.field(name).label_vi for name in sorted(changed))
            raise AccessDenied(f"Chỉ lãnh đạo Hội được công bố hoặc sửa nội dung đã công bố: {labels}.")


TEAM_REFUSED = (
    "Bản cho đội tìm kiếm có liên hệ nhân chứng, mà «{who}» không được xem liên hệ nào "
    "(người vận hành máy chủ xem được khi bật BANDO_SHOW_CONTACTS=1 hoặc show_witness_contacts = true "
    "trong .streamlit/secrets.toml; người đăng nhập theo vai trò); hãy xuất bản cho đối tác."
)


def check_export(viewer: Viewer, audience: str) -> None:
    """Whether this person may make a file for `audience`: any file needs an export right; a
    team's file (with the contacts they see) also needs to see some contacts."""
    if audience == "team":
        viewer.require(Right.EXPORT_TEAM, "xuất bản cho đội tìm kiếm")
        if viewer.role.contacts is Contacts.NONE:
            raise AccessDenied(TEAM_REFUSED.format(who=viewer.username))
    else:
        viewer.require(Right.EXPORT_PARTNER, "xuất dữ liệu")


def may_take_scan(viewer: Viewer, audience: str, chapter_id: str | None) -> bool:
    """Whether a scan of the chapter's maps folder (layers.config.maps_dir) may go into a file this
    person makes for `audience`: a scan kept under `<maps folder>/<chapter_id>/` is that chapter's
    (its people's, and those who reach every chapter); one directly in the maps folder
    (`chapter_id` None) is shared by all chapters. A partner's file carries no configured scan: a
    scan may show more than the chapter publishes (a file the person gives themselves is theirs
    to give)."""
    if audience != "team":
        return False
    return chapter_id is None or viewer.role.reach is Reach.ALL or chapter_id in viewer.chapters


def check_report_body(viewer: Viewer, chapter_id: str | None) -> None:
    """A campaign report is of one's own chapters (the whole association for the centre)."""
    if viewer.role.reach is Reach.ALL:
        return
    if chapter_id is None or chapter_id not in viewer.chapters:
        raise AccessDenied(f"Tài khoản «{viewer.username}» chỉ lập báo cáo cho Hội của mình.")
