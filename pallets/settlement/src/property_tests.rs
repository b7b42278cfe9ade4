//! All or nothing, whatever happens: random settlements of 2 to 4 legs over the hub and two
//! simulated peers, random sign-ups, refusals, lost and late messages, receipts in any order and
//! deadlines. After every step no settlement has one leg paid to its counterparty and another
//! back with its owner, and every book balances; at the end every settlement has concluded with
//! every leg paid, or every leg back.

use crate::{mock::*, pallet::*};
use fusion_hub_primitives::{
	message::HUB_CHAIN_ID,
	settlement::{Leg, OrderKind, SettlementOrder},
	ChainId, MessageHandler, TokenRef,
};
use polkadot_sdk::{frame_support::traits::fungible::Inspect, sp_core::H256};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// What a simulated peer's gateway did with a leg.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum PeerLock {
	/// The value is held for the settlement.
	Locked,
	/// Paid to the counterparty.
	Released,
	/// Back with its owner.
	Returned,
	/// Aborted before anything was locked: never to be locked.
	Closed,
}

/// The peers' side: balances of each party in each peer's token, the gateways' locks, and the
/// next nonce each gateway executes (channels are ordered).
#[derive(Default)]
struct Peers {
	balances: BTreeMap<(ChainId, H256), u128>,
	locks: BTreeMap<u8, PeerLock>,
	next_nonce: BTreeMap<ChainId, u64>,
	/// Receipts not yet brought to the hub: the order and whether it was delivered.
	receipts: Vec<(TestMessage, bool)>,
	/// Legs whose giver's gateway refuses to lock (a frozen account, say).
	refusing: BTreeSet<u8>,
}

const PEER_BALANCE: u128 = 1_000;

impl Peers {
	fn total(&self, chain: ChainId, legs: &[Leg]) -> u128 {
		let held: u128 =
			self.balances.iter().filter(|((c, _), _)| *c == chain).map(|(_, b)| *b).sum();
		let locked: u128 = self
			.locks
			.iter()
			.filter(|(leg, lock)| **lock == PeerLock::Locked && legs[**leg as usize].chain == chain)
			.map(|(leg, _)| legs[*leg as usize].amount)
			.sum();
		held + locked
	}

	/// The next order the hub sent `chain` that its gateway has not taken.
	fn next_order(&self, chain: ChainId) -> Option<TestMessage> {
		let nonce = self.next_nonce.get(&chain).copied().unwrap_or(1);
		MockMessenger::sent()
			.into_iter()
			.find(|message| message.destination == chain && message.nonce == nonce)
	}

	/// The gateway of `chain` takes its next order: executes it, or skips it as expired on its
	/// clock (`now`). The receipt waits for a relayer.
	fn take_next(&mut self, chain: ChainId, now: u64, legs: &[Leg]) -> bool {
		let Some(message) = self.next_order(chain) else { return false };
		*self.next_nonce.entry(chain).or_insert(1) += 1;
		if now > message.timeout.timestamp {
			self.receipts.push((message, false));
			return true;
		}
		let order = SettlementOrder::abi_decode(&message.payload).expect("an order");
		let leg = legs[order.leg as usize];
		assert_eq!(
			(leg.from, leg.to, leg.amount, leg.chain),
			(order.from, order.to, order.amount, chain)
		);
		let lock = self.locks.get(&order.leg).copied();
		let executed = match order.kind {
			OrderKind::Prepare => {
				let balance = self.balances.entry((chain, leg.from)).or_insert(PEER_BALANCE);
				if lock.is_none() && *balance >= leg.amount && !self.refusing.contains(&order.leg) {
					*balance -= leg.amount;
					self.locks.insert(order.leg, PeerLock::Locked);
					true
				} else {
					false
				}
			},
			OrderKind::Commit => {
				assert_eq!(
					lock,
					Some(PeerLock::Locked),
					"a commit reached a leg that is not locked"
				);
				*self.balances.entry((chain, leg.to)).or_insert(PEER_BALANCE) += leg.amount;
				self.locks.insert(order.leg, PeerLock::Released);
				true
			},
			OrderKind::Abort => match lock {
				Some(PeerLock::Locked) => {
					*self.balances.entry((chain, leg.from)).or_insert(PEER_BALANCE) += leg.amount;
					self.locks.insert(order.leg, PeerLock::Returned);
					true
				},
				None => {
					self.locks.insert(order.leg, PeerLock::Closed);
					true
				},
				Some(other) => panic!("an abort reached a leg that is {other:?}"),
			},
		};
		self.receipts.push((message, executed));
		true
	}
}

