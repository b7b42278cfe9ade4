//! Delivery, routing, commitments, acknowledgements, timeouts and fees, each rejection with its
//! exact error.

use crate::{mock::*, *};
use fusion_hub_primitives::{
	merkle::verify_keccak_proof,
	message::{storage_commitment_key, Timeout, DATA_RECORD_APP, HUB_CHAIN_ID},
	ChainStatus, InclusionProof, Receipt, ReceiptOutcome, SendMessage,
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::fungible::Inspect, BoundedVec},
	sp_core::H256,
	sp_runtime::{DigestItem, DispatchError, TokenError},
	*,
};

const SENDER: u64 = 1;

fn hub_message(nonce: u64) -> MessageOf<Test> {
	message(A, HUB_CHAIN_ID, nonce, DATA_RECORD_APP)
}

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

fn receipt_of(source: u32, destination: u32, nonce: u64) -> Receipt {
	Receipts::<Test>::get((source, destination, nonce)).expect("a receipt").receipt
}

/// A timeout at `height` of the destination only.
fn at_height(height: u32) -> Timeout {
	Timeout { height, timestamp: 0 }
}

/// When the tests' hub messages time out on their destination's clock: 50 s after the hub's
/// now (1,000,000 ms at genesis).
const SEND_TIMEOUT: u64 = 1_050_000;

/// A timeout at `timestamp` of the destination only.
fn by_time(timestamp: u64) -> Timeout {
	Timeout { height: 0, timestamp }
}

/// Sends a data record from SENDER to `destination` with `fee`; returns the message.
fn send(destination: u32, fee: u128) -> MessageOf<Test> {
	<Messages as SendMessage<u64, ConstU32<MAX_PAYLOAD>>>::send(
		&SENDER,
		destination,
		TEST_APP,
		H256::repeat_byte(1),
		vec![1, 2, 3],
		by_time(SEND_TIMEOUT),
		fee,
	)
	.expect("sent")
}

use polkadot_sdk::frame_support::traits::ConstU32;

#[test]
fn a_proven_message_is_delivered_and_its_receipt_committed_back() {
	build_and_execute(|| {
		let first = hub_message(1);
		let second = hub_message(2);
		assert_ok!(deliver(A, 10, vec![first.clone(), second.clone()]));

		assert_eq!(Records::<Test>::get(A, first.sender).unwrap().to_vec(), vec![2u8; 8]);
		assert_eq!(InboundNonces::<Test>::get(A, HUB_CHAIN_ID), 2);
		let receipt = receipt_of(A, HUB_CHAIN_ID, 1);
		assert_eq!(receipt.outcome, ReceiptOutcome::Delivered);
		assert_eq!(receipt.message_leaf, first.leaf_hash());
		assert_eq!(receipt.relayer, Messages::account_to_h256(&RELAYER));
		System::assert_has_event(
			Event::MessageDelivered {
				source: A,
				destination: HUB_CHAIN_ID,
				nonce: 2,
				outcome: ReceiptOutcome::Delivered,
				error: None,
				relayer: RELAYER,
			}
			.into(),
		);

		// The receipts are committed for A at the end of the block, in storage and the digest.
		next_block();
		let root = OutboundRoots::<Test>::get(A, 1).expect("committed");
		for nonce in [1, 2] {
			let (receipt, proof) = Messages::receipt_proof(A, HUB_CHAIN_ID, nonce).unwrap();
			assert_eq!(proof.root, root);
			assert!(verify_keccak_proof(&root, receipt.leaf_hash(), &proof.proof));
		}
		let digest = System::digest();
		let mut expected = OUTBOUND_ROOTS_DIGEST_PREFIX.to_vec();
		codec::Encode::encode_to(&vec![(A, root)], &mut expected);
		assert!(digest.logs.contains(&DigestItem::Other(expected)));
	});
}

