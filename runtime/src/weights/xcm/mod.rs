//! XCM instruction weights for `WeightInfoBounds`, from this runtime's runs of
//! pallet-xcm-benchmarks (generic and fungible, `scripts/xcm-weight-template.hbs`).

mod pallet_xcm_benchmarks_fungible;
mod pallet_xcm_benchmarks_generic;

use crate::configs::xcm_config::MaxAssetsIntoHolding;
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::BoundedVec,
	staging_xcm::{
		latest::{prelude::*, AssetTransferFilter},
		DoubleEncoded,
	},
};

type FungibleWeight = pallet_xcm_benchmarks_fungible::WeightInfo<crate::Runtime>;
type GenericWeight = pallet_xcm_benchmarks_generic::WeightInfo<crate::Runtime>;

/// Mirrors `xcm_config::MaxAssetsIntoHolding` (checked below).
const MAX_ASSETS: u64 = 8;
const _: () = assert!(MAX_ASSETS == MaxAssetsIntoHolding::get() as u64);
/// The executor lets holding grow to twice `MaxAssetsIntoHolding` before refusing more.
const MAX_HOLDING: u64 = 2 * MAX_ASSETS;

/// The asset benchmarks move one asset: an instruction costs that once per asset it may move.
trait WeighAssets {
	fn asset_count(&self) -> u64;

	/// At least once: an instruction naming no asset still runs.
	fn weigh_assets(&self, weight: Weight) -> Weight {
		weight.saturating_mul(self.asset_count().max(1))
	}
}

impl WeighAssets for Assets {
	fn asset_count(&self) -> u64 {
		self.len() as u64
	}
}

impl WeighAssets for AssetFilter {
	fn asset_count(&self) -> u64 {
		match self {
			Definite(assets) => assets.asset_count(),
			// Holding keeps one fungible per asset id.
			Wild(AllOf { fun: WildFungibility::Fungible, .. })
			| Wild(AllOfCounted { fun: WildFungibility::Fungible, .. }) => 1,
			Wild(All | AllOf { .. }) => MAX_HOLDING,
			Wild(AllCounted(n) | AllOfCounted { count: n, .. }) => MAX_HOLDING.min(u64::from(*n)),
		}
	}
}

/// What paying for execution costs beyond the benchmark, which buys with FUSE within an
/// unlimited weight (a no-op): a foreign asset's trader reads the asset, and the fee is
/// deposited to the block author at the end. Weighed as a deposit through the books, the
/// heaviest deposit measured.
fn fee_payment() -> Weight {
	FungibleWeight::deposit_asset()
}

/// What moving a wrapped or foreign asset's supply costs beyond a benchmark that moves FUSE or
/// mock credits: reading and writing the asset, as minting a derivative does.
fn supply_change() -> Weight {
	FungibleWeight::reserve_asset_deposited()
}

/// The weigher's `XcmWeightInfo`: `WeightInfoBounds<XcmWeight<RuntimeCall>, RuntimeCall, _>`.
pub struct XcmWeight<RuntimeCall>(core::marker::PhantomData<RuntimeCall>);

