//! Every transition of a settlement and every refusal, with the exact error and nothing changed.

use crate::{mock::*, pallet::*, LegState, Phase};
use codec::Encode;
use fusion_hub_primitives::{
	message::{bytes32_to_account, Message, Timeout, HUB_CHAIN_ID},
	settlement::{Leg, OrderKind, SettlementId, SettlementOrder, SETTLEMENT_APP},
	MessageHandler, TokenRef,
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold, BoundedVec},
	sp_core::H256,
	sp_runtime::DispatchError,
};

const PRICE: u128 = 1_000;
const SHARES: u128 = 500;
const SELLER: u8 = 0xaa;
const BUYER: u8 = 0xbb;
const PROPOSER: u64 = 3;
const RELAYER: u64 = 4;

/// A DvP trade: `SHARES` of P's security from the seller to the buyer on P, against `PRICE` of
/// FUSE from hub account 2 to hub account 1.
fn dvp_legs() -> [Leg; 2] {
	[peer_leg(P, SELLER, BUYER, SHARES), hub_leg(2, 1, PRICE)]
}

fn deadline() -> u64 {
	START + 10_000
}

fn propose(id: SettlementId, legs_: &[Leg]) {
	assert_ok!(Settlement::propose(RuntimeOrigin::signed(PROPOSER), id, legs(legs_), deadline()));
}

fn terms_of(id: SettlementId, legs_: &[Leg]) -> H256 {
	terms(id, deadline(), legs_)
}

fn state(id: SettlementId) -> (Phase, Vec<LegState>) {
	let settlement = Settlements::<Test>::get(id).expect("in progress");
	(settlement.phase, settlement.legs.iter().map(|record| record.state).collect())
}

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Settlement(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// The order message the hub sent `index`-th (from 0), decoded.
fn order(index: usize) -> (TestMessage, SettlementOrder) {
	let message = MockMessenger::sent()[index].clone();
	let order = SettlementOrder::abi_decode(&message.payload).expect("an order");
	(message, order)
}

/// Proposes `legs_` as settlement `id` and signs every giver up, hub givers by call and peer
/// givers by message; its terms hash.
fn propose_and_sign_up(id: SettlementId, legs_: &[Leg]) -> H256 {
	propose(id, legs_);
	let terms = terms_of(id, legs_);
	for leg in legs_ {
		// A giver of several legs signs once: the later tries are `AlreadySignedUp`.
		let _ = if leg.chain == HUB_CHAIN_ID {
			let who: u64 = bytes32_to_account(&leg.from).expect("a hub account");
			Settlement::sign_up(RuntimeOrigin::signed(who), id, terms)
				.map(|_| ())
				.map_err(|e| e.error)
		} else {
			Settlement::on_receive(&sign_up_message(leg.chain, leg.from, id, terms))
		};
	}
	assert!(state(id).1.iter().all(|leg| *leg == LegState::SignedUp));
	terms
}

/// Proposes the DvP trade as settlement `id`, signs both parties up and sends the prepare
/// order.
fn dvp_preparing(id: SettlementId) {
	propose_and_sign_up(id, &dvp_legs());
	assert_ok!(Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 0));
}

#[test]
fn a_proposal_holds_its_deposit_and_records_the_terms() {
	build_and_execute(|| {
		let id = sid(1);
		let legs_ = dvp_legs();
		propose(id, &legs_);
		let settlement = Settlements::<Test>::get(id).unwrap();
		assert_eq!(settlement.phase, Phase::SigningUp);
		assert_eq!(settlement.terms, terms_of(id, &legs_));
		assert_eq!(settlement.deposit, DEPOSIT_BASE + 2 * DEPOSIT_PER_LEG);
		assert!(settlement.legs.iter().all(|record| record.state == LegState::AwaitingSignUp));
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::SettlementDeposit.into(), &PROPOSER),
			settlement.deposit
		);
		assert_eq!(
			events(),
			vec![Event::Proposed {
				id,
				proposer: PROPOSER,
				terms: settlement.terms,
				deadline: deadline(),
				legs: 2
			}]
		);
	});
}