/// A leg as the strategy draws it.
fn leg_strategy() -> impl Strategy<Value = Leg> {
	(0u32..3, 1u64..=3, 1u64..=2, 10u128..=600).prop_map(|(chain, from, step, amount)| {
		let to = (from + step - 1) % 3 + 1;
		match chain {
			0 => hub_leg(from, to, amount),
			n => peer_leg(if n == 1 { P } else { Q }, from as u8, to as u8, amount),
		}
	})
}

#[derive(Clone, Debug)]
struct Scenario {
	legs: Vec<Leg>,
	/// Which givers sign up (by leg index; a giver of several legs signs once for all).
	signs: Vec<bool>,
	refusing: Vec<bool>,
	steps: Vec<(u8, u8)>,
}

fn scenario() -> impl Strategy<Value = Scenario> {
	(2usize..=4)
		.prop_flat_map(|count| {
			(
				proptest::collection::vec(leg_strategy(), count),
				proptest::collection::vec(proptest::bool::weighted(0.95), count),
				proptest::collection::vec(proptest::bool::weighted(0.1), count),
				proptest::collection::vec((0u8..8, any::<u8>()), 10..80),
			)
		})
		.prop_map(|(legs, signs, refusing, steps)| Scenario { legs, signs, refusing, steps })
}

const RELAYER: u64 = 4;
const PROPOSER: u64 = 4;

fn now() -> u64 {
	polkadot_sdk::pallet_timestamp::Now::<Test>::get()
}

fn sign_up_leg(scenario: &Scenario, index: usize) {
	let id = sid(1);
	let leg = scenario.legs[index];
	let terms = Settlements::<Test>::get(id).map(|settlement| settlement.terms);
	let Some(terms) = terms else { return };
	let _ = if leg.chain == HUB_CHAIN_ID {
		let who = u64::from_le_bytes(leg.from.as_bytes()[..8].try_into().unwrap());
		Settlement::sign_up(RuntimeOrigin::signed(who), id, terms).map(|_| ()).map_err(|e| e.error)
	} else {
		Settlement::on_receive(&sign_up_message(leg.chain, leg.from, id, terms))
	};
}

/// Hub legs' outcomes, from the events: paid to the counterparty, or to (left with) the owner.
fn hub_outcomes(legs: &[Leg]) -> BTreeMap<u8, bool> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Settlement(Event::LegSettled { leg, paid_to, .. })
				if legs[leg as usize].chain == HUB_CHAIN_ID =>
			{
				Some((leg, paid_to == legs[leg as usize].to))
			},
			_ => None,
		})
		.collect()
}

/// After every step: nothing is paid one way while something goes back, and the books balance.
fn check(legs: &[Leg], peers: &Peers, hub_issuance: u128) {
	let mut paid = hub_outcomes(legs).values().filter(|paid| **paid).count();
	let mut back = hub_outcomes(legs).values().filter(|paid| !**paid).count();
	for lock in peers.locks.values() {
		match lock {
			PeerLock::Released => paid += 1,
			PeerLock::Returned | PeerLock::Closed => back += 1,
			PeerLock::Locked => {},
		}
	}
	assert!(paid == 0 || back == 0, "{paid} legs paid and {back} back");
	for chain in [P, Q] {
		let start = peers.balances.keys().filter(|(c, _)| *c == chain).count() as u128;
		assert_eq!(peers.total(chain, legs), start * PEER_BALANCE, "peer {chain}'s books");
	}
	// The escrow's existential deposit, minted at its first sign-up, is the only new FUSE.
	assert!([hub_issuance, hub_issuance + ED].contains(&Balances::total_issuance()));
	Settlement::do_try_state().expect("the hub's books");
}

