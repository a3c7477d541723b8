"""Sites (điểm mộ): the place one or more testimonies are believed to describe.

A testimony (report) is kept as told and never merged; every report belongs to exactly one site
(`site_id`), a new report to a site of its own. Linking moves reports between sites and
unlinking gives a report a site of its own again, each a history row on the report, and the
sites' summaries (`summary`) are written again with theirs, in the same transaction. A site left
with no testimony is deleted (softly, with its history).

The workflow moves on the site (layers.workflow): its status, and what a step records (remains,
identification, duplicate link), are written on the site, and its testimonies follow
(FOLLOWING), so every page that reads a report's status reads its site's.

>>> summary([{"id": "a", "martyr_names": "Nguyễn Văn An", "unit": "C552", "witness_name": "Bà Tư"},
...          {"id": "b", "martyr_names": "Nguyen Van An; Lê Bình", "unit": "C552"}])["martyr_names"]
'Nguyễn Văn An; Lê Bình'
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa
from pyproj import Geod
from shapely.geometry import Point

from geo.text import fold
from layers import history
from layers.access import AccessDenied, Right, Viewer, check_write
from layers.errors import LayersError
from layers.schema import REPORTS, STATUSES, get_layer
from layers.tables import METADATA

SITES = get_layer("sites")
MARGIN_M = 500.0  # as layers.corroboration: witnesses pace distances, they do not measure them
# What a site takes from its testimonies (written again whenever they change) …
SUMMARISED = (
    "name",
    "martyr_names",
    "unit",
    "year_from",
    "year_to",
    "province_34",
    "province_63",
    "district_63",
    "commune_63",
    "commune_34",
    "country",
    "position_source",
    "uncertainty_m",
    "area_lat",
    "area_lon",
    "area_radius_m",
    "spread_m",
    "positions_conflict",
    "testimony_count",
    "witness_count",
    "received_on",
    "chapter_id",
    "assigned_team",
    "referral",
    "geometry",
)
# … and what its testimonies take from it: the workflow's fields.
# (A report's remains_count is what its witness told; the site's is what a step recorded.)
FOLLOWING = ("status", "identification_ref", "duplicate_of")
# A new site carries on where its first testimony's case work stood.
CARRIED = ("status", "identification_ref", "duplicate_of", "confidence")
_ORDER = {term.code: i for i, term in enumerate(STATUSES)}
_GEOD = Geod(ellps="WGS84")
NAME_LIMIT = 200


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def same_name(a: str, b: str) -> bool:
    """Whether two spellings name one person: the same words once folded, or an initial standing
    for a word ("Nguyễn V. Thành"). Names a letter apart ("Thân", "Thành") are two people.

    >>> same_name("Nguyễn Văn Thành", "Nguyen V. Thanh"), same_name("Nguyễn Văn Thành", "Nguyễn Văn Thanh")
    (True, True)
    >>> same_name("Nguyễn Văn Thành", "Nguyễn Văn Thân")
    False
    """
    left, right = fold(a).replace(".", " ").split(), fold(b).replace(".", " ").split()
    return len(left) == len(right) and all(
        x == y or (min(len(x), len(y)) == 1 and x[0] == y[0]) for x, y in zip(left, right, strict=True)
    )


def _names(testimonies: list[dict]) -> list[str]:
    """The martyrs the testimonies name, each once (spellings of one name counted as one), as
    first told."""
    seen: list[str] = []
    for record in testimonies:
        for part in re.split(r"[;,\n]+", _text(record.get("martyr_names"))):
            name = part.strip()
            if name and not any(same_name(name, known) for known in seen):
                seen.append(name)
    return seen


def witness_key(record: dict) -> str:
    """Who told a testimony, to count independent witnesses: their phone's digits, else their
    folded name, else the testimony itself (an anonymous account counts as one witness).

    >>> witness_key({"witness_phone": "0912 345 678"}) == witness_key({"witness_phone": "0912.345.678"})
    True
    """
    digits = re.sub(r"\D", "", _text(record.get("witness_phone")))
    if len(digits) >= 6:
        return f"phone:{digits[-9:]}"
    name = fold(_text(record.get("witness_name")))
    return f"name:{name}" if name else f"report:{record.get('id')}"


def _point(record: dict) -> Point | None:
    geometry = record.get("geometry")
    if geometry is None or getattr(geometry, "is_empty", True) or geometry.geom_type != "Point":
        return None
    return geometry


def _distance(a: Point, b: Point) -> float:
    return float(_GEOD.inv(a.x, a.y, b.x, b.y)[2])


def _spread(located: list[dict]) -> tuple[float | None, bool]:
    """How far apart the located testimonies place the site, and whether more than their
    uncertainties and the margin allow."""
    if len(located) < 2:
        return None, False
    widest, conflict = 0.0, False
    for a, b in itertools.combinations(located, 2):
        d = _distance(_point(a), _point(b))
        widest = max(widest, d)
        allowed = (_number(a.get("uncertainty_m")) or 0.0) + (_number(b.get("uncertainty_m")) or 0.0) + MARGIN_M
        conflict = conflict or d > allowed
    return round(widest, 1), conflict


def _covering(areas: list[dict]) -> dict:
    """One area covering the approximate areas of testimonies with no point."""
    lat = sum(_number(r["area_lat"]) for r in areas) / len(areas)
    lon = sum(_number(r["area_lon"]) for r in areas) / len(areas)
    centre = Point(lon, lat)
    radius = max(
        _distance(centre, Point(_number(r["area_lon"]), _number(r["area_lat"]))) + (_number(r["area_radius_m"]) or 0)
        for r in areas
    )
    return {"area_lat": round(lat, 6), "area_lon": round(lon, 6), "area_radius_m": round(radius, 1)}


_PLACE = ("province_34", "province_63", "district_63", "commune_63", "commune_34", "country")


def _position(testimonies: list[dict]) -> dict:
    """The site's best position: the located testimony with the smallest uncertainty, else an
    area covering the approximate areas, else none; with the place fields of where it is."""
    located = [r for r in testimonies if _point(r) is not None]
    areas = [
        r for r in testimonies if _number(r.get("area_lat")) is not None and _number(r.get("area_lon")) is not None
    ]
    out: dict = dict.fromkeys(("geometry", "uncertainty_m", "area_lat", "area_lon", "area_radius_m"))
    if located:
        best = min(
            located, key=lambda r: (_number(r.get("uncertainty_m")) is None, _number(r.get("uncertainty_m")) or 0)
        )
        out.update(geometry=_point(best), uncertainty_m=_number(best.get("uncertainty_m")), position_source="measured")
        source = best
    elif areas:
        out.update(_covering(areas), position_source="place_name")
        source = min(areas, key=lambda r: _number(r.get("area_radius_m")) or 0)
    else:
        out["position_source"] = "unknown"
        source = next((r for r in testimonies if r.get("province_34")), testimonies[0])
    out.update({name: source.get(name) for name in _PLACE})
    out["spread_m"], out["positions_conflict"] = _spread(located)
    return out


def _first(testimonies: list[dict]) -> dict:
    """The testimony told first (received first, then stored first)."""

    def when(record: dict) -> tuple:
        return (_text(record.get("received_on")) or "9999", _text(record.get("created_at")), _text(record.get("id")))

    return min(testimonies, key=when)


def _most_common(testimonies: list[dict], name: str) -> str | None:
    values = Counter(_text(r.get(name)) for r in testimonies if _text(r.get(name)))
    return values.most_common(1)[0][0] if values else None


def summary(testimonies: list[dict]) -> dict:
    """A site's fields from its testimonies (SUMMARISED): names, unit, years, place and position,
    how many testimonies and independent witnesses, and the chapter that received the first."""
    first = _first(testimonies)
    names = _names(testimonies)
    years_from = [int(v) for v in (_number(r.get("year_from")) for r in testimonies) if v is not None]
    years_to = [int(v) for v in (_number(r.get("year_to")) for r in testimonies) if v is not None]
    received = [r.get("received_on") for r in testimonies if r.get("received_on")]
    out = {
        "martyr_names": "; ".join(names) or None,
        "unit": _most_common(testimonies, "unit"),
        "year_from": min(years_from) if years_from else None,
        "year_to": max(years_to) if years_to else None,
        **_position(testimonies),
        "testimony_count": len(testimonies),
        "witness_count": len({witness_key(r) for r in testimonies}),
        "received_on": min(received) if received else None,
        "chapter_id": first.get("chapter_id"),
        "assigned_team": _most_common(testimonies, "assigned_team"),
        "referral": first.get("referral"),
    }
    # Never the witness's own words (a description often names them and their phone): a place name.
    place = _text(first.get("historical_place")) or _text(first.get("area_place"))
    out["name"] = (out["martyr_names"] or place or "Chưa rõ tên")[:NAME_LIMIT]
    return out


def site_of_report(record: dict) -> dict:
    """A new site for one testimony: its summary, the case work it had reached, its bookkeeping."""
    site = {**summary([record]), **{name: record.get(name) for name in CARRIED}}
    site["status"] = site.get("status") or "new"
    site["remains_count"] = record.get("remains_count") if site["status"] in ("remains_found", "identified") else None
    for name in ("import_id", "is_demo", "created_at", "deleted_at", "deleted_by"):  # a deleted report's site is too
        if record.get(name) is not None:
            site[name] = record[name]
    return site


# -- reading and writing ------------------------------------------------------------------------

_REPORTS = METADATA.tables["reports"]
_SITES_TABLE = METADATA.tables["sites"]
_DECISIONS = METADATA.tables["pair_decisions"]


def _records(store, connection: sa.Connection, condition) -> list[dict]:
    from layers.store import record_of_row  # the store imports this module

    return [record_of_row(row) for row in connection.execute(sa.select(_REPORTS).where(condition))]


def testimonies(store, connection: sa.Connection, site_id: str) -> list[dict]:
    """The live testimonies of a site, whole (for summaries and checks only)."""
    return _records(store, connection, sa.and_(_REPORTS.c.site_id == site_id, _REPORTS.c.deleted_at.is_(None)))


def refresh(store, connection: sa.Connection, site_id: str | None, author: str, reason: str | None = None) -> None:
    """Write a site's summary again from its live testimonies (a history row if anything
    changed); delete it when none is left, bring it back when one returns."""
    if not site_id:
        return
    site = store._current(connection, "sites", site_id)
    if site is None:
        return
    told = testimonies(store, connection, site_id)
    if not told:
        if site.get("deleted_at") is None:
            store.update(
                "sites",
                site_id,
                {"deleted_at": datetime.now(UTC), "deleted_by": author},
                author,
                int(site["version"]),
                connection=connection,
                reason=reason or "Điểm mộ không còn lời kể nào.",
                action="delete",
            )
        return
    version = int(site["version"])
    if site.get("deleted_at") is not None:  # a testimony came back (restored): so does its site
        version += 1
        connection.execute(
            _SITES_TABLE.update()
            .where(_SITES_TABLE.c.id == site_id)
            .values(deleted_at=None, deleted_by=None, version=version, updated_at=datetime.now(UTC), author=author)
        )
        changes = {"deleted_at": [history.jsonable(site["deleted_at"]), None]}
        history.write(
            connection,
            "sites",
            site_id,
            version,
            "restore",
            author,
            changes,
            reason=reason,
            is_demo=bool(site.get("is_demo")),
        )
    new = summary(told)
    if history.changed(site, new):
        store.update("sites", site_id, new, author, version, connection=connection, reason=reason)


def refresh_many(
    store, connection: sa.Connection, site_ids: Iterable[str | None], author: str, reason: str | None = None
) -> None:
    """After testimonies were deleted together (an import withdrawn): the sites with none left
    are deleted at once, a history row each; the others are summarised again."""
    ids = sorted({s for s in site_ids if s})
    now = datetime.now(UTC)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        live = _REPORTS.c.deleted_at.is_(None)
        told = set(
            connection.execute(sa.select(_REPORTS.c.site_id).where(_REPORTS.c.site_id.in_(chunk), live)).scalars()
        )
        empty = [i for i in chunk if i not in told]
        going = sa.and_(_SITES_TABLE.c.id.in_(empty), _SITES_TABLE.c.deleted_at.is_(None))
        rows = connection.execute(
            sa.select(_SITES_TABLE.c.id, _SITES_TABLE.c.version, _SITES_TABLE.c.is_demo).where(going)
        ).all()
        connection.execute(
            _SITES_TABLE.update()
            .where(going)
            .values(
                deleted_at=now, deleted_by=author, updated_at=now, author=author, version=_SITES_TABLE.c.version + 1
            )
        )
        changes = {"deleted_at": [None, history.jsonable(now)], "deleted_by": [None, author]}
        said = reason or "Điểm mộ không còn lời kể nào."
        history.write_many(
            connection,
            [("sites", r.id, r.version + 1, "delete", author, changes, said, None, bool(r.is_demo)) for r in rows],
        )
        for site_id in sorted(told):
            refresh(store, connection, site_id, author)


def _report(store, connection: sa.Connection, report_id: str, viewer: Viewer) -> dict:
    """A report this person may change (and so move between sites)."""
    from layers.workflow import seen_record

    record = seen_record(store, connection, "reports", report_id, viewer)
    if record is None:
        raise LayersError(f"Không có tin báo «{str(report_id)[:60]}».")
    check_write(viewer, REPORTS, record)
    return record


def _site(store, connection: sa.Connection, site_id: str, viewer: Viewer) -> dict:
    from layers.workflow import seen_record

    record = seen_record(store, connection, "sites", site_id, viewer)
    if record is None:
        raise LayersError(f"Không có điểm mộ «{str(site_id)[:60]}».")
    return record


def _new_site(store, connection: sa.Connection, record: dict, author: str) -> str:
    site = {**site_of_report(record), "id": str(uuid.uuid4())}
    store.insert("sites", [site], author=author, connection=connection)
    return site["id"]


def _furthest(sites: list[dict]) -> dict:
    """Of sites being joined, the workflow fields of the one furthest on (a duplicate is not)."""
    going = [s for s in sites if s.get("status") and s.get("status") != "duplicate"]
    if not going:
        return {"status": "new", "identification_ref": None, "duplicate_of": None}
    furthest = max(going, key=lambda s: _ORDER.get(s["status"], 0))
    return {**{name: furthest.get(name) for name in FOLLOWING}, "duplicate_of": None}


def _move(store, connection: sa.Connection, report: dict, site: dict, author: str, action: str, reason: str) -> None:
    """A report moved to a site, taking the site's workflow fields; one history row."""
    changes = {"site_id": site["id"], **{name: site.get(name) for name in FOLLOWING}}
    store.update(
        "reports",
        report["id"],
        changes,
        author,
        int(report["version"]),
        connection=connection,
        reason=reason,
        action=action,
    )


