//! Runtime APIs: what the node and Polkadot.js call into.

use crate::{
	configs::{
		foreign_assets::ForeignAssetsInstance,
		xcm_config::{HereLocation, LocationToAccountId, XcmConfig, XcmRouter},
	},
	ChainRecord, ChainRegistry, CrossChainMessages, OriginCaller, PolkadotXcm, ProofVerifier,
	RuntimeEvent,
};
use crate::{
	AccountId, Balance, Block, ConsensusHook, Executive, InherentDataExt, Nonce, ParachainInfo,
	ParachainSystem, Runtime, RuntimeCall, RuntimeGenesisConfig, SessionKeys, System,
	TransactionPayment, BLOCK_PROCESSING_VELOCITY, SLOT_DURATION, VERSION,
};
use alloc::vec::Vec;
use fusion_hub_primitives::{
	ChainId, ChainStatus, InclusionError, InclusionProof, VerifiedHeader, VerifyInclusion,
};
use polkadot_sdk::{
	frame_support::{
		genesis_builder_helper::{build_state, get_preset},
		weights::Weight,
	},
	sp_api::impl_runtime_apis,
	sp_consensus_aura::sr25519::AuthorityId as AuraId,
	sp_core::{crypto::KeyTypeId, OpaqueMetadata},
	sp_runtime::{
		traits::Block as BlockT,
		transaction_validity::{TransactionSource, TransactionValidity},
		ApplyExtrinsicResult,
	},
	sp_version::RuntimeVersion,
	staging_xcm::{
		latest::AssetId, Version as XcmVersion, VersionedAssetId, VersionedAssets,
		VersionedLocation, VersionedXcm,
	},
	xcm_runtime_apis::{
		conversions::LocationToAccountHelper,
		dry_run::{CallDryRunEffects, Error as XcmDryRunApiError, XcmDryRunEffects},
		fees::Error as XcmPaymentApiError,
	},
	*,
};

