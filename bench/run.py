"""Benchmark: the app against folium baselines on the same rows, at several sizes.

Run: python -m bench.run [--sizes 10000,50000,200000] [--repeat 3] [--no-browser]
Prints a table and writes bench/results.json (medians of --repeat runs, ratios pair by pair).
Timings live here, never in the test suite.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

from bench import measures
from bench.app_probe import probe
from layers.access import system
from layers.seed import load_demo, seed_reference
from layers.store import Store

RESULTS = Path(__file__).resolve().parent / "results.json"
IMPORT_ROWS = 50_000
BUDGETS = {  # issue 7, at 200,000 reports on this 2-core machine
    "map_bytes_max": 1.0e6,
    "map_rebuild_s_max": 0.5,
    "query_s_max": 0.050,
    "geojson_vs_bare_max": 1.5,
    "import_rows_per_s_min": 5000,
    "peak_rss_mb_max": 1536,
    "bytes_vs_best_baseline_min": 8.0,
    "build_vs_best_baseline_min": 5.0,
}


def _map_measures(source: measures.Source, spec, runs: int, view: str) -> dict[str, float]:
    """The app's map after a filter change against both baselines on the same filtered rows."""
    reports = source.layers["reports"]
    chosen = reports[measures.mask(source.prepared, spec).to_numpy()]
    out = {}
    for name, fn in (
        ("app", lambda: measures.app_map(source, spec).size),
        ("explore", lambda: measures.explore_bytes(chosen)),
        ("fast_cluster", lambda: measures.fast_cluster_bytes(chosen)),
    ):
        timing = measures.median_of(runs, fn)
        out[f"{view}_{name}_build_s"] = timing.seconds
        out[f"{view}_{name}_bytes"] = timing.size
    best_bytes = min(out[f"{view}_explore_bytes"], out[f"{view}_fast_cluster_bytes"])
    best_build = min(out[f"{view}_explore_build_s"], out[f"{view}_fast_cluster_build_s"])
    out[f"{view}_bytes_ratio_best_baseline"] = best_bytes / out[f"{view}_app_bytes"]
    out[f"{view}_build_ratio_best_baseline"] = best_build / out[f"{view}_app_build_s"]
    for baseline in ("explore", "fast_cluster"):
        out[f"{view}_bytes_ratio_{baseline}"] = out[f"{view}_{baseline}_bytes"] / out[f"{view}_app_bytes"]
        out[f"{view}_build_ratio_{baseline}"] = out[f"{view}_{baseline}_build_s"] / out[f"{view}_app_build_s"]
    return out


def _pan_measures(source: measures.Source, runs: int) -> dict[str, float]:
    """Every zoom from the country to a village over the busiest place: the most bytes any view
    sends, and what one pan sends (the component again, without the boundary files)."""
    sweep = measures.zoom_sweep(source, measures.FilterSpec())
    first = measures.app_map(source, measures.FilterSpec())
    pan = measures.View(9, 106.5, 16.4, 107.8, 17.3)
    timing = measures.median_of(runs, lambda: measures.app_map(source, measures.FilterSpec(), pan).component_bytes)
    return {
        "any_zoom_max_bytes": max(sweep.values()),
        "any_zoom_max_at": max(sweep, key=sweep.get),
        "national_static_bytes": first.static_bytes,
        "pan_bytes": timing.size,
        "pan_s": timing.seconds,
    }


