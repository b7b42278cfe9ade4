//! The pallets whose weights this runtime benchmarks (`scripts/benchmark.sh`), and what their
//! benchmarks need of the runtime.

use crate::{
	configs::xcm_config::{
		AssetsPalletIndex, LocationToAccountId, MaxAssetsIntoHolding, XcmConfig,
	},
	AccountId, AssetLock, Balances, ChainRegistry, ForeignAssets, ParachainSystem, Runtime,
	RuntimeCall, RuntimeOrigin, EXISTENTIAL_DEPOSIT, FUSE,
};
use alloc::{boxed::Box, vec};
use frame_benchmarking::BenchmarkError;
use fusion_hub_primitives::{
	message::{Message, Timeout, TransferPayload, ASSET_TRANSFER_APP, HUB_CHAIN_ID},
	ChainKind, ChainStatus, MessageHandler, ParachainPeers, TokenRef, VerifierConfig,
};
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{fungible::Mutate, fungibles, Get},
		BoundedVec,
	},
	sp_core::H256,
	sp_runtime::MultiAddress,
	staging_xcm::latest::prelude::*,
	staging_xcm_builder::MintLocation,
	staging_xcm_executor::AssetsInHolding,
	*,
};

polkadot_sdk::frame_benchmarking::define_benchmarks!(
	[pallet_chain_registry, ChainRegistry]
	[pallet_proof_verifier, ProofVerifier]
	[pallet_cross_chain_messages, CrossChainMessages]
	[pallet_asset_lock, AssetLock]
	[pallet_settlement, Settlement]
	[pallet_hub_notaries, HubNotaries]
	[pallet_balances, Balances]
	[pallet_preimage, Preimage]
	[pallet_whitelist, Whitelist]
	[pallet_xcm, pallet_xcm::benchmarking::Pallet::<Runtime>]
	// The XCM instructions: those that move assets, and the others.
	[pallet_xcm_benchmarks::fungible, pallet_xcm_benchmarks::fungible::Pallet::<Runtime>]
	[pallet_xcm_benchmarks::generic, pallet_xcm_benchmarks::generic::Pallet::<Runtime>]
);

/// The parachain peer that reserve transfers in benchmarks go to (chain id, para id).
const BENCHMARK_PEER: u32 = 4_242;
const BENCHMARK_PARA: u32 = 2_042;

parameter_types! {
	pub BenchmarkParaId: cumulus_primitives_core::ParaId = BENCHMARK_PARA.into();
	// Delivery is free on the hub (`NoPriceForMessageDelivery`): the helpers fund nobody.
	pub const NoDeliveryFunding: Option<Asset> = None;
}

/// Makes [`BENCHMARK_PARA`] an `Active` parachain peer with an open HRMP channel: reserve
/// transfers go nowhere else.
fn benchmark_parachain_peer() -> Location {
	if <ChainRegistry as ParachainPeers>::parachain_peer(BENCHMARK_PARA).is_none() {
		let operator: AccountId = frame_benchmarking::account("operator", 0, 0);
		Balances::set_balance(&operator, 1_000_000 * FUSE);
		let proposed = ChainRegistry::propose_chain(
			RuntimeOrigin::signed(operator),
			BENCHMARK_PEER,
			b"Benchmark parachain".to_vec().try_into().unwrap_or_default(),
			ChainKind::PolkadotParachain { para_id: BENCHMARK_PARA },
			VerifierConfig::RelayChain,
		);
		let approved = ChainRegistry::approve_chain(RuntimeOrigin::root(), BENCHMARK_PEER);
		assert!(proposed.is_ok() && approved.is_ok(), "the benchmark parachain is admitted");
	}
	assert!(matches!(
		<ChainRegistry as ParachainPeers>::parachain_peer(BENCHMARK_PARA),
		Some((_, ChainStatus::Active))
	));
	ParachainSystem::open_outbound_hrmp_channel_for_benchmarks_or_tests(BENCHMARK_PARA.into());
	Location::new(1, [Parachain(BENCHMARK_PARA)])
}

