//! Placeholder until `scripts/benchmark.sh pallet_cross_chain_messages` writes this file: the reads and writes of the
//! pallet's `()` weights.

use polkadot_sdk::frame_support::weights::Weight;
use core::marker::PhantomData;

pub struct WeightInfo<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> pallet_cross_chain_messages::WeightInfo for WeightInfo<T> {
	fn acknowledge(n: u32) -> Weight { <() as pallet_cross_chain_messages::WeightInfo>::acknowledge(n) }
	fn claim_rewards() -> Weight { <() as pallet_cross_chain_messages::WeightInfo>::claim_rewards() }
	fn commit_base() -> Weight { <() as pallet_cross_chain_messages::WeightInfo>::commit_base() }
	fn commit_leaves(_l: u32) -> Weight { <() as pallet_cross_chain_messages::WeightInfo>::commit_leaves(_l) }
	fn deliver_messages(n: u32) -> Weight { <() as pallet_cross_chain_messages::WeightInfo>::deliver_messages(n) }
	fn prune_commitments(d: u32) -> Weight { <() as pallet_cross_chain_messages::WeightInfo>::prune_commitments(d) }
	fn send_data(_l: u32) -> Weight { <() as pallet_cross_chain_messages::WeightInfo>::send_data(_l) }
	fn store_record(_l: u32) -> Weight { <() as pallet_cross_chain_messages::WeightInfo>::store_record(_l) }
	fn timeout_message() -> Weight { <() as pallet_cross_chain_messages::WeightInfo>::timeout_message() }
}
