//! Tests of every call, every rejection with its exact error, and inclusion checks.

use crate::{mock::*, BestNumbers, Error, Event, HeaderRing, Headers, PastCommittees};
use fusion_hub_primitives::{
	attestation::CommitteeSignature,
	grandpa::{testing, GrandpaUpdate, SubstrateHeader},
	inclusion::{MerkleSiblings, TrieNode},
	merkle, ChainId, ChainKind, ChainRegistry, ChainStatus, ChainTrustReset, CommitteeKey,
	GrandpaAuthority, HeaderUpdate, InclusionError, InclusionProof, Misbehaviour, PeerHeader,
	ProofUse, VerifiedHeader, VerifierConfig, VerifyInclusion,
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, dispatch::Pays, BoundedVec},
	sp_core::{H160, H256},
	sp_runtime::{Digest, DispatchError},
	*,
};

fn submit(chain_id: ChainId, update: crate::HeaderUpdateOf<Test>) -> sp_runtime::DispatchResult {
	ProofVerifier::submit_header(RuntimeOrigin::signed(RELAYER), chain_id, update)
}

fn committee_update(
	chain_id: ChainId,
	set_id: u64,
	number: u32,
	signers: &[Member],
) -> crate::HeaderUpdateOf<Test> {
	HeaderUpdate::Committee(attested(chain_id, set_id, peer_header(number, 0xaa), signers))
}

/// Members 0, 1 and 2 of the EVM committee: ed25519, sr25519 and ECDSA.
fn three_schemes() -> Vec<Member> {
	evm_members()[..3].to_vec()
}

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

// ---------------------------------------------------------------- committee headers

#[test]
fn committee_header_signed_in_three_schemes_is_recorded() {
	new_test_ext().execute_with(|| {
		assert_ok!(submit(EVM_CHAIN, committee_update(EVM_CHAIN, 5, 100, &three_schemes())));
		let expected = VerifiedHeader::attested(&peer_header(100, 0xaa), 5);
		assert_eq!(BestNumbers::<Test>::get(EVM_CHAIN), Some(100));
		assert_eq!(Headers::<Test>::get(EVM_CHAIN, 100), Some(expected));
		assert_eq!(ProofVerifier::latest_header(EVM_CHAIN), Some(expected));
		assert_eq!(
			last_event(),
			Event::HeaderVerified {
				chain_id: EVM_CHAIN,
				number: 100,
				hash: expected.hash,
				set_id: 5
			}
			.into()
		);
		crate::Pallet::<Test>::do_try_state().unwrap();
	});
}

#[test]
fn all_four_members_may_sign() {
	new_test_ext().execute_with(|| {
		assert_ok!(submit(EVM_CHAIN, committee_update(EVM_CHAIN, 5, 1, &evm_members())));
	});
}

#[test]
fn below_threshold_is_rejected() {
	new_test_ext().execute_with(|| {
		let two = &evm_members()[..2];
		assert_noop!(
			submit(EVM_CHAIN, committee_update(EVM_CHAIN, 5, 1, two)),
			Error::<Test>::BelowThreshold
		);
	});
}

#[test]
fn unknown_signer_is_rejected() {
	new_test_ext().execute_with(|| {
		let mut signers = three_schemes();
		signers[1] = Member::sr25519(99);
		assert_noop!(
			submit(EVM_CHAIN, committee_update(EVM_CHAIN, 5, 1, &signers)),
			Error::<Test>::UnknownSigner
		);
		// An ECDSA outsider too: its address is not in the committee.
		let mut signers = three_schemes();
		signers[2] = Member::ecdsa(98);
		assert_noop!(
			submit(EVM_CHAIN, committee_update(EVM_CHAIN, 5, 1, &signers)),
			Error::<Test>::UnknownSigner
		);
	});
}

#[test]
fn duplicate_signer_is_rejected() {
	new_test_ext().execute_with(|| {
		let members = evm_members();
		let signers = [members[0].clone(), members[1].clone(), members[0].clone()];
		assert_noop!(
			submit(EVM_CHAIN, committee_update(EVM_CHAIN, 5, 1, &signers)),
			Error::<Test>::DuplicateSigner
		);
	});
}

#[test]
fn signature_of_another_scheme_is_rejected() {
	new_test_ext().execute_with(|| {
		let mut update = committee_update(EVM_CHAIN, 5, 1, &three_schemes());
		let HeaderUpdate::Committee(ref mut attested) = update else { unreachable!() };
		// The ed25519 member presents an sr25519 signature.
		let sr = Member::sr25519(2).sign(b"anything").signature;
		attested.attestation.signatures[0].signature = sr;
		assert_noop!(submit(EVM_CHAIN, update), Error::<Test>::SchemeMismatch);
	});
}

#[test]
fn bad_signatures_are_rejected_in_every_scheme() {
	new_test_ext().execute_with(|| {
		for index in 0..3 {
			let mut update = committee_update(EVM_CHAIN, 5, 1, &three_schemes());
			let HeaderUpdate::Committee(ref mut attested) = update else { unreachable!() };
			// The member signs another header.
			let other = crate::mock::attested(EVM_CHAIN, 5, peer_header(2, 0xaa), &three_schemes());
			attested.attestation.signatures[index] = other.attestation.signatures[index].clone();
			assert_noop!(submit(EVM_CHAIN, update), Error::<Test>::BadSignature);
		}
	});
}

#[test]
fn attestation_for_another_chain_or_committee_is_rejected() {
	new_test_ext().execute_with(|| {
		// Signed for chain 9: replayed on EVM_CHAIN.
		assert_noop!(
			submit(EVM_CHAIN, committee_update(9, 5, 1, &three_schemes())),
			Error::<Test>::BadSignature
		);
		// Signed for committee set 4.
		assert_noop!(
			submit(EVM_CHAIN, committee_update(EVM_CHAIN, 4, 1, &three_schemes())),
			Error::<Test>::BadSignature
		);
	});
}

#[test]
fn header_fields_are_all_signed() {
	new_test_ext().execute_with(|| {
		let tampered: [fn(&mut fusion_hub_primitives::PeerHeader); 5] = [
			|h| h.number += 1,
			|h| h.hash = H256::repeat_byte(0xbb),
			|h| h.state_root = H256::repeat_byte(1),
			|h| h.message_root = H256::repeat_byte(2),
			|h| h.timestamp += 1,
		];
		for tamper in tampered {
			let mut update = committee_update(EVM_CHAIN, 5, 1, &three_schemes());
			let HeaderUpdate::Committee(ref mut attested) = update else { unreachable!() };
			tamper(&mut attested.header);
			assert_noop!(submit(EVM_CHAIN, update), Error::<Test>::BadSignature);
		}
	});
}

