//! Completion on proof: receipts and proofs of non-receipt on the destination's clock, chains
//! that stop, routes, and governance's last resort. Every refusal with its exact error, and
//! nothing changed by it.

use crate::{mock::*, *};
use codec::Encode;
use fusion_hub_primitives::{
	channel::{channel_state_leaf, channel_state_storage_key, substrate_timestamp_key},
	merkle::{keccak_merkle_proof, keccak_merkle_root},
	message::{Timeout, DATA_RECORD_APP, HUB_CHAIN_ID},
	ChainStatus, ChainUsage, ChannelStateProof, NonReceiptProof, ReceiptOutcome, SendMessage,
};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		traits::{fungible::Inspect, ConstU32},
		BoundedVec,
	},
	sp_core::H256,
	sp_runtime::{DispatchError, DispatchResult},
};

const SENDER: u64 = 1;
/// The timeout of the hub's messages, on their destination's clock (the hub's now is 1,000,000).
const SEND_TIMEOUT: u64 = 1_050_000;
/// A destination time past it.
const PAST: u64 = SEND_TIMEOUT + 1;

/// Sends a test message from SENDER to `destination` with `fee`, timing out at
/// [`SEND_TIMEOUT`] and, if given, `height` of the destination.
fn send_to(destination: u32, fee: u128, height: u32) -> MessageOf<Test> {
	<Messages as SendMessage<u64, ConstU32<MAX_PAYLOAD>>>::send(
		&SENDER,
		destination,
		TEST_APP,
		H256::repeat_byte(1),
		vec![1, 2, 3],
		Timeout { height, timestamp: SEND_TIMEOUT },
		fee,
	)
	.expect("sent")
}

fn timeout(message: &MessageOf<Test>, proof: Option<NonReceiptProof>) -> DispatchResult {
	Messages::timeout_message(
		RuntimeOrigin::signed(2),
		message.source,
		message.destination,
		message.nonce,
		proof,
	)
}

/// Header `height` of the committee ledger `chain` at `timestamp`, whose message tree holds the
/// channel-state leaf of (`source`, `chain`) = `delivered` beside another leaf; its proof.
fn ledger_state(
	chain: u32,
	height: u32,
	timestamp: u64,
	source: u32,
	delivered: u64,
) -> NonReceiptProof {
	let leaves = vec![channel_state_leaf(source, chain, delivered), H256::repeat_byte(0x11)];
	MockVerifier::set_header_at(
		chain,
		height,
		keccak_merkle_root(&leaves),
		H256::zero(),
		Some(timestamp),
	);
	NonReceiptProof {
		height,
		channel_state: ChannelStateProof::CommitteeLeaf {
			delivered,
			proof: BoundedVec::truncate_from(keccak_merkle_proof(&leaves, 0).unwrap()),
		},
	}
}

/// Header `height` of the Substrate chain B (no time in the header) whose state holds
/// `delivered` for (`source`, B) and `now` as `pallet-timestamp`'s `Now`; the read proof of the
/// keys in `proven`.
fn substrate_state(
	height: u32,
	source: u32,
	delivered: Option<Vec<u8>>,
	now: Option<u64>,
	proven: &[Vec<u8>],
) -> NonReceiptProof {
	let mut entries = Vec::new();
	if let Some(value) = delivered {
		entries.push((channel_state_storage_key(source, B), value));
	}
	if let Some(now) = now {
		entries.push((substrate_timestamp_key().to_vec(), now.encode()));
	}
	let (root, nodes) = trie_proof(&entries, proven);
	MockVerifier::set_header(B, height, None, root);
	NonReceiptProof {
		height,
		channel_state: ChannelStateProof::SubstrateStorage {
			nodes: BoundedVec::truncate_from(
				nodes.into_iter().map(BoundedVec::truncate_from).collect::<Vec<_>>(),
			),
		},
	}
}

fn channel_and_clock_keys(source: u32) -> Vec<Vec<u8>> {
	vec![channel_state_storage_key(source, B), substrate_timestamp_key().to_vec()]
}