fn run(scenario: Scenario) {
	new_test_ext().execute_with(|| {
		let id = sid(1);
		let legs = scenario.legs.clone();
		let issuance = Balances::total_issuance();
		let mut peers = Peers::default();
		for leg in legs.iter().filter(|leg| leg.chain != HUB_CHAIN_ID) {
			peers.balances.entry((leg.chain, leg.from)).or_insert(PEER_BALANCE);
			peers.balances.entry((leg.chain, leg.to)).or_insert(PEER_BALANCE);
		}
		peers.refusing =
			(0..legs.len() as u8).filter(|leg| scenario.refusing[*leg as usize]).collect();
		let deadline = now() + 20_000;
		if Settlement::propose(
			RuntimeOrigin::signed(PROPOSER),
			id,
			crate::mock::legs(&legs),
			deadline,
		)
		.is_err()
		{
			// Two legs of one giver summing above its balance, say: nothing to check.
			return;
		}
		for (action, pick) in scenario.steps.iter().copied() {
			let chain = if pick % 2 == 0 { P } else { Q };
			match action {
				// A giver that does not sign up never does; one that does, at a random step.
				0 if scenario.signs[pick as usize % legs.len()] => {
					sign_up_leg(&scenario, pick as usize % legs.len())
				},
				1 => {
					let _ = Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 0);
				},
				2 | 3 => {
					peers.take_next(chain, now(), &legs);
				},
				4 | 5 if !peers.receipts.is_empty() => {
					let (message, delivered) =
						peers.receipts.remove(pick as usize % peers.receipts.len());
					Settlement::on_outcome(&message, delivered, 1).expect("outcomes never fail");
				},
				_ => set_now(now() + u64::from(pick) * 10),
			}
			check(&legs, &peers, issuance);
		}
		// Then the willing givers sign up, every message goes through and anyone advances: first
		// on the clock where the steps left it, then past the deadline, until the end.
		for index in (0..legs.len()).filter(|index| scenario.signs[*index]) {
			sign_up_leg(&scenario, index);
		}
		for round in 0..20 {
			if round == 3 {
				set_now(now().max(deadline + 1));
			}
			let _ = Settlement::advance(RuntimeOrigin::signed(RELAYER), id, 0);
			while peers.take_next(P, now(), &legs) || peers.take_next(Q, now(), &legs) {}
			while let Some((message, delivered)) = peers.receipts.pop() {
				Settlement::on_outcome(&message, delivered, 1).expect("outcomes never fail");
			}
			check(&legs, &peers, issuance);
			if !Settlements::<Test>::contains_key(id) {
				break;
			}
		}
		assert!(!Settlements::<Test>::contains_key(id), "the settlement concluded");
		assert!(peers.locks.values().all(|lock| *lock != PeerLock::Locked), "no lock left");
		assert_eq!(Escrowed::<Test>::get(TokenRef::HUB_NATIVE), 0);
		assert!(Balances::balance(&Settlement::escrow_account()) <= ED, "only the escrow's own ED");
		let committed = System::events().into_iter().find_map(|record| match record.event {
			RuntimeEvent::Settlement(Event::Concluded { committed, .. }) => Some(committed),
			_ => None,
		});
		let hub = hub_outcomes(&legs);
		for (index, leg) in legs.iter().enumerate() {
			let paid = if leg.chain == HUB_CHAIN_ID {
				hub.get(&(index as u8)).copied()
			} else {
				Some(peers.locks.get(&(index as u8)) == Some(&PeerLock::Released))
			};
			assert_eq!(paid, committed, "leg {index} of {legs:?}");
		}
	});
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(512))]

	#[test]
	fn every_settlement_ends_all_paid_or_all_back(scenario in scenario()) {
		run(scenario);
	}
}
