//! The books: escrow and home locks, funds on the hub, rate limits, pauses, HTLCs.

use crate::{pallet::*, Htlc, RateUsage};
use alloc::{format, vec::Vec};
use fusion_hub_primitives::{
	message::{
		account_to_bytes32, bytes32_to_account, Timeout, TransferPayload, ASSET_TRANSFER_APP,
		HUB_CHAIN_ID,
	},
	ChainId, SendMessage, TokenRef,
};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{
			fungible::{Inspect as NativeInspect, Mutate as NativeMutate},
			fungibles::{self, Inspect as _, Mutate as _},
			tokens::{Fortitude, Precision, Preservation},
			Get,
		},
	},
	frame_system::{self, RawOrigin},
	pallet_assets,
	sp_core::H256,
	sp_io::hashing::sha2_256,
	sp_runtime::{
		traits::{AccountIdConversion, UniqueSaturatedInto},
		DispatchError, DispatchResult,
	},
};

/// Where a token lives on the hub.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum HubAsset {
	/// The native token, in pallet-balances.
	Native,
	/// A wrapped peer token, in pallet-assets.
	Wrapped(u32),
}

impl<T: Config> Pallet<T> {
	/// The escrow account: native escrow and every HTLC.
	pub fn escrow_account() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Gives the escrow account the existential deposit, so that any amount can be escrowed
	/// and every escrowed unit released without the account being reaped.
	pub(crate) fn endow_escrow_account() {
		fusion_hub_primitives::endow_to_minimum::<_, T::NativeToken>(&Self::escrow_account());
	}

	pub(crate) fn now() -> u32 {
		frame_system::Pallet::<T>::block_number().unique_saturated_into()
	}

	/// An account as the 32 bytes messages carry.
	pub fn account_to_h256(who: &T::AccountId) -> H256 {
		account_to_bytes32(who)
	}

	pub(crate) fn h256_to_account(bytes: &H256) -> Result<T::AccountId, DispatchError> {
		bytes32_to_account(bytes).ok_or(Error::<T>::InvalidBeneficiary.into())
	}

	/// The hub's form of a token it holds: native, or a wrapped asset it has seen.
	pub(crate) fn hub_asset(token: &TokenRef) -> Result<HubAsset, DispatchError> {
		if *token == TokenRef::HUB_NATIVE {
			return Ok(HubAsset::Native);
		}
		ensure!(token.home != HUB_CHAIN_ID, Error::<T>::UnknownAsset);
		WrappedIds::<T>::get(token).map(HubAsset::Wrapped).ok_or(Error::<T>::UnknownAsset.into())
	}

	pub(crate) fn ensure_not_paused(chain: ChainId, token: &TokenRef) -> DispatchResult {
		ensure!(!PausedChains::<T>::contains_key(chain), Error::<T>::ChainPaused);
		ensure!(!PausedTokens::<T>::contains_key(token), Error::<T>::TokenPaused);
		Ok(())
	}

	/// Counts `amount` against the rate limit of (chain, token), if one is set.
	pub(crate) fn use_rate_limit(chain: ChainId, token: &TokenRef, amount: u128) -> DispatchResult {
		let Some(limit) = RateLimits::<T>::get(chain, token) else { return Ok(()) };
		let now = Self::now();
		let mut usage = RateUsages::<T>::get(chain, token);
		if now >= usage.window_start.saturating_add(limit.window) {
			usage = RateUsage { window_start: now, used: 0 };
		}
		let used = usage.used.checked_add(amount).ok_or(Error::<T>::Overflow)?;
		ensure!(used <= limit.amount, Error::<T>::RateLimitExceeded);
		RateUsages::<T>::insert(chain, token, RateUsage { used, ..usage });
		Ok(())
	}

	/// Gives `amount` back to the rate limit of (chain, token), counted by a transfer sent at
	/// hub block `sent_at` that did not move: only if that block is in the current window (a
	/// window that has ended is not reopened, and a new one never owed it).
	pub(crate) fn give_back_rate_limit(
		chain: ChainId,
		token: &TokenRef,
		amount: u128,
		sent_at: u32,
	) {
		let Some(limit) = RateLimits::<T>::get(chain, token) else { return };
		let now = Self::now();
		RateUsages::<T>::mutate(chain, token, |usage| {
			let window_end = usage.window_start.saturating_add(limit.window);
			if usage.window_start <= sent_at && now < window_end {
				usage.used = usage.used.saturating_sub(amount);
			}
		});
	}