#[test]
fn bad_proposals_are_refused_and_change_nothing() {
	build_and_execute(|| {
		let id = sid(1);
		let good = dvp_legs();
		propose(id, &good);
		let refuse = |legs_: &[Leg], deadline: u64, error: Error<Test>| {
			assert_noop!(
				Settlement::propose(RuntimeOrigin::signed(PROPOSER), sid(2), legs(legs_), deadline),
				error
			);
		};
		assert_noop!(
			Settlement::propose(RuntimeOrigin::signed(1), id, legs(&good), deadline()),
			Error::<Test>::SettlementExists
		);
		refuse(&good[..1], deadline(), Error::<Test>::TooFewLegs);
		refuse(&good, START, Error::<Test>::DeadlineInPast);
		refuse(&good, START + MAX_DEADLINE + 1, Error::<Test>::DeadlineTooFar);
		refuse(&[good[0], hub_leg(2, 1, 0)], deadline(), Error::<Test>::ZeroAmount);
		refuse(&[good[0], hub_leg(2, 2, PRICE)], deadline(), Error::<Test>::SameParty);
		let other_token = Leg { token: peer_token(P), ..hub_leg(2, 1, PRICE) };
		refuse(&[good[0], other_token], deadline(), Error::<Test>::UnknownToken);
		refuse(&[good[0], hub_leg(2, 1, ED - 1)], deadline(), Error::<Test>::BelowMinimum);
		refuse(&[peer_leg(INACTIVE, 1, 2, 5), good[1]], deadline(), Error::<Test>::ChainNotActive);
		let foreign = Leg { token: peer_token(Q), ..good[0] };
		refuse(&[foreign, good[1]], deadline(), Error::<Test>::TokenNotOnChain);
		assert_noop!(
			Settlement::propose(RuntimeOrigin::signed(9), sid(2), legs(&good), deadline()),
			Error::<Test>::DepositUnavailable
		);
	});
}

#[test]
fn a_hub_party_signs_up_and_its_legs_go_into_escrow() {
	build_and_execute(|| {
		let id = sid(1);
		let legs_ = dvp_legs();
		propose(id, &legs_);
		assert_ok!(Settlement::sign_up(RuntimeOrigin::signed(2), id, terms_of(id, &legs_)));
		assert_eq!(balance(2), INITIAL_BALANCE - PRICE);
		// The escrow exists by the existential deposit from its first sign-up on.
		assert_eq!(balance(Settlement::escrow_account()), ED + PRICE);
		assert_eq!(Escrowed::<Test>::get(TokenRef::HUB_NATIVE), PRICE);
		assert_eq!(
			state(id),
			(Phase::SigningUp, vec![LegState::AwaitingSignUp, LegState::SignedUp])
		);
		assert_eq!(
			events().last(),
			Some(&Event::SignedUp { id, chain: HUB_CHAIN_ID, party: party(2), legs: 1 })
		);
	});
}

#[test]
fn bad_sign_ups_are_refused_and_change_nothing() {
	build_and_execute(|| {
		let id = sid(1);
		let legs_ = dvp_legs();
		let terms = terms_of(id, &legs_);
		assert_noop!(
			Settlement::sign_up(RuntimeOrigin::signed(2), id, terms),
			Error::<Test>::UnknownSettlement
		);
		propose(id, &legs_);
		assert_noop!(
			Settlement::sign_up(RuntimeOrigin::signed(2), id, H256::repeat_byte(1)),
			Error::<Test>::TermsMismatch
		);
		// Account 1 receives on the hub but gives nothing there.
		assert_noop!(
			Settlement::sign_up(RuntimeOrigin::signed(1), id, terms),
			Error::<Test>::NotAParty
		);
		assert_ok!(Settlement::sign_up(RuntimeOrigin::signed(2), id, terms));
		assert_noop!(
			Settlement::sign_up(RuntimeOrigin::signed(2), id, terms),
			Error::<Test>::AlreadySignedUp
		);
		// A giver who cannot pay locks nothing.
		let poor = sid(2);
		let poor_legs = [peer_leg(P, SELLER, BUYER, 1), hub_leg(1, 2, INITIAL_BALANCE)];
		propose(poor, &poor_legs);
		let before = balance(1);
		assert!(Settlement::sign_up(RuntimeOrigin::signed(1), poor, terms_of(poor, &poor_legs))
			.is_err());
		assert_eq!(balance(1), before);
		assert_eq!(state(poor).1, vec![LegState::AwaitingSignUp; 2]);
		// Too late.
		set_now(deadline() + 1);
		assert_noop!(
			Settlement::on_receive(&sign_up_message(P, peer_party(SELLER), id, terms)),
			Error::<Test>::DeadlinePassed
		);
	});
}

