"""The README's benchmark table, written from bench/results.json: python -m bench.table"""

from __future__ import annotations

import json

from bench.run import RESULTS

KB = 1e3


def _size(n_bytes: float) -> str:
    return f"{n_bytes / 1e6:.2f} MB" if n_bytes >= 1e6 else f"{n_bytes / KB:.0f} kB"


def _row(n: str, m: dict) -> str:
    return (
        f"| {int(n):,} | {m['national_app_build_s']:.2f} s, {_size(m['national_app_bytes'])} "
        f"| {m['national_explore_build_s']:.2f} s, {_size(m['national_explore_bytes'])} "
        f"| {m['national_fast_cluster_build_s']:.2f} s, {_size(m['national_fast_cluster_bytes'])} "
        f"| {m['national_bytes_ratio_explore']:.0f}× / {m['national_bytes_ratio_fast_cluster']:.0f}×, "
        f"{m['national_build_ratio_explore']:.0f}× / {m['national_build_ratio_fast_cluster']:.1f}× "
        f"| {m['province_app_build_s']:.2f} s, {_size(m['province_app_bytes'])} "
        f"({m['province_fast_cluster_build_s']:.2f} s, {_size(m['province_fast_cluster_bytes'])}) "
        f"| {_size(m['any_zoom_max_bytes'])} (zoom {m['any_zoom_max_at']}) "
        f"| {m['pan_s']:.2f} s, {_size(m['pan_bytes'])} "
        f"| {m['query_app_s'] * 1000:.1f} ms ({m['query_pandas_s'] * 1000:.1f}) "
        f"| {m['geojson_vs_bare']:.2f}× / {m['gpkg_vs_bare']:.2f}× "
        f"| {m.get('first_markers_s', float('nan')):.1f} s | {m.get('peak_rss_mb', float('nan')):.0f} MB |"
    )


def markdown(results: dict) -> str:
    lines = [
        "| reports | app map, national | `explore()` | `FastMarkerCluster` "
        "| fewer bytes, faster build than explore / FastMarkerCluster "
        "| app map, Quảng Trị (FastMarkerCluster) | most bytes at any zoom | one pan "
        "| FilterSpec query (pandas mask) | GeoJSON / GPKG vs bare write "
        "| first reports drawn in Chromium (app just started) | app peak RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
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
