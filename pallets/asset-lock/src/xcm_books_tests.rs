//! The XCM asset transactor over the books: a parachain peer's holdings are its claim, within
//! the switches and rate limits; anything else is refused with nothing moved.

use crate::{mock::*, xcm_books::PeerBooksTransactor, *};
use fusion_hub_primitives::{message::HUB_CHAIN_ID, ChainStatus, MessageHandler, TokenRef};
use polkadot_sdk::{
	frame_support::{
		assert_ok,
		traits::{fungible::Inspect as _, fungibles::Inspect as _},
	},
	staging_xcm::latest::prelude::{
		AccountIndex64, Asset, GeneralIndex, GlobalConsensus, Location, NetworkId, PalletInstance,
		Parachain, XcmError,
	},
	staging_xcm_executor::{traits::TransactAsset, AssetsInHolding},
};

type Books = PeerBooksTransactor<Test, MockParachainPeers, AccountIndexOf, AssetsPalletIndex>;

const ALICE: u64 = 1;
const BOB: u64 = 2;
const NATIVE: TokenRef = TokenRef::HUB_NATIVE;
/// Peer chain [`A`] is this parachain.
const PARA_A: u32 = 2_001;
/// A sibling in no registry record.
const STRANGER: u32 = 2_009;

fn para(id: u32) -> Location {
	Location::new(1, [Parachain(id)])
}

fn on_hub(who: u64) -> Location {
	Location::new(0, [AccountIndex64 { network: None, index: who }])
}

fn fuse(amount: u128) -> Asset {
	(Location::here(), amount).into()
}

fn wrapped(id: u32, amount: u128) -> Asset {
	(Location::new(0, [PalletInstance(AssetsPalletIndex::get()), GeneralIndex(id.into())]), amount)
		.into()
}

/// Withdraws and deposits, as the executor's `transfer_asset` does: what a refused deposit
/// leaves unspent goes back to `from`.
fn transfer(asset: &Asset, from: &Location, to: &Location) -> Result<(), XcmError> {
	let holding = Books::withdraw_asset(asset, from, None)?;
	Books::deposit_asset(holding, to, None).map_err(|(unspent, error)| {
		assert_ok!(Books::deposit_asset(unspent, from, None).map_err(|(_, error)| error));
		error
	})
}

/// Chain [`A`] is an active parachain peer; Alice holds `amount` of chain B's token 1, wrapped.
fn setup(amount: u128) -> u32 {
	MockParachainPeers::set(PARA_A, A, ChainStatus::Active);
	assert_ok!(AssetLock::on_receive(&crate::mock::transfer(
		B,
		HUB_CHAIN_ID,
		token(B, 1),
		amount,
		account(ALICE)
	)));
	WrappedIds::<Test>::get(token(B, 1)).expect("wrapped")
}

/// Everything the books and balances say about FUSE and chain B's token 1.
fn snapshot(id: u32) -> (u128, u128, u128, u128, u128, u128, u128) {
	(
		Balances::balance(&ALICE),
		Balances::balance(&AssetLock::escrow_account()),
		Balances::total_issuance(),
		Escrowed::<Test>::get(A, NATIVE),
		Escrowed::<Test>::get(A, token(B, 1)),
		Assets::total_issuance(id),
		Assets::balance(id, ALICE),
	)
}

#[test]
fn a_reserve_transfer_to_an_active_parachain_peer_becomes_its_claim() {
	build_and_execute(|| {
		let id = setup(500);
		let escrow = Balances::balance(&AssetLock::escrow_account());
		let issuance = Balances::total_issuance();
		assert_ok!(transfer(&fuse(1_000), &on_hub(ALICE), &para(PARA_A)));
		// The native token is escrowed for the peer, as for any peer.
		assert_eq!(Escrowed::<Test>::get(A, NATIVE), 1_000);
		assert_eq!(Balances::balance(&AssetLock::escrow_account()), escrow + 1_000);
		assert_eq!(Balances::balance(&ALICE), INITIAL_BALANCE - 1_000);
		assert_eq!(Balances::total_issuance(), issuance);
		// A wrapped token is burned: the peer's claim stands for it.
		assert_ok!(transfer(&wrapped(id, 200), &on_hub(ALICE), &para(PARA_A)));
		assert_eq!(Escrowed::<Test>::get(A, token(B, 1)), 200);
		assert_eq!(Assets::total_issuance(id), 300);
		assert_eq!(Assets::balance(id, ALICE), 300);
		assert_eq!(LockedAtHome::<Test>::get(token(B, 1)), 500);
		System::assert_has_event(
			Event::ParachainClaimCredited { chain: A, token: token(B, 1), amount: 200 }.into(),
		);
	});
}