#[test]
fn a_peer_party_signs_up_by_message_and_only_for_its_own_legs() {
	build_and_execute(|| {
		let id = sid(1);
		let legs_ = dvp_legs();
		propose(id, &legs_);
		let terms = terms_of(id, &legs_);
		let mut garbled = sign_up_message(P, peer_party(SELLER), id, terms);
		garbled.payload = BoundedVec::truncate_from(vec![0u8; 96]);
		assert_noop!(Settlement::on_receive(&garbled), Error::<Test>::InvalidPayload);
		// The seller's address on another chain, and another party on P.
		assert_noop!(
			Settlement::on_receive(&sign_up_message(Q, peer_party(SELLER), id, terms)),
			Error::<Test>::NotAParty
		);
		assert_noop!(
			Settlement::on_receive(&sign_up_message(P, peer_party(BUYER), id, terms)),
			Error::<Test>::NotAParty
		);
		assert_noop!(
			Settlement::on_receive(&sign_up_message(P, peer_party(SELLER), id, H256::zero())),
			Error::<Test>::TermsMismatch
		);
		assert_ok!(Settlement::on_receive(&sign_up_message(P, peer_party(SELLER), id, terms)));
		assert_eq!(state(id).1, vec![LegState::SignedUp, LegState::AwaitingSignUp]);
		assert!(MockMessenger::sent().is_empty(), "nothing is ordered before every giver signs");
	});
}

#[test]
fn nothing_is_prepared_before_every_giver_signs_up() {
	build_and_execute(|| {
		let id = sid(1);
		let legs_ = dvp_legs();
		propose(id, &legs_);
		assert_noop!(
			Settlement::advance(RuntimeOrigin::signed(RELAYER), sid(9), 0),
			Error::<Test>::UnknownSettlement
		);
		assert_ok!(Settlement::sign_up(RuntimeOrigin::signed(2), id, terms_of(id, &legs_)));
		assert_noop!(
			Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 0),
			Error::<Test>::AwaitingSignUps
		);
		assert!(MockMessenger::sent().is_empty());
	});
}

#[test]
fn once_all_signed_up_each_peer_leg_is_ordered_to_lock_by_the_deadline() {
	build_and_execute(|| {
		let id = sid(1);
		assert_eq!(Settlement::orders_due(&id), vec![]);
		let legs_ = dvp_legs();
		let terms = propose_and_sign_up(id, &legs_);
		assert_eq!(Settlement::orders_due(&id), vec![(P, 1)]);
		assert_ok!(Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 7));
		let (message, prepare) = order(0);
		assert_eq!((message.destination, message.app_id, message.fee), (P, SETTLEMENT_APP, 7));
		assert_eq!(message.timeout, Timeout { height: 0, timestamp: deadline() });
		assert_eq!(prepare, SettlementOrder::new(OrderKind::Prepare, id, 0, &legs_[0], terms));
		assert_eq!(state(id), (Phase::Preparing, vec![LegState::Preparing, LegState::Prepared]));
		assert_eq!(Settlements::<Test>::get(id).unwrap().legs[0].prepare_nonce, Some(1));
		// The decision waits for the answer; a second advance is refused.
		assert_noop!(
			Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 0),
			Error::<Test>::AwaitingAnswers
		);
		assert_noop!(
			Settlement::sign_up(RuntimeOrigin::signed(2), id, terms),
			Error::<Test>::WrongPhase
		);
	});
}

