#!/usr/bin/env bash
# Fuzzes the verification code in primitives with cargo-fuzz (libFuzzer), one target after the
# other. Not part of the tests: it needs the nightly toolchain and instruments every dependency.
# Usage: scripts/fuzz.sh [seconds per target, default 600] [target ...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT/fuzz"

seconds="${1:-600}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(verify_update verify_inclusion verify_channel_state)

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
	log "installing cargo-fuzz"
	env -u CARGO_TARGET_DIR cargo +nightly install cargo-fuzz --locked \
		--target-dir "$HOME/.cache/fusion-hub/tools-target"
fi
# The same dependency versions as the workspace: start from its lock file.
[[ -f Cargo.lock ]] || cp "$REPO_ROOT/Cargo.lock" Cargo.lock

fuzz_target_dir="$HOME/.cache/fusion-hub/fuzz-target"
for target in "${targets[@]}"; do
	log "fuzzing $target for ${seconds}s"
	mkdir -p "corpus/$target"
	# No sanitizer: we look for panics (the runtime must never panic on input), not memory
	# errors in safe Rust; debug assertions and overflow checks stay on.
	cargo +nightly fuzz run --sanitizer none --debug-assertions --target-dir "$fuzz_target_dir" \
		"$target" "corpus/$target" -- -max_total_time="$seconds" -max_len=65536 \
		-print_final_stats=1
done
