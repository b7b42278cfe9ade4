//! Transfers out, in and through the hub, refunds, HTLCs, limits and pauses, each rejection with
//! its exact error; and random sequences that must keep the books.

use crate::{mock::*, *};
use fusion_hub_primitives::{
	message::{Timeout, TransferPayload, HUB_CHAIN_ID},
	MessageHandler, TokenRef,
};
use polkadot_sdk::{
	frame_support::storage::with_storage_layer,
	frame_support::{
		assert_noop, assert_ok,
		traits::{
			fungible::Inspect as _, fungibles::metadata::Inspect as _, fungibles::Inspect as _,
		},
	},
	sp_core::H256,
	sp_io::hashing::sha2_256,
	sp_runtime::{DispatchError, TokenError},
};

const ALICE: u64 = 1;
const BOB: u64 = 2;
const NATIVE: TokenRef = TokenRef::HUB_NATIVE;

fn timeout() -> Timeout {
	Timeout { height: 50, timestamp: 0 }
}

fn transfer_out(who: u64, token: TokenRef, amount: u128, destination: u32) -> DispatchResult {
	AssetLock::transfer_out(
		RuntimeOrigin::signed(who),
		token,
		amount,
		destination,
		H256::repeat_byte(0xbe),
		timeout(),
		0,
	)
}

use polkadot_sdk::sp_runtime::DispatchResult;

/// Reports the `index`-th message the hub sent as delivered.
fn delivered(index: usize) {
	assert_ok!(AssetLock::on_outcome(&MockMessenger::sent()[index], true, 1));
}

/// Brings `amount` of A's token 1 to `who` on the hub; returns its wrapped asset id.
fn arrive_from_a(who: u64, amount: u128) -> u32 {
	assert_ok!(AssetLock::on_receive(&transfer(
		A,
		HUB_CHAIN_ID,
		token(A, 1),
		amount,
		account(who)
	)));
	WrappedIds::<Test>::get(token(A, 1)).expect("wrapped")
}

#[test]
fn the_native_token_is_escrowed_for_its_destination() {
	build_and_execute(|| {
		assert_ok!(transfer_out(ALICE, NATIVE, 1_000, B));
		assert_eq!(Balances::balance(&ALICE), INITIAL_BALANCE - 1_000);
		assert_eq!(Balances::balance(&AssetLock::escrow_account()), ED + 1_000);
		// In flight until B's receipt: B cannot redeem it yet.
		assert_eq!(InFlight::<Test>::get(NATIVE), 1_000);
		assert_eq!(Escrowed::<Test>::get(B, NATIVE), 0);
		let sent = MockMessenger::sent();
		assert_eq!(sent.len(), 1);
		assert_eq!(sent[0].destination, B);
		assert_eq!(sent[0].sender, account(ALICE));
		let payload = TransferPayload::abi_decode(&sent[0].payload).unwrap();
		assert_eq!(payload.token, NATIVE);
		assert_eq!(payload.amount, 1_000);
		assert_eq!(payload.beneficiary, H256::repeat_byte(0xbe));
		assert_eq!(payload.decimals, 12);
		System::assert_last_event(
			Event::TransferSent {
				sender: ALICE,
				token: NATIVE,
				amount: 1_000,
				destination: B,
				beneficiary: H256::repeat_byte(0xbe),
				nonce: 1,
			}
			.into(),
		);
		assert_eq!(
			AssetLock::native_escrow_owed(),
			Balances::balance(&AssetLock::escrow_account())
		);
		delivered(0);
		assert_eq!(InFlight::<Test>::get(NATIVE), 0);
		assert_eq!(Escrowed::<Test>::get(B, NATIVE), 1_000);
		// Reported twice, it is refused (the messaging pallet reports each message once).
		assert_noop!(
			AssetLock::on_outcome(&MockMessenger::sent()[0], true, 1),
			Error::<Test>::ExceedsInFlight
		);
	});
}