def link(store, report_ids: list[str], viewer: Viewer, site_id: str | None = None) -> str:
    """Put reports in one site: the given one, or a new site when none is given; returns its id.
    Each report moves with a history row; the sites they leave and the one they join are
    summarised again, in one transaction."""
    viewer.require(Right.EDIT, "nối các lời kể vào một điểm mộ")
    ids = list(dict.fromkeys(str(i) for i in report_ids))
    if not ids or (site_id is None and len(ids) < 2):
        raise LayersError("Cần ít nhất hai tin báo (hoặc một tin báo và --site) để nối thành một điểm mộ.")
    with store.engine.begin() as connection:
        reports = [_report(store, connection, i, viewer) for i in ids]
        olds = [store._current(connection, "sites", r["site_id"]) for r in reports if r.get("site_id")]
        olds = [s for s in olds if s is not None]
        if site_id is not None:
            target = _site(store, connection, site_id, viewer)
            check_write(viewer, SITES, target)
            olds.append(target)
        if len({bool(r.get("is_demo")) for r in [*reports, *olds]}) > 1:
            raise LayersError("Không nối lời kể mẫu với lời kể thật.")
        furthest = _furthest(olds)
        reason = "Nối các lời kể vào một điểm mộ"
        if site_id is None:
            new_id = _new_site(store, connection, {**_first(reports), **furthest}, viewer.username)
            target = store._current(connection, "sites", new_id)
        elif history.changed(target, furthest):  # joined by a site further on: it carries on from there
            store.update(
                "sites",
                target["id"],
                furthest,
                viewer.username,
                int(target["version"]),
                connection=connection,
                reason=reason,
                action="link",
            )
            target = store._current(connection, "sites", target["id"])
        left = [r.get("site_id") for r in reports if r.get("site_id") != target["id"]]
        reason = f"Nối vào điểm mộ #{short(target['id'])}"
        for report in reports:
            if report.get("site_id") != target["id"]:
                _move(store, connection, report, target, viewer.username, "link", reason)
        for a, b in itertools.combinations(ids, 2):
            _decide(connection, a, b, "same", viewer, any(r.get("is_demo") for r in reports))
        refresh(store, connection, target["id"], viewer.username, reason)
        refresh_many(store, connection, left, viewer.username)
        return str(target["id"])


