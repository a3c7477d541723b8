"""A person's work ("Việc cần làm"): the records waiting for them, by kind, most urgent first.

Each kind is declared once in KINDS with the roles it is work for; each is one SQL query on the
few columns it needs, limited to the records the person may change (layers.access), or, for a
referral, may answer (layers.referrals). An account sent through the public page (channel
"form" with a receipt code, still "new") waits in its own kind, first, with the receipt code its sender quotes;
`find_by_receipt` finds it by that code. A witness born before 1950 or marked frail makes an
item urgent: their account may soon be lost. Urgent items come first, then the oldest.

Urgency is computed here, on the server, from the full record, also for a person who may not
see that record's contacts (a referral's receiving chapter): only the fact that the witness is
elderly or frail leaves this module, never their name, phone or year of birth.

>>> [k.code for k in KINDS]
['intake', 'verify', 'referral', 'returned', 'plan', 'trip_outcome', 'trip_results', 'duplicate']
>>> kinds_for_role("partner")
()
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
import sqlalchemy as sa

from layers import referrals
from layers.access import OPERATOR_NAME, Viewer, cut, rows_condition, writable_condition
from layers.bilingual import Bilingual
from layers.campaign import VIETNAM, vietnam_today
from layers.coverage import OPEN_OUTCOMES
from layers.history import HISTORY, aware
from layers.privacy import fold_fast
from layers.schema import OBSERVATIONS, REPORTS, TRIPS, Term
from layers.store import Store
from layers.workflow import CASE_WORKERS, LEADERS, SEARCHERS, STEPS


@dataclass(frozen=True)
class Kind(Bilingual):
    """One kind of work: its code, its labels, and the roles it is work for."""

    code: str
    label_vi: str
    label_en: str
    roles: tuple[str, ...]


KINDS: tuple[Kind, ...] = (
    Kind("intake", "Tin gửi qua trang công khai", "Accounts sent through the public page", CASE_WORKERS),
    Kind("verify", "Tin báo mới cần xác minh", "New reports to verify", CASE_WORKERS),
    Kind("referral", "Tin báo chuyển đến cần nhận", "Referrals to accept", LEADERS),
    Kind("returned", "Tin báo chuyển đi bị trả lại", "Referrals sent back", CASE_WORKERS),
    Kind("plan", "Đã xác minh, chưa lên kế hoạch tìm kiếm", "Verified, no search planned", LEADERS),
    Kind("trip_outcome", "Chuyến tìm kiếm chưa ghi kết quả", "Trips with no recorded outcome", SEARCHERS),
    Kind("trip_results", "Kết quả chuyến chờ Hội xác nhận", "Trip results awaiting the chapter", LEADERS),
    Kind("duplicate", "Tin báo nghi trùng lặp", "Suspected duplicates", CASE_WORKERS),
)
URGENCY = (
    Term("elderly", "Nhân chứng cao tuổi", "Elderly witness"),
    Term("frail", "Nhân chứng yếu", "Frail witness"),
)
ELDERLY_BEFORE = 1950  # a witness born before this year is elderly
TO_VERIFY = ("new", "verifying")
PUBLIC_CHANNEL = "form"  # the public intake page's channel (layers.schema.CHANNELS)
RECEIPT_CHARACTERS = re.compile(r"[^0-9A-Z]")  # what is not a receipt code's letter or digit
VERIFIED = ("verified",)  # a planned search moves a report to "planned" (layers.workflow)
# Which reports may still be marked as repeating another: the sources of the workflow's step.
MAY_BE_DUPLICATE = next(step.sources for step in STEPS if step.target == "duplicate")
NEAR_M = 1000.0  # two reports of one martyr and unit this close may describe one grave
UNNAMED = frozenset({"chua ro ten", "khong ro ten", "khong ro", "chua ro", "vo danh", "khuyet danh", "khong ten"})
M_PER_DEG = 111_320.0
NAME_SEPARATORS = re.compile(r"\s*[;,]\s*")  # "Nguyễn Văn A; Trần Văn B": two martyrs in one grave
SPACES = re.compile(r"\s+")  # (the NUL that joins a column is no white space)


@dataclass(frozen=True)
class WorkItem:
    """One thing waiting for a person."""

    kind: str  # a Kind code
    layer: str
    record_id: str
    title: str
    since: date | None  # the day it became work: received, or the step that made it work
    urgent: bool = False
    why: tuple[str, ...] = ()  # URGENCY codes
    other_chapter: str | None = None  # a referral: the chapter that sent it; a return: the one that sent it back
    reason: str | None = None  # a return: why it was sent back
    other_id: str | None = None  # a suspected duplicate: the earlier report it may repeat
    receipt_code: str | None = None  # an account sent through the public page: the code its sender quotes

    def as_dict(self) -> dict:
        out = asdict(self)
        out["since"] = self.since.isoformat() if self.since else None
        out["why"] = list(self.why)
        return out


def kinds_for_role(role: str) -> tuple[Kind, ...]:
    """The kinds of work of a role; the server's operator has the centre's."""
    role = "admin" if role == OPERATOR_NAME else role
    return tuple(kind for kind in KINDS if role in kind.roles)


def work_items(store: Store, viewer: Viewer, today: date | None = None) -> list[WorkItem]:
    """Everything waiting for this person, urgent first, then oldest first."""
    today = today or vietnam_today()
    finders: dict[str, Callable[[], list[WorkItem]]] = {
        "intake": lambda: _reports(store, viewer, "intake", _intake(viewer), "status"),
        "verify": lambda: _reports(store, viewer, "verify", _to_verify(viewer), "status"),
        "referral": lambda: _referrals(store, viewer),
        "returned": lambda: _returned(store, viewer),
        "plan": lambda: _reports(store, viewer, "plan", _status_in(viewer, VERIFIED), "status"),
        "trip_outcome": lambda: _trips(store, viewer, today),
        "trip_results": lambda: _trip_results(store, viewer),
        "duplicate": lambda: _duplicates(store, viewer),
    }
    items = [item for kind in kinds_for_role(viewer.role.code) for item in finders[kind.code]()]
    order = {kind.code: i for i, kind in enumerate(KINDS)}
    return sorted(items, key=lambda i: (not i.urgent, i.since or date.max, order[i.kind], i.record_id))


# -- reports ------------------------------------------------------------------------------------


def _table() -> sa.Table:
    return Store.table("reports")


def _status_in(viewer: Viewer, statuses: tuple[str, ...]) -> sa.ColumnElement[bool]:
    reports = _table()
    return sa.and_(writable_condition(viewer, REPORTS, reports), reports.c.status.in_(statuses))


def _from_public_page() -> sa.ColumnElement[bool]:
    """SQL: a report sent through the public page that no one has taken up yet: channel "form"
    with the receipt code the page gave (a paper form a chapter typed in has none), still new."""
    reports = _table()
    # coalesce: no channel or code is no intake (NULL = … would leave the report out of both kinds)
    return sa.and_(
        sa.func.coalesce(reports.c.source_channel, "") == PUBLIC_CHANNEL,
        sa.func.coalesce(reports.c.receipt_code, "") != "",
        reports.c.status == "new",
    )


def _intake(viewer: Viewer) -> sa.ColumnElement[bool]:
    return sa.and_(writable_condition(viewer, REPORTS, _table()), _from_public_page())


def _to_verify(viewer: Viewer) -> sa.ColumnElement[bool]:
    """Reports to verify, but not the public page's new accounts: those are the intake kind."""
    return sa.and_(_status_in(viewer, TO_VERIFY), sa.not_(_from_public_page()))