	/// Value leaves `chain` for the hub: its home locks it, or another chain spends its claim.
	pub(crate) fn debit_peer(chain: ChainId, token: &TokenRef, amount: u128) -> DispatchResult {
		if token.home == chain {
			LockedAtHome::<T>::try_mutate(token, |locked| add(locked, amount, Error::<T>::Overflow))
		} else {
			Escrowed::<T>::try_mutate(chain, token, |escrowed| {
				subtract(escrowed, amount, Error::<T>::ExceedsEscrow)
			})
		}
	}

	/// Value goes to `chain`: its home unlocks it, or another chain gains a claim. Undoing a
	/// debit of `chain` is exactly this.
	pub(crate) fn credit_peer(chain: ChainId, token: &TokenRef, amount: u128) -> DispatchResult {
		if token.home == chain {
			LockedAtHome::<T>::try_mutate(token, |locked| {
				subtract(locked, amount, Error::<T>::ExceedsLocked)
			})
		} else {
			Escrowed::<T>::try_mutate(chain, token, |escrowed| {
				add(escrowed, amount, Error::<T>::Overflow)
			})
		}
	}

	pub(crate) fn add_in_flight(token: &TokenRef, amount: u128) -> DispatchResult {
		InFlight::<T>::try_mutate(token, |in_flight| add(in_flight, amount, Error::<T>::Overflow))
	}

	pub(crate) fn remove_in_flight(token: &TokenRef, amount: u128) -> DispatchResult {
		InFlight::<T>::try_mutate(token, |in_flight| {
			subtract(in_flight, amount, Error::<T>::ExceedsInFlight)
		})
	}

	/// Fails with `InsufficientBalance` unless `who` can spend `amount` of `asset` (keeping its
	/// account alive for the native token).
	fn ensure_spendable(who: &T::AccountId, asset: HubAsset, amount: u128) -> DispatchResult {
		let available = match asset {
			HubAsset::Native => {
				T::NativeToken::reducible_balance(who, Preservation::Preserve, Fortitude::Polite)
			},
			HubAsset::Wrapped(id) => pallet_assets::Pallet::<T>::reducible_balance(
				id,
				who,
				Preservation::Expendable,
				Fortitude::Polite,
			),
		};
		ensure!(available >= amount, Error::<T>::InsufficientBalance);
		Ok(())
	}

	/// Moves `amount` of `asset` from `who` into the escrow account.
	fn move_to_escrow(who: &T::AccountId, asset: HubAsset, amount: u128) -> DispatchResult {
		let escrow = Self::escrow_account();
		match asset {
			HubAsset::Native => {
				T::NativeToken::transfer(who, &escrow, amount, Preservation::Preserve)?;
			},
			HubAsset::Wrapped(id) => {
				<pallet_assets::Pallet<T> as fungibles::Mutate<T::AccountId>>::transfer(
					id,
					who,
					&escrow,
					amount,
					Preservation::Expendable,
				)?;
			},
		}
		Ok(())
	}

	/// Moves `amount` of `asset` out of the escrow account to `to`.
	fn move_from_escrow(to: &T::AccountId, asset: HubAsset, amount: u128) -> DispatchResult {
		let escrow = Self::escrow_account();
		match asset {
			HubAsset::Native => {
				T::NativeToken::transfer(&escrow, to, amount, Preservation::Preserve)?;
			},
			HubAsset::Wrapped(id) => {
				<pallet_assets::Pallet<T> as fungibles::Mutate<T::AccountId>>::transfer(
					id,
					&escrow,
					to,
					amount,
					Preservation::Expendable,
				)?;
			},
		}
		Ok(())
	}

	/// Takes `amount` from `who` on the hub for a transfer out: the native token into escrow,
	/// a wrapped token burned.
	pub(crate) fn take_from_account(
		who: &T::AccountId,
		asset: HubAsset,
		amount: u128,
	) -> DispatchResult {
		Self::ensure_spendable(who, asset, amount)?;
		match asset {
			HubAsset::Native => Self::move_to_escrow(who, asset, amount),
			HubAsset::Wrapped(id) => pallet_assets::Pallet::<T>::burn_from(
				id,
				who,
				amount,
				Preservation::Expendable,
				Precision::Exact,
				Fortitude::Polite,
			)
			.map(|_| ()),
		}
	}