#[test]
fn nonces_are_strictly_ordered_per_channel() {
	build_and_execute(|| {
		assert_ok!(deliver(A, 10, vec![hub_message(1)]));
		assert_noop!(deliver(A, 11, vec![hub_message(1)]), Error::<Test>::NonceReplayed);
		assert_noop!(deliver(A, 11, vec![hub_message(3)]), Error::<Test>::NonceGap);
		// Another channel of the same source counts on its own.
		assert_ok!(deliver(A, 11, vec![message(A, B, 1, TEST_APP)]));
		assert_ok!(deliver(A, 12, vec![hub_message(2)]));
		assert_eq!(InboundNonces::<Test>::get(A, HUB_CHAIN_ID), 2);
		assert_eq!(InboundNonces::<Test>::get(A, B), 1);
	});
}

#[test]
fn a_batch_skips_what_another_relayer_delivered_first() {
	build_and_execute(|| {
		// Relayer 4 delivers message 2 of a batch of three that RELAYER is about to send.
		let batch = proven(A, 10, vec![hub_message(1), hub_message(2), hub_message(3)]);
		assert_ok!(Messages::deliver_messages(
			RuntimeOrigin::signed(4),
			A,
			10,
			BoundedVec::truncate_from(batch[..2].to_vec())
		));
		let full = Messages::deliver_messages(RuntimeOrigin::signed(RELAYER), A, 10, batch.clone())
			.expect("the rest is delivered");
		assert_eq!(InboundNonces::<Test>::get(A, HUB_CHAIN_ID), 3);
		assert!(System::events().iter().any(|record| record.event
			== RuntimeEvent::Messages(Event::MessagesSkipped { source: A, skipped: 2 })));
		// It pays only for the message it delivered.
		let charged = Messages::deliver_weight(&batch);
		let actual = full.actual_weight.expect("actual weight");
		assert!(actual.ref_time() < charged.ref_time());
		assert_eq!(actual, Messages::delivered_weight(3, batch[2..].iter().map(|(m, p)| (m, p))));
		// Nothing new: refused, for the batch's base weight only, and nothing changes. A gap
		// still fails the whole batch.
		let before = polkadot_sdk::sp_io::storage::root(polkadot_sdk::sp_runtime::StateVersion::V1);
		let refused = Messages::deliver_messages(RuntimeOrigin::signed(RELAYER), A, 10, batch)
			.expect_err("nothing new");
		assert_eq!(refused.error, Error::<Test>::NonceReplayed.into());
		assert_eq!(
			refused.post_info.actual_weight,
			Some(Messages::delivered_weight(3, core::iter::empty()))
		);
		assert_eq!(
			polkadot_sdk::sp_io::storage::root(polkadot_sdk::sp_runtime::StateVersion::V1),
			before
		);
		let gap = proven(A, 11, vec![hub_message(3), hub_message(5)]);
		assert_noop!(
			Messages::deliver_messages(RuntimeOrigin::signed(RELAYER), A, 11, gap),
			Error::<Test>::NonceGap
		);
	});
}

#[test]
fn a_failing_batch_changes_nothing() {
	build_and_execute(|| {
		// The second message skips a nonce: the first is not delivered either.
		assert_noop!(deliver(A, 10, vec![hub_message(1), hub_message(3)]), Error::<Test>::NonceGap);
		assert_eq!(InboundNonces::<Test>::get(A, HUB_CHAIN_ID), 0);
	});
}