#[test]
fn headers_arrive_in_any_order_within_the_kept_window() {
	new_test_ext().execute_with(|| {
		let submit_at =
			|number| submit(EVM_CHAIN, committee_update(EVM_CHAIN, 5, number, &three_schemes()));
		assert_ok!(submit_at(10));
		// A height the hub holds is stale, even signed again.
		assert_noop!(submit_at(10), Error::<Test>::StaleHeader);
		// A relayer that skipped 9 and 8 goes back for them: the best stays 10.
		assert_ok!(submit_at(9));
		assert_ok!(submit_at(8));
		assert_eq!(BestNumbers::<Test>::get(EVM_CHAIN), Some(10));
		assert_eq!(ProofVerifier::latest_header(EVM_CHAIN).map(|header| header.number), Some(10));
		crate::Pallet::<Test>::do_try_state().unwrap();
		// Below the window of HEADERS_TO_KEEP heights up to the best: stale.
		assert_noop!(submit_at(10 - HEADERS_TO_KEEP), Error::<Test>::StaleHeader);
		assert_noop!(submit_at(1), Error::<Test>::StaleHeader);
		// A lower header backs proofs like any other.
		let leaves = leaves();
		let mut header = peer_header(7 + HEADERS_TO_KEEP, 0xab);
		header.message_root = merkle::keccak_merkle_root(&leaves).unwrap();
		assert_ok!(submit_at(12));
		assert_ok!(submit(
			EVM_CHAIN,
			HeaderUpdate::Committee(crate::mock::attested(EVM_CHAIN, 5, header, &three_schemes()))
		));
		let proof = InclusionProof::KeccakMerkle {
			leaf: leaves[1],
			proof: MerkleSiblings::truncate_from(merkle::keccak_merkle_proof(&leaves, 1).unwrap()),
		};
		assert_eq!(ProofVerifier::verify_inclusion(EVM_CHAIN, 10, &proof), Ok(()));
		assert_eq!(BestNumbers::<Test>::get(EVM_CHAIN), Some(12));
		assert_eq!(HeaderRing::<Test>::iter_prefix(EVM_CHAIN).count() as u32, HEADERS_TO_KEEP);
		crate::Pallet::<Test>::do_try_state().unwrap();
	});
}

#[test]
fn the_best_header_is_never_pruned_by_lower_ones() {
	new_test_ext().execute_with(|| {
		// Every order of a window's heights keeps the best, and the ring within its bound.
		let submit_at =
			|number| submit(EVM_CHAIN, committee_update(EVM_CHAIN, 5, number, &three_schemes()));
		let mut base = 0;
		for order in [[5u32, 4, 3], [3, 5, 4], [4, 3, 5], [5, 3, 4]] {
			base += 10;
			for offset in order {
				assert_ok!(submit_at(base + offset));
				let best = BestNumbers::<Test>::get(EVM_CHAIN).unwrap();
				assert!(Headers::<Test>::contains_key(EVM_CHAIN, best), "the best is kept");
				crate::Pallet::<Test>::do_try_state().unwrap();
			}
			assert_eq!(BestNumbers::<Test>::get(EVM_CHAIN), Some(base + 5));
			// Every height of the window is held now, so nothing more fits below the best.
			assert_noop!(submit_at(base + 2), Error::<Test>::StaleHeader);
		}
	});
}

#[test]
fn unsigned_submission_is_rejected() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			crate::Pallet::<Test>::submit_header(
				RuntimeOrigin::none(),
				EVM_CHAIN,
				committee_update(EVM_CHAIN, 5, 1, &three_schemes())
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn active_and_suspended_chains_take_headers() {
	new_test_ext().execute_with(|| {
		let update = |number| committee_update(EVM_CHAIN, 5, number, &three_schemes());
		assert_noop!(
			submit(42, committee_update(42, 5, 1, &three_schemes())),
			Error::<Test>::UnknownChain
		);
		for (status, error) in [
			(ChainStatus::Proposed, Error::<Test>::ChainNotActive),
			(ChainStatus::Frozen, Error::<Test>::ChainFrozen),
			(ChainStatus::Retired, Error::<Test>::ChainNotActive),
		] {
			MockRegistry::set_status(EVM_CHAIN, status);
			assert_noop!(submit(EVM_CHAIN, update(1)), error);
		}
		MockRegistry::set_status(EVM_CHAIN, ChainStatus::Active);
		assert_ok!(submit(EVM_CHAIN, update(1)));
		// A suspended chain's later blocks carry the receipts and channel states that complete
		// what was sent to it: its headers still come in, and back only completions.
		MockRegistry::set_status(EVM_CHAIN, ChainStatus::Suspended);
		assert_ok!(submit(EVM_CHAIN, update(2)));
		let proof =
			InclusionProof::KeccakMerkle { leaf: H256::zero(), proof: MerkleSiblings::default() };
		assert_eq!(
			ProofVerifier::verify_inclusion(EVM_CHAIN, 2, &proof),
			Err(InclusionError::ChainNotActive)
		);
		assert!(ProofVerifier::proving_header(EVM_CHAIN, 2, ProofUse::Completion).is_ok());
	});
}

#[test]
fn update_must_match_the_verifier_kind() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			submit(SUBSTRATE_CHAIN, committee_update(SUBSTRATE_CHAIN, 0, 11, &three_schemes())),
			Error::<Test>::UpdateKindMismatch
		);
		let update = grandpa_update(11, &GRANDPA_SEEDS, Digest::default());
		assert_noop!(submit(EVM_CHAIN, update), Error::<Test>::UpdateKindMismatch);
		assert_noop!(
			submit(PARACHAIN, committee_update(PARACHAIN, 0, 1, &three_schemes())),
			Error::<Test>::RelayChainSecured
		);
	});
}

#[test]
fn the_ring_keeps_the_last_headers_and_prunes_older_ones() {
	new_test_ext().execute_with(|| {
		for number in 1..=5 {
			assert_ok!(submit(EVM_CHAIN, committee_update(EVM_CHAIN, 5, number, &three_schemes())));
		}
		let kept: Vec<u32> =
			(1..=5).filter(|n| Headers::<Test>::contains_key(EVM_CHAIN, n)).collect();
		assert_eq!(kept, vec![3, 4, 5]);
		assert_eq!(HeaderRing::<Test>::iter_prefix(EVM_CHAIN).count() as u32, HEADERS_TO_KEEP);
		assert_eq!(BestNumbers::<Test>::get(EVM_CHAIN), Some(5));
		crate::Pallet::<Test>::do_try_state().unwrap();

		// A pruned header backs no proof any more.
		let proof =
			InclusionProof::KeccakMerkle { leaf: H256::zero(), proof: MerkleSiblings::default() };
		assert_eq!(
			ProofVerifier::verify_inclusion(EVM_CHAIN, 2, &proof),
			Err(InclusionError::UnknownHeader)
		);
	});
}

// ---------------------------------------------------------------- committee rotation

