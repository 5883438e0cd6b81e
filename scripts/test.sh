#!/usr/bin/env bash
# Sets up .venv if needed, checks the code with ruff and mypy, and runs the whole test suite on two workers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff format --check .
.venv/bin/ruff check .
.venv/bin/mypy
exec .venv/bin/pytest -n "${TEST_WORKERS:-2}" -p no:cacheprovider "$@"
