#!/usr/bin/env bash
# Builds the whole workspace (node, runtime with its wasm, pallets, tests) in one cargo
# invocation, so features unify once and every script reuses the same artifacts.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"
log "building the workspace (target dir: $CARGO_TARGET_DIR)"
cargo build --locked --workspace --all-targets "$@"
# The relayer is its own workspace (relayer/Cargo.toml says why), in the same target dir.
log "building the relayer (fusion-signer, fusion-relayer)"
cargo build --locked --manifest-path "$REPO_ROOT/relayer/Cargo.toml" --all-targets