/// The EVM chain's committee hands over to `next` (set id 6), signed by the three schemes.
fn rotate_to(next: Committee) -> sp_runtime::DispatchResult {
	ProofVerifier::rotate_committee(
		RuntimeOrigin::signed(RELAYER),
		EVM_CHAIN,
		handover(EVM_CHAIN, next.set_id - 1, next, &three_schemes()),
	)
}

#[test]
fn rotation_hands_over_and_the_old_committee_no_longer_counts() {
	new_test_ext().execute_with(|| {
		let next_members = vec![Member::ecdsa(20), Member::ed25519(21), Member::sr25519(22)];
		let next = committee(&next_members, 3, 6);
		assert_ok!(rotate_to(next.clone()));
		assert_eq!(MockRegistry::verifier(EVM_CHAIN), Some(VerifierConfig::Committee(next)));
		assert_eq!(
			last_event(),
			Event::CommitteeRotated { chain_id: EVM_CHAIN, set_id: 6, members: 3, threshold: 3 }
				.into()
		);
		// The committee that handed over is kept for evidence against it.
		assert_eq!(
			PastCommittees::<Test>::get(EVM_CHAIN, 5),
			Some(committee(&evm_members(), 3, 5))
		);

		// The old committee, signing for its own set id or for the new one, is refused.
		assert_noop!(
			submit(EVM_CHAIN, committee_update(EVM_CHAIN, 5, 1, &three_schemes())),
			Error::<Test>::UnknownSigner
		);
		assert_noop!(
			submit(EVM_CHAIN, committee_update(EVM_CHAIN, 6, 1, &three_schemes())),
			Error::<Test>::UnknownSigner
		);
		// A new member's attestation made for the old set id does not verify.
		assert_noop!(
			submit(EVM_CHAIN, committee_update(EVM_CHAIN, 5, 1, &next_members)),
			Error::<Test>::BadSignature
		);
		assert_ok!(submit(EVM_CHAIN, committee_update(EVM_CHAIN, 6, 1, &next_members)));
	});
}

#[test]
fn rotation_rejections() {
	new_test_ext().execute_with(|| {
		let rotate = |chain_id, handover| {
			ProofVerifier::rotate_committee(RuntimeOrigin::signed(RELAYER), chain_id, handover)
		};
		let next_members = vec![Member::ed25519(30), Member::ed25519(31)];
		// Set id must be current + 1.
		for set_id in [5, 7] {
			assert_noop!(
				rotate(
					EVM_CHAIN,
					handover(EVM_CHAIN, 5, committee(&next_members, 2, set_id), &three_schemes())
				),
				Error::<Test>::UnexpectedSetId
			);
		}
		// An invalid successor: threshold above its size, or not above two thirds of it (a
		// quorum may not hand the chain to a 1-of-2, or 2-of-3, committee).
		assert_noop!(
			rotate_to(committee(&next_members, 3, 6)),
			Error::<Test>::InvalidNextCommittee
		);
		assert_noop!(
			rotate_to(committee(&next_members, 1, 6)),
			Error::<Test>::InvalidNextCommittee
		);
		let three = [Member::ed25519(30), Member::ed25519(31), Member::ed25519(32)];
		assert_noop!(rotate_to(committee(&three, 2, 6)), Error::<Test>::InvalidNextCommittee);
		// Below the current threshold.
		assert_noop!(
			rotate(
				EVM_CHAIN,
				handover(EVM_CHAIN, 5, committee(&next_members, 2, 6), &three_schemes()[..2])
			),
			Error::<Test>::BelowThreshold
		);
		// Signed for another successor than the one presented.
		let mut forged = handover(EVM_CHAIN, 5, committee(&next_members, 2, 6), &three_schemes());
		forged.next = committee(&[Member::ed25519(66), Member::ed25519(67)], 2, 6);
		assert_noop!(rotate(EVM_CHAIN, forged), Error::<Test>::BadSignature);
		// A header attestation does not pass for a handover.
		let mut confused = handover(EVM_CHAIN, 5, committee(&next_members, 2, 6), &three_schemes());
		confused.attestation =
			attested(EVM_CHAIN, 5, peer_header(1, 0xaa), &three_schemes()).attestation;
		assert_noop!(rotate(EVM_CHAIN, confused), Error::<Test>::BadSignature);
		// Not a committee chain.
		assert_noop!(
			rotate(
				SUBSTRATE_CHAIN,
				handover(SUBSTRATE_CHAIN, 0, committee(&next_members, 2, 1), &three_schemes())
			),
			Error::<Test>::NotCommitteeChain
		);
		// Not active.
		MockRegistry::set_status(EVM_CHAIN, ChainStatus::Suspended);
		assert_noop!(rotate_to(committee(&next_members, 2, 6)), Error::<Test>::ChainSuspended);
	});
}

#[test]
fn only_the_last_committees_are_kept() {
	new_test_ext().execute_with(|| {
		// Three handovers: 5 -> 6 -> 7 -> 8, each new committee the same three schemes.
		for set_id in 6..=8 {
			assert_ok!(ProofVerifier::rotate_committee(
				RuntimeOrigin::signed(RELAYER),
				EVM_CHAIN,
				handover(
					EVM_CHAIN,
					set_id - 1,
					committee(&three_schemes(), 3, set_id),
					&three_schemes()
				)
			));
		}
		let kept: Vec<u64> = PastCommittees::<Test>::iter_key_prefix(EVM_CHAIN).collect();
		let mut kept = kept;
		kept.sort();
		assert_eq!(kept, vec![6, 7]);
		assert_eq!(COMMITTEES_TO_KEEP, 2);
		crate::Pallet::<Test>::do_try_state().unwrap();
	});
}

// ---------------------------------------------------------------- misbehaviour

fn report_on(
	chain_id: ChainId,
	evidence: crate::MisbehaviourOf<Test>,
) -> sp_runtime::DispatchResultWithInfo<polkadot_sdk::frame_support::dispatch::PostDispatchInfo> {
	ProofVerifier::report_misbehaviour(RuntimeOrigin::signed(RELAYER), chain_id, evidence)
}

/// Reports two headers attested by set `set_id` of the EVM chain.
fn report_headers(
	set_id: u64,
	first: crate::AttestedHeaderOf<Test>,
	second: crate::AttestedHeaderOf<Test>,
) -> sp_runtime::DispatchResultWithInfo<polkadot_sdk::frame_support::dispatch::PostDispatchInfo> {
	report_on(EVM_CHAIN, Misbehaviour::ConflictingHeaders { set_id, first, second })
}

/// `header` attested by the EVM chain's set-5 committee (three schemes).
fn by_set_5(header: PeerHeader) -> crate::AttestedHeaderOf<Test> {
	attested(EVM_CHAIN, 5, header, &three_schemes())
}

