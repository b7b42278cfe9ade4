//! Foreign assets: tokens native to a parachain peer, held on the hub as derivatives of what
//! the hub's sovereign account keeps on that parachain (the reserve).
//!
//! - **Declared by governance.** A foreign asset exists only after `foreignAssets.forceCreate`
//!   (the governance origin) with its XCM location, e.g. `(1, [Parachain(2001)])` for a
//!   parachain's native token or `(1, [Parachain(2001), PalletInstance(50), GeneralIndex(7)])`
//!   for one of its assets. Nobody may create one by signing.
//! - **The parachain in the location is the only reserve.** A derivative is minted only when
//!   that parachain, an `Active` peer of the registry, deposits it by XCM
//!   (`ReserveAssetDeposited`), which is its statement that it holds the value for the hub;
//!   [`ReserveIsActiveParachainPeer`]. No call mints, burns, takes or destroys one (the
//!   runtime's call filter lets only holders' transfers and governance's declaration, metadata
//!   and status through: `super::is_allowed_foreign_assets_call`): the supply moves only by XCM
//!   from and to the reserve.
//! - **Sent back only while the reserve is `Active`.** A reserve transfer of a derivative goes
//!   through its reserve ([`is_reserve_transferable`]).
//! - **Fees.** A foreign asset declared `is_sufficient` pays for XCM execution on the hub, at
//!   the ratio of its `min_balance` to FUSE's existential deposit (the convention of Asset Hub
//!   before asset conversion); what is paid goes to the block's author, as FUSE fees do
//!   ([`ToBlockAuthor`]).

use crate::{
	configs::{governance::GovernanceOrigin, ApprovalDeposit, AssetAccountDeposit, AssetDeposit},
	configs::{MetadataDepositBase, MetadataDepositPerByte},
	AccountId, Balance, Balances, ChainRegistry, ForeignAssets, Runtime, RuntimeEvent, WeightToFee,
};
use fusion_hub_primitives::{ChainStatus, ParachainPeers};
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{
			fungibles::Inspect as _, tokens::imbalance::MaybeResolveAssetTo, AsEnsureOriginWithArg,
			ConstU32, Contains, ContainsPair, NeverEnsureOrigin, TypedGet,
		},
		PalletId,
	},
	sp_runtime::traits::{AccountIdConversion, ConvertInto, TryConvertInto},
	staging_xcm::{latest::prelude::*, v5},
	staging_xcm_builder::{
		FungiblesAdapter, MatchedConvertedConcreteId, NoChecking, WithLatestLocationConverter,
	},
	*,
};

/// The instance of pallet-assets that holds foreign assets.
pub type ForeignAssetsInstance = pallet_assets::Instance2;

impl pallet_assets::Config<ForeignAssetsInstance> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Balance = Balance;
	type RemoveItemsLimit = ConstU32<1000>;
	// The XCM location names the asset, fixed at v5 so a newer XCM never changes storage keys.
	type AssetId = v5::Location;
	type AssetIdParameter = v5::Location;
	type ReserveData = ();
	type Currency = Balances;
	type CreateOrigin = AsEnsureOriginWithArg<NeverEnsureOrigin<AccountId>>;
	type ForceOrigin = GovernanceOrigin;
	type AssetDeposit = AssetDeposit;
	type AssetAccountDeposit = AssetAccountDeposit;
	type MetadataDepositBase = MetadataDepositBase;
	type MetadataDepositPerByte = MetadataDepositPerByte;
	type ApprovalDeposit = ApprovalDeposit;
	type StringLimit = ConstU32<50>;
	type Freezer = ();
	type Holder = ();
	type Extra = ();
	type CallbackHandle = ();
	type AssetIdAllocator = ();
	type WeightInfo = pallet_assets::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ForeignAssetsBenchmarkHelper;
}

/// Locations of benchmarked foreign assets: the native token of parachain `id`.
#[cfg(feature = "runtime-benchmarks")]
pub struct ForeignAssetsBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_assets::BenchmarkHelper<v5::Location, ()> for ForeignAssetsBenchmarkHelper {
	fn create_asset_id_parameter(id: u32) -> v5::Location {
		v5::Location::new(1, [v5::Junction::Parachain(id)])
	}
	fn create_reserve_id_parameter(_: u32) {}
}

