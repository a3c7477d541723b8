"""The planning section's plain helpers: which sites a trip's plan starts from, the legs table a
person reads and edits, the order a renumbering gives, and when a kept plan or file is stale."""

from __future__ import annotations

import pandas as pd

from layers.planning import Start, Stop, make_plan
from ui.plan_view import (
    COLUMN_PX,
    default_site_ids,
    files_signature,
    leg_rows,
    new_order,
    plan_signature,
    site_label,
)

START = Start(16.90, 107.00, "16.900000, 107.000000")


def _plan(n: int = 4):
    stops = [Stop(f"s{i}", f"<b>Đồi {i}</b>", 16.90 + 0.01 * i, 107.0, False, 20.0) for i in range(1, n + 1)]
    return make_plan(stops, START, "given")


def test_a_trip_with_a_saved_route_starts_from_it_in_its_order_without_sites_not_seen():
    trip = {"route_site_ids": ["s3", "s1", "hidden"], "linked_report_ids": ["r1"]}
    assert default_site_ids(trip, pd.DataFrame({"id": ["r1"], "site_id": ["s2"]}), ["s1", "s2", "s3"]) == ["s3", "s1"]


def test_a_trip_without_a_route_starts_from_its_testimonies_sites_once_each_in_order():
    reports = pd.DataFrame({"id": ["r1", "r2", "r3", "r4"], "site_id": ["s2", "s1", "s2", None]})
    trip = {"route_site_ids": None, "linked_report_ids": ["r3", "r4", "r2", "r1", "gone"]}
    assert default_site_ids(trip, reports, ["s1", "s2"]) == ["s2", "s1"]


def test_a_free_selection_starts_empty():
    assert default_site_ids(None, pd.DataFrame({"id": [], "site_id": []}), ["s1"]) == []


def test_the_legs_table_says_each_leg_with_a_decimal_comma_and_a_compass_word_text_kept_as_given():
    rows = leg_rows(_plan(), "vi")
    assert list(rows.columns) == list(COLUMN_PX)
    assert rows["order"].tolist() == [1, 2, 3, 4]
    first = rows.iloc[0]
    assert (first["from"], first["to"]) == (START.label, "<b>Đồi 1</b>")  # a grid shows text, never HTML
    assert first["distance"] == "1,1 km" and first["bearing"] == "0° Bắc"
    assert rows.iloc[1]["from"] == "<b>Đồi 1</b>"
    assert leg_rows(_plan(), "en").iloc[0]["distance"] == "1.1 km"


def test_a_stop_given_a_smaller_number_goes_before_the_one_that_had_it():
    plan = _plan()
    assert new_order(plan, [1, 2, 1, 4]) == ["s3", "s1", "s2", "s4"]
    assert new_order(plan, [1, 2, 3, 1]) == ["s4", "s1", "s2", "s3"]
    assert new_order(plan, [4, 2, 3, 4]) == ["s2", "s3", "s1", "s4"]


def test_a_blank_number_keeps_its_place():
    assert new_order(_plan(), [None, 2, float("nan"), 4]) == ["s1", "s2", "s3", "s4"]


def test_a_kept_plan_is_stale_for_other_sites_or_start_and_files_for_another_order():
    plan = _plan()
    assert plan_signature(["s2", "s1"], START) == plan_signature(["s1", "s2"], START)
    assert plan_signature(["s1"], START) != plan_signature(["s1"], Start(16.0, 107.0, "x"))
    moved = make_plan(list(reversed(plan.stops)), START, "given")
    assert files_signature(plan, "team", "vi") != files_signature(moved, "team", "vi")
    assert files_signature(plan, "team", "vi") != files_signature(plan, "partner", "vi")


def test_a_site_is_labelled_by_its_short_code_and_name():
    assert site_label({"id": "3f2a9c1d-0000", "name": "Đồi Cồn Tiên"}) == "#3f2a9c1d · Đồi Cồn Tiên"
    assert site_label({"id": "3f2a9c1d-0000", "name": None}) == "#3f2a9c1d"
