//! The hub's notary set, which certifies its outbound roots to EVM gateways.

use super::governance::GovernanceOrigin;
use crate::Runtime;
use polkadot_sdk::frame_support::traits::ConstU32;

impl pallet_hub_notaries::Config for Runtime {
	type GovernanceOrigin = GovernanceOrigin;
	// False checkpoints are judged against the roots the messages pallet committed.
	type Commitments = crate::CrossChainMessages;
	// The gateway's `HubNotaries.MAX_NOTARIES`: a larger set could not be handed to it.
	type MaxNotaries = ConstU32<64>;
	type HandoversToKeep = ConstU32<16>;
	type WeightInfo = crate::weights::pallet_hub_notaries::WeightInfo<Runtime>;
}
