"""Printing command-line results: JSON on stdout, quiet when the reader stops early."""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Mapping

import numpy as np


def json_safe(value: object) -> object:
    """`value` with NaN and infinities (Python's or NumPy's) replaced by None, NumPy scalars
    made plain Python values, tuples made lists: what strict JSON can hold.

    >>> json_safe({"offshore_m": float("nan"), "d": [np.float64(2.5), np.inf], "n": np.int64(3)})
    {'offshore_m': None, 'd': [2.5, None], 'n': 3}
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


def write_json(result: object) -> int:
    """Print `result` as JSON (text as it is) and return 0, also when stdout is closed (`| head`).

    NaN and infinities print as null; anything else JSON cannot hold fails loudly
    (allow_nan=False) instead of printing `NaN`, which no JSON reader accepts."""
    try:
        if isinstance(result, str):
            sys.stdout.write(result)
        else:
            json.dump(json_safe(result), sys.stdout, ensure_ascii=False, indent=2, default=str, allow_nan=False)
            print()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader has gone; send the rest nowhere instead of printing a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
