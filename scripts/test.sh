#!/usr/bin/env bash
# Sets up and runs every test: cargo tests of the whole workspace, then the e2e suite
# against a freshly started dev node (the tests start and stop their own nodes).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$REPO_ROOT/scripts/setup.sh"
cd "$REPO_ROOT"

# `--all-targets` builds the node binary too, with the same features as the tests.
"$REPO_ROOT/scripts/build.sh"
log "cargo tests"
cargo test --locked --workspace --all-targets

log "e2e tests against a fresh dev node ($FUSION_HUB_BIN)"
cd "$REPO_ROOT/e2e"
npm test
