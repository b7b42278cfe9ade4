//! The pallet's logic: delivery, completion, sending, commitments, and the data-record
//! application.

use crate::{
	pallet::*, MessageOf, PendingMessage, ReceiptRecord, WeightInfo, OUTBOUND_ROOTS_DIGEST_PREFIX,
};
use alloc::vec::Vec;
use codec::Encode;
use core::marker::PhantomData;
use fusion_hub_primitives::{
	merkle::{keccak_merkle_proof, keccak_merkle_root, keccak_standard_leaf},
	message::{
		account_to_bytes32, bytes32_to_account, proof_commits_to, AppId, Message, Timeout,
		HUB_CHAIN_ID,
	},
	runtime_api::{MessageView, OutboundProof},
	ChainId, ChainRegistry, InclusionError, InclusionProof, MessageHandler, Receipt,
	ReceiptOutcome, SendMessage, VerifyInclusion,
};
use polkadot_sdk::{
	frame_support::{
		ensure,
		storage::{with_transaction, TransactionOutcome},
		traits::{
			fungible::Mutate,
			tokens::Preservation,
			Get, UnixTime,
		},
		weights::Weight,
		BoundedVec,
	},
	frame_system,
	sp_core::H256,
	sp_runtime::{
		traits::{AccountIdConversion, UniqueSaturatedInto},
		DigestItem, DispatchError, DispatchResult,
	},
};

