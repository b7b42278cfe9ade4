//! Placeholder until `scripts/benchmark.sh pallet_asset_lock` writes this file: the reads and writes of the
//! pallet's `()` weights.

use polkadot_sdk::frame_support::weights::Weight;
use core::marker::PhantomData;

pub struct WeightInfo<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> pallet_asset_lock::WeightInfo for WeightInfo<T> {
	fn claim_htlc() -> Weight { <() as pallet_asset_lock::WeightInfo>::claim_htlc() }
	fn create_htlc() -> Weight { <() as pallet_asset_lock::WeightInfo>::create_htlc() }
	fn receive_transfer() -> Weight { <() as pallet_asset_lock::WeightInfo>::receive_transfer() }
	fn receive_transfer_new_asset() -> Weight { <() as pallet_asset_lock::WeightInfo>::receive_transfer_new_asset() }
	fn refund_htlc() -> Weight { <() as pallet_asset_lock::WeightInfo>::refund_htlc() }
	fn refund_transfer() -> Weight { <() as pallet_asset_lock::WeightInfo>::refund_transfer() }
	fn route_transfer() -> Weight { <() as pallet_asset_lock::WeightInfo>::route_transfer() }
	fn set_pause() -> Weight { <() as pallet_asset_lock::WeightInfo>::set_pause() }
	fn set_rate_limit() -> Weight { <() as pallet_asset_lock::WeightInfo>::set_rate_limit() }
	fn transfer_out() -> Weight { <() as pallet_asset_lock::WeightInfo>::transfer_out() }
}
