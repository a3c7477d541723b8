"""The campaign's figures count what the history says happened in the period, on both backends:
a small campaign whose steps are dated in June and December 2026 (and in 2027), its figures for
those periods against direct SQL counts of record_history rows, and what a person who sees less
counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import geopandas as gpd
import pytest
import sqlalchemy as sa
from shapely.geometry import LineString, Point

from layers.access import system
from layers.campaign import VIETNAM, Period, Scope, custom_period
from layers.events import status_events
from layers.history import HISTORY
from layers.importers.reports import import_reports
from layers.store import Store
from layers.users import add_demo_users, find_user, viewer_of
from layers.workflow import StepInput, take_step
from tests.layers.people import Campaign, build

JUNE = custom_period(date(2026, 6, 1), date(2026, 6, 30))
DECEMBER = custom_period(date(2026, 12, 1), date(2026, 12, 31))
LATER = custom_period(date(2027, 1, 1), date(2027, 3, 31))
GIVEN = StepInput(note="đã gọi lại nhân chứng", trip="t-qt", remains=2, reference="ADN số 12/2026", duplicate_of="r-qt")
# Written out here, not taken from the code: "verified" means verified or any later step.
VERIFIED = ("verified", "planned", "searched_not_found", "remains_found", "identified")
SEEN_BY_NGHE_AN = {"r-na-about-qt", "r-na"}  # the reports of Nghệ An's chapter (tests.layers.people)


def _vietnam(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), VIETNAM).astimezone(UTC)


def _date_last_row(store: Store, record_id: str, at: datetime) -> None:
    """Move a record's latest history row to `at` (as if the step had been taken then)."""
    with store.engine.begin() as connection:
        last = connection.execute(sa.select(sa.func.max(HISTORY.c.id)).where(HISTORY.c.record_id == record_id))
        connection.execute(HISTORY.update().where(HISTORY.c.id == last.scalar()).values(at=at))


def _steps(store: Store, record_id: str, steps: list[tuple[str, datetime]]) -> None:
    admin = system()
    for target, at in steps:
        take_step(store, record_id, target, admin, GIVEN)
        _date_last_row(store, record_id, at)


def _receive_in_june(store: Store) -> None:
    for record_id in ("r-qt", "r-na-about-qt", "r-na", "r-qt-assigned", "r-commune"):
        version = store.record("reports", record_id, system())["version"]
        store.update("reports", record_id, {"received_on": date(2026, 6, 5)}, "test", int(version))


def _import_verified(campaign: Campaign, at: datetime) -> str:
    """A file of one report already verified, imported at `at`; the report's id."""
    data = "Họ tên liệt sĩ,Đơn vị,Tọa độ,Trạng thái,Ngày tiếp nhận\nTrần Ba,C552,16.8 106.9,Đã xác minh,02/06/2026\n"
    result = import_reports(campaign.store, "qt.csv", data.encode(), viewer=campaign.viewer("qt.ghi"))
    with campaign.store.engine.begin() as connection:
        connection.execute(
            HISTORY.update().where(HISTORY.c.action == "import", HISTORY.c.record_id == result.import_id).values(at=at)
        )
    frame = campaign.store.frame("reports", system())
    return str(frame.loc[frame["import_id"] == result.import_id, "id"].iloc[0])


@pytest.fixture
def campaign(any_store) -> Campaign:
    """Five reports received in June 2026, stepped in June, December and 2027; one imported
    already verified in June, one added already verified on the first minutes of December."""
    campaign = build(any_store)
    store = campaign.store
    store.insert("trips", [{"id": "t-qt", "name": "Gio An", "chapter_id": "chapter-vn-25", "province_34": "VN-25"}])
    _receive_in_june(store)
    june, december, later = date(2026, 6, 10), date(2026, 12, 10), date(2027, 1, 20)
    _steps(store, "r-qt", [("verifying", _vietnam(june, 8)), ("verified", _vietnam(june, 9))])
    _steps(store, "r-qt", [("planned", _vietnam(december, 8)), ("remains_found", _vietnam(december, 15))])
    _steps(store, "r-qt", [("identified", _vietnam(december + timedelta(days=5), 10))])
    _steps(store, "r-qt-assigned", [("verifying", _vietnam(june, 10)), ("verified", _vietnam(december, 9))])
    _steps(store, "r-na", [("verifying", _vietnam(june, 11)), ("verified", _vietnam(june, 14))])
    _steps(store, "r-na", [("planned", _vietnam(december, 10)), ("searched_not_found", _vietnam(december, 16))])
    _steps(store, "r-na", [("planned", _vietnam(later, 9))])  # searched again: not verified again
    _steps(store, "r-na-about-qt", [("verifying", _vietnam(december, 11)), ("verified", _vietnam(december, 12))])
    _steps(store, "r-commune", [("verifying", _vietnam(june, 12)), ("verified", _vietnam(june, 13))])
    _steps(store, "r-commune", [("duplicate", _vietnam(december, 13))])  # the same site as r-qt: left out
    imported = _import_verified(campaign, _vietnam(june, 16))
    _steps(store, imported, [("planned", _vietnam(december, 14))])
    added = {"id": "r-added", "status": "verified", "chapter_id": "chapter-vn-25", "province_34": "VN-25"}
    store.insert("reports", [{**added, "geometry": Point(106.9, 16.8), "received_on": date(2026, 11, 30)}])
    _date_last_row(store, "r-added", datetime(2026, 11, 30, 17, 30, tzinfo=UTC))  # 00:30 on 1 December in Vietnam
    return campaign


