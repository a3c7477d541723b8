"""On the command line, the public progress page's exports: `progress export`."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the command line (parser_class is the command line's own)."""


COMMANDS: dict[str, Callable] = {}