#[test]
fn two_attestations_of_one_height_freeze_the_chain_and_the_report_is_free() {
	new_test_ext().execute_with(|| {
		let a = by_set_5(peer_header(7, 0xaa));
		let b = attested(EVM_CHAIN, 5, peer_header(7, 0xbb), &evm_members()[1..]);
		let post = report_headers(5, a, b).unwrap();
		assert_eq!(post.pays_fee, Pays::No);
		assert_eq!(MockRegistry::status(EVM_CHAIN), Some(ChainStatus::Frozen));
		assert_eq!(
			last_event(),
			Event::MisbehaviourReported {
				chain_id: EVM_CHAIN,
				set_id: 5,
				height: Some(7),
				reporter: RELAYER,
			}
			.into()
		);
		// A frozen chain takes no header, and cannot be frozen twice.
		assert_noop!(
			submit(EVM_CHAIN, committee_update(EVM_CHAIN, 5, 8, &three_schemes())),
			Error::<Test>::ChainFrozen
		);
		let (a, b) = (by_set_5(peer_header(7, 0xaa)), by_set_5(peer_header(7, 0xbb)));
		assert_noop!(report_headers(5, a, b), Error::<Test>::AlreadyFrozen);
	});
}

#[test]
fn the_real_hash_with_forged_roots_is_misbehaviour() {
	for forge in [
		|header: &mut PeerHeader| header.message_root = H256::repeat_byte(0x66),
		|header: &mut PeerHeader| header.state_root = H256::repeat_byte(0x66),
		|header: &mut PeerHeader| header.timestamp += 1,
	] {
		new_test_ext().execute_with(|| {
			let real = peer_header(7, 0xaa);
			let mut forged = real;
			forge(&mut forged);
			assert_eq!(forged.hash, real.hash);
			assert_ok!(report_headers(5, by_set_5(real), by_set_5(forged)));
			assert_eq!(MockRegistry::status(EVM_CHAIN), Some(ChainStatus::Frozen));
		});
	}
}

#[test]
fn an_earlier_committee_is_reported_for_what_the_hub_took_from_it() {
	new_test_ext().execute_with(|| {
		// Set 5 signs a forged header at 7 that the hub imports, then hands over.
		let forged = peer_header(7, 0xbb);
		assert_ok!(submit(EVM_CHAIN, HeaderUpdate::Committee(by_set_5(forged))));
		let next = committee(&[Member::ed25519(20), Member::ed25519(21)], 2, 6);
		assert_ok!(rotate_to(next));
		// Forks of heights the hub never took from it: set 5 has nothing at stake any more.
		let (a, b) = (by_set_5(peer_header(8, 0xaa)), by_set_5(peer_header(8, 0xbb)));
		assert_noop!(report_headers(5, a, b), Error::<Test>::EvidenceNotTaken);
		// The header the hub took, and the real one: reported, frozen, dropped.
		assert_ok!(report_headers(5, by_set_5(peer_header(7, 0xaa)), by_set_5(forged)));
		assert_eq!(MockRegistry::status(EVM_CHAIN), Some(ChainStatus::Frozen));
		assert_eq!(Headers::<Test>::get(EVM_CHAIN, 7), None);
	});
}

#[test]
fn handovers_the_hub_would_refuse_are_no_conflict() {
	new_test_ext().execute_with(|| {
		let good = committee(&[Member::ed25519(20), Member::ed25519(21)], 2, 6);
		// Signed again after the hub refused it: a 1-of-2 (not a supermajority), or a wrong set.
		for refused in [
			committee(&[Member::ed25519(30), Member::ed25519(31)], 1, 6),
			committee(&[Member::ed25519(30), Member::ed25519(31)], 2, 7),
		] {
			let evidence = Misbehaviour::ConflictingHandovers {
				set_id: 5,
				first: handover(EVM_CHAIN, 5, refused, &three_schemes()),
				second: handover(EVM_CHAIN, 5, good.clone(), &three_schemes()),
			};
			assert_noop!(report_on(EVM_CHAIN, evidence), Error::<Test>::NotConflicting);
		}
		// An earlier committee's second handover counts only against the one the hub enacted.
		assert_ok!(rotate_to(good.clone()));
		let stranger = committee(&[Member::ed25519(40), Member::ed25519(41)], 2, 6);
		let other = committee(&[Member::ed25519(50), Member::ed25519(51)], 2, 6);
		let unrelated = Misbehaviour::ConflictingHandovers {
			set_id: 5,
			first: handover(EVM_CHAIN, 5, stranger.clone(), &three_schemes()),
			second: handover(EVM_CHAIN, 5, other, &three_schemes()),
		};
		assert_noop!(report_on(EVM_CHAIN, unrelated), Error::<Test>::EvidenceNotTaken);
		let against_enacted = Misbehaviour::ConflictingHandovers {
			set_id: 5,
			first: handover(EVM_CHAIN, 5, stranger, &three_schemes()),
			second: handover(EVM_CHAIN, 5, good, &three_schemes()),
		};
		assert_ok!(report_on(EVM_CHAIN, against_enacted));
		assert_eq!(MockRegistry::status(EVM_CHAIN), Some(ChainStatus::Frozen));
	});
}

#[test]
fn two_handovers_by_one_set_are_misbehaviour() {
	new_test_ext().execute_with(|| {
		let one = committee(&[Member::ed25519(20), Member::ed25519(21)], 2, 6);
		let other = committee(&[Member::ed25519(30), Member::ed25519(31)], 2, 6);
		let first = handover(EVM_CHAIN, 5, one.clone(), &three_schemes());
		let second = handover(EVM_CHAIN, 5, other, &three_schemes());
		// One of them was enacted; the other shows the set signed two successors.
		assert_ok!(ProofVerifier::rotate_committee(
			RuntimeOrigin::signed(RELAYER),
			EVM_CHAIN,
			first.clone()
		));
		let same = Misbehaviour::ConflictingHandovers {
			set_id: 5,
			first: first.clone(),
			second: first.clone(),
		};
		assert_noop!(report_on(EVM_CHAIN, same), Error::<Test>::NotConflicting);
		assert_ok!(report_on(
			EVM_CHAIN,
			Misbehaviour::ConflictingHandovers { set_id: 5, first, second }
		));
		assert_eq!(MockRegistry::status(EVM_CHAIN), Some(ChainStatus::Frozen));
		assert_eq!(
			last_event(),
			Event::MisbehaviourReported {
				chain_id: EVM_CHAIN,
				set_id: 5,
				height: None,
				reporter: RELAYER,
			}
			.into()
		);
	});
}

#[test]
fn a_suspended_chain_can_be_frozen() {
	new_test_ext().execute_with(|| {
		MockRegistry::set_status(EVM_CHAIN, ChainStatus::Suspended);
		let (a, b) = (by_set_5(peer_header(7, 0xaa)), by_set_5(peer_header(7, 0xbb)));
		assert_ok!(report_headers(5, a, b));
		assert_eq!(MockRegistry::status(EVM_CHAIN), Some(ChainStatus::Frozen));
	});
}

