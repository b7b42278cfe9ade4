//! Genesis presets: `development` (with Sudo) and `local_testnet` (without).

use crate::{
	AccountId, BalancesConfig, CollatorSelectionConfig, CouncilMembershipConfig,
	ParachainInfoConfig, PolkadotXcmConfig, RuntimeGenesisConfig, SessionConfig, SessionKeys,
	SudoConfig, EXISTENTIAL_DEPOSIT, FUSE, PARACHAIN_ID,
};
use alloc::{vec, vec::Vec};
use polkadot_sdk::{
	cumulus_primitives_core::ParaId,
	frame_support::build_struct_json_patch,
	sp_consensus_aura::sr25519::AuthorityId as AuraId,
	sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET},
	sp_keyring::Sr25519Keyring,
	staging_xcm as xcm,
};

/// Name of the local testnet preset.
pub const PRESET_LOCAL_TESTNET: &str = "local_testnet";

/// What every well-known development account starts with.
pub const ENDOWMENT: u128 = 1_000_000 * FUSE;

/// Bond a collator candidate must reserve.
const CANDIDACY_BOND: u128 = 16 * EXISTENTIAL_DEPOSIT;

/// A collator's session keys.
fn session_keys(aura: AuraId) -> SessionKeys {
	SessionKeys { aura }
}

/// The development keyring's collators: Alice and Bob.
fn dev_collators() -> Vec<(AccountId, AuraId)> {
	[Sr25519Keyring::Alice, Sr25519Keyring::Bob]
		.into_iter()
		.map(|k| (k.to_account_id(), k.public().into()))
		.collect()
}

/// The development keyring's council: Alice, Bob and Charlie.
pub fn dev_council() -> Vec<AccountId> {
	[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie]
		.into_iter()
		.map(|k| k.to_account_id())
		.collect()
}

fn hub_genesis(
	collators: Vec<(AccountId, AuraId)>,
	endowed: Vec<AccountId>,
	council: Vec<AccountId>,
	sudo: Option<AccountId>,
	para_id: ParaId,
) -> serde_json::Value {
	let session_keys = collators
		.iter()
		.cloned()
		.map(|(account, aura)| (account.clone(), account, session_keys(aura)))
		.collect::<Vec<_>>();
	let council = council.try_into().expect("the preset council fits CouncilMaxMembers; qed");
	let mut patch = build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed.into_iter().map(|a| (a, ENDOWMENT)).collect(),
		},
		parachain_info: ParachainInfoConfig { parachain_id: para_id },
		collator_selection: CollatorSelectionConfig {
			invulnerables: collators.iter().map(|(account, _)| account.clone()).collect(),
			candidacy_bond: CANDIDACY_BOND,
		},
		session: SessionConfig { keys: session_keys },
		polkadot_xcm: PolkadotXcmConfig { safe_xcm_version: Some(xcm::prelude::XCM_VERSION) },
		council_membership: CouncilMembershipConfig { members: council },
	});
	if let Some(key) = sudo {
		let sudo =
			build_struct_json_patch!(RuntimeGenesisConfig { sudo: SudoConfig { key: Some(key) } });
		json_merge(&mut patch, sudo);
	}
	patch
}

/// Shallow-merges the top-level keys of `other` into `base`.
fn json_merge(base: &mut serde_json::Value, other: serde_json::Value) {
	if let (Some(base), serde_json::Value::Object(other)) = (base.as_object_mut(), other) {
		base.extend(other);
	}
}

fn development_genesis() -> serde_json::Value {
	hub_genesis(
		dev_collators(),
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		dev_council(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		PARACHAIN_ID.into(),
	)
}

fn local_testnet_genesis() -> serde_json::Value {
	hub_genesis(
		dev_collators(),
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		dev_council(),
		None,
		PARACHAIN_ID.into(),
	)
}

/// The JSON patch of preset `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_str() {
		DEV_RUNTIME_PRESET => development_genesis(),
		PRESET_LOCAL_TESTNET => local_testnet_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serializing a json value cannot fail; qed")
			.into_bytes(),
	)
}

/// Names of the presets this runtime provides.
pub fn preset_names() -> Vec<PresetId> {
	vec![PresetId::from(DEV_RUNTIME_PRESET), PresetId::from(PRESET_LOCAL_TESTNET)]
}