fn acknowledge(message: &MessageOf<Test>, outcome: ReceiptOutcome, height: u32) -> DispatchResult {
	Messages::acknowledge(
		RuntimeOrigin::signed(RELAYER),
		message.destination,
		height,
		proven_receipt(message, outcome, 4, height),
	)
}

fn is_pending(message: &MessageOf<Test>) -> bool {
	PendingMessages::<Test>::contains_key((message.source, message.destination, message.nonce))
}

#[test]
fn a_timeout_needs_a_proof_of_non_receipt() {
	build_and_execute(|| {
		let sent = send_to(C, 500, 0);
		// Long past the timeout by the hub's clock: the hub's clock proves nothing about C.
		System::set_block_number(10_000);
		Timestamp::set_timestamp(PAST * 10);
		assert_noop!(timeout(&sent, None), Error::<Test>::NonReceiptProofRequired);
		assert!(is_pending(&sent));
		assert!(app_calls().is_empty());
	});
}

#[test]
fn a_proof_of_non_receipt_refunds_exactly_once_and_the_message_stays_provable_until_taken() {
	build_and_execute(|| {
		let sent = send_to(C, 500, 0);
		let deposit = deposit_of(HUB_CHAIN_ID, C, 1);
		assert_eq!(held_deposits(SENDER), deposit);
		assert_eq!(Balances::balance(&SENDER), INITIAL_BALANCE - 500 - deposit);
		next_block();
		assert_ok!(timeout(&sent, Some(ledger_state(C, 40, PAST, HUB_CHAIN_ID, 0))));
		assert_eq!(app_calls(), vec![AppCall::Outcome(HUB_CHAIN_ID, C, 1, false)]);
		// The fee and the deposit are back.
		assert_eq!(Balances::balance(&SENDER), INITIAL_BALANCE);
		assert_eq!(held_deposits(SENDER), 0);
		System::assert_last_event(
			Event::MessageTimedOut { source: HUB_CHAIN_ID, destination: C, nonce: 1, height: 40 }
				.into(),
		);
		// C's channel is ordered: it must still take nonce 1 before any later one, so the hub
		// keeps serving its proof, and its place in C's queue.
		assert!(!is_pending(&sent));
		assert_eq!(Messages::message_proof(HUB_CHAIN_ID, C, 1).expect("provable").0.nonce, 1);
		assert_eq!(PendingCount::<Test>::get(C), 1);
		assert_eq!(PendingSends::<Test>::get(C), 1);

		// Refunded once: no second timeout, and no receipt but `Expired` for it.
		assert_noop!(
			timeout(&sent, Some(ledger_state(C, 41, PAST, HUB_CHAIN_ID, 0))),
			Error::<Test>::AlreadyTimedOut
		);
		for outcome in [ReceiptOutcome::Delivered, ReceiptOutcome::Failed] {
			assert_noop!(acknowledge(&sent, outcome, 42), Error::<Test>::ReceiptContradictsTimeout);
		}
		let mut other = sent.clone();
		other.fee += 1;
		assert_noop!(
			Messages::acknowledge(
				RuntimeOrigin::signed(RELAYER),
				C,
				43,
				proven_receipt(&other, ReceiptOutcome::Expired, 4, 43),
			),
			Error::<Test>::ReceiptMismatch
		);

		// C takes it, as `Expired` by its clock: the record closes, and nothing is settled again.
		assert_ok!(acknowledge(&sent, ReceiptOutcome::Expired, 44));
		System::assert_last_event(
			Event::TimedOutMessageClosed { source: HUB_CHAIN_ID, destination: C, nonce: 1 }.into(),
		);
		assert!(TimedOutMessages::<Test>::get((HUB_CHAIN_ID, C, 1)).is_none());
		assert_eq!(PendingCount::<Test>::get(C), 0);
		assert_eq!(PendingSends::<Test>::get(C), 0);
		assert!(Messages::message_proof(HUB_CHAIN_ID, C, 1).is_none());
		assert_eq!(app_calls().len(), 1);
		assert_eq!(RelayerRewards::<Test>::get(4), 0);
		assert_eq!(Balances::balance(&SENDER), INITIAL_BALANCE);
		assert_noop!(
			acknowledge(&sent, ReceiptOutcome::Expired, 45),
			Error::<Test>::UnknownMessage
		);
		assert_noop!(
			timeout(&sent, Some(ledger_state(C, 46, PAST, HUB_CHAIN_ID, 0))),
			Error::<Test>::UnknownMessage
		);
	});
}

