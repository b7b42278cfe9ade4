//! Service wiring: the relay-chain backed collator / full node, and the relay-free dev node.

use std::{sync::Arc, time::Duration};

use codec::Encode;
use fusion_hub_runtime::{opaque::Block, AuraId, RuntimeApi};
use futures::FutureExt;
use polkadot_sdk::{
	cumulus_client_cli::CollatorOptions,
	cumulus_client_collator::service::CollatorService,
	cumulus_client_consensus_aura::{collators::lookahead as aura, equivocation_import_queue},
	cumulus_client_consensus_common::ParachainBlockImport as TParachainBlockImport,
	cumulus_client_parachain_inherent::MockValidationDataInherentDataProvider,
	cumulus_client_service::{
		self, build_network, build_relay_chain_interface, prepare_node_config,
		start_relay_chain_tasks, BuildNetworkParams, DARecoveryProfile,
		ParachainTracingExecuteBlock, StartRelayChainTasksParams,
	},
	cumulus_primitives_core::{
		CollectCollationInfo, GetParachainInfo, ParaId, RelayParentOffsetApi,
	},
	cumulus_relay_chain_interface::{OverseerHandle, RelayChainInterface},
	frame_benchmarking_cli::SUBSTRATE_REFERENCE_HARDWARE,
	polkadot_primitives::{CollatorPair, HeadData, UpgradeGoAhead, ValidationCode},
	sc_basic_authorship::ProposerFactory,
	sc_client_api::Backend as _,
	sc_consensus::{DefaultImportQueue, LongestChain},
	sc_consensus_aura,
	sc_consensus_manual_seal::{
		self as manual_seal, consensus::aura::AuraConsensusDataProvider, ConsensusDataProvider,
		EngineCommand,
	},
	sc_executor::WasmExecutor,
	sc_network::{
		config::{FullNetworkConfiguration, NetworkBackendType},
		service::traits::NetworkService,
		Litep2pNetworkBackend, NetworkBackend, NetworkBlock, NetworkStateInfo, NetworkWorker,
		NotificationMetrics, PeerId,
	},
	sc_offchain,
	sc_service::{
		self, ChainSpec, Configuration, ImportQueue, PartialComponents, TFullBackend, TFullClient,
		TaskManager,
	},
	sc_sysinfo::{self, HwBench},
	sc_telemetry::{self, Telemetry, TelemetryHandle, TelemetryWorker, TelemetryWorkerHandle},
	sc_tracing::{self, tracing::Instrument},
	sc_transaction_pool::{self, TransactionPoolHandle},
	sc_transaction_pool_api::OffchainTransactionPoolFactory,
	sp_api::ProvideRuntimeApi,
	sp_consensus_aura::SlotDuration,
	sp_keystore::KeystorePtr,
	sp_runtime::{
		app_crypto::AppCrypto,
		traits::{Block as BlockT, Header as HeaderT},
	},
	sp_timestamp,
	substrate_prometheus_endpoint::Registry,
};

use crate::{
	chain_spec::Extensions,
	rpc::{self, NodeContext, NodeMode},
};

/// Host functions the runtime may call.
#[cfg(not(feature = "runtime-benchmarks"))]
pub type HostFunctions = cumulus_client_service::ParachainHostFunctions;
/// Host functions the runtime may call (a benchmarking runtime also needs the benchmark ones).
#[cfg(feature = "runtime-benchmarks")]
pub type HostFunctions = (
	cumulus_client_service::ParachainHostFunctions,
	polkadot_sdk::frame_benchmarking::benchmarking::HostFunctions,
);

pub type BlockHash = <Block as BlockT>::Hash;
pub type ParachainExecutor = WasmExecutor<HostFunctions>;
pub type ParachainClient = TFullClient<Block, RuntimeApi, ParachainExecutor>;
pub type ParachainBackend = TFullBackend<Block>;
pub type ParachainBlockImport =
	TParachainBlockImport<Block, Arc<ParachainClient>, ParachainBackend>;
pub type ParachainTransactionPool = TransactionPoolHandle<Block, ParachainClient>;

/// The key pair type behind the runtime's Aura authority id.
type AuraPair = <AuraId as AppCrypto>::Pair;

type AnnounceBlock = Arc<dyn Fn(BlockHash, Option<Vec<u8>>) + Send + Sync>;