def _stepped(action: str) -> sa.ScalarSelect:
    """SQL: when the report last took a step of `action` (its history), for each report row."""
    reports = _table()
    return (
        sa.select(sa.func.max(HISTORY.c.at))
        .where(HISTORY.c.record_id == reports.c.id, HISTORY.c.layer == "reports", HISTORY.c.action == action)
        .scalar_subquery()
    )


def _report_rows(store: Store, condition: sa.ColumnElement[bool], action: str | None) -> list:
    """The few columns a report's item needs. The witness's year of birth and frailty are read
    to say whether the item is urgent, and go no further."""
    reports = _table()
    columns = [
        reports.c.id,
        reports.c.martyr_names,
        reports.c.unit,
        reports.c.chapter_id,
        reports.c.province_34,
        reports.c.received_on,
        reports.c.created_at,
        reports.c.witness_birth_year,
        reports.c.witness_frail,
        reports.c.receipt_code,
    ]
    if action is not None:
        columns.append(_stepped(action).label("stepped"))
    with store.engine.connect() as connection:
        return connection.execute(sa.select(*columns).where(condition)).all()


def _urgency(birth_year: object, frail: object) -> tuple[str, ...]:
    """Why a witness's account is urgent (URGENCY codes), from their private fields.

    >>> _urgency(1945, None), _urgency(1960, True), _urgency(None, False)
    (('elderly',), ('frail',), ())
    """
    why = []
    if birth_year is not None and not pd.isna(birth_year) and int(birth_year) < ELDERLY_BEFORE:
        why.append("elderly")
    if frail is not None and not pd.isna(frail) and bool(frail):
        why.append("frail")
    return tuple(why)