#[test]
fn a_timed_out_message_keeps_its_place_in_the_queue_until_governance_closes_it() {
	build_and_execute(|| {
		let sent = send_to(C, 0, 0);
		assert_ok!(timeout(&sent, Some(ledger_state(C, 40, PAST, HUB_CHAIN_ID, 0))));
		let force = || {
			Messages::force_complete_message(
				RuntimeOrigin::signed(GOVERNANCE),
				HUB_CHAIN_ID,
				C,
				1,
				ReceiptOutcome::Failed,
			)
		};
		assert_noop!(force(), Error::<Test>::DestinationStillActive);
		// C never comes back: governance closes the record; the value was settled already.
		MockRegistry::set_status(C, ChainStatus::Frozen);
		assert_ok!(force());
		System::assert_last_event(
			Event::TimedOutMessageClosed { source: HUB_CHAIN_ID, destination: C, nonce: 1 }.into(),
		);
		assert_eq!(app_calls(), vec![AppCall::Outcome(HUB_CHAIN_ID, C, 1, false)]);
		assert_eq!(PendingCount::<Test>::get(C), 0);
		assert_noop!(force(), Error::<Test>::UnknownMessage);
	});
}

#[test]
fn non_receipt_proofs_that_prove_nothing_are_refused() {
	build_and_execute(|| {
		let sent = send_to(C, 500, 0);
		let refused = |proof: NonReceiptProof, error: Error<Test>| {
			assert_noop!(timeout(&sent, Some(proof)), error);
			assert!(is_pending(&sent));
		};
		// The header is not past the timeout by C's clock (the last executable instant).
		refused(ledger_state(C, 40, SEND_TIMEOUT, HUB_CHAIN_ID, 0), Error::<Test>::NotTimedOut);
		// C delivered nonce 1.
		refused(ledger_state(C, 41, PAST, HUB_CHAIN_ID, 1), Error::<Test>::MessageWasReceived);
		refused(ledger_state(C, 42, PAST, HUB_CHAIN_ID, 7), Error::<Test>::MessageWasReceived);
		// The state of another channel into C.
		refused(ledger_state(C, 43, PAST, A, 0), Error::<Test>::NotIncluded);
		// A claim that is not what the leaf says.
		let mut forged = ledger_state(C, 44, PAST, HUB_CHAIN_ID, 1);
		if let ChannelStateProof::CommitteeLeaf { delivered, .. } = &mut forged.channel_state {
			*delivered = 0;
		}
		refused(forged, Error::<Test>::NotIncluded);
		// A height the hub holds no header of.
		let mut unknown = ledger_state(C, 45, PAST, HUB_CHAIN_ID, 0);
		unknown.height = 99;
		refused(unknown, Error::<Test>::UnknownHeader);
		// A storage proof for a committee ledger.
		let storage =
			substrate_state(10, HUB_CHAIN_ID, None, Some(PAST), &channel_and_clock_keys(0));
		refused(
			NonReceiptProof { height: 45, channel_state: storage.channel_state },
			Error::<Test>::ProofKindMismatch,
		);
		// Against a header of C while C is frozen.
		let valid = ledger_state(C, 46, PAST, HUB_CHAIN_ID, 0);
		MockRegistry::set_status(C, ChainStatus::Frozen);
		refused(valid.clone(), Error::<Test>::ChainFrozen);
		MockRegistry::set_status(C, ChainStatus::Active);
		// Of a chain the registry does not know.
		assert_noop!(
			Messages::timeout_message(
				RuntimeOrigin::signed(2),
				HUB_CHAIN_ID,
				9,
				1,
				Some(valid.clone())
			),
			Error::<Test>::UnknownChain
		);
		// Of a message never sent.
		assert_noop!(
			Messages::timeout_message(
				RuntimeOrigin::signed(2),
				HUB_CHAIN_ID,
				C,
				2,
				Some(valid.clone())
			),
			Error::<Test>::UnknownMessage
		);
		assert_noop!(
			Messages::timeout_message(
				RuntimeOrigin::none(),
				HUB_CHAIN_ID,
				C,
				1,
				Some(valid.clone())
			),
			DispatchError::BadOrigin
		);
		assert!(app_calls().is_empty());
		// The valid proof still completes it.
		assert_ok!(timeout(&sent, Some(valid)));
	});
}

