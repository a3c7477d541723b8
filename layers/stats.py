"""Counts for the command line and the dashboard."""

from __future__ import annotations

from geo.admin import province_names
from layers.access import Viewer
from layers.schema import POSITION_SOURCES, STORED_LAYERS
from layers.store import Store


def stats(store: Store, viewer: Viewer) -> dict:
    """Counts per layer, reports per status, per position source and per province of today (by
    name), of the records this person may see."""
    names = province_names("34")
    by_province = store.counts_by("reports", "province_34", viewer)
    by_position = store.counts_by("reports", "position_source", viewer)
    unknown = POSITION_SOURCES[-1].code
    return {
        "layers": {layer.name: store.count(layer.name, viewer) for layer in STORED_LAYERS},
        "reports_by_status": store.counts_by("reports", "status", viewer),
        # có tọa độ / ước lượng theo địa danh / chưa xác định, every code present
        "reports_by_position": {
            t.code: by_position.get(t.code, 0) + (by_position.get("", 0) if t.code == unknown else 0)
            for t in POSITION_SOURCES
        },
        "reports_by_province": {names.get(code, code or "(chưa rõ)"): n for code, n in sorted(by_province.items())},
        "demo": store.has_demo(),
    }