def measure(n: int, runs: int, browser: bool) -> dict[str, float]:
    """Every measure at n reports (trips scale with them: one per 25 reports)."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite"
        store = Store.open(url)
        seed_reference(store)
        start = time.perf_counter()
        load_demo(store, n, seed=1)
        result: dict[str, float] = {"generate_and_insert_s": time.perf_counter() - start}
        layers = measures.frames(store)
        reports = layers["reports"]
        result["trips"] = len(layers["trips"])
        source = measures.Source(layers)
        result |= _map_measures(source, measures.FilterSpec(), runs, "national")
        result |= _map_measures(source, measures.PROVINCE, runs, "province")
        result |= _pan_measures(source, runs)
        app, plain, hits = measures.query_times(reports, runs)
        result |= {"query_app_s": app.seconds, "query_pandas_s": plain.seconds, "query_rows": hits}
        result["query_ratio_to_pandas"] = app.seconds / plain.seconds
        exports = measures.export_times(reports, runs)
        result |= {f"export_{k}_s": v.seconds for k, v in exports.items()}
        result["geojson_vs_bare"] = exports["app_geojson"].seconds / exports["bare_geojson"].seconds
        result["gpkg_vs_bare"] = exports["app_gpkg"].seconds / exports["bare_gpkg"].seconds
        store.engine.dispose()
        if browser:
            result |= probe(url)
    return result


OFFLINE_SITES = 200  # a district's sites on one trip's route


def _offline_measures(runs: int) -> dict[str, float]:
    """The offline package of a district against its floor, the same layers written once to a bare
    GeoPackage: seconds and bytes of each, and how many times the floor the package costs."""
    timings = measures.offline_package_times(OFFLINE_SITES, runs)
    app, bare = timings["app"], timings["bare_gpkg"]
    return {
        "sites": OFFLINE_SITES,
        "app_s": app.seconds,
        "app_bytes": app.size,
        "bare_gpkg_s": bare.seconds,
        "bare_gpkg_bytes": bare.size,
        "app_vs_bare_gpkg": app.seconds / bare.seconds,
    }


def _check(largest: dict[str, float], import_rate: float) -> dict[str, bool]:
    b = BUDGETS
    return {
        "map bytes ≤ 1.0 MB at any zoom": max(largest["any_zoom_max_bytes"], largest["national_app_bytes"])
        <= b["map_bytes_max"],
        "map rebuild ≤ 0.5 s (national and province)": max(
            largest["national_app_build_s"], largest["province_app_build_s"]
        )
        <= b["map_rebuild_s_max"],
        "FilterSpec query ≤ 50 ms": largest["query_app_s"] <= b["query_s_max"],
        "GeoJSON export ≤ 1.5× bare write": largest["geojson_vs_bare"] <= b["geojson_vs_bare_max"],
        "import ≥ 5,000 rows/s": import_rate >= b["import_rows_per_s_min"],
        "peak memory ≤ 1.5 GB": largest.get("peak_rss_mb", float("inf")) <= b["peak_rss_mb_max"],
        "≥ 8× fewer bytes than best baseline": largest["national_bytes_ratio_best_baseline"]
        >= b["bytes_vs_best_baseline_min"],
        "≥ 5× faster build than best baseline": largest["national_build_ratio_best_baseline"]
        >= b["build_vs_best_baseline_min"],
    }


def _print_row(n: int, m: dict[str, float]) -> None:
    print(
        f"{n:>7} | {m['national_app_build_s']:>6.2f}s {m['national_app_bytes'] / 1e6:>6.2f}MB | "
        f"{m['national_explore_build_s']:>6.2f}s {m['national_explore_bytes'] / 1e6:>6.2f}MB | "
        f"{m['national_fast_cluster_build_s']:>6.2f}s {m['national_fast_cluster_bytes'] / 1e6:>6.2f}MB | "
        f"{m['query_app_s'] * 1000:>6.1f}ms {m['query_pandas_s'] * 1000:>6.1f}ms | "
        f"{m['geojson_vs_bare']:>4.2f}× {m['gpkg_vs_bare']:>4.2f}× | "
        f"{m.get('first_markers_s', float('nan')):>6.1f}s {m.get('peak_rss_mb', float('nan')):>6.0f}MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,200000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true", help="skip the app process and Chromium measures")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict = {"machine": platform.platform(), "python": platform.python_version(), "runs": args.repeat}
    print(
        "reports | app map build, size | explore() build, size | FastMarkerCluster | query app, pandas | "
        "GeoJSON, GPKG vs bare | first markers, peak RSS"
    )
    results["sizes"] = {}
    for n in sizes:
        m = measure(n, args.repeat, not args.no_browser)
        results["sizes"][str(n)] = m
        _print_row(n, m)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{tmp}/source.sqlite")
        load_demo(store, 5000, seed=2)
        data = measures.import_csv(IMPORT_ROWS, store.frame("reports", system()))
    timing = measures.import_throughput(data, IMPORT_ROWS)
    results["import"] = {"rows": IMPORT_ROWS, "seconds": timing.seconds, "rows_per_s": IMPORT_ROWS / timing.seconds}
    print(f"import of {IMPORT_ROWS:,} CSV rows: {timing.seconds:.1f}s, {IMPORT_ROWS / timing.seconds:,.0f} rows/s")
    offline = results["offline_package"] = _offline_measures(args.repeat)
    print(
        f"offline package of {OFFLINE_SITES} sites: {offline['app_s']:.1f}s, {offline['app_bytes'] / 1e6:.2f}MB; "
        f"bare GeoPackage {offline['bare_gpkg_s']:.2f}s, {offline['bare_gpkg_bytes'] / 1e6:.2f}MB "
        f"({offline['app_vs_bare_gpkg']:.1f}× its time)"
    )
    results["budgets"] = BUDGETS
    results["budgets_met_at_largest"] = _check(results["sizes"][str(max(sizes))], results["import"]["rows_per_s"])
    for name, ok in results["budgets_met_at_largest"].items():
        print(f"  {'met ' if ok else 'MISS'} {name}")
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