/// A foreign asset governance has declared: a location on a sibling parachain (the only kind
/// of foreign asset the hub holds) that pallet-assets knows. Nothing else is matched, so
/// nothing undeclared is ever minted into XCM holding.
pub struct DeclaredForeignAsset;
impl Contains<Location> for DeclaredForeignAsset {
	fn contains(location: &Location) -> bool {
		// The latest XCM is v5, the version of the asset ids: no conversion yet.
		matches!(location.unpack(), (1, [Parachain(_), ..]))
			&& ForeignAssets::asset_exists(location.clone())
	}
}

/// The parachain whose location `asset` is under, if it is an `Active` peer: its reserve.
fn active_reserve_of(asset: &Location) -> Option<u32> {
	let (1, [Parachain(para_id), ..]) = asset.unpack() else { return None };
	matches!(
		<ChainRegistry as ParachainPeers>::parachain_peer(*para_id),
		Some((_, ChainStatus::Active))
	)
	.then_some(*para_id)
}

/// The executor's `IsReserve`: a foreign asset is deposited only by the parachain it is native
/// to, while the registry has that parachain `Active`. (Whether it was declared is the
/// transactor's question: an undeclared one is `AssetNotFound`, before anything is minted.)
pub struct ReserveIsActiveParachainPeer;
impl ContainsPair<Asset, Location> for ReserveIsActiveParachainPeer {
	fn contains(asset: &Asset, origin: &Location) -> bool {
		active_reserve_of(&asset.id.0)
			.is_some_and(|para_id| origin.unpack() == (1, &[Parachain(para_id)]))
	}
}

/// Whether `asset` is a declared foreign asset whose reserve is an `Active` parachain peer: only
/// such a derivative may leave the hub by reserve transfer (back through its reserve).
pub fn is_reserve_transferable(asset: &AssetId) -> bool {
	active_reserve_of(&asset.0).is_some() && DeclaredForeignAsset::contains(&asset.0)
}

/// Matches declared foreign assets (fungible) to their pallet-assets id.
pub type ForeignAssetsMatcher = MatchedConvertedConcreteId<
	v5::Location,
	Balance,
	DeclaredForeignAsset,
	WithLatestLocationConverter<v5::Location>,
	TryConvertInto,
>;

/// The XCM transactor of foreign assets: the account a location converts to holds them. No
/// teleports, so nothing is checked in or out (the checking account is never used).
pub type ForeignAssetsTransactor<LocationToAccountId> = FungiblesAdapter<
	ForeignAssets,
	ForeignAssetsMatcher,
	LocationToAccountId,
	AccountId,
	NoChecking,
	UnusedCheckingAccount,
>;

parameter_types! {
	pub UnusedCheckingAccount: AccountId = PalletId(*b"fh/nochk").into_account_truncating();
}

/// The author of the block being built, who is paid the XCM fees taken in foreign assets (as
/// `ToAuthor` pays FUSE fees). Without an author (never on a running chain) the fee is burned:
/// what the reserve holds for the hub then exceeds the derivatives, nothing is created.
pub struct BlockAuthor;
impl TypedGet for BlockAuthor {
	type Type = Option<AccountId>;
	fn get() -> Option<AccountId> {
		pallet_authorship::Pallet::<Runtime>::author()
	}
}

/// Pays foreign-asset fees to [`BlockAuthor`].
pub type ToBlockAuthor = MaybeResolveAssetTo<BlockAuthor, ForeignAssets, AccountId>;

/// Buys XCM execution with the first asset given, a sufficient foreign asset, at the ratio of
/// its `min_balance` to FUSE's existential deposit.
pub type ForeignAssetsTrader = cumulus_primitives_utility::TakeFirstAssetTrader<
	AccountId,
	parachains_common::xcm_config::AssetFeeAsExistentialDepositMultiplier<
		Runtime,
		WeightToFee,
		pallet_assets::BalanceToAssetBalance<Balances, Runtime, ConvertInto, ForeignAssetsInstance>,
		ForeignAssetsInstance,
	>,
	ForeignAssetsMatcher,
	ForeignAssets,
	ToBlockAuthor,
>;
