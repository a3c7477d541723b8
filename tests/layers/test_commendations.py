"""The commendations (layers.commendations) on SQLite and PostgreSQL: a chapter's figures are its
campaign report's, a team's the work its account did; only the central association annotates
and publishes, each change with its history row; publicly a team is named only by the name its
people agreed to, and no username or display name leaves."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from shapely.geometry import LineString

from layers import commendations as cm
from layers.access import AccessDenied, system
from layers.campaign import custom_period, vietnam_today
from layers.errors import LayersError
from layers.exporters.campaign_report import report_of
from layers.history import HISTORY
from layers.seed import load_demo
from layers.store import Store
from layers.users import DEMO_USERS, add_user, find_user, public_name, set_public_name, viewer_of
from tests.layers.people import NA, PASSWORD, QT, build

TODAY = vietnam_today()


def _period():
    return custom_period(TODAY - timedelta(days=30), TODAY)


def _update(store: Store, layer: str, record_id: str, changes: dict, actor: str, action: str = "status") -> None:
    version = int(store.record(layer, record_id, system())["version"])
    store.update(layer, record_id, changes, actor, version, action=action)


@pytest.fixture
def campaign(any_store):
    """The people's campaign, with a second team (qt.doi2, named "Đội K50 Gio Linh") and work
    done by qt.doi: two testimonies, one verified, a completed trip with 3 remains, a case
    brought to recognised; the leader verifies another report."""
    campaign = build(any_store)
    store = campaign.store
    add_user(store, "qt.doi2", "team", PASSWORD, system(), chapter=QT, display_name="Nguyễn Văn Đội Hai")
    set_public_name(store, "qt.doi2", "Đội K50 Gio Linh", campaign.viewer("qt.tinh"))
    reports = [
        {"id": f"r-team-{i}", "chapter_id": QT, "province_34": "VN-25", "status": "new", "received_on": TODAY}
        for i in (1, 2)
    ]
    store.insert("reports", reports, author="qt.doi")
    _update(store, "reports", "r-team-1", {"status": "verifying"}, "qt.doi")
    _update(store, "reports", "r-team-1", {"status": "verified"}, "qt.doi")
    _update(store, "reports", "r-qt", {"status": "verifying"}, "qt.tinh")
    _update(store, "reports", "r-qt", {"status": "verified"}, "qt.tinh")
    trip = {
        "id": "t-team",
        "name": "Gio An",
        "chapter_id": QT,
        "province_34": "VN-25",
        "date_from": TODAY - timedelta(days=2),
        "date_to": TODAY - timedelta(days=1),
        "outcome": "remains_found",
        "remains_found": 3,
        "geometry": LineString([(106.9, 16.8), (106.91, 16.81)]),
    }
    store.insert("trips", [trip], author="qt.doi")
    case = {"id": "c-1", "person_name": "Người c-1", "chapter_id": QT, "province_34": "VN-25", "status": "gathering"}
    store.insert("recognition_cases", [case], author="qt.tinh")
    for status in ("sent_commune", "sent_province"):
        _update(store, "recognition_cases", "c-1", {"status": status}, "qt.tinh")
    _update(store, "recognition_cases", "c-1", {"status": "recognised"}, "qt.doi")
    return campaign


def _line(lines, kind, subject_id):
    return next(line for line in lines if (line.kind, line.id) == (kind, subject_id))


def test_a_teams_figures_are_the_work_its_account_did(campaign):
    admin = campaign.viewer("tw.admin")
    lines = cm.ranked(campaign.store, admin, _period())
    assert _line(lines, "team", "qt.doi").figures == {
        "reports_received": 2,
        "reports_verified": 1,
        "trips": 1,
        "remains_found": 3,
        "cases_recognised": 1,
    }
    assert set(_line(lines, "team", "qt.doi2").figures.values()) == {0}
    assert [line.id for line in lines if line.kind == "team"] == ["qt.doi", "qt.doi2"]  # the most remains first
    assert _line(lines, "chapter", QT).figures["reports_verified"] == 2  # the team's and the leader's


def test_nothing_counts_outside_the_period(campaign):
    admin = campaign.viewer("tw.admin")
    before = custom_period(TODAY - timedelta(days=400), TODAY - timedelta(days=31))
    lines = cm.ranked(campaign.store, admin, before)
    assert set(_line(lines, "team", "qt.doi").figures.values()) == {0}
    assert not [line for line in lines if line.kind == "chapter"]  # no chapter did anything then


@pytest.fixture
def demo_store(any_store):
    from layers.seed import seed_reference

    seed_reference(any_store)
    load_demo(any_store, reports=300, seed=5)
    return any_store


def test_a_chapters_figures_are_its_campaign_reports(demo_store):
    admin = viewer_of(demo_store, find_user(demo_store, DEMO_USERS[0][0]))
    period = custom_period(date(2026, 3, 14), date(2027, 7, 27))
    chapters = [line for line in cm.ranked(demo_store, admin, period) if line.kind == "chapter"]
    assert len(chapters) > 3
    for line in chapters:
        report = report_of(demo_store, admin, line.name, line.id, period, TODAY).figures.as_dict()
        assert line.figures == {key: report[key] for key in cm.COMMENDATION_FIGURES}
    keys = [tuple(-line.figures[k] for k in cm.RANK_ORDER) for line in chapters]
    assert keys == sorted(keys) and [line.rank for line in chapters] == list(range(1, len(chapters) + 1))


@pytest.mark.parametrize("username", ["qt.tinh", "doitac", "qt.doi"])
def test_only_the_central_association_ranks_annotates_and_publishes(campaign, username):
    viewer, period = campaign.viewer(username), _period()
    with pytest.raises(AccessDenied):
        cm.ranked(campaign.store, viewer, period)
    with pytest.raises(AccessDenied):
        cm.note(campaign.store, viewer, period, "chapter", QT, "Tốt")
    with pytest.raises(AccessDenied):
        cm.set_published(campaign.store, viewer, period, "team", "qt.doi", True)
    with campaign.store.engine.connect() as connection:
        assert connection.execute(sa.select(cm.COMMENDATIONS)).first() is None


def _history(store: Store) -> list[tuple]:
    query = sa.select(HISTORY.c.record_id, HISTORY.c.version, HISTORY.c.action, HISTORY.c.actor, HISTORY.c.changes)
    with store.engine.connect() as connection:
        return connection.execute(query.where(HISTORY.c.layer == "commendations").order_by(HISTORY.c.id)).all()


def test_a_note_and_the_publishing_mark_are_kept_with_their_history(campaign):
    store, admin, period = campaign.store, campaign.viewer("tw.admin"), _period()
    assert cm.note(store, admin, period, "chapter", QT, "  Dẫn đầu\x01 cả nước  ") == 1
    assert cm.set_published(store, admin, period, "chapter", QT, True, expected_version=1) == 2
    line = _line(cm.ranked(store, admin, period), "chapter", QT)
    assert (line.note, line.published, line.version) == ("Dẫn đầu cả nước", True, 2)
    rows = _history(store)
    assert [(r.version, r.action, r.actor) for r in rows] == [(1, "insert", "tw.admin"), (2, "update", "tw.admin")]
    assert rows[1].changes == {"published": [False, True]} and rows[0].record_id == rows[1].record_id
    assert all(r.action in cm.history.ACTIONS for r in rows)


def test_a_stale_version_a_long_note_or_an_unknown_subject_is_refused(campaign):
    store, admin, period = campaign.store, campaign.viewer("tw.admin"), _period()
    cm.note(store, admin, period, "team", "qt.doi", "Một")
    with pytest.raises(LayersError, match="người khác sửa"):
        cm.note(store, admin, period, "team", "qt.doi", "Hai", expected_version=0)
    with pytest.raises(LayersError, match="tối đa 1000"):
        cm.note(store, admin, period, "team", "qt.doi", "x" * 1001)
    with pytest.raises(LayersError, match="Không có đội"):
        cm.note(store, admin, period, "team", "qt.tinh", "Không phải đội")
    with pytest.raises(LayersError, match="Không có Hội"):
        cm.set_published(store, admin, period, "chapter", "chapter-none", True)
    assert len(_history(store)) == 1


def test_publicly_a_team_is_named_only_by_the_name_its_people_agreed_to(campaign):
    store, admin, period = campaign.store, campaign.viewer("tw.admin"), _period()
    for kind, subject in (("chapter", QT), ("team", "qt.doi"), ("team", "qt.doi2")):
        cm.set_published(store, admin, period, kind, subject, True)
    cm.note(store, admin, period, "chapter", NA, "Chưa công bố")
    for lang, anonymous in (("vi", "Một đội tìm kiếm của "), ("en", "A search team of ")):
        lines = cm.published(store, lang=lang)
        assert [(c.subject_kind, c.rank) for c in lines] == [("chapter", 1), ("team", 1), ("team", 2)]
        team, named = lines[1], lines[2]
        assert team.name.startswith(anonymous) and team.name.endswith("Quảng Trị") and not team.named
        assert (named.name, named.named) == ("Đội K50 Gio Linh", True)
        assert team.figures["remains_found"] == 3 and team.province_34 == "VN-25"
        said = repr(lines)
        for secret in ("qt.doi", "Nguyễn Văn Đội Hai", "tw.admin", "Chưa công bố"):
            assert secret not in said


def test_published_lines_are_those_of_periods_overlapping_the_range(campaign):
    store, admin = campaign.store, campaign.viewer("tw.admin")
    old = custom_period(date(2026, 3, 14), date(2026, 9, 13))
    cm.set_published(store, admin, old, "chapter", QT, True)
    cm.set_published(store, admin, _period(), "chapter", QT, True)
    cm.set_published(store, admin, _period(), "chapter", QT, False)
    assert [c.period_end for c in cm.published(store)] == [date(2026, 9, 13)]
    assert cm.published(store, date(2026, 9, 13), date(2026, 12, 31))[0].period_start == date(2026, 3, 14)
    assert cm.published(store, date(2026, 9, 14), date(2026, 12, 31)) == []


def test_a_public_name_is_set_by_its_own_account_or_one_that_manages_it(campaign):
    store = campaign.store
    assert set_public_name(store, "qt.doi", " Đội  Gio An ", campaign.viewer("qt.doi")) == "Đội Gio An"
    assert public_name(store, "qt.doi") == "Đội Gio An"
    for other in ("qt.ghi", "na.ghi", "doitac"):
        with pytest.raises(AccessDenied):
            set_public_name(store, "qt.doi", "Tên khác", campaign.viewer(other))
    assert set_public_name(store, "qt.doi", None, campaign.viewer("qt.tinh")) is None
    user_id = find_user(store, "qt.doi").id
    with store.engine.connect() as connection:
        rows = connection.execute(
            sa.select(HISTORY.c.actor, HISTORY.c.changes).where(HISTORY.c.record_id == user_id).order_by(HISTORY.c.id)
        ).all()
    assert [tuple(r) for r in rows[-2:]] == [
        ("qt.doi", {"public_name": [None, "Đội Gio An"]}),
        ("qt.tinh", {"public_name": ["Đội Gio An", None]}),
    ]
