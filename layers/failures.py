"""Logging a failure without what it was about: exception messages can quote user data
(a witness's address in an openpyxl error, a value in a GDAL warning), so only the type
and the code locations are written."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

LOGGER = logging.getLogger("bando")


def where(exc: BaseException) -> str:
    """'ValueError at layers/x.py:12 (f) ← ...' with no message and no values."""
    frames = traceback.extract_tb(exc.__traceback__)[-4:]
    places = " ← ".join(f"{'/'.join(Path(f.filename).parts[-2:])}:{f.lineno} ({f.name})" for f in reversed(frames))
    return f"{type(exc).__name__} at {places}" if places else type(exc).__name__


def log_failure(what: str, exc: BaseException) -> None:
    LOGGER.error("%s failed: %s", what, where(exc))