#[test]
fn transfers_out_are_refused_cleanly() {
	build_and_execute(|| {
		assert_noop!(transfer_out(ALICE, NATIVE, 0, B), Error::<Test>::ZeroAmount);
		assert_noop!(
			transfer_out(ALICE, NATIVE, 5, HUB_CHAIN_ID),
			Error::<Test>::InvalidDestination
		);
		assert_noop!(transfer_out(ALICE, token(A, 1), 5, A), Error::<Test>::UnknownAsset);
		assert_noop!(
			transfer_out(ALICE, token(HUB_CHAIN_ID, 3), 5, A),
			Error::<Test>::UnknownAsset
		);
		// Keeping Alice alive, she can send all but the existential deposit.
		assert_noop!(
			transfer_out(ALICE, NATIVE, INITIAL_BALANCE - ED + 1, B),
			Error::<Test>::InsufficientBalance
		);
		assert_noop!(transfer_out(5, NATIVE, 1, B), Error::<Test>::InsufficientBalance);
		// The message cannot be queued: nothing is locked.
		MockMessenger::refuse(true);
		assert_noop!(transfer_out(ALICE, NATIVE, 5, B), DispatchError::Other("queue full"));
		assert_noop!(
			AssetLock::transfer_out(
				RuntimeOrigin::none(),
				NATIVE,
				5,
				B,
				H256::zero(),
				timeout(),
				0
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_token_arriving_from_home_is_minted_as_a_wrapped_asset() {
	build_and_execute(|| {
		let id = arrive_from_a(BOB, 700);
		assert_eq!(id, FIRST_WRAPPED);
		assert_eq!(Assets::balance(id, BOB), 700);
		assert_eq!(Assets::total_issuance(id), 700);
		assert_eq!(LockedAtHome::<Test>::get(token(A, 1)), 700);
		assert_eq!(WrappedAssets::<Test>::get(id), Some(token(A, 1)));
		assert_eq!(Assets::name(id), b"Wrapped chain 1 asset".to_vec());
		assert_eq!(Assets::symbol(id), b"0x01".to_vec());
		assert_eq!(Assets::decimals(id), 6);
		System::assert_has_event(
			Event::WrappedAssetCreated { asset_id: id, token: token(A, 1) }.into(),
		);
		// The next arrival reuses it; another token gets the next id.
		assert_eq!(arrive_from_a(ALICE, 300), id);
		assert_ok!(AssetLock::on_receive(&transfer(A, HUB_CHAIN_ID, token(A, 2), 1, account(BOB))));
		assert_eq!(WrappedIds::<Test>::get(token(A, 2)), Some(FIRST_WRAPPED + 1));
	});
}

#[test]
fn a_squatted_wrapped_id_is_skipped() {
	build_and_execute(|| {
		assert_ok!(Assets::force_create(RuntimeOrigin::root(), FIRST_WRAPPED, ALICE, true, 1));
		assert_eq!(arrive_from_a(BOB, 5), FIRST_WRAPPED + 1);
		for id in FIRST_WRAPPED + 2..FIRST_WRAPPED + 2 + 16 {
			assert_ok!(Assets::force_create(RuntimeOrigin::root(), id, ALICE, true, 1));
		}
		// As the messaging pallet runs it: in its own storage layer, undone on failure.
		assert_noop!(
			polkadot_sdk::frame_support::storage::with_storage_layer(|| AssetLock::on_receive(
				&transfer(A, HUB_CHAIN_ID, token(A, 2), 5, account(BOB))
			)),
			Error::<Test>::WrappedIdUnavailable
		);
	});
}

#[test]
fn a_wrapped_token_is_burned_going_home_and_escrowed_going_elsewhere() {
	build_and_execute(|| {
		let id = arrive_from_a(BOB, 1_000);
		assert_ok!(transfer_out(BOB, token(A, 1), 400, A));
		assert_eq!(Assets::balance(id, BOB), 600);
		assert_eq!(LockedAtHome::<Test>::get(token(A, 1)), 1_000);
		delivered(0);
		assert_eq!(LockedAtHome::<Test>::get(token(A, 1)), 600);
		// To C: burned here, C can redeem it once delivered.
		assert_ok!(transfer_out(BOB, token(A, 1), 100, C));
		assert_eq!(Assets::total_issuance(id), 500);
		delivered(1);
		assert_eq!(Escrowed::<Test>::get(C, token(A, 1)), 100);
		assert_eq!(LockedAtHome::<Test>::get(token(A, 1)), 600);
		assert_noop!(transfer_out(BOB, token(A, 1), 501, A), Error::<Test>::InsufficientBalance);
	});
}

#[test]
fn a_chain_redeems_no_more_than_it_received() {
	build_and_execute(|| {
		assert_ok!(transfer_out(ALICE, NATIVE, 1_000, B));
		// Not yet delivered: nothing to redeem.
		assert_noop!(
			AssetLock::on_receive(&transfer(B, HUB_CHAIN_ID, NATIVE, 1, account(BOB))),
			Error::<Test>::ExceedsEscrow
		);
		delivered(0);
		// B sends 600 native back to Bob: released from escrow.
		assert_ok!(AssetLock::on_receive(&transfer(B, HUB_CHAIN_ID, NATIVE, 600, account(BOB))));
		assert_eq!(Balances::balance(&BOB), INITIAL_BALANCE + 600);
		assert_eq!(Escrowed::<Test>::get(B, NATIVE), 400);
		// B cannot redeem more than the rest; C never received any.
		assert_noop!(
			AssetLock::on_receive(&transfer(B, HUB_CHAIN_ID, NATIVE, 401, account(BOB))),
			Error::<Test>::ExceedsEscrow
		);
		assert_noop!(
			AssetLock::on_receive(&transfer(C, HUB_CHAIN_ID, NATIVE, 1, account(BOB))),
			Error::<Test>::ExceedsEscrow
		);
		// Nor can C pass off A's token.
		assert_noop!(
			AssetLock::on_receive(&transfer(C, HUB_CHAIN_ID, token(A, 1), 1, account(BOB))),
			Error::<Test>::ExceedsEscrow
		);
	});
}

#[test]
fn inbound_payloads_are_checked() {
	build_and_execute(|| {
		let mut message = transfer(A, HUB_CHAIN_ID, token(A, 1), 5, account(BOB));
		message.payload.truncate(100);
		assert_noop!(AssetLock::on_receive(&message), Error::<Test>::InvalidPayload);
		let zero = transfer(A, HUB_CHAIN_ID, token(A, 1), 0, account(BOB));
		assert_noop!(AssetLock::on_receive(&zero), Error::<Test>::ZeroAmount);
		// A native release too small for a new account fails; nothing moves.
		assert_ok!(transfer_out(ALICE, NATIVE, 1_000, B));
		delivered(0);
		let dust = transfer(B, HUB_CHAIN_ID, NATIVE, ED - 1, account(7));
		assert!(AssetLock::on_receive(&dust).is_err());
	});
}

#[test]
fn a_transfer_that_was_not_delivered_is_refunded() {
	build_and_execute(|| {
		assert_ok!(transfer_out(ALICE, NATIVE, 1_000, B));
		delivered(0);
		assert_eq!(Escrowed::<Test>::get(B, NATIVE), 1_000);

		assert_ok!(transfer_out(ALICE, NATIVE, 300, B));
		let sent = MockMessenger::sent()[1].clone();
		assert_ok!(AssetLock::on_outcome(&sent, false, 1));
		assert_eq!(Balances::balance(&ALICE), INITIAL_BALANCE - 1_000);
		assert_eq!(Escrowed::<Test>::get(B, NATIVE), 1_000);
		System::assert_last_event(
			Event::TransferRefunded { sender: ALICE, token: NATIVE, amount: 300, destination: B }
				.into(),
		);

		// A wrapped token burned on the way home is minted back.
		let id = arrive_from_a(BOB, 50);
		assert_ok!(transfer_out(BOB, token(A, 1), 50, A));
		assert_eq!(Assets::balance(id, BOB), 0);
		let sent = MockMessenger::sent()[2].clone();
		assert_ok!(AssetLock::on_outcome(&sent, false, 1));
		assert_eq!(Assets::balance(id, BOB), 50);
		assert_eq!(LockedAtHome::<Test>::get(token(A, 1)), 50);
		assert_eq!(InFlight::<Test>::get(token(A, 1)), 0);
	});
}

#[test]
fn a_refund_that_cannot_be_paid_is_kept_for_its_owner() {
	build_and_execute(|| {
		assert_ok!(transfer_out(ALICE, NATIVE, ED - 1, B));
		// Alice empties her account: a refund below the existential deposit cannot recreate it.
		assert_ok!(Balances::transfer_all(RuntimeOrigin::signed(ALICE), 3, false));
		assert_eq!(Balances::balance(&ALICE), 0);
		assert_ok!(AssetLock::on_outcome(&MockMessenger::sent()[0], false, 1));
		assert_eq!(RefundsDue::<Test>::get(ALICE, NATIVE), ED - 1);
		System::assert_has_event(
			Event::RefundDeferred { owner: ALICE, token: NATIVE, amount: ED - 1 }.into(),
		);
		assert_eq!(
			AssetLock::native_escrow_owed(),
			Balances::balance(&AssetLock::escrow_account())
		);
		// Still too little to recreate the account: the claim fails and keeps the refund.
		assert!(AssetLock::claim_refund(RuntimeOrigin::signed(ALICE), NATIVE).is_err());
		assert_eq!(RefundsDue::<Test>::get(ALICE, NATIVE), ED - 1);
		// Once the account exists again, the refund is paid, once.
		assert_ok!(Balances::transfer_keep_alive(RuntimeOrigin::signed(BOB), ALICE, 100));
		assert_ok!(AssetLock::claim_refund(RuntimeOrigin::signed(ALICE), NATIVE));
		assert_eq!(Balances::balance(&ALICE), 100 + ED - 1);
		System::assert_last_event(
			Event::RefundClaimed { owner: ALICE, token: NATIVE, amount: ED - 1 }.into(),
		);
		assert_noop!(
			AssetLock::claim_refund(RuntimeOrigin::signed(ALICE), NATIVE),
			Error::<Test>::NoRefundDue
		);
	});
}

#[test]
fn routed_transfers_move_claims_between_chains() {
	build_and_execute(|| {
		let route = |from, to, amount| {
			let message = transfer(from, to, token(A, 1), amount, H256::zero());
			AssetLock::on_route(&message).map(|_| message)
		};
		// A's token, from A to C: A locked it; C can redeem it once delivered.
		let a_to_c = route(A, C, 500).unwrap();
		assert_eq!(LockedAtHome::<Test>::get(token(A, 1)), 500);
		assert_eq!(InFlight::<Test>::get(token(A, 1)), 500);
		assert_noop!(route(C, B, 1), Error::<Test>::ExceedsEscrow);
		assert_ok!(AssetLock::on_outcome(&a_to_c, true, 1));
		assert_eq!(Escrowed::<Test>::get(C, token(A, 1)), 500);
		// C to B: the claim moves.
		let c_to_b = route(C, B, 200).unwrap();
		assert_eq!(Escrowed::<Test>::get(C, token(A, 1)), 300);
		assert_ok!(AssetLock::on_outcome(&c_to_b, true, 1));
		assert_eq!(Escrowed::<Test>::get(B, token(A, 1)), 200);
		// B back home to A.
		let b_to_a = route(B, A, 200).unwrap();
		assert_ok!(AssetLock::on_outcome(&b_to_a, true, 1));
		assert_eq!(LockedAtHome::<Test>::get(token(A, 1)), 300);
		// C holds 300 and cannot route more.
		assert_noop!(route(C, B, 301), Error::<Test>::ExceedsEscrow);
		// C brings part of its claim to the hub: the wrapped asset is created now.
		assert_ok!(AssetLock::on_receive(&transfer(
			C,
			HUB_CHAIN_ID,
			token(A, 1),
			100,
			account(BOB)
		)));
		assert_eq!(Assets::balance(FIRST_WRAPPED, BOB), 100);
		// A route that fails at its destination is reversed: C gets its claim back.
		let failed = route(C, B, 150).unwrap();
		assert_eq!(Escrowed::<Test>::get(C, token(A, 1)), 50);
		assert_ok!(AssetLock::on_outcome(&failed, false, 1));
		assert_eq!(Escrowed::<Test>::get(C, token(A, 1)), 200);
		assert_eq!(Escrowed::<Test>::get(B, token(A, 1)), 0);
		System::assert_last_event(
			Event::RouteReverted { source: C, destination: B, token: token(A, 1), amount: 150 }
				.into(),
		);
		// One from home, reversed: A's lock shrinks back.
		let from_home = route(A, B, 40).unwrap();
		assert_eq!(LockedAtHome::<Test>::get(token(A, 1)), 340);
		assert_ok!(AssetLock::on_outcome(&from_home, false, 1));
		assert_eq!(LockedAtHome::<Test>::get(token(A, 1)), 300);
	});
}

#[test]
fn pauses_stop_transfers_but_not_refunds() {
	build_and_execute(|| {
		assert_ok!(transfer_out(ALICE, NATIVE, 100, B));
		let sent = MockMessenger::sent()[0].clone();
		assert_noop!(
			AssetLock::set_chain_paused(RuntimeOrigin::signed(ALICE), B, true),
			DispatchError::BadOrigin
		);
		assert_ok!(AssetLock::set_chain_paused(RuntimeOrigin::root(), B, true));
		assert_noop!(transfer_out(ALICE, NATIVE, 1, B), Error::<Test>::ChainPaused);
		assert_noop!(
			AssetLock::on_receive(&transfer(B, HUB_CHAIN_ID, NATIVE, 1, account(BOB))),
			Error::<Test>::ChainPaused
		);
		assert_noop!(
			AssetLock::on_route(&transfer(A, B, token(A, 1), 1, H256::zero())),
			Error::<Test>::ChainPaused
		);
		assert_ok!(AssetLock::on_outcome(&sent, false, 1));
		assert_ok!(AssetLock::set_chain_paused(RuntimeOrigin::root(), B, false));
		assert_ok!(transfer_out(ALICE, NATIVE, 1, B));

		assert_ok!(AssetLock::set_token_paused(RuntimeOrigin::root(), NATIVE, true));
		System::assert_last_event(Event::TokenPauseSet { token: NATIVE, paused: true }.into());
		assert_noop!(transfer_out(ALICE, NATIVE, 1, C), Error::<Test>::TokenPaused);
		assert_noop!(
			AssetLock::create_htlc(RuntimeOrigin::signed(ALICE), NATIVE, 1, BOB, H256::zero(), 5),
			Error::<Test>::TokenPaused
		);
	});
}

#[test]
fn rate_limits_bound_each_window() {
	build_and_execute(|| {
		let limit = RateLimit { amount: 1_000, window: 10 };
		assert_noop!(
			AssetLock::set_rate_limit(RuntimeOrigin::signed(ALICE), B, NATIVE, Some(limit)),
			DispatchError::BadOrigin
		);
		assert_noop!(
			AssetLock::set_rate_limit(
				RuntimeOrigin::root(),
				B,
				NATIVE,
				Some(RateLimit { amount: 1, window: 0 })
			),
			Error::<Test>::InvalidRateLimit
		);
		assert_ok!(AssetLock::set_rate_limit(RuntimeOrigin::root(), B, NATIVE, Some(limit)));
		assert_ok!(transfer_out(ALICE, NATIVE, 600, B));
		delivered(0);
		assert_ok!(AssetLock::on_receive(&transfer(B, HUB_CHAIN_ID, NATIVE, 300, account(BOB))));
		// In and out count together: 900 used.
		assert_noop!(transfer_out(ALICE, NATIVE, 101, B), Error::<Test>::RateLimitExceeded);
		assert_noop!(
			AssetLock::on_receive(&transfer(B, HUB_CHAIN_ID, NATIVE, 101, account(BOB))),
			Error::<Test>::RateLimitExceeded
		);
		assert_ok!(transfer_out(ALICE, NATIVE, 100, B));
		// Other chains are not limited.
		assert_ok!(transfer_out(ALICE, NATIVE, 5_000, C));
		// A new window.
		System::set_block_number(11);
		assert_ok!(transfer_out(ALICE, NATIVE, 1_000, B));
		// Removing the limit.
		assert_ok!(AssetLock::set_rate_limit(RuntimeOrigin::root(), B, NATIVE, None));
		assert_ok!(transfer_out(ALICE, NATIVE, 5_000, B));
	});
}

#[test]
fn a_refunded_transfer_gives_its_rate_limit_back_in_its_window() {
	build_and_execute(|| {
		let limit = RateLimit { amount: 1_000, window: 10 };
		assert_ok!(AssetLock::set_rate_limit(RuntimeOrigin::root(), B, NATIVE, Some(limit)));
		// Two round trips use up the window: sent, then refunded on proof of non-receipt.
		assert_ok!(transfer_out(ALICE, NATIVE, 600, B));
		assert_ok!(transfer_out(ALICE, NATIVE, 400, B));
		assert_noop!(transfer_out(BOB, NATIVE, 1, B), Error::<Test>::RateLimitExceeded);
		let sent = MockMessenger::sent();
		assert_ok!(AssetLock::on_outcome(&sent[0], false, 1));
		assert_eq!(RateUsages::<Test>::get(B, NATIVE).used, 400);
		// Nothing moved for the refunded 600: another user may move it.
		assert_ok!(transfer_out(BOB, NATIVE, 600, B));
		assert_noop!(transfer_out(BOB, NATIVE, 1, B), Error::<Test>::RateLimitExceeded);
		// A delivered transfer keeps its share.
		assert_ok!(AssetLock::on_outcome(&MockMessenger::sent()[2], true, 1));
		assert_eq!(RateUsages::<Test>::get(B, NATIVE).used, 1_000);
		// A refund after its window ended gives nothing to the next window.
		System::set_block_number(11);
		assert_ok!(transfer_out(BOB, NATIVE, 900, B));
		assert_ok!(AssetLock::on_outcome(&sent[1], false, 1));
		assert_eq!(RateUsages::<Test>::get(B, NATIVE), RateUsage { window_start: 11, used: 900 });
	});
}

fn hashlock(preimage: [u8; 32]) -> H256 {
	H256(sha2_256(&preimage))
}

#[test]
fn an_htlc_is_claimed_with_its_preimage_before_the_time_lock() {
	build_and_execute(|| {
		let preimage = [7u8; 32];
		assert_ok!(AssetLock::create_htlc(
			RuntimeOrigin::signed(ALICE),
			NATIVE,
			500,
			BOB,
			hashlock(preimage),
			10
		));
		assert_eq!(Balances::balance(&ALICE), INITIAL_BALANCE - 500);
		assert_eq!(HtlcHeld::<Test>::get(NATIVE), 500);
		assert_noop!(
			AssetLock::claim_htlc(RuntimeOrigin::signed(3), 0, [8u8; 32]),
			Error::<Test>::WrongPreimage
		);
		assert_noop!(
			AssetLock::refund_htlc(RuntimeOrigin::signed(3), 0),
			Error::<Test>::HtlcNotExpired
		);
		System::set_block_number(11);
		assert_ok!(AssetLock::claim_htlc(RuntimeOrigin::signed(3), 0, preimage));
		assert_eq!(Balances::balance(&BOB), INITIAL_BALANCE + 500);
		System::assert_last_event(Event::HtlcClaimed { id: 0, preimage }.into());
		assert_noop!(
			AssetLock::claim_htlc(RuntimeOrigin::signed(3), 0, preimage),
			Error::<Test>::UnknownHtlc
		);
		assert_noop!(
			AssetLock::refund_htlc(RuntimeOrigin::signed(3), 0),
			Error::<Test>::UnknownHtlc
		);
	});
}

#[test]
fn an_htlc_is_refunded_once_after_the_time_lock_and_cannot_be_claimed_then() {
	build_and_execute(|| {
		let id = arrive_from_a(ALICE, 800);
		let preimage = [9u8; 32];
		assert_ok!(AssetLock::create_htlc(
			RuntimeOrigin::signed(ALICE),
			token(A, 1),
			300,
			BOB,
			hashlock(preimage),
			5
		));
		assert_eq!(Assets::balance(id, ALICE), 500);
		System::set_block_number(7);
		assert_noop!(
			AssetLock::claim_htlc(RuntimeOrigin::signed(BOB), 0, preimage),
			Error::<Test>::HtlcExpired
		);
		assert_ok!(AssetLock::refund_htlc(RuntimeOrigin::signed(BOB), 0));
		assert_eq!(Assets::balance(id, ALICE), 800);
		assert_noop!(
			AssetLock::refund_htlc(RuntimeOrigin::signed(BOB), 0),
			Error::<Test>::UnknownHtlc
		);
		assert_noop!(
			AssetLock::claim_htlc(RuntimeOrigin::signed(BOB), 0, preimage),
			Error::<Test>::UnknownHtlc
		);
	});
}

#[test]
fn htlcs_are_checked_when_created() {
	build_and_execute(|| {
		let create = |token, amount, duration| {
			AssetLock::create_htlc(
				RuntimeOrigin::signed(ALICE),
				token,
				amount,
				BOB,
				H256::zero(),
				duration,
			)
		};
		assert_noop!(create(NATIVE, 0, 5), Error::<Test>::ZeroAmount);
		assert_noop!(create(NATIVE, 5, 0), Error::<Test>::InvalidTimelock);
		assert_noop!(create(NATIVE, 5, MAX_HTLC_DURATION + 1), Error::<Test>::InvalidTimelock);
		assert_noop!(create(token(A, 9), 5, 5), Error::<Test>::UnknownAsset);
		assert_noop!(create(NATIVE, INITIAL_BALANCE, 5), Error::<Test>::InsufficientBalance);
		// An HTLC locks at least what an account of its token must hold.
		assert_noop!(create(NATIVE, ED - 1, 5), Error::<Test>::BelowMinimum);
		assert_ok!(create(NATIVE, ED, 5));
	});
}

#[test]
fn each_home_chain_creates_at_most_its_bound_of_wrapped_assets() {
	build_and_execute(|| {
		let arrive = |home, n, who| {
			with_storage_layer(|| {
				AssetLock::on_receive(&transfer(
					home,
					HUB_CHAIN_ID,
					token(home, n),
					5,
					account(who),
				))
			})
		};
		for n in 1..=u64::from(MAX_WRAPPED_PER_CHAIN) {
			assert_ok!(arrive(A, n, BOB));
		}
		assert_eq!(WrappedAssetCount::<Test>::get(A), MAX_WRAPPED_PER_CHAIN);
		assert_noop!(arrive(A, 9, BOB), Error::<Test>::TooManyWrappedAssets);
		// Tokens it has wrapped already still arrive; another home chain counts its own.
		assert_ok!(arrive(A, 1, BOB));
		assert_ok!(arrive(B, 1, BOB));
		assert_eq!(WrappedAssetCount::<Test>::get(B), 1);
	});
}

#[test]
fn a_wrapped_asset_is_held_only_by_accounts_that_exist_by_the_native_token() {
	build_and_execute(|| {
		let id = arrive_from_a(BOB, 5);
		assert!(!pallet_assets::Asset::<Test>::get(id).expect("created").is_sufficient);
		// Account 9 holds no native token: the transfer fails (its source refunds on the
		// `Failed` receipt) instead of creating an account nobody paid for.
		assert_noop!(
			with_storage_layer(|| AssetLock::on_receive(&transfer(
				A,
				HUB_CHAIN_ID,
				token(A, 1),
				5,
				account(9)
			))),
			TokenError::CannotCreate
		);
	});
}

mod sequences {
	//! Random sequences of every operation across three chains: after each step the books
	//! balance (`do_try_state`), the native token's total issuance never changes, and the
	//! escrow account holds exactly what it owes.
	use super::*;
	use proptest::prelude::*;

	#[derive(Clone, Debug)]
	enum Op {
		/// An account sends a token out to a chain.
		Out {
			who: u64,
			token: u8,
			amount: u128,
			chain: u32,
		},
		/// A chain sends a token to an account of the hub.
		In {
			chain: u32,
			token: u8,
			amount: u128,
			who: u64,
		},
		/// A chain sends a token to another through the hub.
		Route {
			from: u32,
			to: u32,
			token: u8,
			amount: u128,
		},
		/// The destination reports the n-th transfer the hub sent or routed.
		Outcome {
			index: usize,
			delivered: bool,
		},
		/// An HTLC is opened, claimed or refunded.
		HtlcCreate {
			who: u64,
			token: u8,
			amount: u128,
			duration: u32,
		},
		HtlcClaim {
			index: usize,
		},
		HtlcRefund {
			index: usize,
		},
		/// Time passes.
		Wait {
			blocks: u32,
		},
	}

	/// Tokens: the hub's native, and the home tokens of A, B and C.
	fn token_of(n: u8) -> TokenRef {
		match n % 4 {
			0 => NATIVE,
			n => token(n as u32, 1),
		}
	}

	const PREIMAGE: [u8; 32] = [3u8; 32];

	fn op() -> impl Strategy<Value = Op> {
		let who = 1u64..=4;
		let chain = 1u32..=3;
		let amount = 1u128..2_000;
		prop_oneof![
			(who.clone(), any::<u8>(), amount.clone(), chain.clone())
				.prop_map(|(who, token, amount, chain)| Op::Out { who, token, amount, chain }),
			(chain.clone(), any::<u8>(), amount.clone(), who.clone())
				.prop_map(|(chain, token, amount, who)| Op::In { chain, token, amount, who }),
			(chain.clone(), chain.clone(), any::<u8>(), amount.clone())
				.prop_map(|(from, to, token, amount)| Op::Route { from, to, token, amount }),
			(0usize..16, any::<bool>())
				.prop_map(|(index, delivered)| Op::Outcome { index, delivered }),
			(who, any::<u8>(), amount, 1u32..5).prop_map(|(who, token, amount, duration)| {
				Op::HtlcCreate { who, token, amount, duration }
			}),
			(0usize..8).prop_map(|index| Op::HtlcClaim { index }),
			(0usize..8).prop_map(|index| Op::HtlcRefund { index }),
			(1u32..4).prop_map(|blocks| Op::Wait { blocks }),
		]
	}

	/// Runs one operation as the messaging pallet would: each handler call in its own storage
	/// transaction, and each outcome reported at most once.
	fn run(op: &Op, open: &mut Vec<TestMessage>) {
		use polkadot_sdk::frame_support::storage::with_storage_layer;
		match op {
			Op::Out { who, token, amount, chain } => {
				let before = MockMessenger::sent().len();
				let _ = transfer_out(*who, token_of(*token), *amount, *chain);
				open.extend(MockMessenger::sent().into_iter().skip(before));
			},
			Op::In { chain, token, amount, who } => {
				let message =
					transfer(*chain, HUB_CHAIN_ID, token_of(*token), *amount, account(*who));
				let _ = with_storage_layer(|| AssetLock::on_receive(&message));
			},
			Op::Route { from, to, token, amount } => {
				let message = transfer(*from, *to, token_of(*token), *amount, H256::zero());
				if from != to && with_storage_layer(|| AssetLock::on_route(&message)).is_ok() {
					open.push(message);
				}
			},
			Op::Outcome { index, delivered } => {
				if *index < open.len() {
					let message = open.remove(*index);
					// An undo must always succeed: nothing is lost on failure.
					with_storage_layer(|| AssetLock::on_outcome(&message, *delivered, 1))
						.expect("an outcome is always accounted");
				}
			},
			Op::HtlcCreate { who, token, amount, duration } => {
				let _ = AssetLock::create_htlc(
					RuntimeOrigin::signed(*who),
					token_of(*token),
					*amount,
					(*who % 4) + 1,
					hashlock(PREIMAGE),
					*duration,
				);
			},
			Op::HtlcClaim { index } => {
				if let Some(id) = Htlcs::<Test>::iter_keys().nth(*index) {
					let _ = AssetLock::claim_htlc(RuntimeOrigin::signed(1), id, PREIMAGE);
				}
			},
			Op::HtlcRefund { index } => {
				if let Some(id) = Htlcs::<Test>::iter_keys().nth(*index) {
					let _ = AssetLock::refund_htlc(RuntimeOrigin::signed(1), id);
				}
			},
			Op::Wait { blocks } => {
				System::set_block_number(System::block_number() + *blocks as u64)
			},
		}
	}

	proptest! {
		#![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

		#[test]
		fn random_sequences_keep_the_books(ops in proptest::collection::vec(op(), 1..40)) {
			new_test_ext().execute_with(|| {
				let issuance = Balances::total_issuance();
				let mut open = Vec::new();
				for op in &ops {
					run(op, &mut open);
					prop_assert_eq!(AssetLock::do_try_state(), Ok(()), "after {:?}", op);
					prop_assert_eq!(Balances::total_issuance(), issuance);
					prop_assert_eq!(
						Balances::balance(&AssetLock::escrow_account()),
						AssetLock::native_escrow_owed()
					);
				}
				// Every open transfer can still be undone; then nothing is in flight.
				for message in open.drain(..).rev() {
					prop_assert!(AssetLock::on_outcome(&message, false, 1).is_ok());
				}
				prop_assert_eq!(AssetLock::do_try_state(), Ok(()));
				prop_assert_eq!(InFlight::<Test>::iter().filter(|(_, v)| *v > 0).count(), 0);
				Ok(())
			})?;
		}
	}
}
