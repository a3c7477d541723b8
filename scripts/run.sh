#!/usr/bin/env bash
# Set up what is missing (virtual environment, Python packages, Leaflet in static/)
# and start the app at http://localhost:8501 on the embedded SQLite database.
# The first start seeds the database with the clearly marked demo data.
# PORT, ADDRESS and BANDO_DB_URL may be set to override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-env.sh
python scripts/fetch_static.py
python -m layers init > /dev/null
exec python -m streamlit run server.py \
  --server.port "${PORT:-8501}" --server.address "${ADDRESS:-localhost}"