#[test]
fn a_forged_header_backs_nothing_after_recovery() {
	new_test_ext().execute_with(|| {
		// The committee signs a forged message root under the real hash at height 7, and a
		// relayer brings the forged header in first, with an honest one at 6.
		let real = peer_header(7, 0xaa);
		let leaf = merkle::keccak_standard_leaf(b"a mint that never happened");
		let forged = PeerHeader { message_root: leaf, ..real };
		assert_ok!(submit(EVM_CHAIN, committee_update(EVM_CHAIN, 5, 6, &three_schemes())));
		assert_ok!(submit(EVM_CHAIN, HeaderUpdate::Committee(by_set_5(forged))));
		let mint = InclusionProof::KeccakMerkle { leaf, proof: MerkleSiblings::default() };
		assert_ok!(ProofVerifier::verify_inclusion(EVM_CHAIN, 7, &mint));

		// Reported: frozen, and every header of the chain dropped.
		assert_ok!(report_headers(5, by_set_5(real), by_set_5(forged)));
		assert!(System::events().iter().any(|record| record.event
			== Event::HeadersDropped { chain_id: EVM_CHAIN, headers: 2 }.into()));
		assert_eq!(Headers::<Test>::iter_prefix(EVM_CHAIN).count(), 0);
		assert_eq!(HeaderRing::<Test>::iter_prefix(EVM_CHAIN).count(), 0);
		assert_eq!(BestNumbers::<Test>::get(EVM_CHAIN), None);
		crate::Pallet::<Test>::do_try_state().unwrap();

		// The documented recovery: governance installs a new committee, then resumes.
		let recovery = [Member::ed25519(40), Member::ed25519(41), Member::ed25519(42)];
		MockRegistry::insert(
			EVM_CHAIN,
			ChainKind::EvmChain { chain_id: 1, gateway: H160::repeat_byte(0x9a) },
			ChainStatus::Active,
			VerifierConfig::Committee(committee(&recovery, 3, 6)),
		);
		// The forged mint is not provable any more.
		assert_eq!(
			ProofVerifier::verify_inclusion(EVM_CHAIN, 7, &mint),
			Err(InclusionError::UnknownHeader)
		);
		// The new committee's real header at 7 is welcome, and backs only what is real.
		assert_ok!(submit(
			EVM_CHAIN,
			HeaderUpdate::Committee(attested(EVM_CHAIN, 6, real, &recovery))
		));
		assert_eq!(
			ProofVerifier::verify_inclusion(EVM_CHAIN, 7, &mint),
			Err(InclusionError::NotIncluded)
		);
	});
}

#[test]
fn a_verifier_replaced_by_governance_restarts_the_chain_at_any_height() {
	new_test_ext().execute_with(|| {
		// A committee that signed the highest height would end the chain for good.
		assert_ok!(submit(EVM_CHAIN, committee_update(EVM_CHAIN, 5, u32::MAX, &three_schemes())));
		assert_noop!(
			submit(EVM_CHAIN, committee_update(EVM_CHAIN, 5, 100, &three_schemes())),
			Error::<Test>::StaleHeader
		);
		// Governance's reset: the registry installs a verifier and tells the verifier.
		<ProofVerifier as ChainTrustReset>::on_verifier_replaced(EVM_CHAIN);
		assert_eq!(ProofVerifier::latest_header(EVM_CHAIN), None);
		assert_ok!(submit(EVM_CHAIN, committee_update(EVM_CHAIN, 5, 100, &three_schemes())));
		assert_eq!(BestNumbers::<Test>::get(EVM_CHAIN), Some(100));
		// Retiring prunes the same way.
		<ProofVerifier as ChainTrustReset>::on_retired(EVM_CHAIN);
		assert_eq!(Headers::<Test>::iter_prefix(EVM_CHAIN).count(), 0);
		crate::Pallet::<Test>::do_try_state().unwrap();
	});
}

#[test]
fn misbehaviour_rejections() {
	new_test_ext().execute_with(|| {
		let header = |number, fork| by_set_5(peer_header(number, fork));
		// The same header twice: no conflict.
		assert_noop!(
			report_headers(5, header(7, 0xaa), header(7, 0xaa)),
			Error::<Test>::NotConflicting
		);
		// Different heights: no conflict.
		assert_noop!(
			report_headers(5, header(7, 0xaa), header(8, 0xbb)),
			Error::<Test>::NotConflicting
		);
		// One attestation below threshold, or with a bad signature.
		let weak = attested(EVM_CHAIN, 5, peer_header(7, 0xbb), &three_schemes()[..2]);
		assert_noop!(report_headers(5, header(7, 0xaa), weak), Error::<Test>::BelowThreshold);
		let mut forged = header(7, 0xbb);
		forged.header.state_root = H256::repeat_byte(3);
		assert_noop!(report_headers(5, header(7, 0xaa), forged), Error::<Test>::BadSignature);
		// Signatures of one set presented as another's do not verify.
		let old = |fork| attested(EVM_CHAIN, 4, peer_header(7, fork), &three_schemes());
		assert_noop!(report_headers(5, old(0xaa), old(0xbb)), Error::<Test>::BadSignature);
		// A set the hub does not keep: never seen, or a future one.
		for set_id in [4, 6] {
			let by = |fork| attested(EVM_CHAIN, set_id, peer_header(7, fork), &three_schemes());
			assert_noop!(
				report_headers(set_id, by(0xaa), by(0xbb)),
				Error::<Test>::UnknownCommitteeSet
			);
		}
		assert_eq!(MockRegistry::status(EVM_CHAIN), Some(ChainStatus::Active));

		// Not a committee chain, unknown chain, proposed chain.
		let grandpa = |fork| attested(SUBSTRATE_CHAIN, 0, peer_header(7, fork), &three_schemes());
		assert_noop!(
			report_on(
				SUBSTRATE_CHAIN,
				Misbehaviour::ConflictingHeaders {
					set_id: 0,
					first: grandpa(0xaa),
					second: grandpa(0xbb)
				}
			),
			Error::<Test>::NotCommitteeChain
		);
		assert_noop!(
			report_on(
				42,
				Misbehaviour::ConflictingHeaders {
					set_id: 5,
					first: header(7, 0xaa),
					second: header(7, 0xbb)
				}
			),
			Error::<Test>::UnknownChain
		);
		MockRegistry::set_status(EVM_CHAIN, ChainStatus::Proposed);
		assert_noop!(
			report_headers(5, header(7, 0xaa), header(7, 0xbb)),
			Error::<Test>::ChainNotActive
		);
	});
}

// ---------------------------------------------------------------- ECDSA canonical form

