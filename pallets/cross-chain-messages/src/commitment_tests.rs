//! The outbound commitment: roots folded from each block's frontier are the level-by-level roots
//! of its leaves, proofs served from the leaves verify against them, and each block starts a
//! new tree.

use crate::{mock::*, *};
use fusion_hub_primitives::{
	merkle::{keccak_merkle_root, verify_keccak_proof},
	message::{Timeout, HUB_CHAIN_ID},
	SendMessage,
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::ConstU32},
	sp_core::H256,
	sp_runtime,
};

const SENDER: u64 = 1;

fn send(destination: u32, payload: u8) -> sp_runtime::DispatchResult {
	<Messages as SendMessage<u64, ConstU32<MAX_PAYLOAD>>>::send(
		&SENDER,
		destination,
		TEST_APP,
		H256::repeat_byte(1),
		vec![payload],
		Timeout { height: 0, timestamp: 1_050_000 },
		0,
	)
	.map(|_| ())
}

/// The leaves of `nonces` sent from the hub to `destination`.
fn leaves_of(destination: u32, nonces: core::ops::RangeInclusive<u64>) -> Vec<H256> {
	nonces
		.map(|nonce| PendingMessages::<Test>::get((HUB_CHAIN_ID, destination, nonce)).unwrap().leaf)
		.collect()
}

#[test]
fn each_blocks_root_is_the_tree_of_its_own_leaves_and_every_proof_verifies() {
	build_and_execute(|| {
		for payload in 0..MAX_SEND_LEAVES as u8 {
			assert_ok!(send(B, payload));
		}
		assert_ok!(send(C, 9));
		let first = leaves_of(B, 1..=MAX_SEND_LEAVES as u64);
		assert_eq!(OutboundLeaves::<Test>::get(B, 1).to_vec(), first);
		let frontier = OutboundFrontiers::<Test>::get(B).unwrap();
		assert_eq!((frontier.block, frontier.tree.leaves), (1, MAX_SEND_LEAVES));
		next_block();
		let root = keccak_merkle_root(&first).unwrap();
		assert_eq!(OutboundRoots::<Test>::get(B, 1), Some(root));
		System::assert_has_event(
			Event::OutboundCommitted { destination: B, block: 1, root, leaves: MAX_SEND_LEAVES }
				.into(),
		);
		assert_eq!(OutboundRoots::<Test>::get(C, 1), keccak_merkle_root(&leaves_of(C, 1..=1)));
		for nonce in 1..=MAX_SEND_LEAVES as u64 {
			let (_, proof) = Messages::message_proof(HUB_CHAIN_ID, B, nonce).unwrap();
			assert_eq!((proof.block, proof.root), (1, root));
			assert!(verify_keccak_proof(&root, proof.leaf, &proof.proof));
		}

		// Block 2 starts a tree of its own: block 1's frontier neither counts nor roots it.
		assert_eq!(Messages::leaves_this_block(B), 0);
		assert_ok!(send(B, 7));
		let second = leaves_of(B, 4..=4);
		assert_eq!(OutboundFrontiers::<Test>::get(B).unwrap().tree.leaves, 1);
		next_block();
		assert_eq!(OutboundRoots::<Test>::get(B, 2), keccak_merkle_root(&second));
		assert_eq!(OutboundRoots::<Test>::get(B, 1), Some(root));
		assert!(OutboundRoots::<Test>::get(C, 2).is_none());
	});
}

#[test]
fn a_frontier_left_from_an_earlier_block_counts_as_empty() {
	build_and_execute(|| {
		for payload in 0..MAX_SEND_LEAVES as u8 {
			assert_ok!(send(B, payload));
		}
		assert_noop!(send(B, 9), Error::<Test>::BlockCapacityReached);
		// The block ends without its hook, leaving block 1's frontier full: block 2's
		// commitment for B still starts empty, and is a tree of its own.
		System::set_block_number(2);
		assert_eq!(Messages::leaves_this_block(B), 0);
		assert_ok!(send(B, 10));
		assert_eq!(BlockDestinations::<Test>::get(2).to_vec(), vec![B]);
		let frontier = OutboundFrontiers::<Test>::get(B).unwrap();
		assert_eq!((frontier.block, frontier.tree.leaves), (2, 1));
		next_block();
		assert_eq!(OutboundRoots::<Test>::get(B, 2), keccak_merkle_root(&leaves_of(B, 4..=4)));
	});
}

mod checked_before_inclusion {
	use super::*;
	use crate::{CapacityShare, CheckOutboundCapacity, LeafNeed};
	use polkadot_sdk::{
		frame_support::dispatch::DispatchInfo,
		sp_runtime::{
			traits::DispatchTransaction,
			transaction_validity::{
				InvalidTransaction, TransactionSource, TransactionValidityError,
			},
			BoundedVec,
		},
	};

	type Extension = CheckOutboundCapacity<Test, MessagesNeeds>;

	fn send_data_call(destination: u32) -> RuntimeCall {
		RuntimeCall::Messages(crate::Call::send_data {
			destination,
			payload: BoundedVec::truncate_from(vec![1]),
			timeout: Timeout { height: 0, timestamp: 1_050_000 },
			fee: 0,
		})
	}

