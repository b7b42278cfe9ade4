#!/usr/bin/env bash
# Sets up, builds and starts a development hub: relay-free, blocks sealed on a timer,
# Polkadot.js RPC on ws://127.0.0.1:9944. Extra arguments go to the node.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$REPO_ROOT/scripts/setup.sh"
"$REPO_ROOT/scripts/build.sh"
log "starting $FUSION_HUB_BIN --dev (RPC ws://127.0.0.1:9944)"
exec "$FUSION_HUB_BIN" --dev --rpc-port 9944 --rpc-cors all "$@"
