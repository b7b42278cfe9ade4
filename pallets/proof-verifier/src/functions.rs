//! The calls' logic, their weights, and the queries behind the runtime API.

use crate::{
	AttestationOf, BestNumbers, CommitteeHandoverOf, CommitteeOf, Config, Error, Event, HeaderRing,
	HeaderUpdateOf, Headers, MisbehaviourOf, NextRingSlot, Pallet, PastCommittees, WeightInfo,
};
use fusion_hub_primitives::{
	attestation::{handover_payload, header_payload, SignatureCounts},
	grandpa::{verify_grandpa_update, GrandpaUpdate},
	ChainId, ChainRegistry, ChainStatus, GrandpaConfig, HeaderUpdate, Misbehaviour, TrustedHeader,
	VerifiedHeader, VerifierConfig,
};
use polkadot_sdk::{
	bp_header_chain::GrandpaConsensusLogReader,
	frame_support::{ensure, traits::Get, weights::Weight, BoundedVec},
	sp_runtime::{traits::Header as _, DispatchResult},
};

type VerifierOf<T> = VerifierConfig<
	<<T as Config>::Registry as ChainRegistry>::MaxCommitteeSize,
	<<T as Config>::Registry as ChainRegistry>::MaxGrandpaAuthorities,
>;

impl<T: Config> Pallet<T> {
	pub(crate) fn do_submit_header(chain_id: ChainId, update: HeaderUpdateOf<T>) -> DispatchResult {
		let verifier = Self::verifier_of(chain_id, true)?;
		let best = BestNumbers::<T>::get(chain_id);
		match (verifier, update) {
			(VerifierConfig::Committee(committee), HeaderUpdate::Committee(attested)) => {
				let header = attested.header;
				Self::ensure_new_in_window(chain_id, header.number, best)?;
				Self::verify_attestation(
					&committee,
					&attested.attestation,
					&header_payload(chain_id, committee.set_id, &header),
				)?;
				Self::import(chain_id, VerifiedHeader::attested(&header, committee.set_id));
				Ok(())
			},
			(VerifierConfig::Grandpa(grandpa), HeaderUpdate::Grandpa(update)) => {
				Self::import_grandpa(chain_id, grandpa, best, update)
			},
			(VerifierConfig::RelayChain, _) => Err(Error::<T>::RelayChainSecured.into()),
			_ => Err(Error::<T>::UpdateKindMismatch.into()),
		}
	}

	fn import_grandpa(
		chain_id: ChainId,
		grandpa: GrandpaConfig<<T::Registry as ChainRegistry>::MaxGrandpaAuthorities>,
		best: Option<u32>,
		update: GrandpaUpdate,
	) -> DispatchResult {
		let number = *update.header.number();
		// The current authority set finalises only above the header that enacted it.
		ensure!(number > grandpa.trusted_header.number, Error::<T>::StaleHeader);
		Self::ensure_new_in_window(chain_id, number, best)?;
		let next_authorities = verify_grandpa_update(grandpa.set_id, &grandpa.authorities, &update)
			.map_err(Error::<T>::from)?;
		// Headers above this one were finalised by the current set, so a change it enacts cannot
		// be real; and enacting it would strand them.
		if next_authorities.is_some() && best.is_some_and(|best| number < best) {
			return Err(Error::<T>::GrandpaChangeBelowBest.into());
		}

		let hash = update.header.hash();
		let state_root = *update.header.state_root();
		Self::import(
			chain_id,
			VerifiedHeader {
				number,
				hash,
				state_root,
				message_root: None,
				timestamp: None,
				set_id: grandpa.set_id,
			},
		);

		if let Some(next) = next_authorities {
			let authorities =
				BoundedVec::try_from(next).map_err(|_| Error::<T>::TooManyAuthorities)?;
			let set_id = grandpa.set_id.checked_add(1).ok_or(Error::<T>::SetIdOverflow)?;
			let count = authorities.len() as u32;
			T::Registry::rotate_verifier(
				chain_id,
				VerifierConfig::Grandpa(GrandpaConfig {
					set_id,
					authorities,
					trusted_header: TrustedHeader { hash, number, state_root },
				}),
			)?;
			Self::deposit_event(Event::AuthoritySetChanged {
				chain_id,
				set_id,
				authorities: count,
			});
		}
		Ok(())
	}

