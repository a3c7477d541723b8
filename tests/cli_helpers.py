"""Running the project's command lines as a user would, output captured.

A run with its own working folder, environment or typed input is a real process. Any other run
calls the command line's own `main` in this process, with stdout, stderr and the log (which a
process with no logging set up prints on stderr) captured as a process's would be: starting a
new interpreter and importing the app's libraries cost two to three seconds a run, and the
suite runs the command lines hundreds of times. Memory, broken pipes and signals are tested on
real processes (tests.memory_probe, subprocess)."""

from __future__ import annotations

import contextlib
import gc
import importlib
import io
import logging
import subprocess
import sys

# The modules `python -m MODULE` runs, and where their `main(argv) -> int` is.
MAINS = {"layers": "layers.cli", "geo": "geo.cli"}


def run_module(
    module: str, *args: str, cwd=None, env: dict | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess:
    """`python -m MODULE ARGS…` (from `cwd`, with only `env` if given, `stdin` typed in); never
    raises on a non-zero exit."""
    if cwd is None and env is None and stdin is None and module in MAINS:
        return _in_process(module, list(args))
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
        input=stdin,
    )


def _in_process(module: str, args: list[str]) -> subprocess.CompletedProcess:
    main = importlib.import_module(MAINS[module]).main
    out, err = io.StringIO(), io.StringIO()
    log = logging.StreamHandler(err)  # what logging's last resort prints in a process of its own
    log.setLevel(logging.WARNING)
    root = logging.getLogger()
    root.addHandler(log)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as exit_:  # argparse refusing the arguments
                code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    finally:
        root.removeHandler(log)
        gc.collect()  # the run's engines and their connections go with it, as with the process
    return subprocess.CompletedProcess([sys.executable, "-m", module, *args], code, out.getvalue(), err.getvalue())
