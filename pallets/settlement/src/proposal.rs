//! Proposal and sign-up: what a settlement is, and every giver's consent to exactly it.

use crate::{pallet::*, LegRecord, LegState, Phase, Settlement, SettlementOf};
use fusion_hub_primitives::{
	message::{account_to_bytes32, bytes32_to_account, HUB_CHAIN_ID},
	settlement::{terms_hash, HubTokens, Leg, SettlementId},
	ChainId,
};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::MutateHold, Contains, Get, UnixTime},
		BoundedVec,
	},
	sp_core::H256,
	sp_runtime::{
		traits::{AccountIdConversion, UniqueSaturatedInto},
		DispatchError, DispatchResult,
	},
};

impl<T: Config> Pallet<T> {
	/// The escrow account of hub legs.
	pub fn escrow_account() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Endows the escrow with the native token's minimum balance, at genesis (or by
	/// [`crate::migrations::EndowEscrow`] on a chain that gains the pallet by an upgrade). It
	/// exists by the native token before it takes anything, for good: a wrapped asset is not
	/// sufficient to create an account, and paying out the last native leg must not reap it
	/// while it holds wrapped ones.
	pub(crate) fn endow_escrow_account() {
		fusion_hub_primitives::endow_to_minimum::<_, T::Currency>(&Self::escrow_account());
	}

	pub(crate) fn now_ms() -> u64 {
		T::Time::now().as_millis().unique_saturated_into()
	}

	pub(crate) fn hub_account(party: &H256) -> Result<T::AccountId, DispatchError> {
		bytes32_to_account(party).ok_or(Error::<T>::InvalidParty.into())
	}

	/// The deposit a settlement of `legs` legs holds.
	pub fn deposit_for(legs: u32) -> u128 {
		T::DepositBase::get().saturating_add(T::DepositPerLeg::get().saturating_mul(legs.into()))
	}

	/// Checks one leg's terms: something moves between two parties, on the hub in a token it
	/// holds (at least its minimum balance, between hub accounts), or on an active peer in that
	/// peer's own token.
	fn check_leg(leg: &Leg) -> DispatchResult {
		ensure!(leg.amount > 0, Error::<T>::ZeroAmount);
		ensure!(leg.from != leg.to, Error::<T>::SameParty);
		if leg.chain == HUB_CHAIN_ID {
			let minimum =
				T::Tokens::minimum_balance(&leg.token).map_err(|_| Error::<T>::UnknownToken)?;
			ensure!(leg.amount >= minimum, Error::<T>::BelowMinimum);
			Self::hub_account(&leg.from)?;
			Self::hub_account(&leg.to)?;
		} else {
			ensure!(T::ActivePeers::contains(&leg.chain), Error::<T>::ChainNotActive);
			ensure!(leg.token.home == leg.chain, Error::<T>::TokenNotOnChain);
		}
		Ok(())
	}

	pub(crate) fn do_propose(
		proposer: T::AccountId,
		id: SettlementId,
		legs: BoundedVec<Leg, T::MaxLegs>,
		deadline: u64,
	) -> DispatchResult {
		ensure!(!Settlements::<T>::contains_key(id), Error::<T>::SettlementExists);
		ensure!(legs.len() >= 2, Error::<T>::TooFewLegs);
		let now = Self::now_ms();
		ensure!(deadline > now, Error::<T>::DeadlineInPast);
		ensure!(
			deadline <= now.saturating_add(T::MaxDeadlineMillis::get()),
			Error::<T>::DeadlineTooFar
		);
		legs.iter().try_for_each(Self::check_leg)?;
		let count = legs.len() as u32;
		let deposit = Self::deposit_for(count);
		T::Currency::hold(&HoldReason::SettlementDeposit.into(), &proposer, deposit)
			.map_err(|_| Error::<T>::DepositUnavailable)?;
		let terms = terms_hash(&id, deadline, &legs);
		let records = legs.iter().map(|leg| LegRecord {
			leg: *leg,
			state: LegState::AwaitingSignUp,
			prepare_nonce: None,
			decision_nonce: None,
		});
		let settlement = Settlement {
			proposer: proposer.clone(),
			deposit,
			deadline,
			terms,
			phase: Phase::SigningUp,
			// As many records as legs, which are within the bound.
			legs: BoundedVec::truncate_from(records.collect()),
		};
		Settlements::<T>::insert(id, settlement);
		Self::deposit_event(Event::Proposed { id, proposer, terms, deadline, legs: count });
		Ok(())
	}

