"""On the command line, what a chapter lets out on the public pages:
`story publish|unpublish`, `files publish|unpublish`."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the command line (parser_class is the command line's own)."""


COMMANDS: dict[str, Callable] = {}
