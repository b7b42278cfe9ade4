//! The decision: taken once; carried out by `advance`, which pays the hub legs and sends every
//! peer leg that may hold a lock its order, again until delivered; the settlement concludes when
//! every leg is settled.

use crate::{pallet::*, LegState, Phase, SettlementOf};
use fusion_hub_primitives::{
	message::{Timeout, HUB_CHAIN_ID},
	settlement::{HubTokens, Leg, OrderKind, SettlementId, SettlementOrder},
	TokenRef,
};
use polkadot_sdk::{
	frame_support::{
		ensure,
		storage::with_storage_layer,
		traits::{fungible::MutateHold, tokens::Precision, Get},
	},
	sp_core::H256,
	sp_runtime::DispatchResult,
};

impl<T: Config> Pallet<T> {
	/// Decides settlement `id`: commit only when every leg is prepared. A leg that holds value
	/// for the settlement (a hub leg in escrow, or a peer leg whose prepare order went out and
	/// was not refused) is due the decision, which the next `advance` carries out: a hub leg is
	/// paid, a peer leg's chain is sent its order. Every other leg is settled, nothing having
	/// been locked. Nothing moves here, so an answer (which may decide) costs the same whatever
	/// the legs: the messaging pallet charges it for every receipt.
	pub(crate) fn decide(
		id: SettlementId,
		settlement: &mut SettlementOf<T>,
		committed: bool,
	) -> DispatchResult {
		ensure!(!settlement.phase.is_decided(), Error::<T>::WrongPhase);
		ensure!(
			!committed || settlement.legs.iter().all(|record| record.state == LegState::Prepared),
			Error::<T>::AwaitingAnswers
		);
		settlement.phase = if committed { Phase::Committed } else { Phase::Aborted };
		Self::deposit_event(Event::Decided { id, committed });
		for (index, record) in settlement.legs.iter_mut().enumerate() {
			let holds_value = if record.leg.chain == HUB_CHAIN_ID {
				matches!(record.state, LegState::SignedUp | LegState::Prepared)
			} else {
				matches!(record.state, LegState::Preparing | LegState::Prepared)
			};
			if holds_value {
				record.state = LegState::DecisionDue;
			} else {
				record.state = LegState::Settled;
				let (id, leg, paid_to) = (id, index as u8, record.leg.from);
				Self::deposit_event(Event::LegSettled { id, leg, paid_to });
			}
		}
		Ok(())
	}

	/// Pays a hub leg's value out of escrow to `payee`; kept for the payee to claim if it cannot
	/// hold it now.
	fn pay_out(leg: &Leg, payee: &H256) -> DispatchResult {
		let account = Self::hub_account(payee)?;
		let paid = with_storage_layer(|| {
			T::Tokens::transfer(&leg.token, &Self::escrow_account(), &account, leg.amount, false)
		});
		if paid.is_ok() {
			return Self::remove_escrowed(&leg.token, leg.amount);
		}
		PayoutsDue::<T>::try_mutate(&account, leg.token, |due| {
			*due = due.checked_add(leg.amount).ok_or(Error::<T>::Overflow)?;
			Ok::<_, Error<T>>(())
		})?;
		Self::deposit_event(Event::PayoutDeferred {
			owner: account,
			token: leg.token,
			amount: leg.amount,
		});
		Ok(())
	}

	fn remove_escrowed(token: &TokenRef, amount: u128) -> DispatchResult {
		Escrowed::<T>::try_mutate_exists(token, |held| {
			let left = held.unwrap_or_default().checked_sub(amount);
			*held = Some(left.ok_or(Error::<T>::EscrowShortfall)?).filter(|left| *left > 0);
			Ok(())
		})
	}

	/// Carries out the decision for each leg due it: pays a hub leg out of escrow (to its
	/// counterparty on commit, back to its owner on abort), and sends a peer leg's chain its
	/// order with a fresh timeout (one that was not delivered goes again).
	pub(crate) fn carry_out_decision(
		payer: &T::AccountId,
		id: SettlementId,
		settlement: &mut SettlementOf<T>,
		fee: u128,
	) -> DispatchResult {
		let (phase, committed) = (settlement.phase, settlement.phase == Phase::Committed);
		let timeout = Timeout {
			height: 0,
			timestamp: Self::now_ms().saturating_add(T::DecisionTimeoutMillis::get()),
		};
		let terms = settlement.terms;
		for (index, record) in settlement.legs.iter_mut().enumerate() {
			if record.state != LegState::DecisionDue {
				continue;
			}
			let leg = index as u8;
			let Some(kind) = Self::order_due(phase, false, record) else {
				// A hub leg: paid out of escrow now.
				let paid_to = if committed { record.leg.to } else { record.leg.from };
				Self::pay_out(&record.leg, &paid_to)?;
				record.state = LegState::Settled;
				Self::deposit_event(Event::LegSettled { id, leg, paid_to });
				continue;
			};
			let order = SettlementOrder::new(kind, id, leg, &record.leg, terms);
			let nonce = Self::send_order(payer, record.leg.chain, &order, timeout, fee)?;
			record.state = LegState::DecisionSent;
			record.decision_nonce = Some(nonce);
			Self::deposit_event(Event::DecisionSent { id, leg, chain: record.leg.chain, nonce });
		}
		Ok(())
	}

