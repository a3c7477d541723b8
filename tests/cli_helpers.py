"""Running the project's command lines as a user would: a real process, output captured."""

from __future__ import annotations

import subprocess
import sys


def run_module(
    module: str, *args: str, cwd=None, env: dict | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess:
    """`python -m MODULE ARGS…` (from `cwd`, with only `env` if given, `stdin` typed in); never
    raises on a non-zero exit."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
        input=stdin,
    )