#[test]
fn value_comes_back_from_a_parachain_peer_but_never_more_than_its_claim() {
	build_and_execute(|| {
		let id = setup(500);
		assert_ok!(transfer(&fuse(1_000), &on_hub(ALICE), &para(PARA_A)));
		assert_ok!(transfer(&wrapped(id, 200), &on_hub(ALICE), &para(PARA_A)));
		let before = snapshot(id);
		for asset in [fuse(1_001), wrapped(id, 201)] {
			assert_eq!(
				Books::withdraw_asset(&asset, &para(PARA_A), None).err(),
				Some(XcmError::FailedToTransactAsset("ExceedsEscrow"))
			);
		}
		assert_eq!(snapshot(id), before);
		// All of it, to Bob.
		assert_ok!(transfer(&fuse(1_000), &para(PARA_A), &on_hub(BOB)));
		assert_ok!(transfer(&wrapped(id, 200), &para(PARA_A), &on_hub(BOB)));
		assert_eq!(Balances::balance(&BOB), INITIAL_BALANCE + 1_000);
		assert_eq!(Assets::balance(id, BOB), 200);
		assert_eq!(Escrowed::<Test>::get(A, NATIVE), 0);
		assert_eq!(Escrowed::<Test>::get(A, token(B, 1)), 0);
		assert_eq!(Assets::total_issuance(id), 500);
		System::assert_has_event(
			Event::ParachainClaimDebited { chain: A, token: token(B, 1), amount: 200 }.into(),
		);
	});
}

#[test]
fn only_an_active_parachain_peer_holds_value() {
	build_and_execute(|| {
		let id = setup(500);
		assert_ok!(transfer(&wrapped(id, 100), &on_hub(ALICE), &para(PARA_A)));
		for status in [ChainStatus::Suspended, ChainStatus::Frozen, ChainStatus::Retired] {
			MockParachainPeers::set(PARA_A, A, status);
			for target in [para(PARA_A), para(STRANGER)] {
				let before = snapshot(id);
				let holding = Books::withdraw_asset(&wrapped(id, 50), &on_hub(ALICE), None)
					.expect("Alice holds it");
				let (unspent, error) =
					Books::deposit_asset(holding, &target, None).expect_err("refused");
				assert_eq!(error, XcmError::FailedToTransactAsset("not an active parachain peer"));
				// The holding comes back whole; returned to Alice, nothing moved.
				assert_eq!(
					unspent.fungible_assets_iter().collect::<Vec<_>>(),
					vec![wrapped(id, 50)]
				);
				assert_ok!(Books::deposit_asset(unspent, &on_hub(ALICE), None));
				assert_eq!(snapshot(id), before);
				assert_eq!(
					Books::withdraw_asset(&wrapped(id, 50), &target, None).err(),
					Some(XcmError::FailedToTransactAsset("not an active parachain peer"))
				);
			}
		}
	});
}

#[test]
fn pause_switches_and_rate_limits_apply_to_xcm_both_ways() {
	build_and_execute(|| {
		let id = setup(500);
		assert_ok!(transfer(&wrapped(id, 100), &on_hub(ALICE), &para(PARA_A)));
		let refused = |error: &'static str| {
			let before = snapshot(id);
			assert_eq!(
				transfer(&wrapped(id, 10), &on_hub(ALICE), &para(PARA_A)).err(),
				Some(XcmError::FailedToTransactAsset(error))
			);
			assert_eq!(
				Books::withdraw_asset(&wrapped(id, 10), &para(PARA_A), None).err(),
				Some(XcmError::FailedToTransactAsset(error))
			);
			// The failed deposit's holding went back to Alice.
			assert_eq!(snapshot(id), before);
		};
		assert_ok!(AssetLock::set_chain_paused(RuntimeOrigin::root(), A, true));
		refused("ChainPaused");
		assert_ok!(AssetLock::set_chain_paused(RuntimeOrigin::root(), A, false));
		assert_ok!(AssetLock::set_token_paused(RuntimeOrigin::root(), token(B, 1), true));
		refused("TokenPaused");
		assert_ok!(AssetLock::set_token_paused(RuntimeOrigin::root(), token(B, 1), false));
		// 100 already moved in this window, in and out together.
		assert_ok!(AssetLock::set_rate_limit(
			RuntimeOrigin::root(),
			A,
			token(B, 1),
			Some(RateLimit { amount: 150, window: 10 })
		));
		assert_ok!(transfer(&wrapped(id, 150), &on_hub(ALICE), &para(PARA_A)));
		refused("RateLimitExceeded");
		System::set_block_number(11);
		assert_ok!(transfer(&wrapped(id, 150), &para(PARA_A), &on_hub(BOB)));
		assert_eq!(Assets::balance(id, BOB), 150);
	});
}

