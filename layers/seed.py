"""Filling a store: reference data once (chapters, battlefields, cemeteries), demo data on
request or on first start."""

from __future__ import annotations

import sqlalchemy as sa

from layers import demo
from layers.chapters import seed_chapters
from layers.reference import battlefield_records, cemetery_records
from layers.store import Store
from layers.tables import METADATA

DEFAULT_DEMO_REPORTS = 2000
DEFAULT_DEMO_SEED = 7


def seed_reference(store: Store) -> dict[str, int]:
    """Create the reference chapters that are missing, and load battlefields and cemeteries from
    data/ into empty layers; returns the records added per layer."""
    added = {"chapters": seed_chapters(store)}
    for name, records in (("battlefields", battlefield_records), ("cemeteries", cemetery_records)):
        added[name] = 0 if store.count(name) else store.insert(name, records(), author="data/battlefields.csv")
    return added


def load_demo(store: Store, reports: int = DEFAULT_DEMO_REPORTS, seed: int = DEFAULT_DEMO_SEED) -> dict[str, int]:
    """Replace all demo records by a freshly generated demo set; real records are untouched."""
    data = demo.generate(reports, seed)
    seed_chapters(store)  # the chapters the demo reports belong to
    store.delete_demo()
    return {
        "reports": store.insert("reports", data.reports, author="demo"),
        "trips": store.insert("trips", data.trips, author="demo"),
    }


def _never_used(store: Store) -> bool:
    """No report or trip was ever stored or imported: a fresh installation."""
    with store.engine.connect() as connection:
        imported = connection.execute(sa.select(sa.func.count()).select_from(METADATA.tables["imports"])).scalar()
    return not imported and store.count("reports") == 0 and store.count("trips") == 0


def ensure_ready(store: Store) -> None:
    """First start: reference data, and the demo data set when nothing was ever stored."""
    seed_reference(store)
    if _never_used(store):
        load_demo(store)
