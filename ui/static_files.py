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
from layers.failures import log_failure

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STATIC_URL = "/app/static"


@lru_cache(maxsize=3)
def basemap_file(level: str) -> Path:
    """static/basemap/<level>.<hash>.json for '34', '63' or 'neighbours', written if missing.

    Raises OSError when static/ cannot be written."""
    text = display_geojson(level)
    path = STATIC_DIR / "basemap" / f"{level}.{content_hash(text)}.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a browser never reads half a file, two processes never clash.
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp") as out:
            temporary = Path(out.name)
        try:
            temporary.write_text(text, encoding="utf-8")
            temporary.chmod(0o644)  # readable by whoever serves static/, like the files set-up fetched
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    return path


def basemap_url(level: str) -> str:
    """The address the browser fetches the level from. If static/ cannot be written the map still
    works on online tiles, without the offline basemap; the failure is logged, not shown."""
    try:
        name = basemap_file(level).name
    except OSError as error:
        log_failure("basemap file", error)
        name = f"{level}.missing.json"
    return f"{STATIC_URL}/basemap/{name}"
