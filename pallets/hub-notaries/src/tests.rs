use crate::{mock::*, pallet::*, Event as NotaryEvent};
use fusion_hub_primitives::{
	attestation::{ethereum_address, ethereum_personal_digest},
	notary::{handover_payload, Checkpoint, SignedCheckpoint},
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, dispatch::Pays, BoundedVec},
	frame_system,
	sp_core::{ecdsa, Pair, H160, H256},
	sp_runtime::DispatchError,
};

const GENESIS: H256 = H256::repeat_byte(0xa1);
const DESTINATION: u32 = 11;

struct Notary {
	pair: ecdsa::Pair,
	address: H160,
}

impl Notary {
	fn sign(&self, payload: &[u8]) -> ecdsa::Signature {
		self.pair.sign_prehashed(&ethereum_personal_digest(payload))
	}
}

/// `count` notaries from seeds `first..`, sorted by address.
fn notaries(first: u8, count: u8) -> Vec<Notary> {
	let mut notaries: Vec<_> = (first..first + count)
		.map(|seed| {
			let pair = ecdsa::Pair::from_seed(&[seed; 32]);
			let digest = [7u8; 32];
			let public = polkadot_sdk::sp_io::crypto::secp256k1_ecdsa_recover(
				&pair.sign_prehashed(&digest).0,
				&digest,
			)
			.ok()
			.expect("a fresh signature recovers");
			Notary { pair, address: ethereum_address(&public) }
		})
		.collect();
	notaries.sort_by_key(|notary| notary.address);
	notaries
}

fn addresses(
	notaries: &[Notary],
) -> BoundedVec<H160, polkadot_sdk::frame_support::traits::ConstU32<MAX_NOTARIES>> {
	BoundedVec::truncate_from(notaries.iter().map(|notary| notary.address).collect())
}

fn governance() -> RuntimeOrigin {
	RuntimeOrigin::signed(GOVERNANCE)
}

fn last_event() -> NotaryEvent<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|record| match record.event {
			RuntimeEvent::HubNotaries(event) => Some(event),
			_ => None,
		})
		.expect("an event")
}

/// Set 0: 3 of the 4 notaries from seed 1.
fn with_first_set() -> Vec<Notary> {
	let set = notaries(1, 4);
	assert_ok!(HubNotaries::schedule_rotation(governance(), 3, addresses(&set)));
	set
}

fn signatures(
	signers: &[&Notary],
	payload: &[u8],
) -> BoundedVec<ecdsa::Signature, polkadot_sdk::frame_support::traits::ConstU32<MAX_NOTARIES>> {
	BoundedVec::truncate_from(signers.iter().map(|notary| notary.sign(payload)).collect())
}

/// The handover from the current set to the scheduled one, signed by `signers`.
fn handover_signed_by(
	signers: &[&Notary],
) -> BoundedVec<ecdsa::Signature, polkadot_sdk::frame_support::traits::ConstU32<MAX_NOTARIES>> {
	let current = CurrentSet::<Test>::get().unwrap();
	let next = ScheduledSet::<Test>::get().unwrap();
	let payload = handover_payload(GENESIS, current.id, next.id, next.threshold, &next.members);
	signatures(signers, &payload)
}

fn state() -> (Option<u64>, Option<u64>, Option<u64>, u64, Vec<u64>) {
	(
		CurrentSet::<Test>::get().map(|set| set.id),
		PreviousSet::<Test>::get().map(|set| set.id),
		ScheduledSet::<Test>::get().map(|set| set.id),
		NextSetId::<Test>::get(),
		KeptHandovers::<Test>::get().into_inner(),
	)
}

