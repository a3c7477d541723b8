#!/usr/bin/env bash
# Install the benchmark's needs (the test needs for Chromium, the baselines' packages) and run it.
# Extra arguments go to python -m bench.run (for example --sizes 10000,50000 --repeat 1).
set -euo pipefail
cd "$(dirname "$0")/.."
export BANDO_EXTRA_REQUIREMENTS="requirements-test.txt bench/requirements.txt"
source scripts/setup-env.sh
_apt_install chromium chromium
python scripts/fetch_static.py
python -m bench.run "$@"
