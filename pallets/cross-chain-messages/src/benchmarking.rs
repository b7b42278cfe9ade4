//! Benchmarks of every call and of the block-end commitment, with worst-case inputs: payloads
//! of `MaxPayload` bytes, fees paid and refunded, full batches.

use crate::*;
use alloc::{vec, vec::Vec};
use fusion_hub_primitives::{
	channel::channel_state_leaf,
	merkle::{keccak_merkle_proof, keccak_merkle_root, KeccakFrontier},
	message::{Timeout, DATA_RECORD_APP, HUB_CHAIN_ID},
	ChainId, ChainRegistry, ChannelStateProof, InclusionProof, MessageHandler, NonReceiptProof,
	Receipt, ReceiptOutcome, VerifiedHeader, VerifyInclusion,
};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		assert_ok,
		traits::{
			fungible::{Inspect, Mutate},
			EnsureOrigin, Get,
		},
		BoundedVec,
	},
	frame_system::RawOrigin,
	sp_core::H256,
};

const PEER: ChainId = 1_000;
const FEE: u128 = 1_000_000_000;
/// What a benchmark's payer starts with: fees and deposits of a full batch of sends.
const FUNDS: u128 = FEE * 1_000_000;

/// A data record of `MaxPayload` bytes from [`PEER`] to the hub.
fn inbound<T: Config>(nonce: u64) -> MessageOf<T> {
	Message {
		source: PEER,
		destination: HUB_CHAIN_ID,
		nonce,
		sender: H256::repeat_byte(9),
		app_id: DATA_RECORD_APP,
		payload: BoundedVec::truncate_from(vec![1u8; T::MaxPayload::get() as usize]),
		timeout: Timeout { height: u32::MAX, timestamp: 0 },
		fee: 0,
	}
}

/// The timeout of the benchmarks' hub messages: the earliest the pallet accepts.
fn send_timeout<T: Config>() -> Timeout {
	Timeout { height: 0, timestamp: Pallet::<T>::now_ms() + 1 }
}

/// Records a verified header of [`PEER`] at `height` and `timestamp` committing to `leaves`.
fn insert_header<T: Config>(height: u32, timestamp: u64, leaves: &[H256]) {
	T::Verifier::insert_header_for_benchmarks(
		PEER,
		VerifiedHeader {
			number: height,
			hash: H256::repeat_byte(1),
			state_root: H256::repeat_byte(2),
			message_root: keccak_merkle_root(leaves),
			timestamp: Some(timestamp),
			set_id: 0,
		},
	);
}

/// Records a verified header of [`PEER`] at `height` committing to `leaves`; returns each
/// leaf's proof.
fn commit<T: Config>(height: u32, leaves: &[H256]) -> Vec<InclusionProof> {
	insert_header::<T>(height, 0, leaves);
	(0..leaves.len())
		.map(|index| InclusionProof::KeccakMerkle {
			leaf: leaves[index],
			proof: BoundedVec::truncate_from(keccak_merkle_proof(leaves, index).unwrap()),
		})
		.collect()
}