#[test]
fn the_first_set_is_installed_at_once_sorted() {
	new_test_ext().execute_with(|| {
		let set = notaries(1, 4);
		let mut unsorted = addresses(&set).into_inner();
		unsorted.reverse();
		assert_ok!(HubNotaries::schedule_rotation(
			governance(),
			3,
			BoundedVec::truncate_from(unsorted)
		));
		assert_eq!(last_event(), NotaryEvent::NotarySetInstalled { set_id: 0, from: None });
		let current = HubNotaries::current_set().unwrap();
		assert_eq!((current.id, current.threshold), (0, 3));
		assert_eq!(current.members, addresses(&set));
		assert_eq!(state(), (Some(0), None, None, 1, vec![]));
		HubNotaries::do_try_state().unwrap();
	});
}

#[test]
fn a_set_must_be_byzantine_and_without_duplicates() {
	new_test_ext().execute_with(|| {
		let set = notaries(1, 4);
		let members = addresses(&set);
		assert_noop!(
			HubNotaries::schedule_rotation(RuntimeOrigin::signed(1), 3, members.clone()),
			DispatchError::BadOrigin
		);
		assert_noop!(
			HubNotaries::schedule_rotation(governance(), 2, members.clone()),
			Error::<Test>::ThresholdNotByzantine
		);
		assert_noop!(
			HubNotaries::schedule_rotation(governance(), 5, members.clone()),
			Error::<Test>::ThresholdNotByzantine
		);
		assert_noop!(
			HubNotaries::schedule_rotation(governance(), 1, BoundedVec::new()),
			Error::<Test>::EmptyNotarySet
		);
		let duplicated =
			BoundedVec::truncate_from(vec![members[0], members[1], members[2], members[0]]);
		assert_noop!(
			HubNotaries::schedule_rotation(governance(), 3, duplicated),
			Error::<Test>::MembersNotSorted
		);
		let with_zero =
			BoundedVec::truncate_from(vec![H160::zero(), members[1], members[2], members[3]]);
		assert_noop!(
			HubNotaries::schedule_rotation(governance(), 3, with_zero),
			Error::<Test>::ZeroAddress
		);
		assert_eq!(state(), (None, None, None, 0, vec![]));
	});
}

#[test]
fn the_current_set_hands_over_to_the_scheduled_one() {
	new_test_ext().execute_with(|| {
		let first = with_first_set();
		let next = notaries(11, 7);
		assert_ok!(HubNotaries::schedule_rotation(governance(), 5, addresses(&next)));
		assert_eq!(
			last_event(),
			NotaryEvent::RotationScheduled { set_id: 1, threshold: 5, members: addresses(&next) }
		);
		assert_noop!(
			HubNotaries::schedule_rotation(governance(), 3, addresses(&first)),
			Error::<Test>::RotationPending
		);
		assert_eq!(HubNotaries::scheduled_set().unwrap().id, 1);

		let signed = handover_signed_by(&[&first[0], &first[2], &first[3]]);
		let post = HubNotaries::submit_handover(RuntimeOrigin::signed(7), signed.clone()).unwrap();
		assert_eq!(post.pays_fee, Pays::No);
		assert_eq!(last_event(), NotaryEvent::NotarySetInstalled { set_id: 1, from: Some(0) });
		assert_eq!(state(), (Some(1), Some(0), None, 2, vec![1]));
		// What a relayer hands a gateway: the payload the signatures are over, and them.
		let handover = HubNotaries::handover(1).unwrap();
		assert_eq!(handover.from_set_id, 0);
		assert_eq!(handover.signatures, signed);
		assert_eq!(handover.next, HubNotaries::current_set().unwrap());
		let previous = PreviousSet::<Test>::get().unwrap();
		assert_eq!(previous.verify(&handover.payload(GENESIS), &handover.signatures), Ok(()));
		HubNotaries::do_try_state().unwrap();
	});
}