def _day(moment: datetime | None) -> date | None:
    return None if moment is None else aware(moment).astimezone(VIETNAM).date()


def _received(row) -> date | None:
    """The day a report reached its chapter (the day it was stored when no one said)."""
    return row.received_on or _day(row.created_at)


def _title(row) -> str:
    names = (row.martyr_names or "").strip() or "Chưa rõ tên liệt sĩ"
    return f"{names} · {row.unit.strip()}" if isinstance(row.unit, str) and row.unit.strip() else names


def _report_item(kind: str, row, since: date | None, **extra) -> WorkItem:
    why = _urgency(row.witness_birth_year, row.witness_frail)
    code = row.receipt_code if kind == "intake" else None
    return WorkItem(kind, "reports", row.id, _title(row), since, bool(why), why, receipt_code=code, **extra)


def _reports(store: Store, viewer: Viewer, kind: str, condition, action: str) -> list[WorkItem]:
    """Reports waiting at a status: since the step that brought them there (received, if none)."""
    rows = _report_rows(store, condition, action)
    return [_report_item(kind, row, _day(row.stepped) or _received(row)) for row in rows]


def _referrals(store: Store, viewer: Viewer) -> list[WorkItem]:
    rows = _report_rows(store, referrals.pending_condition(viewer), None)
    with store.engine.connect() as connection:
        index = referrals.chapter_index(connection, viewer)
    return [_report_item("referral", row, _received(row), other_chapter=index.name(row.chapter_id)) for row in rows]


def _returned(store: Store, viewer: Viewer) -> list[WorkItem]:
    """Referrals sent back, with the reason as the history gives it to this person."""
    rows = _report_rows(store, referrals.returned_condition(viewer), "referral")
    with store.engine.connect() as connection:
        index = referrals.chapter_index(connection, viewer)
    out = []
    for row in rows:
        answers = [e for e in store.history(row.id, viewer) if e["action"] == "referral"]
        reason = answers[-1]["reason"] if answers else None
        receiving = index.name(index.receiving(row.province_34))
        out.append(_report_item("returned", row, _day(row.stepped), other_chapter=receiving, reason=reason))
    return out


# -- trips --------------------------------------------------------------------------------------


def _trips(store: Store, viewer: Viewer, today: date) -> list[WorkItem]:
    """Trips whose outcome is not recorded (none, or still "planned") once their last day (or
    first, when no last is given) has passed, or with no day at all."""
    trips = Store.table("trips")
    end = sa.func.coalesce(trips.c.date_to, trips.c.date_from)
    condition = sa.and_(
        writable_condition(viewer, TRIPS, trips),
        sa.or_(trips.c.outcome.is_(None), trips.c.outcome.in_(OPEN_OUTCOMES)),
        sa.or_(end.is_(None), end < today),
    )
    query = sa.select(trips.c.id, trips.c.name, trips.c.chapter_id, end.label("end"), trips.c.created_at)
    with store.engine.connect() as connection:
        rows = pd.DataFrame(
            connection.execute(query.where(condition)).all(), columns=["id", "name", "chapter_id", "end", "created_at"]
        )
    rows = cut(viewer, TRIPS, rows)  # a trip's name is free text: it may repeat a witness's phone
    return [
        WorkItem(
            "trip_outcome",
            "trips",
            row.id,
            (row.name or "").strip() or "Chuyến chưa đặt tên",
            _as_date(row.end) or _day(row.created_at),
        )
        for row in rows.itertuples()
    ]


