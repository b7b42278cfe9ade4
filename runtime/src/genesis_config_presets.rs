//! Genesis presets: `development` (with Sudo) and `local_testnet` (without).

use crate::{
	AccountId, BalancesConfig, CollatorSelectionConfig, CouncilMembershipConfig, HubNotariesConfig,
	ParachainInfoConfig, PolkadotXcmConfig, RuntimeGenesisConfig, SessionConfig, SessionKeys,
	SudoConfig, EXISTENTIAL_DEPOSIT, FUSE, PARACHAIN_ID,
};
use alloc::{vec, vec::Vec};
use polkadot_sdk::{
	cumulus_primitives_core::ParaId,
	frame_support::build_struct_json_patch,
	sp_consensus_aura::sr25519::AuthorityId as AuraId,
	sp_core::H160,
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

/// The development notaries: the Ethereum addresses of the secp256k1 secret keys `0x1111…11`,
/// `0x2222…22`, `0x3333…33` and `0x4444…44` (32 equal bytes each; public, for development
/// only), 3 of 4 to sign. `fusion-signer --dev-notary N` uses them.
pub fn dev_notaries() -> Vec<H160> {
	[
		// 0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A
		[
			0x19, 0xe7, 0xe3, 0x76, 0xe7, 0xc2, 0x13, 0xb7, 0xe7, 0xe7, 0xe4, 0x6c, 0xc7, 0x0a,
			0x5d, 0xd0, 0x86, 0xda, 0xff, 0x2a,
		],
		// 0x1563915e194D8CfBA1943570603F7606A3115508
		[
			0x15, 0x63, 0x91, 0x5e, 0x19, 0x4d, 0x8c, 0xfb, 0xa1, 0x94, 0x35, 0x70, 0x60, 0x3f,
			0x76, 0x06, 0xa3, 0x11, 0x55, 0x08,
		],
		// 0x5CbDd86a2FA8Dc4bDdd8a8f69dBa48572EeC07FB
		[
			0x5c, 0xbd, 0xd8, 0x6a, 0x2f, 0xa8, 0xdc, 0x4b, 0xdd, 0xd8, 0xa8, 0xf6, 0x9d, 0xba,
			0x48, 0x57, 0x2e, 0xec, 0x07, 0xfb,
		],
		// 0x7564105E977516C53bE337314c7E53838967bDaC
		[
			0x75, 0x64, 0x10, 0x5e, 0x97, 0x75, 0x16, 0xc5, 0x3b, 0xe3, 0x37, 0x31, 0x4c, 0x7e,
			0x53, 0x83, 0x89, 0x67, 0xbd, 0xac,
		],
	]
	.into_iter()
	.map(H160)
	.collect()
}

/// Threshold of the development notaries.
pub const DEV_NOTARY_THRESHOLD: u32 = 3;

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
		hub_notaries: HubNotariesConfig {
			initial_set: Some((DEV_NOTARY_THRESHOLD, dev_notaries())),
		},
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
