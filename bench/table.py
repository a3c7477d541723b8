"""The README's benchmark table, written from bench/results.json: python -m bench.table"""

from __future__ import annotations

import json

from bench.run import RESULTS


def _row(n: str, m: dict) -> str:
    mb = 1e6
    return (
        f"| {int(n):,} | {m['national_app_build_s']:.2f} s, {m['national_app_bytes'] / mb:.1f} MB "
        f"| {m['national_explore_build_s']:.2f} s, {m['national_explore_bytes'] / mb:.1f} MB "
        f"| {m['national_fast_cluster_build_s']:.2f} s, {m['national_fast_cluster_bytes'] / mb:.2f} MB "
        f"| {m.get('national_aggregate_s', float('nan')) * 1000:.0f} ms, "
        f"{m.get('national_aggregate_bytes', float('nan')) / 1000:.0f} kB "
        f"| {m['province_app_build_s']:.2f} s, {m['province_app_bytes'] / mb:.1f} MB "
        f"| {m['query_app_s'] * 1000:.1f} ms ({m['query_pandas_s'] * 1000:.1f}) "
        f"| {m['geojson_vs_bare']:.2f}× / {m['gpkg_vs_bare']:.2f}× "
        f"| {m.get('first_markers_s', float('nan')):.1f} s | {m.get('peak_rss_mb', float('nan')):.0f} MB |"
    )


def markdown(results: dict) -> str:
    lines = [
        "| reports | app map, national | `explore()` | `FastMarkerCluster` | server clusters (not wired) "
        "| app map, Quảng Trị | FilterSpec query (pandas mask) | GeoJSON / GPKG vs bare write "
        "| first markers in Chromium | app peak RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(_row(n, m) for n, m in results["sizes"].items()),
        "",
        f"Import of a {results['import']['rows']:,}-row CSV: {results['import']['rows_per_s']:,.0f} rows/s.",
        "",
        "Budgets at the largest size: "
        + "; ".join(
            f"{name}: {'met' if ok else '**missed**'}" for name, ok in results["budgets_met_at_largest"].items()
        )
        + ".",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(json.loads(RESULTS.read_text())))
