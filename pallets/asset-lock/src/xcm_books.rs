//! The books over XCM. What a Polkadot parachain peer holds of the hub's native token and of
//! the wrapped peer tokens is its claim in [`Escrowed`], exactly as for a peer reached by
//! messages, and it moves within the same pause switches and rate limits of (chain, token).
//!
//! [`PeerBooksTransactor`] is the XCM executor's asset transactor for the native token (`Here`)
//! and the wrapped assets (`PalletInstance(<assets>), GeneralIndex(<id>)`); the hub is their
//! reserve:
//! - deposited to an `Active` parachain peer's location `(1, [Parachain(id)])` (a reserve
//!   transfer to it), the peer's claim grows: the native token goes into the escrow account, a
//!   wrapped token is burned;
//! - withdrawn from it (the peer sends value back, or spends it on the hub), its claim shrinks,
//!   by no more than it is;
//! - deposited to or withdrawn from any other location: the account that location converts to.
//!
//! A sibling that is not an `Active` peer can neither receive nor send value, and nothing is
//! deposited to the relay chain. Each deposit or withdrawal is all or nothing (a storage layer):
//! when it fails, the value stays where it was and no claim, rate limit or event changes.

use crate::{functions::HubAsset, pallet::*};
use alloc::boxed::Box;
use core::marker::PhantomData;
use fusion_hub_primitives::{ChainId, ChainStatus, ParachainPeers, TokenRef};
use polkadot_sdk::{
	frame_support::{
		storage::with_storage_layer,
		traits::{
			fungible, fungibles,
			tokens::{
				imbalance::{ImbalanceAccounting, UnsafeManualAccounting},
				Fortitude::Polite,
				Precision::Exact,
				Preservation::{Expendable, Preserve},
			},
			Get, Imbalance as _,
		},
	},
	frame_system, pallet_assets,
	sp_runtime::DispatchError,
	staging_xcm::latest::prelude::*,
	staging_xcm_executor::{
		traits::{ConvertLocation, Error as MatchError, TransactAsset},
		AssetsInHolding,
	},
};

/// The native token's credit in XCM holding.
type NativeCredit<T> =
	fungible::Credit<<T as frame_system::Config>::AccountId, <T as Config>::NativeToken>;
/// A wrapped token's credit in XCM holding.
type WrappedCredit<T> =
	fungibles::Credit<<T as frame_system::Config>::AccountId, pallet_assets::Pallet<T>>;

/// Who holds value on the hub, as XCM names it.
enum Holder<AccountId> {
	/// An `Active` parachain peer: its claim in the books.
	Peer(ChainId),
	/// An account of the hub.
	Account(AccountId),
}

/// The XCM asset transactor over the books (see the module docs). `AssetsPalletIndex` is the
/// runtime's index of pallet-assets, which names wrapped assets in XCM.
pub struct PeerBooksTransactor<T, Peers, AccountIdOf, AssetsPalletIndex>(
	PhantomData<(T, Peers, AccountIdOf, AssetsPalletIndex)>,
);

impl<T, Peers, AccountIdOf, AssetsPalletIndex>
	PeerBooksTransactor<T, Peers, AccountIdOf, AssetsPalletIndex>
where
	T: Config,
	Peers: ParachainPeers,
	AccountIdOf: ConvertLocation<T::AccountId>,
	AssetsPalletIndex: Get<u8>,
{
	/// Whether the hub is the reserve of `id` and keeps it in the books: the native token, or a
	/// wrapped peer token that exists.
	pub fn handles(id: &AssetId) -> bool {
		Self::token_of(id).is_some()
	}

	/// The token and the hub's form of `asset`, if it is one of ours.
	fn matched(asset: &Asset) -> Option<(TokenRef, HubAsset, u128)> {
		let Fungibility::Fungible(amount) = asset.fun else { return None };
		let (token, hub_asset) = Self::token_of(&asset.id)?;
		Some((token, hub_asset, amount))
	}

	fn token_of(id: &AssetId) -> Option<(TokenRef, HubAsset)> {
		match id.0.unpack() {
			(0, []) => Some((TokenRef::HUB_NATIVE, HubAsset::Native)),
			(0, [PalletInstance(pallet), GeneralIndex(index)])
				if *pallet == AssetsPalletIndex::get() =>
			{
				let id = u32::try_from(*index).ok()?;
				WrappedAssets::<T>::get(id).map(|token| (token, HubAsset::Wrapped(id)))
			},
			_ => None,
		}
	}

	fn holder(who: &Location) -> Result<Holder<T::AccountId>, XcmError> {
		if let (1, [Parachain(para_id)]) = who.unpack() {
			return match Peers::parachain_peer(*para_id) {
				Some((chain, ChainStatus::Active)) => Ok(Holder::Peer(chain)),
				_ => Err(XcmError::FailedToTransactAsset("not an active parachain peer")),
			};
		}
		AccountIdOf::convert_location(who)
			.map(Holder::Account)
			.ok_or(MatchError::AccountIdConversionFailed.into())
	}

	/// A parachain peer holds other chains' tokens by claim. Its own token (were one ever
	/// wrapped here) would come home through its lock, without the bound of a claim: refused.
	fn ensure_not_home(
		holder: Holder<T::AccountId>,
		token: &TokenRef,
	) -> Result<Holder<T::AccountId>, XcmError> {
		match holder {
			Holder::Peer(chain) if chain == token.home => {
				Err(XcmError::FailedToTransactAsset("a parachain peer's own token"))
			},
			holder => Ok(holder),
		}
	}
}

