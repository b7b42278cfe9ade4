//! # Asset lock
//!
//! The asset-transfer application of the hub: value moves between peers without being lost or
//! created.
//!
//! Every token is named by its home chain and its id there ([`TokenRef`]). The hub keeps two
//! books:
//! - [`Escrowed`]`(chain, token)`: what `chain` can still redeem of a token whose home is
//!   elsewhere. For the hub's native token it is backed by real funds in the pallet's escrow
//!   account; for a peer's token routed to a third chain it is the hub's record of what that
//!   chain received.
//! - [`LockedAtHome`]`(token)`: what the token's home chain has locked for transfers through
//!   the hub.
//!
//! Moves:
//! - [`Pallet::transfer_out`]: the native token is locked in escrow; a wrapped token is burned.
//!   The value is in flight ([`InFlight`]) until the destination's receipt: delivered, it is
//!   credited to the destination (its home unlocks it, or a third chain holds a claim);
//!   otherwise it is refunded.
//! - An inbound transfer: from the token's home, a wrapped asset is minted in pallet-assets
//!   (created on first sight, its metadata naming the home chain and original id; at most
//!   `MaxWrappedAssetsPerChain` per home chain, whose registration deposit pays for them; not
//!   sufficient, so an account that receives one must exist by the native token); from
//!   elsewhere, the sending chain's escrow is debited (it cannot redeem more than it received)
//!   and the native token is released or the wrapped one minted.
//! - A routed transfer (peer to peer through the hub) debits the source at once and credits
//!   the destination once delivered.
//! - A transfer that fails at its destination or times out is undone exactly once, when the
//!   messaging pallet reports its outcome.
//!
//! Invariants, checked by `try_state` and the tests: the escrow account holds the existential
//! deposit plus every native escrow, HTLC and native value in flight; and for every peer token,
//! what is locked at home equals the wrapped supply on the hub plus what other chains can redeem
//! plus what is in flight.
//!
//! HTLCs ([`Pallet::create_htlc`], [`Pallet::claim_htlc`], [`Pallet::refund_htlc`]) serve
//! peers with no proofs: a SHA-256 hash lock and a time lock in hub blocks, for at least the
//! token's minimum balance.
//!
//! A refund that cannot be paid at once (a native amount below the existential deposit for an
//! account that no longer exists) is kept for its owner ([`RefundsDue`], [`Pallet::claim_refund`]):
//! an outcome never fails for want of a payee.
//!
//! Governance sets rate limits per (chain, token) over a window of blocks, and pause switches
//! per chain and per token. Refunds are never paused.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod functions;
mod handler;
mod hub_tokens;
pub mod weights;
pub mod xcm_books;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod xcm_books_tests;

pub use pallet::*;
pub use weights::WeightInfo;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use fusion_hub_primitives::TokenRef;
use polkadot_sdk::{frame_support, pallet_assets, sp_core::H256};
use scale_info::TypeInfo;

/// A rate limit: at most `amount` moved per `window` blocks.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct RateLimit {
	/// The most that may move in one window, in and out together.
	pub amount: u128,
	/// The window's length in hub blocks.
	pub window: u32,
}

/// What moved in the current window.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct RateUsage {
	/// The block the window started at.
	pub window_start: u32,
	/// How much moved since.
	pub used: u128,
}

