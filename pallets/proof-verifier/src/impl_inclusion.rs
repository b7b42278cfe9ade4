//! Inclusion checks as the messaging pallet sees them.

use crate::{Config, Pallet, WeightInfo};
use fusion_hub_primitives::{
	inclusion::InclusionCost, ChainId, ChainRegistry, ChainStatus, InclusionError, InclusionProof,
	VerifiedHeader, VerifyInclusion,
};
use polkadot_sdk::frame_support::weights::Weight;

impl<T: Config> VerifyInclusion for Pallet<T> {
	fn verified_header(chain_id: ChainId, number: u32) -> Option<VerifiedHeader> {
		Self::header(chain_id, number)
	}

	/// Reads the chain's status and one header: two reads, plus the proof's own cost
	/// ([`Pallet::inclusion_weight`]).
	fn verify_inclusion(
		chain_id: ChainId,
		number: u32,
		proof: &InclusionProof,
	) -> Result<(), InclusionError> {
		match T::Registry::status(chain_id) {
			None => return Err(InclusionError::UnknownChain),
			Some(ChainStatus::Active) => {}
			Some(_) => return Err(InclusionError::ChainNotActive),
		}
		let header = Self::header(chain_id, number).ok_or(InclusionError::UnknownHeader)?;
		proof.verify(&header)
	}

	fn inclusion_weight(proof: &InclusionProof) -> Weight {
		Self::inclusion_weight(proof)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn insert_header_for_benchmarks(chain_id: ChainId, header: VerifiedHeader) {
		Self::import(chain_id, header)
	}
}

impl<T: Config> Pallet<T> {
	/// Weight of [`VerifyInclusion::verify_inclusion`] with `proof`, from the benchmarks: what a
	/// pallet that checks inclusion adds to its own weight.
	pub fn inclusion_weight(proof: &InclusionProof) -> Weight {
		match proof.cost() {
			InclusionCost::KeccakMerkle { siblings } => T::WeightInfo::verify_keccak_proof(siblings),
			InclusionCost::Blake2Merkle { siblings, leaf_bytes } => {
				T::WeightInfo::verify_blake2_proof(siblings, leaf_bytes)
			}
			InclusionCost::StorageValue { proof_bytes } => {
				T::WeightInfo::verify_storage_proof(proof_bytes)
			}
		}
	}
}