/// Everything `new_partial` builds: enough for the chain-ops subcommands.
pub type Service = PartialComponents<
	ParachainClient,
	ParachainBackend,
	(),
	DefaultImportQueue<Block>,
	ParachainTransactionPool,
	(ParachainBlockImport, Option<Telemetry>, Option<TelemetryWorkerHandle>),
>;

/// Relay chain slot duration the collator and the mocked relay chain assume.
const RELAY_CHAIN_SLOT_DURATION: Duration = Duration::from_millis(RELAY_SLOT_MILLIS);
const RELAY_SLOT_MILLIS: u64 = 6000;

/// How a dev node seals blocks.
#[derive(Clone, Copy, Debug)]
pub enum DevSealMode {
	/// One block per `block_time_ms` milliseconds, finalized right away.
	Timer { block_time_ms: u64 },
	/// One block per imported transaction, finalized right away.
	Instant,
}

/// Builds the client, backend, keystore, transaction pool and Aura import queue.
pub fn new_partial(config: &Configuration) -> Result<Service, sc_service::Error> {
	let telemetry = config
		.telemetry_endpoints
		.clone()
		.filter(|endpoints| !endpoints.is_empty())
		.map(|endpoints| -> Result<_, sc_telemetry::Error> {
			let worker = TelemetryWorker::new(16)?;
			let telemetry = worker.handle().new_telemetry(endpoints);
			Ok((worker, telemetry))
		})
		.transpose()?;

	let executor = sc_service::new_wasm_executor::<HostFunctions>(&config.executor);
	// Import proof recording lets the runtime reclaim unused proof size (storage weight reclaim).
	let (client, backend, keystore_container, task_manager) =
		sc_service::new_full_parts_record_import::<Block, RuntimeApi, _>(
			config,
			telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
			executor,
			true,
			Vec::new(),
		)?;
	let client = Arc::new(client);

	let telemetry_worker_handle = telemetry.as_ref().map(|(worker, _)| worker.handle());
	let telemetry = telemetry.map(|(worker, telemetry)| {
		task_manager.spawn_handle().spawn("telemetry", None, worker.run());
		telemetry
	});

	let transaction_pool = Arc::new(
		sc_transaction_pool::Builder::new(
			task_manager.spawn_essential_handle(),
			client.clone(),
			config.role.is_authority().into(),
		)
		.with_options(config.transaction_pool.clone())
		.with_prometheus(config.prometheus_registry())
		.build(),
	);

	let block_import = ParachainBlockImport::new(client.clone(), backend.clone());

	let import_queue =
		equivocation_import_queue::fully_verifying_import_queue::<AuraPair, _, _, _, _>(
			client.clone(),
			block_import.clone(),
			move |_, _| async move {
				Ok::<_, Box<dyn std::error::Error + Send + Sync>>(
					sp_timestamp::InherentDataProvider::from_system_time(),
				)
			},
			&task_manager.spawn_essential_handle(),
			config.prometheus_registry(),
			telemetry.as_ref().map(|telemetry| telemetry.handle()),
		);

	Ok(PartialComponents {
		backend,
		client,
		import_queue,
		keystore_container,
		task_manager,
		transaction_pool,
		select_chain: (),
		other: (block_import, telemetry, telemetry_worker_handle),
	})
}

/// The para id from the runtime, or from the chain spec if the runtime cannot tell.
fn resolve_para_id(
	client: &ParachainClient,
	chain_spec: &dyn ChainSpec,
) -> Result<ParaId, sc_service::Error> {
	let best_hash = client.chain_info().best_hash;
	let para_id = match client.runtime_api().parachain_id(best_hash) {
		Ok(para_id) => para_id,
		Err(error) => {
			log::warn!("GetParachainInfo failed ({error}); using the chain spec's para_id");
			let para_id =
				Extensions::try_get(chain_spec).map(|ext| ext.para_id).ok_or_else(|| {
					sc_service::Error::Other(
						"Cannot determine the para id: the runtime call failed and the chain spec \
					has no para_id"
							.into(),
					)
				})?;
			ParaId::from(para_id)
		},
	};
	log::info!("🪪 Parachain id: {}", u32::from(para_id));
	Ok(para_id)
}

