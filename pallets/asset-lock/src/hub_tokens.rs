//! The hub's tokens as other applications move them between hub accounts (the settlement
//! application's hub legs): a plain transfer, which changes no book — the native total and each
//! wrapped asset's supply stay as they are.

use crate::{functions::HubAsset, pallet::*};
use fusion_hub_primitives::{settlement::HubTokens, TokenRef};
use polkadot_sdk::{
	frame_support::traits::{
		fungible::{Inspect as _, Mutate as _},
		fungibles,
		tokens::Preservation,
	},
	pallet_assets,
	sp_runtime::{DispatchError, DispatchResult},
};

impl<T: Config> HubTokens<T::AccountId> for Pallet<T> {
	fn minimum_balance(token: &TokenRef) -> Result<u128, DispatchError> {
		Ok(Self::minimum_balance(Self::hub_asset(token)?))
	}

	fn balance(token: &TokenRef, who: &T::AccountId) -> u128 {
		match Self::hub_asset(token) {
			Ok(HubAsset::Native) => T::NativeToken::balance(who),
			Ok(HubAsset::Wrapped(id)) => {
				<pallet_assets::Pallet<T> as fungibles::Inspect<T::AccountId>>::balance(id, who)
			},
			Err(_) => 0,
		}
	}

	fn transfer(
		token: &TokenRef,
		from: &T::AccountId,
		to: &T::AccountId,
		amount: u128,
		keep_alive: bool,
	) -> DispatchResult {
		match Self::hub_asset(token)? {
			HubAsset::Native => {
				let preservation =
					if keep_alive { Preservation::Preserve } else { Preservation::Expendable };
				T::NativeToken::transfer(from, to, amount, preservation)?;
			},
			HubAsset::Wrapped(id) => {
				<pallet_assets::Pallet<T> as fungibles::Mutate<T::AccountId>>::transfer(
					id,
					from,
					to,
					amount,
					// A holder exists by the native token (wrapped assets are not sufficient).
					Preservation::Expendable,
				)?;
			},
		}
		Ok(())
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn wrapped_token_for_benchmarks(
		index: u32,
		holder: &T::AccountId,
		amount: u128,
	) -> Result<TokenRef, DispatchError> {
		let id = polkadot_sdk::sp_core::H256::from_low_u64_be(u64::from(index) + 1);
		let token = TokenRef { home: 4_242, id };
		let asset = Self::wrapped_or_create(&token, 12)?;
		<pallet_assets::Pallet<T> as fungibles::Mutate<T::AccountId>>::mint_into(
			asset, holder, amount,
		)?;
		Ok(token)
	}
}
