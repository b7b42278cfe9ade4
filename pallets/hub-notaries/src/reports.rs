//! Misbehaviour: what a notary signed that proves it cannot be trusted.

use crate::{pallet::*, NotarySetOf};
use fusion_hub_primitives::{
	notary::{Checkpoint, SignedCheckpoint},
	OutboundCommitments,
};
use polkadot_sdk::{
	frame_support::ensure,
	frame_system,
	sp_core::{H160, H256},
	sp_runtime::{traits::UniqueSaturatedInto, DispatchResult},
};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_report_equivocation(
		reporter: T::AccountId,
		first: SignedCheckpoint,
		second: SignedCheckpoint,
	) -> DispatchResult {
		let (a, b) = (first.checkpoint, second.checkpoint);
		ensure!(
			a.destination == b.destination
				&& a.set_id == b.set_id
				&& a.hub_block == b.hub_block
				&& a != b,
			Error::<T>::NotConflicting
		);
		let set = Self::reportable_set(a.set_id)?;
		let genesis = Self::hub_genesis();
		let signer = first.signer(genesis).ok_or(Error::<T>::InvalidSignature)?;
		let other = second.signer(genesis).ok_or(Error::<T>::InvalidSignature)?;
		ensure!(signer == other, Error::<T>::DifferentSigners);
		Self::record_offence(&set, signer, Offence::Equivocation, reporter)
	}

	pub(crate) fn do_report_false_checkpoint(
		reporter: T::AccountId,
		signed: SignedCheckpoint,
	) -> DispatchResult {
		let set = Self::reportable_set(signed.checkpoint.set_id)?;
		let signer = signed.signer(Self::hub_genesis()).ok_or(Error::<T>::InvalidSignature)?;
		ensure!(set.contains(&signer), Error::<T>::UnknownNotary);
		ensure!(Self::is_provably_false(&signed.checkpoint), Error::<T>::NotProvablyFalse);
		Self::record_offence(&set, signer, Offence::FalseCheckpoint, reporter)
	}

	/// The current or the previous set, if it is `set_id`.
	fn reportable_set(set_id: u64) -> Result<NotarySetOf<T>, Error<T>> {
		[CurrentSet::<T>::get(), PreviousSet::<T>::get()]
			.into_iter()
			.flatten()
			.find(|set| set.id == set_id)
			.ok_or(Error::<T>::UnknownSet)
	}

	fn record_offence(
		set: &NotarySetOf<T>,
		notary: H160,
		offence: Offence,
		reporter: T::AccountId,
	) -> DispatchResult {
		ensure!(set.contains(&notary), Error::<T>::UnknownNotary);
		ensure!(!Offenders::<T>::contains_key(set.id, notary), Error::<T>::AlreadyReported);
		Offenders::<T>::insert(set.id, notary, offence);
		Self::deposit_event(Event::NotaryMisbehaved { set_id: set.id, notary, offence, reporter });
		Ok(())
	}

	/// Whether the hub's own records contradict `checkpoint`: a block not built yet, another
	/// block hash, or another root for the destination in that block.
	pub(crate) fn is_provably_false(checkpoint: &Checkpoint) -> bool {
		let now: u32 = frame_system::Pallet::<T>::block_number().unique_saturated_into();
		if checkpoint.hub_block >= now {
			return true;
		}
		// `BlockHash` keeps the genesis and the last `BlockHashCount` blocks; zero otherwise.
		let hash = frame_system::BlockHash::<T>::get(
			polkadot_sdk::frame_system::pallet_prelude::BlockNumberFor::<T>::from(
				checkpoint.hub_block,
			),
		);
		if hash != H256::zero() && hash != checkpoint.hub_block_hash {
			return true;
		}
		matches!(
			T::Commitments::committed_root(checkpoint.destination, checkpoint.hub_block),
			Some(committed) if committed != Some(checkpoint.root)
		)
	}
}
