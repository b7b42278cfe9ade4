#![allow(dead_code, reason = "each test file uses a part of it")]

//! What the runtime's test files share: a genesis preset built as a chain-spec builder would,
//! into externalities at block 1.

use fusion_hub_runtime::{genesis_config_presets::get_preset, RuntimeGenesisConfig, System};
use polkadot_sdk::{sp_io::TestExternalities, sp_runtime::BuildStorage};

/// Recursively overlays `patch` on `base`, as chain-spec builders do with preset patches.
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}

/// The runtime's genesis config with `preset` applied over the defaults.
pub fn genesis_config(preset: &str) -> RuntimeGenesisConfig {
	let patch = get_preset(&preset.to_string()).expect("preset exists");
	let patch: serde_json::Value = serde_json::from_slice(&patch).expect("preset is json");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	merge(&mut config, patch);
	serde_json::from_value(config).expect("patched preset is a complete genesis config")
}

/// Externalities of `preset`'s genesis, at block 1.
pub fn externalities(preset: &str) -> TestExternalities {
	let storage = genesis_config(preset).build_storage().expect("genesis builds");
	let mut ext = TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
