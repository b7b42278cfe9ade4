//! The Council and the origins that the hub's pallets use.
//!
//! A council (pallet-collective, members managed by pallet-membership) decides by motion.
//! - [`GovernanceOrigin`]: Root or a strict council majority (more than 1/2). Admission,
//!   retirement, limits and everything that is not an emergency.
//! - [`EmergencyOrigin`]: Root or at least 1/3 of the council. Fast suspension and the XCM
//!   brakes only.
//! - [`SupermajorityOrigin`]: Root or at least 2/3 of the council. Dispatches a whitelisted call
//!   as Root.
//!
//! The council reaches Root (a runtime upgrade, Root-only calls of polkadot-sdk pallets) in two
//! motions through pallet-whitelist: a majority whitelists the hash of the Root call (the call
//! is public from then on: its preimage is requested), then a supermajority dispatches it. A
//! single supermajority motion may batch both. See docs/operator-guide.md, "Governance".

use crate::{
	deposit, AccountId, Balance, Balances, BlockNumber, Council, Preimage, Runtime, RuntimeCall,
	RuntimeEvent, RuntimeHoldReason, RuntimeOrigin, System, DAYS,
};
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{fungible::HoldConsideration, EitherOfDiverse, LinearStoragePrice},
		weights::Weight,
	},
	frame_system::EnsureRoot,
	sp_runtime::Perbill,
	*,
};

/// The council instance of pallet-collective.
pub type CouncilCollective = pallet_collective::Instance1;
/// The council's membership instance of pallet-membership.
pub type CouncilMembershipInstance = pallet_membership::Instance1;

/// Root or more than half of the council.
pub type GovernanceOrigin = EitherOfDiverse<
	EnsureRoot<AccountId>,
	pallet_collective::EnsureProportionMoreThan<AccountId, CouncilCollective, 1, 2>,
>;

/// Root or at least a third of the council: fast, for emergencies only.
pub type EmergencyOrigin = EitherOfDiverse<
	EnsureRoot<AccountId>,
	pallet_collective::EnsureProportionAtLeast<AccountId, CouncilCollective, 1, 3>,
>;

/// Root or at least two thirds of the council: dispatches a whitelisted call as Root.
pub type SupermajorityOrigin = EitherOfDiverse<
	EnsureRoot<AccountId>,
	pallet_collective::EnsureProportionAtLeast<AccountId, CouncilCollective, 2, 3>,
>;

parameter_types! {
	pub const CouncilMotionDuration: BlockNumber = 3 * DAYS;
	pub const CouncilMaxProposals: u32 = 100;
	pub const CouncilMaxMembers: u32 = 100;
	pub MaxProposalWeight: Weight =
		Perbill::from_percent(50) * super::RuntimeBlockWeights::get().max_block;
}

/// A member who does not vote by a motion's end votes nay: the prime member cannot carry the
/// absent, so every threshold (a third, a majority, two thirds: Root through the whitelist) is
/// reached by members who voted aye.
pub struct AbstentionsAreNays;
impl pallet_collective::DefaultVote for AbstentionsAreNays {
	fn default_vote(_prime: Option<bool>, _yes: u32, _no: u32, _len: u32) -> bool {
		false
	}
}

impl pallet_collective::Config<CouncilCollective> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = CouncilMotionDuration;
	type MaxProposals = CouncilMaxProposals;
	type MaxMembers = CouncilMaxMembers;
	type DefaultVote = AbstentionsAreNays;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	// Membership changes go through pallet-membership, not `set_members`.
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxProposalWeight;
	type DisapproveOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	// Members are vetted; proposing costs no deposit.
	type Consideration = ();
}

impl pallet_membership::Config<CouncilMembershipInstance> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = GovernanceOrigin;
	type RemoveOrigin = GovernanceOrigin;
	type SwapOrigin = GovernanceOrigin;
	type ResetOrigin = GovernanceOrigin;
	type PrimeOrigin = GovernanceOrigin;
	type MembershipInitialized = Council;
	type MembershipChanged = Council;
	type MaxMembers = CouncilMaxMembers;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	pub const PreimageBaseDeposit: Balance = deposit(2, 64);
	pub const PreimageByteDeposit: Balance = deposit(0, 1);
	pub const PreimageHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
	// A supermajority's dispatch that arrives before the whitelisting waits this long for it.
	pub const WhitelistDeferredDispatchExpiration: BlockNumber = 7 * DAYS;
}

/// Stores the calls that motions refer to by hash. Whoever notes a preimage holds a deposit for
/// its bytes; a preimage the whitelist requested is free to note.
impl pallet_preimage::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = crate::weights::pallet_preimage::WeightInfo<Runtime>;
	type Currency = Balances;
	type ManagerOrigin = GovernanceOrigin;
	type Consideration = HoldConsideration<
		AccountId,
		Balances,
		PreimageHoldReason,
		LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
	>;
}

/// The council's way to Root: a majority whitelists a call's hash, a supermajority dispatches it.
impl pallet_whitelist::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WhitelistOrigin = GovernanceOrigin;
	type DispatchWhitelistedOrigin = SupermajorityOrigin;
	type Preimages = Preimage;
	type DeferredDispatchExpiration = WhitelistDeferredDispatchExpiration;
	type BlockNumberProvider = System;
	type WeightInfo = crate::weights::pallet_whitelist::WeightInfo<Runtime>;
}
