//! The `fusion-hub` binary's command line: chain specs from presets, and clear failures.

use std::{path::PathBuf, process::Command};

const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

fn fusion_hub() -> Command {
	Command::new(env!("CARGO_BIN_EXE_fusion-hub"))
}

fn repo_root() -> PathBuf {
	PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn build_spec(args: &[&str]) -> serde_json::Value {
	let output = fusion_hub().arg("build-spec").args(args).output().expect("runs");
	assert!(
		output.status.success(),
		"build-spec {args:?} failed: {}",
		String::from_utf8_lossy(&output.stderr)
	);
	serde_json::from_slice(&output.stdout).expect("build-spec prints json")
}

/// The spec without its wasm code, which depends on where the runtime was built.
fn without_code(mut spec: serde_json::Value) -> serde_json::Value {
	if let Some(genesis) = spec.pointer_mut("/genesis/runtimeGenesis") {
		genesis.as_object_mut().expect("object").remove("code");
	}
	spec
}

#[test]
fn version_names_the_node() {
	let output = fusion_hub().arg("--version").output().expect("runs");
	assert!(output.status.success());
	let stdout = String::from_utf8_lossy(&output.stdout);
	assert!(stdout.starts_with("fusion-hub "), "unexpected version line: {stdout}");
}

#[test]
fn dev_spec_comes_from_the_development_preset() {
	let spec = build_spec(&["--chain", "dev"]);
	assert_eq!(spec["id"], "fusion_hub_dev");
	assert_eq!(spec["chainType"], "Development");
	assert_eq!(spec["properties"]["tokenSymbol"], "FUSE");
	assert_eq!(spec["properties"]["tokenDecimals"], 12);
	let genesis = &spec["genesis"]["runtimeGenesis"];
	assert!(genesis["code"].as_str().unwrap().starts_with("0x"));
	// The development preset: Alice is Sudo, Alice, Bob and Charlie are the Council.
	assert_eq!(genesis["patch"]["sudo"]["key"], ALICE);
	assert_eq!(genesis["patch"]["councilMembership"]["members"].as_array().unwrap().len(), 3);
	assert_eq!(genesis["patch"]["parachainInfo"]["parachainId"], 2000);
}

#[test]
fn local_spec_comes_from_the_local_testnet_preset() {
	let spec = build_spec(&["--chain", "local"]);
	assert_eq!(spec["id"], "fusion_hub_local");
	assert_eq!(spec["chainType"], "Local");
	let patch = &spec["genesis"]["runtimeGenesis"]["patch"];
	// The local testnet preset has no Sudo: the Council governs.
	assert!(patch.get("sudo").is_none(), "local has no sudo: {patch}");
	assert_eq!(patch["councilMembership"]["members"].as_array().unwrap().len(), 3);
	assert_eq!(patch["parachainInfo"]["parachainId"], 2000);
}

#[test]
fn raw_spec_holds_the_genesis_storage() {
	let spec = build_spec(&["--chain", "local", "--raw"]);
	let top = spec["genesis"]["raw"]["top"].as_object().expect("raw genesis storage");
	// `:code` is the runtime itself.
	assert!(top.contains_key("0x3a636f6465"));
}

#[test]
fn checked_in_specs_match_the_presets() {
	for (chain, file) in [("dev", "dev.json"), ("local", "local.json")] {
		let path = repo_root().join("chain-specs").join(file);
		let checked_in: serde_json::Value =
			serde_json::from_slice(&std::fs::read(&path).expect("checked-in spec exists"))
				.expect("json");
		let fresh = build_spec(&["--chain", chain, "--disable-default-bootnode"]);
		assert_eq!(
			without_code(checked_in),
			without_code(fresh),
			"{} is stale: run scripts/gen-chain-specs.sh",
			path.display()
		);
	}
}

#[test]
fn checked_in_spec_is_loadable_by_path() {
	let path = repo_root().join("chain-specs").join("local.json");
	let spec = build_spec(&["--chain", path.to_str().unwrap()]);
	assert_eq!(spec["id"], "fusion_hub_local");
}

#[test]
fn unknown_chain_fails_with_a_clear_error() {
	let output = fusion_hub()
		.args(["build-spec", "--chain", "/nonexistent/spec.json"])
		.output()
		.expect("runs");
	assert!(!output.status.success());
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(stderr.contains("/nonexistent/spec.json"), "error names the file: {stderr}");
}
