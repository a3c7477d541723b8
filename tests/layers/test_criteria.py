"""Each filter criterion is declared once (layers.criteria): its rows in pandas, its SQL, its words."""

from __future__ import annotations

from dataclasses import fields

import pytest

from layers.access import system
from layers.criteria import CRITERIA, conditions, context_spec, describe, mask
from layers.query import FilterSpec, prepare
from layers.seed import load_demo, seed_reference

# One spec per criterion, each narrowing the demo set to some of it but not all.
ONE_EACH = {
    "place": FilterSpec(place="Quảng Trị"),
    "provinces_34": FilterSpec(provinces_34=("VN-25",)),
    "provinces_63": FilterSpec(provinces_63=("VN-25",)),
    "districts": FilterSpec(districts=("466",)),
    "communes": FilterSpec(communes=("19450",)),
    "communes_34": FilterSpec(communes_34=("19537",)),
    "units": FilterSpec(units=("F308",)),
    "period": FilterSpec(year_from=1968, year_to=1972, include_unknown_period=False),
    "statuses": FilterSpec(statuses=("verified", "new")),
    "chapters": FilterSpec(chapters=("chapter-vn-25",)),
    "confidence": FilterSpec(confidence=("high",)),
    "has_coordinates": FilterSpec(has_coordinates=False),
    "text": FilterSpec(text="suối"),
    "area": FilterSpec(area=((106.5, 16.5), (107.3, 16.5), (107.3, 17.2), (106.5, 17.2))),
}


def test_every_field_of_a_spec_belongs_to_exactly_one_criterion():
    owned = [f for c in CRITERIA for f in c.fields]
    assert sorted(owned) == sorted(f.name for f in fields(FilterSpec))
    assert set(ONE_EACH) == {c.name for c in CRITERIA}


@pytest.mark.parametrize("criterion", CRITERIA, ids=lambda c: c.name)
def test_each_criterion_that_narrows_is_said_on_the_page(criterion):
    spec = ONE_EACH[criterion.name]
    assert criterion.is_set(spec)
    said = describe(spec, "vi", {"chapter-vn-25": "Hội CCB Quảng Trị"})
    assert said != describe(FilterSpec(), "vi") == "toàn quốc", said
    assert describe(spec, "en") != "whole country"


def test_chapters_and_coordinates_are_said_by_name():
    spec = FilterSpec(chapters=("chapter-vn-25",), has_coordinates=True)
    assert describe(spec, "vi", {"chapter-vn-25": "Quảng Trị"}) == "Hội Quảng Trị; có tọa độ"
    assert describe(FilterSpec(has_coordinates=False), "en") == "without coordinates"


def test_other_layers_are_narrowed_by_the_criteria_not_about_reports():
    spec = FilterSpec(statuses=("new",), units=("C552",), year_from=1968, districts=("466",), text="x")
    context = context_spec(spec)
    assert (context.statuses, context.units, context.text, context.districts) == ((), (), "", ())
    assert context.year_from == 1968 and context.provinces_63 == ("VN-25",)


@pytest.fixture
def demo_store(any_store):
    seed_reference(any_store)
    load_demo(any_store, reports=600, seed=11)
    return any_store


@pytest.mark.parametrize("name", sorted(ONE_EACH))
def test_a_criterion_run_in_sql_keeps_the_rows_its_pandas_mask_keeps(demo_store, name):
    spec = ONE_EACH[name]
    frame = prepare(demo_store.frame("reports", system()))
    expected = set(frame.loc[mask(frame, spec), "id"])
    where, left = conditions(demo_store.table("reports"), spec)
    queried = prepare(demo_store.frame("reports", system(), where=where))
    got = set(queried.loc[mask(queried, left), "id"])
    assert got == expected
    assert 0 < len(expected) < len(frame)


def test_every_criterion_at_once_in_sql_keeps_what_pandas_keeps(demo_store):
    spec = FilterSpec(
        provinces_34=("VN-25",), year_from=1965, year_to=1975, statuses=("new", "verified", "verifying"), text="a"
    )
    frame = prepare(demo_store.frame("reports", system()))
    where, left = conditions(demo_store.table("reports"), spec)
    assert left.text == "a" and left.statuses == ()  # the folded text search is left to the frame
    queried = prepare(demo_store.frame("reports", system(), where=where))
    assert set(queried.loc[mask(queried, left), "id"]) == set(frame.loc[mask(frame, spec), "id"])
    assert len(queried) < len(frame)  # the database did the narrowing it could


def test_the_export_command_takes_every_criterions_flag_once():
    from layers.cli import _parser

    export = _parser()._subparsers._group_actions[0].choices["export"]
    options = [o for action in export._actions for o in action.option_strings]
    flags = {c.flag.name for c in CRITERIA if c.flag is not None}
    assert flags <= set(options)
    assert all(options.count(flag) == 1 for flag in flags)