impl<T: Config> Error<T> {
	fn from_inclusion(error: InclusionError) -> Self {
		match error {
			InclusionError::UnknownChain => Error::UnknownChain,
			InclusionError::ChainNotActive => Error::ChainNotActive,
			InclusionError::UnknownHeader => Error::UnknownHeader,
			InclusionError::NoMessageRoot => Error::NoMessageRoot,
			InclusionError::NotIncluded => Error::NotIncluded,
			InclusionError::IncompleteStorageProof => Error::IncompleteStorageProof,
			InclusionError::StorageValueMismatch => Error::StorageValueMismatch,
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The account that holds fees.
	pub fn fee_account() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Gives the fee account the existential deposit, so that fees below it can be held and
	/// paid out without the account ever being reaped.
	pub(crate) fn endow_fee_account() {
		fusion_hub_primitives::endow_to_minimum::<_, T::Currency>(&Self::fee_account());
	}

	pub(crate) fn block_number_u32(number: frame_system::pallet_prelude::BlockNumberFor<T>) -> u32 {
		number.unique_saturated_into()
	}

	pub(crate) fn now_block() -> u32 {
		Self::block_number_u32(frame_system::Pallet::<T>::block_number())
	}

	pub(crate) fn now_ms() -> u64 {
		T::Time::now().as_millis().unique_saturated_into()
	}

	/// An account as the 32 bytes receipts and senders carry.
	pub fn account_to_h256(who: &T::AccountId) -> H256 {
		account_to_bytes32(who)
	}

	/// The account whose 32 bytes these are, if they decode as one.
	pub fn h256_to_account(bytes: &H256) -> Option<T::AccountId> {
		bytes32_to_account(bytes)
	}

	pub(crate) fn deliver_one(
		relayer: &T::AccountId,
		source: ChainId,
		height: u32,
		message: &MessageOf<T>,
		proof: &InclusionProof,
	) -> DispatchResult {
		ensure!(message.source == source, Error::<T>::WrongChain);
		let encoded = message.abi_encode();
		let leaf = keccak_standard_leaf(&encoded);
		ensure!(proof_commits_to(proof, &leaf, &encoded), Error::<T>::ProofNotForMessage);
		T::Verifier::verify_inclusion(source, height, proof).map_err(Error::<T>::from_inclusion)?;

		let destination = message.destination;
		let last = InboundNonces::<T>::get(source, destination);
		ensure!(message.nonce > last, Error::<T>::NonceReplayed);
		ensure!(message.nonce == last.saturating_add(1), Error::<T>::NonceGap);
		InboundNonces::<T>::insert(source, destination, message.nonce);

		let (outcome, error) = if message.timeout.has_passed(Self::now_block(), Self::now_ms()) {
			(ReceiptOutcome::Expired, None)
		} else if destination == HUB_CHAIN_ID {
			Self::run_application(|| T::Applications::on_receive(message))
		} else if destination == source || !T::Registry::is_active(destination) {
			(ReceiptOutcome::Failed, Some(Error::<T>::DestinationNotActive.into()))
		} else {
			// The route's accounting and its place in the destination's queue stand or fall
			// together: a full queue refuses the route, it does not stall the channel.
			let route = || {
				T::Applications::on_route(message)?;
				Self::queue_pending(message.clone(), leaf, None)
			};
			match Self::run_application(route) {
				(ReceiptOutcome::Delivered, _) => {
					Self::deposit_event(Event::MessageRouted {
						source,
						destination,
						nonce: message.nonce,
					});
					return Ok(());
				}
				refused => refused,
			}
		};

		Self::issue_receipt(Receipt {
			source,
			destination,
			nonce: message.nonce,
			message_leaf: leaf,
			outcome,
			relayer: Self::account_to_h256(relayer),
		})?;
		Self::deposit_event(Event::MessageDelivered {
			source,
			destination,
			nonce: message.nonce,
			outcome,
			error,
			relayer: relayer.clone(),
		});
		Ok(())
	}

	/// Runs an application callback in its own storage transaction: an error leaves no trace.
	fn run_application(
		callback: impl FnOnce() -> DispatchResult,
	) -> (ReceiptOutcome, Option<DispatchError>) {
		let result = with_transaction(|| {
			let result = callback();
			if result.is_ok() {
				TransactionOutcome::Commit(Ok(result))
			} else {
				TransactionOutcome::Rollback(Ok(result))
			}
		})
		.unwrap_or_else(Err);
		match result {
			Ok(()) => (ReceiptOutcome::Delivered, None),
			Err(error) => (ReceiptOutcome::Failed, Some(error)),
		}
	}

	pub(crate) fn acknowledge_one(
		destination: ChainId,
		height: u32,
		receipt: &Receipt,
		proof: &InclusionProof,
	) -> DispatchResult {
		ensure!(receipt.destination == destination, Error::<T>::WrongChain);
		let encoded = receipt.abi_encode();
		let leaf = keccak_standard_leaf(&encoded);
		ensure!(proof_commits_to(proof, &leaf, &encoded), Error::<T>::ProofNotForMessage);
		T::Verifier::verify_inclusion(destination, height, proof)
			.map_err(Error::<T>::from_inclusion)?;
		let key = (receipt.source, destination, receipt.nonce);
		let pending = PendingMessages::<T>::get(key).ok_or(Error::<T>::UnknownMessage)?;
		ensure!(pending.message.leaf_hash() == receipt.message_leaf, Error::<T>::ReceiptMismatch);
		PendingMessages::<T>::remove(key);
		Self::complete(pending, receipt.message_leaf, receipt.outcome, receipt.relayer)?;
		Self::deposit_event(Event::MessageAcknowledged {
			source: receipt.source,
			destination,
			nonce: receipt.nonce,
			outcome: receipt.outcome,
		});
		Ok(())
	}

	/// Completes a pending message (already taken out of `PendingMessages`; `message_leaf` is its
	/// leaf) with `outcome`: the application's `on_outcome` once, the fee to the relayer or back
	/// to the payer, and for a routed message the receipt forwarded to its source.
	pub(crate) fn complete(
		pending: PendingMessage<T::AccountId, T::MaxPayload>,
		message_leaf: H256,
		outcome: ReceiptOutcome,
		relayer: H256,
	) -> DispatchResult {
		let message = &pending.message;
		PendingCount::<T>::mutate(message.destination, |count| *count = count.saturating_sub(1));
		T::Applications::on_outcome(message, outcome == ReceiptOutcome::Delivered)?;
		match pending.payer {
			Some(payer) if message.fee > 0 => {
				match Self::h256_to_account(&relayer).filter(|_| outcome.earns_fee()) {
					Some(relayer) => {
						RelayerRewards::<T>::mutate(&relayer, |reward| {
							*reward = reward.saturating_add(message.fee)
						});
						Self::deposit_event(Event::RelayerRewarded { relayer, amount: message.fee });
					}
					None => Self::pay_from_fee_account(&payer, message.fee)?,
				}
			}
			Some(_) => {}
			None => Self::issue_receipt(Receipt {
				source: message.source,
				destination: message.destination,
				nonce: message.nonce,
				message_leaf,
				outcome,
				relayer,
			})?,
		}
		Ok(())
	}

	pub(crate) fn pay_from_fee_account(to: &T::AccountId, amount: u128) -> DispatchResult {
		T::Currency::transfer(&Self::fee_account(), to, amount, Preservation::Preserve)?;
		Ok(())
	}

	/// Records a receipt and queues its leaf for the message's source.
	fn issue_receipt(receipt: Receipt) -> DispatchResult {
		let block = Self::queue_leaf(receipt.source, receipt.leaf_hash())?;
		let channel = (receipt.source, receipt.destination);
		Receipts::<T>::insert((channel.0, channel.1, receipt.nonce), ReceiptRecord { receipt, block });
		let keep = u64::from(T::ReceiptsToKeep::get());
		if receipt.nonce > keep {
			Receipts::<T>::remove((channel.0, channel.1, receipt.nonce - keep));
		}
		Ok(())
	}

	/// Queues a message (whose leaf is `leaf`) for its destination and records it as pending.
	fn queue_pending(
		message: MessageOf<T>,
		leaf: H256,
		payer: Option<T::AccountId>,
	) -> DispatchResult {
		let destination = message.destination;
		let pending = PendingCount::<T>::get(destination);
		ensure!(pending < T::MaxPendingPerDestination::get(), Error::<T>::QueueFull);
		let block = Self::queue_leaf(destination, leaf)?;
		PendingCount::<T>::insert(destination, pending.saturating_add(1));
		PendingMessages::<T>::insert(
			(message.source, destination, message.nonce),
			PendingMessage { message, block, payer },
		);
		Ok(())
	}

	/// Adds a leaf to this block's commitment for `destination`; returns the block.
	fn queue_leaf(destination: ChainId, leaf: H256) -> Result<u32, DispatchError> {
		let block = Self::now_block();
		OutboundLeaves::<T>::try_mutate(destination, block, |leaves| -> DispatchResult {
			if leaves.is_empty() {
				BlockDestinations::<T>::try_mutate(block, |destinations| {
					destinations.try_push(destination)
				})
				.map_err(|_| Error::<T>::BlockCapacityReached)?;
			}
			leaves.try_push(leaf).map_err(|_| Error::<T>::BlockCapacityReached)?;
			Ok(())
		})?;
		Ok(block)
	}

	pub(crate) fn do_send(
		payer: &T::AccountId,
		destination: ChainId,
		app_id: AppId,
		sender: H256,
		payload: BoundedVec<u8, T::MaxPayload>,
		timeout: Timeout,
		fee: u128,
	) -> Result<MessageOf<T>, DispatchError> {
		ensure!(destination != HUB_CHAIN_ID, Error::<T>::InvalidDestination);
		ensure!(T::Registry::is_active(destination), Error::<T>::DestinationNotActive);
		// A hub block timeout within the commitment window: the message stays provable for as
		// long as it can be delivered, and cannot hold its sender's funds for longer.
		let now = Self::now_block();
		ensure!(
			timeout.hub_block > now &&
				timeout.hub_block < now.saturating_add(T::CommitmentsToKeep::get()) &&
				!timeout.has_passed(now, Self::now_ms()),
			Error::<T>::InvalidTimeout
		);
		let nonce =
			OutboundNonces::<T>::get(destination).checked_add(1).ok_or(Error::<T>::NonceOverflow)?;
		if fee > 0 {
			T::Currency::transfer(payer, &Self::fee_account(), fee, Preservation::Preserve)?;
		}
		let message = Message {
			source: HUB_CHAIN_ID,
			destination,
			nonce,
			sender,
			app_id,
			payload,
			timeout,
			fee,
		};
		let leaf = message.leaf_hash();
		Self::queue_pending(message.clone(), leaf, Some(payer.clone()))?;
		OutboundNonces::<T>::insert(destination, nonce);
		Self::deposit_event(Event::MessageSent { destination, nonce, app_id, leaf, fee });
		Ok(message)
	}

	/// Commits this block's leaves: one root per destination, in storage and in the digest.
	pub(crate) fn commit_block(block: u32) {
		let destinations = BlockDestinations::<T>::get(block);
		if destinations.is_empty() {
			return;
		}
		let mut roots: Vec<(ChainId, H256)> = Vec::with_capacity(destinations.len());
		for destination in destinations {
			let leaves = OutboundLeaves::<T>::get(destination, block);
			if let Some(root) = keccak_merkle_root(&leaves) {
				OutboundRoots::<T>::insert(destination, block, root);
				roots.push((destination, root));
				Self::deposit_event(Event::OutboundCommitted {
					destination,
					block,
					root,
					leaves: leaves.len() as u32,
				});
			}
		}
		let mut digest = OUTBOUND_ROOTS_DIGEST_PREFIX.to_vec();
		roots.encode_to(&mut digest);
		frame_system::Pallet::<T>::deposit_log(DigestItem::Other(digest));
	}

	/// Removes the commitments that have aged out at block `now`; returns how many
	/// destinations they covered.
	pub(crate) fn prune_commitments(now: u32) -> u32 {
		let Some(old) = now.checked_sub(T::CommitmentsToKeep::get()) else { return 0 };
		let destinations = BlockDestinations::<T>::take(old);
		for destination in destinations.iter() {
			OutboundLeaves::<T>::remove(destination, old);
			OutboundRoots::<T>::remove(destination, old);
		}
		destinations.len() as u32
	}

	/// The proof of `leaf` in the commitment for `destination` in `block`.
	fn outbound_proof(destination: ChainId, block: u32, leaf: H256) -> Option<OutboundProof> {
		let leaves = OutboundLeaves::<T>::get(destination, block);
		let index = leaves.iter().position(|candidate| *candidate == leaf)?;
		let root = OutboundRoots::<T>::get(destination, block)
			.or_else(|| keccak_merkle_root(&leaves))?;
		let proof = keccak_merkle_proof(&leaves, index)?;
		Some(OutboundProof { block, root, leaf, proof })
	}

	/// The runtime API's `message_proof`.
	pub fn message_proof(
		source: ChainId,
		destination: ChainId,
		nonce: u64,
	) -> Option<(MessageView, OutboundProof)> {
		let pending = PendingMessages::<T>::get((source, destination, nonce))?;
		let proof =
			Self::outbound_proof(destination, pending.block, pending.message.leaf_hash())?;
		Some((MessageView::from(&pending.message), proof))
	}

	/// The runtime API's `receipt_proof`.
	pub fn receipt_proof(
		source: ChainId,
		destination: ChainId,
		nonce: u64,
	) -> Option<(Receipt, OutboundProof)> {
		let record = Receipts::<T>::get((source, destination, nonce))?;
		let proof = Self::outbound_proof(source, record.block, record.receipt.leaf_hash())?;
		Some((record.receipt, proof))
	}

	pub(crate) fn deliver_weight(messages: &[(MessageOf<T>, InclusionProof)]) -> Weight {
		messages.iter().fold(T::WeightInfo::deliver_messages(messages.len() as u32), |total, (message, proof)| {
			total
				.saturating_add(T::Verifier::inclusion_weight(proof))
				.saturating_add(T::Applications::weight(message))
				.saturating_add(T::WeightInfo::commit_leaves(1))
		})
	}

	pub(crate) fn acknowledge_weight(receipts: &[(Receipt, InclusionProof)]) -> Weight {
		receipts.iter().fold(T::WeightInfo::acknowledge(receipts.len() as u32), |total, (_, proof)| {
			total
				.saturating_add(T::Verifier::inclusion_weight(proof))
				.saturating_add(T::Applications::outcome_weight())
				.saturating_add(T::WeightInfo::commit_leaves(1))
		})
	}

	/// Registers `chain` as an active committee chain and endows the fee account: the setup of
	/// benchmarks that send to or receive from it.
	#[cfg(feature = "runtime-benchmarks")]
	pub fn open_chain_for_benchmarks(chain: ChainId) -> DispatchResult {
		use fusion_hub_primitives::{
			ChainKind, CommitteeConfig, CommitteeKey, VerifierConfig,
		};
		Self::endow_fee_account();
		if T::Registry::is_active(chain) {
			return Ok(());
		}
		let committee = CommitteeConfig {
			members: BoundedVec::truncate_from(alloc::vec![CommitteeKey::Ed25519(
				polkadot_sdk::sp_core::ed25519::Public::from_raw([7u8; 32])
			)]),
			threshold: 1,
			set_id: 0,
		};
		T::Registry::register_active_for_benchmarks(
			chain,
			ChainKind::EvmChain { chain_id: u64::from(chain) },
			VerifierConfig::Committee(committee),
		)
	}

	/// Sending a message of `payload_len` bytes, its commitment included.
	pub fn send_weight_of(payload_len: u32) -> Weight {
		T::WeightInfo::send_data(payload_len).saturating_add(T::WeightInfo::commit_leaves(1))
	}

	pub(crate) fn timeout_weight() -> Weight {
		T::WeightInfo::timeout_message()
			.saturating_add(T::Applications::outcome_weight())
			.saturating_add(T::WeightInfo::commit_leaves(1))
	}

	/// Checks the books: pending counts match the pending messages, and the fee account holds
	/// at least the existential deposit plus every held fee and unclaimed reward.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use polkadot_sdk::frame_support::traits::fungible::Inspect;
		let mut counts = alloc::collections::BTreeMap::<ChainId, u32>::new();
		let mut held: u128 = 0;
		for ((_, destination, _), pending) in PendingMessages::<T>::iter() {
			*counts.entry(destination).or_default() += 1;
			if pending.payer.is_some() {
				held = held.saturating_add(pending.message.fee);
			}
		}
		for (destination, count) in PendingCount::<T>::iter() {
			ensure!(
				counts.remove(&destination).unwrap_or(0) == count,
				"PendingCount differs from the pending messages"
			);
		}
		ensure!(counts.is_empty(), "pending messages without a PendingCount");
		let rewards: u128 =
			RelayerRewards::<T>::iter_values().fold(0, |sum, reward| sum.saturating_add(reward));
		let owed = held.saturating_add(rewards);
		ensure!(
			T::Currency::balance(&Self::fee_account()) >= owed,
			"the fee account holds less than the fees and rewards it owes"
		);
		Ok(())
	}
}

impl<T: Config> SendMessage<T::AccountId, T::MaxPayload> for Pallet<T> {
	fn send(
		payer: &T::AccountId,
		destination: ChainId,
		app_id: AppId,
		sender: H256,
		payload: Vec<u8>,
		timeout: Timeout,
		fee: u128,
	) -> Result<MessageOf<T>, DispatchError> {
		let payload = BoundedVec::try_from(payload).map_err(|_| Error::<T>::PayloadTooLarge)?;
		Self::do_send(payer, destination, app_id, sender, payload, timeout, fee)
	}