	/// A leg's chain answered its decision order: delivered, the leg is settled; otherwise the
	/// order is due again (the decision stands).
	pub(crate) fn answer_decision(
		id: SettlementId,
		settlement: &mut SettlementOf<T>,
		index: usize,
		kind: OrderKind,
		nonce: u64,
		delivered: bool,
	) -> DispatchResult {
		let committed = settlement.phase == Phase::Committed;
		let decided_kind = if committed { OrderKind::Commit } else { OrderKind::Abort };
		let record = settlement.legs.get_mut(index).ok_or(Error::<T>::UnknownLeg)?;
		ensure!(
			settlement.phase.is_decided()
				&& kind == decided_kind
				&& record.state == LegState::DecisionSent
				&& record.decision_nonce == Some(nonce),
			Error::<T>::StaleAnswer
		);
		let leg = index as u8;
		if delivered {
			record.state = LegState::Settled;
			let paid_to = if committed { record.leg.to } else { record.leg.from };
			Self::deposit_event(Event::LegSettled { id, leg, paid_to });
		} else {
			record.state = LegState::DecisionDue;
			Self::deposit_event(Event::DecisionUndelivered { id, leg });
		}
		Ok(())
	}

	/// Stores the settlement, or, when every leg is settled, removes it and releases its
	/// deposit.
	pub(crate) fn store_or_conclude(
		id: SettlementId,
		settlement: SettlementOf<T>,
	) -> DispatchResult {
		if !settlement.legs.iter().all(|record| record.state == LegState::Settled) {
			Settlements::<T>::insert(id, settlement);
			return Ok(());
		}
		T::Currency::release(
			&HoldReason::SettlementDeposit.into(),
			&settlement.proposer,
			settlement.deposit,
			Precision::BestEffort,
		)?;
		Settlements::<T>::remove(id);
		Self::deposit_event(Event::Concluded {
			id,
			committed: settlement.phase == Phase::Committed,
		});
		Ok(())
	}

	pub(crate) fn do_claim_payout(owner: T::AccountId, token: TokenRef) -> DispatchResult {
		let amount = PayoutsDue::<T>::take(&owner, token);
		ensure!(amount > 0, Error::<T>::NoPayoutDue);
		T::Tokens::transfer(&token, &Self::escrow_account(), &owner, amount, false)?;
		Self::remove_escrowed(&token, amount)?;
		Self::deposit_event(Event::PayoutClaimed { owner, token, amount });
		Ok(())
	}

	/// The books of hub legs: per token, the escrow account holds at least what the books say,
	/// and the books say exactly what locked hub legs and deferred payments add up to.
	#[cfg(any(test, feature = "try-runtime"))]
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use alloc::collections::BTreeMap;
		let mut expected: BTreeMap<TokenRef, u128> = BTreeMap::new();
		for (_, settlement) in Settlements::<T>::iter() {
			for record in settlement.legs.iter() {
				let locked = record.leg.chain == HUB_CHAIN_ID
					&& matches!(
						record.state,
						LegState::SignedUp | LegState::Prepared | LegState::DecisionDue
					);
				if locked {
					let sum = expected.entry(record.leg.token).or_default();
					*sum = sum.saturating_add(record.leg.amount);
				}
			}
			ensure!(settlement.legs.len() >= 2, "a settlement has fewer than two legs");
		}
		for (_, token, amount) in PayoutsDue::<T>::iter() {
			let sum = expected.entry(token).or_default();
			*sum = sum.saturating_add(amount);
		}
		for (token, held) in Escrowed::<T>::iter() {
			ensure!(
				expected.remove(&token).unwrap_or_default() == held,
				"escrowed differs from locked hub legs and deferred payments"
			);
			ensure!(
				T::Tokens::balance(&token, &Self::escrow_account()) >= held,
				"the escrow account holds less than the books"
			);
		}
		ensure!(expected.values().all(|sum| *sum == 0), "hub legs locked without books");
		Ok(())
	}
}