impl<RuntimeCall> XcmWeightInfo<RuntimeCall> for XcmWeight<RuntimeCall> {
	fn withdraw_asset(assets: &Assets) -> Weight {
		// The benchmark withdraws from an account; a parachain peer's withdrawal spends its claim
		// in the books, the same path as a deposit to it (which `deposit_asset` measures).
		let per_asset = FungibleWeight::withdraw_asset().max(FungibleWeight::deposit_asset());
		assets.weigh_assets(per_asset)
	}
	fn reserve_asset_deposited(assets: &Assets) -> Weight {
		assets.weigh_assets(FungibleWeight::reserve_asset_deposited())
	}
	fn receive_teleported_asset(_assets: &Assets) -> Weight {
		// Teleports are disabled (`IsTeleporter = ()`): the benchmark is skipped.
		Weight::MAX
	}
	fn query_response(
		_query_id: &QueryId,
		_response: &Response,
		_max_weight: &Weight,
		_querier: &Option<Location>,
	) -> Weight {
		GenericWeight::query_response()
	}
	fn transfer_asset(assets: &Assets, _beneficiary: &Location) -> Weight {
		assets.weigh_assets(FungibleWeight::transfer_asset())
	}
	fn transfer_reserve_asset(assets: &Assets, _dest: &Location, _xcm: &Xcm<()>) -> Weight {
		assets.weigh_assets(FungibleWeight::transfer_reserve_asset())
	}
	fn transact(
		_origin_kind: &OriginKind,
		_fallback_max_weight: &Option<Weight>,
		_call: &DoubleEncoded<RuntimeCall>,
	) -> Weight {
		// `WeightInfoBounds` adds the call's own weight.
		GenericWeight::transact()
	}
	fn hrmp_new_channel_open_request(
		_sender: &u32,
		_max_message_size: &u32,
		_max_capacity: &u32,
	) -> Weight {
		// No benchmark exists, and the hub ignores it (`()` handler).
		Weight::MAX
	}
	fn hrmp_channel_accepted(_recipient: &u32) -> Weight {
		// No benchmark exists, and the hub ignores it (`()` handler).
		Weight::MAX
	}
	fn hrmp_channel_closing(_initiator: &u32, _sender: &u32, _recipient: &u32) -> Weight {
		// No benchmark exists, and the hub ignores it (`()` handler).
		Weight::MAX
	}
	fn clear_origin() -> Weight {
		GenericWeight::clear_origin()
	}
	fn descend_origin(_who: &InteriorLocation) -> Weight {
		GenericWeight::descend_origin()
	}
	fn report_error(_response_info: &QueryResponseInfo) -> Weight {
		GenericWeight::report_error()
	}
	fn deposit_asset(assets: &AssetFilter, _beneficiary: &Location) -> Weight {
		assets.weigh_assets(FungibleWeight::deposit_asset())
	}
	fn deposit_reserve_asset(assets: &AssetFilter, _dest: &Location, _xcm: &Xcm<()>) -> Weight {
		assets.weigh_assets(FungibleWeight::deposit_reserve_asset())
	}
	fn exchange_asset(_give: &AssetFilter, _want: &Assets, _maximal: &bool) -> Weight {
		// No exchanger (`AssetExchanger = ()`): the benchmark is skipped.
		Weight::MAX
	}
	fn initiate_reserve_withdraw(
		assets: &AssetFilter,
		_reserve: &Location,
		_xcm: &Xcm<()>,
	) -> Weight {
		// The benchmark burns mock credits: a foreign derivative's burn also reads and writes its
		// asset, as minting one does (`reserve_asset_deposited`).
		let per_asset = FungibleWeight::initiate_reserve_withdraw().saturating_add(supply_change());
		assets.weigh_assets(per_asset)
	}
	fn initiate_teleport(_assets: &AssetFilter, _dest: &Location, _xcm: &Xcm<()>) -> Weight {
		// Teleports are disabled (`IsTeleporter = ()`): the books cannot check out to benchmark it.
		Weight::MAX
	}
	fn report_holding(_response_info: &QueryResponseInfo, _assets: &AssetFilter) -> Weight {
		// The benchmark reports a worst-case holding.
		GenericWeight::report_holding()
	}
	fn buy_execution(_fees: &Asset, _weight_limit: &WeightLimit) -> Weight {
		GenericWeight::buy_execution().saturating_add(fee_payment())
	}
	fn refund_surplus() -> Weight {
		GenericWeight::refund_surplus()
	}
	fn set_error_handler(_xcm: &Xcm<RuntimeCall>) -> Weight {
		// `WeightInfoBounds` adds the handler's own weight.
		GenericWeight::set_error_handler()
	}
	fn set_appendix(_xcm: &Xcm<RuntimeCall>) -> Weight {
		// `WeightInfoBounds` adds the appendix's own weight.
		GenericWeight::set_appendix()
	}
	fn clear_error() -> Weight {
		GenericWeight::clear_error()
	}
	fn claim_asset(assets: &Assets, _ticket: &Location) -> Weight {
		// pallet-xcm mints each claimed asset back; the benchmark claims FUSE, whose issuance is
		// whitelisted: a wrapped or foreign asset also reads and writes its asset.
		let per_asset = GenericWeight::claim_asset().saturating_add(supply_change());
		assets.weigh_assets(per_asset)
	}
	fn trap(_code: &u64) -> Weight {
		GenericWeight::trap()
	}
	fn subscribe_version(_query_id: &QueryId, _max_response_weight: &Weight) -> Weight {
		GenericWeight::subscribe_version()
	}
	fn unsubscribe_version() -> Weight {
		GenericWeight::unsubscribe_version()
	}
	fn burn_asset(assets: &Assets) -> Weight {
		// The benchmark burns mock credits; burning a foreign derivative (its way back to its
		// reserve) reads and writes its asset, as minting one does.
		let per_asset = GenericWeight::burn_asset().saturating_add(supply_change());
		assets.weigh_assets(per_asset)
	}
	fn expect_asset(assets: &Assets) -> Weight {
		assets.weigh_assets(GenericWeight::expect_asset())
	}
	fn expect_origin(_origin: &Option<Location>) -> Weight {
		GenericWeight::expect_origin()
	}
	fn expect_error(_error: &Option<(u32, XcmError)>) -> Weight {
		GenericWeight::expect_error()
	}
	fn expect_transact_status(_transact_status: &MaybeErrorCode) -> Weight {
		GenericWeight::expect_transact_status()
	}
	fn query_pallet(_module_name: &Vec<u8>, _response_info: &QueryResponseInfo) -> Weight {
		GenericWeight::query_pallet()
	}
	fn expect_pallet(
		_index: &u32,
		_name: &Vec<u8>,
		_module_name: &Vec<u8>,
		_crate_major: &u32,
		_min_crate_minor: &u32,
	) -> Weight {
		GenericWeight::expect_pallet()
	}
	fn report_transact_status(_response_info: &QueryResponseInfo) -> Weight {
		GenericWeight::report_transact_status()
	}
	fn clear_transact_status() -> Weight {
		GenericWeight::clear_transact_status()
	}
	fn universal_origin(_junction: &Junction) -> Weight {
		// No universal aliases (`UniversalAliases = Nothing`): the benchmark is skipped.
		Weight::MAX
	}
	fn export_message(
		_network: &NetworkId,
		_destination: &InteriorLocation,
		_xcm: &Xcm<()>,
	) -> Weight {
		// No exporter (`MessageExporter = ()`): the benchmark is skipped.
		Weight::MAX
	}
	fn lock_asset(_asset: &Asset, _unlocker: &Location) -> Weight {
		// No locker (`AssetLocker = ()`): the benchmark is skipped.
		Weight::MAX
	}
	fn unlock_asset(_asset: &Asset, _target: &Location) -> Weight {
		// No locker (`AssetLocker = ()`): the benchmark is skipped.
		Weight::MAX
	}
	fn note_unlockable(_asset: &Asset, _owner: &Location) -> Weight {
		// No locker (`AssetLocker = ()`): the benchmark is skipped.
		Weight::MAX
	}
	fn request_unlock(_asset: &Asset, _locker: &Location) -> Weight {
		// No locker (`AssetLocker = ()`): the benchmark is skipped.
		Weight::MAX
	}
	fn set_fees_mode(_jit_withdraw: &bool) -> Weight {
		GenericWeight::set_fees_mode()
	}
	fn set_topic(_topic: &[u8; 32]) -> Weight {
		GenericWeight::set_topic()
	}
	fn clear_topic() -> Weight {
		GenericWeight::clear_topic()
	}
	fn alias_origin(_target: &Location) -> Weight {
		// No aliasers (`Aliasers = Nothing`): the benchmark is skipped.
		Weight::MAX
	}
	fn unpaid_execution(_weight_limit: &WeightLimit, _check_origin: &Option<Location>) -> Weight {
		GenericWeight::unpaid_execution()
	}
	fn pay_fees(_asset: &Asset) -> Weight {
		GenericWeight::pay_fees().saturating_add(fee_payment())
	}
	fn initiate_transfer(
		_destination: &Location,
		remote_fees: &Option<AssetTransferFilter>,
		_preserve_origin: &bool,
		assets: &BoundedVec<AssetTransferFilter, MaxAssetTransferFilters>,
		_remote_xcm: &Xcm<()>,
	) -> Weight {
		// Once per asset moved, fees included.
		let count = remote_fees
			.iter()
			.chain(assets.iter())
			.map(|filter| filter.inner().asset_count())
			.fold(0, u64::saturating_add);
		FungibleWeight::initiate_transfer().saturating_mul(count.max(1))
	}
	fn execute_with_origin(
		_descendant_origin: &Option<InteriorLocation>,
		_xcm: &Xcm<RuntimeCall>,
	) -> Weight {
		// The executor refuses it (`Unimplemented`): its benchmark records `Weight::MAX`.
		GenericWeight::execute_with_origin()
	}
	fn set_hints(hints: &BoundedVec<Hint, HintNumVariants>) -> Weight {
		hints.iter().fold(Weight::zero(), |weight, hint| match hint {
			Hint::AssetClaimer { .. } => weight.saturating_add(GenericWeight::asset_claimer()),
		})
	}
}