#[test]
fn a_handover_needs_the_current_sets_threshold_in_order() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			HubNotaries::submit_handover(RuntimeOrigin::signed(7), BoundedVec::new()),
			Error::<Test>::NoNotarySet
		);
		let first = with_first_set();
		assert_noop!(
			HubNotaries::submit_handover(
				RuntimeOrigin::signed(7),
				signatures(&[&first[0], &first[1], &first[2]], b"anything")
			),
			Error::<Test>::NoRotationScheduled
		);
		let next = notaries(11, 4);
		assert_ok!(HubNotaries::schedule_rotation(governance(), 3, addresses(&next)));
		let before = state();
		assert_noop!(
			HubNotaries::submit_handover(
				RuntimeOrigin::signed(7),
				handover_signed_by(&[&first[0], &first[1]])
			),
			Error::<Test>::BelowThreshold
		);
		assert_noop!(
			HubNotaries::submit_handover(
				RuntimeOrigin::signed(7),
				handover_signed_by(&[&first[1], &first[0], &first[2]])
			),
			Error::<Test>::SignersNotSorted
		);
		assert_noop!(
			HubNotaries::submit_handover(
				RuntimeOrigin::signed(7),
				handover_signed_by(&[&next[0], &next[1], &next[2]])
			),
			Error::<Test>::UnknownNotary
		);
		// Signed for another hub: the signatures recover other keys.
		let scheduled = ScheduledSet::<Test>::get().unwrap();
		let elsewhere = handover_payload(H256::repeat_byte(0xa2), 0, 1, 3, &scheduled.members);
		let mut forged = signatures(&[&first[0], &first[1], &first[2]], &elsewhere);
		assert!(HubNotaries::submit_handover(RuntimeOrigin::signed(7), forged.clone()).is_err());
		forged[0].0[64] = 9;
		assert_noop!(
			HubNotaries::submit_handover(RuntimeOrigin::signed(7), forged),
			Error::<Test>::InvalidSignature
		);
		assert_eq!(state(), before);
		assert!(Handovers::<Test>::iter().next().is_none());
	});
}

#[test]
fn a_cancelled_set_id_is_never_used_again() {
	new_test_ext().execute_with(|| {
		let first = with_first_set();
		let next = notaries(11, 4);
		assert_ok!(HubNotaries::schedule_rotation(governance(), 3, addresses(&next)));
		let for_cancelled = handover_signed_by(&[&first[0], &first[1], &first[2]]);
		assert_noop!(
			HubNotaries::cancel_rotation(RuntimeOrigin::signed(1)),
			DispatchError::BadOrigin
		);
		assert_ok!(HubNotaries::cancel_rotation(governance()));
		assert_eq!(last_event(), NotaryEvent::RotationCancelled { set_id: 1 });
		assert_noop!(
			HubNotaries::cancel_rotation(governance()),
			Error::<Test>::NoRotationScheduled
		);
		assert_ok!(HubNotaries::schedule_rotation(governance(), 3, addresses(&next)));
		assert_eq!(HubNotaries::scheduled_set().unwrap().id, 2);
		// The same members, but the signatures name set 1.
		assert_noop!(
			HubNotaries::submit_handover(RuntimeOrigin::signed(7), for_cancelled),
			Error::<Test>::UnknownNotary
		);
		assert_ok!(HubNotaries::submit_handover(
			RuntimeOrigin::signed(7),
			handover_signed_by(&[&first[0], &first[1], &first[2]])
		));
		assert_eq!(state(), (Some(2), Some(0), None, 3, vec![2]));
		HubNotaries::do_try_state().unwrap();
	});
}

#[test]
fn only_the_last_handovers_are_kept() {
	new_test_ext().execute_with(|| {
		let mut current = with_first_set();
		for round in 1..=3u8 {
			let next = notaries(10 * round + 1, 4);
			assert_ok!(HubNotaries::schedule_rotation(governance(), 3, addresses(&next)));
			assert_ok!(HubNotaries::submit_handover(
				RuntimeOrigin::signed(7),
				handover_signed_by(&[&current[0], &current[1], &current[2]])
			));
			current = next;
		}
		assert_eq!(state(), (Some(3), Some(2), None, 4, vec![2, 3]));
		assert!(HubNotaries::handover(1).is_none());
		assert_eq!(HubNotaries::handover(3).unwrap().from_set_id, 2);
		HubNotaries::do_try_state().unwrap();
	});
}

