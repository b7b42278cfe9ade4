//! XCM: how the hub talks to its relay chain and to sibling parachains.
//!
//! The hub is the reserve of its native token FUSE (`Here`) and of the wrapped peer tokens
//! (`PalletInstance(<Assets>), GeneralIndex(<asset id>)`); teleports are disabled. What a
//! parachain peer holds of them is its claim in the asset-lock books, as for every other peer
//! ([`pallet_asset_lock::xcm_books`]), and reserve transfers go only to `Active` parachain
//! peers. Tokens native to a parachain peer are held as foreign assets, with that parachain as
//! their only reserve ([`super::foreign_assets`]).
//!
//! The registry gates XCM: only the relay chain and parachain peers the registry has `Active`
//! may pay for execution or subscribe ([`RelayOrActiveParachainPeer`]); the XCM of a suspended
//! or frozen peer waits in the message queue until governance resumes it
//! ([`HeldParachainPeers`]); any other sibling's XCM fails at the barrier.

use super::foreign_assets::{
	is_reserve_transferable, DeclaredForeignAsset, ForeignAssetsTrader, ForeignAssetsTransactor,
	ReserveIsActiveParachainPeer,
};
use crate::{
	AccountId, AllPalletsWithSystem, Assets, Balances, ChainRegistry, ParachainInfo,
	ParachainSystem, PolkadotXcm, Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, WeightToFee,
	XcmpQueue,
};
use alloc::vec::Vec;
use cumulus_primitives_core::ParaId;
use fusion_hub_primitives::{ChainStatus, ParachainPeers};
use pallet_asset_lock::xcm_books::PeerBooksTransactor;
use polkadot_parachain_primitives::primitives::Sibling;
use polkadot_runtime_common::{impls::ToAuthor, xcm_sender::NoPriceForMessageDelivery};
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{
			ConstU32, Contains, Disabled, Everything, Nothing, PalletInfoAccess,
			ProcessMessageError, QueuePausedQuery,
		},
		weights::Weight,
	},
	pallet_xcm::XcmPassthrough,
	staging_xcm as xcm, staging_xcm_builder as xcm_builder, staging_xcm_executor as xcm_executor,
	*,
};
use xcm::latest::prelude::*;
use xcm_builder::{
	AccountId32Aliases, AllowExplicitUnpaidExecutionFrom, AllowKnownQueryResponses,
	AllowSubscriptionsFrom, AllowTopLevelPaidExecutionFrom, DenyRecursively,
	DenyReserveTransferToRelayChain, DenyThenTry, DescribeAllTerminal, DescribeFamily,
	EnsureXcmOrigin, FrameTransactionalProcessor, HashedDescription, ParentIsPreset,
	RelayChainAsNative, RespectSuspension, SiblingParachainAsNative, SiblingParachainConvertsVia,
	SignedAccountId32AsNative, SignedToAccountId32, SovereignSignedViaLocation, TakeWeightCredit,
	TrailingSetTopicAsId, UsingComponents, WeightInfoBounds, WithComputedOrigin, WithUniqueTopic,
};
use xcm_executor::XcmExecutor;

parameter_types! {
	pub const RelayLocation: Location = Location::parent();
	pub const HereLocation: Location = Location::here();
	// The consensus the hub belongs to: a Polkadot parachain. Local accounts may name it or not.
	pub const RelayNetwork: Option<NetworkId> = Some(NetworkId::Polkadot);
	pub RelayChainOrigin: RuntimeOrigin = cumulus_pallet_xcm::Origin::Relay.into();
	pub UniversalLocation: InteriorLocation =
		[GlobalConsensus(NetworkId::Polkadot), Parachain(ParachainInfo::parachain_id().into())]
			.into();
	/// pallet-assets' index: wrapped assets are `PalletInstance(<it>), GeneralIndex(<id>)`.
	pub AssetsPalletIndex: u8 = u8::try_from(<Assets as PalletInfoAccess>::index()).unwrap_or(u8::MAX);
}

/// Converts a `Location` into the local account that owns it.
pub type LocationToAccountId = (
	// The relay chain maps to the parent's preset account.
	ParentIsPreset<AccountId>,
	// Siblings map to their sovereign accounts.
	SiblingParachainConvertsVia<Sibling, AccountId>,
	// Local 32-byte accounts are themselves.
	AccountId32Aliases<RelayNetwork, AccountId>,
	// Anything else (an account on a sibling or the relay chain, a pallet) has an account of its
	// own on the hub, derived from its description: a parachain user acts on the hub through it.
	HashedDescription<AccountId, DescribeFamily<DescribeAllTerminal>>,
);

/// FUSE and the wrapped peer tokens in and out of XCM holding, through the asset-lock books.
pub type HubAssetsTransactor =
	PeerBooksTransactor<Runtime, ChainRegistry, LocationToAccountId, AssetsPalletIndex>;