	pub(crate) fn do_rotate_committee(
		chain_id: ChainId,
		handover: CommitteeHandoverOf<T>,
	) -> DispatchResult {
		let committee = Self::active_committee(chain_id)?;
		let next_set_id = committee.set_id.checked_add(1).ok_or(Error::<T>::SetIdOverflow)?;
		ensure!(handover.next.set_id == next_set_id, Error::<T>::UnexpectedSetId);
		handover.next.validate().map_err(|_| Error::<T>::InvalidNextCommittee)?;
		Self::verify_attestation(
			&committee,
			&handover.attestation,
			&handover_payload(chain_id, committee.set_id, &handover.next),
		)?;

		let members = handover.next.members.len() as u32;
		let threshold = handover.next.threshold;
		T::Registry::rotate_verifier(chain_id, VerifierConfig::Committee(handover.next))?;
		Self::keep_past_committee(chain_id, committee);
		Self::deposit_event(Event::CommitteeRotated {
			chain_id,
			set_id: next_set_id,
			members,
			threshold,
		});
		Ok(())
	}

	pub(crate) fn do_report_misbehaviour(
		reporter: T::AccountId,
		chain_id: ChainId,
		evidence: MisbehaviourOf<T>,
	) -> DispatchResult {
		let (status, verifier) = Self::registered(chain_id)?;
		match status {
			ChainStatus::Active | ChainStatus::Suspended => {},
			ChainStatus::Frozen => return Err(Error::<T>::AlreadyFrozen.into()),
			ChainStatus::Proposed | ChainStatus::Retired => {
				return Err(Error::<T>::ChainNotActive.into())
			},
		}
		let VerifierConfig::Committee(current) = verifier else {
			return Err(Error::<T>::NotCommitteeChain.into());
		};
		ensure!(evidence.is_conflict(), Error::<T>::NotConflicting);
		let set_id = evidence.set_id();
		let committee = if set_id == current.set_id {
			current
		} else {
			let past = PastCommittees::<T>::get(chain_id, set_id)
				.ok_or(Error::<T>::UnknownCommitteeSet)?;
			// A committee that handed over has nothing left at stake: its conflicts count only
			// where they touch what the hub took from it.
			ensure!(Self::took_from(chain_id, &evidence, &current), Error::<T>::EvidenceNotTaken);
			past
		};
		for (payload, attestation) in evidence.statements(chain_id) {
			Self::verify_attestation(&committee, attestation, &payload)?;
		}

		T::Registry::freeze(chain_id)?;
		// A forged header must back nothing, also after governance resumes the chain.
		Self::drop_headers(chain_id);
		Self::deposit_event(Event::MisbehaviourReported {
			chain_id,
			set_id,
			height: evidence.height(),
			reporter,
		});
		Ok(())
	}

	/// Whether one of the statements of evidence against an earlier committee is one the hub
	/// took: a header it holds, imported under that committee, or the handover it enacted.
	fn took_from(
		chain_id: ChainId,
		evidence: &MisbehaviourOf<T>,
		current: &CommitteeOf<T>,
	) -> bool {
		match evidence {
			Misbehaviour::ConflictingHeaders { set_id, first, second } => {
				Headers::<T>::get(chain_id, first.header.number).is_some_and(|held| {
					[first, second]
						.iter()
						.any(|attested| held == VerifiedHeader::attested(&attested.header, *set_id))
				})
			},
			Misbehaviour::ConflictingHandovers { set_id, first, second } => {
				let enacted = match set_id.checked_add(1) {
					Some(next) if next == current.set_id => Some(current.clone()),
					Some(next) => PastCommittees::<T>::get(chain_id, next),
					None => None,
				};
				enacted.is_some_and(|enacted| first.next == enacted || second.next == enacted)
			},
		}
	}

	/// Keeps the committee that just handed over, and forgets the one `CommitteesToKeep` before
	/// it: a chain keeps at most that many.
	fn keep_past_committee(chain_id: ChainId, committee: CommitteeOf<T>) {
		let keep = u64::from(T::CommitteesToKeep::get());
		if keep == 0 {
			return;
		}
		if let Some(expired) = committee.set_id.checked_sub(keep) {
			PastCommittees::<T>::remove(chain_id, expired);
		}
		PastCommittees::<T>::insert(chain_id, committee.set_id, committee);
	}

	/// Drops every verified header of `chain_id`, its ring and best number, and the committees
	/// it kept: nothing verified so far backs a proof any more, and the next verified header
	/// starts the chain again. The drains are bounded: a chain keeps at most `HeadersToKeep`
	/// headers and `CommitteesToKeep` committees.
	pub(crate) fn drop_headers(chain_id: ChainId) {
		let headers = Headers::<T>::drain_prefix(chain_id).count() as u32;
		HeaderRing::<T>::drain_prefix(chain_id).for_each(drop);
		PastCommittees::<T>::drain_prefix(chain_id).for_each(drop);
		NextRingSlot::<T>::remove(chain_id);
		BestNumbers::<T>::remove(chain_id);
		Self::deposit_event(Event::HeadersDropped { chain_id, headers });
	}