fn checkpoint(hub_block: u32, root: H256) -> Checkpoint {
	Checkpoint {
		destination: DESTINATION,
		set_id: 0,
		hub_block,
		hub_block_hash: H256::repeat_byte(hub_block as u8),
		hub_timestamp: 6_000 * u64::from(hub_block),
		root,
	}
}

fn signed_by(notary: &Notary, checkpoint: Checkpoint) -> SignedCheckpoint {
	SignedCheckpoint { checkpoint, signature: notary.sign(&checkpoint.payload(GENESIS)) }
}

/// Moves to block `now`, with blocks `1..now` hashed as [`checkpoint`] expects.
fn go_to(now: u32) {
	for block in 1..now {
		frame_system::BlockHash::<Test>::insert(u64::from(block), H256::repeat_byte(block as u8));
	}
	System::set_block_number(u64::from(now));
}

#[test]
fn an_equivocation_is_recorded_once_and_free() {
	new_test_ext().execute_with(|| {
		let set = with_first_set();
		let first = signed_by(&set[1], checkpoint(5, H256::repeat_byte(1)));
		let second = signed_by(&set[1], checkpoint(5, H256::repeat_byte(2)));
		let post =
			HubNotaries::report_equivocation(RuntimeOrigin::signed(9), first, second).unwrap();
		assert_eq!(post.pays_fee, Pays::No);
		assert_eq!(
			last_event(),
			NotaryEvent::NotaryMisbehaved {
				set_id: 0,
				notary: set[1].address,
				offence: Offence::Equivocation,
				reporter: 9,
			}
		);
		assert_eq!(Offenders::<Test>::get(0, set[1].address), Some(Offence::Equivocation));
		assert_noop!(
			HubNotaries::report_equivocation(RuntimeOrigin::signed(9), second, first),
			Error::<Test>::AlreadyReported
		);
	});
}

#[test]
fn an_equivocation_needs_one_member_signing_two_checkpoints_of_one_height() {
	new_test_ext().execute_with(|| {
		let set = with_first_set();
		let outsider = &notaries(50, 1)[0];
		let a = checkpoint(5, H256::repeat_byte(1));
		let b = checkpoint(5, H256::repeat_byte(2));
		let report = |first, second| {
			HubNotaries::report_equivocation(RuntimeOrigin::signed(9), first, second)
		};
		assert_noop!(
			report(signed_by(&set[0], a), signed_by(&set[0], a)),
			Error::<Test>::NotConflicting
		);
		assert_noop!(
			report(signed_by(&set[0], a), signed_by(&set[0], checkpoint(6, a.root))),
			Error::<Test>::NotConflicting
		);
		assert_noop!(
			report(signed_by(&set[0], a), signed_by(&set[1], b)),
			Error::<Test>::DifferentSigners
		);
		assert_noop!(
			report(signed_by(outsider, a), signed_by(outsider, b)),
			Error::<Test>::UnknownNotary
		);
		let (mut other_set_a, mut other_set_b) = (a, b);
		other_set_a.set_id = 1;
		other_set_b.set_id = 1;
		assert_noop!(
			report(signed_by(&set[0], other_set_a), signed_by(&set[0], other_set_b)),
			Error::<Test>::UnknownSet
		);
		let mut malformed = signed_by(&set[0], a);
		malformed.signature.0[64] = 9;
		assert_noop!(report(malformed, signed_by(&set[0], b)), Error::<Test>::InvalidSignature);
		assert!(Offenders::<Test>::iter().next().is_none());
	});
}

