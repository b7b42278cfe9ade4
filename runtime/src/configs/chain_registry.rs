//! The registry of peer chains: admission by the Council, suspension in emergencies.

use super::governance::{EmergencyOrigin, GovernanceOrigin};
use crate::{Balance, Balances, Runtime, RuntimeHoldReason, FUSE};
use polkadot_sdk::frame_support::{parameter_types, traits::ConstU32};

parameter_types! {
	/// Held from an applicant until the Council rejects (burned) or the chain retires
	/// (returned). Large enough to make spam applications costly.
	pub const ChainApplicationDeposit: Balance = 1_000 * FUSE;
}

impl pallet_chain_registry::Config for Runtime {
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type ChainDeposit = ChainApplicationDeposit;
	type GovernanceOrigin = GovernanceOrigin;
	type EmergencyOrigin = EmergencyOrigin;
	type Usage = crate::CrossChainMessages;
	// Governance's verifier change or a retirement drops the chain's verified headers; a
	// retirement also prunes its channel nonces.
	type TrustReset = (crate::ProofVerifier, crate::CrossChainMessages);
	type MaxChains = ConstU32<256>;
	type MaxNameLength = ConstU32<64>;
	type MaxCommitteeSize = ConstU32<128>;
	type MaxGrandpaAuthorities = ConstU32<256>;
	type WeightInfo = crate::weights::pallet_chain_registry::WeightInfo<Runtime>;
}