#[test]
fn a_substrate_peer_proves_its_channel_and_its_clock_by_storage() {
	build_and_execute(|| {
		let keys = channel_and_clock_keys(HUB_CHAIN_ID);
		let first = send_to(B, 0, 0);
		let second = send_to(B, 0, 0);
		// B delivered the first: its state says 1.
		let delivered_one =
			substrate_state(10, HUB_CHAIN_ID, Some(1u64.encode()), Some(PAST), &keys);
		assert_noop!(
			timeout(&first, Some(delivered_one.clone())),
			Error::<Test>::MessageWasReceived
		);
		// B's clock is not past the timeout yet.
		let early =
			substrate_state(11, HUB_CHAIN_ID, Some(1u64.encode()), Some(SEND_TIMEOUT), &keys);
		assert_noop!(timeout(&second, Some(early)), Error::<Test>::NotTimedOut);
		// A proof without the clock leaves B's time unknown: a time limit cannot pass.
		let no_clock = substrate_state(
			12,
			HUB_CHAIN_ID,
			Some(1u64.encode()),
			Some(PAST),
			&[channel_state_storage_key(HUB_CHAIN_ID, B)],
		);
		assert_noop!(timeout(&second, Some(no_clock)), Error::<Test>::NotTimedOut);
		// A proof of other keys proves nothing about the channel.
		let other_key = substrate_state(
			13,
			HUB_CHAIN_ID,
			Some(1u64.encode()),
			Some(PAST),
			&[b"other".to_vec()],
		);
		assert_noop!(timeout(&second, Some(other_key)), Error::<Test>::IncompleteStorageProof);
		// A value that is not a SCALE u64.
		let malformed = substrate_state(14, HUB_CHAIN_ID, Some(vec![1, 2, 3]), Some(PAST), &keys);
		assert_noop!(timeout(&second, Some(malformed)), Error::<Test>::MalformedChannelState);

		assert_ok!(timeout(&second, Some(delivered_one)));
		assert_eq!(app_calls(), vec![AppCall::Outcome(HUB_CHAIN_ID, B, 2, false)]);

		// A height limit passes on the header's height alone; an absent value is nonce 0.
		let by_height = send_to(B, 0, 20);
		let absent =
			substrate_state(21, 7, None, None, &[channel_state_storage_key(HUB_CHAIN_ID, B)]);
		assert_ok!(timeout(&by_height, Some(absent)));
		assert!(is_pending(&first));
	});
}

