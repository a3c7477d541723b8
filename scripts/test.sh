#!/usr/bin/env bash
# Install the test needs (Python packages, Debian's chromium when apt-get is there,
# Leaflet in static/) and run the whole test suite: lint, unit, data and browser tests.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
export BANDO_EXTRA_REQUIREMENTS=requirements-test.txt
source scripts/setup-env.sh
_apt_install chromium chromium
python scripts/fetch_static.py
ruff check .
ruff format --check .
python -m pytest "$@"