#[test]
fn every_leg_prepared_commits_and_each_chain_is_paid_once() {
	build_and_execute(|| {
		let id = sid(1);
		dvp_preparing(id);
		let (prepare_message, _) = order(0);
		assert_ok!(Settlement::on_outcome(&prepare_message, true, 1));
		// Committed: every leg is due the decision; nothing has moved yet.
		assert_eq!(state(id), (Phase::Committed, vec![LegState::DecisionDue; 2]));
		assert_eq!(balance(1), INITIAL_BALANCE);
		assert_eq!(Settlement::orders_due(&id), vec![(P, 1)], "the hub leg needs no order");
		// The next advance pays the hub leg to the seller's hub account and orders the commit.
		assert_ok!(Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 0));
		assert_eq!(balance(1), INITIAL_BALANCE + PRICE);
		assert_eq!(balance(Settlement::escrow_account()), ED);
		assert_eq!(state(id), (Phase::Committed, vec![LegState::DecisionSent, LegState::Settled]));
		let (commit_message, commit) = order(1);
		assert_eq!(
			commit,
			SettlementOrder::new(
				OrderKind::Commit,
				id,
				0,
				&dvp_legs()[0],
				terms_of(id, &dvp_legs())
			)
		);
		assert_eq!(
			commit_message.timeout,
			Timeout { height: 0, timestamp: START + DECISION_TIMEOUT }
		);
		// A second decision order is refused: nothing is due.
		assert_noop!(
			Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 0),
			Error::<Test>::NothingDue
		);
		assert_ok!(Settlement::on_outcome(&commit_message, true, 2));
		assert!(Settlements::<Test>::get(id).is_none(), "concluded");
		assert_eq!(Balances::balance_on_hold(&HoldReason::SettlementDeposit.into(), &PROPOSER), 0);
		let tail: Vec<_> = events().into_iter().rev().take(2).collect();
		assert_eq!(
			tail,
			vec![
				Event::Concluded { id, committed: true },
				Event::LegSettled { id, leg: 0, paid_to: peer_party(BUYER) },
			]
		);
	});
}

#[test]
fn a_refusal_aborts_and_every_leg_goes_back() {
	build_and_execute(|| {
		let id = sid(1);
		dvp_preparing(id);
		let (prepare_message, _) = order(0);
		// The seller's chain could not lock (a `Failed` receipt): nothing is locked there.
		assert_ok!(Settlement::on_outcome(&prepare_message, false, 1));
		assert_eq!(state(id), (Phase::Aborted, vec![LegState::Settled, LegState::DecisionDue]));
		assert_eq!(Settlement::orders_due(&id), vec![]);
		assert_ok!(Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 0));
		assert_eq!(balance(2), INITIAL_BALANCE, "the buyer's payment is back");
		assert_eq!(balance(1), INITIAL_BALANCE);
		assert!(Settlements::<Test>::get(id).is_none(), "nothing left to order");
		assert!(events().contains(&Event::Decided { id, committed: false }));
		assert!(events().contains(&Event::LegRefused { id, leg: 0 }));
		assert_eq!(MockMessenger::sent().len(), 1, "no abort order for a leg never locked");
	});
}

