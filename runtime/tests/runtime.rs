//! Runtime tests: genesis presets build, balances move, the council governs.

use fusion_hub_runtime::{
	genesis_config_presets::{dev_council, get_preset, preset_names, ENDOWMENT, PRESET_LOCAL_TESTNET},
	AccountId, Balances, Council, CouncilMembership, ParachainInfo, Runtime, RuntimeCall,
	RuntimeEvent, RuntimeGenesisConfig, RuntimeOrigin, System, PARACHAIN_ID,
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::fungible::Inspect},
	sp_genesis_builder::DEV_RUNTIME_PRESET,
	sp_io::TestExternalities,
	sp_keyring::Sr25519Keyring,
	sp_runtime::{BuildStorage, DispatchError, TokenError},
	*,
};

/// Recursively overlays `patch` on `base`, as chain-spec builders do with preset patches.
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) =>
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			},
		(base, patch) => *base = patch,
	}
}

fn genesis_config(preset: &str) -> RuntimeGenesisConfig {
	let patch = get_preset(&preset.to_string()).expect("preset exists");
	let patch: serde_json::Value = serde_json::from_slice(&patch).expect("preset is json");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	merge(&mut config, patch);
	serde_json::from_value(config).expect("patched preset is a complete genesis config")
}

fn externalities(preset: &str) -> TestExternalities {
	let storage = genesis_config(preset).build_storage().expect("genesis builds");
	let mut ext = TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

fn account(k: Sr25519Keyring) -> AccountId {
	k.to_account_id()
}

#[test]
fn both_presets_are_listed_and_unknown_ones_are_not() {
	let names = preset_names();
	assert_eq!(names, vec![DEV_RUNTIME_PRESET.to_string(), PRESET_LOCAL_TESTNET.to_string()]);
	assert!(get_preset(&"mainnet".to_string()).is_none());
}

#[test]
fn development_genesis_builds_with_sudo_council_and_collators() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(u32::from(ParachainInfo::parachain_id()), PARACHAIN_ID);
		assert_eq!(Balances::balance(&account(Sr25519Keyring::Alice)), ENDOWMENT);
		assert_eq!(Balances::balance(&account(Sr25519Keyring::Ferdie)), ENDOWMENT);
		assert_eq!(
			pallet_sudo::Key::<Runtime>::get(),
			Some(account(Sr25519Keyring::Alice))
		);
		let mut council = dev_council();
		council.sort();
		assert_eq!(pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get(), council);
		assert_eq!(
			pallet_collator_selection::Invulnerables::<Runtime>::get().len(),
			2,
			"Alice and Bob collate"
		);
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 2);
	});
}

#[test]
fn local_testnet_genesis_builds_without_sudo() {
	externalities(PRESET_LOCAL_TESTNET).execute_with(|| {
		assert_eq!(u32::from(ParachainInfo::parachain_id()), PARACHAIN_ID);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), None);
		assert_eq!(pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get().len(), 3);
		assert_eq!(Balances::balance(&account(Sr25519Keyring::Bob)), ENDOWMENT);
	});
}

#[test]
fn transfer_moves_balance_and_emits_event() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		let (alice, bob) = (account(Sr25519Keyring::Alice), account(Sr25519Keyring::Bob));
		let amount = 1_234 * fusion_hub_runtime::FUSE;
		assert_ok!(Balances::transfer_keep_alive(
			RuntimeOrigin::signed(alice.clone()),
			bob.clone().into(),
			amount
		));
		assert_eq!(Balances::balance(&alice), ENDOWMENT - amount);
		assert_eq!(Balances::balance(&bob), ENDOWMENT + amount);
		System::assert_last_event(RuntimeEvent::Balances(pallet_balances::Event::Transfer {
			from: alice,
			to: bob,
			amount,
		}));
	});
}

#[test]
fn transfer_beyond_balance_fails_and_moves_nothing() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		let (alice, bob) = (account(Sr25519Keyring::Alice), account(Sr25519Keyring::Bob));
		assert_noop!(
			Balances::transfer_keep_alive(RuntimeOrigin::signed(alice), bob.into(), ENDOWMENT + 1),
			DispatchError::Token(TokenError::FundsUnavailable)
		);
	});
}

#[test]
fn council_membership_is_governed_not_signed() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		let dave = account(Sr25519Keyring::Dave);
		assert_noop!(
			CouncilMembership::add_member(
				RuntimeOrigin::signed(account(Sr25519Keyring::Alice)),
				dave.clone().into()
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn council_motion_with_two_of_three_ayes_adds_a_member() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		let (alice, bob, dave) = (
			account(Sr25519Keyring::Alice),
			account(Sr25519Keyring::Bob),
			account(Sr25519Keyring::Dave),
		);
		let proposal = RuntimeCall::CouncilMembership(pallet_membership::Call::add_member {
			who: dave.clone().into(),
		});
		let length = codec::Encode::encoded_size(&proposal) as u32;
		assert_ok!(Council::propose(RuntimeOrigin::signed(alice.clone()), 2, Box::new(proposal), length));
		let hash = pallet_collective::Proposals::<Runtime, pallet_collective::Instance1>::get()[0];
		// `propose` records no vote: Alice and Bob vote aye, two of three.
		assert_ok!(Council::vote(RuntimeOrigin::signed(alice.clone()), hash, 0, true));
		assert_ok!(Council::vote(RuntimeOrigin::signed(bob), hash, 0, true));
		assert_ok!(Council::close(
			RuntimeOrigin::signed(alice),
			hash,
			0,
			polkadot_sdk::frame_support::weights::Weight::MAX,
			length
		));
		assert!(pallet_membership::Members::<Runtime, pallet_membership::Instance1>::get().contains(&dave));
		assert!(pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get().contains(&dave));
	});
}

#[test]
fn council_motion_with_one_aye_stays_open() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		let (alice, dave) = (account(Sr25519Keyring::Alice), account(Sr25519Keyring::Dave));
		let proposal = RuntimeCall::CouncilMembership(pallet_membership::Call::add_member {
			who: dave.clone().into(),
		});
		let length = codec::Encode::encoded_size(&proposal) as u32;
		assert_ok!(Council::propose(RuntimeOrigin::signed(alice.clone()), 2, Box::new(proposal), length));
		let hash = pallet_collective::Proposals::<Runtime, pallet_collective::Instance1>::get()[0];
		assert_ok!(Council::vote(RuntimeOrigin::signed(alice.clone()), hash, 0, true));
		assert_noop!(
			Council::close(
				RuntimeOrigin::signed(alice),
				hash,
				0,
				polkadot_sdk::frame_support::weights::Weight::MAX,
				length
			),
			pallet_collective::Error::<Runtime, pallet_collective::Instance1>::TooEarly
		);
		assert!(!pallet_membership::Members::<Runtime, pallet_membership::Instance1>::get().contains(&dave));
	});
}

#[test]
fn metadata_v15_and_v16_are_served() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		let versions = Runtime::metadata_versions();
		assert!(versions.contains(&15), "Polkadot.js needs metadata v15: {versions:?}");
		assert!(versions.contains(&16), "metadata v16: {versions:?}");
		assert!(Runtime::metadata_at_version(15).is_some());
	});
}
