#!/usr/bin/env bash
# Regenerates the checked-in chain specs from the runtime's genesis presets.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"
[[ -x "$FUSION_HUB_BIN" ]] || "$REPO_ROOT/scripts/build.sh"
mkdir -p chain-specs
for chain in dev local; do
	log "chain-specs/$chain.json"
	"$FUSION_HUB_BIN" build-spec --chain "$chain" --disable-default-bootnode > "chain-specs/$chain.json"
	"$FUSION_HUB_BIN" build-spec --chain "$chain" --disable-default-bootnode --raw > "chain-specs/$chain-raw.json"
done
