//! Benchmarks of every call and of the message handler's paths, with the real messenger of the
//! runtime: every transfer checks a rate limit that is set, so the worst case is measured.

use crate::*;
use fusion_hub_primitives::{
	message::{Message, Timeout, TransferPayload, ASSET_TRANSFER_APP, HUB_CHAIN_ID},
	ChainId, MessageHandler, SendMessage,
};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		assert_ok,
		traits::{
			fungible::{Inspect, Mutate},
			Get,
		},
		BoundedVec,
	},
	frame_system::RawOrigin,
	sp_core::H256,
	sp_io::hashing::sha2_256,
};

const HOME: ChainId = 2_000;
const OTHER: ChainId = 2_001;
const AMOUNT: u128 = 1_000_000_000_000;

fn peer_token() -> TokenRef {
	TokenRef { home: HOME, id: H256::repeat_byte(0x11) }
}

fn timeout<T: Config>() -> Timeout {
	T::Messenger::timeout_for_benchmarks()
}

/// Sets a generous rate limit on (chain, token), so the check does its reads and writes.
fn limit<T: Config>(chain: ChainId, token: TokenRef) {
	RateLimits::<T>::insert(chain, token, RateLimit { amount: u128::MAX, window: 100 });
}

/// A transfer message of `amount` of `token` from `source` to `destination` for `beneficiary`.
fn transfer<T: Config>(
	source: ChainId,
	destination: ChainId,
	token: TokenRef,
	beneficiary: H256,
) -> Message<T::MaxPayload> {
	Message {
		source,
		destination,
		nonce: 1,
		sender: H256::repeat_byte(0xaa),
		app_id: ASSET_TRANSFER_APP,
		payload: BoundedVec::truncate_from(
			TransferPayload { token, amount: AMOUNT, beneficiary, decimals: 18 }.abi_encode(),
		),
		timeout: Timeout { height: u32::MAX, timestamp: 0 },
		fee: 0,
	}
}

/// A funded account.
fn funded<T: Config>(name: &'static str) -> T::AccountId {
	let who: T::AccountId = account(name, 0, 0);
	T::NativeToken::set_balance(&who, AMOUNT * 100);
	who
}

#[benchmarks]
mod benchmarks {
	use super::*;

	// A leaf is appended to this block's `OutboundLeaves` without reading them: the only read is
	// of the block's fresh key, so its PoV is measured, not the bound of 4,096 leaves.
	#[benchmark(pov_mode = MaxEncodedLen { CrossChainMessages::OutboundLeaves: Measured })]
	fn transfer_out() {
		Pallet::<T>::endow_escrow_account();
		assert_ok!(T::Messenger::open_destination_for_benchmarks(HOME));
		limit::<T>(HOME, TokenRef::HUB_NATIVE);
		let sender = funded::<T>("sender");

		#[extrinsic_call]
		_(
			RawOrigin::Signed(sender),
			TokenRef::HUB_NATIVE,
			AMOUNT,
			HOME,
			H256::repeat_byte(0xbe),
			timeout::<T>(),
			AMOUNT / 1_000,
		);

		assert_eq!(InFlight::<T>::get(TokenRef::HUB_NATIVE), AMOUNT);
	}

	#[benchmark]
	fn receive_transfer_new_asset() {
		limit::<T>(HOME, peer_token());
		// Wrapped assets are not sufficient: their holders exist by the native token.
		let beneficiary: T::AccountId = funded::<T>("beneficiary");
		let message = transfer::<T>(
			HOME,
			HUB_CHAIN_ID,
			peer_token(),
			Pallet::<T>::account_to_h256(&beneficiary),
		);

		#[block]
		{
			assert_ok!(Pallet::<T>::on_receive(&message));
		}

		let id = WrappedIds::<T>::get(peer_token()).expect("created");
		assert_eq!(
			<pallet_assets::Pallet<T> as polkadot_sdk::frame_support::traits::fungibles::Inspect<
				_,
			>>::balance(id, &beneficiary),
			AMOUNT
		);
	}

	#[benchmark]
	fn receive_transfer() {
		limit::<T>(HOME, peer_token());
		let first: T::AccountId = funded::<T>("first");
		let to_first =
			transfer::<T>(HOME, HUB_CHAIN_ID, peer_token(), Pallet::<T>::account_to_h256(&first));
		assert_ok!(Pallet::<T>::on_receive(&to_first));
		let beneficiary: T::AccountId = funded::<T>("beneficiary");
		let message = transfer::<T>(
			HOME,
			HUB_CHAIN_ID,
			peer_token(),
			Pallet::<T>::account_to_h256(&beneficiary),
		);

		#[block]
		{
			assert_ok!(Pallet::<T>::on_receive(&message));
		}

		assert_eq!(LockedAtHome::<T>::get(peer_token()), 2 * AMOUNT);
	}

