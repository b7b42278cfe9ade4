# Shared settings for the project's scripts. Source it; don't run it.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# One target dir for every checkout (and CI's fresh clones), so only workspace crates rebuild.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fusion-hub/target}"
# One cargo profile for tests, the node and CI: `dev` (see [profile.dev] in Cargo.toml).
# The target dir is outside the checkout: tell substrate-wasm-builder where Cargo.lock is, so the
# runtime wasm builds with the locked dependency versions.
export WASM_BUILD_WORKSPACE_HINT="$REPO_ROOT"
# ...and which toolchain to build it with: from outside the checkout, rustup would pick its
# default toolchain, not the one rust-toolchain.toml pins (1.96 breaks host-function linking).
WASM_BUILD_TOOLCHAIN="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$REPO_ROOT/rust-toolchain.toml")"
export WASM_BUILD_TOOLCHAIN
FUSION_HUB_BIN="${FUSION_HUB_BIN:-$CARGO_TARGET_DIR/debug/fusion-hub}"
export FUSION_HUB_BIN

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# `npm ci` in directory $1 when its node_modules is missing or older than its package-lock.json;
# $2 says what is installed.
npm_ci_if_changed() {
	if [[ ! -d "$1/node_modules" || "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]]; then
		log "installing $2"
		(cd "$1" && npm ci --no-audit --no-fund --loglevel=error)
	fi
}