#[test]
fn a_message_its_destination_executed_is_never_refunded() {
	build_and_execute(|| {
		let sent = send_to(C, 500, 0);
		// C executed nonce 1 before the timeout; its headers, before and after the timeout,
		// show it delivered.
		let before = ledger_state(C, 30, SEND_TIMEOUT - 1, HUB_CHAIN_ID, 1);
		let after = ledger_state(C, 31, PAST, HUB_CHAIN_ID, 1);
		let attempts = || {
			assert_noop!(timeout(&sent, None), Error::<Test>::NonReceiptProofRequired);
			assert_noop!(timeout(&sent, Some(before.clone())), Error::<Test>::NotTimedOut);
			assert_noop!(timeout(&sent, Some(after.clone())), Error::<Test>::MessageWasReceived);
			assert_noop!(
				Messages::force_complete_message(
					RuntimeOrigin::signed(GOVERNANCE),
					HUB_CHAIN_ID,
					C,
					1,
					ReceiptOutcome::Failed
				),
				Error::<Test>::DestinationStillActive
			);
		};
		attempts();
		System::set_block_number(1_000);
		Timestamp::set_timestamp(PAST * 2);
		attempts();
		// Suspending C changes none of it, and C's receipt still completes the message.
		MockRegistry::set_status(C, ChainStatus::Suspended);
		assert_noop!(timeout(&sent, Some(after.clone())), Error::<Test>::MessageWasReceived);
		assert_ok!(acknowledge(&sent, ReceiptOutcome::Delivered, 32));
		assert_eq!(app_calls(), vec![AppCall::Outcome(HUB_CHAIN_ID, C, 1, true)]);
		assert_eq!(Balances::balance(&SENDER), INITIAL_BALANCE - 500);
		assert_eq!(RelayerRewards::<Test>::get(4), 500);
		// Completed: nothing can take it back now.
		assert_noop!(timeout(&sent, Some(after)), Error::<Test>::UnknownMessage);
		assert_noop!(
			Messages::force_complete_message(
				RuntimeOrigin::signed(GOVERNANCE),
				HUB_CHAIN_ID,
				C,
				1,
				ReceiptOutcome::Failed
			),
			Error::<Test>::UnknownMessage
		);
	});
}

#[test]
fn a_suspended_destination_completes_what_is_pending_and_a_frozen_one_waits() {
	build_and_execute(|| {
		let first = send_to(C, 0, 0);
		let second = send_to(C, 0, 0);
		MockRegistry::set_status(C, ChainStatus::Suspended);
		// Nothing new from C, and nothing new to it.
		let from_c = message(C, HUB_CHAIN_ID, 1, DATA_RECORD_APP);
		assert_noop!(
			Messages::deliver_messages(
				RuntimeOrigin::signed(RELAYER),
				C,
				20,
				proven(C, 20, vec![from_c])
			),
			Error::<Test>::ChainNotActive
		);
		assert_noop!(
			<Messages as SendMessage<u64, ConstU32<MAX_PAYLOAD>>>::send(
				&SENDER,
				C,
				TEST_APP,
				H256::zero(),
				vec![1],
				Timeout { height: 0, timestamp: SEND_TIMEOUT },
				0
			),
			Error::<Test>::DestinationNotActive
		);
		// What is pending completes: a receipt, and a proof of non-receipt.
		assert_ok!(acknowledge(&first, ReceiptOutcome::Delivered, 21));
		assert_ok!(timeout(&second, Some(ledger_state(C, 22, PAST, HUB_CHAIN_ID, 1))));
		// The timed-out one keeps its place until C takes it.
		assert_eq!(PendingCount::<Test>::get(C), 1);

		// A frozen destination backs no proof until governance restores it.
		let third = send_to(A, 0, 0);
		let fourth = send_to(A, 0, 0);
		MockRegistry::set_status(A, ChainStatus::Frozen);
		assert_noop!(
			acknowledge(&third, ReceiptOutcome::Delivered, 30),
			Error::<Test>::ChainFrozen
		);
		let proof = ledger_state(A, 31, PAST, HUB_CHAIN_ID, 0);
		assert_noop!(timeout(&fourth, Some(proof.clone())), Error::<Test>::ChainFrozen);
		MockRegistry::set_status(A, ChainStatus::Active);
		assert_ok!(acknowledge(&third, ReceiptOutcome::Delivered, 30));
		assert_ok!(timeout(&fourth, Some(ledger_state(A, 32, PAST, HUB_CHAIN_ID, 1))));
	});
}

