//! Outbound: what the hub sends (its own messages, routed messages and receipts), queued per
//! destination within its capacity; each leaf goes into the block's commitment
//! (`commitment.rs`).

use crate::{
	capacity_extension::Full, pallet::*, LeafNeed, MessageOf, PendingMessage, PendingOf,
	ReceiptRecord,
};
use alloc::vec::Vec;
use codec::Encode;
use fusion_hub_primitives::{
	message::{AppId, Message, Timeout, HUB_CHAIN_ID},
	runtime_api::{MessageView, OutboundProof},
	ChainId, ChainRegistry, ChainStatus, Receipt, SendMessage,
};
use polkadot_sdk::{
	frame_support::{
		ensure,
		storage::with_storage_layer,
		traits::{
			fungible::{Mutate, MutateHold},
			tokens::Preservation,
			Get,
		},
		BoundedVec,
	},
	sp_core::H256,
	sp_runtime::{DispatchError, DispatchResult},
};

/// Whose share of a destination's capacity (its queue of pending messages, and each block's
/// commitment) a leaf takes. The hub's own senders may take only part of it; receipts and routed
/// messages, which answer peers, may take all of it, so senders can never starve them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CapacityShare {
	/// A message sent from the hub.
	HubSend,
	/// A receipt, or a message routed from one peer to another.
	PeerTraffic,
}

