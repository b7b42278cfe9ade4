//! Benchmarks of every call and of the message handler's paths, with the runtime's real
//! messenger and tokens; `l` legs, each the costliest kind for the path measured.

use crate::*;
use fusion_hub_primitives::{
	message::{account_to_bytes32, Message, Timeout, HUB_CHAIN_ID},
	settlement::{terms_hash, HubTokens, OrderKind, SettlementOrder},
	ChainId, MessageHandler, SendMessage, TokenRef,
};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{assert_ok, traits::fungible::Mutate},
	frame_system::RawOrigin,
	sp_core::H256,
};

const PEER: ChainId = 2_000;
const AMOUNT: u128 = 1_000_000_000_000;

/// A funded hub account.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&who, AMOUNT * 1_000);
	who
}

/// A leg on the hub from `from` to `to`.
fn hub_leg<T: Config>(from: &T::AccountId, to: &T::AccountId) -> Leg {
	Leg {
		chain: HUB_CHAIN_ID,
		token: TokenRef::HUB_NATIVE,
		from: account_to_bytes32(from),
		to: account_to_bytes32(to),
		amount: AMOUNT,
	}
}

/// A leg on the peer from its party `from`.
fn peer_leg(from: u8) -> Leg {
	Leg {
		chain: PEER,
		token: TokenRef { home: PEER, id: H256::repeat_byte(0xee) },
		from: H256::repeat_byte(from),
		to: H256::repeat_byte(0xbb),
		amount: AMOUNT,
	}
}

fn deadline<T: Config>() -> u64 {
	Pallet::<T>::now_ms().saturating_add(T::MaxDeadlineMillis::get() / 2)
}

fn id() -> SettlementId {
	H256::repeat_byte(0x5e)
}

/// Proposes `legs` as settlement [`id`].
fn proposed<T: Config>(legs: alloc::vec::Vec<Leg>) -> H256 {
	let proposer = funded::<T>("proposer", 0);
	let deadline = deadline::<T>();
	let terms = terms_hash(&id(), deadline, &legs);
	assert_ok!(Pallet::<T>::propose(
		RawOrigin::Signed(proposer).into(),
		id(),
		BoundedVec::truncate_from(legs),
		deadline
	));
	terms
}

