//! What a sender, a relayer or a peer's users can make the hub keep, and who pays for it:
//! message deposits, the capacity kept for receipts and routes, writes under unknown chain ids,
//! and the data-record application's bound per source.

use crate::{mock::*, *};
use codec::Encode;
use fusion_hub_primitives::{
	message::{Timeout, DATA_RECORD_APP, HUB_CHAIN_ID},
	ChainStatus, ChainTrustReset, ReceiptOutcome, SendMessage,
};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		traits::{fungible::Inspect, ConstU32},
		BoundedVec,
	},
	sp_core::H256,
	*,
};

const SENDER: u64 = 1;
const SEND_TIMEOUT: u64 = 1_050_000;

fn send_payload(
	destination: u32,
	payload: Vec<u8>,
) -> Result<MessageOf<Test>, sp_runtime::DispatchError> {
	<Messages as SendMessage<u64, ConstU32<MAX_PAYLOAD>>>::send(
		&SENDER,
		destination,
		TEST_APP,
		H256::repeat_byte(1),
		payload,
		Timeout { height: 0, timestamp: SEND_TIMEOUT },
		0,
	)
}

fn send(destination: u32) -> sp_runtime::DispatchResult {
	send_payload(destination, vec![1]).map(|_| ())
}

/// A data record from `source` by `sender`.
fn record(source: u32, nonce: u64, sender: u8) -> MessageOf<Test> {
	let mut record = message(source, HUB_CHAIN_ID, nonce, DATA_RECORD_APP);
	record.sender = H256::repeat_byte(sender);
	record
}

#[test]
fn a_sent_message_holds_a_deposit_sized_from_its_record_until_it_completes() {
	build_and_execute(|| {
		let short = send_payload(B, vec![1; 3]).unwrap();
		let long = send_payload(B, vec![1; 60]).unwrap();
		let pending = PendingMessages::<Test>::get((HUB_CHAIN_ID, B, 1)).unwrap();
		let deposit = deposit_of(HUB_CHAIN_ID, B, 1);
		assert_eq!(deposit, DEPOSIT_BASE + DEPOSIT_PER_BYTE * pending.encoded_size() as u128);
		// 57 more payload bytes, 57 more bytes' deposit.
		let long_deposit = deposit_of(HUB_CHAIN_ID, B, 2);
		assert_eq!(long_deposit - deposit, 57 * DEPOSIT_PER_BYTE);
		System::assert_has_event(
			Event::MessageSent {
				destination: B,
				nonce: 2,
				app_id: TEST_APP,
				leaf: long.leaf_hash(),
				fee: 0,
				deposit: long_deposit,
			}
			.into(),
		);
		assert_eq!(held_deposits(SENDER), deposit + long_deposit);
		assert_eq!(Balances::balance(&SENDER), INITIAL_BALANCE - deposit - long_deposit);

		// The receipt completes the first: its deposit is released, the other's still held.
		let receipts = proven_receipt(&short, ReceiptOutcome::Delivered, RELAYER, 20);
		assert_ok!(Messages::acknowledge(RuntimeOrigin::signed(RELAYER), B, 20, receipts));
		assert_eq!(held_deposits(SENDER), long_deposit);
		assert_eq!(Balances::balance(&SENDER), INITIAL_BALANCE - long_deposit);
	});
}

#[test]
fn a_payer_that_cannot_put_up_the_deposit_sends_nothing() {
	build_and_execute(|| {
		let poor = 7u64;
		assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), poor, DEPOSIT_BASE + ED));
		assert_noop!(
			Messages::send_data(
				RuntimeOrigin::signed(poor),
				B,
				BoundedVec::truncate_from(vec![1; 32]),
				Timeout { height: 0, timestamp: SEND_TIMEOUT },
				0
			),
			Error::<Test>::DepositUnavailable
		);
		// A fee it cannot pay once the deposit is held: nothing is held either.
		assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), poor, 10 * DEPOSIT_BASE));
		assert_noop!(
			Messages::send_data(
				RuntimeOrigin::signed(poor),
				B,
				BoundedVec::truncate_from(vec![1; 32]),
				Timeout { height: 0, timestamp: SEND_TIMEOUT },
				9 * DEPOSIT_BASE
			),
			sp_runtime::TokenError::FundsUnavailable
		);
		assert_eq!(held_deposits(poor), 0);
	});
}

#[test]
fn the_hubs_senders_cannot_take_the_capacity_kept_for_receipts_and_routes() {
	build_and_execute(|| {
		// Senders fill their share of B's leaves in this block and of the block's destinations.
		for _ in 0..MAX_SEND_LEAVES {
			assert_ok!(send(B));
		}
		assert_noop!(send(B), Error::<Test>::BlockCapacityReached);
		assert_ok!(send(C));
		MockRegistry::set_status(9, ChainStatus::Active);
		assert_noop!(send(9), Error::<Test>::BlockCapacityReached);
		// A route into B still has its leaf, and a receipt back to A its destination.
		assert_ok!(deliver(A, 10, vec![message(A, B, 1, TEST_APP)]));
		System::assert_has_event(
			Event::MessageRouted { source: A, destination: B, nonce: 1 }.into(),
		);
		assert_ok!(deliver(A, 11, vec![record(A, 1, 1)]));
		assert_eq!(BlockDestinations::<Test>::get(1).to_vec(), vec![B, C, A]);
		assert_eq!(OutboundLeaves::<Test>::get(B, 1).len() as u32, MAX_LEAVES);

		// Senders take at most MAX_PENDING_SENDS of B's queue, even with room left in it; a
		// route takes the rest.
		let route = message(A, B, 1, TEST_APP);
		let receipts = proven_receipt(&route, ReceiptOutcome::Delivered, RELAYER, 30);
		assert_ok!(Messages::acknowledge(RuntimeOrigin::signed(RELAYER), B, 30, receipts));
		next_block();
		assert_ok!(send(B));
		assert_eq!(PendingSends::<Test>::get(B), MAX_PENDING_SENDS);
		assert!(PendingCount::<Test>::get(B) < MAX_PENDING);
		assert_noop!(send(B), Error::<Test>::QueueFull);
		assert_ok!(deliver(A, 12, vec![message(A, B, 2, TEST_APP)]));
		assert_eq!(PendingCount::<Test>::get(B), MAX_PENDING);
	});
}