#[test]
fn assets_the_hub_is_not_the_reserve_of_are_not_handled() {
	build_and_execute(|| {
		let id = setup(500);
		let unknown = [
			wrapped(id + 1, 10),
			(Location::parent(), 10).into(),
			(
				Location::new(
					0,
					[PalletInstance(AssetsPalletIndex::get() + 1), GeneralIndex(id.into())],
				),
				10,
			)
				.into(),
			(Location::new(1, [Parachain(PARA_A)]), 10).into(),
		];
		for asset in unknown {
			for who in [on_hub(ALICE), para(PARA_A)] {
				assert_eq!(
					Books::withdraw_asset(&asset, &who, None).err(),
					Some(XcmError::AssetNotFound),
					"{asset:?} from {who:?}"
				);
			}
			// Held value of it is not taken either: it stays in holding.
			let holding = AssetsInHolding::new_from_fungible_credit(
				asset.id.clone(),
				Box::new(
					<polkadot_sdk::frame_support::traits::fungible::Credit<u64, Balances> as polkadot_sdk::frame_support::traits::Imbalance<u128>>::zero(),
				),
			);
			let (unspent, error) =
				Books::deposit_asset(holding, &on_hub(ALICE), None).expect_err("not handled");
			assert_eq!(error, XcmError::AssetNotFound);
			assert_eq!(unspent.fungible.keys().collect::<Vec<_>>(), vec![&asset.id]);
		}
		// A location that is no account of the hub.
		assert_eq!(
			Books::withdraw_asset(
				&fuse(10),
				&Location::new(2, [GlobalConsensus(NetworkId::Kusama)]),
				None
			)
			.err(),
			Some(XcmError::FailedToTransactAsset("AccountIdConversionFailed"))
		);
	});
}

#[test]
fn a_refused_deposit_or_withdrawal_leaves_no_claim_rate_usage_or_event() {
	build_and_execute(|| {
		let id = setup(500);
		assert_ok!(transfer(&wrapped(id, 100), &on_hub(ALICE), &para(PARA_A)));
		assert_ok!(AssetLock::set_rate_limit(
			RuntimeOrigin::root(),
			A,
			token(B, 1),
			Some(RateLimit { amount: 1_000, window: 10 })
		));
		assert_ok!(AssetLock::set_token_paused(RuntimeOrigin::root(), token(B, 1), true));
		System::reset_events();
		let before = (snapshot(id), RateUsages::<Test>::get(A, token(B, 1)));
		assert_eq!(
			transfer(&wrapped(id, 10), &on_hub(ALICE), &para(PARA_A)).err(),
			Some(XcmError::FailedToTransactAsset("TokenPaused"))
		);
		assert_eq!(
			Books::withdraw_asset(&wrapped(id, 10), &para(PARA_A), None).err(),
			Some(XcmError::FailedToTransactAsset("TokenPaused"))
		);
		// Over the claim: the rate limit counted nothing either.
		assert_ok!(AssetLock::set_token_paused(RuntimeOrigin::root(), token(B, 1), false));
		System::reset_events();
		assert_eq!(
			Books::withdraw_asset(&wrapped(id, 101), &para(PARA_A), None).err(),
			Some(XcmError::FailedToTransactAsset("ExceedsEscrow"))
		);
		assert_eq!((snapshot(id), RateUsages::<Test>::get(A, token(B, 1))), before);
		assert!(System::events().iter().all(|record| !matches!(
			record.event,
			RuntimeEvent::AssetLock(
				Event::ParachainClaimCredited { .. } | Event::ParachainClaimDebited { .. }
			)
		)));
	});
}

#[test]
fn a_parachain_peers_own_token_is_not_held_by_claim() {
	build_and_execute(|| {
		setup(500);
		// Chain A's own token, wrapped on the hub (as if A had sent it by a message).
		assert_ok!(AssetLock::on_receive(&crate::mock::transfer(
			A,
			HUB_CHAIN_ID,
			token(A, 1),
			300,
			account(ALICE)
		)));
		let own = WrappedIds::<Test>::get(token(A, 1)).expect("wrapped");
		let before = LockedAtHome::<Test>::get(token(A, 1));
		for result in [
			transfer(&wrapped(own, 10), &on_hub(ALICE), &para(PARA_A)).err(),
			Books::withdraw_asset(&wrapped(own, 10), &para(PARA_A), None).err(),
		] {
			assert_eq!(
				result,
				Some(XcmError::FailedToTransactAsset("a parachain peer's own token"))
			);
		}
		assert_eq!(LockedAtHome::<Test>::get(token(A, 1)), before);
		assert_eq!(Assets::balance(own, ALICE), 300);
	});
}