/// An asset-lock error as the XCM error that carries its name.
fn failed(error: DispatchError) -> XcmError {
	XcmError::FailedToTransactAsset(error.into())
}

impl<T, Peers, AccountIdOf, AssetsPalletIndex> TransactAsset
	for PeerBooksTransactor<T, Peers, AccountIdOf, AssetsPalletIndex>
where
	T: Config,
	T::NativeToken: fungible::Balanced<T::AccountId, OnDropCredit: 'static, OnDropDebt: 'static>,
	NativeCredit<T>: ImbalanceAccounting<u128>,
	WrappedCredit<T>: ImbalanceAccounting<u128>,
	Peers: ParachainPeers,
	AccountIdOf: ConvertLocation<T::AccountId>,
	AssetsPalletIndex: Get<u8>,
{
	fn deposit_asset(
		mut what: AssetsInHolding,
		who: &Location,
		_context: Option<&XcmContext>,
	) -> Result<(), (AssetsInHolding, XcmError)> {
		let Some((asset_id, (token, hub_asset))) = what
			.fungible
			.keys()
			.next()
			.and_then(|id| Self::token_of(id).map(|matched| (id.clone(), matched)))
		else {
			return Err((what, MatchError::AssetNotHandled.into()));
		};
		// The relay chain trusts no parachain as a reserve: what a reserve transfer sent there
		// would be lost to its user.
		if who.unpack() == (1, &[]) {
			return Err((
				what,
				XcmError::FailedToTransactAsset("the relay chain holds no hub assets"),
			));
		}
		let holder =
			match Self::holder(who).and_then(|holder| Self::ensure_not_home(holder, &token)) {
				Ok(holder) => holder,
				Err(error) => return Err((what, error)),
			};
		let Some(imbalance) = what.fungible.remove(&asset_id) else {
			return Err((what, MatchError::AssetNotHandled.into()));
		};
		if !what.is_empty() {
			// One asset per call; the executor never gives more.
			what.fungible.insert(asset_id, imbalance);
			return Err((what, XcmError::FailedToTransactAsset("more than one asset")));
		}
		let amount = imbalance.amount();
		// On failure the value goes back into holding, unspent.
		let give_back = |imbalance, error| {
			(AssetsInHolding::new_from_fungible_credit(asset_id.clone(), imbalance), error)
		};
		match (holder, hub_asset) {
			(Holder::Peer(chain), hub_asset) => {
				let mut unspent: Option<Box<dyn ImbalanceAccounting<u128>>> = Some(imbalance);
				// All or nothing: the claim, its rate limit and event go with the value.
				let booked = with_storage_layer(|| -> Result<(), DispatchError> {
					Pallet::<T>::ensure_not_paused(chain, &token)?;
					Pallet::<T>::use_rate_limit(chain, &token, amount)?;
					Pallet::<T>::credit_peer(chain, &token, amount)?;
					Pallet::<T>::deposit_event(Event::ParachainClaimCredited {
						chain,
						token,
						amount,
					});
					if hub_asset == HubAsset::Native {
						let mut credit = NativeCredit::<T>::zero();
						if let Some(imbalance) = unspent.take() {
							credit.saturating_subsume(imbalance);
						}
						// The escrow account keeps its existential deposit: this holds.
						<T::NativeToken as fungible::Balanced<_>>::resolve(
							&Pallet::<T>::escrow_account(),
							credit,
						)
						.map_err(|refused| {
							unspent = Some(Box::new(refused));
							DispatchError::Other("the escrow account refused the deposit")
						})?;
					}
					Ok(())
				});
				match booked {
					Ok(()) => {
						// A wrapped token's claim stands for it now: dropping the credit burns it.
						drop(unspent);
					},
					Err(error) => {
						let unspent =
							unspent.unwrap_or_else(|| Box::new(NativeCredit::<T>::zero()));
						return Err(give_back(unspent, failed(error)));
					},
				}
			},
			(Holder::Account(account), HubAsset::Native) => {
				let mut credit = NativeCredit::<T>::zero();
				credit.saturating_subsume(imbalance);
				<T::NativeToken as fungible::Balanced<_>>::resolve(&account, credit).map_err(
					|unspent| {
						give_back(Box::new(unspent), XcmError::FailedToTransactAsset("deposit"))
					},
				)?;
			},
			(Holder::Account(account), HubAsset::Wrapped(id)) => {
				let mut credit = WrappedCredit::<T>::zero(id);
				credit.saturating_subsume(imbalance);
				<pallet_assets::Pallet<T> as fungibles::Balanced<_>>::resolve(&account, credit)
					.map_err(|unspent| {
						give_back(Box::new(unspent), XcmError::FailedToTransactAsset("deposit"))
					})?;
			},
		}
		Ok(())
	}

	fn withdraw_asset(
		what: &Asset,
		who: &Location,
		_context: Option<&XcmContext>,
	) -> Result<AssetsInHolding, XcmError> {
		let (token, hub_asset, amount) = Self::matched(what).ok_or(MatchError::AssetNotHandled)?;
		let credit: Box<dyn ImbalanceAccounting<u128>> =
			match Self::ensure_not_home(Self::holder(who)?, &token)? {
				// The claim is spent, all or nothing: the value comes out of escrow, or is
				// minted again.
				Holder::Peer(chain) => with_storage_layer(
					|| -> Result<Box<dyn ImbalanceAccounting<u128>>, DispatchError> {
						Pallet::<T>::ensure_not_paused(chain, &token)?;
						Pallet::<T>::use_rate_limit(chain, &token, amount)?;
						Pallet::<T>::debit_peer(chain, &token, amount)?;
						Pallet::<T>::deposit_event(Event::ParachainClaimDebited {
							chain,
							token,
							amount,
						});
						Ok(match hub_asset {
							// The escrow account keeps its existential deposit.
							HubAsset::Native => {
								Box::new(<T::NativeToken as fungible::Balanced<_>>::withdraw(
									&Pallet::<T>::escrow_account(),
									amount,
									Exact,
									Preserve,
									Polite,
								)?)
							},
							HubAsset::Wrapped(id) => Box::new(
								<pallet_assets::Pallet<T> as fungibles::Balanced<_>>::issue(
									id, amount,
								),
							),
						})
					},
				)
				.map_err(failed)?,
				Holder::Account(account) => match hub_asset {
					HubAsset::Native => Box::new(
						<T::NativeToken as fungible::Balanced<_>>::withdraw(
							&account, amount, Exact, Expendable, Polite,
						)
						.map_err(failed)?,
					),
					HubAsset::Wrapped(id) => Box::new(
						<pallet_assets::Pallet<T> as fungibles::Balanced<_>>::withdraw(
							id, &account, amount, Exact, Expendable, Polite,
						)
						.map_err(failed)?,
					),
				},
			};
		Ok(AssetsInHolding::new_from_fungible_credit(what.id.clone(), credit))
	}

	/// Minting is only for assets claimed back from the XCM asset trap: the trap left them in
	/// the supply (pallet-xcm forgets their imbalance), so the books still count them.
	fn mint_asset(what: &Asset, _context: &XcmContext) -> Result<AssetsInHolding, XcmError> {
		let (_, hub_asset, amount) = Self::matched(what).ok_or(MatchError::AssetNotHandled)?;
		let credit: Box<dyn ImbalanceAccounting<u128>> = match hub_asset {
			HubAsset::Native => Box::new(<T::NativeToken as fungible::Balanced<_>>::issue(amount)),
			HubAsset::Wrapped(id) => {
				Box::new(<pallet_assets::Pallet<T> as fungibles::Balanced<_>>::issue(id, amount))
			},
		};
		Ok(AssetsInHolding::new_from_fungible_credit(what.id.clone(), credit))
	}
}