impl<T: Config> Pallet<T> {
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
		Self::ensure_receipts_provable(destination)?;
		// The timeout counts on the destination's clock. A timestamp is required, because every
		// peer can prove its time at a header (committee headers carry it, Substrate peers prove
		// `pallet-timestamp`), and bounded, so a sender's value waits for a bounded time.
		let now = Self::now_ms();
		ensure!(
			timeout.timestamp > now
				&& timeout.timestamp <= now.saturating_add(T::MaxTimeoutMillis::get()),
			Error::<T>::InvalidTimeout
		);
		let nonce = OutboundNonces::<T>::get(destination)
			.checked_add(1)
			.ok_or(Error::<T>::NonceOverflow)?;
		Self::ensure_capacity(destination, CapacityShare::HubSend, true)?;
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
		let mut pending =
			PendingMessage { message, leaf, block: 0, payer: Some(payer.clone()), deposit: 0 };
		let deposit = Self::deposit_for(&pending);
		pending.deposit = deposit;
		let message = pending.message.clone();
		// One storage layer: a fee the payer cannot pay after its deposit is held (or the
		// reverse) leaves nothing behind, whoever calls (`SendMessage` is not a dispatch).
		with_storage_layer(|| -> DispatchResult {
			T::Currency::hold(&HoldReason::MessageDeposit.into(), payer, deposit)
				.map_err(|_| Error::<T>::DepositUnavailable)?;
			if fee > 0 {
				T::Currency::transfer(payer, &Self::fee_account(), fee, Preservation::Preserve)?;
			}
			Self::queue_pending(pending)?;
			OutboundNonces::<T>::insert(destination, nonce);
			Ok(())
		})?;
		Self::deposit_event(Event::MessageSent { destination, nonce, app_id, leaf, fee, deposit });
		Ok(message)
	}

	/// The deposit a pending message sent from the hub holds: the base, and a price per byte of
	/// the record it keeps (the deposit field is fixed-size, so its value does not change the
	/// size).
	pub fn deposit_for(pending: &PendingMessage<T::AccountId, T::MaxPayload>) -> u128 {
		let bytes = pending.encoded_size() as u128;
		T::MessageDepositBase::get()
			.saturating_add(T::MessageDepositPerByte::get().saturating_mul(bytes))
	}

	/// Fails unless `destination` can take one more leaf this block from `share`, and, when
	/// `pending`, one more pending message: checked before anything is written. The same check
	/// the transaction extension makes before inclusion.
	pub(crate) fn ensure_capacity(
		destination: ChainId,
		share: CapacityShare,
		pending: bool,
	) -> DispatchResult {
		let need = LeafNeed { destination, leaves: 1, pending: u32::from(pending), share };
		Self::room_for(&[need]).map_err(|full| match full {
			Full::Queue => Error::<T>::QueueFull.into(),
			Full::Block => Error::<T>::BlockCapacityReached.into(),
		})
	}

	/// Queues a pending message for its destination and records it: sent from the hub when it
	/// has a payer, routed otherwise. The caller has checked its room (`ensure_capacity`) before
	/// writing anything.
	pub(crate) fn queue_pending(
		mut pending: PendingMessage<T::AccountId, T::MaxPayload>,
	) -> DispatchResult {
		let destination = pending.message.destination;
		pending.block = Self::queue_leaf(destination, pending.leaf)?;
		PendingCount::<T>::mutate(destination, |count| *count = count.saturating_add(1));
		match pending.share() {
			CapacityShare::HubSend => {
				PendingSends::<T>::mutate(destination, |count| *count = count.saturating_add(1))
			},
			CapacityShare::PeerTraffic => {
				RoutedPendingFrom::<T>::mutate(pending.message.source, |count| {
					*count = count.saturating_add(1)
				})
			},
		}
		PendingMessages::<T>::insert(
			(pending.message.source, destination, pending.message.nonce),
			pending,
		);
		Ok(())
	}

	/// Records a receipt and queues its leaf for the message's source.
	pub(crate) fn issue_receipt(receipt: Receipt) -> DispatchResult {
		Self::ensure_capacity(receipt.source, CapacityShare::PeerTraffic, false)?;
		let block = Self::queue_leaf(receipt.source, receipt.leaf_hash())?;
		let channel = (receipt.source, receipt.destination);
		Receipts::<T>::insert(
			(channel.0, channel.1, receipt.nonce),
			ReceiptRecord { receipt, block },
		);
		let keep = u64::from(T::ReceiptsToKeep::get());
		if receipt.nonce > keep {
			Receipts::<T>::remove((channel.0, channel.1, receipt.nonce - keep));
		}
		Ok(())
	}

	/// Commits the pending or timed-out message (`source`, `destination`, `nonce`) again in this
	/// block, if the commitment that held it has aged out and its destination can still take
	/// it (`Active` or `Suspended`). Anyone may ask, so it takes the hub senders' smaller share
	/// of the block: it can never crowd out receipts and routes.
	pub(crate) fn recommit(source: ChainId, destination: ChainId, nonce: u64) -> DispatchResult {
		let key = (source, destination, nonce);
		let (record, committed) = Self::untaken(key).ok_or(Error::<T>::UnknownMessage)?;
		ensure!(
			committed.saturating_add(T::CommitmentsToKeep::get()) <= Self::now_block(),
			Error::<T>::CommitmentStillKept
		);
		ensure!(
			matches!(
				T::Registry::status(destination),
				Some(ChainStatus::Active | ChainStatus::Suspended)
			),
			Error::<T>::DestinationNotActive
		);
		Self::ensure_capacity(destination, CapacityShare::HubSend, false)?;
		let block = Self::queue_leaf(destination, record.leaf)?;
		Recommitments::<T>::insert(key, block);
		Self::deposit_event(Event::MessageRecommitted { source, destination, nonce, block });
		Ok(())
	}

	/// A message its destination has yet to take (pending, or timed out) and the block whose
	/// commitment holds it last: the one it was committed again in, or the one it was sent in.
	fn untaken(key: (ChainId, ChainId, u64)) -> Option<(PendingOf<T>, u32)> {
		let record = PendingMessages::<T>::get(key).or_else(|| TimedOutMessages::<T>::get(key))?;
		let committed = Recommitments::<T>::get(key).unwrap_or(record.block);
		Some((record, committed))
	}

	/// The runtime API's `message_proof`: of a pending message, or of one timed out that its
	/// destination has yet to take; `None` once its commitment has aged out
	/// (`recommit_message`).
	pub fn message_proof(
		source: ChainId,
		destination: ChainId,
		nonce: u64,
	) -> Option<(MessageView, OutboundProof)> {
		let (record, committed) = Self::untaken((source, destination, nonce))?;
		let proof = Self::outbound_proof(destination, committed, record.leaf)?;
		Some((MessageView::from(&record.message), proof))
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

	#[cfg(feature = "runtime-benchmarks")]
	fn open_destination_for_benchmarks(destination: ChainId) -> DispatchResult {
		Self::open_chain_for_benchmarks(destination)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn timeout_for_benchmarks() -> Timeout {
		Timeout { height: 0, timestamp: Self::now_ms().saturating_add(1) }
	}
}
