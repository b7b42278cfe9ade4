//! The pallets whose weights this runtime benchmarks (`scripts/benchmark.sh`).

polkadot_sdk::frame_benchmarking::define_benchmarks!(
	[pallet_chain_registry, ChainRegistry]
	[pallet_proof_verifier, ProofVerifier]
	[pallet_cross_chain_messages, CrossChainMessages]
	[pallet_asset_lock, AssetLock]
	[pallet_hub_notaries, HubNotaries]
	[pallet_balances, Balances]
	[pallet_preimage, Preimage]
	[pallet_whitelist, Whitelist]
);