def unlink(store, report_id: str, viewer: Viewer) -> str:
    """Take a report out of its site into a site of its own (carrying on its site's case work);
    returns the new site's id."""
    viewer.require(Right.EDIT, "tách lời kể khỏi điểm mộ")
    with store.engine.begin() as connection:
        report = _report(store, connection, report_id, viewer)
        old = report.get("site_id")
        if old and len(testimonies(store, connection, old)) < 2:
            raise LayersError("Tin báo này là lời kể duy nhất của điểm mộ; không có gì để tách.")
        new_id = _new_site(store, connection, report, viewer.username)
        target = store._current(connection, "sites", new_id)
        _move(store, connection, report, target, viewer.username, "unlink", f"Tách khỏi điểm mộ #{short(old or '')}")
        refresh(store, connection, old, viewer.username)
        return new_id


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _decide(connection: sa.Connection, a: str, b: str, decision: str, viewer: Viewer, is_demo: bool) -> None:
    first, second = _pair(a, b)
    connection.execute(_DECISIONS.delete().where(_DECISIONS.c.report_a == first, _DECISIONS.c.report_b == second))
    connection.execute(
        _DECISIONS.insert().values(
            report_a=first,
            report_b=second,
            decision=decision,
            actor=viewer.username,
            at=datetime.now(UTC),
            is_demo=is_demo,
        )
    )


