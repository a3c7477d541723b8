"""The public progress page's data (layers.progress) on both backends: the figures equal the
signed-in campaign report's for the same period, the density keeps only cells of MIN_SITES
sites or more at H3 resolution 5, every one of the 34 provinces is there, and nothing in the
result is a position."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date

import h3
import pytest

from geo.admin import province_names
from layers.access import system
from layers.campaign import VERIFIED_OR_LATER
from layers.exporters.campaign_report import report_of
from layers.progress import MIN_SITES, PUBLIC_FIGURES, RESOLUTION, SITES_VERIFIED, progress_of, province_of
from layers.seed import load_demo, seed_reference
from layers.users import DEMO_USERS, find_user, viewer_of

TODAY = date(2026, 11, 26)


@pytest.fixture
def demo_store(any_store):
    seed_reference(any_store)
    load_demo(any_store, reports=400, seed=5)
    return any_store


def test_public_figures_equal_the_signed_in_report_and_cells_hold_three_sites_or_more(demo_store):
    progress = progress_of(demo_store, TODAY)
    admin = viewer_of(demo_store, find_user(demo_store, DEMO_USERS[0][0]))
    report = report_of(demo_store, admin, "Toàn Hội", None, progress.period, TODAY)
    signed_in = report.figures.as_dict()
    for key in PUBLIC_FIGURES:
        if key != SITES_VERIFIED:
            assert progress.national[key] == pytest.approx(signed_in[key]), key
    by_province = report.by_province
    for province in progress.provinces:
        if province.code in by_province.index:
            assert province.figures["reports_received"] == by_province.loc[province.code, "reports_received"]
    assert progress.national["reports_received"] > 0 and progress.demo

    sites = demo_store.frame("sites", system())
    assert progress.national[SITES_VERIFIED] == int(sites["status"].isin(VERIFIED_OR_LATER).sum())
    # Each site at its point, else at its estimated area's centre, counted by hand.
    counted = Counter(
        h3.latlng_to_cell(g.y, g.x, RESOLUTION) if g is not None else h3.latlng_to_cell(a, o, RESOLUTION)
        for g, a, o in zip(sites.geometry, sites["area_lat"], sites["area_lon"], strict=True)
        if g is not None or (a == a and o == o)
    )
    shown = dict(progress.cells)
    assert shown == {cell: n for cell, n in counted.items() if n >= MIN_SITES}
    assert all(h3.get_resolution(cell) == RESOLUTION for cell in shown)
    assert any(n < MIN_SITES for n in counted.values())  # the demo has lone sites, left out above
    assert [p.code for p in progress.provinces] == list(province_names("34"))
    quang_tri = province_of(progress, "VN-25")
    assert quang_tri.figures["reports_received"] > 0 and province_of(progress, "XX") is None
    assert all(n >= MIN_SITES for p in progress.provinces for _c, n in p.cells)


def test_nothing_in_the_progress_is_a_position(demo_store):
    progress = progress_of(demo_store, TODAY)
    seen: list[object] = []

    def walk(value: object) -> None:
        if dataclasses.is_dataclass(value):
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)
        else:
            seen.append(value)

    walk(progress)
    floats = [v for v in seen if isinstance(v, float)]
    assert floats == [
        v
        for v in floats
        if v == progress.national["km2_searched"] or v in {p.figures["km2_searched"] for p in progress.provinces}
    ]
    assert not any(type(v).__module__.startswith(("shapely", "geopandas")) for v in seen)
