#!/usr/bin/env bash
# Sets up .venv if needed and calculates the shipped MatchTrade example.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/kruger-rules calculate examples/match_trade.json "$@"
