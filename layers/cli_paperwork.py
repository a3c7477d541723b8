"""The site dossier and the hand-over record on the command line: `dossier`, `handover`."""

from __future__ import annotations

import argparse
from collections.abc import Callable

COMMANDS: dict[str, Callable] = {}


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the command line (parser_class is the command line's own)."""
