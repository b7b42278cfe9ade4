//! Preparation: once every giver has signed up, each peer leg's chain is ordered to lock the
//! leg's value; its receipt (or a proof that it never executed the order by the deadline) is
//! its answer.

use crate::{pallet::*, LegRecord, LegState, Phase, SettlementOf, WeightInfo};
use alloc::vec::Vec;
use fusion_hub_primitives::{
	message::{account_to_bytes32, Timeout, HUB_CHAIN_ID},
	settlement::{OrderKind, SettlementId, SettlementOrder, SETTLEMENT_APP},
	ChainId, SendMessage,
};
use polkadot_sdk::{
	frame_support::{ensure, weights::Weight},
	sp_runtime::{DispatchError, DispatchResult},
};

impl<T: Config> Pallet<T> {
	/// Takes settlement `id` its next step; its number of legs, for the call's weight.
	pub(crate) fn do_advance(
		payer: &T::AccountId,
		id: SettlementId,
		fee: u128,
	) -> Result<u32, DispatchError> {
		let mut settlement = Settlements::<T>::get(id).ok_or(Error::<T>::UnknownSettlement)?;
		let leg_count = settlement.legs.len() as u32;
		match settlement.phase {
			Phase::SigningUp if Self::now_ms() > settlement.deadline => {
				// No order went out: nothing is locked on any peer.
				Self::decide(id, &mut settlement, false)?;
			},
			Phase::SigningUp => {
				ensure!(
					settlement.legs.iter().all(|record| record.state != LegState::AwaitingSignUp),
					Error::<T>::AwaitingSignUps
				);
				Self::send_prepares(payer, id, &mut settlement, fee)?;
			},
			Phase::Preparing => return Err(Error::<T>::AwaitingAnswers.into()),
			Phase::Committed | Phase::Aborted => {
				ensure!(
					settlement.legs.iter().any(|record| record.state == LegState::DecisionDue),
					Error::<T>::NothingDue
				);
			},
		}
		if settlement.phase.is_decided() {
			Self::carry_out_decision(payer, id, &mut settlement, fee)?;
		}
		Self::store_or_conclude(id, settlement)?;
		Ok(leg_count)
	}

	/// What `advance` of a settlement of `legs` legs may cost: each leg sends an order, or each
	/// is a hub leg paid out of escrow (and the settlement concludes).
	pub fn advance_weight(legs: u32) -> Weight {
		T::WeightInfo::advance(legs).max(T::WeightInfo::advance_paying(legs))
	}

	/// Hub legs are locked already; each peer leg's chain is ordered to lock, with the deadline
	/// as the order's timeout on that chain's clock. A settlement of hub legs only commits now
	/// (and the same `advance` pays its legs).
	fn send_prepares(
		payer: &T::AccountId,
		id: SettlementId,
		settlement: &mut SettlementOf<T>,
		fee: u128,
	) -> DispatchResult {
		let timeout = Timeout { height: 0, timestamp: settlement.deadline };
		for (index, record) in settlement.legs.iter_mut().enumerate() {
			let leg = index as u8;
			let Some(kind) = Self::order_due(settlement.phase, false, record) else {
				// A hub leg: locked in escrow since its sign-up.
				record.state = LegState::Prepared;
				Self::deposit_event(Event::LegPrepared { id, leg });
				continue;
			};
			let order = SettlementOrder::new(kind, id, leg, &record.leg, settlement.terms);
			let nonce = Self::send_order(payer, record.leg.chain, &order, timeout, fee)?;
			record.state = LegState::Preparing;
			record.prepare_nonce = Some(nonce);
			Self::deposit_event(Event::PrepareSent { id, leg, chain: record.leg.chain, nonce });
		}
		settlement.phase = Phase::Preparing;
		if settlement.legs.iter().all(|record| record.state == LegState::Prepared) {
			Self::decide(id, settlement, true)?;
		}
		Ok(())
	}

