"""Benchmark: demo data generation, store round trip and map build at several sizes.

Run: python -m bench.run [--sizes 2000,20000] [--repeat 3]
Prints a table and writes bench/results.json (medians of --repeat runs).
Timings live here, never in the test suite.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path

from geo.admin import boundaries
from layers.demo import generate
from layers.query import FilterSpec, mask, prepare
from layers.seed import load_demo, seed_reference
from layers.store import Store
from ui.mapview import MapOptions, build_map

RESULTS = Path(__file__).resolve().parent / "results.json"


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def measure(n: int) -> dict[str, float]:
    """One run at n reports: seconds for each step and the map's size in bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{tmp}/bench.sqlite")
        seed_reference(store)
        generate_s, _ = _timed(lambda: generate(n, seed=1))
        load_s, _ = _timed(lambda: load_demo(store, n, seed=1))
        read_s, frames = _timed(lambda: {k: store.frame(k) for k in ("reports", "battlefields", "cemeteries", "trips")})
        prepare_s, reports = _timed(lambda: prepare(frames["reports"]))
        spec = FilterSpec(place="Quảng Trị", units=("C552",), year_from=1968, year_to=1972)
        query_s = statistics.median(_timed(lambda: mask(reports, spec))[0] for _ in range(5))
        provinces, neighbours = boundaries("34"), boundaries("neighbours")
        build_s, html = _timed(
            lambda: (
                build_map(
                    reports,
                    frames["battlefields"],
                    frames["cemeteries"],
                    frames["trips"],
                    provinces,
                    neighbours,
                    MapOptions(),
                )
                .get_root()
                .render()
            )
        )
        store.engine.dispose()
    return {
        "generate_s": generate_s,
        "generate_and_insert_s": load_s,
        "read_layers_s": read_s,
        "prepare_filters_s": prepare_s,
        "filter_query_s": query_s,
        "map_build_s": build_s,
        "map_bytes": float(len(html.encode())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "runs": args.repeat,
        "sizes": {},
    }
    print(
        f"{'reports':>8} {'generate':>9} {'gen+insert':>10} {'read':>7} {'prepare':>8} {'query':>8} "
        f"{'map build':>9} {'map MB':>7}"
    )
    for n in (int(s) for s in args.sizes.split(",")):
        runs = [measure(n) for _ in range(args.repeat)]
        median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        results["sizes"][str(n)] = median
        m = median
        print(
            f"{n:>8} {m['generate_s']:>8.2f}s {m['generate_and_insert_s']:>9.2f}s "
            f"{m['read_layers_s']:>6.2f}s {m['prepare_filters_s']:>7.2f}s {m['filter_query_s'] * 1000:>6.1f}ms "
            f"{m['map_build_s']:>8.2f}s {m['map_bytes'] / 1e6:>7.2f}"
        )
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