#[test]
fn a_route_that_finds_no_room_fails_the_call_and_goes_through_later() {
	build_and_execute(|| {
		for _ in 0..MAX_SEND_LEAVES {
			assert_ok!(send(B));
		}
		assert_ok!(deliver(A, 10, vec![message(A, B, 1, TEST_APP)]));
		// B's leaves are all taken in this block: the route waits, it is not refused for good.
		let second = message(A, B, 2, TEST_APP);
		assert_noop!(deliver(A, 11, vec![second.clone()]), Error::<Test>::BlockCapacityReached);
		assert_eq!(InboundNonces::<Test>::get(A, B), 1);
		assert!(Receipts::<Test>::get((A, B, 2)).is_none());

		next_block();
		assert_ok!(deliver(A, 11, vec![second]));
		System::assert_has_event(
			Event::MessageRouted { source: A, destination: B, nonce: 2 }.into(),
		);
		assert_eq!(PendingCount::<Test>::get(B), MAX_PENDING);

		// B's queue is full: the next route waits too, and no `Failed` receipt goes to A.
		next_block();
		assert_noop!(deliver(A, 12, vec![message(A, B, 3, TEST_APP)]), Error::<Test>::QueueFull);
		assert!(Receipts::<Test>::get((A, B, 3)).is_none());
		// Once one of B's messages completes, it is routed.
		let first = message(A, B, 1, TEST_APP);
		let receipts = proven_receipt(&first, ReceiptOutcome::Delivered, RELAYER, 30);
		assert_ok!(Messages::acknowledge(RuntimeOrigin::signed(RELAYER), B, 30, receipts));
		assert_ok!(deliver(A, 12, vec![message(A, B, 3, TEST_APP)]));
		assert_eq!(InboundNonces::<Test>::get(A, B), 3);
	});
}

#[test]
fn nothing_is_written_under_a_chain_id_the_registry_does_not_know() {
	build_and_execute(|| {
		// Chain 9 is not registered: the message waits, and no nonce or receipt is kept for it.
		assert_noop!(deliver(A, 10, vec![message(A, 9, 1, TEST_APP)]), Error::<Test>::UnknownChain);
		assert!(!InboundNonces::<Test>::contains_key(A, 9));
		assert!(Receipts::<Test>::get((A, 9, 1)).is_none());
		// Nor while governance has not admitted it (it may be rejected, and its record go).
		MockRegistry::set_status(9, ChainStatus::Proposed);
		assert_noop!(deliver(A, 10, vec![message(A, 9, 1, TEST_APP)]), Error::<Test>::UnknownChain);
		// A registered chain that cannot take it (retired) gets the refusal in a receipt.
		MockRegistry::set_status(9, ChainStatus::Retired);
		assert_ok!(deliver(A, 10, vec![message(A, 9, 1, TEST_APP)]));
		assert_eq!(
			Receipts::<Test>::get((A, 9, 1)).unwrap().receipt.outcome,
			ReceiptOutcome::Failed
		);
	});
}

#[test]
fn the_data_record_application_keeps_the_last_senders_of_each_source() {
	build_and_execute(|| {
		let sender = |byte: u8| H256::repeat_byte(byte);
		assert_ok!(deliver(A, 10, vec![record(A, 1, 1), record(A, 2, 2)]));
		assert_ok!(deliver(C, 10, vec![record(C, 1, 1)]));
		// A sender that writes again keeps its place.
		assert_ok!(deliver(A, 11, vec![record(A, 3, 1)]));
		assert_eq!(Records::<Test>::iter_prefix(A).count() as u32, MAX_RECORDS);
		// A new sender replaces the oldest one of its source only.
		assert_ok!(deliver(A, 12, vec![record(A, 4, 3)]));
		System::assert_has_event(Event::RecordEvicted { source: A, sender: sender(1) }.into());
		assert!(!Records::<Test>::contains_key(A, sender(1)));
		assert!(Records::<Test>::contains_key(A, sender(2)));
		assert!(Records::<Test>::contains_key(A, sender(3)));
		assert!(Records::<Test>::contains_key(C, sender(1)));
		// (A's four receipts filled this block's leaves for A.)
		assert_noop!(deliver(A, 13, vec![record(A, 5, 4)]), Error::<Test>::BlockCapacityReached);
		next_block();
		assert_ok!(deliver(A, 13, vec![record(A, 5, 4)]));
		assert!(!Records::<Test>::contains_key(A, sender(2)));
		assert_eq!(Records::<Test>::iter_prefix(A).count() as u32, MAX_RECORDS);

		// A retired source's records go with it; others stay.
		<Messages as ChainTrustReset>::on_retired(A);
		assert_eq!(Records::<Test>::iter_prefix(A).count(), 0);
		assert_eq!(RecordSlots::<Test>::iter_prefix(A).count(), 0);
		assert!(Records::<Test>::contains_key(C, sender(1)));
	});
}
