#!/usr/bin/env bash
# Sets up .venv if needed and runs the whole test suite on two workers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/pytest -n "${TEST_WORKERS:-2}" -p no:cacheprovider "$@"