fn start_offchain_workers(
	config: &Configuration,
	task_manager: &TaskManager,
	client: Arc<ParachainClient>,
	backend: &ParachainBackend,
	keystore: KeystorePtr,
	transaction_pool: Arc<ParachainTransactionPool>,
	network: Arc<dyn NetworkService>,
) -> Result<(), sc_service::Error> {
	if !config.offchain_worker.enabled {
		return Ok(());
	}
	let offchain_workers = sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
		runtime_api_provider: client.clone(),
		keystore: Some(keystore),
		offchain_db: backend.offchain_storage(),
		transaction_pool: Some(OffchainTransactionPoolFactory::new(transaction_pool)),
		network_provider: Arc::new(network),
		is_validator: config.role.is_authority(),
		enable_http_requests: true,
		custom_extensions: |_| vec![],
	})?;
	task_manager.spawn_handle().spawn(
		"offchain-workers-runner",
		"offchain-work",
		offchain_workers.run(client, task_manager.spawn_handle()).boxed(),
	);
	Ok(())
}

type RpcBuilder = Box<
	dyn Fn(
		polkadot_sdk::sc_rpc::SubscriptionTaskExecutor,
	) -> Result<jsonrpsee::RpcModule<()>, sc_service::Error>,
>;

fn rpc_builder(
	client: Arc<ParachainClient>,
	pool: Arc<ParachainTransactionPool>,
	node: NodeContext,
) -> RpcBuilder {
	Box::new(move |_| {
		let deps = rpc::FullDeps { client: client.clone(), pool: pool.clone(), node: node.clone() };
		rpc::create_full(deps).map_err(sc_service::Error::Application)
	})
}

/// Starts a parachain node (collator with `--collator`, otherwise full node) following the relay
/// chain described by `polkadot_config`.
pub async fn start_parachain_node(
	parachain_config: Configuration,
	polkadot_config: Configuration,
	collator_options: CollatorOptions,
	hwbench: Option<HwBench>,
	max_pov_percentage: Option<u32>,
) -> Result<TaskManager, sc_service::Error> {
	let span =
		sc_tracing::tracing::info_span!(sc_tracing::logging::PREFIX_LOG_SPAN, name = "Parachain");
	match parachain_config.network.network_backend {
		NetworkBackendType::Libp2p => {
			start_parachain_node_with::<NetworkWorker<Block, BlockHash>>(
				parachain_config,
				polkadot_config,
				collator_options,
				hwbench,
				max_pov_percentage,
			)
			.instrument(span)
			.await
		},
		NetworkBackendType::Litep2p => {
			start_parachain_node_with::<Litep2pNetworkBackend>(
				parachain_config,
				polkadot_config,
				collator_options,
				hwbench,
				max_pov_percentage,
			)
			.instrument(span)
			.await
		},
	}
}