impl_runtime_apis! {
	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(SLOT_DURATION)
		}

		fn authorities() -> Vec<AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl cumulus_primitives_aura::AuraUnincludedSegmentApi<Block> for Runtime {
		fn can_build_upon(
			included_hash: <Block as BlockT>::Hash,
			slot: cumulus_primitives_aura::Slot,
		) -> bool {
			ConsensusHook::can_build_upon(included_hash, slot)
		}
	}

	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block)
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(owner: Vec<u8>, seed: Option<Vec<u8>>) -> sp_session::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl cumulus_primitives_core::CollectCollationInfo<Block> for Runtime {
		fn collect_collation_info(header: &<Block as BlockT>::Header) -> cumulus_primitives_core::CollationInfo {
			ParachainSystem::collect_collation_info(header)
		}
	}

	impl cumulus_primitives_core::GetParachainInfo<Block> for Runtime {
		fn parachain_id() -> cumulus_primitives_core::ParaId {
			ParachainInfo::parachain_id()
		}
	}

	impl cumulus_primitives_core::RelayParentOffsetApi<Block> for Runtime {
		fn relay_parent_offset() -> u32 {
			0
		}

		fn max_claim_queue_offset() -> u8 {
			ParachainSystem::max_claim_queue_offset()
		}
	}

	impl cumulus_primitives_core::KeyToIncludeInRelayProof<Block> for Runtime {
		fn keys_to_prove() -> cumulus_primitives_core::RelayProofRequest {
			// The hub reads nothing from relay-chain state beyond what parachain-system needs.
			Default::default()
		}
	}

	impl cumulus_primitives_core::TargetBlockRate<Block> for Runtime {
		fn target_block_rate() -> u32 {
			BLOCK_PROCESSING_VELOCITY
		}
	}

	impl xcm_runtime_apis::fees::XcmPaymentApi<Block> for Runtime {
		fn query_acceptable_payment_assets(
			xcm_version: XcmVersion,
		) -> Result<Vec<VersionedAssetId>, XcmPaymentApiError> {
			// Execution on the hub is paid for in FUSE and in the sufficient foreign assets
			// (the traders of `XcmConfig`) that are live (not frozen, not being destroyed).
			let mut assets = alloc::vec![AssetId(HereLocation::get())];
			assets.extend(
				pallet_assets::Asset::<Runtime, ForeignAssetsInstance>::iter()
					.filter(|(_, details)| {
						details.is_sufficient && details.status == pallet_assets::AssetStatus::Live
					})
					.map(|(location, _)| AssetId(location)),
			);
			PolkadotXcm::query_acceptable_payment_assets(xcm_version, assets)
		}

		fn query_weight_to_asset_fee(
			weight: Weight,
			asset: VersionedAssetId,
		) -> Result<u128, XcmPaymentApiError> {
			PolkadotXcm::query_weight_to_asset_fee::<
				<XcmConfig as staging_xcm_executor::Config>::Trader,
			>(weight, asset)
		}

		fn query_xcm_weight(message: VersionedXcm<()>) -> Result<Weight, XcmPaymentApiError> {
			PolkadotXcm::query_xcm_weight(message)
		}

		fn query_delivery_fees(
			destination: VersionedLocation,
			message: VersionedXcm<()>,
			asset_id: VersionedAssetId,
		) -> Result<VersionedAssets, XcmPaymentApiError> {
			PolkadotXcm::query_delivery_fees::<
				<XcmConfig as staging_xcm_executor::Config>::AssetExchanger,
			>(destination, message, asset_id)
		}
	}

	impl xcm_runtime_apis::dry_run::DryRunApi<Block, RuntimeCall, RuntimeEvent, OriginCaller> for Runtime {
		fn dry_run_call(
			origin: OriginCaller,
			call: RuntimeCall,
			result_xcms_version: XcmVersion,
		) -> Result<CallDryRunEffects<RuntimeEvent>, XcmDryRunApiError> {
			PolkadotXcm::dry_run_call::<Runtime, XcmRouter, OriginCaller, RuntimeCall>(
				origin,
				call,
				result_xcms_version,
			)
		}

		fn dry_run_xcm(
			origin_location: VersionedLocation,
			xcm: VersionedXcm<RuntimeCall>,
		) -> Result<XcmDryRunEffects<RuntimeEvent>, XcmDryRunApiError> {
			PolkadotXcm::dry_run_xcm::<XcmRouter>(origin_location, xcm)
		}
	}

	impl xcm_runtime_apis::conversions::LocationToAccountApi<Block, AccountId> for Runtime {
		fn convert_location(
			location: VersionedLocation,
		) -> Result<AccountId, xcm_runtime_apis::conversions::Error> {
			LocationToAccountHelper::<AccountId, LocationToAccountId>::convert_location(location)
		}
	}

	impl fusion_hub_primitives::runtime_api::ChainRegistryApi<Block, ChainRecord> for Runtime {
		fn chain(chain_id: ChainId) -> Option<ChainRecord> {
			ChainRegistry::chain(chain_id)
		}

		fn chains() -> Vec<(ChainId, ChainRecord)> {
			ChainRegistry::chains()
		}

		fn chains_by_status(status: ChainStatus) -> Vec<(ChainId, ChainRecord)> {
			ChainRegistry::chains_by_status(status)
		}
	}

	impl fusion_hub_primitives::runtime_api::ProofVerifierApi<Block> for Runtime {
		fn latest_header(chain_id: ChainId) -> Option<VerifiedHeader> {
			ProofVerifier::latest_header(chain_id)
		}

		fn header(chain_id: ChainId, number: u32) -> Option<VerifiedHeader> {
			ProofVerifier::header(chain_id, number)
		}

		fn verify_inclusion(
			chain_id: ChainId,
			number: u32,
			proof: InclusionProof,
		) -> Result<(), InclusionError> {
			<ProofVerifier as VerifyInclusion>::verify_inclusion(chain_id, number, &proof)
		}
	}

	impl fusion_hub_primitives::runtime_api::SettlementApi<Block> for Runtime {
		fn settlement(
			id: fusion_hub_primitives::settlement::SettlementId,
		) -> Option<fusion_hub_primitives::settlement::SettlementView> {
			crate::Settlement::settlement_view(id)
		}
	}

	impl fusion_hub_primitives::runtime_api::CrossChainMessagesApi<Block> for Runtime {
		fn message_proof(
			source: ChainId,
			destination: ChainId,
			nonce: u64,
		) -> Option<(
			fusion_hub_primitives::runtime_api::MessageView,
			fusion_hub_primitives::runtime_api::OutboundProof,
		)> {
			CrossChainMessages::message_proof(source, destination, nonce)
		}

		fn receipt_proof(
			source: ChainId,
			destination: ChainId,
			nonce: u64,
		) -> Option<(fusion_hub_primitives::Receipt, fusion_hub_primitives::runtime_api::OutboundProof)> {
			CrossChainMessages::receipt_proof(source, destination, nonce)
		}

		fn outbound_root(destination: ChainId, block: u32) -> Option<sp_core::H256> {
			pallet_cross_chain_messages::OutboundRoots::<Runtime>::get(destination, block)
		}

		fn inbound_nonce(source: ChainId, destination: ChainId) -> u64 {
			pallet_cross_chain_messages::InboundNonces::<Runtime>::get(source, destination)
		}

		fn outbound_nonce(destination: ChainId) -> u64 {
			pallet_cross_chain_messages::OutboundNonces::<Runtime>::get(destination)
		}
	}

	impl fusion_hub_primitives::runtime_api::HubNotariesApi<Block, crate::NotarySet, crate::NotaryHandover> for Runtime {
		fn current_set() -> Option<crate::NotarySet> {
			crate::HubNotaries::current_set()
		}

		fn scheduled_set() -> Option<crate::NotarySet> {
			crate::HubNotaries::scheduled_set()
		}

		fn handover(set_id: u64) -> Option<crate::NotaryHandover> {
			crate::HubNotaries::handover(set_id)
		}
	}

	#[cfg(feature = "try-runtime")]
	impl frame_try_runtime::TryRuntime<Block> for Runtime {
		fn on_runtime_upgrade(checks: frame_try_runtime::UpgradeCheckSelect) -> (Weight, Weight) {
			let weight = Executive::try_runtime_upgrade(checks).unwrap();
			(weight, crate::configs::RuntimeBlockWeights::get().max_block)
		}

		fn execute_block(
			block: <Block as BlockT>::LazyBlock,
			state_root_check: bool,
			signature_check: bool,
			select: frame_try_runtime::TryStateSelect,
		) -> Weight {
			// try-runtime is an off-chain tool: a failure should stop it with a backtrace.
			Executive::try_execute_block(block, state_root_check, signature_check, select).unwrap()
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use frame_benchmarking::BenchmarkList;
			use frame_support::traits::StorageInfoTrait;
			use crate::*;

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);
			let storage_info = AllPalletsWithSystem::storage_info();
			(list, storage_info)
		}

		#[allow(non_local_definitions)]
		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig,
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use frame_benchmarking::BenchmarkBatch;
			use frame_support::traits::WhitelistedStorageKeys;
			use crate::*;

			let whitelist = AllPalletsWithSystem::whitelisted_storage_keys();
			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			crate::genesis_config_presets::preset_names()
		}
	}
}
