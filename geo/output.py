"""Printing command-line results: JSON on stdout, quiet when the reader stops early."""

from __future__ import annotations

import json
import os
import sys


def write_json(result: object) -> int:
    """Print `result` as JSON (text as it is) and return 0, also when stdout is closed (`| head`)."""
    try:
        if isinstance(result, str):
            sys.stdout.write(result)
        else:
            json.dump(result, sys.stdout, ensure_ascii=False, indent=2, default=str)
            print()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader has gone; send the rest nowhere instead of printing a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