async fn start_parachain_node_with<Net>(
	parachain_config: Configuration,
	polkadot_config: Configuration,
	collator_options: CollatorOptions,
	hwbench: Option<HwBench>,
	max_pov_percentage: Option<u32>,
) -> Result<TaskManager, sc_service::Error>
where
	Net: NetworkBackend<Block, BlockHash>,
{
	let parachain_config = prepare_node_config(parachain_config);
	let params = new_partial(&parachain_config)?;
	let (block_import, mut telemetry, telemetry_worker_handle) = params.other;
	let client = params.client.clone();
	let backend = params.backend.clone();
	let transaction_pool = params.transaction_pool.clone();
	let keystore = params.keystore_container.keystore();
	let mut task_manager = params.task_manager;

	let para_id = resolve_para_id(&client, &*parachain_config.chain_spec)?;
	let validator = parachain_config.role.is_authority();
	let mode = if validator { NodeMode::Collator } else { NodeMode::Full };
	log::info!("✍️ Is collating: {}", if validator { "yes" } else { "no" });

	// The `/paranode` request receiver is only consumed by the DHT bootnode tasks of
	// `cumulus-client-bootnodes`, which this node does not run.
	let (relay_chain_interface, collator_key, relay_chain_network, _paranode_requests) =
		build_relay_chain_interface(
			polkadot_config,
			&parachain_config,
			telemetry_worker_handle,
			&mut task_manager,
			collator_options,
			hwbench.clone(),
		)
		.await
		.map_err(|e| sc_service::Error::Application(Box::new(e)))?;

	let prometheus_registry = parachain_config.prometheus_registry().cloned();
	let import_queue_service = params.import_queue.service();
	let net_config = FullNetworkConfiguration::<Block, BlockHash, Net>::new(
		&parachain_config.network,
		prometheus_registry.clone(),
	);
	let metrics = Net::register_notification_metrics(prometheus_registry.as_ref());

	let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
		build_network(BuildNetworkParams {
			parachain_config: &parachain_config,
			net_config,
			client: client.clone(),
			transaction_pool: transaction_pool.clone(),
			para_id,
			spawn_handle: task_manager.spawn_handle(),
			spawn_essential_handle: task_manager.spawn_essential_handle(),
			relay_chain_interface: relay_chain_interface.clone(),
			import_queue: params.import_queue,
			metrics,
			gap_sync_body_policy: None,
		})
		.await?;

	start_offchain_workers(
		&parachain_config,
		&task_manager,
		client.clone(),
		&backend,
		keystore.clone(),
		transaction_pool.clone(),
		network.clone(),
	)?;

	let node_context = NodeContext::new(&parachain_config, mode);

	sc_service::spawn_tasks(sc_service::SpawnTasksParams {
		rpc_builder: rpc_builder(client.clone(), transaction_pool.clone(), node_context),
		client: client.clone(),
		transaction_pool: transaction_pool.clone(),
		task_manager: &mut task_manager,
		config: parachain_config,
		keystore: keystore.clone(),
		backend: backend.clone(),
		network: network.clone(),
		sync_service: sync_service.clone(),
		system_rpc_tx,
		tx_handler_controller,
		telemetry: telemetry.as_mut(),
		tracing_execute_block: Some(Arc::new(ParachainTracingExecuteBlock::new(client.clone()))),
	})?;

	if let Some(hwbench) = hwbench {
		report_hwbench(hwbench, validator, &task_manager, telemetry.as_ref());
	}

	let announce_block: AnnounceBlock = {
		let sync_service = sync_service.clone();
		Arc::new(move |hash, data| sync_service.announce_block(hash, data))
	};

	let overseer_handle = relay_chain_interface
		.overseer_handle()
		.map_err(|e| sc_service::Error::Application(Box::new(e)))?;

	start_relay_chain_tasks(StartRelayChainTasksParams {
		client: client.clone(),
		announce_block: announce_block.clone(),
		para_id,
		relay_chain_interface: relay_chain_interface.clone(),
		task_manager: &mut task_manager,
		da_recovery_profile: if validator {
			DARecoveryProfile::Collator
		} else {
			DARecoveryProfile::FullNode
		},
		import_queue: import_queue_service,
		relay_chain_slot_duration: RELAY_CHAIN_SLOT_DURATION,
		recovery_handle: Box::new(overseer_handle.clone()),
		sync_service: sync_service.clone(),
		prometheus_registry: prometheus_registry.as_ref(),
	})?;

	if validator {
		let collator_key = collator_key.ok_or_else(|| {
			sc_service::Error::Other("A collator needs a collator key from the relay chain".into())
		})?;
		start_lookahead_collator(
			&task_manager,
			CollatorParams {
				client: client.clone(),
				backend: backend.clone(),
				block_import,
				prometheus_registry,
				telemetry: telemetry.as_ref().map(|telemetry| telemetry.handle()),
				relay_chain_interface,
				transaction_pool,
				keystore,
				para_id,
				collator_key,
				collator_peer_id: relay_chain_network.local_peer_id(),
				overseer_handle,
				announce_block,
				max_pov_percentage,
			},
		);
	}

	Ok(task_manager)
}

fn report_hwbench(
	hwbench: HwBench,
	validator: bool,
	task_manager: &TaskManager,
	telemetry: Option<&Telemetry>,
) {
	sc_sysinfo::print_hwbench(&hwbench);
	if validator {
		if let Err(err) = SUBSTRATE_REFERENCE_HARDWARE.check_hardware(&hwbench, false) {
			log::warn!(
				"⚠️  The hardware does not meet the minimal requirements {err} for a collator"
			);
		}
	}
	if let Some(telemetry) = telemetry {
		task_manager.spawn_handle().spawn(
			"telemetry_hwbench",
			None,
			sc_sysinfo::initialize_hwbench_telemetry(telemetry.handle(), hwbench),
		);
	}
}