	#[benchmark]
	fn route_transfer() {
		limit::<T>(HOME, peer_token());
		limit::<T>(OTHER, peer_token());
		let message = transfer::<T>(HOME, OTHER, peer_token(), H256::repeat_byte(1));

		#[block]
		{
			assert_ok!(Pallet::<T>::on_route(&message));
		}

		assert_eq!(InFlight::<T>::get(peer_token()), AMOUNT);
	}

	/// A refund that gives its amount back to the destination's rate limit.
	#[benchmark]
	fn refund_transfer() {
		Pallet::<T>::endow_escrow_account();
		assert_ok!(T::Messenger::open_destination_for_benchmarks(HOME));
		limit::<T>(HOME, TokenRef::HUB_NATIVE);
		let sender = funded::<T>("sender");
		assert_ok!(Pallet::<T>::do_transfer_out(
			sender.clone(),
			TokenRef::HUB_NATIVE,
			AMOUNT,
			HOME,
			H256::repeat_byte(0xbe),
			timeout::<T>(),
			0
		));
		let mut message =
			transfer::<T>(HUB_CHAIN_ID, HOME, TokenRef::HUB_NATIVE, H256::repeat_byte(0xbe));
		message.sender = Pallet::<T>::account_to_h256(&sender);

		#[block]
		{
			assert_ok!(Pallet::<T>::on_outcome(&message, false, Pallet::<T>::now()));
		}

		// All back but the message's deposit, which the messaging pallet releases on completion.
		assert_eq!(T::NativeToken::total_balance(&sender), AMOUNT * 100);
		assert_eq!(RateUsages::<T>::get(HOME, TokenRef::HUB_NATIVE).used, 0);
	}

	#[benchmark]
	fn create_htlc() {
		Pallet::<T>::endow_escrow_account();
		let creator = funded::<T>("creator");
		let recipient: T::AccountId = account("recipient", 0, 0);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(creator),
			TokenRef::HUB_NATIVE,
			AMOUNT,
			recipient,
			H256(sha2_256(&[1u8; 32])),
			T::MaxHtlcDuration::get(),
		);

		assert!(Htlcs::<T>::contains_key(0));
	}

	#[benchmark]
	fn claim_htlc() {
		Pallet::<T>::endow_escrow_account();
		let creator = funded::<T>("creator");
		let recipient: T::AccountId = account("recipient", 0, 0);
		assert_ok!(Pallet::<T>::do_create_htlc(
			creator,
			TokenRef::HUB_NATIVE,
			AMOUNT,
			recipient.clone(),
			H256(sha2_256(&[1u8; 32])),
			10
		));
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), 0, [1u8; 32]);

		assert_eq!(T::NativeToken::balance(&recipient), AMOUNT);
	}

	#[benchmark]
	fn refund_htlc() {
		Pallet::<T>::endow_escrow_account();
		let creator = funded::<T>("creator");
		let recipient: T::AccountId = account("recipient", 0, 0);
		assert_ok!(Pallet::<T>::do_create_htlc(
			creator.clone(),
			TokenRef::HUB_NATIVE,
			AMOUNT,
			recipient,
			H256(sha2_256(&[1u8; 32])),
			1
		));
		let later = Pallet::<T>::now() + 2;
		polkadot_sdk::frame_system::Pallet::<T>::set_block_number(later.into());
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), 0);

		assert_eq!(T::NativeToken::balance(&creator), AMOUNT * 100);
	}

	#[benchmark]
	fn claim_refund() {
		Pallet::<T>::endow_escrow_account();
		T::NativeToken::mint_into(&Pallet::<T>::escrow_account(), AMOUNT).expect("minted");
		let owner: T::AccountId = whitelisted_caller();
		RefundsDue::<T>::insert(&owner, TokenRef::HUB_NATIVE, AMOUNT);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), TokenRef::HUB_NATIVE);

		assert_eq!(T::NativeToken::balance(&owner), AMOUNT);
	}

	#[benchmark]
	fn set_rate_limit() -> Result<(), BenchmarkError> {
		let origin = <T::AdminOrigin as polkadot_sdk::frame_support::traits::EnsureOrigin<
			T::RuntimeOrigin,
		>>::try_successful_origin()
		.map_err(|_| BenchmarkError::Weightless)?;
		let limit = Some(RateLimit { amount: AMOUNT, window: 100 });

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, HOME, peer_token(), limit);

		assert_eq!(RateLimits::<T>::get(HOME, peer_token()), limit);
		Ok(())
	}

	#[benchmark]
	fn set_pause() -> Result<(), BenchmarkError> {
		let origin = <T::AdminOrigin as polkadot_sdk::frame_support::traits::EnsureOrigin<
			T::RuntimeOrigin,
		>>::try_successful_origin()
		.map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		set_chain_paused(origin as T::RuntimeOrigin, HOME, true);

		assert!(PausedChains::<T>::contains_key(HOME));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
