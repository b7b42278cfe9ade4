#!/usr/bin/env bash
# Starts an EVM peer of a development hub on this machine, as an operator runs one: anvil on
# 127.0.0.1:8545, the gateway and a test ERC-20 deployed, the chain admitted at the hub by a
# Council motion, four committee signers and four hub notary signers (3 of 4 each, with the
# public development keys of docs/connecting-an-evm-chain.md) and the relayer. The hub must be
# running (scripts/run-dev.sh) at $HUB_URL (default ws://127.0.0.1:9944). Ctrl-C stops
# everything; keys, journals and logs stay in $EVM_PEER_DIR (default ~/.cache/fusion-hub/evm-peer).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$REPO_ROOT/scripts/setup.sh"
"$REPO_ROOT/scripts/build.sh"

HUB_URL="${HUB_URL:-ws://127.0.0.1:9944}"
EVM_PORT="${EVM_PORT:-8545}"
CHAIN_ID="${CHAIN_ID:-31}"
DIR="${EVM_PEER_DIR:-$HOME/.cache/fusion-hub/evm-peer}"
mkdir -p "$DIR"
BIN="$CARGO_TARGET_DIR/debug"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM

log "anvil on 127.0.0.1:$EVM_PORT"
"$REPO_ROOT/e2e/node_modules/.bin/anvil" --host 127.0.0.1 --port "$EVM_PORT" --chain-id 31337 \
	--hardfork cancun --block-time 1 --silent &
pids+=($!)
sleep 2

log "deploying the gateway and admitting chain $CHAIN_ID at $HUB_URL"
settings="$(cd "$REPO_ROOT/e2e" && node scripts/evm-peer.js "$HUB_URL" "http://127.0.0.1:$EVM_PORT" "$CHAIN_ID")"
echo "$settings" | tee "$DIR/settings.json"
gateway="$(node -e 'console.log(JSON.parse(process.argv[1]).gateway)' "$settings")"
start="$(node -e 'console.log(JSON.parse(process.argv[1]).startBlock)' "$settings")"

committee=() notaries=()
for i in 1 2 3 4; do
	# The development keys: notary i is 0xii…ii, committee member i is 0xci…ci (32 bytes).
	printf '0x%s\n' "$(printf "$i$i%.0s" {1..32})" > "$DIR/notary-$i.key"
	printf '0x%s\n' "$(printf "c$i%.0s" {1..32})" > "$DIR/committee-$i.key"
	"$BIN/fusion-signer" --role notary --key-file "$DIR/notary-$i.key" --journal "$DIR/notary-$i.journal" \
		--hub "$HUB_URL" --listen "127.0.0.1:$((9960 + i))" >> "$DIR/notary-$i.log" 2>&1 &
	pids+=($!)
	notaries+=(--notary "ws://127.0.0.1:$((9960 + i))")
	"$BIN/fusion-signer" --role committee --key-file "$DIR/committee-$i.key" --journal "$DIR/committee-$i.journal" \
		--hub "$HUB_URL" --listen "127.0.0.1:$((9970 + i))" --evm "http://127.0.0.1:$EVM_PORT" \
		--gateway "$gateway" --chain-id "$CHAIN_ID" --confirmations 0 >> "$DIR/committee-$i.log" 2>&1 &
	pids+=($!)
	committee+=(--committee "ws://127.0.0.1:$((9970 + i))")
done
echo "//Ferdie" > "$DIR/relayer-hub.key"
# anvil's second development account pays the relayer's gas.
echo "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" > "$DIR/relayer-evm.key"
sleep 2
log "relayer (Prometheus metrics on http://127.0.0.1:9980/metrics)"
"$BIN/fusion-relayer" --hub "$HUB_URL" --hub-key-file "$DIR/relayer-hub.key" \
	--evm "http://127.0.0.1:$EVM_PORT" --evm-key-file "$DIR/relayer-evm.key" --gateway "$gateway" \
	--chain-id "$CHAIN_ID" --evm-start "$start" "${committee[@]}" --committee-threshold 3 \
	"${notaries[@]}" --confirmations 0 --metrics 127.0.0.1:9980 \
	>> "$DIR/relayer.log" 2>&1 &
pids+=($!)
tail -n 0 -f "$DIR/relayer.log" &
pids+=($!)
wait
