"""Reference layers shipped in data/: former battlefields and martyrs' cemeteries.

Only sourced coordinates are used. A row whose source gave no coordinate stays in
its layer without geometry ("unlocated"); nothing is guessed.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
from shapely.geometry import Point

from geo.admin import DATA, lookup, province_table_34, provinces_at

_WARS = {
    "resistance against france": "france",
    "against the us": "us",
    "southwest border": "southwest",
    "northern border": "north",
}


def _war_codes(text: str) -> str:
    lowered = text.lower()
    return ",".join(code for key, code in _WARS.items() if key in lowered)


def _cemetery_level(name: str) -> str:
    return "national" if ("quốc gia" in name or "quốc tế" in name) else "provincial"


@lru_cache(maxsize=1)
def battlefield_table() -> pd.DataFrame:
    """data/battlefields.csv with province codes filled from coordinates or the named province."""
    df = pd.read_csv(DATA / "battlefields.csv", dtype=str).fillna("")
    df["lat"] = pd.to_numeric(df["lat"].replace("", None), errors="coerce")
    df["lon"] = pd.to_numeric(df["lon"].replace("", None), errors="coerce")
    located = df["lat"].notna() & df["lon"].notna()
    where = provinces_at(df.loc[located, "lon"], df.loc[located, "lat"]).set_index(df.index[located])
    df["province_63"] = where["province_63"].reindex(df.index)
    df["province_34"] = where["province_34"].reindex(df.index)
    for i in df.index[df["province_34"].isna()]:
        found = lookup(df.at[i, "province_today"])
        if found:
            df.at[i, "province_34"] = _code_34(found[0].provinces_34[0]) if found[0].provinces_34 else None
    return df


def _code_34(name: str) -> str:
    table = province_table_34()
    return table.loc[table["name"] == name, "code"].iloc[0]


def _common(row: pd.Series) -> dict:
    geometry = None if pd.isna(row["lat"]) else Point(float(row["lon"]), float(row["lat"]))
    return {
        "name": row["name_vi"],
        "name_en": row["name_en"],
        "province_34": None if pd.isna(row["province_34"]) else row["province_34"],
        "province_63": None if pd.isna(row["province_63"]) else row["province_63"],
        "source": row["source_url"],
        "coord_status": row["coord_status"] or ("unlocated" if geometry is None else ""),
        "notes": row["notes"],
        "geometry": geometry,
    }


def _year(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


def battlefield_records() -> list[dict]:
    """Every row of battlefields.csv except pure cemeteries, as battlefield records."""
    df = battlefield_table()
    rows = df[df["kind"] != "cemetery"]
    return [
        {
            **_common(r),
            "war": _war_codes(r["war"]),
            "year_from": _year(r["period_start"]),
            "year_to": _year(r["period_end"]),
            "kind": r["kind"],
        }
        for _, r in rows.iterrows()
    ]


def cemetery_records() -> list[dict]:
    """Every row of battlefields.csv whose kind names a cemetery, as cemetery records."""
    df = battlefield_table()
    rows = df[df["kind"].str.contains("cemetery")]
    return [{**_common(r), "level": _cemetery_level(r["name_vi"])} for _, r in rows.iterrows()]