/// A wrapped peer token held by `who`: token `n` of its own home chain, arrived through
/// asset-lock.
fn wrapped_asset_held_by(who: &AccountId, amount: u128, n: u32) -> Asset {
	let token = TokenRef { home: 10_000 + n, id: H256::repeat_byte(0x77) };
	let payload = TransferPayload {
		token,
		amount,
		beneficiary: AssetLock::account_to_h256(who),
		decimals: 12,
	};
	let arrival: Message<crate::configs::messages::MaxPayload> = Message {
		source: token.home,
		destination: HUB_CHAIN_ID,
		nonce: 1,
		sender: H256::repeat_byte(0xaa),
		app_id: ASSET_TRANSFER_APP,
		payload: BoundedVec::truncate_from(payload.abi_encode()),
		timeout: Timeout { height: 100, timestamp: 0 },
		fee: 0,
	};
	assert!(
		<AssetLock as MessageHandler<crate::configs::messages::MaxPayload>>::on_receive(&arrival)
			.is_ok(),
		"the wrapped token arrives"
	);
	let id = pallet_asset_lock::WrappedIds::<Runtime>::get(token).unwrap_or_default();
	(Location::new(0, [PalletInstance(AssetsPalletIndex::get()), GeneralIndex(id.into())]), amount)
		.into()
}

/// Delivery to the relay chain and to the benchmark parachain: free, nothing to fund.
type DeliveryHelper = (
	cumulus_primitives_utility::ToParentDeliveryHelper<
		XcmConfig,
		NoDeliveryFunding,
		polkadot_runtime_common::xcm_sender::NoPriceForMessageDelivery<()>,
	>,
	polkadot_runtime_common::xcm_sender::ToParachainDeliveryHelper<
		XcmConfig,
		NoDeliveryFunding,
		polkadot_runtime_common::xcm_sender::NoPriceForMessageDelivery<
			cumulus_primitives_core::ParaId,
		>,
		BenchmarkParaId,
		ParachainSystem,
	>,
);

impl pallet_xcm::benchmarking::Config for Runtime {
	type DeliveryHelper = DeliveryHelper;

	fn reachable_dest() -> Option<Location> {
		Some(Location::parent())
	}

	// Teleports are disabled.
	fn teleportable_asset_and_dest() -> Option<(Asset, Location)> {
		None
	}

	fn reserve_transferable_asset_and_dest() -> Option<(Asset, Location)> {
		Some(((Location::here(), 10 * EXISTENTIAL_DEPOSIT).into(), benchmark_parachain_peer()))
	}

	/// The most a transfer does here: FUSE and a wrapped token, both booked as the peer's claim.
	fn set_up_complex_asset_transfer() -> Option<(Assets, u32, Location, Box<dyn FnOnce()>)> {
		let destination = benchmark_parachain_peer();
		let caller: AccountId = frame_benchmarking::whitelisted_caller();
		Balances::set_balance(&caller, 1_000 * FUSE);
		let fee: Asset = (Location::here(), FUSE).into();
		let wrapped = wrapped_asset_held_by(&caller, 1_000 * FUSE, 0);
		let assets: Assets = vec![fee, wrapped].into();
		let fee_index = assets
			.inner()
			.iter()
			.position(|asset| asset.id.0 == Location::here())
			.and_then(|index| u32::try_from(index).ok())?;
		let verify = Box::new(move || {
			assert_eq!(
				pallet_asset_lock::Escrowed::<Runtime>::get(BENCHMARK_PEER, TokenRef::HUB_NATIVE),
				FUSE
			);
		});
		Some((assets, fee_index, destination, verify))
	}

	fn get_asset() -> Asset {
		(Location::here(), FUSE).into()
	}

	/// FUSE and up to `n - 1` wrapped tokens: every kind the transactor deposits. An account
	/// holds at most `MaxConsumers - 1` wrapped tokens (each is a consumer reference; they are not
	/// sufficient), so no claim deposits more to one account: above that, fewer assets.
	fn get_assets(n: u32) -> Assets {
		use frame_system::ConsumerLimits;
		let most = <Runtime as frame_system::Config>::MaxConsumers::max_consumers();
		let mut assets = vec![Self::get_asset()];
		assets.extend((1..n.min(most)).map(|i| {
			let holder: AccountId = frame_benchmarking::account("holder", i, 0);
			Balances::set_balance(&holder, 1_000 * FUSE);
			wrapped_asset_held_by(&holder, FUSE, i)
		}));
		assets.into()
	}

	fn batch_call(calls: alloc::vec::Vec<RuntimeCall>) -> Option<RuntimeCall> {
		Some(RuntimeCall::Utility(pallet_utility::Call::batch { calls }))
	}
}