#[test]
fn wrong_proofs_are_refused() {
	build_and_execute(|| {
		let mut batch = proven(A, 10, vec![hub_message(1), hub_message(2)]);
		// A proof of the other message's leaf.
		let other_proof = batch[1].1.clone();
		batch[0].1 = other_proof;
		batch.truncate(1);
		assert_noop!(
			Messages::deliver_messages(RuntimeOrigin::signed(RELAYER), A, 10, batch),
			Error::<Test>::ProofNotForMessage
		);

		// The right leaf with a forged sibling.
		let mut batch = proven(A, 11, vec![hub_message(1), hub_message(2)]);
		if let InclusionProof::KeccakMerkle { proof, .. } = &mut batch[0].1 {
			proof[0] = H256::repeat_byte(9);
		}
		batch.truncate(1);
		assert_noop!(
			Messages::deliver_messages(RuntimeOrigin::signed(RELAYER), A, 11, batch),
			Error::<Test>::NotIncluded
		);

		// A tampered message no longer matches its proof.
		let mut batch = proven(A, 12, vec![hub_message(1)]);
		batch[0].0.payload = BoundedVec::truncate_from(vec![0xff]);
		assert_noop!(
			Messages::deliver_messages(RuntimeOrigin::signed(RELAYER), A, 12, batch),
			Error::<Test>::ProofNotForMessage
		);

		// Proven by A, but claims to come from B.
		let batch = proven(A, 13, vec![message(B, HUB_CHAIN_ID, 1, DATA_RECORD_APP)]);
		assert_noop!(
			Messages::deliver_messages(RuntimeOrigin::signed(RELAYER), A, 13, batch),
			Error::<Test>::WrongChain
		);
	});
}

