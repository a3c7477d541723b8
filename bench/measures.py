"""What the benchmark measures, one function per measure, each on the same rows as its baselines."""

from __future__ import annotations

import csv
import io
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from folium.plugins import FastMarkerCluster

from geo.admin import boundaries
from layers.aggregate import View, aggregate
from layers.exporters.formats import ExportOptions, export
from layers.exporters.selection import EXPORTABLE, Selection
from layers.importers.reports import import_reports
from layers.query import FilterSpec, mask, prepare
from layers.seed import seed_reference
from layers.store import Store
from ui.mapview import MapOptions, build_map

QUERY = FilterSpec(place="Quảng Trị", units=("C552",), year_from=1968, year_to=1972)
PROVINCE = FilterSpec(place="Quảng Trị")


@dataclass(frozen=True)
class Timing:
    seconds: float
    size: int = 0  # bytes, where a measure produces a file or a page


def median_of(runs: int, fn: Callable[[], int]) -> Timing:
    """The median time of `runs` calls; `fn` returns the bytes it produced (0 if none)."""
    results = []
    for _ in range(runs):
        start = time.perf_counter()
        size = fn()
        results.append((time.perf_counter() - start, size))
    return Timing(statistics.median(r[0] for r in results), results[-1][1])


def frames(store: Store) -> dict[str, gpd.GeoDataFrame]:
    return {name: store.frame(name) for name in EXPORTABLE}


def app_map_bytes(layers: dict[str, gpd.GeoDataFrame], reports: gpd.GeoDataFrame) -> int:
    """The app's map for these reports, rendered to the HTML the browser receives."""
    m = build_map(
        reports,
        layers["battlefields"],
        layers["cemeteries"],
        layers["trips"],
        boundaries("34"),
        boundaries("neighbours"),
        MapOptions(),
    )
    return len(m.get_root().render().encode())


def explore_bytes(reports: gpd.GeoDataFrame) -> int:
    """Baseline 1: GeoDataFrame.explore() on the located reports (a few columns, as a tooltip)."""
    located = reports[reports.geometry.notna()][["id", "martyr_names", "status", "geometry"]]
    return len(located.explore().get_root().render().encode())


def fast_cluster_bytes(reports: gpd.GeoDataFrame) -> int:
    """Baseline 2: folium's FastMarkerCluster of the located reports' positions."""
    located = reports[reports.geometry.notna()]
    m = folium.Map(location=[16, 106], zoom_start=6)
    FastMarkerCluster(list(zip(located.geometry.y, located.geometry.x, strict=True))).add_to(m)
    return len(m.get_root().render().encode())


def aggregate_bytes(reports: gpd.GeoDataFrame) -> int:
    """What server-side aggregation (layers/aggregate.py, not yet wired into the map) would send
    for the national view: the clusters as JSON."""
    view = View(6, 100.0, 7.0, 112.0, 24.0)
    located = reports.geometry.notna()
    lon = np.where(located, reports.geometry.x.where(located), np.nan)
    lat = np.where(located, reports.geometry.y.where(located), np.nan)
    result = aggregate(lon, lat, reports["status"].to_numpy(), view)
    payload = result.clusters.round(5).to_dict("split") if not result.individual else result.points.tolist()
    return len(json.dumps(payload).encode())


def pandas_mask(reports: pd.DataFrame) -> pd.Series:
    """The floor for QUERY: the same rows with a hand-written boolean mask."""
    first = reports["year_from"].fillna(reports["year_to"])
    last = reports["year_to"].fillna(reports["year_from"])
    return (
        reports["province_34"].eq("VN-25")
        & reports["unit"].str.contains("552", regex=False, na=False)
        & (((first <= 1972) & (last >= 1968)) | first.isna())
    )


def query_times(reports: gpd.GeoDataFrame, runs: int) -> tuple[Timing, Timing, int]:
    prepared = prepare(reports)
    app = median_of(runs, lambda: int(mask(prepared, QUERY).sum()))
    plain = median_of(runs, lambda: int(pandas_mask(reports).sum()))
    return app, plain, int(mask(prepared, QUERY).sum())


def export_times(reports: gpd.GeoDataFrame, runs: int) -> dict[str, Timing]:
    """All reports to GeoJSON and GeoPackage through the app, and the bare pyogrio write (the floor)."""
    selection = Selection(FilterSpec(), {"reports": reports})
    out: dict[str, Timing] = {}
    for fmt, driver in (("geojson", "GeoJSON"), ("gpkg", "GPKG")):
        out[f"app_{fmt}"] = median_of(runs, lambda f=fmt: len(export(selection, f, ExportOptions()).data))

        def bare(d: str = driver) -> int:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"bare.{d.lower()}"
                pyogrio.write_dataframe(reports, path, driver=d)
                return path.stat().st_size

        out[f"bare_{fmt}"] = median_of(runs, bare)
    return out


def import_csv(rows: int, source: gpd.GeoDataFrame) -> bytes:
    """A chapter's CSV of `rows` reports with decimal coordinates, from demo records."""
    sample = source[source.geometry.notna()].sample(rows, replace=True, random_state=1)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Họ tên liệt sĩ", "Đơn vị", "Từ năm", "Đến năm", "Mô tả vị trí", "Tọa độ", "Trạng thái"])
    for i, (_, r) in enumerate(sample.iterrows()):
        writer.writerow(
            [
                f"{r['martyr_names']} {i}",  # distinct rows: none is a duplicate of another
                r["unit"],
                "" if pd.isna(r["year_from"]) else int(r["year_from"]),
                "" if pd.isna(r["year_to"]) else int(r["year_to"]),
                r["place_description"],
                f"{r.geometry.y:.6f}, {r.geometry.x:.6f}",
                "Mới nhận",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def import_throughput(data: bytes, rows: int) -> Timing:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{tmp}/import.sqlite")
        seed_reference(store)
        start = time.perf_counter()
        result = import_reports(store, "bench.csv", data, datum="wgs84")
        seconds = time.perf_counter() - start
        store.engine.dispose()
    if result.accepted != rows:
        raise RuntimeError(f"import accepted {result.accepted} of {rows} rows")
    return Timing(seconds, len(data))