/// `n - s` for secp256k1's order `n`, big-endian.
fn negate_s(s: &[u8]) -> [u8; 32] {
	const ORDER: [u8; 32] = [
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36,
		0x41, 0x41,
	];
	let mut out = [0u8; 32];
	let mut borrow = 0i16;
	for i in (0..32).rev() {
		let mut digit = ORDER[i] as i16 - s[i] as i16 - borrow;
		borrow = if digit < 0 {
			digit += 256;
			1
		} else {
			0
		};
		out[i] = digit as u8;
	}
	out
}

#[test]
fn ecdsa_signatures_in_another_form_are_refused_before_recovery() {
	new_test_ext().execute_with(|| {
		let update = committee_update(EVM_CHAIN, 5, 1, &three_schemes());
		let with_ecdsa = |change: &dyn Fn(&mut [u8; 65])| {
			let mut update = update.clone();
			let HeaderUpdate::Committee(ref mut attested) = update else { unreachable!() };
			let CommitteeSignature::Ecdsa(ref mut signature) =
				attested.attestation.signatures[2].signature
			else {
				unreachable!()
			};
			change(&mut signature.0);
			update
		};
		// The same signature with the high s and the other parity: the host would recover the
		// same signer from it.
		let malleated = with_ecdsa(&|raw| {
			let high = negate_s(&raw[32..64]);
			raw[32..64].copy_from_slice(&high);
			raw[64] ^= 1;
		});
		let HeaderUpdate::Committee(ref attested) = malleated else { unreachable!() };
		let CommitteeSignature::Ecdsa(ref high_s) = attested.attestation.signatures[2].signature
		else {
			unreachable!()
		};
		let digest = fusion_hub_primitives::attestation::ethereum_personal_digest(
			&fusion_hub_primitives::attestation::header_payload(EVM_CHAIN, 5, &attested.header),
		);
		let host =
			sp_io::crypto::secp256k1_ecdsa_recover(&high_s.0, &digest).ok().expect("recovers");
		assert_eq!(
			fusion_hub_primitives::attestation::ethereum_address(&host),
			match three_schemes()[2].key() {
				CommitteeKey::Ecdsa(address) => address,
				_ => unreachable!(),
			}
		);
		assert_noop!(submit(EVM_CHAIN, malleated), Error::<Test>::NonCanonicalSignature);
		// v outside {0, 1, 27, 28}: 2, 3, 29 and 30 are accepted by the host's recovery.
		for v in [2u8, 3, 29, 30, 255] {
			assert_noop!(
				submit(EVM_CHAIN, with_ecdsa(&|raw| raw[64] = v)),
				Error::<Test>::NonCanonicalSignature
			);
		}
		// s = 0.
		assert_noop!(
			submit(EVM_CHAIN, with_ecdsa(&|raw| raw[32..64].fill(0))),
			Error::<Test>::NonCanonicalSignature
		);
		// Wallets' v of 27 and 28 are canonical.
		assert_ok!(submit(EVM_CHAIN, with_ecdsa(&|raw| raw[64] += 27)));
	});
}

// ---------------------------------------------------------------- GRANDPA

/// Header `number` (a child of the trusted header when `number` is 11) with `digest`, and a
/// justification by the keystore keys of `signers` for set 0.
fn grandpa_update(number: u32, signers: &[&str], digest: Digest) -> crate::HeaderUpdateOf<Test> {
	grandpa_update_for_set(number, signers, digest, 0)
}

fn grandpa_update_for_set(
	number: u32,
	signers: &[&str],
	digest: Digest,
	set_id: u64,
) -> crate::HeaderUpdateOf<Test> {
	let header = testing::header(number, trusted_header().hash(), digest);
	let justification = testing::justification(&header, set_id, &grandpa_keys(signers), vec![]);
	HeaderUpdate::Grandpa(GrandpaUpdate { header, justification })
}

fn update_header(update: &crate::HeaderUpdateOf<Test>) -> SubstrateHeader {
	match update {
		HeaderUpdate::Grandpa(update) => update.header.clone(),
		_ => unreachable!(),
	}
}

#[test]
fn grandpa_header_finalised_by_a_supermajority_is_recorded() {
	new_test_ext().execute_with(|| {
		// GRANDPA needs n - floor((n - 1) / 3) votes: all three of three.
		let update = grandpa_update(11, &GRANDPA_SEEDS, Digest::default());
		let header = update_header(&update);
		assert_ok!(submit(SUBSTRATE_CHAIN, update));
		assert_eq!(
			ProofVerifier::latest_header(SUBSTRATE_CHAIN),
			Some(VerifiedHeader {
				number: 11,
				hash: header.hash(),
				state_root: header.state_root,
				message_root: None,
				timestamp: None,
				set_id: 0,
			})
		);
	});
}

#[test]
fn grandpa_rejections() {
	new_test_ext().execute_with(|| {
		// Not above the trusted header.
		assert_noop!(
			submit(SUBSTRATE_CHAIN, grandpa_update(10, &GRANDPA_SEEDS, Digest::default())),
			Error::<Test>::StaleHeader
		);
		// Too few votes.
		assert_noop!(
			submit(SUBSTRATE_CHAIN, grandpa_update(11, &GRANDPA_SEEDS[..2], Digest::default())),
			Error::<Test>::GrandpaNotEnoughVotes
		);
		// A voter outside the set.
		assert_noop!(
			submit(
				SUBSTRATE_CHAIN,
				grandpa_update(11, &["//Alice", "//Bob", "//Mallory"], Digest::default())
			),
			Error::<Test>::GrandpaUnknownAuthority
		);
		// Votes for set 1 while the set is 0: the signatures do not verify.
		assert_noop!(
			submit(
				SUBSTRATE_CHAIN,
				grandpa_update_for_set(11, &GRANDPA_SEEDS, Digest::default(), 1)
			),
			Error::<Test>::GrandpaBadSignature
		);
		// The justification is for another header.
		let mut update = grandpa_update(11, &GRANDPA_SEEDS, Digest::default());
		let HeaderUpdate::Grandpa(ref mut inner) = update else { unreachable!() };
		inner.header.state_root = H256::repeat_byte(5);
		assert_noop!(submit(SUBSTRATE_CHAIN, update), Error::<Test>::GrandpaTargetMismatch);
		// An ancestry header no vote needs.
		let mut update = grandpa_update(11, &GRANDPA_SEEDS, Digest::default());
		let HeaderUpdate::Grandpa(ref mut inner) = update else { unreachable!() };
		inner.justification.votes_ancestries.push(testing::header(
			12,
			H256::zero(),
			Digest::default(),
		));
		assert_noop!(submit(SUBSTRATE_CHAIN, update), Error::<Test>::GrandpaRedundantAncestry);
	});
}

