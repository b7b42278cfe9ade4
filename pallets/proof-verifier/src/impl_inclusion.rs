//! Inclusion checks as the messaging pallet sees them.

use crate::{Config, Pallet, WeightInfo};
use fusion_hub_primitives::{
	channel::ChannelStateCost, inclusion::InclusionCost, ChainId, ChainRegistry, ChainTrustReset,
	ChannelState, ChannelStateProof, InclusionError, InclusionProof, ProofUse, VerifiedHeader,
	VerifyInclusion,
};
use polkadot_sdk::frame_support::{traits::Get, weights::Weight};

impl<T: Config> VerifyInclusion for Pallet<T> {
	fn verified_header(chain_id: ChainId, number: u32) -> Option<VerifiedHeader> {
		Self::header(chain_id, number)
	}

	/// Reads the chain's status and one header. An active chain backs every proof, a suspended
	/// one only proofs that complete what was sent to it, a frozen one none.
	fn proving_header(
		chain_id: ChainId,
		number: u32,
		purpose: ProofUse,
	) -> Result<VerifiedHeader, InclusionError> {
		purpose.check(T::Registry::status(chain_id))?;
		Self::header(chain_id, number).ok_or(InclusionError::UnknownHeader)
	}

	/// Reads the chain's status, one header and the chain's kind, then checks the proof in the
	/// form of that kind.
	fn verify_channel_state(
		chain_id: ChainId,
		number: u32,
		source: ChainId,
		proof: &ChannelStateProof,
	) -> Result<ChannelState, InclusionError> {
		let header = Self::proving_header(chain_id, number, ProofUse::Completion)?;
		let kind = T::Registry::kind(chain_id).ok_or(InclusionError::UnknownChain)?;
		proof.verify(&kind, &header, source, chain_id)
	}

	fn channel_state_weight(proof: &ChannelStateProof) -> Weight {
		match proof.cost() {
			ChannelStateCost::SubstrateStorage { proof_bytes } => {
				T::WeightInfo::verify_channel_state_substrate(proof_bytes)
			},
			ChannelStateCost::EvmStorage { branches } => {
				T::WeightInfo::verify_channel_state_evm(branches)
			},
			ChannelStateCost::CommitteeLeaf { siblings } => {
				T::WeightInfo::verify_channel_state_leaf(siblings)
			},
		}
	}

	fn inclusion_weight(proof: &InclusionProof) -> Weight {
		Self::inclusion_weight(proof)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn insert_header_for_benchmarks(chain_id: ChainId, header: VerifiedHeader) {
		Self::import(chain_id, header)
	}
}

/// Governance replaced the verifier or retired the chain: what the old verifier proved goes.
impl<T: Config> ChainTrustReset for Pallet<T> {
	fn on_verifier_replaced(chain_id: ChainId) {
		Self::drop_headers(chain_id)
	}

	fn on_retired(chain_id: ChainId) {
		Self::drop_headers(chain_id)
	}

	fn verifier_replaced_weight() -> Weight {
		T::WeightInfo::drop_headers(T::HeadersToKeep::get())
	}

	fn retired_weight() -> Weight {
		T::WeightInfo::drop_headers(T::HeadersToKeep::get())
	}
}

impl<T: Config> Pallet<T> {
	/// Weight of [`VerifyInclusion::verify_inclusion`] with `proof`, from the benchmarks: what a
	/// pallet that checks inclusion adds to its own weight.
	pub fn inclusion_weight(proof: &InclusionProof) -> Weight {
		match proof.cost() {
			InclusionCost::KeccakMerkle { siblings } => {
				T::WeightInfo::verify_keccak_proof(siblings)
			},
			InclusionCost::Blake2Merkle { siblings, leaf_bytes } => {
				T::WeightInfo::verify_blake2_proof(siblings, leaf_bytes)
			},
			InclusionCost::StorageValue { proof_bytes } => {
				T::WeightInfo::verify_storage_proof(proof_bytes)
			},
		}
	}
}