/// `count` funded accounts that each send a data record of `MaxPayload` bytes to [`PEER`],
/// with a fee (one payer each: completing them releases `count` different holds); returns the
/// first payer.
fn send_records<T: Config>(count: u32) -> (T::AccountId, Vec<MessageOf<T>>) {
	let payers: Vec<T::AccountId> = (0..count.max(1))
		.map(|index| {
			let payer: T::AccountId = account("payer", index, 0);
			T::Currency::set_balance(&payer, FUNDS);
			payer
		})
		.collect();
	let messages = payers
		.iter()
		.take(count as usize)
		.map(|payer| {
			Pallet::<T>::do_send(
				payer,
				PEER,
				DATA_RECORD_APP,
				H256::repeat_byte(3),
				BoundedVec::truncate_from(vec![2u8; T::MaxPayload::get() as usize]),
				send_timeout::<T>(),
				FEE,
			)
			.expect("sent")
		})
		.collect();
	(payers[0].clone(), messages)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	// A leaf is appended to this block's `OutboundLeaves` without reading them: the only read is
	// of the block's fresh key, so its PoV is measured, not the bound of 4,096 leaves.
	#[benchmark(pov_mode = MaxEncodedLen { CrossChainMessages::OutboundLeaves: Measured })]
	fn deliver_messages(n: Linear<1, { T::MaxMessagesPerCall::get() }>) {
		assert_ok!(Pallet::<T>::open_chain_for_benchmarks(PEER));
		let messages: Vec<MessageOf<T>> = (1..=u64::from(n)).map(inbound::<T>).collect();
		let leaves: Vec<H256> = messages.iter().map(|message| message.leaf_hash()).collect();
		let proofs = commit::<T>(10, &leaves);
		let batch = BoundedVec::truncate_from(messages.into_iter().zip(proofs).collect::<Vec<_>>());
		let relayer: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(relayer), PEER, 10, batch);

		assert_eq!(InboundNonces::<T>::get(PEER, HUB_CHAIN_ID), u64::from(n));
	}

	#[benchmark]
	fn acknowledge(n: Linear<1, { T::MaxMessagesPerCall::get() }>) {
		assert_ok!(Pallet::<T>::open_chain_for_benchmarks(PEER));
		let (_, messages) = send_records::<T>(n);
		let relayer: T::AccountId = whitelisted_caller();
		let receipts: Vec<Receipt> = messages
			.iter()
			.map(|message| Receipt {
				source: HUB_CHAIN_ID,
				destination: PEER,
				nonce: message.nonce,
				message_leaf: message.leaf_hash(),
				outcome: ReceiptOutcome::Delivered,
				relayer: Pallet::<T>::account_to_h256(&relayer),
			})
			.collect();
		let leaves: Vec<H256> = receipts.iter().map(Receipt::leaf_hash).collect();
		let proofs = commit::<T>(11, &leaves);
		let batch = BoundedVec::truncate_from(receipts.into_iter().zip(proofs).collect::<Vec<_>>());

		#[extrinsic_call]
		_(RawOrigin::Signed(relayer.clone()), PEER, 11, batch);

		assert_eq!(PendingCount::<T>::get(PEER), 0);
		assert_eq!(RelayerRewards::<T>::get(&relayer), FEE * u128::from(n));
	}

	#[benchmark]
	fn timeout_message() {
		assert_ok!(Pallet::<T>::open_chain_for_benchmarks(PEER));
		let (payer, messages) = send_records::<T>(1);
		// The peer's header past the timeout, whose message tree is the one channel-state leaf
		// (delivered: 0): the cheapest proof; its own weight is added by the verifier's.
		let past = messages[0].timeout.timestamp + 1;
		insert_header::<T>(12, past, &[channel_state_leaf(HUB_CHAIN_ID, PEER, 0)]);
		let proof = NonReceiptProof {
			height: 12,
			channel_state: ChannelStateProof::CommitteeLeaf {
				delivered: 0,
				proof: BoundedVec::new(),
			},
		};
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), HUB_CHAIN_ID, PEER, 1, Some(proof));

		assert_eq!(T::Currency::balance(&payer), FUNDS);
	}

	#[benchmark]
	fn force_complete_message() -> Result<(), BenchmarkError> {
		assert_ok!(Pallet::<T>::open_chain_for_benchmarks(PEER));
		let (payer, _) = send_records::<T>(1);
		assert_ok!(T::Registry::freeze(PEER));
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, HUB_CHAIN_ID, PEER, 1, ReceiptOutcome::Failed);

		assert_eq!(T::Currency::balance(&payer), FUNDS);
		Ok(())
	}

	#[benchmark]
	fn claim_rewards() {
		assert_ok!(Pallet::<T>::open_chain_for_benchmarks(PEER));
		let relayer: T::AccountId = whitelisted_caller();
		T::Currency::mint_into(&Pallet::<T>::fee_account(), FEE).expect("minted");
		RelayerRewards::<T>::insert(&relayer, FEE);

		#[extrinsic_call]
		_(RawOrigin::Signed(relayer.clone()));

		assert_eq!(T::Currency::balance(&relayer), FEE);
	}

	// A leaf is appended to this block's `OutboundLeaves` without reading them: the only read is
	// of the block's fresh key, so its PoV is measured, not the bound of 4,096 leaves.
	#[benchmark(pov_mode = MaxEncodedLen { CrossChainMessages::OutboundLeaves: Measured })]
	fn recommit_message() {
		assert_ok!(Pallet::<T>::open_chain_for_benchmarks(PEER));
		send_records::<T>(1);
		// The worst case: a timed-out message (read after the pending one is missed) whose
		// commitment has aged out, the first leaf for its destination in this block.
		let key = (HUB_CHAIN_ID, PEER, 1);
		let record = PendingMessages::<T>::take(key).expect("pending");
		let sent = record.block;
		TimedOutMessages::<T>::insert(key, PendingMessage { deposit: 0, ..record });
		let now = sent + T::CommitmentsToKeep::get();
		polkadot_sdk::frame_system::Pallet::<T>::set_block_number(now.into());
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), HUB_CHAIN_ID, PEER, 1);

		assert_eq!(Recommitments::<T>::get((HUB_CHAIN_ID, PEER, 1)), Some(now));
	}

	// A leaf is appended to this block's `OutboundLeaves` without reading them: the only read is
	// of the block's fresh key, so its PoV is measured, not the bound of 4,096 leaves.
	#[benchmark(pov_mode = MaxEncodedLen { CrossChainMessages::OutboundLeaves: Measured })]
	fn send_data(l: Linear<1, { T::MaxPayload::get() }>) {
		assert_ok!(Pallet::<T>::open_chain_for_benchmarks(PEER));
		let sender: T::AccountId = whitelisted_caller();
		T::Currency::set_balance(&sender, FUNDS);
		let payload = BoundedVec::truncate_from(vec![3u8; l as usize]);
		let timeout = send_timeout::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(sender), PEER, payload, timeout, FEE);

		assert_eq!(OutboundNonces::<T>::get(PEER), 1);
	}

	#[benchmark]
	fn store_record(l: Linear<1, { T::MaxPayload::get() }>) {
		let mut message = inbound::<T>(1);
		message.payload = BoundedVec::truncate_from(vec![4u8; l as usize]);
		// The worst case: a new sender whose slot in the ring drops a full record.
		let evicted = H256::repeat_byte(8);
		let slot = NextRecordSlot::<T>::get(PEER);
		RecordSlots::<T>::insert(PEER, slot, evicted);
		Records::<T>::insert(
			PEER,
			evicted,
			BoundedVec::truncate_from(vec![5u8; T::MaxPayload::get() as usize]),
		);

		#[block]
		{
			assert_ok!(DataRecordApp::<T>::on_receive(&message));
		}

		assert!(Records::<T>::contains_key(PEER, message.sender));
		assert!(!Records::<T>::contains_key(PEER, evicted));
	}

	#[benchmark]
	fn commit_destination() {
		let block = Pallet::<T>::now_block();
		// The most peaks a commitment within the bound can have: the most hashes to fold.
		let max = T::MaxLeavesPerBlock::get();
		let leaves = (1..=max).rev().max_by_key(|count| count.count_ones()).unwrap_or(1);
		let mut tree = KeccakFrontier::default();
		for i in 0..leaves {
			let mut leaf = [1u8; 32];
			leaf[..4].copy_from_slice(&i.to_le_bytes());
			tree.push(H256(leaf)).expect("within the bound");
		}
		OutboundFrontiers::<T>::insert(PEER, BlockFrontier { block, tree });
		BlockDestinations::<T>::insert(block, BoundedVec::truncate_from(vec![PEER]));

		#[block]
		{
			Pallet::<T>::commit_block(block);
		}

		assert!(OutboundRoots::<T>::contains_key(PEER, block));
	}

	#[benchmark]
	fn commit_base() {
		let block = Pallet::<T>::now_block();

		#[block]
		{
			Pallet::<T>::commit_block(block);
		}

		assert!(BlockDestinations::<T>::get(block).is_empty());
	}

	#[benchmark]
	fn prune_commitments(d: Linear<0, { T::MaxDestinationsPerBlock::get() }>) {
		let old = 1u32;
		let now = old + T::CommitmentsToKeep::get();
		let destinations: Vec<ChainId> = (0..d).map(|i| PEER + i).collect();
		for destination in &destinations {
			OutboundLeaves::<T>::insert(
				destination,
				old,
				BoundedVec::truncate_from(vec![H256::repeat_byte(5)]),
			);
			OutboundRoots::<T>::insert(destination, old, H256::repeat_byte(5));
		}
		BlockDestinations::<T>::insert(old, BoundedVec::truncate_from(destinations));

		#[block]
		{
			Pallet::<T>::prune_commitments(now);
		}

		assert!(BlockDestinations::<T>::get(old).is_empty());
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