#[test]
fn routes_need_a_timeout_and_a_destination_that_can_prove() {
	build_and_execute(|| {
		let mut untimed = message(A, C, 1, TEST_APP);
		untimed.timeout = Timeout::default();
		let to_parachain = message(A, P, 1, TEST_APP);
		assert_ok!(Messages::deliver_messages(
			RuntimeOrigin::signed(RELAYER),
			A,
			10,
			proven(A, 10, vec![untimed, to_parachain])
		));
		for (destination, error) in
			[(C, Error::<Test>::RouteWithoutTimeout), (P, Error::<Test>::ReceiptsNotProvable)]
		{
			System::assert_has_event(
				Event::MessageDelivered {
					source: A,
					destination,
					nonce: 1,
					outcome: ReceiptOutcome::Failed,
					error: Some(error.into()),
					relayer: RELAYER,
				}
				.into(),
			);
			assert!(!PendingMessages::<Test>::contains_key((A, destination, 1)));
		}
		assert!(app_calls().is_empty());
		assert_eq!(RoutedPendingFrom::<Test>::get(A), 0);
	});
}

#[test]
fn a_routed_message_times_out_only_on_its_destination_proof() {
	build_and_execute(|| {
		// Routed from A to C, timing out after C's height 100.
		let routed = message(A, C, 1, TEST_APP);
		assert_ok!(Messages::deliver_messages(
			RuntimeOrigin::signed(RELAYER),
			A,
			10,
			proven(A, 10, vec![routed.clone()])
		));
		assert_eq!(RoutedPendingFrom::<Test>::get(A), 1);
		// Whatever the hub's clock says.
		System::set_block_number(500);
		assert_noop!(timeout(&routed, None), Error::<Test>::NonReceiptProofRequired);
		assert_noop!(
			timeout(&routed, Some(ledger_state(C, 100, PAST, A, 0))),
			Error::<Test>::NotTimedOut
		);
		assert_ok!(timeout(&routed, Some(ledger_state(C, 101, 0, A, 0))));
		let receipt = Receipts::<Test>::get((A, C, 1)).unwrap().receipt;
		assert_eq!(receipt.outcome, ReceiptOutcome::Expired);
		assert_eq!(receipt.message_leaf, routed.leaf_hash());
		assert_eq!(app_calls().last(), Some(&AppCall::Outcome(A, C, 1, false)));
		// A's share still counts it until C takes it: then C's `Expired` receipt closes it,
		// and no second receipt goes back to A.
		assert_eq!(RoutedPendingFrom::<Test>::get(A), 1);
		next_block();
		assert_ok!(acknowledge(&routed, ReceiptOutcome::Expired, 102));
		assert_eq!(RoutedPendingFrom::<Test>::get(A), 0);
		assert_eq!(PendingCount::<Test>::get(C), 0);
		assert!(OutboundLeaves::<Test>::get(A, System::block_number() as u32).is_empty());
		assert_eq!(
			app_calls().iter().filter(|call| matches!(call, AppCall::Outcome(..))).count(),
			1
		);
	});
}

#[test]
fn governance_completes_a_message_whose_destination_is_gone_for_good() {
	build_and_execute(|| {
		let sent = send_to(C, 500, 0);
		let force =
			|origin, outcome| Messages::force_complete_message(origin, HUB_CHAIN_ID, C, 1, outcome);
		assert_noop!(
			force(RuntimeOrigin::signed(SENDER), ReceiptOutcome::Failed),
			DispatchError::BadOrigin
		);
		assert_noop!(
			force(RuntimeOrigin::signed(GOVERNANCE), ReceiptOutcome::Failed),
			Error::<Test>::DestinationStillActive
		);
		MockRegistry::set_status(C, ChainStatus::Suspended);
		assert_ok!(force(RuntimeOrigin::signed(GOVERNANCE), ReceiptOutcome::Failed));
		System::assert_last_event(
			Event::MessageForceCompleted {
				source: HUB_CHAIN_ID,
				destination: C,
				nonce: 1,
				outcome: ReceiptOutcome::Failed,
			}
			.into(),
		);
		assert_eq!(app_calls(), vec![AppCall::Outcome(HUB_CHAIN_ID, C, 1, false)]);
		// No relayer carried it: the fee goes back, and so does the deposit.
		assert_eq!(Balances::balance(&SENDER), INITIAL_BALANCE);
		assert_eq!(held_deposits(SENDER), 0);
		assert_noop!(
			force(RuntimeOrigin::signed(GOVERNANCE), ReceiptOutcome::Failed),
			Error::<Test>::UnknownMessage
		);
		assert!(!is_pending(&sent));

		// A routed message's decree goes back to its source as a receipt.
		let routed = message(A, B, 1, TEST_APP);
		assert_ok!(Messages::deliver_messages(
			RuntimeOrigin::signed(RELAYER),
			A,
			10,
			proven(A, 10, vec![routed.clone()])
		));
		MockRegistry::set_status(B, ChainStatus::Frozen);
		assert_ok!(Messages::force_complete_message(
			RuntimeOrigin::signed(GOVERNANCE),
			A,
			B,
			1,
			ReceiptOutcome::Delivered
		));
		let receipt = Receipts::<Test>::get((A, B, 1)).unwrap().receipt;
		assert_eq!(receipt.outcome, ReceiptOutcome::Delivered);
		assert_eq!(receipt.relayer, H256::zero());
	});
}

