#!/usr/bin/env bash
# Sets up .venv if needed and serves the calculation API on http://127.0.0.1:8000 (docs at /docs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/kruger-rules serve "$@"