#[test]
fn grandpa_votes_on_descendants_are_accepted_with_their_ancestry() {
	new_test_ext().execute_with(|| {
		let target = testing::header(11, trusted_header().hash(), Digest::default());
		let child = testing::header(12, target.hash(), Digest::default());
		let grandchild = testing::header(13, child.hash(), Digest::default());
		let justification = testing::justification(
			&target,
			0,
			&grandpa_keys(&GRANDPA_SEEDS),
			vec![child, grandchild],
		);
		assert_ok!(submit(
			SUBSTRATE_CHAIN,
			HeaderUpdate::Grandpa(GrandpaUpdate { header: target, justification })
		));
		assert_eq!(BestNumbers::<Test>::get(SUBSTRATE_CHAIN), Some(11));
	});
}

#[test]
fn a_scheduled_change_moves_the_chain_to_the_next_authority_set() {
	new_test_ext().execute_with(|| {
		let next_seeds = ["//Dave", "//Eve"];
		let next: Vec<GrandpaAuthority> = grandpa_keys(&next_seeds)
			.into_iter()
			.map(|id| GrandpaAuthority { id, weight: 1 })
			.collect();
		let digest = Digest { logs: vec![testing::scheduled_change(&next, 0)] };
		let update = grandpa_update(11, &GRANDPA_SEEDS, digest);
		let header = update_header(&update);
		assert_ok!(submit(SUBSTRATE_CHAIN, update));
		let Some(VerifierConfig::Grandpa(config)) = MockRegistry::verifier(SUBSTRATE_CHAIN) else {
			panic!("a GRANDPA chain")
		};
		assert_eq!(config.set_id, 1);
		assert_eq!(config.authorities.to_vec(), next);
		assert_eq!(config.trusted_header.hash, header.hash());
		assert_eq!(config.trusted_header.number, 11);
		assert_eq!(
			last_event(),
			Event::AuthoritySetChanged { chain_id: SUBSTRATE_CHAIN, set_id: 1, authorities: 2 }
				.into()
		);

		// The old set no longer finalises anything; the new one does.
		assert_noop!(
			submit(
				SUBSTRATE_CHAIN,
				grandpa_update_for_set(12, &GRANDPA_SEEDS, Digest::default(), 1)
			),
			Error::<Test>::GrandpaUnknownAuthority
		);
		assert_ok!(submit(
			SUBSTRATE_CHAIN,
			grandpa_update_for_set(12, &next_seeds, Digest::default(), 1)
		));
	});
}

#[test]
fn grandpa_headers_arrive_in_any_order_but_only_the_best_enacts_a_change() {
	new_test_ext().execute_with(|| {
		assert_ok!(submit(SUBSTRATE_CHAIN, grandpa_update(13, &GRANDPA_SEEDS, Digest::default())));
		// A skipped lower header of the same set is accepted afterwards.
		assert_ok!(submit(SUBSTRATE_CHAIN, grandpa_update(12, &GRANDPA_SEEDS, Digest::default())));
		assert_eq!(BestNumbers::<Test>::get(SUBSTRATE_CHAIN), Some(13));
		assert!(Headers::<Test>::contains_key(SUBSTRATE_CHAIN, 12));
		crate::Pallet::<Test>::do_try_state().unwrap();
		// A lower header that enacts a new set contradicts the headers above it, finalised by the
		// current set.
		let next: Vec<GrandpaAuthority> = grandpa_keys(&["//Dave", "//Eve"])
			.into_iter()
			.map(|id| GrandpaAuthority { id, weight: 1 })
			.collect();
		let digest = Digest { logs: vec![testing::scheduled_change(&next, 0)] };
		assert_noop!(
			submit(SUBSTRATE_CHAIN, grandpa_update(11, &GRANDPA_SEEDS, digest)),
			Error::<Test>::GrandpaChangeBelowBest
		);
		let Some(VerifierConfig::Grandpa(config)) = MockRegistry::verifier(SUBSTRATE_CHAIN) else {
			panic!("a GRANDPA chain")
		};
		assert_eq!(config.set_id, 0);
	});
}

#[test]
fn delayed_and_forced_changes_are_refused() {
	new_test_ext().execute_with(|| {
		let next: Vec<GrandpaAuthority> = grandpa_keys(&["//Dave"])
			.into_iter()
			.map(|id| GrandpaAuthority { id, weight: 1 })
			.collect();
		let delayed = Digest { logs: vec![testing::scheduled_change(&next, 5)] };
		assert_noop!(
			submit(SUBSTRATE_CHAIN, grandpa_update(11, &GRANDPA_SEEDS, delayed)),
			Error::<Test>::GrandpaDelayedChange
		);
		let forced = polkadot_sdk::sp_consensus_grandpa::ConsensusLog::<u32>::ForcedChange(
			0,
			polkadot_sdk::sp_consensus_grandpa::ScheduledChange {
				next_authorities: next.iter().map(|a| (a.id.into(), a.weight)).collect(),
				delay: 0,
			},
		);
		let digest = Digest {
			logs: vec![sp_runtime::DigestItem::Consensus(
				polkadot_sdk::sp_consensus_grandpa::GRANDPA_ENGINE_ID,
				codec::Encode::encode(&forced),
			)],
		};
		assert_noop!(
			submit(SUBSTRATE_CHAIN, grandpa_update(11, &GRANDPA_SEEDS, digest)),
			Error::<Test>::GrandpaForcedChange
		);
	});
}

// ---------------------------------------------------------------- inclusion

fn leaves() -> Vec<H256> {
	(0u8..5).map(|i| merkle::keccak_standard_leaf(&[i; 64])).collect()
}

/// Records a committee header of EVM_CHAIN at `number` with the given roots.
fn record_roots(number: u32, message_root: H256, state_root: H256) {
	let mut header = peer_header(number, 0xaa);
	header.message_root = message_root;
	header.state_root = state_root;
	let update =
		HeaderUpdate::Committee(crate::mock::attested(EVM_CHAIN, 5, header, &three_schemes()));
	assert_ok!(submit(EVM_CHAIN, update));
}