/// The hub's own assets through the books, then the foreign assets of parachain peers.
pub type AssetTransactor = (HubAssetsTransactor, ForeignAssetsTransactor<LocationToAccountId>);

/// Reserve transfers (`polkadotXcm.transferAssets` and the like) carry only assets the hub is
/// the reserve of, and declared foreign assets whose reserve is an `Active` parachain peer
/// (they go back through it); anything else is `Filtered` before anything moves. (pallet-xcm
/// gives the filter the sender and the assets, not the destination: the books' transactor
/// refuses every destination of a hub asset but an `Active` parachain peer, and the transfer
/// fails with it; a foreign asset's transfer is sent only to its reserve.)
pub struct ReserveTransferableAssets;
impl Contains<(Location, Vec<Asset>)> for ReserveTransferableAssets {
	fn contains((_sender, assets): &(Location, Vec<Asset>)) -> bool {
		assets.iter().all(|asset| {
			HubAssetsTransactor::handles(&asset.id) || is_reserve_transferable(&asset.id)
		})
	}
}

/// Turns an incoming XCM origin into a local dispatch origin for `Transact`.
pub type XcmOriginToTransactDispatchOrigin = (
	SovereignSignedViaLocation<LocationToAccountId, RuntimeOrigin>,
	RelayChainAsNative<RelayChainOrigin, RuntimeOrigin>,
	SiblingParachainAsNative<cumulus_pallet_xcm::Origin, RuntimeOrigin>,
	SignedAccountId32AsNative<RelayNetwork, RuntimeOrigin>,
	XcmPassthrough<RuntimeOrigin>,
);

parameter_types! {
	pub const MaxInstructions: u32 = 100;
	pub const MaxAssetsIntoHolding: u32 = 8;
}

/// The relay chain and its executive body may execute for free.
pub struct ParentOrParentsExecutivePlurality;
impl Contains<Location> for ParentOrParentsExecutivePlurality {
	fn contains(location: &Location) -> bool {
		matches!(location.unpack(), (1, []) | (1, [Plurality { id: BodyId::Executive, .. }]))
	}
}

/// The relay chain and what is on it, and each parachain peer the registry has `Active` and
/// what is on it (its accounts, pallets): who may pay for execution on the hub and subscribe to
/// its XCM version. An unregistered, proposed, suspended, frozen or retired sibling may not.
pub struct RelayOrActiveParachainPeer;
impl Contains<Location> for RelayOrActiveParachainPeer {
	fn contains(location: &Location) -> bool {
		match location.unpack() {
			(1, [Parachain(para_id), ..]) => matches!(
				<crate::ChainRegistry as ParachainPeers>::parachain_peer(*para_id),
				Some((_, ChainStatus::Active))
			),
			(1, _) => true,
			_ => false,
		}
	}
}

/// Holds the XCM of a parachain peer the registry has suspended or frozen in the message queue:
/// it runs after governance resumes the peer, and nothing is trapped or lost meanwhile.
pub struct HeldParachainPeers;
impl QueuePausedQuery<ParaId> for HeldParachainPeers {
	fn is_paused(para_id: &ParaId) -> bool {
		matches!(
			<crate::ChainRegistry as ParachainPeers>::parachain_peer((*para_id).into()),
			Some((_, ChainStatus::Suspended | ChainStatus::Frozen))
		)
	}
}

/// Refuses a program that burns the hub's own assets (`BurnAsset`, at any depth with
/// [`DenyRecursively`]): a burned wrapped token would leave its home's lock with nothing to
/// redeem it, and the books would no longer balance. Value leaves holding only by deposit or by
/// the trap. A declared foreign asset may be burned: that is how pallet-xcm sends one back to
/// its reserve (what the reserve holds for the hub then only exceeds the derivatives).
pub struct DenyBurningAssets;
impl xcm_executor::traits::DenyExecution for DenyBurningAssets {
	fn deny_execution<RuntimeCall>(
		_origin: &Location,
		instructions: &mut [Instruction<RuntimeCall>],
		_max_weight: Weight,
		_properties: &mut xcm_executor::traits::Properties,
	) -> Result<(), ProcessMessageError> {
		let burns_a_hub_asset = |instruction: &Instruction<RuntimeCall>| match instruction {
			BurnAsset(assets) => {
				assets.inner().iter().any(|asset| !DeclaredForeignAsset::contains(&asset.id.0))
			},
			_ => false,
		};
		if instructions.iter().any(burns_a_hub_asset) {
			return Err(ProcessMessageError::Unsupported);
		}
		Ok(())
	}
}