#[test]
fn the_previous_set_stays_reportable_and_the_one_before_does_not() {
	new_test_ext().execute_with(|| {
		let first = with_first_set();
		let second = notaries(11, 4);
		assert_ok!(HubNotaries::schedule_rotation(governance(), 3, addresses(&second)));
		assert_ok!(HubNotaries::submit_handover(
			RuntimeOrigin::signed(7),
			handover_signed_by(&[&first[0], &first[1], &first[2]])
		));
		let a = checkpoint(5, H256::repeat_byte(1));
		let b = checkpoint(5, H256::repeat_byte(2));
		assert_ok!(HubNotaries::report_equivocation(
			RuntimeOrigin::signed(9),
			signed_by(&first[3], a),
			signed_by(&first[3], b)
		));
		assert_eq!(Offenders::<Test>::get(0, first[3].address), Some(Offence::Equivocation));

		let third = notaries(21, 4);
		assert_ok!(HubNotaries::schedule_rotation(governance(), 3, addresses(&third)));
		assert_ok!(HubNotaries::submit_handover(
			RuntimeOrigin::signed(7),
			handover_signed_by(&[&second[0], &second[1], &second[2]])
		));
		// Set 0 is two back: its reports are dropped and no new one is taken.
		assert_eq!(Offenders::<Test>::get(0, first[3].address), None);
		assert_noop!(
			HubNotaries::report_equivocation(
				RuntimeOrigin::signed(9),
				signed_by(&first[0], a),
				signed_by(&first[0], b)
			),
			Error::<Test>::UnknownSet
		);
		HubNotaries::do_try_state().unwrap();
	});
}

#[test]
fn a_checkpoint_the_hubs_records_contradict_is_proven_false() {
	new_test_ext().execute_with(|| {
		let set = with_first_set();
		go_to(8);
		let root = H256::repeat_byte(0x77);
		commit_root(DESTINATION, 5, root);
		let report = |notary: &Notary, checkpoint| {
			HubNotaries::report_false_checkpoint(
				RuntimeOrigin::signed(9),
				signed_by(notary, checkpoint),
			)
		};
		// The truth is not misbehaviour.
		assert_noop!(report(&set[0], checkpoint(5, root)), Error::<Test>::NotProvablyFalse);
		// Another root for the block.
		let post = report(&set[0], checkpoint(5, H256::repeat_byte(1))).unwrap();
		assert_eq!(post.pays_fee, Pays::No);
		assert_eq!(Offenders::<Test>::get(0, set[0].address), Some(Offence::FalseCheckpoint));
		// A root where the hub committed nothing for the destination.
		assert_ok!(report(&set[1], checkpoint(6, H256::repeat_byte(1))));
		// Another block hash.
		let mut wrong_hash = checkpoint(5, root);
		wrong_hash.hub_block_hash = H256::repeat_byte(0xee);
		assert_ok!(report(&set[2], wrong_hash));
		// A block not built yet.
		assert_ok!(report(&set[3], checkpoint(8, root)));
		assert_eq!(Offenders::<Test>::iter().count(), 4);
		assert_noop!(report(&set[3], checkpoint(9, root)), Error::<Test>::AlreadyReported);
	});
}

#[test]
fn a_checkpoint_outside_the_hubs_records_is_not_proven_false() {
	new_test_ext().execute_with(|| {
		let set = with_first_set();
		go_to(30);
		// Block 2 is out of the commitments window, and its hash no longer kept.
		frame_system::BlockHash::<Test>::remove(2u64);
		assert_noop!(
			HubNotaries::report_false_checkpoint(
				RuntimeOrigin::signed(9),
				signed_by(&set[0], checkpoint(2, H256::repeat_byte(1)))
			),
			Error::<Test>::NotProvablyFalse
		);
		let outsider = &notaries(50, 1)[0];
		assert_noop!(
			HubNotaries::report_false_checkpoint(
				RuntimeOrigin::signed(9),
				signed_by(outsider, checkpoint(40, H256::zero()))
			),
			Error::<Test>::UnknownNotary
		);
		let mut other_set = checkpoint(40, H256::zero());
		other_set.set_id = 3;
		assert_noop!(
			HubNotaries::report_false_checkpoint(
				RuntimeOrigin::signed(9),
				signed_by(&set[0], other_set)
			),
			Error::<Test>::UnknownSet
		);
		assert!(Offenders::<Test>::iter().next().is_none());
	});
}