	fn deliver_call(source: u32, messages: Vec<MessageOf<Test>>) -> RuntimeCall {
		let leaves: Vec<H256> = messages.iter().map(|message| message.leaf_hash()).collect();
		let proofs = commit_leaves(source, 10, &leaves);
		RuntimeCall::Messages(crate::Call::deliver_messages {
			source,
			height: 10,
			messages: BoundedVec::truncate_from(messages.into_iter().zip(proofs).collect()),
		})
	}

	fn check(call: &RuntimeCall) -> Result<(), TransactionValidityError> {
		Extension::new()
			.validate_only(
				RuntimeOrigin::signed(SENDER),
				call,
				&DispatchInfo::default(),
				0,
				TransactionSource::InBlock,
				0,
			)
			.map(|_| ())
	}

	const EXHAUSTED: TransactionValidityError =
		TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources);

	#[test]
	fn a_send_that_would_not_fit_this_block_waits_and_fits_the_next() {
		build_and_execute(|| {
			for payload in 0..MAX_SEND_LEAVES as u8 {
				assert_eq!(check(&send_data_call(B)), Ok(()));
				assert_ok!(send(B, payload));
			}
			// B's share is full: the block builder leaves the send in the pool, unapplied and
			// unpaid; C still has room.
			assert_eq!(check(&send_data_call(B)), Err(EXHAUSTED));
			assert_eq!(check(&send_data_call(C)), Ok(()));
			// Applied in a block, it is refused before dispatch: nothing is queued.
			let prepared = Extension::new().validate_and_prepare(
				RuntimeOrigin::signed(SENDER),
				&send_data_call(B),
				&DispatchInfo::default(),
				0,
				0,
			);
			assert_eq!(prepared.map(|_| ()), Err(EXHAUSTED));
			assert_eq!(Messages::leaves_this_block(B), MAX_SEND_LEAVES);
			assert_eq!(crate::PendingSends::<Test>::get(B), MAX_SEND_LEAVES);
			next_block();
			assert_eq!(check(&send_data_call(B)), Ok(()));
		});
	}

	#[test]
	fn a_send_a_full_queue_cannot_take_is_refused_before_inclusion_too() {
		build_and_execute(|| {
			for payload in 0..MAX_SEND_LEAVES as u8 {
				assert_ok!(send(B, payload));
			}
			next_block();
			for payload in MAX_SEND_LEAVES as u8..MAX_PENDING_SENDS as u8 {
				assert_ok!(send(B, payload));
			}
			// This block's commitment has room for B, its queue's senders' share does not: the
			// pool refuses the send unpaid instead of including it to fail with `QueueFull`.
			assert!(Messages::leaves_this_block(B) < MAX_SEND_LEAVES);
			assert_eq!(crate::PendingSends::<Test>::get(B), MAX_PENDING_SENDS);
			assert_eq!(
				check(&send_data_call(B)),
				Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(
					crate::QUEUE_FULL
				)))
			);
			assert_noop!(send(B, 99), Error::<Test>::QueueFull);
			// A delivery whose receipts go back to B queues nothing there: it has room.
			let receipts = deliver_call(B, vec![message(B, HUB_CHAIN_ID, 1, TEST_APP)]);
			assert_eq!(check(&receipts), Ok(()));
		});
	}

	#[test]
	fn a_delivery_needs_room_for_each_receipt_and_route_and_for_the_destinations_it_opens() {
		build_and_execute(|| {
			// Three receipts back to A, one route to B, one to C.
			let batch = vec![
				message(A, HUB_CHAIN_ID, 1, TEST_APP),
				message(A, B, 2, TEST_APP),
				message(A, HUB_CHAIN_ID, 3, TEST_APP),
				message(A, C, 4, TEST_APP),
			];
			let call = deliver_call(A, batch);
			let RuntimeCall::Messages(inner) = &call else { unreachable!() };
			assert_eq!(
				Messages::leaf_needs(inner),
				vec![
					LeafNeed {
						destination: A,
						leaves: 2,
						pending: 0,
						share: CapacityShare::PeerTraffic
					},
					LeafNeed {
						destination: B,
						leaves: 1,
						pending: 0,
						share: CapacityShare::PeerTraffic
					},
					LeafNeed {
						destination: C,
						leaves: 1,
						pending: 0,
						share: CapacityShare::PeerTraffic
					},
				]
			);
			assert_eq!(check(&call), Ok(()));
			// Two receipts' room left for A in this block: three do not fit.
			for payload in 0..MAX_SEND_LEAVES as u8 - 1 {
				assert_ok!(send(A, payload));
			}
			assert_eq!(Messages::leaves_this_block(A), MAX_LEAVES - 2);
			assert_eq!(check(&call), Ok(()));
			let three_receipts = deliver_call(
				A,
				(1..=3).map(|nonce| message(A, HUB_CHAIN_ID, nonce, TEST_APP)).collect(),
			);
			assert_eq!(check(&three_receipts), Err(EXHAUSTED));
			// A is open; B and C would be the block's third and fourth destinations, one more
			// than it takes.
			MockRegistry::set_status(D, fusion_hub_primitives::ChainStatus::Active);
			assert_ok!(send(D, 1));
			assert_eq!(BlockDestinations::<Test>::get(1).len() as u32, 2);
			assert_eq!(check(&call), Err(EXHAUSTED));
			next_block();
			assert_eq!(check(&call), Ok(()));
			assert_eq!(check(&three_receipts), Ok(()));
		});
	}
}