	/// The chain's status and verifier configuration, in one registry read.
	fn registered(chain_id: ChainId) -> Result<(ChainStatus, VerifierOf<T>), Error<T>> {
		T::Registry::status_and_verifier(chain_id).ok_or(Error::<T>::UnknownChain)
	}

	/// The verifier configuration of an active chain (or, with `suspended_too`, a suspended one),
	/// or why there is none. A suspended chain's headers still come in, because its later blocks
	/// carry the receipts and channel states that complete what was sent to it; they back only
	/// completions. Everything else needs an active chain.
	fn verifier_of(chain_id: ChainId, suspended_too: bool) -> Result<VerifierOf<T>, Error<T>> {
		match Self::registered(chain_id)? {
			(ChainStatus::Active, verifier) => Ok(verifier),
			(ChainStatus::Suspended, verifier) if suspended_too => Ok(verifier),
			(ChainStatus::Suspended, _) => Err(Error::<T>::ChainSuspended),
			(ChainStatus::Frozen, _) => Err(Error::<T>::ChainFrozen),
			(ChainStatus::Proposed | ChainStatus::Retired, _) => Err(Error::<T>::ChainNotActive),
		}
	}

	/// The committee of an active committee chain.
	fn active_committee(chain_id: ChainId) -> Result<CommitteeOf<T>, Error<T>> {
		match Self::verifier_of(chain_id, false)? {
			VerifierConfig::Committee(committee) => Ok(committee),
			_ => Err(Error::<T>::NotCommitteeChain),
		}
	}

	fn verify_attestation(
		committee: &CommitteeOf<T>,
		attestation: &AttestationOf<T>,
		payload: &[u8],
	) -> DispatchResult {
		attestation
			.verify(committee, payload)
			.map(|_| ())
			.map_err(|error| Error::<T>::from(error).into())
	}

	/// A header may join the ring if the hub does not hold its height and it is within the kept
	/// window: above `best - HeadersToKeep`. Headers may come in any order inside the window, so a
	/// relayer that skipped one can go back for it.
	///
	/// The window keeps the best header in the ring: at most `HeadersToKeep - 1` other heights
	/// fit below it, so it is never the oldest import when a lower one arrives.
	fn ensure_new_in_window(chain_id: ChainId, number: u32, best: Option<u32>) -> DispatchResult {
		let keep = T::HeadersToKeep::get().max(1);
		ensure!(
			best.is_none_or(|best| number.saturating_add(keep) > best),
			Error::<T>::StaleHeader
		);
		ensure!(!Headers::<T>::contains_key(chain_id, number), Error::<T>::StaleHeader);
		Ok(())
	}

	/// Records a verified header and puts it in the ring, pruning the header whose slot it takes
	/// (the oldest import); it becomes the best if it is the highest.
	pub(crate) fn import(chain_id: ChainId, header: VerifiedHeader) {
		let keep = T::HeadersToKeep::get().max(1);
		let slot = NextRingSlot::<T>::get(chain_id) % keep;
		if let Some(pruned) = HeaderRing::<T>::get(chain_id, slot) {
			Headers::<T>::remove(chain_id, pruned);
		}
		HeaderRing::<T>::insert(chain_id, slot, header.number);
		Headers::<T>::insert(chain_id, header.number, header);
		NextRingSlot::<T>::insert(chain_id, (slot + 1) % keep);
		if BestNumbers::<T>::get(chain_id).is_none_or(|best| header.number > best) {
			BestNumbers::<T>::insert(chain_id, header.number);
		}
		Self::deposit_event(Event::HeaderVerified {
			chain_id,
			number: header.number,
			hash: header.hash,
			set_id: header.set_id,
		});
	}

	/// The extra cost of the signatures in `counts`, over an attestation without any.
	fn signatures_weight(counts: SignatureCounts) -> Weight {
		let extra = |with: Weight, without: Weight| with.saturating_sub(without);
		extra(
			T::WeightInfo::submit_header_ed25519(counts.ed25519),
			T::WeightInfo::submit_header_ed25519(0),
		)
		.saturating_add(extra(
			T::WeightInfo::submit_header_sr25519(counts.sr25519),
			T::WeightInfo::submit_header_sr25519(0),
		))
		.saturating_add(extra(
			T::WeightInfo::submit_header_ecdsa(counts.ecdsa),
			T::WeightInfo::submit_header_ecdsa(0),
		))
	}