	fn send_weight() -> Weight {
		T::WeightInfo::commit_leaves(1)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn open_destination_for_benchmarks(destination: ChainId) -> DispatchResult {
		Self::open_chain_for_benchmarks(destination)
	}
}

/// The data-record application: a message's payload becomes the latest record of its
/// (source, sender), with an event. Records sent from the hub need nothing undone.
pub struct DataRecordApp<T>(PhantomData<T>);

impl<T: Config> MessageHandler<T::MaxPayload> for DataRecordApp<T> {
	fn on_receive(message: &MessageOf<T>) -> DispatchResult {
		ensure!(!message.payload.is_empty(), Error::<T>::EmptyRecord);
		Records::<T>::insert(message.source, message.sender, message.payload.clone());
		Pallet::<T>::deposit_event(Event::RecordStored {
			source: message.source,
			sender: message.sender,
			length: message.payload.len() as u32,
		});
		Ok(())
	}

	fn on_route(_: &MessageOf<T>) -> DispatchResult {
		Ok(())
	}

	fn on_outcome(_: &MessageOf<T>, _: bool) -> DispatchResult {
		Ok(())
	}

	fn weight(message: &MessageOf<T>) -> Weight {
		T::WeightInfo::store_record(message.payload.len() as u32)
	}

	fn outcome_weight() -> Weight {
		Weight::zero()
	}
}