	/// Pays `amount` to `who` on the hub: the native token out of escrow, a wrapped token
	/// minted.
	pub(crate) fn pay_to_account(
		who: &T::AccountId,
		asset: HubAsset,
		amount: u128,
	) -> DispatchResult {
		match asset {
			HubAsset::Native => Self::move_from_escrow(who, asset, amount),
			HubAsset::Wrapped(id) => {
				pallet_assets::Pallet::<T>::mint_into(id, who, amount).map(|_| ())
			},
		}
	}

	/// The wrapped asset of a peer token, created on its first arrival from its home.
	pub(crate) fn wrapped_or_create(token: &TokenRef, decimals: u8) -> Result<u32, DispatchError> {
		if let Some(id) = WrappedIds::<T>::get(token) {
			return Ok(id);
		}
		let mut id = NextWrappedAssetId::<T>::get().unwrap_or_else(T::FirstWrappedAssetId::get);
		// Skip ids somebody else created; bounded, so a squatter costs a failed transfer, not a
		// loop.
		let mut tries = 0;
		while pallet_assets::Pallet::<T>::asset_exists(id) {
			tries += 1;
			ensure!(tries < 16, Error::<T>::WrappedIdUnavailable);
			id = id.checked_add(1).ok_or(Error::<T>::WrappedIdUnavailable)?;
		}
		let created = WrappedAssetCount::<T>::get(token.home);
		ensure!(created < T::MaxWrappedAssetsPerChain::get(), Error::<T>::TooManyWrappedAssets);
		let escrow = Self::escrow_account();
		// Not sufficient: an account holding only a wrapped asset would be state nobody paid
		// for (the peer can mint the token at will); the native existential deposit pays for
		// each holder.
		<pallet_assets::Pallet<T> as fungibles::Create<T::AccountId>>::create(
			id, escrow, false, 1,
		)?;
		let (name, symbol) = Self::wrapped_metadata(token);
		pallet_assets::Pallet::<T>::force_set_metadata(
			RawOrigin::Root.into(),
			id.into(),
			name,
			symbol,
			decimals,
			false,
		)?;
		WrappedIds::<T>::insert(token, id);
		WrappedAssets::<T>::insert(id, token);
		WrappedAssetCount::<T>::insert(token.home, created.saturating_add(1));
		NextWrappedAssetId::<T>::put(id.checked_add(1).ok_or(Error::<T>::WrappedIdUnavailable)?);
		Self::deposit_event(Event::WrappedAssetCreated { asset_id: id, token: *token });
		Ok(id)
	}