def reject(store, report_a: str, report_b: str, viewer: Viewer) -> None:
    """A reviewer says two testimonies tell of different graves ("khác"): the pair is not
    suggested again; a history row on each report says so."""
    viewer.require(Right.EDIT, "đánh giá các lời kể")
    if report_a == report_b:
        raise LayersError("Một tin báo không so với chính nó.")
    with store.engine.begin() as connection:
        a = _report(store, connection, report_a, viewer)
        b = _report(store, connection, report_b, viewer)
        if a.get("site_id") and a.get("site_id") == b.get("site_id"):
            raise AccessDenied("Hai lời kể đang cùng một điểm mộ; hãy tách một lời kể ra trước.")
        _decide(connection, a["id"], b["id"], "different", viewer, bool(a.get("is_demo") or b.get("is_demo")))
        for one, other in ((a, b), (b, a)):
            history.write(
                connection,
                "reports",
                one["id"],
                int(one["version"]),
                "pair",
                viewer.username,
                {"different_from": [None, other["id"]]},
                reason="Khác điểm mộ",
                is_demo=bool(one.get("is_demo")),
            )


def rejected_pairs(store) -> set[frozenset[str]]:
    """The pairs reviewers said tell of different graves."""
    query = sa.select(_DECISIONS.c.report_a, _DECISIONS.c.report_b).where(_DECISIONS.c.decision == "different")
    with store.engine.connect() as connection:
        return {frozenset(row) for row in connection.execute(query)}