#[test]
fn an_abort_reaches_every_leg_that_may_hold_a_lock_and_is_sent_again_until_delivered() {
	build_and_execute(|| {
		let id = sid(1);
		let legs_ =
			[peer_leg(P, SELLER, BUYER, SHARES), peer_leg(Q, 0xcc, 0xdd, 9), hub_leg(2, 1, PRICE)];
		let terms = propose_and_sign_up(id, &legs_);
		assert_ok!(Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 0));
		let (prepare_p, _) = order(0);
		let (prepare_q, _) = order(1);
		// P's lock is proven; Q's order expired unexecuted (a proof of non-receipt).
		assert_ok!(Settlement::on_outcome(&prepare_p, true, 1));
		assert_ok!(Settlement::on_outcome(&prepare_q, false, 1));
		assert_eq!(
			state(id),
			(Phase::Aborted, vec![LegState::DecisionDue, LegState::Settled, LegState::DecisionDue])
		);
		assert_ok!(Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 0));
		assert_eq!(balance(2), INITIAL_BALANCE);
		assert_eq!(
			state(id),
			(Phase::Aborted, vec![LegState::DecisionSent, LegState::Settled, LegState::Settled])
		);
		let (abort_p, abort) = order(2);
		assert_eq!(abort, SettlementOrder::new(OrderKind::Abort, id, 0, &legs_[0], terms));
		// Not delivered in time: due again, and sent again with a new nonce.
		assert_ok!(Settlement::on_outcome(&abort_p, false, 2));
		assert_eq!(events().last(), Some(&Event::DecisionUndelivered { id, leg: 0 }));
		assert_ok!(Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 0));
		let (again, same) = order(3);
		assert_eq!((same, again.nonce), (abort, abort_p.nonce + 1));
		// The old order's answer is stale now; the new one's settles.
		assert_ok!(Settlement::on_outcome(&abort_p, true, 2));
		assert_eq!(
			events().last(),
			Some(&Event::AnswerIgnored {
				destination: P,
				nonce: abort_p.nonce,
				error: Error::<Test>::StaleAnswer.into()
			})
		);
		assert_ok!(Settlement::on_outcome(&again, true, 3));
		assert!(Settlements::<Test>::get(id).is_none());
		assert!(events().contains(&Event::Concluded { id, committed: false }));
	});
}

#[test]
fn a_late_answer_after_the_abort_changes_no_decision() {
	build_and_execute(|| {
		let id = sid(1);
		let legs_ = [peer_leg(P, SELLER, BUYER, SHARES), peer_leg(Q, 0xcc, 0xdd, 9)];
		propose_and_sign_up(id, &legs_);
		assert_ok!(Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 0));
		let (prepare_p, _) = order(0);
		let (prepare_q, _) = order(1);
		assert_ok!(Settlement::on_outcome(&prepare_q, false, 1));
		// P's answer is unknown at the abort: P may hold a lock, so it is due an abort order.
		assert_eq!(state(id), (Phase::Aborted, vec![LegState::DecisionDue, LegState::Settled]));
		assert_ok!(Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 0));
		// P prepared after all: the abort order, behind the prepare on the channel, returns it.
		assert_ok!(Settlement::on_outcome(&prepare_p, true, 1));
		assert_eq!(state(id), (Phase::Aborted, vec![LegState::DecisionSent, LegState::Settled]));
		assert_eq!(events().last(), Some(&Event::LegPrepared { id, leg: 0 }));
		// A refusal that arrives before the abort order goes saves sending it.
		let other = sid(2);
		propose_and_sign_up(other, &legs_);
		assert_ok!(Settlement::advance(RuntimeOrigin::signed(RELAYER), other, 0));
		let sent = MockMessenger::sent().len();
		let (prepare_p2, _) = order(sent - 2);
		let (prepare_q2, _) = order(sent - 1);
		assert_ok!(Settlement::on_outcome(&prepare_q2, false, 1));
		assert_ok!(Settlement::on_outcome(&prepare_p2, false, 1));
		assert!(Settlements::<Test>::get(other).is_none());
		assert_eq!(MockMessenger::sent().len(), sent, "no abort order was needed");
	});
}