	/// Weight of `submit_header`: committee headers cost in their signatures of each scheme,
	/// GRANDPA headers in precommits and ancestry headers, plus the handover to the next set
	/// when the header enacts one.
	pub(crate) fn submit_header_weight(update: &HeaderUpdateOf<T>) -> Weight {
		match update {
			HeaderUpdate::Committee(attested) => T::WeightInfo::submit_header_ed25519(0)
				.max(T::WeightInfo::submit_header_sr25519(0))
				.max(T::WeightInfo::submit_header_ecdsa(0))
				.saturating_add(Self::signatures_weight(attested.attestation.counts())),
			HeaderUpdate::Grandpa(update) => {
				let justification = &update.justification;
				let base = T::WeightInfo::submit_header_grandpa(
					justification.commit.precommits.len() as u32,
					justification.votes_ancestries.len() as u32,
				);
				match GrandpaConsensusLogReader::<u32>::find_scheduled_change(
					update.header.digest(),
				) {
					Some(change) => base.saturating_add(T::WeightInfo::enact_authority_set_change(
						change.next_authorities.len() as u32,
					)),
					None => base,
				}
			},
		}
	}

	/// Weight of `rotate_committee`: the handover benchmark, with one ed25519 signer, plus the
	/// signatures.
	pub(crate) fn rotate_committee_weight(handover: &CommitteeHandoverOf<T>) -> Weight {
		T::WeightInfo::rotate_committee(handover.next.members.len() as u32)
			.saturating_add(Self::signatures_weight(handover.attestation.counts()))
	}

	/// Weight of `report_misbehaviour`: the report benchmark (one ed25519 signer per statement,
	/// a full ring of headers dropped), plus the signatures of both statements.
	pub(crate) fn report_misbehaviour_weight(evidence: &MisbehaviourOf<T>) -> Weight {
		T::WeightInfo::report_misbehaviour(T::HeadersToKeep::get())
			.saturating_add(Self::signatures_weight(evidence.counts()))
	}

	/// The highest verified header of `chain_id`. Backs `ProofVerifierApi::latest_header`.
	pub fn latest_header(chain_id: ChainId) -> Option<VerifiedHeader> {
		BestNumbers::<T>::get(chain_id).and_then(|number| Headers::<T>::get(chain_id, number))
	}

	/// The kept verified header of `chain_id` at `number`. Backs `ProofVerifierApi::header`.
	pub fn header(chain_id: ChainId, number: u32) -> Option<VerifiedHeader> {
		Headers::<T>::get(chain_id, number)
	}

	/// Ring, kept headers and best headers agree: every ring slot names a kept header, every
	/// kept header sits in a slot, no chain keeps more than `HeadersToKeep`, and each best
	/// header is kept and is the highest.
	#[cfg(any(feature = "try-runtime", test))]
	pub(crate) fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		let keep = T::HeadersToKeep::get().max(1);
		let mut kept: BTreeMap<ChainId, u32> = BTreeMap::new();
		for (chain_id, number, header) in Headers::<T>::iter() {
			ensure!(header.number == number, "a header is filed under another number");
			*kept.entry(chain_id).or_default() += 1;
		}
		let mut slots: BTreeMap<ChainId, u32> = BTreeMap::new();
		for (chain_id, slot, number) in HeaderRing::<T>::iter() {
			ensure!(slot < keep, "a ring slot is out of range");
			ensure!(
				Headers::<T>::contains_key(chain_id, number),
				"a ring slot names a pruned header"
			);
			*slots.entry(chain_id).or_default() += 1;
		}
		ensure!(kept == slots, "kept headers and ring slots disagree");
		let mut committees: BTreeMap<ChainId, u32> = BTreeMap::new();
		for (chain_id, set_id, committee) in PastCommittees::<T>::iter() {
			ensure!(committee.set_id == set_id, "a past committee is filed under another set id");
			*committees.entry(chain_id).or_default() += 1;
		}
		ensure!(
			committees.values().all(|count| *count <= T::CommitteesToKeep::get()),
			"a chain keeps more than CommitteesToKeep past committees"
		);
		for (chain_id, best) in BestNumbers::<T>::iter() {
			ensure!(Headers::<T>::contains_key(chain_id, best), "the best header is not kept");
			ensure!(
				Headers::<T>::iter_prefix(chain_id).all(|(number, _)| number <= best),
				"a kept header is above the best"
			);
		}
		Ok(())
	}
}
