//! The registry as the other pallets see it.

use crate::{Chains, Config, Pallet, ParachainChains, VerifierConfigOf};
use fusion_hub_primitives::{ChainId, ChainKind, ChainRegistry, ChainStatus, ParachainPeers};
use polkadot_sdk::sp_runtime::DispatchResult;

impl<T: Config> ParachainPeers for Pallet<T> {
	/// Two reads: the index, then the record.
	fn parachain_peer(para_id: u32) -> Option<(ChainId, ChainStatus)> {
		let chain_id = ParachainChains::<T>::get(para_id)?;
		Chains::<T>::get(chain_id).map(|record| (chain_id, record.status))
	}
}

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

	fn status_and_verifier(chain_id: ChainId) -> Option<(ChainStatus, VerifierConfigOf<T>)> {
		Chains::<T>::get(chain_id).map(|record| (record.status, record.verifier))
	}

	/// Costs one read and one write: `WeightInfo::freeze`. The caller accounts for it.
	fn freeze(chain_id: ChainId) -> DispatchResult {
		Self::do_freeze(chain_id)
	}

	/// Costs one read and one write, and a check of the configuration linear in its keys:
	/// `WeightInfo::update_verifier_*`. The caller accounts for it. Refuses a committee below
	/// the threshold ratio governance admitted (`ThresholdRatioLowered`).
	fn rotate_verifier(chain_id: ChainId, verifier: VerifierConfigOf<T>) -> DispatchResult {
		Self::do_rotate_verifier(chain_id, verifier)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn register_active_for_benchmarks(
		chain_id: ChainId,
		kind: ChainKind,
		verifier: VerifierConfigOf<T>,
	) -> DispatchResult {
		use crate::ChainRecord;
		use codec::Decode;
		use polkadot_sdk::{
			frame_support::{ensure, BoundedVec},
			sp_runtime::traits::{TrailingZeroInput, Zero},
		};
		ensure!(!Chains::<T>::contains_key(chain_id), crate::Error::<T>::ChainAlreadyExists);
		verifier.validate_for(&kind).map_err(crate::Error::<T>::from)?;
		let operator = T::AccountId::decode(&mut TrailingZeroInput::zeroes())
			.map_err(|_| crate::Error::<T>::ChainNotFound)?;
		Chains::<T>::insert(
			chain_id,
			ChainRecord::new(
				BoundedVec::truncate_from(b"benchmark".to_vec()),
				kind,
				verifier,
				operator,
				Zero::zero(),
				ChainStatus::Active,
			),
		);
		if let ChainKind::PolkadotParachain { para_id } = kind {
			ParachainChains::<T>::insert(para_id, chain_id);
		}
		Ok(())
	}
}