#[test]
fn answers_the_settlement_does_not_wait_for_are_ignored_with_their_reason() {
	build_and_execute(|| {
		let id = sid(1);
		dvp_preparing(id);
		let (prepare, order_) = order(0);
		let before = Settlements::<Test>::get(id).encode();
		let ignored = |message: &TestMessage, error: Error<Test>| {
			let error = DispatchError::from(error);
			assert_eq!(Settlement::apply_answer(message, true), Err(error));
			assert_ok!(Settlement::on_outcome(message, true, 1));
			assert_eq!(
				events().last(),
				Some(&Event::AnswerIgnored {
					destination: message.destination,
					nonce: message.nonce,
					error
				})
			);
		};
		// Another settlement's order (a `Prepared` receipt for another settlement).
		let mut foreign = prepare.clone();
		foreign.payload =
			BoundedVec::truncate_from(SettlementOrder { id: sid(2), ..order_ }.abi_encode());
		ignored(&foreign, Error::<Test>::UnknownSettlement);
		// The same id's order under other terms (a settlement that used the id before).
		let mut earlier = prepare.clone();
		earlier.payload = BoundedVec::truncate_from(
			SettlementOrder { terms: H256::repeat_byte(3), ..order_ }.abi_encode(),
		);
		ignored(&earlier, Error::<Test>::StaleAnswer);
		// An older message on the channel, or the order's answer for a leg on another chain.
		ignored(
			&Message { nonce: prepare.nonce + 5, ..prepare.clone() },
			Error::<Test>::StaleAnswer,
		);
		ignored(&Message { destination: Q, ..prepare.clone() }, Error::<Test>::UnknownLeg);
		let mut other_leg = prepare.clone();
		other_leg.payload =
			BoundedVec::truncate_from(SettlementOrder { leg: 1, ..order_ }.abi_encode());
		ignored(&other_leg, Error::<Test>::UnknownLeg);
		// A commit answer before any commit was decided.
		let mut early_commit = prepare.clone();
		early_commit.payload = BoundedVec::truncate_from(
			SettlementOrder { kind: OrderKind::Commit, ..order_ }.abi_encode(),
		);
		ignored(&early_commit, Error::<Test>::StaleAnswer);
		let mut garbled = prepare.clone();
		garbled.payload = BoundedVec::truncate_from(vec![1u8; 32]);
		ignored(&garbled, Error::<Test>::InvalidPayload);
		assert_eq!(Settlements::<Test>::get(id).encode(), before, "nothing changed");
		assert_eq!(balance(Settlement::escrow_account()), ED + PRICE);
		// Peers may not order each other through the hub.
		assert_eq!(
			Settlement::on_route(&Message { source: Q, ..prepare.clone() }),
			Err(Error::<Test>::NotFromHub.into())
		);
		assert_eq!(
			Settlement::apply_answer(&Message { source: Q, ..prepare }, true),
			Err(Error::<Test>::NotFromHub.into())
		);
	});
}

#[test]
fn a_settlement_of_hub_legs_commits_as_soon_as_everyone_signs_up() {
	build_and_execute(|| {
		let id = sid(1);
		let legs_ = [hub_leg(1, 2, 300), hub_leg(2, 1, 700)];
		propose_and_sign_up(id, &legs_);
		assert_ok!(Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 0));
		assert_eq!(balance(1), INITIAL_BALANCE - 300 + 700);
		assert_eq!(balance(2), INITIAL_BALANCE + 300 - 700);
		assert!(Settlements::<Test>::get(id).is_none());
		assert!(MockMessenger::sent().is_empty());
	});
}

#[test]
fn a_deadline_that_passes_before_every_giver_signed_up_aborts_on_the_hubs_clock() {
	build_and_execute(|| {
		let id = sid(1);
		let legs_ = dvp_legs();
		propose(id, &legs_);
		assert_ok!(Settlement::sign_up(RuntimeOrigin::signed(2), id, terms_of(id, &legs_)));
		set_now(deadline());
		assert_noop!(
			Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 0),
			Error::<Test>::AwaitingSignUps
		);
		set_now(deadline() + 1);
		assert_eq!(Settlement::orders_due(&id), vec![]);
		assert_ok!(Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 0));
		assert_eq!(balance(2), INITIAL_BALANCE);
		assert!(Settlements::<Test>::get(id).is_none());
		assert!(MockMessenger::sent().is_empty(), "no order ever went out");
		assert_eq!(Balances::balance_on_hold(&HoldReason::SettlementDeposit.into(), &PROPOSER), 0);
	});
}

