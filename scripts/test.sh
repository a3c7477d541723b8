#!/usr/bin/env bash
# Install the test needs (Python packages, Debian's chromium, PostgreSQL and PostGIS when
# apt-get is there, Leaflet in static/) and run the whole test suite: lint, unit, data and
# browser tests, the store's tests on SQLite and on a throw-away PostgreSQL cluster.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
export BANDO_EXTRA_REQUIREMENTS=requirements-test.txt
source scripts/setup-env.sh
_apt_install chromium chromium
_apt_install pg_virtualenv postgresql postgis
# A PostgreSQL installed before without PostGIS: the extension is what the shared server needs.
compgen -G "/usr/share/postgresql/*/extension/postgis.control" > /dev/null || _apt_packages postgis
python scripts/fetch_static.py
ruff check .
ruff format --check .
# Three workers on two cores, a test file to a worker (its module fixtures made once): much of the
# suite waits on browsers, app starts and PostgreSQL rather than computing.
PARALLEL=(-n "${BANDO_TEST_WORKERS:-3}" --dist loadfile)
if command -v pg_virtualenv > /dev/null; then
  # pg_virtualenv makes a new cluster on a free port, runs the command with PG* set, then drops it.
  # shellcheck disable=SC2016
  exec pg_virtualenv bash -c \
    'BANDO_TEST_PG="postgresql+psycopg://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE" exec python -m pytest "$@"' \
    pytest "${PARALLEL[@]}" "$@"
fi
python -m pytest "${PARALLEL[@]}" "$@"