def _trip_results(store: Store, viewer: Viewer) -> list[WorkItem]:
    """Trips whose team brought results back that wait for the chapter (layers.field_results):
    those with proposals the person may decide, since the oldest was brought back."""
    trips, observations = Store.table("trips"), Store.table("observations")
    query = (
        sa.select(trips.c.id, trips.c.name, trips.c.chapter_id, sa.func.min(observations.c.created_at).label("since"))
        .join(observations, observations.c.trip_id == trips.c.id)
        .where(
            writable_condition(viewer, OBSERVATIONS, observations),
            observations.c.status == "proposed",
            trips.c.deleted_at.is_(None),
        )
        .group_by(trips.c.id, trips.c.name, trips.c.chapter_id)
    )
    with store.engine.connect() as connection:
        rows = pd.DataFrame(connection.execute(query).all(), columns=["id", "name", "chapter_id", "since"])
    rows = cut(viewer, TRIPS, rows)  # a trip's name is free text
    return [
        WorkItem("trip_results", "trips", row.id, (row.name or "").strip() or "Chuyến chưa đặt tên", _day(row.since))
        for row in rows.itertuples()
    ]


def _as_date(value: object) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    return value if isinstance(value, date) else pd.Timestamp(value).date()


# -- suspected duplicates ----------------------------------------------------------------------


def suspected_duplicates(store: Store, viewer: Viewer) -> dict[str, str]:
    """The reports this person may change that may repeat an earlier one they see: report id →
    the earlier report's id. Suspected: the same martyr's name (one of the names, folded: case,
    diacritics and spacing aside; "chưa rõ tên" is no name), the same unit (folded, spaces
    dropped; both unknown counts as the same), points at most NEAR_M apart, and the earlier one
    not marked as a duplicate itself. Only reports that may still take the workflow's duplicate
    step are suspected."""
    reports = _table()
    mine = writable_condition(viewer, REPORTS, reports)
    query = sa.select(
        reports.c.id,
        reports.c.martyr_names,
        reports.c.unit,
        reports.c.minx.label("lon"),
        reports.c.miny.label("lat"),
        reports.c.received_on,
        reports.c.created_at,
        sa.and_(mine, reports.c.status.in_(MAY_BE_DUPLICATE)).label("suspect"),
    ).where(
        rows_condition(viewer, REPORTS, reports),
        sa.func.coalesce(reports.c.status, "new") != "duplicate",
        sa.func.coalesce(reports.c.martyr_names, "") != "",
        reports.c.minx.is_not(None),
    )
    with store.engine.connect() as connection:
        pool = pd.read_sql(query, connection)
    if len(pool) < 2:
        return {}
    pairs = _same_name_and_unit(pool)
    if pairs.empty:
        return {}
    a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    lon, lat = pool["lon"].to_numpy(float), pool["lat"].to_numpy(float)
    dx = (lon[a] - lon[b]) * M_PER_DEG * np.cos(np.radians((lat[a] + lat[b]) / 2))
    dy = (lat[a] - lat[b]) * M_PER_DEG
    near = np.hypot(dx, dy) <= NEAR_M
    a, b = a[near], b[near]
    # The later of two is the suspect; the earlier is what it may repeat.
    when = _received_days(pool)
    order = np.lexsort((pool["id"].to_numpy(), when.to_numpy()))
    rank = np.empty(len(pool), dtype=int)
    rank[order] = np.arange(len(pool))
    later = np.where(rank[a] > rank[b], a, b)
    earlier = np.where(rank[a] > rank[b], b, a)
    suspect = pool["suspect"].fillna(False).to_numpy(dtype=bool)
    out: dict[str, str] = {}
    ids = pool["id"].to_numpy()
    for i, j in sorted(zip(later.tolist(), earlier.tolist(), strict=True), key=lambda p: (p[0], rank[p[1]])):
        if suspect[i] and ids[i] not in out:
            out[ids[i]] = ids[j]
    return out


