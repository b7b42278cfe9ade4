//! A runtime with System, Balances and the registry, for tests and benchmark tests.
//!
//! Governance is account [`GOVERNANCE`], the emergency origin account [`EMERGENCY`]: distinct
//! signed accounts, so that each origin check can be seen to refuse the other.

use crate as pallet_chain_registry;
use polkadot_sdk::{
	frame_support::{
		derive_impl, ord_parameter_types, parameter_types,
		traits::{ConstU32, Hooks},
	},
	frame_system::EnsureSignedBy,
	sp_io,
	sp_runtime::BuildStorage,
	*,
};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		ChainRegistry: pallet_chain_registry,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
}

/// The account that holds the governance origin.
pub const GOVERNANCE: u64 = 100;
/// The account that holds the emergency origin.
pub const EMERGENCY: u64 = 101;
/// Deposit of an application.
pub const DEPOSIT: u64 = 100;
/// Balance of the funded accounts 1 to 5.
pub const INITIAL_BALANCE: u64 = 1_000;
/// An account that cannot pay the deposit.
pub const POOR: u64 = 6;
/// Maximum number of records.
pub const MAX_CHAINS: u32 = 4;
/// Maximum length of a name.
pub const MAX_NAME_LENGTH: u32 = 16;
/// Maximum size of a committee.
pub const MAX_COMMITTEE_SIZE: u32 = 8;
/// Maximum size of a GRANDPA authority set.
pub const MAX_GRANDPA_AUTHORITIES: u32 = 6;

ord_parameter_types! {
	pub const Governance: u64 = GOVERNANCE;
	pub const Emergency: u64 = EMERGENCY;
}

parameter_types! {
	pub const ChainDeposit: u64 = DEPOSIT;
}

impl pallet_chain_registry::Config for Test {
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type ChainDeposit = ChainDeposit;
	type GovernanceOrigin = EnsureSignedBy<Governance, u64>;
	type EmergencyOrigin = EnsureSignedBy<Emergency, u64>;
	type Usage = MockUsage;
	type TrustReset = MockTrustReset;
	type MaxChains = ConstU32<MAX_CHAINS>;
	type MaxNameLength = ConstU32<MAX_NAME_LENGTH>;
	type MaxCommitteeSize = ConstU32<MAX_COMMITTEE_SIZE>;
	type MaxGrandpaAuthorities = ConstU32<MAX_GRANDPA_AUTHORITIES>;
	type WeightInfo = ();
}

std::thread_local! {
	static IN_USE: core::cell::RefCell<std::collections::BTreeSet<fusion_hub_primitives::ChainId>> = Default::default();
}

/// What the messaging pallet would say: the chains the tests mark as in use.
pub struct MockUsage;

impl MockUsage {
	/// Marks `chain_id` as having messages pending (or not).
	pub fn set_in_use(chain_id: fusion_hub_primitives::ChainId, in_use: bool) {
		IN_USE.with(|chains| {
			let mut chains = chains.borrow_mut();
			if in_use {
				chains.insert(chain_id);
			} else {
				chains.remove(&chain_id);
			}
		});
	}
}

impl fusion_hub_primitives::ChainUsage for MockUsage {
	fn is_in_use(chain_id: fusion_hub_primitives::ChainId) -> bool {
		IN_USE.with(|chains| chains.borrow().contains(&chain_id))
	}
}

std::thread_local! {
	static RESETS: core::cell::RefCell<Vec<(&'static str, fusion_hub_primitives::ChainId)>> = Default::default();
}

/// What the proof verifier would be told: the resets, in order.
pub struct MockTrustReset;

impl MockTrustReset {
	/// The resets so far: `("verifier", id)` or `("retired", id)`.
	pub fn resets() -> Vec<(&'static str, fusion_hub_primitives::ChainId)> {
		RESETS.with(|resets| resets.borrow().clone())
	}
}

impl fusion_hub_primitives::ChainTrustReset for MockTrustReset {
	fn on_verifier_replaced(chain_id: fusion_hub_primitives::ChainId) {
		RESETS.with(|resets| resets.borrow_mut().push(("verifier", chain_id)));
	}
	fn on_retired(chain_id: fusion_hub_primitives::ChainId) {
		RESETS.with(|resets| resets.borrow_mut().push(("retired", chain_id)));
	}
	fn verifier_replaced_weight() -> polkadot_sdk::frame_support::weights::Weight {
		Default::default()
	}
	fn retired_weight() -> polkadot_sdk::frame_support::weights::Weight {
		Default::default()
	}
}

/// Genesis: accounts 1 to 5 hold [`INITIAL_BALANCE`], [`POOR`] holds half a deposit.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![
			(1, INITIAL_BALANCE),
			(2, INITIAL_BALANCE),
			(3, INITIAL_BALANCE),
			(4, INITIAL_BALANCE),
			(5, INITIAL_BALANCE),
			(POOR, DEPOSIT / 2),
		],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	// Events are recorded only from block 1.
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` at block 1, then checks the registry's invariants.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		IN_USE.with(|chains| chains.borrow_mut().clear());
		ChainRegistry::integrity_test();
		test();
		ChainRegistry::do_try_state().expect("the registry's invariants hold");
	});
}