struct CollatorParams {
	client: Arc<ParachainClient>,
	backend: Arc<ParachainBackend>,
	block_import: ParachainBlockImport,
	prometheus_registry: Option<Registry>,
	telemetry: Option<TelemetryHandle>,
	relay_chain_interface: Arc<dyn RelayChainInterface>,
	transaction_pool: Arc<ParachainTransactionPool>,
	keystore: KeystorePtr,
	para_id: ParaId,
	collator_key: CollatorPair,
	collator_peer_id: PeerId,
	overseer_handle: OverseerHandle,
	announce_block: AnnounceBlock,
	max_pov_percentage: Option<u32>,
}

/// Spawns the async-backing aware Aura collator.
fn start_lookahead_collator(task_manager: &TaskManager, params: CollatorParams) {
	let proposer = ProposerFactory::new(
		task_manager.spawn_handle(),
		params.client.clone(),
		params.transaction_pool,
		params.prometheus_registry.as_ref(),
		params.telemetry,
	);
	let collator_service =
		CollatorService::new(params.client.clone(), params.announce_block, params.client.clone());
	let code_client = params.client.clone();

	let aura_params = aura::Params {
		create_inherent_data_providers: move |_, ()| async move {
			Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
		},
		block_import: params.block_import,
		para_client: params.client,
		para_backend: params.backend,
		relay_client: params.relay_chain_interface,
		code_hash_provider: move |block_hash: BlockHash| {
			code_client.code_at(block_hash).ok().map(|code| ValidationCode::from(code).hash())
		},
		keystore: params.keystore,
		collator_key: params.collator_key,
		collator_peer_id: params.collator_peer_id,
		para_id: params.para_id,
		overseer_handle: params.overseer_handle,
		relay_chain_slot_duration: RELAY_CHAIN_SLOT_DURATION,
		proposer,
		collator_service,
		authoring_duration: Duration::from_millis(2000),
		reinitialize: false,
		max_pov_percentage: params.max_pov_percentage,
	};

	let collator = aura::run::<Block, AuraPair, _, _, _, _, _, _, _, _>(aura_params);
	task_manager.spawn_essential_handle().spawn("aura", None, collator);
}

