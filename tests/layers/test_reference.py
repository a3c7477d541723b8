import pandas as pd

from geo.admin import DATA, province_at
from layers.reference import battlefield_records, cemetery_records
from layers.seed import seed_reference


def _csv() -> pd.DataFrame:
    return pd.read_csv(DATA / "battlefields.csv", dtype=str)


def test_every_battlefield_row_lands_in_a_layer():
    rows = _csv()
    cemeteries_only = (rows["kind"] == "cemetery").sum()
    assert len(battlefield_records()) == len(rows) - cemeteries_only
    assert len(cemetery_records()) == rows["kind"].str.contains("cemetery").sum()


def test_rows_without_a_sourced_coordinate_stay_unlocated():
    unlocated = _csv()["lat"].isna().sum()
    records = battlefield_records() + cemetery_records()
    assert unlocated > 0
    assert sum(r["geometry"] is None for r in records) == unlocated
    assert all(r["coord_status"] for r in records if r["geometry"] is None)


def test_located_sites_lie_in_the_province_the_source_names():
    for r in battlefield_records():
        if r["geometry"] is not None:
            found = province_at(r["geometry"].x, r["geometry"].y)
            assert found is not None and found["province_34"] == r["province_34"], r["name"]


def test_seeding_reference_layers_happens_once(store):
    first = seed_reference(store)
    assert first["battlefields"] > 40 and first["cemeteries"] >= 5
    assert first["chapters"] == 35
    assert seed_reference(store) == {"chapters": 0, "battlefields": 0, "cemeteries": 0}
