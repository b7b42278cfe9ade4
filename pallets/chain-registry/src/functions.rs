//! The registry's logic. Each `do_*` function checks everything before its first write, so a
//! refused call changes nothing.

use crate::{
	ChainNameOf, ChainRecord, Chains, Config, Error, Event, HoldReason, Pallet, ParachainChains,
	VerifierConfigOf,
};
use alloc::vec::Vec;
use fusion_hub_primitives::{
	message::HUB_CHAIN_ID, ChainId, ChainKind, ChainStatus, ChainTrustReset, ChainUsage,
	VerifierConfig,
};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{
			fungible::MutateHold,
			tokens::{Fortitude, Precision},
			Get,
		},
	},
	frame_system,
	sp_runtime::{traits::Zero, DispatchError, DispatchResult},
};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_propose_chain(
		operator: T::AccountId,
		chain_id: ChainId,
		name: ChainNameOf<T>,
		kind: ChainKind,
		verifier: VerifierConfigOf<T>,
	) -> DispatchResult {
		ensure!(chain_id != HUB_CHAIN_ID, Error::<T>::ReservedChainId);
		ensure!(!Chains::<T>::contains_key(chain_id), Error::<T>::ChainAlreadyExists);
		ensure!(Chains::<T>::count() < T::MaxChains::get(), Error::<T>::TooManyChains);
		ensure!(!name.is_empty(), Error::<T>::EmptyName);
		verifier.validate_for(&kind).map_err(Error::<T>::from)?;
		if let ChainKind::PolkadotParachain { para_id } = kind {
			ensure!(!ParachainChains::<T>::contains_key(para_id), Error::<T>::ParaIdInUse);
		}

		let deposit = T::ChainDeposit::get();
		// The first write: if the operator cannot pay, nothing has been written.
		T::Currency::hold(&HoldReason::ChainDeposit.into(), &operator, deposit)?;

		Chains::<T>::insert(
			chain_id,
			ChainRecord::new(
				name,
				kind,
				verifier,
				operator.clone(),
				deposit,
				ChainStatus::Proposed,
			),
		);
		if let ChainKind::PolkadotParachain { para_id } = kind {
			ParachainChains::<T>::insert(para_id, chain_id);
		}
		Self::deposit_event(Event::ChainProposed { chain_id, operator, kind, deposit });
		Ok(())
	}

	pub(crate) fn do_approve_chain(chain_id: ChainId) -> DispatchResult {
		Self::change_status(chain_id, ChainStatus::Active, |from| match from {
			ChainStatus::Proposed => Ok(()),
			_ => Err(Error::<T>::NotProposed),
		})?;
		Self::deposit_event(Event::ChainApproved { chain_id });
		Ok(())
	}

	pub(crate) fn do_reject_chain(chain_id: ChainId) -> DispatchResult {
		let record = Chains::<T>::get(chain_id).ok_or(Error::<T>::ChainNotFound)?;
		ensure!(record.status == ChainStatus::Proposed, Error::<T>::NotProposed);

		// Burning from the hold reduces total issuance. `Force`: the operator's freezes must not
		// shield a deposit that was given up by applying.
		let burned = T::Currency::burn_held(
			&HoldReason::ChainDeposit.into(),
			&record.operator,
			record.deposit,
			Precision::BestEffort,
			Fortitude::Force,
		)?;
		Chains::<T>::remove(chain_id);
		Self::forget_parachain(&record.kind);
		Self::deposit_event(Event::ChainRejected { chain_id, operator: record.operator, burned });
		Ok(())
	}

	/// Frees a parachain's para id when its record is rejected or retired: another record may be
	/// that parachain then.
	fn forget_parachain(kind: &ChainKind) {
		if let ChainKind::PolkadotParachain { para_id } = kind {
			ParachainChains::<T>::remove(para_id);
		}
	}

	pub(crate) fn do_suspend_chain(chain_id: ChainId) -> DispatchResult {
		Self::change_status(chain_id, ChainStatus::Suspended, |from| match from {
			ChainStatus::Active => Ok(()),
			_ => Err(Error::<T>::NotActive),
		})?;
		Self::deposit_event(Event::ChainSuspended { chain_id });
		Ok(())
	}

	pub(crate) fn do_resume_chain(chain_id: ChainId) -> DispatchResult {
		let from = Self::change_status(chain_id, ChainStatus::Active, |from| match from {
			ChainStatus::Suspended | ChainStatus::Frozen => Ok(()),
			_ => Err(Error::<T>::NotSuspendedOrFrozen),
		})?;
		Self::deposit_event(Event::ChainResumed { chain_id, from });
		Ok(())
	}

	pub(crate) fn do_freeze(chain_id: ChainId) -> DispatchResult {
		let from = Self::change_status(chain_id, ChainStatus::Frozen, |from| match from {
			ChainStatus::Active | ChainStatus::Suspended => Ok(()),
			_ => Err(Error::<T>::NotActiveOrSuspended),
		})?;
		Self::deposit_event(Event::ChainFrozen { chain_id, from });
		Ok(())
	}

	pub(crate) fn do_retire_chain(chain_id: ChainId) -> DispatchResult {
		let mut record = Chains::<T>::get(chain_id).ok_or(Error::<T>::ChainNotFound)?;
		match record.status {
			ChainStatus::Active | ChainStatus::Suspended | ChainStatus::Frozen => {},
			ChainStatus::Proposed => return Err(Error::<T>::NotAdmitted.into()),
			ChainStatus::Retired => return Err(Error::<T>::ChainRetired.into()),
		}
		ensure!(!T::Usage::is_in_use(chain_id), Error::<T>::ChainInUse);

		let released = T::Currency::release(
			&HoldReason::ChainDeposit.into(),
			&record.operator,
			record.deposit,
			Precision::BestEffort,
		)?;
		let operator = record.operator.clone();
		record.deposit = Zero::zero();
		record.status = ChainStatus::Retired;
		record.status_changed_at = frame_system::Pallet::<T>::block_number();
		Self::forget_parachain(&record.kind);
		Chains::<T>::insert(chain_id, record);
		T::TrustReset::on_retired(chain_id);
		Self::deposit_event(Event::ChainRetired { chain_id, operator, released });
		Ok(())
	}

	pub(crate) fn do_update_verifier(
		chain_id: ChainId,
		verifier: VerifierConfigOf<T>,
	) -> DispatchResult {
		Chains::<T>::try_mutate(chain_id, |maybe_record| -> DispatchResult {
			let record = maybe_record.as_mut().ok_or(Error::<T>::ChainNotFound)?;
			ensure!(record.status != ChainStatus::Retired, Error::<T>::ChainRetired);
			verifier.validate_for(&record.kind).map_err(Error::<T>::from)?;
			// Attestations are bound to the committee's set id: reusing one, even after a spell
			// under another kind of verifier, would make an old set's signatures valid again.
			// (GRANDPA set ids are the peer chain's own, and justifications name their set.)
			if let VerifierConfig::Committee(committee) = &verifier {
				ensure!(
					record.last_committee_set.is_none_or(|last| committee.set_id > last),
					Error::<T>::SetIdNotIncreased
				);
				record.last_committee_set = Some(committee.set_id);
			}
			record.committee_floor = verifier.threshold_ratio();
			record.verifier = verifier;
			Ok(())
		})?;
		// Nothing the old verifier proved backs a proof any more: a verifier is replaced by
		// decree because it can no longer be trusted, or can no longer move on.
		T::TrustReset::on_verifier_replaced(chain_id);
		Self::deposit_event(Event::VerifierUpdated { chain_id });
		Ok(())
	}

	/// Records a verifier the chain proved itself (a committee handover, a GRANDPA set change).
	/// The chain must be active and a committee must keep at least the share of signers
	/// governance admitted.
	pub(crate) fn do_rotate_verifier(
		chain_id: ChainId,
		verifier: VerifierConfigOf<T>,
	) -> DispatchResult {
		Chains::<T>::try_mutate(chain_id, |maybe_record| -> DispatchResult {
			let record = maybe_record.as_mut().ok_or(Error::<T>::ChainNotFound)?;
			ensure!(record.status == ChainStatus::Active, Error::<T>::NotActive);
			verifier.validate_for(&record.kind).map_err(Error::<T>::from)?;
			if let VerifierConfig::Committee(committee) = &verifier {
				if let Some(floor) = record.committee_floor {
					ensure!(floor.admits(committee), Error::<T>::ThresholdRatioLowered);
				}
				record.last_committee_set = Some(committee.set_id);
			}
			record.verifier = verifier;
			Ok(())
		})?;
		Self::deposit_event(Event::VerifierRotated { chain_id });
		Ok(())
	}

	/// Moves the chain to `to` if `allowed` accepts its current status, records the block, and
	/// returns the status it left. Writes nothing on failure.
	fn change_status(
		chain_id: ChainId,
		to: ChainStatus,
		allowed: impl FnOnce(ChainStatus) -> Result<(), Error<T>>,
	) -> Result<ChainStatus, DispatchError> {
		Chains::<T>::try_mutate(chain_id, |maybe_record| -> Result<ChainStatus, DispatchError> {
			let record = maybe_record.as_mut().ok_or(Error::<T>::ChainNotFound)?;
			let from = record.status;
			allowed(from)?;
			record.status = to;
			record.status_changed_at = frame_system::Pallet::<T>::block_number();
			Ok(from)
		})
	}

	/// The record of `chain_id`, if any. Backs `ChainRegistryApi::chain`.
	pub fn chain(chain_id: ChainId) -> Option<ChainRecord<T>> {
		Chains::<T>::get(chain_id)
	}

	/// Every record, ordered by id; at most `MaxChains`. Backs `ChainRegistryApi::chains`.
	pub fn chains() -> Vec<(ChainId, ChainRecord<T>)> {
		let mut chains: Vec<_> = Chains::<T>::iter().collect();
		chains.sort_unstable_by_key(|(chain_id, _)| *chain_id);
		chains
	}

	/// The records of the chains in `status`, ordered by id; at most `MaxChains`. Backs
	/// `ChainRegistryApi::chains_by_status`.
	pub fn chains_by_status(status: ChainStatus) -> Vec<(ChainId, ChainRecord<T>)> {
		let mut chains: Vec<_> =
			Chains::<T>::iter().filter(|(_, record)| record.status == status).collect();
		chains.sort_unstable_by_key(|(chain_id, _)| *chain_id);
		chains
	}

	/// Checks the registry's invariants:
	/// - the counter equals the number of records, which is at most `MaxChains`;
	/// - every record has a non-empty name and a verifier that is valid for its kind, and was
	///   proposed no later than its last status change;
	/// - a retired chain claims no deposit;
	/// - every parachain record not retired, and nothing else, is indexed by its para id;
	/// - for every operator, the balance held for `ChainDeposit` equals the sum of the deposits
	///   of its chains that are not retired.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use crate::BalanceOf;
		use alloc::collections::BTreeMap;
		use polkadot_sdk::{
			frame_support::traits::fungible::InspectHold, sp_runtime::traits::Saturating,
		};

		let mut records: u32 = 0;
		let mut parachains: u32 = 0;
		let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (chain_id, record) in Chains::<T>::iter() {
			records = records.saturating_add(1);
			if let ChainKind::PolkadotParachain { para_id } = record.kind {
				if record.status != ChainStatus::Retired {
					parachains = parachains.saturating_add(1);
					ensure!(
						ParachainChains::<T>::get(para_id) == Some(chain_id),
						"a parachain record is not indexed by its para id"
					);
				}
			}
			ensure!(!record.name.is_empty(), "a chain has an empty name");
			ensure!(
				record.verifier.validate_for(&record.kind).is_ok(),
				"a chain has an invalid verifier configuration"
			);
			if let (Some(floor), VerifierConfig::Committee(committee)) =
				(record.committee_floor, &record.verifier)
			{
				ensure!(floor.admits(committee), "a committee is below its admitted threshold");
			}
			ensure!(
				record.proposed_at <= record.status_changed_at,
				"a chain changed status before it was proposed"
			);
			if record.status == ChainStatus::Retired {
				ensure!(record.deposit.is_zero(), "a retired chain still claims a deposit");
			} else {
				let total = held.entry(record.operator.clone()).or_default();
				*total = total.saturating_add(record.deposit);
			}
		}
		ensure!(records == Chains::<T>::count(), "the chain counter is out of sync");
		ensure!(
			ParachainChains::<T>::iter().count() as u32 == parachains,
			"the para id index holds a chain that is not a parachain record in use"
		);
		ensure!(records <= T::MaxChains::get(), "the registry holds more than MaxChains records");
		for (operator, deposits) in held {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::ChainDeposit.into(), &operator)
					== deposits,
				"an operator's held deposit differs from its chains' deposits"
			);
		}
		Ok(())
	}
}