/// A hashed time-locked contract.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Htlc<AccountId> {
	/// Who locked the funds, and gets them back after the time lock.
	pub creator: AccountId,
	/// Who gets them with the preimage before the time lock.
	pub recipient: AccountId,
	/// The token.
	pub token: TokenRef,
	/// How much.
	pub amount: u128,
	/// SHA-256 of the 32-byte preimage.
	pub hashlock: H256,
	/// The last hub block in which it can be claimed; refundable after it.
	pub expires: u32,
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use fusion_hub_primitives::{message::Timeout, ChainId, SendMessage};
	use polkadot_sdk::{
		frame_support::{pallet_prelude::*, traits::fungible, PalletId},
		frame_system::pallet_prelude::*,
	};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>>
		+ pallet_assets::Config<Balance = u128, AssetId = u32>
	{
		/// The hub's native token.
		type NativeToken: fungible::Mutate<Self::AccountId, Balance = u128>;

		/// The native token's decimals, for the transfer payload.
		#[pallet::constant]
		type NativeDecimals: Get<u8>;

		/// Sends transfer messages.
		type Messenger: SendMessage<Self::AccountId, Self::MaxPayload>;

		/// The messaging pallet's payload bound.
		type MaxPayload: Get<u32>;

		/// Sets rate limits and pause switches.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The escrow account is this pallet id's account.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// The first pallet-assets id given to a wrapped asset; later ones count up, skipping
		/// ids in use.
		#[pallet::constant]
		type FirstWrappedAssetId: Get<u32>;

		/// The longest HTLC time lock, in blocks.
		#[pallet::constant]
		type MaxHtlcDuration: Get<u32>;

		/// Most wrapped assets the tokens of one home chain may create on the hub: they are paid
		/// for by that chain's registration deposit.
		#[pallet::constant]
		type MaxWrappedAssetsPerChain: Get<u32>;

		/// Weights of the calls and of the message handler.
		type WeightInfo: WeightInfo;
	}

	/// What each chain can still redeem of each token whose home is elsewhere.
	#[pallet::storage]
	pub type Escrowed<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ChainId, Blake2_128Concat, TokenRef, u128, ValueQuery>;

	/// What each peer token's home chain has locked for transfers through the hub.
	#[pallet::storage]
	pub type LockedAtHome<T: Config> = StorageMap<_, Blake2_128Concat, TokenRef, u128, ValueQuery>;

	/// Value of each token in flight: sent or routed by the hub, its outcome not yet known. It
	/// is credited to its destination only once delivered, so no chain can redeem value that
	/// may still come back.
	#[pallet::storage]
	pub type InFlight<T: Config> = StorageMap<_, Blake2_128Concat, TokenRef, u128, ValueQuery>;

	/// The token each wrapped asset stands for.
	#[pallet::storage]
	pub type WrappedAssets<T: Config> = StorageMap<_, Twox64Concat, u32, TokenRef>;

	/// The wrapped asset of each peer token seen on the hub.
	#[pallet::storage]
	pub type WrappedIds<T: Config> = StorageMap<_, Blake2_128Concat, TokenRef, u32>;

	/// The next pallet-assets id to try for a wrapped asset.
	#[pallet::storage]
	pub type NextWrappedAssetId<T: Config> = StorageValue<_, u32>;

	/// How many wrapped assets the tokens of each home chain have created.
	#[pallet::storage]
	pub type WrappedAssetCount<T: Config> = StorageMap<_, Twox64Concat, ChainId, u32, ValueQuery>;

	/// Rate limits per (chain, token).
	#[pallet::storage]
	pub type RateLimits<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ChainId, Blake2_128Concat, TokenRef, RateLimit>;

	/// What moved per (chain, token) in the current window.
	#[pallet::storage]
	pub type RateUsages<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		ChainId,
		Blake2_128Concat,
		TokenRef,
		RateUsage,
		ValueQuery,
	>;

	/// Chains whose transfers are paused.
	#[pallet::storage]
	pub type PausedChains<T: Config> = StorageMap<_, Twox64Concat, ChainId, ()>;

	/// Tokens whose transfers are paused.
	#[pallet::storage]
	pub type PausedTokens<T: Config> = StorageMap<_, Blake2_128Concat, TokenRef, ()>;

	/// Open HTLCs.
	#[pallet::storage]
	pub type Htlcs<T: Config> = StorageMap<_, Twox64Concat, u64, Htlc<T::AccountId>>;

	/// The next HTLC id.
	#[pallet::storage]
	pub type NextHtlcId<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Refunds that could not be paid when their transfer failed (a native amount below the
	/// existential deposit for an account that no longer exists): the value stays in escrow
	/// until its owner claims it with [`Pallet::claim_refund`].
	#[pallet::storage]
	pub type RefundsDue<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		TokenRef,
		u128,
		ValueQuery,
	>;

	/// What open HTLCs hold of each token, in the escrow account.
	#[pallet::storage]
	pub type HtlcHeld<T: Config> = StorageMap<_, Blake2_128Concat, TokenRef, u128, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Pallet::<T>::endow_escrow_account();
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A transfer left the hub for `destination` (message `nonce` on that channel).
		TransferSent {
			sender: T::AccountId,
			token: TokenRef,
			amount: u128,
			destination: ChainId,
			beneficiary: H256,
			nonce: u64,
		},
		/// A transfer arrived from `source` and was paid out on the hub.
		TransferReceived {
			source: ChainId,
			token: TokenRef,
			amount: u128,
			beneficiary: T::AccountId,
		},
		/// A transfer between two peers passed through the hub.
		TransferRouted { source: ChainId, destination: ChainId, token: TokenRef, amount: u128 },
		/// A transfer the hub sent failed or timed out: the sender got it back.
		TransferRefunded {
			sender: T::AccountId,
			token: TokenRef,
			amount: u128,
			destination: ChainId,
		},
		/// A refund could not be paid now; its owner can claim it.
		RefundDeferred { owner: T::AccountId, token: TokenRef, amount: u128 },
		/// A deferred refund was claimed.
		RefundClaimed { owner: T::AccountId, token: TokenRef, amount: u128 },
		/// A routed transfer failed or timed out at its destination: its books were reversed.
		RouteReverted { source: ChainId, destination: ChainId, token: TokenRef, amount: u128 },
		/// A wrapped asset was created for a peer token on first sight.
		WrappedAssetCreated { asset_id: u32, token: TokenRef },
		/// An HTLC was opened.
		HtlcCreated {
			id: u64,
			creator: T::AccountId,
			recipient: T::AccountId,
			token: TokenRef,
			amount: u128,
			hashlock: H256,
			expires: u32,
		},
		/// An HTLC was claimed with its preimage.
		HtlcClaimed { id: u64, preimage: [u8; 32] },
		/// An HTLC was refunded to its creator.
		HtlcRefunded { id: u64 },
		/// A rate limit was set or removed.
		RateLimitSet { chain: ChainId, token: TokenRef, limit: Option<RateLimit> },
		/// A chain's transfers were paused or resumed.
		ChainPauseSet { chain: ChainId, paused: bool },
		/// A token's transfers were paused or resumed.
		TokenPauseSet { token: TokenRef, paused: bool },
		/// Value went to a parachain peer by XCM: its claim grew.
		ParachainClaimCredited { chain: ChainId, token: TokenRef, amount: u128 },
		/// Value came from a parachain peer by XCM: its claim shrank.
		ParachainClaimDebited { chain: ChainId, token: TokenRef, amount: u128 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// A transfer of nothing.
		ZeroAmount,
		/// The token is neither the hub's native token nor a wrapped asset the hub knows.
		UnknownAsset,
		/// Transfers of this chain are paused.
		ChainPaused,
		/// Transfers of this token are paused.
		TokenPaused,
		/// The transfer would exceed the rate limit of its (chain, token) in this window.
		RateLimitExceeded,
		/// The account holds too little of the token (keeping itself alive).
		InsufficientBalance,
		/// The chain would redeem more than it can: more than was sent to it.
		ExceedsEscrow,
		/// More would return home than the home chain locked.
		ExceedsLocked,
		/// An amount overflowed.
		Overflow,
		/// An outcome for more than is in flight: a message reported twice.
		ExceedsInFlight,
		/// The transfer payload does not decode.
		InvalidPayload,
		/// The beneficiary is not an account of the hub.
		InvalidBeneficiary,
		/// No free pallet-assets id was found for a new wrapped asset.
		WrappedIdUnavailable,
		/// No HTLC with this id: never created, claimed or refunded.
		UnknownHtlc,
		/// The HTLC's time lock has passed: it can only be refunded.
		HtlcExpired,
		/// The HTLC's time lock has not passed yet.
		HtlcNotExpired,
		/// The preimage does not hash to the HTLC's hash lock.
		WrongPreimage,
		/// The time lock is zero or longer than `MaxHtlcDuration`.
		InvalidTimelock,
		/// A rate limit's window is zero.
		InvalidRateLimit,
		/// A transfer must go to a peer chain.
		InvalidDestination,
		/// The caller has no deferred refund of this token.
		NoRefundDue,
		/// The amount is below the token's minimum balance (the native existential deposit, or
		/// the wrapped asset's `min_balance`).
		BelowMinimum,
		/// The token's home chain has `MaxWrappedAssetsPerChain` wrapped assets already.
		TooManyWrappedAssets,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(
			_: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Sends `amount` of `token` to `beneficiary` on `destination`: the native token is
		/// locked in escrow for that chain, a wrapped token is burned. `fee` goes to the relayer
		/// that delivers the message. Refunded if it fails at the destination or times out.
		#[pallet::call_index(0)]
		#[pallet::weight(<T as Config>::WeightInfo::transfer_out())]
		pub fn transfer_out(
			origin: OriginFor<T>,
			token: TokenRef,
			amount: u128,
			destination: ChainId,
			beneficiary: H256,
			timeout: Timeout,
			fee: u128,
		) -> DispatchResult {
			let sender = ensure_signed(origin)?;
			Self::do_transfer_out(sender, token, amount, destination, beneficiary, timeout, fee)
		}

		/// Locks `amount` of `token` for `recipient`, who can claim it with the preimage of
		/// `hashlock` (SHA-256) for `duration` blocks; after that the creator gets it back.
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::create_htlc())]
		pub fn create_htlc(
			origin: OriginFor<T>,
			token: TokenRef,
			amount: u128,
			recipient: T::AccountId,
			hashlock: H256,
			duration: u32,
		) -> DispatchResult {
			let creator = ensure_signed(origin)?;
			Self::do_create_htlc(creator, token, amount, recipient, hashlock, duration)
		}

		/// Pays an HTLC to its recipient, given the preimage before the time lock. Anyone may
		/// submit it.
		#[pallet::call_index(2)]
		#[pallet::weight(<T as Config>::WeightInfo::claim_htlc())]
		pub fn claim_htlc(origin: OriginFor<T>, id: u64, preimage: [u8; 32]) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_claim_htlc(id, preimage)
		}

		/// Returns an HTLC to its creator after the time lock. Anyone may submit it.
		#[pallet::call_index(3)]
		#[pallet::weight(<T as Config>::WeightInfo::refund_htlc())]
		pub fn refund_htlc(origin: OriginFor<T>, id: u64) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_refund_htlc(id)
		}

		/// Sets (or with `None` removes) the rate limit of (chain, token).
		#[pallet::call_index(4)]
		#[pallet::weight(<T as Config>::WeightInfo::set_rate_limit())]
		pub fn set_rate_limit(
			origin: OriginFor<T>,
			chain: ChainId,
			token: TokenRef,
			limit: Option<RateLimit>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			match limit {
				Some(limit) => {
					ensure!(limit.window > 0, Error::<T>::InvalidRateLimit);
					RateLimits::<T>::insert(chain, token, limit);
					// A new window from now: transfers sent before it owe it nothing back.
					RateUsages::<T>::insert(
						chain,
						token,
						RateUsage { window_start: Self::now(), used: 0 },
					);
				},
				None => {
					RateLimits::<T>::remove(chain, token);
					RateUsages::<T>::remove(chain, token);
				},
			}
			Self::deposit_event(Event::RateLimitSet { chain, token, limit });
			Ok(())
		}

		/// Pays the caller a refund that could not be paid when its transfer failed.
		#[pallet::call_index(7)]
		#[pallet::weight(<T as Config>::WeightInfo::claim_refund())]
		pub fn claim_refund(origin: OriginFor<T>, token: TokenRef) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			let amount = RefundsDue::<T>::take(&owner, token);
			ensure!(amount > 0, Error::<T>::NoRefundDue);
			Self::pay_to_account(&owner, Self::hub_asset(&token)?, amount)?;
			Self::deposit_event(Event::RefundClaimed { owner, token, amount });
			Ok(())
		}

		/// Pauses or resumes every transfer to, from or through `chain`.
		#[pallet::call_index(5)]
		#[pallet::weight(<T as Config>::WeightInfo::set_pause())]
		pub fn set_chain_paused(
			origin: OriginFor<T>,
			chain: ChainId,
			paused: bool,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			if paused {
				PausedChains::<T>::insert(chain, ());
			} else {
				PausedChains::<T>::remove(chain);
			}
			Self::deposit_event(Event::ChainPauseSet { chain, paused });
			Ok(())
		}

		/// Pauses or resumes every transfer and new HTLC of `token`.
		#[pallet::call_index(6)]
		#[pallet::weight(<T as Config>::WeightInfo::set_pause())]
		pub fn set_token_paused(
			origin: OriginFor<T>,
			token: TokenRef,
			paused: bool,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			if paused {
				PausedTokens::<T>::insert(token, ());
			} else {
				PausedTokens::<T>::remove(token);
			}
			Self::deposit_event(Event::TokenPauseSet { token, paused });
			Ok(())
		}
	}
}
