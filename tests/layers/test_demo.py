from collections import Counter
from datetime import date

import pytest
import shapely

from geo.admin import province_at
from layers.chapters import reference_chapters
from layers.demo import REAL_MARTYRS, generate
from layers.schema import REPORTS, TRIPS


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
