"""On the command line, commendations (biểu dương): `commend list|note|publish|unpublish`."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the command line (parser_class is the command line's own)."""


COMMANDS: dict[str, Callable] = {}
