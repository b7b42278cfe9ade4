#!/usr/bin/env bash
# Sets up and runs every test: formatting and lints, cargo tests of the whole workspace, then
# the e2e suite against a freshly started dev node (the tests start and stop their own nodes).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$REPO_ROOT/scripts/setup.sh"
cd "$REPO_ROOT"

# The code's style is kept by rustfmt.toml: checked before anything is built.
log "cargo fmt --check"
cargo fmt --all --check
cargo fmt --all --check --manifest-path relayer/Cargo.toml

# `--all-targets` builds the node binary too, with the same features as the tests.
"$REPO_ROOT/scripts/build.sh"
# Lints on every target; warnings fail the run (allowed lints are listed in Cargo.toml).
log "cargo clippy"
cargo clippy --locked --workspace --all-targets -- -D warnings
cargo clippy --locked --manifest-path relayer/Cargo.toml --all-targets -- -D warnings
log "cargo tests"
cargo test --locked --workspace --all-targets
cargo test --locked --manifest-path relayer/Cargo.toml --all-targets

# The upgrade e2e test enacts this runtime built one spec version later (a few minutes when the
# runtime changed; the node's own wasm is not touched).
"$REPO_ROOT/scripts/build-upgrade-wasm.sh" >/dev/null

log "e2e tests against a fresh dev node ($FUSION_HUB_BIN)"
cd "$REPO_ROOT/e2e"
npm test