def _status_sql(dialect: str, alias: str, index: int) -> str:
    if dialect == "sqlite":
        return f"json_extract({alias}.changes, '$.status[{index}]')"
    return f"({alias}.changes #>> '{{status,{index}}}')"


def _direct_count(store: Store, statuses: tuple[str, ...], period: Period, ids: set[str] | None = None) -> int:
    """Reports whose first history row in one of `statuses` (or, for an imported report, its
    import's row when it arrived in one) falls in the period, written out in SQL."""
    dialect = store.engine.dialect.name
    new, old, changed = _status_sql(dialect, "h", 1), _status_sql(dialect, "s", 0), _status_sql(dialect, "s", 1)
    listed = ", ".join(f"'{s}'" for s in statuses)
    query = f"""
        SELECT COUNT(*) FROM (
            SELECT record_id, MIN(at) AS first_at FROM (
                SELECT h.record_id, h.at FROM record_history h
                WHERE h.layer = 'reports' AND h.action IN ('insert', 'status', 'update') AND {new} IN ({listed})
                UNION ALL
                SELECT r.id, i.at FROM reports r
                JOIN record_history i ON i.layer = 'reports' AND i.action = 'import' AND i.record_id = r.import_id
                WHERE COALESCE((
                    SELECT {old} FROM record_history s
                    WHERE s.record_id = r.id AND s.action IN ('status', 'update') AND {changed} IS NOT NULL
                    ORDER BY s.at, s.id LIMIT 1
                ), r.status) IN ({listed})
            ) AS reached GROUP BY record_id
        ) AS firsts JOIN reports r ON r.id = firsts.record_id
        WHERE r.status <> 'duplicate' AND firsts.first_at >= :lo AND firsts.first_at < :hi
    """
    if ids is not None:
        query += " AND r.id IN :ids"
    moment = sa.DateTime(timezone=True)
    bound = [sa.bindparam("lo", type_=moment), sa.bindparam("hi", type_=moment)]
    if ids is not None:
        bound.append(sa.bindparam("ids", expanding=True))
    params = {"lo": _vietnam(period.start, 0), "hi": _vietnam(period.end + timedelta(days=1), 0)}
    if ids is not None:
        params["ids"] = sorted(ids)
    with store.engine.connect() as connection:
        return int(connection.execute(sa.text(query).bindparams(*bound), params).scalar_one())


def _scope(store: Store, viewer) -> Scope:
    frames = store.frame("reports", viewer), store.frame("trips", viewer)
    return Scope.of(*frames, None, status_events(store, viewer))


def _reached(scope: Scope, period: Period, milestone: str = "reports_verified") -> set[str]:
    reached = scope.reached(period)
    return set(reached.loc[reached["milestone"] == milestone, "record_id"])


@pytest.mark.parametrize("period", [JUNE, DECEMBER, LATER], ids=["june", "december", "later"])
def test_verified_and_identified_of_a_period_equal_direct_counts_of_history_rows(campaign, period):
    figures = _scope(campaign.store, system()).figures(period)
    assert figures.reports_verified == _direct_count(campaign.store, VERIFIED, period)
    assert figures.identified == _direct_count(campaign.store, ("identified",), period)


def _imported(scope: Scope) -> set[str]:
    return set(scope.reports.loc[scope.reports["import_id"].notna(), "id"])


