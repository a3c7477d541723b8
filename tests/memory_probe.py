"""`python -m tests.memory_probe OUT MODULE ARGS…`: run a command line as `python -m MODULE ARGS…`
would, then write the process's peak memory (bytes, from `resource`) to the file OUT."""

from __future__ import annotations

import resource
import runpy
import sys
from pathlib import Path


def main() -> None:
    out, module, *args = sys.argv[1:]
    sys.argv = [module, *args]
    code = 0
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    finally:
        Path(out).write_text(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))
    sys.exit(code)


if __name__ == "__main__":
    main()