	/// Name and symbol of a wrapped asset: its home chain, and its original id in hex without
	/// leading zero bytes, shortened in the middle to fit.
	pub fn wrapped_metadata(token: &TokenRef) -> (Vec<u8>, Vec<u8>) {
		let name = format!("Wrapped chain {} asset", token.home).into_bytes();
		let significant: Vec<u8> =
			token.id.as_bytes().iter().copied().skip_while(|b| *b == 0).collect();
		let hex: Vec<u8> = significant
			.iter()
			.flat_map(|byte| [HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0xf)]])
			.collect();
		let hex = if hex.is_empty() { alloc::vec![b'0'] } else { hex };
		let limit = (<T as pallet_assets::Config>::StringLimit::get() as usize).saturating_sub(2);
		let mut symbol = b"0x".to_vec();
		if hex.len() <= limit {
			symbol.extend_from_slice(&hex);
		} else {
			let half = limit.saturating_sub(2) / 2;
			symbol.extend_from_slice(&hex[..half]);
			symbol.extend_from_slice(b"..");
			symbol.extend_from_slice(&hex[hex.len() - half..]);
		}
		(name, symbol)
	}

	/// The least an account may hold of `asset`.
	pub(crate) fn minimum_balance(asset: HubAsset) -> u128 {
		match asset {
			HubAsset::Native => T::NativeToken::minimum_balance(),
			HubAsset::Wrapped(id) => {
				<pallet_assets::Pallet<T> as fungibles::Inspect<T::AccountId>>::minimum_balance(id)
			},
		}
	}

	/// The decimals a transfer payload carries for `asset`.
	fn decimals_of(asset: HubAsset) -> u8 {
		match asset {
			HubAsset::Native => T::NativeDecimals::get(),
			HubAsset::Wrapped(id) => <pallet_assets::Pallet<T> as fungibles::metadata::Inspect<
				T::AccountId,
			>>::decimals(id),
		}
	}

	pub(crate) fn do_transfer_out(
		sender: T::AccountId,
		token: TokenRef,
		amount: u128,
		destination: ChainId,
		beneficiary: H256,
		timeout: Timeout,
		fee: u128,
	) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		ensure!(destination != HUB_CHAIN_ID, Error::<T>::InvalidDestination);
		Self::ensure_not_paused(destination, &token)?;
		let asset = Self::hub_asset(&token)?;
		Self::use_rate_limit(destination, &token, amount)?;
		Self::take_from_account(&sender, asset, amount)?;
		Self::add_in_flight(&token, amount)?;
		let payload =
			TransferPayload { token, amount, beneficiary, decimals: Self::decimals_of(asset) };
		let message = T::Messenger::send(
			&sender,
			destination,
			ASSET_TRANSFER_APP,
			Self::account_to_h256(&sender),
			payload.abi_encode(),
			timeout,
			fee,
		)?;
		Self::deposit_event(Event::TransferSent {
			sender,
			token,
			amount,
			destination,
			beneficiary,
			nonce: message.nonce,
		});
		Ok(())
	}

	pub(crate) fn do_create_htlc(
		creator: T::AccountId,
		token: TokenRef,
		amount: u128,
		recipient: T::AccountId,
		hashlock: H256,
		duration: u32,
	) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		ensure!(duration > 0 && duration <= T::MaxHtlcDuration::get(), Error::<T>::InvalidTimelock);
		ensure!(!PausedTokens::<T>::contains_key(token), Error::<T>::TokenPaused);
		let asset = Self::hub_asset(&token)?;
		// An HTLC is state anyone can make the hub keep for its duration: it must lock at least
		// what an account of the token must hold.
		ensure!(amount >= Self::minimum_balance(asset), Error::<T>::BelowMinimum);
		Self::ensure_spendable(&creator, asset, amount)?;
		Self::move_to_escrow(&creator, asset, amount)?;
		HtlcHeld::<T>::try_mutate(token, |held| add(held, amount, Error::<T>::Overflow))?;
		let id = NextHtlcId::<T>::get();
		NextHtlcId::<T>::put(id.checked_add(1).ok_or(Error::<T>::Overflow)?);
		let expires = Self::now().checked_add(duration).ok_or(Error::<T>::Overflow)?;
		Htlcs::<T>::insert(
			id,
			Htlc {
				creator: creator.clone(),
				recipient: recipient.clone(),
				token,
				amount,
				hashlock,
				expires,
			},
		);
		Self::deposit_event(Event::HtlcCreated {
			id,
			creator,
			recipient,
			token,
			amount,
			hashlock,
			expires,
		});
		Ok(())
	}

	pub(crate) fn do_claim_htlc(id: u64, preimage: [u8; 32]) -> DispatchResult {
		let htlc = Htlcs::<T>::get(id).ok_or(Error::<T>::UnknownHtlc)?;
		ensure!(Self::now() <= htlc.expires, Error::<T>::HtlcExpired);
		ensure!(H256(sha2_256(&preimage)) == htlc.hashlock, Error::<T>::WrongPreimage);
		Self::close_htlc(id, &htlc, &htlc.recipient)?;
		Self::deposit_event(Event::HtlcClaimed { id, preimage });
		Ok(())
	}

	pub(crate) fn do_refund_htlc(id: u64) -> DispatchResult {
		let htlc = Htlcs::<T>::get(id).ok_or(Error::<T>::UnknownHtlc)?;
		ensure!(Self::now() > htlc.expires, Error::<T>::HtlcNotExpired);
		Self::close_htlc(id, &htlc, &htlc.creator)?;
		Self::deposit_event(Event::HtlcRefunded { id });
		Ok(())
	}

	/// Removes an HTLC and pays its funds out of escrow to `to`.
	fn close_htlc(id: u64, htlc: &Htlc<T::AccountId>, to: &T::AccountId) -> DispatchResult {
		Htlcs::<T>::remove(id);
		HtlcHeld::<T>::try_mutate(htlc.token, |held| {
			subtract(held, htlc.amount, Error::<T>::ExceedsEscrow)
		})?;
		Self::move_from_escrow(to, Self::hub_asset(&htlc.token)?, htlc.amount)
	}

	/// What the escrow account must hold of the native token: the existential deposit, every
	/// native escrow, every native HTLC, the native value in flight and deferred native refunds.
	pub fn native_escrow_owed() -> u128 {
		Escrowed::<T>::iter()
			.filter(|(_, token, _)| *token == TokenRef::HUB_NATIVE)
			.fold(T::NativeToken::minimum_balance(), |sum, (_, _, amount)| {
				sum.saturating_add(amount)
			})
			.saturating_add(HtlcHeld::<T>::get(TokenRef::HUB_NATIVE))
			.saturating_add(InFlight::<T>::get(TokenRef::HUB_NATIVE))
			.saturating_add(Self::refunds_due(&TokenRef::HUB_NATIVE))
	}

	/// Deferred refunds of `token`, all owners together.
	pub fn refunds_due(token: &TokenRef) -> u128 {
		RefundsDue::<T>::iter()
			.filter(|(_, due_token, _)| due_token == token)
			.fold(0, |sum, (_, _, amount)| sum.saturating_add(amount))
	}

	/// The pallet's invariants (see the crate docs).
	#[cfg(any(feature = "try-runtime", feature = "std"))]
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use alloc::collections::BTreeMap;
		ensure!(
			T::NativeToken::balance(&Self::escrow_account()) >= Self::native_escrow_owed(),
			"the escrow account holds less native token than it owes"
		);
		// For every peer token: locked at home = wrapped supply + what other chains can redeem +
		// what is in flight.
		let mut claims = BTreeMap::<TokenRef, u128>::new();
		for (chain, token, amount) in Escrowed::<T>::iter() {
			ensure!(chain != token.home, "a chain holds an escrow of its own token");
			if token != TokenRef::HUB_NATIVE {
				let claim = claims.entry(token).or_default();
				*claim = claim.saturating_add(amount);
			}
		}
		for (token, in_flight) in InFlight::<T>::iter() {
			if token != TokenRef::HUB_NATIVE {
				let claim = claims.entry(token).or_default();
				*claim = claim.saturating_add(in_flight);
			}
		}
		// A deferred wrapped refund is supply not yet minted back.
		for (_, token, due) in RefundsDue::<T>::iter() {
			if token != TokenRef::HUB_NATIVE {
				let claim = claims.entry(token).or_default();
				*claim = claim.saturating_add(due);
			}
		}
		for token in LockedAtHome::<T>::iter_keys() {
			claims.entry(token).or_default();
		}
		for token in WrappedIds::<T>::iter_keys() {
			claims.entry(token).or_default();
		}
		for (token, claimed) in claims {
			let supply = WrappedIds::<T>::get(token)
				.map(pallet_assets::Pallet::<T>::total_issuance)
				.unwrap_or(0);
			ensure!(
				LockedAtHome::<T>::get(token) == supply.saturating_add(claimed),
				"locked at home differs from wrapped supply plus claims plus value in flight"
			);
		}
		for (token, held) in HtlcHeld::<T>::iter() {
			if let Some(id) = WrappedIds::<T>::get(token) {
				ensure!(
					pallet_assets::Pallet::<T>::balance(id, Self::escrow_account()) >= held,
					"the escrow account holds less wrapped token than its HTLCs"
				);
			}
		}
		// Wrapped assets are counted per home chain, within the bound.
		let mut created = BTreeMap::<ChainId, u32>::new();
		for token in WrappedIds::<T>::iter_keys() {
			*created.entry(token.home).or_default() += 1;
		}
		ensure!(
			fusion_hub_primitives::counts_agree(created, WrappedAssetCount::<T>::iter()),
			"WrappedAssetCount differs from the wrapped assets of each home chain"
		);
		ensure!(
			WrappedAssetCount::<T>::iter_values()
				.all(|count| count <= T::MaxWrappedAssetsPerChain::get()),
			"a home chain has more wrapped assets than MaxWrappedAssetsPerChain"
		);
		Ok(())
	}
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn add<E>(value: &mut u128, amount: u128, error: E) -> Result<(), DispatchError>
where
	E: Into<DispatchError>,
{
	*value = value.checked_add(amount).ok_or(error.into())?;
	Ok(())
}

fn subtract<E>(value: &mut u128, amount: u128, error: E) -> Result<(), DispatchError>
where
	E: Into<DispatchError>,
{
	*value = value.checked_sub(amount).ok_or(error.into())?;
	Ok(())
}
