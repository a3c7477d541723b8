"""Search trips planned and recorded by people: the team, the dates, the reports the trip is for,
its GPS track, and its outcome (remains found and handed over), each written with its history.

The reports a trip is for move through the workflow (layers.workflow) in the trip's own
transaction: planning a trip plans its verified reports; its outcome moves every one of them
(nothing found → searched, not found; remains found → remains found where they were, searched
elsewhere; cancelled → verified again, waiting for another trip). A step refused for one report
writes nothing at all, and the message names the report and why.

A route (layers.planning) is saved on an open trip only: its sites are sites the person sees, each
one a search may be planned for (PLANNABLE), and saving it plans them through the workflow in the
same transaction, the site's step linking its testimonies to the trip, so the outcome, and the
chapter's confirmations of what the team brought back (layers.field_results), move them with it.
Its start is read as a plan's is and stored "lat, lon"; its length is measured, never typed.

A report that another planned trip still lists keeps waiting for that trip when this one finds
nothing or is cancelled: its search is still to come. A cancelled trip leaves alone a report
that has moved on by another way (it claims nothing about it).

>>> outcome_code("Tìm thấy hài cốt"), outcome_code("nothing_found"), outcome_code("huy")
('remains_found', 'nothing_found', 'cancelled')
>>> PLANNABLE
('verified', 'searched_not_found', 'planned')
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa

from geo.admin import UnknownPlace, province_codes, province_names, provinces_at, resolve_place
from geo.text import fold
from layers.access import Right, Viewer, check_write
from layers.campaign import vietnam_today
from layers.chapters import find_chapter
from layers.coverage import OPEN_OUTCOMES, is_open
from layers.errors import LayersError
from layers.importers.reports import province_code
from layers.importers.trips import DEFAULT_SWEEP_M, EARLIEST, Track, latest_day, sweep_problem
from layers.labels import blank, term_label
from layers.schema import REPORTS, TRIPS
from layers.store import Store
from layers.workflow import STEPS, StepInput, seen_record, take_step

OUTCOMES = TRIPS.field("outcome")
# The planned route (layers.planning): the sites in walking order and where it starts, as a person
# gives them; its length (route_length_m) is computed from them (_route), never typed.
ROUTE_FIELDS = ("route_site_ids", "route_start")
ROUTE_MAX = 300  # sites one route visits: one trip's walk; a campaign is planned province by province
# What a person gives when planning a trip, and may change afterwards; the outcome and the
# remains found are given with the outcome (record_outcome), the handover also later.
PLANNED_FIELDS = (
    "name",
    "team",
    "chapter_id",
    "date_from",
    "date_to",
    "sweep_width_m",
    "notes",
    "linked_report_ids",
    "province_34",
    "province_63",
    *ROUTE_FIELDS,
)
HANDOVER_FIELDS = ("remains_handed_over", "handed_over_to", "handed_over_on")
EDITABLE = (*PLANNED_FIELDS, *HANDOVER_FIELDS)
TEXT_LIMITS = {"name": 200, "team": 200, "notes": 5_000, "handed_over_to": 300, "route_start": 200}
LINKED_MAX = 500  # reports one trip is for
STATUS = REPORTS.field("status")  # a site's status is its testimonies' (layers.sites)
# The statuses a report may have to be planned on a trip: those the workflow plans, and planned.
PLANNABLE = (*dict.fromkeys(src for step in STEPS if step.target == "planned" for src in step.sources), "planned")
# What a linked report's step is when the trip ends with an outcome (where remains were not found).
STEP_OF_OUTCOME = {
    "nothing_found": "searched_not_found",
    "remains_found": "searched_not_found",
    "cancelled": "verified",
}


class TripProblem(LayersError):
    """A value a person gave that the trip cannot take; the message names the field."""


def _label(name: str) -> str:
    return f"«{TRIPS.field(name).label_vi}» ({name})"


def outcome_code(text: str) -> str:
    """An outcome from its code or its label in either language (diacritics and case ignored)."""
    wanted = fold(str(text))
    for term in OUTCOMES.vocabulary:
        if wanted in (fold(term.code), fold(term.label_vi), fold(term.label_en)):
            return term.code
    choices = ", ".join(f"«{t.label_vi}» ({t.code})" for t in OUTCOMES.vocabulary if t.code != "planned")
    raise TripProblem(f"Kết quả «{str(text)[:60]}» không có; chọn: {choices}.")


# -- values -------------------------------------------------------------------------------------


def _day(name: str, value: object) -> date | None:
    """A date from a date, an ISO text (2027-03-02) or a Vietnamese one (02/03/2027)."""
    if blank(value):
        return None
    if isinstance(value, datetime | pd.Timestamp):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        try:
            day = date.fromisoformat(text) if "-" in text else datetime.strptime(text, "%d/%m/%Y").date()
        except ValueError:
            raise TripProblem(f"{_label(name)}: «{text[:40]}» không phải ngày (YYYY-MM-DD hoặc DD/MM/YYYY).") from None
    latest = latest_day()
    if not EARLIEST <= day <= latest:
        raise TripProblem(f"{_label(name)}: ngày {day:%d/%m/%Y} nằm ngoài {EARLIEST.year} – {latest:%d/%m/%Y}.")
    return day


def _number(name: str, value: object, kind: type) -> int | float | None:
    if blank(value):
        return None
    try:
        number = kind(str(value).strip().replace(",", ".")) if isinstance(value, str) else kind(value)
    except (TypeError, ValueError):
        raise TripProblem(f"{_label(name)}: «{str(value)[:40]}» không phải số.") from None
    if kind is int and isinstance(value, float) and not value.is_integer():
        raise TripProblem(f"{_label(name)}: phải là số nguyên.")
    if number < 0:
        raise TripProblem(f"{_label(name)}: không được âm.")
    return number


def _text(name: str, value: object) -> str | None:
    if blank(value):
        return None
    text = str(value).strip()
    if len(text) > TEXT_LIMITS[name]:
        raise TripProblem(f"{_label(name)}: dài quá {TEXT_LIMITS[name]} ký tự.")
    return text


def given_ids(value: object) -> list[str]:
    """Ids from a list, or from a text with commas or spaces between them; each once, in the
    order given (the trip's reports, a route's sites, a plan's sites or reports)."""
    if blank(value):
        return []
    items = value if isinstance(value, list | tuple) else str(value).replace(",", " ").split()
    return list(dict.fromkeys(str(i).strip() for i in items if str(i).strip()))


def _ids(value: object, name: str = "linked_report_ids") -> list[str]:
    """given_ids, with the cap of the field: reports one trip is for, sites one route visits."""
    ids = given_ids(value)
    if name == "route_site_ids" and len(ids) > ROUTE_MAX:
        raise TripProblem(f"{_label(name)}: tối đa {ROUTE_MAX} điểm mộ một lộ trình.")
    if name == "linked_report_ids" and len(ids) > LINKED_MAX:
        raise TripProblem(f"{_label('linked_report_ids')}: tối đa {LINKED_MAX} tin báo một chuyến.")
    return ids


def _province(name: str, value: object) -> str | None:
    """A province's code from its code or a name of any era."""
    if blank(value):
        return None
    text, era = str(value).strip(), "34" if name == "province_34" else "63"
    if text in province_names(era):
        return text
    if era == "34":
        code = province_code(text)
    else:
        try:
            place = resolve_place(text)
        except UnknownPlace:
            place = None
        code = province_codes("63").get(place.provinces_63[0]) if place and place.provinces_63 else None
    if code is None:
        raise TripProblem(f"{_label(name)}: không tìm thấy tỉnh «{text[:60]}».")
    return code


def _checked(store: Store, values: dict[str, object], allowed: tuple[str, ...]) -> dict:
    """The values as the trips layer stores them; an unknown field or a wrong value is refused
    naming the field."""
    if "outcome" in values or "remains_found" in values:
        raise TripProblem("Kết quả và số hài cốt tìm thấy ghi bằng: python -m layers trip outcome ID --outcome ….")
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise TripProblem(f"Trường không ghi được ở đây: {', '.join(unknown)}; các trường: {', '.join(allowed)}.")
    out: dict = {}
    for name, value in values.items():
        if name in ("date_from", "date_to", "handed_over_on"):
            out[name] = _day(name, value)
        elif name == "route_start":
            out[name] = None if blank(value) else _route_start(str(value))
        elif name == "sweep_width_m":
            out[name] = _number(name, value, float)
            if out[name] is not None and sweep_problem(out[name]):
                raise TripProblem(f"{_label(name)}: {sweep_problem(out[name])}")
        elif name == "remains_handed_over":
            out[name] = _number(name, value, int)
        elif name in ("linked_report_ids", "route_site_ids"):
            out[name] = _ids(value, name)
        elif name in ("province_34", "province_63"):
            out[name] = _province(name, value)
        elif name == "chapter_id":
            out[name] = find_chapter(store, str(value).strip()) if not blank(value) else None
        else:
            out[name] = _text(name, value)
    return out


def _check_trip(trip: dict, names: set[str] | frozenset[str] = frozenset(EDITABLE)) -> None:
    """What a trip needs, for the fields `names` (a change checks what it touches; a trip from a
    GPS file may have no team or dates): a team, both dates in order, a handover no larger than
    what was found and, when remains were handed over, to whom and when."""
    if "team" in names and blank(trip.get("team")):
        raise TripProblem(f"Cần {_label('team')}.")
    start, end = trip.get("date_from"), trip.get("date_to")
    if names & {"date_from", "date_to"}:
        if start is None or end is None:
            raise TripProblem(f"Cần {_label('date_from')} và {_label('date_to')} (hoặc một tệp GPS có thời gian).")
        if start > end:
            raise TripProblem(f"{_label('date_from')} ({start:%d/%m/%Y}) sau {_label('date_to')} ({end:%d/%m/%Y}).")
    handed = trip.get("remains_handed_over") or 0
    if handed and names & set(HANDOVER_FIELDS):
        if handed > (trip.get("remains_found") or 0):
            raise TripProblem(f"{_label('remains_handed_over')} ({handed}) lớn hơn số hài cốt tìm thấy.")
        if blank(trip.get("handed_over_to")) or trip.get("handed_over_on") is None:
            raise TripProblem(f"Hài cốt đã bàn giao: cần {_label('handed_over_to')} và {_label('handed_over_on')}.")
        if (start and trip["handed_over_on"] < start) or trip["handed_over_on"] > vietnam_today():
            raise TripProblem(f"{_label('handed_over_on')}: phải từ ngày bắt đầu chuyến đến hôm nay.")


# -- the route ---------------------------------------------------------------------------------


def _route_start(text: str) -> str:
    """The route's start as stored, "lat, lon", read as a plan's start is (layers.planning.read_start:
    a coordinate in any form, or a commune's name); anything else refused naming the field."""
    from layers.planning import read_start  # planning builds on this module

    try:
        return read_start(text[: TEXT_LIMITS["route_start"]]).text
    except LayersError as exc:
        raise TripProblem(f"{_label('route_start')}: {exc}") from None


def _site_name(site: dict) -> str:
    return f"Điểm mộ «{str(site.get('name') or site['id'])[:80]}» ({site['id']})"


def _route_sites(
    store: Store, connection: sa.Connection, ids: list[str], viewer: Viewer, kept: list[str]
) -> list[dict]:
    """The route's sites as this person sees them (one they may not see is not there), each one
    new on it (not in `kept`) a search may be planned for (PLANNABLE: a site's status is its
    testimonies'; one already on the route may have been searched since)."""
    sites = []
    for site_id in ids:
        site = store.seen(connection, "sites", site_id, viewer)
        if site is None:
            raise TripProblem(f"{_label('route_site_ids')}: không có điểm mộ «{site_id[:60]}».")
        if site_id not in kept and (site.get("status") or "new") not in PLANNABLE:
            said = term_label(STATUS, site.get("status") or "new", "vi")
            allowed = ", ".join(f"«{term_label(STATUS, s, 'vi')}»" for s in PLANNABLE)
            raise TripProblem(
                f"{_site_name(site)} đang «{said}»: chưa lên kế hoạch tìm kiếm được (cần {allowed}); "
                "hãy xác minh trước hoặc bỏ điểm này khỏi lộ trình."
            )
        sites.append(site)
    return sites


def _route(store: Store, connection: sa.Connection, current: dict, update: dict, viewer: Viewer) -> list[dict]:
    """Check a change of the route (its sites or its start) and compute its length into `update`:
    only an open trip's route changes; returns the sites newly on it, which the change plans."""
    if not set(ROUTE_FIELDS) & set(update):
        return []
    if not is_open(current.get("outcome")):
        raise TripProblem("Chuyến đã có kết quả; không đổi lộ trình được nữa.")
    before = [str(i) for i in (current.get("route_site_ids") or [])]
    after = update.get("route_site_ids", before)
    sites = _route_sites(store, connection, after, viewer, before)
    start = update.get("route_start", current.get("route_start"))
    update["route_length_m"] = _length(start, sites) if start and sites else None
    return [site for site in sites if site["id"] not in before]


def _length(start: str, sites: list[dict]) -> float:
    """The route's straight-line length from its start through its sites in order, as a plan of
    them measures it (layers.planning.make_plan, order "given")."""
    from layers.planning import make_plan, read_start, stop_of  # planning builds on this module

    plan = make_plan([stop_of(site) for site in sites], read_start(start), "given")
    return round(plan.total_m, 1)


def _plan_sites(store: Store, connection: sa.Connection, trip: dict, sites: list[dict], viewer: Viewer) -> None:
    """Plan the sites newly on a trip's route through the workflow, as its linked reports are
    (_plan): the site's step links its testimonies to the trip, so the trip's outcome and the
    chapter's confirmations move them with it. A site planned already (for another trip) stays so."""
    note = f"Lộ trình chuyến tìm kiếm «{trip.get('name') or trip['id']}»"
    for site in sites:
        if site.get("status") == "planned":
            continue
        try:
            take_step(store, site["id"], "planned", viewer, StepInput(note=note, trip=trip["id"]), connection)
        except LayersError as exc:
            raise type(exc)(f"{_site_name(site)}: {exc}") from None


def check_route_change(store: Store, trip_id: str, viewer: Viewer) -> dict:
    """Whether this person may save a route on the trip, asked before any file of the plan is made
    (layers.cli_plan): the right to write trips and this trip (access.check_write), seen by them,
    still open. Returns the trip as stored."""
    viewer.require(Right.TRIPS, "ghi chuyến tìm kiếm")
    with store.engine.connect() as connection:
        trip = _trip(store, connection, trip_id, viewer)
    check_write(viewer, TRIPS, trip)
    if not is_open(trip.get("outcome")):
        raise TripProblem(f"Chuyến «{trip.get('name') or trip_id}» đã có kết quả; không đổi lộ trình được nữa.")
    return trip


# -- the linked reports -------------------------------------------------------------------------


def _name(report: dict) -> str:
    names = report.get("martyr_names")
    return f"Tin báo «{str(names)[:80]}» ({report['id']})" if not blank(names) else f"Tin báo {report['id']}"


@contextmanager
def _about(report: dict) -> Iterator[None]:
    """A refused step said with the report it was refused for (the transaction rolls back)."""
    try:
        yield
    except LayersError as exc:
        message = f"{_name(report)}: {exc}"
        try:
            error = type(exc)(message)
        except TypeError:
            error = LayersError(message)
        raise error from None


def _linked(
    store: Store, connection: sa.Connection, ids: list[str], viewer: Viewer, gone_ok: bool = False
) -> list[dict]:
    """The reports a trip is for, as this person sees them; one they may not see is not there.
    With `gone_ok` (an outcome), a report deleted since the trip was planned is passed over."""
    reports = []
    for report_id in ids:
        report = seen_record(store, connection, "reports", report_id, viewer)
        if report is None and gone_ok and _deleted(store, connection, report_id):
            continue
        if report is None:
            raise TripProblem(f"{_label('linked_report_ids')}: không có tin báo «{report_id[:60]}».")
        reports.append(report)
    return reports


def _deleted(store: Store, connection: sa.Connection, report_id: str) -> bool:
    table = store.table("reports")
    query = sa.select(table.c.deleted_at).where(table.c.id == report_id)
    row = connection.execute(query).first()
    return row is None or row.deleted_at is not None  # purged, or in the bin


def _most_common(reports: list[dict], name: str) -> str | None:
    values = [r[name] for r in reports if not blank(r.get(name))]
    return Counter(values).most_common(1)[0][0] if values else None


def _place(trip: dict, reports: list[dict]) -> dict:
    """The trip's provinces where not given: those of most of its reports, or of its track."""
    place = {name: trip.get(name) for name in ("province_34", "province_63")}
    if place["province_34"] is None:
        place = {name: _most_common(reports, name) for name in place}
    geometry = trip.get("geometry")
    if place["province_34"] is None and geometry is not None and not geometry.is_empty:
        middle = geometry.representative_point()  # a point on the line
        found = provinces_at([middle.x], [middle.y]).iloc[0]
        place = {name: None if pd.isna(found[name]) else str(found[name]) for name in place}
    return place


def waiting(connection: sa.Connection, store: Store, report_id: str, trip_id: str) -> bool:
    """Whether another trip, still planned, lists the report (whoever's trip it is)."""
    table = store.table("trips")
    query = sa.select(table.c.linked_report_ids).where(
        table.c.deleted_at.is_(None),
        table.c.id != trip_id,
        sa.or_(table.c.outcome.in_(OPEN_OUTCOMES), table.c.outcome.is_(None)),
    )
    return any(report_id in [str(i) for i in (linked or [])] for linked in connection.execute(query).scalars())


def _plan(store: Store, connection: sa.Connection, trip: dict, reports: list[dict], viewer: Viewer) -> None:
    """Plan the reports of a planned trip (those planned already stay so)."""
    note = f"Chuyến tìm kiếm «{trip.get('name') or trip['id']}»"
    for report in reports:
        if report["status"] != "planned":
            with _about(report):
                take_step(store, report["id"], "planned", viewer, StepInput(note=note, trip=trip["id"]), connection)


def _unplan(store: Store, connection: sa.Connection, trip: dict, reports: list[dict], viewer: Viewer) -> None:
    """Reports taken off a planned trip are verified again, unless another planned trip lists them."""
    note = f"Bỏ khỏi chuyến tìm kiếm «{trip.get('name') or trip['id']}»"
    for report in reports:
        if report["status"] == "planned" and not waiting(connection, store, report["id"], trip["id"]):
            with _about(report):
                take_step(store, report["id"], "verified", viewer, StepInput(note=note), connection)


# -- planning and changing a trip ---------------------------------------------------------------


def _with_track(record: dict, track: Track | None) -> None:
    """A track's line, waypoints and, where the trip has none, its dates."""
    if track is None:
        return
    record.update(geometry=track.geometry, waypoints=track.waypoint_text)
    if track.days:
        record["date_from"] = record.get("date_from") or track.days[0]
        record["date_to"] = record.get("date_to") or track.days[-1]


def add_trip(store: Store, values: dict[str, object], viewer: Viewer, track: Track | None = None) -> str:
    """A planned trip, for the person's chapter unless they name another they may write for, with
    its track if given (layers.importers.trips.read_track); its reports at "verified" or
    "searched, not found" are planned in the same transaction. Returns the trip's id."""
    viewer.require(Right.TRIPS, "ghi chuyến tìm kiếm")
    record = _checked(store, values, PLANNED_FIELDS)
    _with_track(record, track)
    _check_trip(record)
    record.setdefault("chapter_id", None)
    record["chapter_id"] = record["chapter_id"] or viewer.chapter_id
    if record.get("sweep_width_m") is None:
        record["sweep_width_m"] = DEFAULT_SWEEP_M
    record["name"] = record.get("name") or f"{record['team']} {record['date_from']:%d/%m/%Y}"
    record.update(id=str(uuid.uuid4()), outcome="planned", linked_report_ids=record.get("linked_report_ids") or [])
    with store.engine.begin() as connection:
        reports = _linked(store, connection, record["linked_report_ids"], viewer)
        route = _route(store, connection, {"outcome": "planned"}, record, viewer)
        record.update(_place(record, reports))
        store.insert("trips", [record], connection=connection, viewer=viewer)
        _plan(store, connection, record, reports, viewer)
        _plan_sites(store, connection, record, route, viewer)
    return record["id"]


def _trip(store: Store, connection: sa.Connection, trip_id: str, viewer: Viewer) -> dict:
    trip = seen_record(store, connection, "trips", trip_id, viewer)
    if trip is None:
        raise TripProblem(f"Không có chuyến tìm kiếm «{trip_id[:60]}».")
    return trip


def edit_trip(
    store: Store,
    trip_id: str,
    changes: dict[str, object],
    version: int,
    viewer: Viewer,
    track: Track | None = None,
) -> int:
    """Change fields of a trip (or give it its track) if nobody changed it since `version`; reports
    newly linked to a planned trip are planned, those taken off it verified again. Returns the
    new version."""
    with store.engine.begin() as connection:
        return change_trip(store, connection, trip_id, changes, version, viewer, track)


def change_trip(
    store: Store,
    connection: sa.Connection,
    trip_id: str,
    changes: dict[str, object],
    version: int,
    viewer: Viewer,
    track: Track | None = None,
) -> int:
    """edit_trip inside the caller's transaction (a trip's results brought back join its track in
    the import's own, layers.importers.field_results)."""
    viewer.require(Right.TRIPS, "ghi chuyến tìm kiếm")
    update = _checked(store, changes, EDITABLE)
    _with_track(update, track)
    if not update:
        raise TripProblem("Không có gì để sửa.")
    current = _trip(store, connection, trip_id, viewer)
    _check_trip({**current, **update}, set(update))
    before = [str(i) for i in (current.get("linked_report_ids") or [])]
    after = update.get("linked_report_ids", before)
    if after != before and not is_open(current.get("outcome")):
        raise TripProblem(f"Chuyến đã có kết quả; không đổi {_label('linked_report_ids')} được nữa.")
    added = _linked(store, connection, [i for i in after if i not in before], viewer)
    off = [seen_record(store, connection, "reports", i, viewer) for i in before if i not in after]
    removed = [report for report in off if report is not None]  # one deleted since stays deleted
    route = _route(store, connection, current, update, viewer)
    new_version = store.update("trips", trip_id, update, viewer.username, version, connection=connection, viewer=viewer)
    _plan(store, connection, current, added, viewer)
    _unplan(store, connection, current, removed, viewer)
    _plan_sites(store, connection, current, route, viewer)
    if route:  # planning a site links its testimonies to the trip: a new version
        new_version = int(store.seen(connection, "trips", trip_id, viewer)["version"])
    return new_version


# -- the outcome --------------------------------------------------------------------------------


def _remains_by_report(
    outcome: str, ids: list[str], remains: int | None, report_remains: dict[str, int] | None
) -> tuple[int, dict[str, int]]:
    """The remains found on the trip, and at each linked report: one report takes all of them;
    several need to be told apart."""
    report_remains = {str(k): int(v) for k, v in (report_remains or {}).items() if v}
    if outcome != "remains_found":
        if remains or report_remains:
            raise TripProblem("Số hài cốt chỉ ghi khi kết quả là «Tìm thấy hài cốt».")
        return 0, {}
    strangers = [i for i in report_remains if i not in ids]
    if strangers:
        raise TripProblem(f"Tin báo «{strangers[0][:60]}» không thuộc chuyến này.")
    if any(v < 0 for v in report_remains.values()) or (remains is not None and remains < 0):
        raise TripProblem("Số hài cốt không được âm.")
    if not report_remains and len(ids) == 1 and remains:
        report_remains = {ids[0]: remains}
    if not report_remains and len(ids) > 1:
        raise TripProblem(
            f"Chuyến có {len(ids)} tin báo: hãy cho biết số hài cốt tìm thấy ở từng tin báo "
            "(--report-remains ID=SỐ; tin báo không ghi là chưa tìm thấy)."
        )
    told = sum(report_remains.values())
    total = told if remains is None else remains
    if total < told:
        raise TripProblem(f"Số hài cốt của chuyến ({total}) nhỏ hơn tổng của các tin báo ({told}).")
    if total < 1:
        raise TripProblem("Kết quả «Tìm thấy hài cốt» cần số hài cốt tìm thấy (--remains).")
    return total, report_remains


def record_outcome(
    store: Store,
    trip_id: str,
    viewer: Viewer,
    outcome: str,
    *,
    remains: int | None = None,
    report_remains: dict[str, int] | None = None,
    handed_over: int | None = None,
    handed_over_to: str | None = None,
    handed_over_on: date | str | None = None,
    note: str | None = None,
    version: int | None = None,
    track: Track | None = None,
) -> int:
    """Record how a planned trip ended (a code or label of TRIP_OUTCOMES), with the remains found
    (per report when several are linked) and handed over, and move each linked report through the
    workflow, all in one transaction: a step refused for one report writes nothing, and the
    message names the report and why. Returns the trip's new version."""
    viewer.require(Right.TRIPS, "ghi chuyến tìm kiếm")
    code = outcome_code(outcome)
    if code == "planned":
        raise TripProblem("Kết quả phải là «Chưa tìm thấy», «Tìm thấy hài cốt» hoặc «Hủy».")
    note = _text("notes", note)
    with store.engine.begin() as connection:
        trip = _trip(store, connection, trip_id, viewer)
        if not is_open(trip.get("outcome")):
            said = term_label(OUTCOMES, trip["outcome"], "vi")
            raise TripProblem(f"Chuyến «{trip.get('name') or trip_id}» đã có kết quả «{said}».")
        started = trip.get("date_from")
        if code != "cancelled" and started is not None and started > vietnam_today():
            raise TripProblem(f"Chuyến bắt đầu ngày {started:%d/%m/%Y}, chưa đi: chưa ghi được kết quả (chỉ hủy được).")
        ids = [str(i) for i in (trip.get("linked_report_ids") or [])]
        total, found = _remains_by_report(code, ids, remains, report_remains)
        changes = {"outcome": code, "remains_found": total}
        handover = _checked(
            store,
            {"remains_handed_over": handed_over, "handed_over_to": handed_over_to, "handed_over_on": handed_over_on},
            HANDOVER_FIELDS,
        )
        if code != "remains_found" and handover["remains_handed_over"]:
            raise TripProblem("Chỉ bàn giao được hài cốt khi kết quả là «Tìm thấy hài cốt».")
        changes.update({k: v for k, v in handover.items() if v is not None})
        _with_track(changes, track)
        _check_trip({**trip, **changes}, set(changes))
        reports = _linked(store, connection, ids, viewer, gone_ok=True)
        new_version = store.update(
            "trips",
            trip_id,
            changes,
            viewer.username,
            int(trip["version"]) if version is None else version,
            connection=connection,
            viewer=viewer,
            reason=note,
        )
        _move_reports(store, connection, trip, code, found, reports, viewer, note)
    return new_version


def _move_reports(
    store: Store,
    connection: sa.Connection,
    trip: dict,
    outcome: str,
    found: dict[str, int],
    reports: list[dict],
    viewer: Viewer,
    note: str | None,
) -> None:
    """Each linked report's step for the trip's outcome, inside the trip's transaction."""
    said = term_label(OUTCOMES, outcome, "vi")
    reason = f"Chuyến tìm kiếm «{trip.get('name') or trip['id']}»: {said}" + (f". {note}" if note else "")
    for report in reports:
        remains = found.get(report["id"])
        target = "remains_found" if remains else STEP_OF_OUTCOME[outcome]
        if report["status"] != "planned" and not remains:
            continue  # the report moved on by another trip or step: this outcome says nothing new of it
        if target != "remains_found" and waiting(connection, store, report["id"], trip["id"]):
            continue
        given = StepInput(note=reason, trip=trip["id"], remains=remains)
        with _about(report):
            take_step(store, report["id"], target, viewer, given, connection)