/// What XCM may run. While governance holds XCM execution (`PolkadotXcm::force_suspension`, an
/// emergency brake) every message yields: it stays in its queue and runs after the release.
pub type Barrier = RespectSuspension<
	TrailingSetTopicAsId<
		DenyThenTry<
			(DenyRecursively<DenyReserveTransferToRelayChain>, DenyRecursively<DenyBurningAssets>),
			(
				TakeWeightCredit,
				WithComputedOrigin<
					(
						AllowTopLevelPaidExecutionFrom<RelayOrActiveParachainPeer>,
						AllowExplicitUnpaidExecutionFrom<ParentOrParentsExecutivePlurality>,
						AllowKnownQueryResponses<PolkadotXcm>,
						AllowSubscriptionsFrom<RelayOrActiveParachainPeer>,
					),
					UniversalLocation,
					ConstU32<8>,
				>,
			),
		>,
	>,
	PolkadotXcm,
>;

/// Each instruction weighed by this runtime's XCM benchmarks (`crate::weights::xcm`).
pub type XcmWeigher =
	WeightInfoBounds<crate::weights::xcm::XcmWeight<RuntimeCall>, RuntimeCall, MaxInstructions>;

pub struct XcmConfig;
impl xcm_executor::Config for XcmConfig {
	type RuntimeCall = RuntimeCall;
	type XcmSender = XcmRouter;
	type XcmEventEmitter = PolkadotXcm;
	type AssetTransactor = AssetTransactor;
	type OriginConverter = XcmOriginToTransactDispatchOrigin;
	type IsReserve = ReserveIsActiveParachainPeer;
	type IsTeleporter = ();
	type Aliasers = Nothing;
	type UniversalLocation = UniversalLocation;
	type Barrier = Barrier;
	type Weigher = XcmWeigher;
	type Trader = (
		UsingComponents<WeightToFee, HereLocation, AccountId, Balances, ToAuthor<Runtime>>,
		ForeignAssetsTrader,
	);
	type ResponseHandler = PolkadotXcm;
	type AssetTrap = PolkadotXcm;
	type AssetLocker = ();
	type AssetExchanger = ();
	type SubscriptionService = PolkadotXcm;
	type PalletInstancesInfo = AllPalletsWithSystem;
	type MaxAssetsIntoHolding = MaxAssetsIntoHolding;
	type FeeManager = ();
	type MessageExporter = ();
	type UniversalAliases = Nothing;
	type CallDispatcher = RuntimeCall;
	type SafeCallFilter = Everything;
	type TransactionalProcessor = FrameTransactionalProcessor;
	type HrmpNewChannelOpenRequestHandler = ();
	type HrmpChannelAcceptedHandler = ();
	type HrmpChannelClosingHandler = ();
	type XcmRecorder = PolkadotXcm;
}

/// A local signed origin as an XCM location.
pub type LocalOriginToLocation = SignedToAccountId32<RuntimeOrigin, AccountId, RelayNetwork>;

/// UMP to the relay chain, XCMP to siblings.
pub type XcmRouter = WithUniqueTopic<(
	cumulus_primitives_utility::ParentAsUmp<
		ParachainSystem,
		PolkadotXcm,
		NoPriceForMessageDelivery<()>,
	>,
	XcmpQueue,
)>;

impl pallet_xcm::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type CurrencyMatcher = ();
	// Aliasing is off: `Aliasers = Nothing`.
	type AuthorizedAliasConsideration = Disabled;
	type SendXcmOrigin = EnsureXcmOrigin<RuntimeOrigin, LocalOriginToLocation>;
	type XcmRouter = XcmRouter;
	type ExecuteXcmOrigin = EnsureXcmOrigin<RuntimeOrigin, LocalOriginToLocation>;
	// Arbitrary XCM execution by users is off.
	type XcmExecuteFilter = Nothing;
	type XcmExecutor = XcmExecutor<XcmConfig>;
	type XcmTeleportFilter = Nothing;
	type XcmReserveTransferFilter = ReserveTransferableAssets;
	type Weigher = XcmWeigher;
	type UniversalLocation = UniversalLocation;
	type RuntimeOrigin = RuntimeOrigin;
	type RuntimeCall = RuntimeCall;
	const VERSION_DISCOVERY_QUEUE_SIZE: u32 = 100;
	type AdvertisedXcmVersion = pallet_xcm::CurrentXcmVersion;
	// `force_suspension` is an emergency brake; the other `force_*` calls only tune versions.
	type AdminOrigin = super::governance::EmergencyOrigin;
	type TrustedLockers = ();
	type SovereignAccountOf = LocationToAccountId;
	type MaxLockers = ConstU32<8>;
	type MaxRemoteLockConsumers = ConstU32<0>;
	type RemoteLockConsumerIdentifier = ();
	type WeightInfo = crate::weights::pallet_xcm::WeightInfo<Runtime>;
}

impl cumulus_pallet_xcm::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type XcmExecutor = XcmExecutor<XcmConfig>;
}