def _received_days(pool: pd.DataFrame) -> pd.Series:
    """Each report's day of receipt (the day it was stored when no one said), as _received gives it."""
    created = pd.to_datetime(pool["created_at"], utc=True).dt.tz_convert(VIETNAM).dt.tz_localize(None).dt.normalize()
    received = pd.to_datetime(pool["received_on"])
    return received.astype("datetime64[ns]").fillna(created.astype("datetime64[ns]"))


def _same_name_and_unit(pool: pd.DataFrame) -> pd.DataFrame:
    """Pairs of row positions (a < b) of the pool sharing a folded martyr's name and unit. Each
    column is folded in one pass (joined by NUL, which no stored text holds)."""
    names = fold_fast("\x00".join(pool["martyr_names"].fillna("").astype(str)))
    names = SPACES.sub(" ", NAME_SEPARATORS.sub(";", names))
    units = SPACES.sub("", fold_fast("\x00".join(pool["unit"].fillna("").astype(str))))
    keys = pd.DataFrame({"row": np.arange(len(pool)), "name": names.split("\x00"), "unit": units.split("\x00")})
    keys["name"] = keys["name"].str.split(";")
    keys = keys.explode("name")
    keys["name"] = keys["name"].str.strip()
    keys = keys[keys["name"].str.len().gt(0) & ~keys["name"].isin(UNNAMED)]
    keys = keys[keys.duplicated(["name", "unit"], keep=False)]
    pairs = keys.merge(keys, on=["name", "unit"], suffixes=("_a", "_b"))
    pairs = pairs[pairs["row_a"] < pairs["row_b"]].drop_duplicates(["row_a", "row_b"])
    return pd.DataFrame({"a": pairs["row_a"].to_numpy(int), "b": pairs["row_b"].to_numpy(int)})


def _duplicates(store: Store, viewer: Viewer) -> list[WorkItem]:
    found = suspected_duplicates(store, viewer)
    if not found:
        return []
    reports = _table()
    rows = []
    ids = sorted(found)
    for start in range(0, len(ids), 5_000):  # the suspects only: few, however many reports there are
        batch = reports.c.id.in_(ids[start : start + 5_000])
        rows += _report_rows(store, sa.and_(writable_condition(viewer, REPORTS, reports), batch), None)
    return [_report_item("duplicate", row, _received(row), other_id=found[row.id]) for row in rows]


# -- receipt codes --------------------------------------------------------------------------


def receipt_key(code: str) -> str:
    """A receipt code as compared: upper case, its letters and digits only (spaces, dashes and
    dots as a person types or reads them by phone are ignored).

    >>> receipt_key(" tb 7k3q-9m "), receipt_key("TB-7K3Q-9M")
    ('TB7K3Q9M', 'TB7K3Q9M')
    """
    return RECEIPT_CHARACTERS.sub("", str(code).upper())


def find_by_receipt(store: Store, viewer: Viewer, code: str) -> dict | None:
    """The report whose receipt code is `code` (see receipt_key), among the reports this person
    may see, as they may see it (layers.access.cut); None when there is none for them."""
    key = receipt_key(code)
    if len(key) < 4:  # too little to tell one submission from another
        return None
    reports = _table()
    stored = sa.func.upper(reports.c.receipt_code)
    for gap in (" ", "-", ".", "_"):
        stored = sa.func.replace(stored, gap, "")
    query = (
        sa.select(reports.c.id)
        .where(rows_condition(viewer, REPORTS, reports), reports.c.receipt_code.is_not(None), stored == key)
        .order_by(reports.c.created_at, reports.c.id)
        .limit(1)
    )
    with store.engine.connect() as connection:
        found = connection.execute(query).scalar()
    return None if found is None else store.record("reports", found, viewer)