/// Starts a relay-free node that seals its own blocks with a mocked relay chain.
pub fn start_dev_node(
	mut config: Configuration,
	seal_mode: DevSealMode,
) -> Result<TaskManager, sc_service::Error> {
	let PartialComponents {
		client,
		backend,
		mut task_manager,
		import_queue,
		keystore_container,
		select_chain: _,
		transaction_pool,
		other: (_, mut telemetry, _),
	} = new_partial(&config)?;

	// A dev chain is private to this node.
	config.network.default_peers_set.in_peers = 0;
	config.network.default_peers_set.out_peers = 0;
	let net_config = FullNetworkConfiguration::<Block, BlockHash, Litep2pNetworkBackend>::new(
		&config.network,
		None,
	);

	let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
		sc_service::build_network(sc_service::BuildNetworkParams {
			config: &config,
			net_config,
			client: client.clone(),
			transaction_pool: transaction_pool.clone(),
			spawn_handle: task_manager.spawn_handle(),
			spawn_essential_handle: task_manager.spawn_essential_handle(),
			import_queue,
			block_announce_validator_builder: None,
			warp_sync_config: None,
			block_relay: None,
			metrics: NotificationMetrics::new(None),
			gap_sync_body_policy: None,
		})?;

	start_offchain_workers(
		&config,
		&task_manager,
		client.clone(),
		&backend,
		keystore_container.keystore(),
		transaction_pool.clone(),
		network.clone(),
	)?;

	let para_id = resolve_para_id(&client, &*config.chain_spec)?;
	// Slot duration changes at runtime are not followed by the dev node.
	let slot_duration = sc_consensus_aura::slot_duration::<AuraId, _, _>(&*client)?;
	let proposer = ProposerFactory::new(
		task_manager.spawn_handle(),
		client.clone(),
		transaction_pool.clone(),
		config.prometheus_registry(),
		telemetry.as_ref().map(|telemetry| telemetry.handle()),
	);
	// The runtime checks that the Aura slot in the digest matches the inherent timestamp.
	let consensus_data_provider: Box<dyn ConsensusDataProvider<Block>> =
		Box::new(AuraConsensusDataProvider::<Block>::new_with_slot_duration(slot_duration));
	let create_inherent_data_providers =
		dev_inherent_data_providers(client.clone(), para_id, slot_duration);

	// Both modes are manual seal; they differ in what commands it.
	let (mode, commands_stream): (_, std::pin::Pin<Box<dyn futures::Stream<Item = _> + Send>>) =
		match seal_mode {
			DevSealMode::Instant => {
				log::info!("🧪 Dev mode: relay-free, sealing one block per transaction");
				(NodeMode::DevInstantSeal, Box::pin(seal_on_import(transaction_pool.clone())))
			},
			DevSealMode::Timer { block_time_ms } => {
				log::info!("🧪 Dev mode: relay-free, sealing a block every {block_time_ms} ms");
				let (seal_sink, seal_stream) = futures::channel::mpsc::channel(1024);
				task_manager.spawn_essential_handle().spawn(
					"dev-block-timer",
					None,
					seal_on_timer(
						seal_sink,
						Duration::from_millis(block_time_ms),
						client.clone(),
						transaction_pool.clone(),
					),
				);
				(NodeMode::DevManualSeal, Box::pin(seal_stream))
			},
		};
	let authorship = manual_seal::run_manual_seal(manual_seal::ManualSealParams {
		block_import: client.clone(),
		env: proposer,
		client: client.clone(),
		pool: transaction_pool.clone(),
		select_chain: LongestChain::new(backend.clone()),
		commands_stream,
		consensus_data_provider: Some(consensus_data_provider),
		create_inherent_data_providers,
	});
	task_manager.spawn_essential_handle().spawn_blocking("manual-seal", None, authorship);

	let node_context = NodeContext::new(&config, mode);
	sc_service::spawn_tasks(sc_service::SpawnTasksParams {
		rpc_builder: rpc_builder(client.clone(), transaction_pool.clone(), node_context),
		client,
		transaction_pool,
		task_manager: &mut task_manager,
		config,
		keystore: keystore_container.keystore(),
		backend,
		network,
		sync_service,
		system_rpc_tx,
		tx_handler_controller,
		telemetry: telemetry.as_mut(),
		tracing_execute_block: None,
	})?;

	Ok(task_manager)
}

/// The seal commands of `--instant-seal`: a block for each transaction the pool imports, while
/// it holds a ready one (a burst of transactions goes into the first block; the commands after
/// it find nothing ready, unless the pool prunes late, which costs an empty block).
///
/// Why not manual seal's own instant seal: it drops a block as empty when the block has no more
/// extrinsics than the inherent *data* has entries. The mocked relay chain puts its data under two
/// keys beside the timestamp (three entries) but makes one inherent extrinsic (two with the
/// timestamp's), so a block of one transaction was always dropped, and the node stayed at #0.
fn seal_on_import(
	pool: Arc<ParachainTransactionPool>,
) -> impl futures::Stream<Item = EngineCommand<BlockHash>> {
	use futures::StreamExt;
	use polkadot_sdk::sc_transaction_pool_api::TransactionPool;
	// Evaluated when the seal engine asks for its next command, after the previous seal.
	pool.import_notification_stream().filter_map(move |_| {
		let ready = pool.status().ready > 0;
		futures::future::ready(ready.then_some(EngineCommand::SealNewBlock {
			create_empty: true,
			finalize: true,
			parent_hash: None,
			sender: None,
		}))
	})
}

