"""Files the app writes into static/ for the browser: the simplified boundaries of the map.

Each file is named by its content hash, so a browser never keeps an outdated one and a file is
written once per content (set-up does not need to know about them; they are not committed).
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path

from geo.display import content_hash, display_geojson

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STATIC_URL = "/app/static"


@lru_cache(maxsize=3)
def basemap_file(level: str) -> Path:
    """static/basemap/<level>.<hash>.json for '34', '63' or 'neighbours', written if missing."""
    text = display_geojson(level)
    path = STATIC_DIR / "basemap" / f"{level}.{content_hash(text)}.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a browser never reads half a file, two processes never clash.
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp") as out:
            out.write(text)
        os.replace(out.name, path)
    return path


def basemap_url(level: str) -> str:
    return f"{STATIC_URL}/basemap/{basemap_file(level).name}"
