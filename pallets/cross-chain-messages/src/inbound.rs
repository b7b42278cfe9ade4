//! Inbound: messages a peer proves to the hub, executed here or routed to another peer.

use crate::{outbound::CapacityShare, pallet::*, MessageOf, PendingMessage};
use fusion_hub_primitives::{
	channel::ChainClock,
	merkle::keccak_standard_leaf,
	message::{proof_commits_to, HUB_CHAIN_ID},
	ChainId, ChainKind, ChainRegistry, ChainStatus, InclusionProof, MessageHandler, Receipt,
	ReceiptOutcome, VerifyInclusion,
};
use polkadot_sdk::{
	frame_support::{
		ensure,
		storage::{with_transaction, TransactionOutcome},
	},
	sp_runtime::{DispatchError, DispatchResult},
};

impl<T: Config> Pallet<T> {
	/// Delivers one message of `source`, proven against its verified header at `height`, or
	/// skips it if its channel already took its nonce (another relayer was first): returns
	/// whether it was delivered. A skipped message is not checked further; it changes nothing.
	pub(crate) fn deliver_one(
		relayer: &T::AccountId,
		source: ChainId,
		height: u32,
		message: &MessageOf<T>,
		proof: &InclusionProof,
	) -> Result<bool, DispatchError> {
		ensure!(message.source == source, Error::<T>::WrongChain);
		let destination = message.destination;
		let last = InboundNonces::<T>::get(source, destination);
		if message.nonce <= last {
			return Ok(false);
		}
		// Channels, nonces and receipts are kept only for chains the registry admitted (and
		// paid for with their deposits; a retired chain's id is never reused): a message for an
		// unknown chain, or one governance has not admitted yet, waits, undelivered.
		ensure!(
			destination == HUB_CHAIN_ID
				|| T::Registry::status(destination)
					.is_some_and(|status| status != ChainStatus::Proposed),
			Error::<T>::UnknownChain
		);
		ensure!(message.nonce == last.saturating_add(1), Error::<T>::NonceGap);
		let encoded = message.abi_encode();
		let leaf = keccak_standard_leaf(&encoded);
		ensure!(proof_commits_to(proof, &leaf, &encoded), Error::<T>::ProofNotForMessage);
		T::Verifier::verify_inclusion(source, height, proof).map_err(Error::<T>::from_inclusion)?;
		InboundNonces::<T>::insert(source, destination, message.nonce);

		let (outcome, error) = if destination == HUB_CHAIN_ID {
			// The hub is the destination: its own clock decides.
			if message.timeout.has_passed(Self::hub_clock()) {
				(ReceiptOutcome::Expired, None)
			} else {
				Self::run_application(|| T::Applications::on_receive(message))
			}
		} else {
			match Self::route(message, leaf)? {
				None => {
					Self::deposit_event(Event::MessageRouted {
						source,
						destination,
						nonce: message.nonce,
					});
					return Ok(true);
				},
				Some(refusal) => (ReceiptOutcome::Failed, Some(refusal)),
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
		Ok(true)
	}

	/// Routes a message to another peer: `None` when it is queued, or the refusal its `Failed`
	/// receipt to the source carries.
	///
	/// The route must be one the hub can complete on proof: an active destination that can prove
	/// its receipts and channel state, and a timeout on the destination's clock, after which the
	/// hub takes the message back only with the destination's proof of non-receipt. A
	/// destination without room this block (its queue, or the block's commitment) is no refusal:
	/// the call fails (`Err`) and the relayer delivers the message again later.
	fn route(
		message: &MessageOf<T>,
		leaf: polkadot_sdk::sp_core::H256,
	) -> Result<Option<DispatchError>, DispatchError> {
		let destination = message.destination;
		let refusal = if destination == message.source || !T::Registry::is_active(destination) {
			Some(Error::<T>::DestinationNotActive.into())
		} else if let Err(error) = Self::ensure_receipts_provable(destination) {
			Some(error)
		} else if !message.timeout.is_set() {
			Some(Error::<T>::RouteWithoutTimeout.into())
		} else {
			None
		};
		if refusal.is_some() {
			return Ok(refusal);
		}
		Self::ensure_capacity(destination, CapacityShare::PeerTraffic, true)?;
		let route = || {
			T::Applications::on_route(message)?;
			Self::queue_pending(PendingMessage {
				message: message.clone(),
				leaf,
				block: 0,
				payer: None,
				deposit: 0,
			})
		};
		match Self::run_application(route) {
			(ReceiptOutcome::Delivered, _) => Ok(None),
			(_, error) => {
				Ok(Some(error.unwrap_or_else(|| Error::<T>::DestinationNotActive.into())))
			},
		}
	}

	/// Refuses destinations that cannot prove their receipts or channel state to the hub
	/// (parachains, until XCM carries them): nothing goes where only a blind timeout could end
	/// it.
	pub(crate) fn ensure_receipts_provable(destination: ChainId) -> DispatchResult {
		match T::Registry::kind(destination) {
			Some(ChainKind::PolkadotParachain { .. }) => {
				Err(Error::<T>::ReceiptsNotProvable.into())
			},
			Some(_) => Ok(()),
			None => Err(Error::<T>::DestinationNotActive.into()),
		}
	}

	/// The hub's clock now: its block number and time.
	pub(crate) fn hub_clock() -> ChainClock {
		ChainClock { height: Self::now_block(), timestamp: Some(Self::now_ms()) }
	}

	/// Runs an application callback in its own storage transaction: an error leaves no trace.
	pub(crate) fn run_application(
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
}