def test_the_two_periods_count_what_happened_in_each(campaign):
    scope = _scope(campaign.store, system())
    assert _reached(scope, JUNE) == {"r-qt", "r-na", *_imported(scope)}
    assert _reached(scope, DECEMBER) == {"r-qt-assigned", "r-na-about-qt", "r-added"}
    assert _reached(scope, DECEMBER, "identified") == {"r-qt"}
    assert scope.figures(JUNE).reports_received == 5  # received stays by the day of receipt (a duplicate left out)
    assert scope.figures(DECEMBER).reports_received == 0


def test_a_report_received_in_june_and_verified_in_december_counts_in_december_only(campaign):
    scope = _scope(campaign.store, system())
    assert "r-qt-assigned" in set(scope.received(JUNE)["id"])
    assert "r-qt-assigned" in _reached(scope, DECEMBER)
    assert "r-qt-assigned" not in _reached(scope, JUNE) | _reached(scope, LATER)


def test_a_report_searched_and_planned_again_is_not_verified_again(campaign):
    scope = _scope(campaign.store, system())
    assert "r-na" in _reached(scope, JUNE)
    assert scope.figures(LATER).reports_verified == 0


def test_an_imported_report_already_verified_counts_on_the_day_of_its_import(campaign):
    scope = _scope(campaign.store, system())
    imported = _imported(scope)
    assert len(imported) == 1 and imported <= _reached(scope, JUNE)
    assert not imported & _reached(scope, DECEMBER)  # its step to "planned" in December is no second count


def test_days_are_counted_in_vietnam_time(campaign):
    """r-added went in at 17:30 UTC on 30 November: 00:30 on 1 December in Vietnam."""
    scope = _scope(campaign.store, system())
    assert "r-added" in _reached(scope, DECEMBER)
    assert "r-added" not in _reached(scope, custom_period(date(2026, 11, 1), date(2026, 11, 30)))


def test_a_duplicate_is_left_out_even_of_the_period_it_was_verified_in(campaign):
    scope = _scope(campaign.store, system())
    assert "r-commune" not in set(scope.events["record_id"])
    assert "r-commune" not in set(scope.received(JUNE)["id"])


def test_another_chapters_recorder_counts_only_the_reports_it_sees(campaign):
    store, recorder = campaign.store, campaign.viewer("na.ghi")
    events = status_events(store, recorder)
    assert set(events["record_id"]) == SEEN_BY_NGHE_AN  # r-na verified in June, r-na-about-qt in December
    scope = _scope(store, recorder)
    for period in (JUNE, DECEMBER):
        assert scope.figures(period).reports_verified == _direct_count(store, VERIFIED, period, SEEN_BY_NGHE_AN)
    assert scope.figures(DECEMBER).identified == 0 < _scope(store, system()).figures(DECEMBER).identified


def test_a_demo_account_counts_no_real_report(campaign):
    with campaign.store.engine.begin() as connection:
        add_demo_users(connection)
    demo = viewer_of(campaign.store, find_user(campaign.store, "demo.trunguong"))
    assert status_events(campaign.store, demo).empty


def test_figures_per_province_and_unit_add_up_to_the_period(campaign):
    scope = _scope(campaign.store, system())
    for period in (JUNE, DECEMBER):
        by_province = scope.by("province_34", period)
        figures = scope.figures(period)
        assert by_province["reports_verified"].sum() == figures.reports_verified
        assert by_province["identified"].sum() == figures.identified
    units = scope.by_unit(DECEMBER)
    assert units["reports_verified"].sum() == 0  # no report verified in December names a unit
    assert scope.by_unit(JUNE).set_index("unit").loc["C552", "reports_verified"] == 1  # the imported one


def test_remains_handed_over_count_on_the_day_of_handover_else_the_trips_start():
    trips = gpd.GeoDataFrame(
        {
            "id": ["a", "b", "c"],
            "chapter_id": ["x"] * 3,
            "outcome": ["remains_found"] * 3,
            "date_from": [date(2026, 6, 3), date(2026, 6, 20), date(2026, 11, 2)],
            "handed_over_on": [date(2026, 12, 2), None, None],
            "remains_found": [2, 3, 4],
            "remains_handed_over": [2, 3, 4],
            "sweep_width_m": [25.0] * 3,
        },
        geometry=[LineString([(106.9, 16.8), (106.91, 16.8)])] * 3,
        crs=4326,
    )
    reports = gpd.GeoDataFrame({"id": [], "status": [], "received_on": [], "chapter_id": [], "unit": []})
    june, december = Scope.of(reports, trips, None).figures(JUNE), Scope.of(reports, trips, None).figures(DECEMBER)
    assert (june.remains_found, june.remains_handed_over) == (5, 3)  # "a" was handed over in December
    assert (december.remains_found, december.remains_handed_over) == (0, 2)
