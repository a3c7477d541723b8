"""What the benchmark measures, one function per measure, each on the same rows as its baselines."""

from __future__ import annotations

import csv
import io
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

from layers.access import system
from layers.aggregate import View
from layers.exporters.formats import ExportOptions, export
from layers.exporters.selection import EXPORTABLE, Selection
from layers.importers.reports import import_reports
from layers.query import FilterSpec, mask, prepare
from layers.seed import seed_reference
from layers.store import Store
from ui.mapview import MapOptions, build_map
from ui.reports_view import Positions, display_trips, view_layer, view_payload
from ui.static_files import basemap_file
from ui.view_state import current_view, opening_bounds

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
    return {name: store.frame(name, system()) for name in EXPORTABLE}


@dataclass(frozen=True)
class AppMap:
    """The app's map for one filter, as the page builds it: the rows the filter selects, the map
    without the reports, the layer of the first view and the strings st_folium sends."""

    component_bytes: int  # script, html, header and view layer, as streamlit-folium sends them
    static_bytes: int  # boundary files the browser fetches once (not again when panning)
    view: View

    @property
    def size(self) -> int:
        return self.component_bytes + self.static_bytes


def component_bytes(folium_map: folium.Map, layer: folium.FeatureGroup) -> int:
    """The bytes of st_folium's arguments for this map and view layer (its own rendering steps)."""
    import streamlit_folium as sf  # private helpers: the exact strings the component receives

    folium_map.render()
    parts = (sf._get_html(folium_map), sf._get_header(folium_map), sf.generate_leaflet_string(folium_map))
    parts += (sf._get_feature_group_string(layer, map=folium_map),)
    return sum(len(p.encode()) for p in parts)


def app_map(source: Source, spec: FilterSpec, view: View | None = None) -> AppMap:
    """Everything the server does for the map after a filter change (view None: the view the
    new map opens on) or for a pan to `view`."""
    rows = np.flatnonzero(mask(source.prepared, spec).to_numpy())
    positions = source.positions.take(rows)
    bounds = opening_bounds(spec, positions)
    view = view or current_view(None, False, bounds, None)
    options = MapOptions()
    m = build_map(source.layers["battlefields"], source.layers["cemeteries"], options, bounds)
    layer = view_layer(view_payload(source.prepared, positions, source.trips, view, options), options)
    static = sum(basemap_file(level).stat().st_size for level in ("34", "neighbours"))
    return AppMap(component_bytes(m, layer), static, view)


@dataclass
class Source:
    """The stored layers, prepared once as the app caches them per data version."""

    layers: dict[str, gpd.GeoDataFrame]

    def __post_init__(self) -> None:
        self.prepared = prepare(self.layers["reports"])
        self.positions = Positions.of(self.prepared)
        self.trips = display_trips(self.layers["trips"])


def zoom_sweep(source: Source, spec: FilterSpec) -> dict[int, int]:
    """Bytes sent at every zoom from the country to a village, centred on the busiest place."""
    positions = source.positions
    located = ~np.isnan(positions.lon)
    lon, lat = positions.lon[located], positions.lat[located]
    # The busiest 0.05-degree square: where the most reports sit close together.
    keys = np.floor(lon / 0.05).astype(np.int64) * 100_000 + np.floor(lat / 0.05).astype(np.int64)
    values, counts = np.unique(keys, return_counts=True)
    busiest = values[counts.argmax()]
    cx, cy = (busiest // 100_000 + 0.5) * 0.05, (busiest % 100_000 + 0.5) * 0.05
    out = {}
    for zoom in range(5, 17):
        half_x = 470 * 360 / (256 * 2**zoom)
        half_y = half_x * 620 / 940 * np.cos(np.radians(cy))
        out[zoom] = app_map(source, spec, View(zoom, cx - half_x, cy - half_y, cx + half_x, cy + half_y)).size
    return out


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


OFFLINE_STOPS = (106.93, 16.88, 107.13, 17.05)  # Gio Linh and its neighbours, ~21 × 19 km of stops


def offline_frames(sites: int) -> tuple[dict[str, gpd.GeoDataFrame], object]:
    """A district's `sites` sites, numbered along a route through them (west to east), as the
    plan command hands them to the offline package."""
    import shapely

    rng = np.random.default_rng(1)
    minx, miny, maxx, maxy = OFFLINE_STOPS
    lon, lat = rng.uniform(minx, maxx, sites), rng.uniform(miny, maxy, sites)
    order = np.argsort(lon)
    frame = gpd.GeoDataFrame(
        {
            "id": [f"s{i}" for i in range(sites)],
            "name": [f"Điểm mộ {i}" for i in range(sites)],
            "status": "new",
            "order": np.argsort(order) + 1,
            "uncertainty_m": rng.uniform(20, 500, sites),
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    )
    return {"sites": frame}, shapely.LineString(np.column_stack([lon[order], lat[order]]))


def offline_package_times(sites: int, runs: int) -> dict[str, Timing]:
    """The offline package of a district (vector MBTiles and PMTiles, the drawing and its OsmAnd
    copy) against the floor measured on the same layers in the same run: those layers written
    once to a GeoPackage by pyogrio, what any package must at least cost."""
    from layers.exporters.offline_maps import tile_layers, trip_area, write_offline_maps

    layers_in, route = offline_frames(sites)

    def package() -> int:
        with tempfile.TemporaryDirectory() as tmp:
            files = write_offline_maps(Path(tmp), OFFLINE_STOPS, layers_in, route, name="huyen")
            return sum(f.stat().st_size for f in files)

    def bare() -> int:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bare.gpkg"
            for index, (name, frame) in enumerate(tile_layers(trip_area(OFFLINE_STOPS), layers_in, route).items()):
                pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", append=index > 0)
            return path.stat().st_size

    return {"app": median_of(runs, package), "bare_gpkg": median_of(runs, bare)}