	/// The settlement `id`, if `party` may sign up to it on `chain` with `terms` now; the
	/// indices of the legs it signs for.
	fn sign_up_check(
		id: SettlementId,
		chain: ChainId,
		party: &H256,
		terms: H256,
	) -> Result<(SettlementOf<T>, alloc::vec::Vec<usize>), DispatchError> {
		let settlement = Settlements::<T>::get(id).ok_or(Error::<T>::UnknownSettlement)?;
		ensure!(settlement.phase == Phase::SigningUp, Error::<T>::WrongPhase);
		ensure!(settlement.terms == terms, Error::<T>::TermsMismatch);
		ensure!(Self::now_ms() <= settlement.deadline, Error::<T>::DeadlinePassed);
		let givers: alloc::vec::Vec<usize> = settlement
			.legs
			.iter()
			.enumerate()
			.filter(|(_, record)| record.leg.chain == chain && record.leg.from == *party)
			.map(|(index, _)| index)
			.collect();
		ensure!(!givers.is_empty(), Error::<T>::NotAParty);
		let unsigned: alloc::vec::Vec<usize> = givers
			.into_iter()
			.filter(|index| settlement.legs[*index].state == LegState::AwaitingSignUp)
			.collect();
		ensure!(!unsigned.is_empty(), Error::<T>::AlreadySignedUp);
		Ok((settlement, unsigned))
	}

	/// A hub account signs up: its hub legs' value goes into escrow, all of it or none (the
	/// call is one storage transaction). The settlement's number of legs, for the call's weight.
	pub(crate) fn do_sign_up(
		who: T::AccountId,
		id: SettlementId,
		terms: H256,
	) -> Result<u32, DispatchError> {
		let party = account_to_bytes32(&who);
		let (mut settlement, legs) = Self::sign_up_check(id, HUB_CHAIN_ID, &party, terms)?;
		let escrow = Self::escrow_account();
		for index in &legs {
			let record = &mut settlement.legs[*index];
			T::Tokens::transfer(&record.leg.token, &who, &escrow, record.leg.amount, true)?;
			Self::add_escrowed(&record.leg)?;
			record.state = LegState::SignedUp;
		}
		let leg_count = settlement.legs.len() as u32;
		Settlements::<T>::insert(id, settlement);
		Self::deposit_event(Event::SignedUp {
			id,
			chain: HUB_CHAIN_ID,
			party,
			legs: legs.len() as u32,
		});
		Ok(leg_count)
	}

	/// A party of peer `chain` signs up by a message from its gateway: nothing moves yet; its
	/// chain locks the value when the prepare order arrives.
	pub(crate) fn sign_up_by_message(
		chain: ChainId,
		party: H256,
		id: SettlementId,
		terms: H256,
	) -> DispatchResult {
		let (mut settlement, legs) = Self::sign_up_check(id, chain, &party, terms)?;
		for index in &legs {
			settlement.legs[*index].state = LegState::SignedUp;
		}
		Settlements::<T>::insert(id, settlement);
		Self::deposit_event(Event::SignedUp { id, chain, party, legs: legs.len() as u32 });
		Ok(())
	}

	pub(crate) fn add_escrowed(leg: &Leg) -> DispatchResult {
		Escrowed::<T>::try_mutate(leg.token, |held| {
			*held = held.checked_add(leg.amount).ok_or(Error::<T>::Overflow)?;
			Ok(())
		})
	}
}
