from collections import Counter
from datetime import date

import pandas as pd
import pytest
import shapely
import sqlalchemy as sa

from geo.admin import province_at
from layers.access import system
from layers.campaign import VIETNAM
from layers.chapters import reference_chapters
from layers.demo import DEMO_UNTIL, REAL_MARTYRS, generate
from layers.history import HISTORY
from layers.schema import REPORTS, TRIPS
from layers.seed import load_demo
from layers.store import Store
from layers.users import DEMO_USERS
from layers.workflow import STEPS


def _comparable(records: list[dict]) -> list[dict]:
    return [{k: (v.wkt if k == "geometry" and v is not None else v) for k, v in r.items()} for r in records]


@pytest.fixture(scope="module")
def demo():
    return generate(1500, seed=11)


def test_the_same_seed_gives_the_same_data(demo):
    again = generate(1500, seed=11)
    assert _comparable(again.reports) == _comparable(demo.reports)
    assert _comparable(again.trips) == _comparable(demo.trips)


def test_another_seed_gives_other_data(demo):
    other = generate(1500, seed=12)
    assert _comparable(other.reports) != _comparable(demo.reports)


def test_demo_reports_belong_to_the_reference_chapters(demo):
    chapter_ids = {c["id"] for c in reference_chapters()}
    assert all(r["chapter_id"] in chapter_ids for r in demo.reports)


def test_every_record_is_marked_as_demo(demo):
    assert all(r["is_demo"] for r in demo.reports + demo.trips)


def test_vocabularies_are_respected(demo):
    statuses = Counter(r["status"] for r in demo.reports)
    assert set(statuses) <= set(REPORTS.field("status").codes())
    assert statuses["new"] > statuses["identified"] > 0  # realistic: few identified
    assert {r["confidence"] for r in demo.reports} <= set(REPORTS.field("confidence").codes())
    assert {t["outcome"] for t in demo.trips} <= set(TRIPS.field("outcome").codes())


def test_located_reports_lie_in_vietnam_in_their_stated_province(demo):
    located = [r for r in demo.reports if r["geometry"] is not None]
    assert 0.85 < len(located) / len(demo.reports) < 0.99
    for r in located[:300]:
        found = province_at(r["geometry"].x, r["geometry"].y)
        assert found is not None and found["province_34"] == r["province_34"]


def test_uncertainty_and_periods_are_plausible(demo):
    radii = [r["uncertainty_m"] for r in demo.reports if r["uncertainty_m"] is not None]
    assert min(radii) >= 20 and max(radii) <= 3000
    years = [(r["year_from"], r["year_to"]) for r in demo.reports if r["year_from"] is not None]
    assert all(1945 <= a <= b <= 1989 for a, b in years)
    assert any(r["year_from"] is None for r in demo.reports)  # some witnesses do not remember


def test_names_are_invented_never_a_known_martyr(demo):
    names = [n for r in demo.reports for n in r["martyr_names"].split("; ")]
    assert not REAL_MARTYRS & set(names)
    assert all(len(n.split()) == 3 for n in names if n != "Chưa rõ tên")


def test_units_follow_real_naming_patterns(demo):
    units = {r["unit"] for r in demo.reports}
    assert any(u.startswith("C") and u[1:].isdigit() for u in units)
    assert any(u.startswith("Sư đoàn") for u in units)
    assert any(u.startswith("Tổng đội TNXP") for u in units)


def test_trips_are_gps_tracks_near_their_report_in_2026_2027(demo):
    reports = {r["id"]: r for r in demo.reports}
    for trip in demo.trips:
        assert date(2026, 1, 1) <= trip["date_from"] <= trip["date_to"] <= date(2027, 7, 27)
        report = reports[trip["linked_report_ids"][0]]
        start = shapely.Point(trip["geometry"].coords[0])
        assert start.distance(report["geometry"]) < 0.05  # degrees, a few km


def test_two_hundred_thousand_reports_can_be_made():
    big = generate(200_000, seed=1)
    assert len(big.reports) == 200_000
    assert len({r["id"] for r in big.reports}) == 200_000


