#!/usr/bin/env bash
# Builds the runtime one spec version later (feature `next-spec-version`), compressed as a chain
# stores runtime code, for the runtime-upgrade e2e test. Prints the path of the blob:
#   $CARGO_TARGET_DIR/fusion_hub_runtime.next.compressed.wasm
#
# It builds in a wasm project of its own beside the one substrate-wasm-builder made for the node
# (same manifest settings, same target dir, same flags), so only the runtime crate compiles again
# (a few minutes) and the node's own wasm is never touched. Run scripts/build.sh first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

builder_project="$CARGO_TARGET_DIR/debug/wbuild/fusion-hub-runtime"
project="$CARGO_TARGET_DIR/debug/wbuild/fusion-hub-runtime-next"
out="$CARGO_TARGET_DIR/fusion_hub_runtime.next.compressed.wasm"
if [[ ! -f "$builder_project/Cargo.toml" ]]; then
	echo "no runtime wasm project at $builder_project: run scripts/build.sh first" >&2
	exit 1
fi

started=$SECONDS
log "building the runtime with next-spec-version"
mkdir -p "$project/src"
# The builder's manifest with another package and library name (so no output of the node's
# project is overwritten), this checkout's runtime, and the one extra feature.
sed -e 's/^name = "fusion-hub-runtime-blob"$/name = "fusion-hub-runtime-next-blob"/' \
	-e 's/^name = "fusion_hub_runtime"$/name = "fusion_hub_runtime_next"/' \
	-e 's/^features = \[\]$/features = ["next-spec-version"]/' \
	-e "s|^path = \".*\"$|path = \"$REPO_ROOT/runtime\"|" \
	"$builder_project/Cargo.toml" >"$project/Cargo.toml.new"
for expected in fusion-hub-runtime-next-blob fusion_hub_runtime_next next-spec-version "$REPO_ROOT/runtime"; do
	grep -qF "$expected" "$project/Cargo.toml.new" || {
		echo "the wasm builder's manifest changed shape: no $expected in $project/Cargo.toml.new" >&2
		exit 1
	}
done
mv "$project/Cargo.toml.new" "$project/Cargo.toml"
cp "$builder_project/src/lib.rs" "$project/src/lib.rs"
cp "$builder_project/Cargo.lock" "$project/Cargo.lock"

# The flags substrate-wasm-builder gives its cargo (build_bloaty_blob), in its order: with
# other flags every dependency would compile again.
env -u CARGO_ENCODED_RUSTFLAGS -u RUSTC \
	RUSTFLAGS="-C link-arg=--export-table -C link-arg=--export=__heap_base -C link-arg=--import-memory --cfg substrate_runtime" \
	CARGO_TARGET_DIR="$builder_project/target" SKIP_WASM_BUILD= \
	cargo "+$WASM_BUILD_TOOLCHAIN" rustc --target=wasm32v1-none \
	--manifest-path="$project/Cargo.toml" --profile release

# sp-maybe-compressed-blob's format: its 8-byte zstd prefix, then one zstd frame.
wasm="$builder_project/target/wasm32v1-none/release/fusion_hub_runtime_next.wasm"
{
	printf '\x52\xbc\x53\x76\x46\xdb\x8e\x05'
	zstd -q -10 -c "$wasm"
} >"$out.tmp"
mv "$out.tmp" "$out"
log "built $(basename "$out") ($(stat -c %s "$out") bytes) in $((SECONDS - started)) s"
echo "$out"