#[test]
fn keccak_merkle_inclusion() {
	new_test_ext().execute_with(|| {
		let leaves = leaves();
		record_roots(1, merkle::keccak_merkle_root(&leaves).unwrap(), H256::zero());
		for (index, leaf) in leaves.iter().enumerate() {
			let proof = InclusionProof::KeccakMerkle {
				leaf: *leaf,
				proof: MerkleSiblings::truncate_from(
					merkle::keccak_merkle_proof(&leaves, index).unwrap(),
				),
			};
			assert_eq!(ProofVerifier::verify_inclusion(EVM_CHAIN, 1, &proof), Ok(()));
		}
		let absent = InclusionProof::KeccakMerkle {
			leaf: H256::repeat_byte(1),
			proof: MerkleSiblings::truncate_from(merkle::keccak_merkle_proof(&leaves, 0).unwrap()),
		};
		assert_eq!(
			ProofVerifier::verify_inclusion(EVM_CHAIN, 1, &absent),
			Err(InclusionError::NotIncluded)
		);
		assert_eq!(
			ProofVerifier::verify_inclusion(EVM_CHAIN, 2, &absent),
			Err(InclusionError::UnknownHeader)
		);
		assert_eq!(
			ProofVerifier::verify_inclusion(42, 1, &absent),
			Err(InclusionError::UnknownChain)
		);
		MockRegistry::set_status(EVM_CHAIN, ChainStatus::Suspended);
		assert_eq!(
			ProofVerifier::verify_inclusion(EVM_CHAIN, 1, &absent),
			Err(InclusionError::ChainNotActive)
		);
		// A suspended chain still backs what completes messages sent to it; a frozen one does not.
		assert!(ProofVerifier::proving_header(EVM_CHAIN, 1, ProofUse::Completion).is_ok());
		MockRegistry::set_status(EVM_CHAIN, ChainStatus::Frozen);
		assert_eq!(
			ProofVerifier::verify_inclusion(EVM_CHAIN, 1, &absent),
			Err(InclusionError::ChainFrozen)
		);
		assert_eq!(
			ProofVerifier::proving_header(EVM_CHAIN, 1, ProofUse::Completion),
			Err(InclusionError::ChainFrozen)
		);
	});
}

#[test]
fn blake2_merkle_inclusion() {
	new_test_ext().execute_with(|| {
		let leaves: Vec<Vec<u8>> = (0u8..7).map(|i| vec![i; 40]).collect();
		let root = binary_merkle_tree::merkle_root::<sp_runtime::traits::BlakeTwo256, _>(&leaves);
		record_roots(1, root, H256::zero());
		let made =
			binary_merkle_tree::merkle_proof::<sp_runtime::traits::BlakeTwo256, _, _>(&leaves, 3);
		let proof = |leaf_index: u32, leaf: Vec<u8>| InclusionProof::Blake2Merkle {
			leaf: BoundedVec::truncate_from(leaf),
			leaf_index,
			number_of_leaves: 7,
			proof: MerkleSiblings::truncate_from(made.proof.clone()),
		};
		assert_eq!(
			ProofVerifier::verify_inclusion(EVM_CHAIN, 1, &proof(3, leaves[3].clone())),
			Ok(())
		);
		assert_eq!(
			ProofVerifier::verify_inclusion(EVM_CHAIN, 1, &proof(2, leaves[3].clone())),
			Err(InclusionError::NotIncluded)
		);
		assert_eq!(
			ProofVerifier::verify_inclusion(EVM_CHAIN, 1, &proof(3, leaves[2].clone())),
			Err(InclusionError::NotIncluded)
		);
		// An index beyond the leaves.
		assert_eq!(
			ProofVerifier::verify_inclusion(EVM_CHAIN, 1, &proof(7, leaves[3].clone())),
			Err(InclusionError::NotIncluded)
		);
	});
}

/// A trie holding `entries`, its root, and the read proof of `key`.
fn trie_with_proof(entries: &[(Vec<u8>, Vec<u8>)], key: &[u8]) -> (H256, Vec<Vec<u8>>) {
	use sp_trie::{
		read_trie_value, recorder::Recorder, LayoutV1, MemoryDB, TrieDBMutBuilder, TrieMut,
	};
	type Layout = LayoutV1<sp_runtime::traits::BlakeTwo256>;
	let mut db = MemoryDB::<sp_runtime::traits::BlakeTwo256>::default();
	let mut root = H256::zero();
	{
		let mut trie = TrieDBMutBuilder::<Layout>::new(&mut db, &mut root).build();
		for (k, v) in entries {
			trie.insert(k, v).unwrap();
		}
	}
	let recorder = Recorder::<sp_runtime::traits::BlakeTwo256>::default();
	read_trie_value::<Layout, _>(&db, &root, key, Some(&mut recorder.as_trie_recorder(root)), None)
		.unwrap();
	(root, recorder.drain_storage_proof().into_iter_nodes().collect())
}

fn storage_proof(key: &[u8], value: Option<&[u8]>, nodes: Vec<Vec<u8>>) -> InclusionProof {
	InclusionProof::StorageValue {
		key: BoundedVec::truncate_from(key.to_vec()),
		value: value.map(|v| BoundedVec::truncate_from(v.to_vec())),
		nodes: BoundedVec::truncate_from(nodes.into_iter().map(TrieNode::truncate_from).collect()),
	}
}

#[test]
fn storage_proof_inclusion() {
	new_test_ext().execute_with(|| {
		let entries: Vec<(Vec<u8>, Vec<u8>)> =
			(0u8..50).map(|i| (vec![i, i.wrapping_mul(7)], vec![i; 1 + i as usize])).collect();
		let key = entries[20].0.clone();
		let (root, nodes) = trie_with_proof(&entries, &key);
		record_roots(1, H256::zero(), root);

		let verify = |proof: &InclusionProof| ProofVerifier::verify_inclusion(EVM_CHAIN, 1, proof);
		assert_eq!(verify(&storage_proof(&key, Some(&entries[20].1), nodes.clone())), Ok(()));
		assert_eq!(
			verify(&storage_proof(&key, Some(b"other"), nodes.clone())),
			Err(InclusionError::StorageValueMismatch)
		);
		assert_eq!(
			verify(&storage_proof(&key, None, nodes.clone())),
			Err(InclusionError::StorageValueMismatch)
		);
		// A node missing on the path.
		let mut partial = nodes.clone();
		partial.remove(0);
		assert_eq!(
			verify(&storage_proof(&key, Some(&entries[20].1), partial)),
			Err(InclusionError::IncompleteStorageProof)
		);
		// Garbage instead of nodes.
		assert_eq!(
			verify(&storage_proof(&key, Some(&entries[20].1), vec![vec![0xff; 40]])),
			Err(InclusionError::IncompleteStorageProof)
		);

		// Absence is provable too.
		let missing = vec![0xee, 0xee];
		let (root2, absence) = trie_with_proof(&entries, &missing);
		assert_eq!(root2, root);
		assert_eq!(verify(&storage_proof(&missing, None, absence)), Ok(()));
	});
}

#[test]
fn merkle_proofs_need_a_message_root() {
	new_test_ext().execute_with(|| {
		assert_ok!(submit(SUBSTRATE_CHAIN, grandpa_update(11, &GRANDPA_SEEDS, Digest::default())));
		let proof =
			InclusionProof::KeccakMerkle { leaf: H256::zero(), proof: MerkleSiblings::default() };
		assert_eq!(
			ProofVerifier::verify_inclusion(SUBSTRATE_CHAIN, 11, &proof),
			Err(InclusionError::NoMessageRoot)
		);
	});
}