#[test]
fn unknown_inactive_and_unverified_sources_are_refused() {
	build_and_execute(|| {
		let batch = proven(A, 10, vec![hub_message(1)]);
		assert_noop!(
			Messages::deliver_messages(RuntimeOrigin::signed(RELAYER), A, 9, batch.clone()),
			Error::<Test>::UnknownHeader
		);
		MockRegistry::set_status(A, ChainStatus::Suspended);
		assert_noop!(
			Messages::deliver_messages(RuntimeOrigin::signed(RELAYER), A, 10, batch),
			Error::<Test>::ChainNotActive
		);
		let batch = proven(9, 10, vec![message(9, HUB_CHAIN_ID, 1, DATA_RECORD_APP)]);
		assert_noop!(
			Messages::deliver_messages(RuntimeOrigin::signed(RELAYER), 9, 10, batch),
			Error::<Test>::UnknownChain
		);
		assert_noop!(
			Messages::deliver_messages(RuntimeOrigin::none(), 9, 10, BoundedVec::new()),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn blake2_and_storage_proofs_deliver_too() {
	build_and_execute(|| {
		// Blake2: the leaf is the message's ABI encoding, alone in its tree.
		let first = hub_message(1);
		let leaf_bytes = first.abi_encode();
		let root = binary_merkle_tree::merkle_root::<sp_runtime::traits::BlakeTwo256, _>(vec![
			leaf_bytes.clone(),
		]);
		MockVerifier::set_header(A, 10, Some(root), H256::zero());
		let proof = InclusionProof::Blake2Merkle {
			leaf: BoundedVec::truncate_from(leaf_bytes),
			leaf_index: 0,
			number_of_leaves: 1,
			proof: BoundedVec::new(),
		};
		assert_ok!(Messages::deliver_messages(
			RuntimeOrigin::signed(RELAYER),
			A,
			10,
			BoundedVec::truncate_from(vec![(first, proof)])
		));

		// Storage: a Substrate peer holds a value under the commitment key of the leaf.
		let second = hub_message(2);
		let key = storage_commitment_key(&second.leaf_hash());
		let (state_root, nodes) = storage_proof(&key, &[1]);
		MockVerifier::set_header(A, 11, None, state_root);
		let proof = InclusionProof::StorageValue {
			key: BoundedVec::truncate_from(key),
			value: Some(BoundedVec::truncate_from(vec![1])),
			nodes: BoundedVec::truncate_from(
				nodes.into_iter().map(BoundedVec::truncate_from).collect::<Vec<_>>(),
			),
		};
		assert_ok!(Messages::deliver_messages(
			RuntimeOrigin::signed(RELAYER),
			A,
			11,
			BoundedVec::truncate_from(vec![(second.clone(), proof)])
		));
		assert_eq!(InboundNonces::<Test>::get(A, HUB_CHAIN_ID), 2);

		// A proof of absence proves nothing about a message.
		let third = hub_message(3);
		let proof = InclusionProof::StorageValue {
			key: BoundedVec::truncate_from(storage_commitment_key(&third.leaf_hash())),
			value: None,
			nodes: BoundedVec::new(),
		};
		assert_noop!(
			Messages::deliver_messages(
				RuntimeOrigin::signed(RELAYER),
				A,
				11,
				BoundedVec::truncate_from(vec![(third, proof)])
			),
			Error::<Test>::ProofNotForMessage
		);
	});
}

/// A trie holding `value` under `key` (and another entry), and the read proof of `key`.
fn storage_proof(key: &[u8], value: &[u8]) -> (H256, Vec<Vec<u8>>) {
	trie_proof(&[(key.to_vec(), value.to_vec())], &[key.to_vec()])
}

#[test]
fn an_expired_message_is_not_executed() {
	build_and_execute(|| {
		let mut late = hub_message(1);
		late.timeout = at_height(0);
		late.timeout.timestamp = 999_999; // before the hub's clock (1_000_000)
		assert_ok!(deliver(A, 10, vec![late.clone()]));
		assert!(Records::<Test>::get(A, late.sender).is_none());
		assert_eq!(receipt_of(A, HUB_CHAIN_ID, 1).outcome, ReceiptOutcome::Expired);
		// The nonce is used: the channel goes on.
		assert_eq!(InboundNonces::<Test>::get(A, HUB_CHAIN_ID), 1);

		System::set_block_number(101);
		let mut late_by_block = hub_message(2);
		late_by_block.timeout = at_height(100);
		assert_ok!(deliver(A, 11, vec![late_by_block]));
		assert_eq!(receipt_of(A, HUB_CHAIN_ID, 2).outcome, ReceiptOutcome::Expired);
	});
}

#[test]
fn a_failing_application_loses_nothing_and_says_why() {
	build_and_execute(|| {
		fail_app(true);
		assert_ok!(deliver(A, 10, vec![message(A, HUB_CHAIN_ID, 1, TEST_APP)]));
		assert_eq!(app_calls(), vec![AppCall::Receive(A, 1)]);
		// Its write was rolled back.
		assert!(frame_support::storage::unhashed::get::<u64>(TEST_APP_KEY).is_none());
		assert_eq!(receipt_of(A, HUB_CHAIN_ID, 1).outcome, ReceiptOutcome::Failed);
		assert_eq!(
			last_event(),
			Event::MessageDelivered {
				source: A,
				destination: HUB_CHAIN_ID,
				nonce: 1,
				outcome: ReceiptOutcome::Failed,
				error: Some(TokenError::FundsUnavailable.into()),
				relayer: RELAYER,
			}
			.into()
		);

		// No application under this id: failed, with the error named.
		assert_ok!(deliver(A, 11, vec![message(A, HUB_CHAIN_ID, 2, 99)]));
		assert_eq!(receipt_of(A, HUB_CHAIN_ID, 2).outcome, ReceiptOutcome::Failed);
		assert!(matches!(
			last_event(),
			RuntimeEvent::Messages(Event::MessageDelivered { error: Some(error), .. })
				if error == Error::<Test>::UnknownApplication.into()
		));

		// An empty data record is refused by its application.
		let mut empty = hub_message(3);
		empty.payload = BoundedVec::new();
		assert_ok!(deliver(A, 12, vec![empty]));
		assert_eq!(receipt_of(A, HUB_CHAIN_ID, 3).outcome, ReceiptOutcome::Failed);
	});
}

#[test]
fn messages_for_other_peers_are_routed() {
	build_and_execute(|| {
		let routed = message(A, C, 1, TEST_APP);
		assert_ok!(deliver(A, 10, vec![routed.clone()]));
		assert_eq!(app_calls(), vec![AppCall::Route(A, C, 1)]);
		System::assert_has_event(
			Event::MessageRouted { source: A, destination: C, nonce: 1 }.into(),
		);
		// Pending at the hub, queued unchanged for C; no receipt yet.
		assert!(Receipts::<Test>::get((A, C, 1)).is_none());
		assert_eq!(PendingCount::<Test>::get(C), 1);
		next_block();
		let (view, proof) = Messages::message_proof(A, C, 1).expect("pending");
		assert_eq!(view.payload, routed.payload.to_vec());
		assert_eq!(proof.leaf, routed.leaf_hash());
		assert!(verify_keccak_proof(
			&OutboundRoots::<Test>::get(C, 1).unwrap(),
			proof.leaf,
			&proof.proof
		));

		// C acknowledges: the receipt goes back to A unchanged, the route is complete.
		let receipts = proven_receipt(&routed, ReceiptOutcome::Delivered, 4, 20);
		assert_ok!(Messages::acknowledge(RuntimeOrigin::signed(RELAYER), C, 20, receipts.clone()));
		assert_eq!(receipt_of(A, C, 1), receipts[0].0);
		assert_eq!(app_calls().last(), Some(&AppCall::Outcome(A, C, 1, true)));
		assert_eq!(PendingCount::<Test>::get(C), 0);
	});
}

#[test]
fn a_route_to_an_inactive_or_refusing_destination_fails_back_to_the_source() {
	build_and_execute(|| {
		assert_ok!(deliver(A, 10, vec![message(A, D, 1, TEST_APP)]));
		assert_eq!(receipt_of(A, D, 1).outcome, ReceiptOutcome::Failed);
		assert!(app_calls().is_empty());
		assert_ok!(deliver(A, 11, vec![message(A, A, 1, TEST_APP)]));
		assert_eq!(receipt_of(A, A, 1).outcome, ReceiptOutcome::Failed);

		fail_app(true);
		assert_ok!(deliver(A, 12, vec![message(A, C, 1, TEST_APP)]));
		assert_eq!(receipt_of(A, C, 1).outcome, ReceiptOutcome::Failed);
		assert_eq!(PendingCount::<Test>::get(C), 0);
	});
}

#[test]
fn a_delivered_receipt_pays_the_relayer_once() {
	build_and_execute(|| {
		let sent = send(B, 500);
		let deposit = deposit_of(HUB_CHAIN_ID, B, 1);
		assert_eq!(Balances::balance(&SENDER), INITIAL_BALANCE - 500 - deposit);
		next_block();
		let receipts = proven_receipt(&sent, ReceiptOutcome::Delivered, 4, 30);
		assert_ok!(Messages::acknowledge(RuntimeOrigin::signed(RELAYER), B, 30, receipts.clone()));
		assert_eq!(app_calls(), vec![AppCall::Outcome(HUB_CHAIN_ID, B, 1, true)]);
		assert_eq!(RelayerRewards::<Test>::get(4), 500);
		// The fee went to the relayer; the deposit is back with the sender.
		assert_eq!(Balances::balance(&SENDER), INITIAL_BALANCE - 500);
		assert_eq!(held_deposits(SENDER), 0);
		// A second receipt of the same message finds nothing pending.
		assert_noop!(
			Messages::acknowledge(RuntimeOrigin::signed(RELAYER), B, 30, receipts),
			Error::<Test>::UnknownMessage
		);

		assert_ok!(Messages::claim_rewards(RuntimeOrigin::signed(4)));
		assert_eq!(Balances::balance(&4), INITIAL_BALANCE + 500);
		assert_noop!(Messages::claim_rewards(RuntimeOrigin::signed(4)), Error::<Test>::NoRewards);
	});
}

#[test]
fn a_failed_receipt_refunds_through_the_application_and_still_pays_the_relayer() {
	build_and_execute(|| {
		let sent = send(B, 500);
		let receipts = proven_receipt(&sent, ReceiptOutcome::Failed, 4, 30);
		assert_ok!(Messages::acknowledge(RuntimeOrigin::signed(RELAYER), B, 30, receipts));
		assert_eq!(app_calls(), vec![AppCall::Outcome(HUB_CHAIN_ID, B, 1, false)]);
		assert_eq!(RelayerRewards::<Test>::get(4), 500);
	});
}

#[test]
fn an_expired_receipt_refunds_the_fee() {
	build_and_execute(|| {
		let sent = send(B, 500);
		let receipts = proven_receipt(&sent, ReceiptOutcome::Expired, 4, 30);
		assert_ok!(Messages::acknowledge(RuntimeOrigin::signed(RELAYER), B, 30, receipts));
		assert_eq!(app_calls(), vec![AppCall::Outcome(HUB_CHAIN_ID, B, 1, false)]);
		assert_eq!(RelayerRewards::<Test>::get(4), 0);
		assert_eq!(Balances::balance(&SENDER), INITIAL_BALANCE);
	});
}

#[test]
fn receipts_that_do_not_match_are_refused() {
	build_and_execute(|| {
		let sent = send(B, 0);
		// Proven by another chain than its destination.
		let receipts = proven_receipt(&sent, ReceiptOutcome::Delivered, 4, 30);
		assert_noop!(
			Messages::acknowledge(RuntimeOrigin::signed(RELAYER), C, 30, receipts),
			Error::<Test>::WrongChain
		);
		// For another message under the same nonce.
		let mut other = sent.clone();
		other.payload = BoundedVec::truncate_from(vec![9]);
		let receipts = proven_receipt(&other, ReceiptOutcome::Delivered, 4, 31);
		assert_noop!(
			Messages::acknowledge(RuntimeOrigin::signed(RELAYER), B, 31, receipts),
			Error::<Test>::ReceiptMismatch
		);
		// A receipt with a proof of another leaf.
		let mut receipts = proven_receipt(&sent, ReceiptOutcome::Delivered, 4, 32);
		receipts[0].0.outcome = ReceiptOutcome::Failed;
		assert_noop!(
			Messages::acknowledge(RuntimeOrigin::signed(RELAYER), B, 32, receipts),
			Error::<Test>::ProofNotForMessage
		);
		// Never sent.
		let mut unsent = sent.clone();
		unsent.nonce = 2;
		let receipts = proven_receipt(&unsent, ReceiptOutcome::Delivered, 4, 33);
		assert_noop!(
			Messages::acknowledge(RuntimeOrigin::signed(RELAYER), B, 33, receipts),
			Error::<Test>::UnknownMessage
		);
	});
}

#[test]
fn sending_checks_destination_timeout_payload_and_capacity() {
	build_and_execute(|| {
		let send_to = |destination, timeout, payload: Vec<u8>| {
			<Messages as SendMessage<u64, ConstU32<MAX_PAYLOAD>>>::send(
				&SENDER,
				destination,
				TEST_APP,
				H256::zero(),
				payload,
				timeout,
				0,
			)
			.map(|_| ())
		};
		let timeout = by_time(SEND_TIMEOUT);
		assert_noop!(send_to(HUB_CHAIN_ID, timeout, vec![1]), Error::<Test>::InvalidDestination);
		assert_noop!(send_to(D, timeout, vec![1]), Error::<Test>::DestinationNotActive);
		assert_noop!(send_to(F, timeout, vec![1]), Error::<Test>::DestinationNotActive);
		assert_noop!(send_to(9, timeout, vec![1]), Error::<Test>::DestinationNotActive);
		// A parachain cannot prove receipts to the hub: nothing is sent that only a blind
		// timeout could end.
		assert_noop!(send_to(P, timeout, vec![1]), Error::<Test>::ReceiptsNotProvable);
		// The timeout needs a timestamp after the hub's now and at most MAX_TIMEOUT_MS later;
		// a height alone does not bound how long the sender's value waits.
		assert_noop!(send_to(B, Timeout::default(), vec![1]), Error::<Test>::InvalidTimeout);
		assert_noop!(send_to(B, at_height(20), vec![1]), Error::<Test>::InvalidTimeout);
		assert_noop!(send_to(B, by_time(1_000_000), vec![1]), Error::<Test>::InvalidTimeout);
		assert_noop!(
			send_to(B, by_time(1_000_000 + MAX_TIMEOUT_MS + 1), vec![1]),
			Error::<Test>::InvalidTimeout
		);
		assert_ok!(send_to(
			B,
			Timeout { height: 7, timestamp: 1_000_000 + MAX_TIMEOUT_MS },
			vec![1]
		));
		assert_ok!(send_to(B, by_time(1_000_001), vec![1]));
		assert_noop!(
			send_to(B, timeout, vec![0; MAX_PAYLOAD as usize + 1]),
			Error::<Test>::PayloadTooLarge
		);
		// A fee the payer cannot pay.
		assert!(<Messages as SendMessage<u64, ConstU32<MAX_PAYLOAD>>>::send(
			&SENDER,
			B,
			TEST_APP,
			H256::zero(),
			vec![1],
			timeout,
			INITIAL_BALANCE
		)
		.is_err());

		// The hub's senders take three of a destination's four leaves per block (two are used
		// above).
		for _ in 2..MAX_SEND_LEAVES {
			assert_ok!(send_to(B, timeout, vec![1]));
		}
		assert_noop!(send_to(B, timeout, vec![1]), Error::<Test>::BlockCapacityReached);
		// They open two of a block's three destinations.
		assert_ok!(send_to(C, timeout, vec![1]));
		MockRegistry::set_status(9, ChainStatus::Active);
		assert_noop!(send_to(9, timeout, vec![1]), Error::<Test>::BlockCapacityReached);

		// Four of a destination's five pending messages.
		next_block();
		assert_ok!(send_to(B, timeout, vec![1]));
		assert_noop!(send_to(B, timeout, vec![1]), Error::<Test>::QueueFull);
		// Nothing pending was completed by any of this.
		assert_eq!(PendingCount::<Test>::get(B), MAX_PENDING_SENDS);
		assert_eq!(PendingSends::<Test>::get(B), MAX_PENDING_SENDS);
	});
}

#[test]
fn send_data_queues_a_record_and_takes_the_fee() {
	build_and_execute(|| {
		assert_ok!(Messages::send_data(
			RuntimeOrigin::signed(SENDER),
			B,
			BoundedVec::truncate_from(b"price=42".to_vec()),
			by_time(SEND_TIMEOUT),
			7
		));
		let pending = PendingMessages::<Test>::get((HUB_CHAIN_ID, B, 1)).unwrap();
		assert_eq!(pending.message.app_id, DATA_RECORD_APP);
		assert_eq!(pending.message.sender, Messages::account_to_h256(&SENDER));
		assert_eq!(pending.payer, Some(SENDER));
		assert_eq!(OutboundNonces::<Test>::get(B), 1);
		assert_eq!(Balances::balance(&Messages::fee_account()), ED + 7);
		System::assert_last_event(
			Event::MessageSent {
				destination: B,
				nonce: 1,
				app_id: DATA_RECORD_APP,
				leaf: pending.message.leaf_hash(),
				fee: 7,
				deposit: pending.deposit,
			}
			.into(),
		);
		assert_noop!(
			Messages::send_data(
				RuntimeOrigin::signed(SENDER),
				B,
				BoundedVec::new(),
				by_time(SEND_TIMEOUT),
				0
			),
			Error::<Test>::EmptyRecord
		);
	});
}

#[test]
fn commitments_are_pruned_after_their_window() {
	build_and_execute(|| {
		send(B, 0);
		next_block();
		assert!(OutboundRoots::<Test>::get(B, 1).is_some());
		assert!(Messages::message_proof(HUB_CHAIN_ID, B, 1).is_some());
		// Committed in block 1, kept through block COMMITMENTS_TO_KEEP.
		for _ in 0..COMMITMENTS_TO_KEEP - 2 {
			next_block();
		}
		assert_eq!(System::block_number(), COMMITMENTS_TO_KEEP as u64);
		assert!(OutboundRoots::<Test>::get(B, 1).is_some());
		next_block();
		assert!(OutboundRoots::<Test>::get(B, 1).is_none());
		assert!(OutboundLeaves::<Test>::get(B, 1).is_empty());
		assert!(BlockDestinations::<Test>::get(1).is_empty());
		// Still pending (its timeout decides), but no longer provable from the hub.
		assert!(Messages::message_proof(HUB_CHAIN_ID, B, 1).is_none());
	});
}

#[test]
fn a_message_whose_commitment_aged_out_is_committed_again_once_per_window() {
	build_and_execute(|| {
		send(B, 0);
		let recommit = |nonce| Messages::recommit_message(RuntimeOrigin::signed(9), 0, B, nonce);
		next_block();
		// Still provable: nothing to do.
		assert_noop!(recommit(1), Error::<Test>::CommitmentStillKept);
		assert_noop!(recommit(2), Error::<Test>::UnknownMessage);
		for _ in 0..COMMITMENTS_TO_KEEP {
			next_block();
		}
		assert!(Messages::message_proof(HUB_CHAIN_ID, B, 1).is_none());
		// This block's share of the hub's sends is used up: the leaf waits for the next block.
		for _ in 0..MAX_SEND_LEAVES {
			send(B, 0);
		}
		assert_noop!(recommit(1), Error::<Test>::BlockCapacityReached);
		next_block();
		let now = System::block_number() as u32;
		assert_ok!(recommit(1));
		System::assert_last_event(
			Event::MessageRecommitted {
				source: HUB_CHAIN_ID,
				destination: B,
				nonce: 1,
				block: now,
			}
			.into(),
		);
		assert_noop!(recommit(1), Error::<Test>::CommitmentStillKept);
		// The message keeps the block it was sent in; its proof is in the new commitment.
		assert_eq!(PendingMessages::<Test>::get((HUB_CHAIN_ID, B, 1)).unwrap().block, 1);
		next_block();
		let (view, proof) = Messages::message_proof(HUB_CHAIN_ID, B, 1).expect("provable");
		assert_eq!(view.nonce, 1);
		assert_eq!(proof.block, now);
		assert_eq!(Some(proof.root), OutboundRoots::<Test>::get(B, now));
		assert_eq!(OutboundLeaves::<Test>::get(B, now).to_vec(), vec![proof.leaf]);
	});
}

#[test]
fn receipts_are_kept_per_channel_up_to_their_bound() {
	build_and_execute(|| {
		for nonce in 1..=4 {
			assert_ok!(deliver(A, 10 + nonce as u32, vec![hub_message(nonce)]));
		}
		assert!(Receipts::<Test>::get((A, HUB_CHAIN_ID, 1)).is_none());
		assert!(Receipts::<Test>::get((A, HUB_CHAIN_ID, 2)).is_some());
		assert!(Receipts::<Test>::get((A, HUB_CHAIN_ID, 4)).is_some());
	});
}

#[test]
fn the_leaf_encodings_are_those_of_the_protocol() {
	// A receipt is six ABI words, a message at least ten: no leaf is both.
	let receipt = Receipt {
		source: 1,
		destination: 0,
		nonce: 5,
		message_leaf: H256::repeat_byte(7),
		outcome: ReceiptOutcome::Failed,
		relayer: H256::repeat_byte(8),
	};
	let encoded = receipt.abi_encode();
	assert_eq!(encoded.len(), 192);
	assert_eq!(encoded[31], 1);
	assert_eq!(encoded[63], 0);
	assert_eq!(encoded[95], 5);
	assert_eq!(&encoded[96..128], &[7u8; 32]);
	assert_eq!(encoded[159], 1);
	assert_eq!(&encoded[160..192], &[8u8; 32]);
	assert!(hub_message(1).abi_encode().len() >= 320);
}
