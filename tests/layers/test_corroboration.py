"""Testimonies of one grave are suggested as a pair, decoys are not; the suggestion's quality is
measured on a generated set whose truth is known, and printed."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from layers.corroboration import MARGIN_M, pair_key, suggest

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ")
MIDDLE = ("Văn", "Đình", "Hữu", "Quang", "Minh", "Xuân")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Lâm", "Nam", "Phúc", "Sơn", "Thắng", "Toàn", "Vinh")
PLACES = ("gốc đa", "bờ suối Khe Sanh", "chân đồi 544", "hố bom cạnh đường 9", "ngầm tràn", "nương sắn cũ")
M_PER_DEG = 111_320.0


def _report(i, lon, lat, name, unit, year, place, uncertainty=200.0) -> dict:
    return {
        "id": f"r{i:04d}",
        "martyr_names": name,
        "unit": unit,
        "year_from": year,
        "year_to": year,
        "place_description": place,
        "uncertainty_m": uncertainty,
        "status": "new",
        "geometry": shapely.Point(lon, lat),
    }


def _frame(rows: list[dict]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)


def _moved(lon: float, lat: float, metres: float, bearing: float) -> tuple[float, float]:
    dlat = metres * math.cos(bearing) / M_PER_DEG
    dlon = metres * math.sin(bearing) / (M_PER_DEG * math.cos(math.radians(lat)))
    return lon + dlon, lat + dlat


def _spelled(name: str, rng: np.random.Generator) -> str:
    """How another witness writes the same name: without diacritics, or the given name first."""
    way = rng.integers(3)
    if way == 0:
        from geo.text import strip_marks

        return strip_marks(name)
    if way == 1:
        parts = name.split()
        return " ".join([parts[-1], *parts[:-1]])
    return name.upper()


def _generated(seed: int = 15, graves: int = 60) -> tuple[pd.DataFrame, set[frozenset[str]]]:
    """Graves told by 2–3 witnesses (other spelling, other unit form, within their uncertainty),
    plus decoys: the same name and year in another unit 30 km away, and unrelated reports."""
    rng = np.random.default_rng(seed)
    rows, truth, i = [], set(), 0
    for g in range(graves):
        lon, lat = 106.6 + rng.uniform(0, 0.8), 16.4 + rng.uniform(0, 0.6)
        name = f"{FAMILY[rng.integers(10)]} {MIDDLE[rng.integers(6)]} {GIVEN[rng.integers(14)]}"
        number = 100 + g * 7
        year = int(1966 + rng.integers(9))
        place = PLACES[rng.integers(len(PLACES))]
        told = []
        for k in range(int(rng.integers(2, 4))):
            unit = (f"C{number}", f"Đại đội {number}", f"c {number}")[k % 3]
            where = _moved(lon, lat, rng.uniform(0, 350), rng.uniform(0, 2 * math.pi))
            spelled = name if k == 0 else _spelled(name, rng)
            if k == 2 and rng.random() < 0.5:
                spelled = "Chưa rõ tên"  # the third witness saw the grave, not the name
            told_year = year + (1 if k and rng.random() < 0.3 else 0)  # "năm sau đó"
            rows.append(_report(i, *where, spelled, unit, told_year, f"{place}, lời kể {k}"))
            told.append(f"r{i:04d}")
            i += 1
        truth |= {pair_key(a, b) for n, a in enumerate(told) for b in told[n + 1 :]}
        decoy = _moved(lon, lat, 30_000, rng.uniform(0, 2 * math.pi))
        rows.append(_report(i, *decoy, name, f"C{number + 3}", year, place))  # same name, other unit, 30 km
        i += 1
        nearby = _moved(lon, lat, rng.uniform(300, 700), rng.uniform(0, 2 * math.pi))
        other = f"{FAMILY[(g + 3) % 10]} {MIDDLE[(g + 1) % 6]} {GIVEN[(g + 5) % 14]}"
        rows.append(_report(i, *nearby, other, f"C{number + 5}", year, "rừng le"))  # another grave on the hill
        i += 1
    for _ in range(graves):  # unrelated reports scattered over the same hills
        lon, lat = 106.6 + rng.uniform(0, 0.8), 16.4 + rng.uniform(0, 0.6)
        name = f"{FAMILY[rng.integers(10)]} {MIDDLE[rng.integers(6)]} {GIVEN[rng.integers(14)]}"
        rows.append(_report(i, lon, lat, name, f"C{rng.integers(900, 999)}", int(1966 + rng.integers(9)), "rừng"))
        i += 1
    return _frame(rows), truth


def test_two_testimonies_of_one_grave_are_suggested_with_every_factor_shown():
    reports = _frame(
        [
            _report(1, 107.0, 16.8, "Nguyễn Văn Hùng", "C552", 1968, "gốc đa cạnh suối"),
            _report(2, 107.002, 16.8012, "Hung Nguyen Van", "Đại đội 552", 1968, "cạnh suối, gốc đa to"),
        ]
    )
    (pair,) = suggest(reports)
    assert {pair.a, pair.b} == {"r0001", "r0002"} and pair.score > 0.8
    names = {f.name: f for f in pair.factors}
    assert set(names) == {"names", "unit", "years", "place", "distance"}
    assert names["unit"].score == 1.0 and "cùng" in names["unit"].said  # C552 is Đại đội 552
    assert names["names"].score > 0.9 and names["distance"].score > 0


def test_a_decoy_of_the_same_name_in_another_unit_30_km_away_is_not_suggested():
    reports = _frame(
        [
            _report(1, 107.0, 16.8, "Nguyễn Văn Hùng", "C552", 1968, "gốc đa"),
            _report(2, 107.28, 16.8, "Nguyễn Văn Hùng", "C555", 1968, "gốc đa"),
        ]
    )
    assert suggest(reports) == []


def test_a_rejected_pair_is_not_suggested_again():
    reports = _frame(
        [
            _report(1, 107.0, 16.8, "Nguyễn Văn Hùng", "C552", 1968, "gốc đa"),
            _report(2, 107.001, 16.8, "Nguyễn Văn Hùng", "C552", 1968, "gốc đa"),
        ]
    )
    assert len(suggest(reports)) == 1
    assert suggest(reports, rejected={pair_key("r0002", "r0001")}) == []


def test_reports_without_a_position_are_never_paired():
    reports = _frame(
        [
            _report(1, 107.0, 16.8, "Nguyễn Văn Hùng", "C552", 1968, "gốc đa"),
            {**_report(2, 107.0, 16.8, "Nguyễn Văn Hùng", "C552", 1968, "gốc đa"), "geometry": None},
        ]
    )
    assert suggest(reports) == []


def test_an_approximate_area_pairs_with_the_points_its_radius_allows():
    area = {
        **_report(2, 0, 0, "Nguyễn Văn Hùng", "C552", 1968, "gốc đa"),
        "geometry": None,
        "position_source": "place_name",
        "area_lon": 107.03,
        "area_lat": 16.8,
        "area_radius_m": 5000.0,
    }
    reports = _frame([_report(1, 107.0, 16.8, "Nguyễn Văn Hùng", "C552", 1968, "gốc đa"), area])
    (pair,) = suggest(reports)
    assert pair.allowed_m == pytest.approx(200 + 5000 + MARGIN_M) and pair.distance_m < pair.allowed_m


def test_on_a_generated_set_with_a_known_truth_precision_and_recall_are_high(capsys):
    reports, truth = _generated()
    found = {pair_key(p.a, p.b) for p in suggest(reports)}
    hits = len(found & truth)
    precision, recall = hits / max(len(found), 1), hits / len(truth)
    with capsys.disabled():
        print(f"\ncorroboration: {len(truth)} true pairs, {len(found)} suggested, "
              f"precision {precision:.3f}, recall {recall:.3f}")  # fmt: skip
    assert precision >= 0.9 and recall >= 0.85


def test_sites_suggest_on_the_command_line_shows_each_person_the_pairs_of_reports_they_work_on(tmp_path):
    from layers.access import system
    from layers.store import Store
    from tests.cli_helpers import run_module
    from tests.layers.people import QT, build

    url = f"sqlite:///{tmp_path / 'campaign.sqlite'}"
    store = Store.open(url)
    build(store)
    told = [
        {**_report(1, 107.0, 16.8, "Nguyễn Văn Hùng", "C552", 1968, "gốc đa cạnh suối"), "id": "told-1"},
        {**_report(2, 107.002, 16.8012, "Hung Nguyen Van", "Đại đội 552", 1968, "gốc đa"), "id": "told-2"},
    ]
    store.insert("reports", [{**r, "chapter_id": QT, "province_34": "VN-25"} for r in told], viewer=system())
    store.engine.dispose()

    def suggest_as(username: str):
        return run_module("layers", "sites", "suggest", "--province", "Quảng Trị", "--db", url, "--as", username)

    done = suggest_as("qt.tinh")
    assert done.returncode == 0, done.stderr
    pairs = json.loads(done.stdout)
    assert sorted(pairs[0]["reports"]) == ["told-1", "told-2"]  # the best pair comes first
    assert {f["name"] for f in pairs[0]["factors"]} == {"names", "unit", "years", "place", "distance"}
    seen = {r for p in json.loads(suggest_as("na.ghi").stdout) for r in p["reports"]}
    assert not seen & {"told-1", "told-2"}  # Nghệ An's recorder does not work on Quảng Trị's reports
    refused = suggest_as("doitac")
    assert refused.returncode == 2 and refused.stderr.startswith("Lỗi: ") and len(refused.stderr.splitlines()) == 1
