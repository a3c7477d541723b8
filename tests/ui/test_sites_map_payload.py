"""The map's sites (điểm mộ): drawn by their declaration through the testimonies' view path, with
the number of testimonies, who confirmed them, and the lines of testimonies placed apart."""

from __future__ import annotations

import uuid

import pytest
from shapely.geometry import Point

from layers import aggregate as agg
from layers import query
from layers.access import system
from layers.schema import SITES
from layers.sites import link
from layers.store import Store
from ui.mapview import (
    MapOptions,
    conflict_rows,
    escape,
    layers_map,
    popup_frame,
    short_id,
    shown_layer,
    shown_payload,
)
from ui.reports_view import Positions, display_trips, view_payload

QUANG_TRI = agg.View(12, 106.80, 16.60, 107.10, 16.90)  # around the linked reports, zoomed in
NATIONAL = agg.fit(102.1, 8.2, 109.5, 23.4, 940, 620)
HOSTILE = "<img src=x onerror=alert(1)>{{ 6*7 }}"
SITES_SHOWN = MapOptions(shown=SITES.name)


def _report(names: str, lat: float, lon: float, witness: str, phone: str, uncertainty_m: float) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "martyr_names": names,
        "unit": "C552",
        "province_34": "VN-25",
        "province_63": "VN-25",
        "year_from": 1968,
        "year_to": 1968,
        "status": "new",
        "uncertainty_m": uncertainty_m,
        "geometry": Point(lon, lat),
        "is_demo": True,
        "chapter_id": "chapter-vn-25",
        "witness_name": witness,
        "witness_phone": phone,
        "place_description": "Gần suối, dưới gốc cây đa",
    }


def link_two_sites(store: Store) -> dict[str, str]:
    """Four Quảng Trị testimonies linked in two sites, each told by two witnesses: one whose
    testimonies agree (77 m apart, ± 100 m each) and one whose testimonies are 7.7 km apart
    (± 50 m each), a conflict. Returns the sites' and the reports' ids by role."""
    told = [
        _report("Trần Văn Bảy", 16.80, 107.00, "Bà Tư", "0912 000 111", 100.0),
        _report("Tran Van Bay", 16.8005, 107.0005, "Ông Năm", "0912 000 222", 100.0),
        _report(f"Lê Văn Chín {HOSTILE}", 16.70, 106.90, "Bà Sáu", "0912 000 333", 50.0),
        _report("Le Van Chin", 16.75, 106.95, "Ông Bảy", "0912 000 444", 50.0),
    ]
    store.insert("reports", told, author="test")
    agreed = link(store, [told[0]["id"], told[1]["id"]], system())
    apart = link(store, [told[2]["id"], told[3]["id"]], system())
    return {"agreed": agreed, "apart": apart, **{f"report_{i}": r["id"] for i, r in enumerate(told)}}


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    from layers.seed import load_demo, seed_reference

    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('db') / 'sites.sqlite'}")
    seed_reference(store)
    load_demo(store, reports=700, seed=5)  # more sites than SPARSE_MAX: cells country-wide
    ids = link_two_sites(store)
    frames = {name: query.prepare(store.frame(name, system())) for name in ("reports", "sites")}
    return ids, frames | {"trips": display_trips(store.frame("trips", system()))}


def _sites_payload(frames, view: agg.View = QUANG_TRI, options: MapOptions = SITES_SHOWN) -> dict:
    sites = frames["sites"]
    payload = view_payload(popup_frame(SITES, sites, options.lang), Positions.of(sites), frames["trips"], view, options)
    conflicts = conflict_rows(sites, frames["reports"], "site_id", view, options.lang)
    return shown_payload(payload, SITES, options.lang, conflicts)


def _page(payload: dict) -> str:
    """The map's page with the sites' view layer, as a browser would get it."""
    m = layers_map({}, SITES_SHOWN)
    shown_layer(payload, SITES, SITES_SHOWN).add_to(m)
    return m.get_root().render()


