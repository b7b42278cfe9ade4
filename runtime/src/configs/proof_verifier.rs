//! The proof verifier: light-client state for every peer chain in the registry.

use crate::{ChainRegistry, Runtime};
use polkadot_sdk::frame_support::traits::ConstU32;

impl pallet_proof_verifier::Config for Runtime {
	type Registry = ChainRegistry;
	// About 100 minutes of a 6-second chain: the window in which messages can be proven against
	// a header after it was verified. A header is 130 bytes of state.
	type HeadersToKeep = ConstU32<1024>;
	// Evidence against the last 16 committees that handed over is still reportable.
	type CommitteesToKeep = ConstU32<16>;
	type WeightInfo = crate::weights::pallet_proof_verifier::WeightInfo<Runtime>;
}
