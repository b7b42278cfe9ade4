//! Weights generated for this runtime by `scripts/benchmark.sh` (frame-omni-bencher).

pub mod pallet_asset_lock;
pub mod pallet_chain_registry;
pub mod pallet_cross_chain_messages;
pub mod pallet_hub_notaries;
pub mod pallet_preimage;
pub mod pallet_proof_verifier;
pub mod pallet_settlement;
pub mod pallet_whitelist;
pub mod pallet_xcm;
pub mod xcm;
