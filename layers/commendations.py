"""The commendations (biểu dương) of a period: chapters and search teams ranked by their work,
which the central association annotates and publishes.

A line's figures (COMMENDATION_FIGURES, labelled as the campaign reports label them):
- testimonies gathered (reports_received), sites verified (reports_verified), searches
  (trips: completed trips), remains found (remains_found), recognition cases completed
  (cases_recognised).

For a chapter they are exactly its campaign report's figures for the period
(layers.campaign.Scope.of(..., chapter_id, ...).figures). For a team (an account of role
"team") they are the work its account did, as the history's `actor` and the trips' `author` say:
- testimonies gathered: reports whose insert history row the account wrote, counted on the day
  they were received (`received_on`) in the period, duplicates left out;
- sites verified: reports whose first reach of "verified" or a later step (the campaign's
  milestone, layers.events.status_events) is a history row the account wrote, in the period;
  a report that arrived already verified (an import) counts for no team;
- searches: completed trips (nothing found or remains found) whose `author` is the account
  (who last recorded the trip), that started in the period;
- remains found: the sum recorded on those trips;
- recognition cases completed: cases whose first reach of "recognised as a martyr" is a history
  row the account wrote, in the period.

Ranked by RANK_ORDER (the most remains found first, then searches, sites verified, testimonies,
cases), ties by name; chapters and teams each ranked on their own. Every chapter with a figure
or a stored line is listed, and every team account.

Publicly (`published`) a chapter is shown by its name; a team by the name its people agreed to
show (users.public_name), else by the anonymous wording ANONYMOUS_TEAM ("Một đội tìm kiếm của
{chapter}", in English "A search team of {chapter}": pass lang="en") with named=False. No other
person's name, and never a username or display name, leaves through it. The published lines of
a period are ranked among themselves (1, 2, … in the order above).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import pandas as pd
import sqlalchemy as sa

from geo.text import fold
from layers import access, history
from layers.access import AccessDenied, Right, Viewer
from layers.campaign import FIGURE_LABELS, VERIFIED_OR_LATER, Period, Scope
from layers.errors import LayersError
from layers.events import paperwork_events, status_events
from layers.history import HISTORY
from layers.labels import clean_text
from layers.publication import PublicCommendation
from layers.store import Store
from layers.tables import METADATA

COMMENDATIONS = METADATA.tables["commendations"]
USERS = METADATA.tables["users"]
LAYER = "commendations"  # the history's layer name for a commendation's changes
KINDS = ("chapter", "team")
KIND_LABELS = {"chapter": ("Hội", "Chapter"), "team": ("Đội tìm kiếm", "Search team")}
COMMENDATION_FIGURES: tuple[str, ...] = (
    "reports_received",  # testimonies gathered
    "reports_verified",  # sites (testimonies) verified
    "trips",  # searches: completed trips
    "remains_found",
    "cases_recognised",  # recognition cases completed
)
COMMENDATION_LABELS: dict[str, tuple[str, str]] = {key: FIGURE_LABELS[key] for key in COMMENDATION_FIGURES}
RANK_ORDER = ("remains_found", "trips", "reports_verified", "reports_received", "cases_recognised")
ANONYMOUS_TEAM = {"vi": "Một đội tìm kiếm của {chapter}", "en": "A search team of {chapter}"}
MAX_NOTE = 1000
GIVING = ("insert", "status", "update")  # history actions whose changes may give a status


@dataclass(frozen=True)
class CommendationLine:
    """One line of a period's ranked list, as the central association sees it: the subject
    (its internal name, and how it would read publicly), its figures, the stored note and mark."""

    rank: int
    kind: str  # "chapter" or "team"
    id: str  # a chapter's id, a team account's username
    name: str  # the chapter's name, the team account's display name (internal)
    public_name: str  # how the line reads publicly, in Vietnamese (public_name_of for English)
    named: bool  # False: a team shown by the anonymous wording
    chapter_id: str | None
    chapter_name: str
    province_34: str | None
    figures: dict[str, float]
    note: str = ""
    published: bool = False
    version: int = 0  # the stored line's version (0: none stored yet)


def figure_label(key: str, lang: str) -> str:
    vi, en = COMMENDATION_LABELS[key]
    return en if lang == "en" else vi


def anonymous_team(chapter_name: str, lang: str = "vi") -> str:
    """The wording for a team whose people did not agree to be named."""
    return ANONYMOUS_TEAM["en" if lang == "en" else "vi"].format(chapter=chapter_name)


def public_name_of(line: CommendationLine, lang: str = "vi") -> str:
    """How a line reads publicly in a language: the agreed name, else the anonymous wording."""
    return line.public_name if line.named else anonymous_team(line.chapter_name, lang)


# -- the figures --------------------------------------------------------------------------------


def _times(values: pd.Series) -> pd.Series:
    """Stored times (SQLite's text without a zone is UTC) as UTC timestamps."""
    return pd.to_datetime(values.astype(str), utc=True, format="ISO8601")


def _first_actors(connection: sa.Connection, layer: str, statuses: tuple[str, ...]) -> pd.DataFrame:
    """Per record of a layer, the history row that first gave it one of the statuses: record_id,
    actor, at (UTC)."""
    new = HISTORY.c.changes[("status", 1)].as_string()
    query = sa.select(HISTORY.c.record_id, HISTORY.c.actor, sa.type_coerce(HISTORY.c.at, sa.Text), HISTORY.c.id).where(
        HISTORY.c.layer == layer, HISTORY.c.action.in_(GIVING), new.in_(statuses)
    )
    rows = pd.DataFrame(connection.execute(query).all(), columns=["record_id", "actor", "at", "row"], dtype=object)
    if rows.empty:
        return rows.drop(columns="row")
    rows["at"] = _times(rows["at"])
    rows = rows.sort_values(["at", "row"]).drop_duplicates("record_id")
    return rows.drop(columns="row").reset_index(drop=True)


@dataclass(frozen=True)
class _Sources:
    """What the lines are counted from, read once for what a person sees."""

    reports: pd.DataFrame
    trips: pd.DataFrame
    events: pd.DataFrame
    paperwork: pd.DataFrame
    inserted_by: pd.Series  # report id → the actor of its insert row
    verified_by: pd.Series  # report id → the actor of its first verified-or-later row (when it counts)
    recognised_by: pd.Series  # case id → the actor of its first "recognised" row
    chapters: pd.DataFrame
    teams: pd.DataFrame  # username, display_name, chapter_id, public_name


def _teams(connection: sa.Connection, viewer: Viewer) -> pd.DataFrame:
    query = sa.select(USERS.c.username, USERS.c.display_name, USERS.c.chapter_id, USERS.c.public_name).where(
        USERS.c.role == "team"
    )
    if viewer.demo_only:
        query = query.where(USERS.c.is_demo)
    return pd.DataFrame(
        connection.execute(query).all(), columns=["username", "display_name", "chapter_id", "public_name"], dtype=object
    )


def _sources(store: Store, viewer: Viewer) -> _Sources:
    reports, trips = store.frame("reports", viewer), store.frame("trips", viewer)
    events, paperwork = status_events(store, viewer), paperwork_events(store, viewer)
    with store.engine.connect() as connection:
        inserts = connection.execute(
            sa.select(HISTORY.c.record_id, HISTORY.c.actor).where(
                HISTORY.c.layer == "reports", HISTORY.c.action == "insert"
            )
        ).all()
        verified = _first_actors(connection, "reports", VERIFIED_OR_LATER)
        recognised = _first_actors(connection, "recognition_cases", ("recognised",))
        teams = _teams(connection, viewer)
    reached = events[events["milestone"] == "reports_verified"]
    if len(verified) and len(reached):
        # The team's row counts only when it is the milestone's event (not an earlier arrival).
        joined = reached.merge(verified, on="record_id", suffixes=("", "_row"))
        joined = joined[joined["at"] == joined["at_row"]]
        verified_by = pd.Series(joined["actor"].to_numpy(), index=joined["record_id"].to_numpy(dtype=object))
    else:
        verified_by = pd.Series(dtype=object)
    return _Sources(
        reports=reports,
        trips=trips,
        events=events,
        paperwork=paperwork,
        inserted_by=pd.Series({record_id: actor for record_id, actor in inserts}, dtype=object),
        verified_by=verified_by,
        recognised_by=pd.Series(recognised["actor"].to_numpy(), index=recognised["record_id"].to_numpy(dtype=object))
        if len(recognised)
        else pd.Series(dtype=object),
        chapters=store.frame("chapters", viewer),
        teams=teams,
    )


def _picked(figures: dict[str, float]) -> dict[str, float]:
    return {key: figures[key] for key in COMMENDATION_FIGURES}


def _team_scope(sources: _Sources, username: str) -> Scope:
    """The work of one team account, as a scope the campaign's figures count."""
    ids = lambda by: set(by.index[by == username])  # noqa: E731 (one-line lookup)
    reports = sources.reports[sources.reports["id"].astype(object).isin(ids(sources.inserted_by))]
    trips = sources.trips[sources.trips["author"] == username]
    events = sources.events[
        (sources.events["milestone"] == "reports_verified")
        & sources.events["record_id"].astype(object).isin(ids(sources.verified_by))
    ]
    paperwork = sources.paperwork[
        (sources.paperwork["figure"] == "cases_recognised")
        & sources.paperwork["key"].astype(object).isin(ids(sources.recognised_by))
    ]
    return Scope(reports, trips, events, paperwork)


def _chapter_lines(sources: _Sources, period: Period) -> list[CommendationLine]:
    present = (
        set(sources.reports["chapter_id"].dropna())
        | set(sources.trips["chapter_id"].dropna())
        | set(sources.paperwork["chapter_id"].dropna())
    )
    lines = []
    for chapter in sources.chapters.to_dict("records"):
        if chapter["id"] not in present:
            continue
        scope = Scope.of(sources.reports, sources.trips, chapter["id"], sources.events, sources.paperwork)
        lines.append(
            CommendationLine(
                rank=0,
                kind="chapter",
                id=chapter["id"],
                name=chapter["name"],
                public_name=chapter["name"],
                named=True,
                chapter_id=chapter["id"],
                chapter_name=chapter["name"],
                province_34=chapter["province_34"] if isinstance(chapter["province_34"], str) else None,
                figures=_picked(scope.figures(period).as_dict()),
            )
        )
    return lines


def _team_lines(sources: _Sources, period: Period) -> list[CommendationLine]:
    chapters = sources.chapters.set_index("id")
    lines = []
    for team in sources.teams.to_dict("records"):
        chapter_name = chapters["name"].get(team["chapter_id"], "") if team["chapter_id"] else ""
        province = chapters["province_34"].get(team["chapter_id"]) if team["chapter_id"] else None
        agreed = (team["public_name"] or "").strip()
        lines.append(
            CommendationLine(
                rank=0,
                kind="team",
                id=team["username"],
                name=team["display_name"] or team["username"],
                public_name=agreed or anonymous_team(chapter_name),
                named=bool(agreed),
                chapter_id=team["chapter_id"],
                chapter_name=chapter_name,
                province_34=province if isinstance(province, str) else None,
                figures=_picked(_team_scope(sources, team["username"]).figures(period).as_dict()),
            )
        )
    return lines


def _ranked(lines: list[CommendationLine]) -> list[CommendationLine]:
    """Lines ranked by RANK_ORDER, ties by name; ranks 1, 2, … per kind."""
    ordered = sorted(
        lines, key=lambda line: (KINDS.index(line.kind), *(-line.figures[k] for k in RANK_ORDER), fold(line.name))
    )
    out, counters = [], dict.fromkeys(KINDS, 0)
    for line in ordered:
        counters[line.kind] += 1
        out.append(replace(line, rank=counters[line.kind]))
    return out


def _stored(store: Store, start: date, end: date) -> dict[tuple[str, str], sa.Row]:
    """The stored rows of a period, by (kind, subject)."""
    query = sa.select(COMMENDATIONS).where(COMMENDATIONS.c.period_start == start, COMMENDATIONS.c.period_end == end)
    with store.engine.connect() as connection:
        return {(row.subject_kind, row.subject_id): row for row in connection.execute(query)}


def _lines(store: Store, viewer: Viewer, period: Period) -> list[CommendationLine]:
    """The ranked lines of a period, counted from what the person sees, with the stored notes."""
    sources = _sources(store, viewer)
    stored = _stored(store, period.start, period.end)
    lines = []
    for line in _chapter_lines(sources, period) + _team_lines(sources, period):
        row = stored.get((line.kind, line.id))
        if row is None and line.kind == "chapter" and not any(line.figures.values()):
            continue
        if row is not None:
            line = replace(line, note=row.note or "", published=bool(row.published), version=int(row.version))
        lines.append(line)
    return _ranked(lines)


def ranked(store: Store, viewer: Viewer, period: Period) -> list[CommendationLine]:
    """The period's ranked lines (chapters, then teams) with their notes: the central association's."""
    viewer.require(Right.COMMEND, "xem và biểu dương các Hội, đội")
    return _lines(store, viewer, period)


# -- the public read ----------------------------------------------------------------------------


def _periods_published(
    store: Store, start: date | None, end: date | None, ended_within: bool = False
) -> list[tuple[date, date]]:
    """The published periods overlapping [start, end], or, ended_within, ending inside it."""
    query = sa.select(COMMENDATIONS.c.period_start, COMMENDATIONS.c.period_end).where(COMMENDATIONS.c.published)
    if start is not None:
        query = query.where(COMMENDATIONS.c.period_end >= start)
    if end is not None:
        query = query.where((COMMENDATIONS.c.period_end if ended_within else COMMENDATIONS.c.period_start) <= end)
    with store.engine.connect() as connection:
        return sorted(set(connection.execute(query.distinct()).all()))


def published(
    store: Store,
    period_start: date | None = None,
    period_end: date | None = None,
    *,
    lang: str = "vi",
    ended_within: bool = False,
) -> list[PublicCommendation]:
    """The published lines of the periods overlapping the range (none: every period; ended_within:
    only the periods ending inside it, as a bulletin announces a period once, when it closes),
    counted through the public viewer, each period's ranked among themselves; a team's `name` is
    its agreed public name, else the anonymous wording in `lang` ("vi", or "en")."""
    out = []
    viewer = access.public()
    for start, end in _periods_published(store, period_start, period_end, ended_within):
        label = f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"
        lines = [line for line in _lines(store, viewer, Period("custom", label, label, start, end)) if line.published]
        for line in _ranked(lines):
            out.append(
                PublicCommendation(
                    period_start=start,
                    period_end=end,
                    subject_kind=line.kind,
                    name=public_name_of(line, lang),
                    named=line.named,
                    rank=line.rank,
                    figures=dict(line.figures),
                    note=line.note,
                    province_34=line.province_34,
                )
            )
    return out


# -- notes and the publishing mark --------------------------------------------------------------


def _check_subject(store: Store, viewer: Viewer, kind: str, subject_id: str) -> None:
    if kind not in KINDS:
        raise LayersError(f"Loại «{kind[:50]}» không có; chọn: {', '.join(KINDS)}.")
    if kind == "chapter":
        found = store.record("chapters", subject_id, viewer) is not None
    else:
        query = sa.select(USERS.c.is_demo).where(USERS.c.username == subject_id, USERS.c.role == "team")
        with store.engine.connect() as connection:
            demo = connection.execute(query).scalar()
        found = demo is not None and (demo or not viewer.demo_only)
    if not found:
        what = "Hội" if kind == "chapter" else "đội tìm kiếm (tài khoản vai trò team)"
        raise LayersError(f"Không có {what} «{subject_id[:100]}».")


def _save(
    store: Store,
    viewer: Viewer,
    period: Period,
    kind: str,
    subject_id: str,
    values: dict,
    expected_version: int | None,
) -> int:
    """Upsert the period's line of a subject with `values`, and its history row, in one
    transaction; returns the new version. `expected_version` (0: none stored yet) refuses a
    change made over someone else's."""
    viewer.require(Right.COMMEND, "biểu dương các Hội, đội")
    _check_subject(store, viewer, kind, subject_id)
    now = datetime.now(UTC)
    key = (
        COMMENDATIONS.c.period_start == period.start,
        COMMENDATIONS.c.period_end == period.end,
        COMMENDATIONS.c.subject_kind == kind,
        COMMENDATIONS.c.subject_id == subject_id,
    )
    with store.engine.begin() as connection:
        row = connection.execute(sa.select(COMMENDATIONS).where(*key).with_for_update()).first()
        version = 0 if row is None else int(row.version)
        if expected_version is not None and expected_version != version:
            raise LayersError(
                f"Dòng biểu dương «{subject_id[:100]}» đã được người khác sửa (phiên bản {version}, "
                f"không phải {expected_version}); hãy tải lại rồi sửa."
            )
        if row is not None and viewer.demo_only and not row.is_demo:
            raise AccessDenied("Tài khoản mẫu chỉ sửa dòng biểu dương mẫu.")
        if row is None:
            record = {
                "id": str(uuid.uuid4()),
                "period_start": period.start,
                "period_end": period.end,
                "subject_kind": kind,
                "subject_id": subject_id,
                "note": None,
                "published": False,
                **values,
                "author": viewer.username,
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "is_demo": viewer.demo_only,
            }
            connection.execute(COMMENDATIONS.insert().values(**record))
            shown = {k: record[k] for k in ("period_start", "period_end", "subject_kind", "subject_id", *values)}
            history.write(
                connection,
                LAYER,
                record["id"],
                1,
                "insert",
                viewer.username,
                history.added(shown),
                is_demo=viewer.demo_only,
            )
            return 1
        changes = history.changed(row._asdict(), values)
        if not changes:
            return version
        connection.execute(
            COMMENDATIONS.update()
            .where(COMMENDATIONS.c.id == row.id)
            .values(**values, author=viewer.username, updated_at=now, version=version + 1)
        )
        history.write(connection, LAYER, row.id, version + 1, "update", viewer.username, changes, is_demo=row.is_demo)
        return version + 1


def clean_note(text: str | None) -> str | None:
    """A note as stored: control characters out, trimmed, at most MAX_NOTE characters (empty: none)."""
    text = clean_text(text or "").strip()
    if len(text) > MAX_NOTE:
        raise LayersError(f"Ghi nhận dài {len(text)} ký tự; tối đa {MAX_NOTE}.")
    return text or None


def note(
    store: Store,
    viewer: Viewer,
    period: Period,
    subject_kind: str,
    subject_id: str,
    text: str | None,
    *,
    expected_version: int | None = None,
) -> int:
    """Write the central association's note on a line of the period (empty: none); the new version."""
    return _save(store, viewer, period, subject_kind, subject_id, {"note": clean_note(text)}, expected_version)


def set_published(
    store: Store,
    viewer: Viewer,
    period: Period,
    subject_kind: str,
    subject_id: str,
    published: bool,
    *,
    expected_version: int | None = None,
) -> int:
    """Publish a line of the period on the public pages, or take it back; the new version."""
    return _save(store, viewer, period, subject_kind, subject_id, {"published": bool(published)}, expected_version)
