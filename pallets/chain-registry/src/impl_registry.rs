//! The registry as the other pallets see it.

use crate::{Chains, Config, Pallet, VerifierConfigOf};
use fusion_hub_primitives::{ChainId, ChainKind, ChainRegistry, ChainStatus};
use polkadot_sdk::sp_runtime::DispatchResult;

impl<T: Config> ChainRegistry for Pallet<T> {
	type MaxCommitteeSize = T::MaxCommitteeSize;
	type MaxGrandpaAuthorities = T::MaxGrandpaAuthorities;

	fn status(chain_id: ChainId) -> Option<ChainStatus> {
		Chains::<T>::get(chain_id).map(|record| record.status)
	}

	fn kind(chain_id: ChainId) -> Option<ChainKind> {
		Chains::<T>::get(chain_id).map(|record| record.kind)
	}

	fn verifier(chain_id: ChainId) -> Option<VerifierConfigOf<T>> {
		Chains::<T>::get(chain_id).map(|record| record.verifier)
	}

	/// Costs one read and one write: `WeightInfo::freeze`. The caller accounts for it.
	fn freeze(chain_id: ChainId) -> DispatchResult {
		Self::do_freeze(chain_id)
	}
}
