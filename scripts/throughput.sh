#!/usr/bin/env bash
# Measures the throughput of one dev hub node in one run (not part of the per-commit tests: a
# few minutes): pre-signed plain transfers, asset transfers out submitted all at once, and
# deliveries in batches of 16, with one and four peer chains. Prints a table (items/s, most per
# block, failed transactions, ratio to plain transfers). Arguments go to e2e/bench/throughput.js
# (e.g. `--items 4000 --json results.json`); FUSION_HUB_BIN picks another node build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$REPO_ROOT/scripts/setup.sh"
"$REPO_ROOT/scripts/build.sh"
cd "$REPO_ROOT/e2e"
log "throughput of $FUSION_HUB_BIN"
node bench/throughput.js "$@"
