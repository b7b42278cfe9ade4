#!/usr/bin/env bash
# Regenerates the runtime's weights: builds the runtime with `runtime-benchmarks`, runs every
# benchmark of the pallets listed in runtime/src/benchmarks.rs with frame-omni-bencher, and
# writes runtime/src/weights/<pallet>.rs. Usage: scripts/benchmark.sh [pallet ...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

OMNI_BENCHER_VERSION=0.28.0
if ! frame-omni-bencher --version 2>/dev/null | grep -q "$OMNI_BENCHER_VERSION"; then
	log "installing frame-omni-bencher $OMNI_BENCHER_VERSION"
	env -u CARGO_TARGET_DIR cargo install frame-omni-bencher --version "$OMNI_BENCHER_VERSION" \
		--locked --target-dir "$HOME/.cache/fusion-hub/tools-target"
fi

pallets=("$@")
((${#pallets[@]})) || pallets=(pallet_chain_registry)

log "building the runtime with runtime-benchmarks"
cargo build --locked -p fusion-hub-runtime --features runtime-benchmarks
# The blob cargo built in the wasm project (its copy one level up is the normal runtime's: the
# wbuild dir is shared by both feature sets). Keep a copy, and make the next normal build
# regenerate its own.
wasm="$CARGO_TARGET_DIR/debug/wbuild/fusion-hub-runtime/target/wasm32v1-none/release/fusion_hub_runtime.wasm"
bench_wasm="$CARGO_TARGET_DIR/fusion_hub_runtime.benchmarks.wasm"
cp "$wasm" "$bench_wasm"
trap 'touch "$REPO_ROOT/runtime/build.rs"' EXIT

for pallet in "${pallets[@]}"; do
	log "benchmarking $pallet"
	template=scripts/weight-template.hbs
	output="runtime/src/weights/$pallet.rs"
	extrinsics='*'
	if [[ "$pallet" == pallet_xcm_benchmarks::* ]]; then
		# XCM instruction weights: an inherent impl that runtime/src/weights/xcm/mod.rs maps to
		# `XcmWeightInfo`.
		template=scripts/xcm-weight-template.hbs
		output="runtime/src/weights/xcm/${pallet//::/_}.rs"
	fi
	if [[ "$pallet" == pallet_xcm_benchmarks::fungible ]]; then
		# Every benchmark but `initiate_teleport`: teleports are disabled, and that benchmark has
		# no way to skip (the books' transactor has no teleport check-out).
		extrinsics=withdraw_asset,transfer_asset,transfer_reserve_asset,reserve_asset_deposited,initiate_reserve_withdraw,receive_teleported_asset,deposit_asset,deposit_reserve_asset,initiate_transfer
	fi
	frame-omni-bencher v1 benchmark pallet \
		--runtime "$bench_wasm" \
		--pallet "$pallet" --extrinsic "$extrinsics" \
		--steps 50 --repeat 20 \
		--wasm-execution compiled \
		--heap-pages 4096 \
		--template "$template" \
		--output "$output"
done