	/// The order `advance` sends leg `record` now, if any, in a settlement in `phase` whose
	/// deadline has passed on the hub or not: while signing up, a prepare to each signed-up peer
	/// leg (before the deadline); once decided, the decision to each peer leg due it. Hub legs
	/// need no order. [`Pallet::orders_due`] counts by this rule, so what the pool reserves for
	/// `advance` is what it sends.
	pub(crate) fn order_due(
		phase: Phase,
		deadline_passed: bool,
		record: &LegRecord,
	) -> Option<OrderKind> {
		if record.leg.chain == HUB_CHAIN_ID {
			return None;
		}
		match (phase, record.state) {
			(Phase::SigningUp, LegState::SignedUp) if !deadline_passed => Some(OrderKind::Prepare),
			(Phase::Committed, LegState::DecisionDue) => Some(OrderKind::Commit),
			(Phase::Aborted, LegState::DecisionDue) => Some(OrderKind::Abort),
			_ => None,
		}
	}

	/// Sends `order` to `chain`; its nonce on the channel.
	pub(crate) fn send_order(
		payer: &T::AccountId,
		chain: ChainId,
		order: &SettlementOrder,
		timeout: Timeout,
		fee: u128,
	) -> Result<u64, polkadot_sdk::sp_runtime::DispatchError> {
		let sender = account_to_bytes32(&Self::escrow_account());
		let message = T::Messenger::send(
			payer,
			chain,
			SETTLEMENT_APP,
			sender,
			order.abi_encode(),
			timeout,
			fee,
		)?;
		Ok(message.nonce)
	}

	/// A peer leg's chain answered its prepare order: prepared (its receipt says `Delivered`)
	/// or refused (a `Failed` or `Expired` receipt, or a proof of non-receipt past the
	/// deadline). The first refusal aborts; the last preparation commits. An answer that comes
	/// after an abort changes nothing: the abort order follows the prepare order on the
	/// channel, so it returns a lock the prepare made; a refusal before the abort order is sent
	/// saves sending it.
	pub(crate) fn answer_prepare(
		id: SettlementId,
		settlement: &mut SettlementOf<T>,
		index: usize,
		nonce: u64,
		prepared: bool,
	) -> DispatchResult {
		let phase = settlement.phase;
		let record = settlement.legs.get_mut(index).ok_or(Error::<T>::UnknownLeg)?;
		ensure!(record.prepare_nonce == Some(nonce), Error::<T>::StaleAnswer);
		let leg = index as u8;
		match (phase, record.state) {
			(Phase::Preparing, LegState::Preparing) => {
				if prepared {
					record.state = LegState::Prepared;
					Self::deposit_event(Event::LegPrepared { id, leg });
					if settlement.legs.iter().all(|record| record.state == LegState::Prepared) {
						Self::decide(id, settlement, true)?;
					}
				} else {
					record.state = LegState::Refused;
					Self::deposit_event(Event::LegRefused { id, leg });
					Self::decide(id, settlement, false)?;
				}
			},
			(Phase::Aborted, LegState::DecisionDue) if !prepared => {
				record.state = LegState::Settled;
				Self::deposit_event(Event::LegRefused { id, leg });
				Self::deposit_event(Event::LegSettled { id, leg, paid_to: record.leg.from });
			},
			(
				Phase::Aborted,
				LegState::DecisionDue | LegState::DecisionSent | LegState::Settled,
			) => {
				Self::deposit_event(if prepared {
					Event::LegPrepared { id, leg }
				} else {
					Event::LegRefused { id, leg }
				});
			},
			_ => return Err(Error::<T>::StaleAnswer.into()),
		}
		Ok(())
	}

	/// How many orders [`Pallet::advance`] of settlement `id` would send now, per chain: what
	/// the pool's capacity check reserves before including the call.
	pub fn orders_due(id: &SettlementId) -> Vec<(ChainId, u32)> {
		let Some(settlement) = Settlements::<T>::get(id) else { return Vec::new() };
		let deadline_passed = Self::now_ms() > settlement.deadline;
		let sends = |record: &&LegRecord| {
			Self::order_due(settlement.phase, deadline_passed, record).is_some()
		};
		let mut due: Vec<(ChainId, u32)> = Vec::new();
		for record in settlement.legs.iter().filter(sends) {
			match due.iter_mut().find(|(chain, _)| *chain == record.leg.chain) {
				Some((_, count)) => *count = count.saturating_add(1),
				None => due.push((record.leg.chain, 1)),
			}
		}
		due
	}
}
