//! The settlement application as the messaging pallet calls it: sign-ups arrive from peers'
//! gateways; the answers to the hub's orders arrive as their outcomes.

use crate::{pallet::*, WeightInfo};
use fusion_hub_primitives::{
	message::{Message, HUB_CHAIN_ID},
	settlement::{OrderKind, SettlementOrder, SignUp},
	MessageHandler,
};
use polkadot_sdk::{
	frame_support::{ensure, traits::Get, weights::Weight},
	sp_runtime::DispatchResult,
};

impl<T: Config> Pallet<T> {
	/// Applies the answer a hub order got (`delivered`: its receipt said `Delivered`), or fails
	/// with the reason it is no answer the settlement waits for.
	pub(crate) fn apply_answer(
		message: &Message<T::MaxPayload>,
		delivered: bool,
	) -> DispatchResult {
		ensure!(message.source == HUB_CHAIN_ID, Error::<T>::NotFromHub);
		let order =
			SettlementOrder::abi_decode(&message.payload).ok_or(Error::<T>::InvalidPayload)?;
		let mut settlement =
			Settlements::<T>::get(order.id).ok_or(Error::<T>::UnknownSettlement)?;
		// An order of an earlier settlement under the same id.
		ensure!(order.terms == settlement.terms, Error::<T>::StaleAnswer);
		let index = usize::from(order.leg);
		let on_chain = settlement.legs.get(index).map(|record| record.leg.chain);
		ensure!(on_chain == Some(message.destination), Error::<T>::UnknownLeg);
		match order.kind {
			OrderKind::Prepare => {
				Self::answer_prepare(order.id, &mut settlement, index, message.nonce, delivered)?
			},
			kind => Self::answer_decision(
				order.id,
				&mut settlement,
				index,
				kind,
				message.nonce,
				delivered,
			)?,
		}
		Self::store_or_conclude(order.id, settlement)
	}
}

impl<T: Config> MessageHandler<T::MaxPayload> for Pallet<T> {
	/// A party of the message's source signs up to a settlement; an error refuses it (a
	/// `Failed` receipt tells the gateway).
	fn on_receive(message: &Message<T::MaxPayload>) -> DispatchResult {
		let sign_up = SignUp::abi_decode(&message.payload).ok_or(Error::<T>::InvalidPayload)?;
		Self::sign_up_by_message(message.source, message.sender, sign_up.id, sign_up.terms)
	}

	/// Settlement orders come from the hub only: one peer may not order another.
	fn on_route(_: &Message<T::MaxPayload>) -> DispatchResult {
		Err(Error::<T>::NotFromHub.into())
	}

	/// A hub order's answer. It never fails (the messaging pallet would have to keep the
	/// message pending): an answer the settlement does not wait for is reported and ignored.
	fn on_outcome(message: &Message<T::MaxPayload>, delivered: bool, _: u32) -> DispatchResult {
		if message.source != HUB_CHAIN_ID {
			return Ok(());
		}
		if let Err(error) = polkadot_sdk::frame_support::storage::with_storage_layer(|| {
			Self::apply_answer(message, delivered)
		}) {
			Self::deposit_event(Event::AnswerIgnored {
				destination: message.destination,
				nonce: message.nonce,
				error,
			});
		}
		Ok(())
	}

	fn weight(_: &Message<T::MaxPayload>) -> Weight {
		T::WeightInfo::sign_up_by_message(T::MaxLegs::get())
	}

	/// The costliest answer: the last preparation, which decides (nothing moves until
	/// `advance`, so this is small whatever the legs).
	fn outcome_weight() -> Weight {
		T::WeightInfo::answer(T::MaxLegs::get())
	}
}
