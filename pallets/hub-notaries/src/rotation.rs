//! The set's life: governance schedules the next set, the current set hands over to it.

use crate::{pallet::*, NotaryHandoverOf, NotarySetOf};
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{ensure, traits::Get, BoundedVec},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_core::{ecdsa, H160, H256},
	sp_runtime::{traits::Zero, DispatchResult},
};

impl<T: Config> Pallet<T> {
	/// The hub's genesis hash, which every checkpoint and handover payload names.
	pub fn hub_genesis() -> H256 {
		frame_system::BlockHash::<T>::get(BlockNumberFor::<T>::zero())
	}

	/// Set `id` of `threshold` of `members`, sorted; refused unless it is a valid set.
	pub(crate) fn new_set(
		id: u64,
		threshold: u32,
		mut members: Vec<H160>,
	) -> Result<NotarySetOf<T>, Error<T>> {
		members.sort();
		// The call's argument is bounded already; the genesis list is checked here.
		let members = BoundedVec::try_from(members).map_err(|_| Error::<T>::TooManyNotaries)?;
		let set = NotarySetOf::<T> { id, threshold, members };
		set.check()?;
		Ok(set)
	}

	pub(crate) fn do_schedule_rotation(threshold: u32, members: Vec<H160>) -> DispatchResult {
		ensure!(!ScheduledSet::<T>::exists(), Error::<T>::RotationPending);
		let id = NextSetId::<T>::get();
		let set = Self::new_set(id, threshold, members)?;
		NextSetId::<T>::put(id.saturating_add(1));
		if CurrentSet::<T>::exists() {
			Self::deposit_event(Event::RotationScheduled {
				set_id: id,
				threshold,
				members: set.members.clone(),
			});
			ScheduledSet::<T>::put(set);
		} else {
			// The first set: nobody to hand over from.
			CurrentSet::<T>::put(set);
			Self::deposit_event(Event::NotarySetInstalled { set_id: id, from: None });
		}
		Ok(())
	}

	pub(crate) fn do_submit_handover(
		signatures: BoundedVec<ecdsa::Signature, T::MaxNotaries>,
	) -> DispatchResult {
		let current = CurrentSet::<T>::get().ok_or(Error::<T>::NoNotarySet)?;
		let next = ScheduledSet::<T>::get().ok_or(Error::<T>::NoRotationScheduled)?;
		let handover = NotaryHandoverOf::<T> { from_set_id: current.id, next, signatures };
		current
			.verify(&handover.payload(Self::hub_genesis()), &handover.signatures)
			.map_err(Error::<T>::from)?;

		let mut kept = KeptHandovers::<T>::get();
		if kept.is_full() && !kept.is_empty() {
			let oldest = kept.remove(0);
			Handovers::<T>::remove(oldest);
		}
		// Room was made above unless the bound is zero; then nothing is kept.
		if kept.try_push(handover.next.id).is_ok() {
			Handovers::<T>::insert(handover.next.id, &handover);
		}
		KeptHandovers::<T>::put(kept);

		// The set two back can no longer be trusted by any gateway we hand roots to.
		if let Some(dropped) = PreviousSet::<T>::get() {
			let _ = Offenders::<T>::clear_prefix(dropped.id, T::MaxNotaries::get(), None);
		}
		ScheduledSet::<T>::kill();
		PreviousSet::<T>::put(current.clone());
		CurrentSet::<T>::put(handover.next.clone());
		Self::deposit_event(Event::NotarySetInstalled {
			set_id: handover.next.id,
			from: Some(current.id),
		});
		Ok(())
	}

	/// The invariants `try_state` checks.
	#[cfg(any(test, feature = "try-runtime"))]
	pub(crate) fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		let next_id = NextSetId::<T>::get();
		let current = CurrentSet::<T>::get();
		if let Some(current) = &current {
			ensure!(current.check().is_ok(), "the current set is invalid");
			ensure!(current.id < next_id, "the current set's id was handed out again");
		}
		if let Some(scheduled) = ScheduledSet::<T>::get() {
			ensure!(scheduled.check().is_ok(), "the scheduled set is invalid");
			ensure!(scheduled.id < next_id, "the scheduled set's id was handed out again");
			ensure!(
				current.as_ref().is_some_and(|current| current.id < scheduled.id),
				"a set is scheduled without an older current set"
			);
		}
		if let Some(previous) = PreviousSet::<T>::get() {
			ensure!(
				current.as_ref().is_some_and(|current| previous.id < current.id),
				"the previous set is not older than the current one"
			);
		}
		let kept = KeptHandovers::<T>::get();
		ensure!(kept.windows(2).all(|pair| pair[0] < pair[1]), "kept handovers are not in order");
		ensure!(
			Handovers::<T>::iter_keys().count() == kept.len()
				&& kept.iter().all(Handovers::<T>::contains_key),
			"kept handovers and their index disagree"
		);
		Ok(())
	}
}