#[test]
fn chains_with_pending_messages_are_in_use() {
	build_and_execute(|| {
		assert!(!Messages::is_in_use(C));
		let sent = send_to(C, 0, 0);
		assert!(Messages::is_in_use(C));
		// Routed from A to B: both are in use (B owes a receipt, A waits for it).
		let routed = message(A, B, 1, TEST_APP);
		assert_ok!(Messages::deliver_messages(
			RuntimeOrigin::signed(RELAYER),
			A,
			10,
			proven(A, 10, vec![routed.clone()])
		));
		assert!(Messages::is_in_use(A));
		assert!(Messages::is_in_use(B));
		assert_ok!(acknowledge(&sent, ReceiptOutcome::Delivered, 11));
		assert_ok!(acknowledge(&routed, ReceiptOutcome::Failed, 12));
		for chain in [A, B, C] {
			assert!(!Messages::is_in_use(chain));
		}
	});
}

#[test]
fn a_timed_out_message_is_committed_again_until_its_destination_takes_it() {
	build_and_execute(|| {
		let sent = send_to(C, 0, 0);
		next_block();
		assert_ok!(timeout(&sent, Some(ledger_state(C, 40, PAST, HUB_CHAIN_ID, 0))));
		let recommit = || Messages::recommit_message(RuntimeOrigin::signed(9), HUB_CHAIN_ID, C, 1);
		assert_noop!(recommit(), Error::<Test>::CommitmentStillKept);
		for _ in 0..COMMITMENTS_TO_KEEP {
			next_block();
		}
		assert!(Messages::message_proof(HUB_CHAIN_ID, C, 1).is_none());
		// A destination that cannot take it now gets nothing committed for it.
		MockRegistry::set_status(C, ChainStatus::Frozen);
		assert_noop!(recommit(), Error::<Test>::DestinationNotActive);
		MockRegistry::set_status(C, ChainStatus::Suspended);
		assert_ok!(recommit());
		let first = System::block_number() as u32;
		next_block();
		assert_eq!(Messages::message_proof(HUB_CHAIN_ID, C, 1).expect("provable").1.block, first);
		// Once per window: again only when that commitment has aged out too.
		assert_noop!(recommit(), Error::<Test>::CommitmentStillKept);
		for _ in 0..COMMITMENTS_TO_KEEP {
			next_block();
		}
		assert_ok!(recommit());
		let second = System::block_number() as u32;
		assert_eq!(Recommitments::<Test>::get((HUB_CHAIN_ID, C, 1)), Some(second));
		// C takes it as `Expired`: the record and where it was committed are forgotten.
		assert_ok!(acknowledge(&sent, ReceiptOutcome::Expired, 60));
		assert!(Recommitments::<Test>::get((HUB_CHAIN_ID, C, 1)).is_none());
		assert!(TimedOutMessages::<Test>::get((HUB_CHAIN_ID, C, 1)).is_none());
		assert_eq!(PendingCount::<Test>::get(C), 0);
	});
}
