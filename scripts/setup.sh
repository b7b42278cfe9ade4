#!/usr/bin/env bash
# Installs what a fresh machine lacks to build, run and test Fusion Hub. Idempotent.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# chromium: the web console's browser test drives Debian's build headless (no browser download;
# on Ubuntu the apt package is only a stub that installs the snap, which the test cannot drive).
apt_packages=(protobuf-compiler clang libclang-dev build-essential pkg-config git zstd chromium)
missing=()
for pkg in "${apt_packages[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
	log "installing apt packages: ${missing[*]}"
	sudo_cmd=()
	[[ "$(id -u)" == 0 ]] || sudo_cmd=(sudo)
	"${sudo_cmd[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi

if ! command -v rustup >/dev/null; then
	echo "rustup is required (https://rustup.rs); install it and re-run $0" >&2
	exit 1
fi
# rust-toolchain.toml pins the toolchain, its components and the wasm target; make sure
# all of them are present (rustup installs them on first use, this makes it explicit).
toolchain="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$REPO_ROOT/rust-toolchain.toml")"
rustup toolchain list | grep -q "^$toolchain" || rustup toolchain install "$toolchain" --profile minimal
rustup target list --installed --toolchain "$toolchain" | grep -qx wasm32v1-none ||
	rustup target add wasm32v1-none --toolchain "$toolchain"
for component in rust-src rustfmt clippy; do
	rustup component list --installed --toolchain "$toolchain" | grep -q "^$component" ||
		rustup component add "$component" --toolchain "$toolchain"
done

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	log "installing Node.js and npm"
	sudo_cmd=()
	[[ "$(id -u)" == 0 ]] || sudo_cmd=(sudo)
	"${sudo_cmd[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq nodejs npm
fi
# e2e dependencies, exactly as locked.
npm_ci_if_changed "$REPO_ROOT/e2e" "e2e npm dependencies"
# Chopsticks (the XCM e2e test) needs Node >= 22: npm ships it, pinned beside chopsticks in a
# package of its own so that the rest of e2e keeps the machine's Node.
npm_ci_if_changed "$REPO_ROOT/e2e/chopsticks" "chopsticks and its Node 22"
# The web console's dependencies (Vite and Polkadot.js), exactly as locked.
npm_ci_if_changed "$REPO_ROOT/web" "the web console's npm dependencies"
mkdir -p "$CARGO_TARGET_DIR"
log "setup complete (target dir: $CARGO_TARGET_DIR)"