impl pallet_xcm_benchmarks::Config for Runtime {
	type XcmConfig = XcmConfig;
	type AccountIdConverter = LocationToAccountId;
	type DeliveryHelper = DeliveryHelper;

	/// An `Active` parachain peer: what is deposited to it goes through the books (its claim),
	/// the hub's most expensive deposit.
	fn valid_destination() -> Result<Location, BenchmarkError> {
		Ok(benchmark_parachain_peer())
	}

	fn worst_case_holding(depositable_count: u32) -> AssetsInHolding {
		pallet_xcm_benchmarks::generate_holding_assets(
			MaxAssetsIntoHolding::get().saturating_sub(depositable_count),
		)
	}
}

/// The benchmark parachain's native token, declared a foreign asset with the parachain (an
/// `Active` peer) as its reserve: what `ReserveAssetDeposited` mints is real.
pub struct BenchmarkTrustedReserve;
impl Get<Option<(Location, Asset)>> for BenchmarkTrustedReserve {
	fn get() -> Option<(Location, Asset)> {
		let reserve = benchmark_parachain_peer();
		let token = staging_xcm::v5::Location::new(1, [Parachain(BENCHMARK_PARA)]);
		if !<ForeignAssets as fungibles::Inspect<AccountId>>::asset_exists(token.clone()) {
			let created = ForeignAssets::force_create(
				RuntimeOrigin::root(),
				token.clone(),
				MultiAddress::Id(frame_benchmarking::account("owner", 0, 0)),
				true,
				EXISTENTIAL_DEPOSIT,
			);
			assert!(created.is_ok(), "the benchmark parachain's token is declared");
		}
		Some((reserve, (token, 1_000 * FUSE).into()))
	}
}

impl pallet_xcm_benchmarks::fungible::Config for Runtime {
	type TransactAsset = Balances;
	// Teleports are disabled.
	type CheckedAccount = NoCheckedAccount;
	type TrustedTeleporter = NoTrustedTeleporter;
	type TrustedReserve = BenchmarkTrustedReserve;

	fn get_asset() -> Asset {
		(Location::here(), 1_000 * FUSE).into()
	}
}

parameter_types! {
	pub const NoCheckedAccount: Option<(AccountId, MintLocation)> = None;
	pub const NoTrustedTeleporter: Option<(Location, Asset)> = None;
}

impl pallet_xcm_benchmarks::generic::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type TransactAsset = Balances;

	fn worst_case_response() -> (u64, Response) {
		(0u64, Response::Version(Default::default()))
	}

	// No asset exchanger, no universal aliases, no asset locker, no exporter, no aliasers: the
	// instructions that need them fail, and are weighed `Weight::MAX` (`weights::xcm`).
	fn worst_case_asset_exchange() -> Result<(Assets, Assets), BenchmarkError> {
		Err(BenchmarkError::Skip)
	}

	fn universal_alias() -> Result<(Location, Junction), BenchmarkError> {
		Err(BenchmarkError::Skip)
	}

	fn transact_origin_and_runtime_call() -> Result<(Location, RuntimeCall), BenchmarkError> {
		Ok((Location::parent(), frame_system::Call::remark_with_event { remark: vec![] }.into()))
	}

	fn subscribe_origin() -> Result<Location, BenchmarkError> {
		Ok(Location::parent())
	}

	fn claimable_asset() -> Result<(Location, Location, Assets), BenchmarkError> {
		let origin = benchmark_parachain_peer();
		let assets: Assets = vec![(Location::here(), 1_000 * FUSE).into()].into();
		// `Here`: the assets as they were trapped (a `GeneralIndex` would name an XCM version).
		let ticket = Location::here();
		Ok((origin, ticket, assets))
	}

	fn worst_case_for_trader() -> Result<(Asset, WeightLimit), BenchmarkError> {
		Ok(((Location::here(), 1_000 * FUSE).into(), Unlimited))
	}

	fn unlockable_asset() -> Result<(Location, Location, Asset), BenchmarkError> {
		Err(BenchmarkError::Skip)
	}

	fn export_message_origin_and_destination(
	) -> Result<(Location, NetworkId, InteriorLocation), BenchmarkError> {
		Err(BenchmarkError::Skip)
	}

	fn alias_origin() -> Result<(Location, Location), BenchmarkError> {
		Err(BenchmarkError::Skip)
	}
}
