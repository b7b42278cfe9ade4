//! Runtime APIs of the hub.
//!
//! The runtime implements them with the concrete record type of its pallets; the node exposes
//! them as `fusion_*` JSON-RPC methods.

use crate::{ChainId, ChainStatus, InclusionError, InclusionProof, VerifiedHeader};
use alloc::vec::Vec;
use codec::Codec;

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Queries of the chain registry.
	///
	/// `ChainRecord` is the registry pallet's record of a chain
	/// (`pallet_chain_registry::ChainRecord<Runtime>`). Lists are ordered by chain id and hold at
	/// most the registry's `MaxChains` records.
	pub trait ChainRegistryApi<ChainRecord> where
		ChainRecord: Codec,
	{
		/// The record of one chain, if the registry has one.
		fn chain(chain_id: ChainId) -> Option<ChainRecord>;

		/// Every record, retired chains included.
		fn chains() -> Vec<(ChainId, ChainRecord)>;

		/// The records of the chains that are in `status`.
		fn chains_by_status(status: ChainStatus) -> Vec<(ChainId, ChainRecord)>;
	}
}

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Queries of the proof verifier: the headers it holds and inclusion checks against them.
	pub trait ProofVerifierApi {
		/// The highest verified header of the chain, if any.
		fn latest_header(chain_id: ChainId) -> Option<VerifiedHeader>;

		/// The verified header of the chain at `number`, if the hub still holds it.
		fn header(chain_id: ChainId, number: u32) -> Option<VerifiedHeader>;

		/// Checks `proof` against the verified header of the chain at `number`, as the messaging
		/// pallet would.
		fn verify_inclusion(
			chain_id: ChainId,
			number: u32,
			proof: InclusionProof,
		) -> Result<(), InclusionError>;
	}
}