#[test]
fn an_order_that_cannot_be_queued_fails_the_call_and_changes_nothing() {
	build_and_execute(|| {
		let id = sid(1);
		let legs_ = dvp_legs();
		propose_and_sign_up(id, &legs_);
		MockMessenger::refuse(true);
		assert_noop!(
			Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 0),
			DispatchError::Other("queue full")
		);
	});
}

#[test]
fn a_payment_the_payee_cannot_take_now_is_kept_for_it_to_claim() {
	build_and_execute(|| {
		let id = sid(1);
		let legs_ = [hub_leg(1, 2, 300), hub_leg(2, 1, 700)];
		propose_and_sign_up(id, &legs_);
		MockTokens::block(2, true);
		assert_ok!(Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 0));
		assert!(Settlements::<Test>::get(id).is_none(), "the decision does not wait for a payee");
		assert_eq!(PayoutsDue::<Test>::get(2, TokenRef::HUB_NATIVE), 300);
		assert_eq!(Escrowed::<Test>::get(TokenRef::HUB_NATIVE), 300);
		assert!(events().contains(&Event::PayoutDeferred {
			owner: 2,
			token: TokenRef::HUB_NATIVE,
			amount: 300
		}));
		assert_noop!(
			Settlement::claim_payout(RuntimeOrigin::signed(1), TokenRef::HUB_NATIVE),
			Error::<Test>::NoPayoutDue
		);
		MockTokens::block(2, false);
		let before = balance(2);
		assert_ok!(Settlement::claim_payout(RuntimeOrigin::signed(2), TokenRef::HUB_NATIVE));
		assert_eq!(balance(2), before + 300);
		assert_eq!(Escrowed::<Test>::get(TokenRef::HUB_NATIVE), 0);
		assert_eq!(balance(Settlement::escrow_account()), ED);
	});
}

#[test]
fn a_hub_leg_in_a_wrapped_asset_goes_through_the_escrow_that_exists_by_the_native_token() {
	build_and_execute(|| {
		let id = sid(1);
		let wrapped = Leg { token: wrapped_token(), ..hub_leg(1, 2, 40) };
		let legs_ = [wrapped, hub_leg(2, 1, PRICE)];
		MockTokens::mint_wrapped(1, 100);
		propose(id, &legs_);
		let terms = terms_of(id, &legs_);
		// The escrow exists by the native token from genesis, so a wrapped asset can go in.
		assert_eq!(balance(Settlement::escrow_account()), ED);
		assert_ok!(Settlement::sign_up(RuntimeOrigin::signed(1), id, terms));
		assert_eq!(MockTokens::wrapped(Settlement::escrow_account()), 40);
		assert_ok!(Settlement::sign_up(RuntimeOrigin::signed(2), id, terms));
		assert_ok!(Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 0));
		assert_eq!((MockTokens::wrapped(1), MockTokens::wrapped(2)), (60, 40));
		assert_eq!(balance(1), INITIAL_BALANCE + PRICE);
		// Paying out the native leg did not reap the escrow.
		assert_eq!(balance(Settlement::escrow_account()), ED);
		assert_eq!(Escrowed::<Test>::iter().count(), 0);
	});
}

#[test]
fn the_upgrade_that_adds_the_pallet_endows_the_escrow_once() {
	use crate::migrations::EndowEscrow;
	use polkadot_sdk::frame_support::traits::{
		fungible::Mutate,
		tokens::{Fortitude, Precision, Preservation},
		OnRuntimeUpgrade,
	};
	new_test_ext().execute_with(|| {
		let escrow = Settlement::escrow_account();
		// A chain that gained the pallet by an upgrade: no genesis ran for it.
		assert_ok!(Balances::burn_from(
			&escrow,
			ED,
			Preservation::Expendable,
			Precision::Exact,
			Fortitude::Force
		));
		assert_eq!(balance(escrow), 0);
		EndowEscrow::<Test>::on_runtime_upgrade();
		assert_eq!(balance(escrow), ED);
		let issuance = Balances::total_issuance();
		EndowEscrow::<Test>::on_runtime_upgrade();
		assert_eq!((balance(escrow), Balances::total_issuance()), (ED, issuance));
	});
}
