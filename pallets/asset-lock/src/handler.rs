//! The asset-transfer application as the messaging pallet calls it.

use crate::{functions::HubAsset, pallet::*, WeightInfo};
use fusion_hub_primitives::{
	message::{Message, TransferPayload, HUB_CHAIN_ID},
	MessageHandler, TokenRef,
};
use polkadot_sdk::{
	frame_support::{ensure, storage::with_storage_layer, weights::Weight},
	sp_runtime::{DispatchError, DispatchResult},
};

impl<T: Config> Pallet<T> {
	fn payload(message: &Message<T::MaxPayload>) -> Result<TransferPayload, DispatchError> {
		let payload =
			TransferPayload::abi_decode(&message.payload).ok_or(Error::<T>::InvalidPayload)?;
		ensure!(payload.amount > 0, Error::<T>::ZeroAmount);
		Ok(payload)
	}
}

impl<T: Config> MessageHandler<T::MaxPayload> for Pallet<T> {
	/// A transfer to an account of the hub: the sending chain's side is debited (its home lock
	/// grows, or its claim shrinks), then the native token is released or the wrapped one
	/// minted.
	fn on_receive(message: &Message<T::MaxPayload>) -> DispatchResult {
		let payload = Self::payload(message)?;
		let (source, token, amount) = (message.source, payload.token, payload.amount);
		Self::ensure_not_paused(source, &token)?;
		let beneficiary = Self::h256_to_account(&payload.beneficiary)?;
		Self::use_rate_limit(source, &token, amount)?;
		Self::debit_peer(source, &token, amount)?;
		// Past `debit_peer`, the value is backed: by the home chain's lock, or by the sender's
		// claim (a peer token only ever routed so far gets its wrapped asset now).
		let asset = if token == TokenRef::HUB_NATIVE {
			HubAsset::Native
		} else {
			HubAsset::Wrapped(Self::wrapped_or_create(&token, payload.decimals)?)
		};
		Self::pay_to_account(&beneficiary, asset, amount)?;
		Self::deposit_event(Event::TransferReceived { source, token, amount, beneficiary });
		Ok(())
	}

	/// A transfer between two peers: the source is debited now (it cannot spend the value
	/// twice); the destination is credited once the transfer is delivered.
	fn on_route(message: &Message<T::MaxPayload>) -> DispatchResult {
		let payload = Self::payload(message)?;
		let (source, destination) = (message.source, message.destination);
		let (token, amount) = (payload.token, payload.amount);
		Self::ensure_not_paused(source, &token)?;
		Self::ensure_not_paused(destination, &token)?;
		Self::use_rate_limit(source, &token, amount)?;
		Self::use_rate_limit(destination, &token, amount)?;
		Self::debit_peer(source, &token, amount)?;
		Self::add_in_flight(&token, amount)?;
		Self::deposit_event(Event::TransferRouted { source, destination, token, amount });
		Ok(())
	}

	/// A transfer the hub sent or routed has its outcome, reported once: delivered, the
	/// destination is credited; otherwise the transfer is undone, and the rate limits it used
	/// get it back (if the window it was counted in is still the current one): only value that
	/// moved counts.
	fn on_outcome(
		message: &Message<T::MaxPayload>,
		delivered: bool,
		sent_at: u32,
	) -> DispatchResult {
		let payload = Self::payload(message)?;
		let (source, destination) = (message.source, message.destination);
		let (token, amount) = (payload.token, payload.amount);
		Self::remove_in_flight(&token, amount)?;
		if delivered {
			return Self::credit_peer(destination, &token, amount);
		}
		Self::give_back_rate_limit(destination, &token, amount, sent_at);
		if source == HUB_CHAIN_ID {
			let sender = Self::h256_to_account(&message.sender)?;
			let asset = Self::hub_asset(&token)?;
			if with_storage_layer(|| Self::pay_to_account(&sender, asset, amount)).is_err() {
				RefundsDue::<T>::try_mutate(&sender, token, |due| {
					due.checked_add(amount).map(|sum| *due = sum).ok_or(Error::<T>::Overflow)
				})?;
				Self::deposit_event(Event::RefundDeferred { owner: sender.clone(), token, amount });
			}
			Self::deposit_event(Event::TransferRefunded { sender, token, amount, destination });
		} else {
			Self::give_back_rate_limit(source, &token, amount, sent_at);
			Self::credit_peer(source, &token, amount)?;
			Self::deposit_event(Event::RouteReverted { source, destination, token, amount });
		}
		Ok(())
	}

	fn weight(_: &Message<T::MaxPayload>) -> Weight {
		<T as Config>::WeightInfo::receive_transfer_new_asset()
			.max(<T as Config>::WeightInfo::receive_transfer())
			.max(<T as Config>::WeightInfo::route_transfer())
	}

	/// A refund is the costliest outcome; a credit on delivery only updates two books.
	fn outcome_weight() -> Weight {
		<T as Config>::WeightInfo::refund_transfer()
	}
}
