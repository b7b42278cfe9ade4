//! Completion: a message the hub sent or routed ends only on its destination's proven word —
//! its receipt ([`Pallet::acknowledge`]) or its proof of non-receipt past the timeout
//! ([`Pallet::timeout_message`]) — or, for a destination gone for good, by governance's decree
//! ([`Pallet::force_complete_message`]). All three take the pending record through
//! [`Pallet::take_pending`] and settle it through [`Pallet::complete`], exactly once. A message
//! completed by a proof of non-receipt is kept in [`TimedOutMessages`] until its destination
//! takes it (as `Expired`) and its receipt closes the record ([`Pallet::close_timed_out`]).

use crate::{outbound::CapacityShare, pallet::*, PendingMessage, PendingOf};
use fusion_hub_primitives::{
	merkle::keccak_standard_leaf, message::proof_commits_to, ChainId, ChainRegistry,
	InclusionProof, MessageHandler, NonReceiptProof, ProofUse, Receipt, ReceiptOutcome,
	VerifyInclusion,
};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{
			fungible::{Mutate, MutateHold},
			tokens::{Precision, Preservation},
		},
	},
	sp_core::H256,
	sp_runtime::DispatchResult,
};

impl<T: Config> Pallet<T> {
	/// Completes the message a receipt of `destination`, proven at `height`, answers.
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
		let header = T::Verifier::proving_header(destination, height, ProofUse::Completion)
			.map_err(Error::<T>::from_inclusion)?;
		proof.verify(&header).map_err(Error::<T>::from_inclusion)?;
		let key = (receipt.source, destination, receipt.nonce);
		if let Some(record) = TimedOutMessages::<T>::get(key) {
			return Self::close_timed_out(receipt, record);
		}
		let pending = Self::take_pending(receipt.source, destination, receipt.nonce, |pending| {
			ensure!(pending.leaf == receipt.message_leaf, Error::<T>::ReceiptMismatch);
			Ok(())
		})?;
		Self::free_capacity(&pending);
		Self::complete(&pending, receipt.outcome, Some(receipt.relayer))?;
		Self::deposit_event(Event::MessageAcknowledged {
			source: receipt.source,
			destination,
			nonce: receipt.nonce,
			outcome: receipt.outcome,
		});
		Ok(())
	}

	/// Closes the record of a message completed by a proof of non-receipt, on the receipt its
	/// destination wrote when it took it: `Expired`, as its clock was past the timeout. Nothing
	/// is settled again; its place in the destination's queue is freed.
	fn close_timed_out(receipt: &Receipt, record: PendingOf<T>) -> DispatchResult {
		ensure!(record.leaf == receipt.message_leaf, Error::<T>::ReceiptMismatch);
		ensure!(receipt.outcome == ReceiptOutcome::Expired, Error::<T>::ReceiptContradictsTimeout);
		Self::forget_timed_out(record);
		Ok(())
	}

	/// Removes a timed-out message's record and frees its place in its destination's queue.
	fn forget_timed_out(record: PendingOf<T>) {
		let (source, destination, nonce) =
			(record.message.source, record.message.destination, record.message.nonce);
		TimedOutMessages::<T>::remove((source, destination, nonce));
		Self::free_capacity(&record);
		Self::deposit_event(Event::TimedOutMessageClosed { source, destination, nonce });
	}

	/// Completes a pending message as expired on its destination's proof of non-receipt: the
	/// header is past the timeout by the destination's clock, and the channel's last delivered
	/// nonce is below the message's, so the destination never executed it and never will. The
	/// message stays provable until the destination takes it (as `Expired`), keeping its place
	/// in the destination's queue but no deposit.
	pub(crate) fn timeout_one(
		source: ChainId,
		destination: ChainId,
		nonce: u64,
		proof: &NonReceiptProof,
	) -> DispatchResult {
		let state = T::Verifier::verify_channel_state(
			destination,
			proof.height,
			source,
			&proof.channel_state,
		)
		.map_err(Error::<T>::from_inclusion)?;
		let pending = Self::take_pending(source, destination, nonce, |pending| {
			ensure!(pending.message.timeout.has_passed(state.clock), Error::<T>::NotTimedOut);
			ensure!(state.delivered < nonce, Error::<T>::MessageWasReceived);
			Ok(())
		})?;
		Self::complete(&pending, ReceiptOutcome::Expired, None)?;
		TimedOutMessages::<T>::insert(
			(source, destination, nonce),
			PendingMessage { deposit: 0, ..pending },
		);
		Self::deposit_event(Event::MessageTimedOut {
			source,
			destination,
			nonce,
			height: proof.height,
		});
		Ok(())
	}

	/// Completes a pending message with `outcome` by governance's decree; its destination must
	/// no longer be active. A timed-out message's record is closed instead: its value was
	/// settled by the timeout, whatever `outcome` says. Governance closes it only for a
	/// destination that will not come back (or after a receipt that contradicted the timeout):
	/// a destination resumed after that would wait for that nonce for good.
	pub(crate) fn force_complete(
		source: ChainId,
		destination: ChainId,
		nonce: u64,
		outcome: ReceiptOutcome,
	) -> DispatchResult {
		ensure!(!T::Registry::is_active(destination), Error::<T>::DestinationStillActive);
		if let Some(record) = TimedOutMessages::<T>::get((source, destination, nonce)) {
			Self::forget_timed_out(record);
			return Ok(());
		}
		let pending = Self::take_pending(source, destination, nonce, |_| Ok(()))?;
		Self::free_capacity(&pending);
		Self::complete(&pending, outcome, None)?;
		Self::deposit_event(Event::MessageForceCompleted { source, destination, nonce, outcome });
		Ok(())
	}

	/// Takes the pending message (`source`, `destination`, `nonce`) out of the books if `check`
	/// accepts it; nothing changes otherwise. Its place in the destination's queue is the
	/// caller's to free.
	pub(crate) fn take_pending(
		source: ChainId,
		destination: ChainId,
		nonce: u64,
		check: impl FnOnce(&PendingOf<T>) -> Result<(), Error<T>>,
	) -> Result<PendingOf<T>, Error<T>> {
		let key = (source, destination, nonce);
		let pending = PendingMessages::<T>::get(key).ok_or_else(|| {
			if TimedOutMessages::<T>::contains_key(key) {
				Error::<T>::AlreadyTimedOut
			} else {
				Error::<T>::UnknownMessage
			}
		})?;
		check(&pending)?;
		PendingMessages::<T>::remove(key);
		Ok(pending)
	}

	/// Frees the place a message its destination no longer has to take held in its queue, and
	/// forgets where it was committed again.
	fn free_capacity(pending: &PendingOf<T>) {
		let destination = pending.message.destination;
		Recommitments::<T>::remove((pending.message.source, destination, pending.message.nonce));
		PendingCount::<T>::mutate(destination, |count| *count = count.saturating_sub(1));
		match pending.share() {
			CapacityShare::HubSend => {
				PendingSends::<T>::mutate(destination, |count| *count = count.saturating_sub(1))
			},
			CapacityShare::PeerTraffic => {
				RoutedPendingFrom::<T>::mutate(pending.message.source, |count| {
					*count = count.saturating_sub(1)
				})
			},
		}
	}

	/// Settles a message taken from the books with `outcome`: the application's `on_outcome`
	/// once; the payer's deposit released; the fee to `relayer` (the account the receipt names)
	/// when the outcome earns it, otherwise back to its payer; for a routed message, the receipt
	/// forwarded to its source.
	pub(crate) fn complete(
		pending: &PendingOf<T>,
		outcome: ReceiptOutcome,
		relayer: Option<H256>,
	) -> DispatchResult {
		let message = &pending.message;
		T::Applications::on_outcome(message, outcome == ReceiptOutcome::Delivered, pending.block)?;
		if let Some(payer) = &pending.payer {
			// Best effort: the hold is this pallet's alone, so all of it is there; a shortfall
			// must not keep the message (and its refund) from completing.
			T::Currency::release(
				&HoldReason::MessageDeposit.into(),
				payer,
				pending.deposit,
				Precision::BestEffort,
			)?;
		}
		match &pending.payer {
			Some(payer) if message.fee > 0 => {
				let earner = relayer
					.filter(|_| outcome.earns_fee())
					.and_then(|relayer| Self::h256_to_account(&relayer));
				match earner {
					Some(relayer) => {
						RelayerRewards::<T>::mutate(&relayer, |reward| {
							*reward = reward.saturating_add(message.fee)
						});
						Self::deposit_event(Event::RelayerRewarded {
							relayer,
							amount: message.fee,
						});
					},
					None => Self::pay_from_fee_account(payer, message.fee)?,
				}
			},
			Some(_) => {},
			None => Self::issue_receipt(Receipt {
				source: message.source,
				destination: message.destination,
				nonce: message.nonce,
				message_leaf: pending.leaf,
				outcome,
				relayer: relayer.unwrap_or_default(),
			})?,
		}
		Ok(())
	}

	pub(crate) fn pay_from_fee_account(to: &T::AccountId, amount: u128) -> DispatchResult {
		T::Currency::transfer(&Self::fee_account(), to, amount, Preservation::Preserve)?;
		Ok(())
	}
}