def short(record_id: str) -> str:
    """The short code people quote for a record (as the pages show it)."""
    return str(record_id)[:8]


# -- giving stored reports their sites (migration 0009, the demo set) ---------------------------

BATCH = 2_000


def adopt(connection: sa.Connection, pairs: list[tuple[str, str]]) -> None:
    """Copy each report's status steps to its site's history (same who, when, why), numbering
    the site's versions after its arrival, so the workflow's past moves with it."""
    if not pairs:
        return
    site_of = dict(pairs)
    table = history.HISTORY
    rows = []
    ids = list(site_of)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        query = (
            sa.select(table)
            .where(table.c.record_id.in_(batch), table.c.layer == "reports", table.c.action == "status")
            .order_by(table.c.id)
        )
        rows += [dict(row._mapping) for row in connection.execute(query)]
    versions: Counter[str] = Counter()
    copies = []
    for row in rows:
        site_id = site_of[row["record_id"]]
        versions[site_id] += 1
        copies.append(
            {
                **{k: row[k] for k in ("action", "actor", "at", "reason", "changes", "import_id", "is_demo")},
                "layer": "sites",
                "record_id": site_id,
                "version": versions[site_id] + 1,
            }
        )
    for start in range(0, len(copies), BATCH):
        connection.execute(table.insert(), copies[start : start + BATCH])
    for site_id, steps in versions.items():
        connection.execute(_SITES_TABLE.update().where(_SITES_TABLE.c.id == site_id).values(version=steps + 1))


def give_sites(connection: sa.Connection, report_columns: tuple[str, ...], site_columns: tuple[str, ...]) -> None:
    """Every stored report without a site gets one of its own, with the status its case work
    reached and that work's history (migration 0009), BATCH reports at a time. The migration
    names the columns its revision has, so later columns are neither read nor written here."""
    from layers.store import record_of_row, site_rows

    columns = [_REPORTS.c[name] for name in report_columns]
    last = ""
    while True:
        query = (
            sa.select(*columns)
            .where(_REPORTS.c.site_id.is_(None), _REPORTS.c.id > last)
            .order_by(_REPORTS.c.id)
            .limit(BATCH)
        )
        records = [record_of_row(row) for row in connection.execute(query)]
        if not records:
            return
        last = records[-1]["id"]
        adopt(connection, site_rows(connection, records, "system", only=site_columns))