/// Signs up every giver of settlement [`id`]: hub accounts by call, peer parties by message.
fn all_signed_up<T: Config>(terms: H256) {
	let settlement = Settlements::<T>::get(id()).expect("proposed");
	for record in settlement.legs.iter() {
		if record.state != LegState::AwaitingSignUp {
			continue;
		}
		if record.leg.chain == HUB_CHAIN_ID {
			let who = Pallet::<T>::hub_account(&record.leg.from).expect("a hub account");
			assert_ok!(Pallet::<T>::sign_up(RawOrigin::Signed(who).into(), id(), terms));
		} else {
			assert_ok!(Pallet::<T>::sign_up_by_message(
				record.leg.chain,
				record.leg.from,
				id(),
				terms
			));
		}
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// One hub leg and `l - 1` peer legs, each checked against the registry.
	#[benchmark]
	fn propose(l: Linear<2, { T::MaxLegs::get() }>) {
		assert_ok!(T::Messenger::open_destination_for_benchmarks(PEER));
		let proposer = funded::<T>("proposer", 0);
		let (giver, taker) = (funded::<T>("giver", 0), funded::<T>("taker", 0));
		let mut legs = alloc::vec![hub_leg::<T>(&giver, &taker)];
		legs.extend((1..l).map(|n| peer_leg(n as u8)));
		let legs = BoundedVec::truncate_from(legs);
		let deadline = deadline::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(proposer), id(), legs, deadline);

		assert!(Settlements::<T>::contains_key(id()));
	}

	/// A party giving all `l` legs, each in a wrapped asset of its own (the costlier kind to
	/// move) and locked in escrow.
	#[benchmark]
	fn sign_up(l: Linear<2, { T::MaxLegs::get() }>) -> Result<(), BenchmarkError> {
		let giver = funded::<T>("giver", 0);
		let legs = (0..l)
			.map(|n| {
				let token = T::Tokens::wrapped_token_for_benchmarks(n, &giver, AMOUNT)?;
				Ok(Leg { token, ..hub_leg::<T>(&giver, &funded::<T>("taker", n)) })
			})
			.collect::<Result<_, BenchmarkError>>()?;
		let terms = proposed::<T>(legs);

		#[extrinsic_call]
		_(RawOrigin::Signed(giver), id(), terms);

		let settlement = Settlements::<T>::get(id()).expect("in progress");
		assert!(settlement.legs.iter().all(|record| record.state == LegState::SignedUp));
		Ok(())
	}

	/// A peer party giving all `l` legs signs up by message.
	#[benchmark]
	fn sign_up_by_message(l: Linear<2, { T::MaxLegs::get() }>) {
		assert_ok!(T::Messenger::open_destination_for_benchmarks(PEER));
		let terms = proposed::<T>((0..l).map(|_| peer_leg(0xaa)).collect());
		let message = Message::<T::MaxPayload> {
			source: PEER,
			destination: HUB_CHAIN_ID,
			nonce: 1,
			sender: H256::repeat_byte(0xaa),
			app_id: SETTLEMENT_APP,
			payload: BoundedVec::truncate_from(SignUp { id: id(), terms }.abi_encode()),
			timeout: Timeout { height: 0, timestamp: deadline::<T>() },
			fee: 0,
		};

		#[block]
		{
			assert_ok!(<Pallet<T> as MessageHandler<T::MaxPayload>>::on_receive(&message));
		}

		let settlement = Settlements::<T>::get(id()).expect("in progress");
		assert!(settlement.legs.iter().all(|record| record.state == LegState::SignedUp));
	}

	/// `l` prepare orders, one per peer leg, through the real messenger.
	#[benchmark(pov_mode = MaxEncodedLen { CrossChainMessages::OutboundLeaves: Measured })]
	fn advance(l: Linear<2, { T::MaxLegs::get() }>) {
		assert_ok!(T::Messenger::open_destination_for_benchmarks(PEER));
		let terms = proposed::<T>((0..l).map(|n| peer_leg(n as u8)).collect());
		all_signed_up::<T>(terms);
		let payer = funded::<T>("relayer", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(payer), id(), 1);

		let settlement = Settlements::<T>::get(id()).expect("in progress");
		assert!(settlement.legs.iter().all(|record| record.state == LegState::Preparing));
	}

	/// `l` hub legs, each in a wrapped asset of its own, all signed up: the same `advance`
	/// commits and pays every leg to its counterparty, and the settlement concludes.
	#[benchmark]
	fn advance_paying(l: Linear<2, { T::MaxLegs::get() }>) -> Result<(), BenchmarkError> {
		let legs: alloc::vec::Vec<Leg> = (0..l)
			.map(|n| {
				let giver = funded::<T>("giver", n);
				let token = T::Tokens::wrapped_token_for_benchmarks(n, &giver, AMOUNT)?;
				Ok(Leg { token, ..hub_leg::<T>(&giver, &funded::<T>("taker", n)) })
			})
			.collect::<Result<_, BenchmarkError>>()?;
		let terms = proposed::<T>(legs.clone());
		all_signed_up::<T>(terms);
		let payer = funded::<T>("relayer", 0);
		let taker = Pallet::<T>::hub_account(&legs[0].to).expect("a hub account");
		let held = T::Tokens::balance(&legs[0].token, &taker);

		#[extrinsic_call]
		advance(RawOrigin::Signed(payer), id(), 0);

		assert!(!Settlements::<T>::contains_key(id()));
		assert_eq!(T::Tokens::balance(&legs[0].token, &taker), held + AMOUNT);
		Ok(())
	}

	/// The last peer leg prepared, `l - 1` hub legs besides: the settlement commits.
	#[benchmark]
	fn answer(l: Linear<2, { T::MaxLegs::get() }>) {
		assert_ok!(T::Messenger::open_destination_for_benchmarks(PEER));
		let mut legs = alloc::vec![peer_leg(0xaa)];
		legs.extend(
			(1..l).map(|n| hub_leg::<T>(&funded::<T>("giver", n), &funded::<T>("taker", n))),
		);
		let terms = proposed::<T>(legs.clone());
		all_signed_up::<T>(terms);
		assert_ok!(Pallet::<T>::advance(
			RawOrigin::Signed(funded::<T>("relayer", 0)).into(),
			id(),
			0
		));
		let nonce = Settlements::<T>::get(id()).and_then(|s| s.legs[0].prepare_nonce);
		let order = SettlementOrder::new(OrderKind::Prepare, id(), 0, &legs[0], terms);
		let message = Message::<T::MaxPayload> {
			source: HUB_CHAIN_ID,
			destination: PEER,
			nonce: nonce.expect("sent"),
			sender: H256::zero(),
			app_id: SETTLEMENT_APP,
			payload: BoundedVec::truncate_from(order.abi_encode()),
			timeout: Timeout { height: 0, timestamp: deadline::<T>() },
			fee: 0,
		};

		#[block]
		{
			assert_ok!(Pallet::<T>::apply_answer(&message, true));
		}

		let settlement = Settlements::<T>::get(id()).expect("a decision order is due");
		assert_eq!(settlement.phase, Phase::Committed);
	}

	/// A deferred payment in a wrapped asset.
	#[benchmark]
	fn claim_payout() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let escrow = Pallet::<T>::escrow_account();
		T::Currency::set_balance(&escrow, AMOUNT);
		let token = T::Tokens::wrapped_token_for_benchmarks(0, &escrow, AMOUNT)?;
		Escrowed::<T>::insert(token, AMOUNT);
		PayoutsDue::<T>::insert(&owner, token, AMOUNT);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), token);

		assert_eq!(PayoutsDue::<T>::get(&owner, token), 0);
		assert_eq!(T::Tokens::balance(&token, &owner), AMOUNT);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
