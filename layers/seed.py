"""Filling a store: reference layers once, demo data on request or on first start."""

from __future__ import annotations

from layers import demo
from layers.reference import battlefield_records, cemetery_records
from layers.store import Store

DEFAULT_DEMO_REPORTS = 2000
DEFAULT_DEMO_SEED = 7


def seed_reference(store: Store) -> dict[str, int]:
    """Load battlefields and cemeteries from data/ into empty layers; returns rows added."""
    added = {}
    for name, records in (("battlefields", battlefield_records), ("cemeteries", cemetery_records)):
        added[name] = 0 if store.count(name) else store.insert(name, records(), author="data/battlefields.csv")
    return added


def load_demo(store: Store, reports: int = DEFAULT_DEMO_REPORTS, seed: int = DEFAULT_DEMO_SEED) -> dict[str, int]:
    """Replace all demo records by a freshly generated demo set; real records are untouched."""
    data = demo.generate(reports, seed)
    store.delete_demo()
    return {
        "chapters": store.insert("chapters", data.chapters, author="demo"),
        "reports": store.insert("reports", data.reports, author="demo"),
        "trips": store.insert("trips", data.trips, author="demo"),
    }


def ensure_ready(store: Store) -> None:
    """First start: reference layers, and the demo data set when the store holds no reports."""
    seed_reference(store)
    if store.count("reports") == 0 and store.count("chapters") == 0:
        load_demo(store)
