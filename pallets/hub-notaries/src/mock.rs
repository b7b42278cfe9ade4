//! A runtime with System and the notaries, for tests and benchmark tests.
//!
//! Governance is account [`GOVERNANCE`]. The hub's commitments are a thread-local table
//! ([`commit_root`]), with a window of [`COMMITMENTS_TO_KEEP`] blocks.

use crate as pallet_hub_notaries;
use fusion_hub_primitives::{ChainId, OutboundCommitments};
use polkadot_sdk::{
	frame_support::{derive_impl, ord_parameter_types, traits::ConstU32},
	frame_system::EnsureSignedBy,
	sp_core::H256,
	sp_io,
	sp_runtime::BuildStorage,
	*,
};
use std::{cell::RefCell, collections::BTreeMap};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		HubNotaries: pallet_hub_notaries,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// The account that holds the governance origin.
pub const GOVERNANCE: u64 = 100;
/// Maximum size of a set.
pub const MAX_NOTARIES: u32 = 8;
/// Handovers kept.
pub const HANDOVERS_TO_KEEP: u32 = 2;
/// The commitments window of the mock messages pallet.
pub const COMMITMENTS_TO_KEEP: u32 = 10;

ord_parameter_types! {
	pub const Governance: u64 = GOVERNANCE;
}

thread_local! {
	static ROOTS: RefCell<BTreeMap<(ChainId, u32), H256>> = const { RefCell::new(BTreeMap::new()) };
}

/// Records that the hub committed `root` for `destination` in `block`.
pub fn commit_root(destination: ChainId, block: u32, root: H256) {
	ROOTS.with(|roots| roots.borrow_mut().insert((destination, block), root));
}

/// The messages pallet's view, with its window.
pub struct MockCommitments;
impl OutboundCommitments for MockCommitments {
	fn committed_root(destination: ChainId, block: u32) -> Option<Option<H256>> {
		let now = System::block_number() as u32;
		if block >= now || block + COMMITMENTS_TO_KEEP <= now {
			return None;
		}
		Some(ROOTS.with(|roots| roots.borrow().get(&(destination, block)).copied()))
	}
}

impl pallet_hub_notaries::Config for Test {
	type GovernanceOrigin = EnsureSignedBy<Governance, u64>;
	type Commitments = MockCommitments;
	type MaxNotaries = ConstU32<MAX_NOTARIES>;
	type HandoversToKeep = ConstU32<HANDOVERS_TO_KEEP>;
	type WeightInfo = ();
}

/// Storage with no notary set, at block 1 (whose parent, the genesis, has a hash).
pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		frame_system::BlockHash::<Test>::insert(0, H256::repeat_byte(0xa1));
	});
	ext
}