/// Asks manual seal for a new, finalized block every `block_time`, counted from the start of
/// the previous one, and never before the previous one is sealed: a block that takes longer
/// than the block time to build is not followed at once by another, built before the pool has
/// caught up with it (such blocks came out empty under load).
async fn seal_on_timer(
	mut sink: futures::channel::mpsc::Sender<EngineCommand<BlockHash>>,
	block_time: Duration,
	client: Arc<ParachainClient>,
	pool: Arc<ParachainTransactionPool>,
) {
	use futures::SinkExt;
	use polkadot_sdk::sc_transaction_pool_api::TransactionPool;
	// The first block a block time after start, when the pool follows the chain.
	futures_timer::Delay::new(block_time).await;
	loop {
		let started = std::time::Instant::now();
		// Seal once the pool has followed the best block (its view of it built, what the block
		// took pruned and the rest revalidated), for at most half a block time: the proposer
		// waits only an eighth of its deadline for that view, then builds from a fallback that
		// leaves transactions submitted during the last import a whole block behind.
		let best = client.chain_info().best_hash;
		let followed = pool.ready_at(best).map(|_| ());
		futures::future::select(followed, futures_timer::Delay::new(block_time / 2)).await;
		let (sealed, result) = futures::channel::oneshot::channel();
		let command = EngineCommand::SealNewBlock {
			create_empty: true,
			finalize: true,
			parent_hash: None,
			sender: Some(sealed),
		};
		if sink.send(command).await.is_err() {
			return;
		}
		match result.await {
			Ok(Ok(_)) => {},
			Ok(Err(error)) => log::warn!("Dev block timer: sealing failed: {error}"),
			Err(_) => log::warn!("Dev block timer: the seal engine did not answer"),
		}
		// The pool revalidates what a block left; give it a quarter of a block time at least.
		let wait = block_time.saturating_sub(started.elapsed()).max(block_time / 4);
		futures_timer::Delay::new(wait).await;
	}
}

type DevInherentDataProviders =
	(sp_timestamp::InherentDataProvider, MockValidationDataInherentDataProvider<()>);
type DevInherentResult = Result<DevInherentDataProviders, Box<dyn std::error::Error + Send + Sync>>;

/// Inherent data for dev blocks: a timestamp plus validation data from a mocked relay chain.
///
/// Every para block gets its own relay slot, and the timestamp is derived from that slot so that
/// the runtime's relay-slot and Aura-slot checks agree.
fn dev_inherent_data_providers(
	client: Arc<ParachainClient>,
	para_id: ParaId,
	slot_duration: SlotDuration,
) -> impl Fn(BlockHash, ()) -> futures::future::Ready<DevInherentResult> + Send + Sync {
	// Start two hours in the past so that fast dev block times do not run into the future.
	let now_millis = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.unwrap_or_default()
		.saturating_sub(Duration::from_secs(2 * 60 * 60))
		.as_millis() as u64;
	let initial_relay_slot = now_millis / RELAY_SLOT_MILLIS;
	let relay_blocks_per_para_block = (slot_duration.as_millis() / RELAY_SLOT_MILLIS).max(1) as u32;

	move |parent: BlockHash, ()| {
		futures::future::ready(mocked_relay_inherents(
			&client,
			parent,
			para_id,
			initial_relay_slot,
			relay_blocks_per_para_block,
		))
	}
}

fn mocked_relay_inherents(
	client: &ParachainClient,
	parent: BlockHash,
	para_id: ParaId,
	initial_relay_slot: u64,
	relay_blocks_per_para_block: u32,
) -> DevInherentResult {
	let parent_header = client
		.header(parent)?
		.ok_or_else(|| format!("Dev node: parent header {parent:?} is not in the database"))?;
	let block_number = parent_header.number().saturating_add(1);

	// A pending validation code upgrade needs the relay chain's go-ahead to be enacted.
	let upgrade_pending = client
		.runtime_api()
		.collect_collation_info(parent, &parent_header)
		.map(|info| info.new_validation_code.is_some())
		.unwrap_or_default();
	let relay_parent_offset = client.runtime_api().relay_parent_offset(parent).unwrap_or_default();

	let relay_slot =
		initial_relay_slot + u64::from(block_number) * u64::from(relay_blocks_per_para_block);
	let relay_offset = (relay_slot as u32)
		.saturating_sub(relay_blocks_per_para_block.saturating_mul(block_number));

	let validation_data = MockValidationDataInherentDataProvider::<()> {
		current_para_block: block_number,
		para_id,
		current_para_block_head: Some(HeadData(parent_header.encode())),
		relay_offset,
		relay_parent_offset,
		relay_blocks_per_para_block,
		para_blocks_per_relay_epoch: 10,
		upgrade_go_ahead: upgrade_pending.then(|| {
			log::info!("Dev node: pending validation code detected, sending the go-ahead");
			UpgradeGoAhead::GoAhead
		}),
		..Default::default()
	};
	let timestamp =
		sp_timestamp::InherentDataProvider::new((relay_slot * RELAY_SLOT_MILLIS).into());
	Ok((timestamp, validation_data))
}