def _row_of(payload: dict, site_id: str) -> int:
    return next(i for i, row in enumerate(payload["rows"]) if row[4] == short_id(site_id))


def test_a_site_told_by_two_witnesses_says_who_confirmed_it(linked):
    ids, frames = linked
    payload = _sites_payload(frames)
    assert payload["mode"] == "points"
    title = payload["info"][_row_of(payload, ids["agreed"])][0]
    assert title == "Trần Văn Bảy · 2 lời kể · được xác nhận bởi 2 nhân chứng"


def test_a_site_of_one_testimony_shows_its_count_and_no_confirmation(linked):
    _, frames = linked
    alone = frames["sites"][frames["sites"]["testimony_count"] == 1].iloc[0]
    payload = _sites_payload(
        frames,
        agg.View(
            14, alone.geometry.x - 0.01, alone.geometry.y - 0.01, alone.geometry.x + 0.01, alone.geometry.y + 0.01
        ),
    )
    title = payload["info"][_row_of(payload, alone["id"])][0]
    assert title.endswith("· 1 lời kể") and "nhân chứng" not in title


def test_a_conflicting_site_draws_each_testimony_and_a_line_to_it(linked):
    ids, frames = linked
    payload = _sites_payload(frames)
    assert len(payload["conflicts"]) == 1  # the site whose testimonies agree draws none
    site_lat, site_lon, told = payload["conflicts"][0]
    site = frames["sites"].set_index("id").loc[ids["apart"]]
    assert (site_lat, site_lon) == (round(site.geometry.y, 6), round(site.geometry.x, 6))
    assert sorted((lat, lon) for lat, lon, _ in told) == [(16.70, 106.90), (16.75, 106.95)]
    assert "7,7 km" in payload["info"][_row_of(payload, ids["apart"])][4]  # the conflict, in the popup


def test_every_text_of_a_site_on_the_map_is_escaped(linked):
    ids, frames = linked
    payload = _sites_payload(frames)
    title = payload["info"][_row_of(payload, ids["apart"])][0]
    assert HOSTILE not in title and escape("Lê Văn Chín " + HOSTILE) in title
    tips = [tip for _, _, told in payload["conflicts"] for _, _, tip in told]
    assert any(escape(HOSTILE) in tip for tip in tips) and not any(HOSTILE in tip for tip in tips)
    html = _page(payload)
    assert "<img src=x" not in html and "{{ 6*7 }}" not in html


def test_the_sites_layer_speaks_of_sites_and_draws_the_conflict_lines(linked):
    _, frames = linked
    payload = _sites_payload(frames)
    assert payload["count"]["html"].startswith(f"{len(frames['sites'])} điểm mộ")
    html = _page(payload)
    assert "site-conflict" in html
    assert "Điểm mộ" in html and "Vị trí các lời kể" in html  # the popup's labels are the site's


def test_sites_are_summed_in_cells_at_scale_and_draw_no_conflict_lines(linked):
    _, frames = linked
    payload = _sites_payload(frames, NATIONAL)
    assert payload["mode"] == "cells" and payload["conflicts"] == []
    assert sum(cell[2] for cell in payload["cells"]) == int(frames["sites"].geometry.notna().sum())
    assert "điểm mộ ở đây" in payload["cell_tip"]


def test_the_map_filters_narrow_sites_by_the_fields_they_have(linked):
    ids, frames = linked
    spec = query.FilterSpec(provinces_34=("VN-25",), units=("Đại đội 552",), year_from=1968, year_to=1968)
    chosen = query.apply(frames["sites"], spec)
    assert {ids["agreed"], ids["apart"]} <= set(chosen["id"])
    assert len(chosen) < len(frames["sites"])
    assert (
        query.apply(frames["sites"], query.FilterSpec(statuses=("identified",)))["id"].isin([ids["agreed"]]).sum() == 0
    )
