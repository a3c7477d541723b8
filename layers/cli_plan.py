"""Planning a search trip on the command line: `plan`.

python -m layers plan --sites ID,ID,… --start "16.95, 107.05" --out DIR --as USER
python -m layers plan --reports ID,ID,… --start "16.95, 107.05" --out DIR --as USER
"""

from __future__ import annotations

import argparse
from collections.abc import Callable


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the command line (parser_class is the command line's own)."""


COMMANDS: dict[str, Callable] = {}