def test_demo_reports_past_new_took_the_workflows_steps_in_order(demo):
    reports = {r["id"]: r for r in demo.reports}
    steps = demo.steps
    allowed = {(source, step.target): step.roles for step in STEPS for source in step.sources}
    roles = {username: role for username, _name, role, _chapter in DEMO_USERS}
    assert set(steps["report_id"]) == {i for i, r in reports.items() if r["status"] != "new"}
    for report_id, taken in steps.groupby("report_id", sort=False):
        chain = [taken["source"].iloc[0], *taken["target"]]
        assert chain[0] == "new" and chain[-1] == reports[report_id]["status"]
        assert list(taken["source"].iloc[1:]) == list(taken["target"].iloc[:-1])
        assert taken["at"].is_monotonic_increasing
    for source, target, actor in zip(steps["source"], steps["target"], steps["actor"], strict=True):
        assert roles[actor] in allowed[(source, target)]


def test_demo_steps_lie_between_the_day_of_receipt_and_the_end_of_the_demos_story(demo):
    received = {r["id"]: r["received_on"] for r in demo.reports}
    days = demo.steps["at"].dt.tz_convert(VIETNAM).dt.date
    assert (days >= demo.steps["report_id"].map(received)).all() and (days <= DEMO_UNTIL).all()
    searched = {t["linked_report_ids"][0]: t for t in demo.trips if t["outcome"] != "planned"}
    found = demo.steps[demo.steps["target"].isin(["searched_not_found", "remains_found"])]
    on_trip = found[found["report_id"].isin(searched)]
    assert len(on_trip) and all(
        day == searched[r]["date_to"] for r, day in zip(on_trip["report_id"], days[on_trip.index], strict=True)
    )


def test_remains_are_handed_over_after_the_trip_that_found_them(demo):
    handed = [t for t in demo.trips if t["remains_handed_over"]]
    assert handed and all(t["date_to"] <= t["handed_over_on"] <= DEMO_UNTIL for t in handed)
    assert all(t["handed_over_on"] is None for t in demo.trips if not t["remains_handed_over"])


def test_loaded_demo_history_holds_each_step_and_versions_follow_it(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    load_demo(store, reports=300, seed=3)
    with store.engine.connect() as connection:
        rows = pd.read_sql(
            sa.select(
                HISTORY.c.layer, HISTORY.c.record_id, HISTORY.c.version, HISTORY.c.actor, HISTORY.c.is_demo
            ).where(HISTORY.c.action == "status"),
            connection,
        )
    reports = store.frame("reports", system()).set_index("id")
    # Each testimony's site took its steps into its own history (a joined site is a new one).
    sites = store.frame("sites", system()).set_index("id")
    alone = reports[reports["site_id"].map(sites["testimony_count"]) == 1]
    site_steps = rows[rows["layer"] == "sites"].groupby("record_id").size()
    told_steps = rows[rows["layer"] == "reports"].groupby("record_id").size()
    assert (
        site_steps.reindex(alone["site_id"]).fillna(0).to_numpy()
        == told_steps.reindex(alone.index).fillna(0).to_numpy()
    ).all()
    rows = rows[rows["layer"] == "reports"]
    stepped = rows.groupby("record_id")["version"].agg(["count", "max"])
    assert len(stepped) == int((reports["status"] != "new").sum()) and rows["is_demo"].all()
    assert (stepped["max"] == stepped["count"] + 1).all()  # version 1 arrived, one more per step
    joined = (reports["site_id"].map(sites["testimony_count"]) > 1).astype(int)  # moved into a joined site
    assert (reports.loc[stepped.index, "version"] == stepped["max"] + joined.loc[stepped.index]).all()
    assert set(rows["actor"]) <= {username for username, *_ in DEMO_USERS}
    store.delete_demo()
    with store.engine.connect() as connection:
        left = sa.select(sa.func.count()).where(HISTORY.c.layer == "reports")
        assert connection.execute(left).scalar() == 0  # the demo's steps go with it
