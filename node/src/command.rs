//! Dispatch of the command line to subcommands or to the node itself.

use polkadot_sdk::{
	frame_benchmarking_cli::{BenchmarkCmd, SUBSTRATE_REFERENCE_HARDWARE},
	sc_cli::{self, Result, SubstrateCli},
	sc_service::{ChainType, Configuration},
	sc_sysinfo,
};

use crate::{
	cli::{Cli, RelayChainCli, Subcommand, DEFAULT_DEV_BLOCK_TIME_MS},
	service::{self, DevSealMode},
};

/// Parses the command line and runs the requested subcommand or the node.
pub fn run() -> Result<()> {
	let cli = Cli::from_args();

	match &cli.subcommand {
		Some(Subcommand::BuildSpec(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.chain_spec, config.network))
		},
		Some(Subcommand::ExportChainSpec(cmd)) => {
			let spec = cli.load_spec(&cmd.chain)?;
			cmd.run(spec)
		},
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let partial = service::new_partial(&config)?;
				Ok((cmd.run(partial.client, partial.import_queue), partial.task_manager))
			})
		},
		Some(Subcommand::ExportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let partial = service::new_partial(&config)?;
				Ok((cmd.run(partial.client, config.database), partial.task_manager))
			})
		},
		Some(Subcommand::ExportState(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let partial = service::new_partial(&config)?;
				Ok((cmd.run(partial.client, config.chain_spec), partial.task_manager))
			})
		},
		Some(Subcommand::ImportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let partial = service::new_partial(&config)?;
				Ok((cmd.run(partial.client, partial.import_queue), partial.task_manager))
			})
		},
		Some(Subcommand::Revert(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let partial = service::new_partial(&config)?;
				Ok((cmd.run(partial.client, partial.backend, None), partial.task_manager))
			})
		},
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			let polkadot_cli = RelayChainCli::new(runner.config(), cli.relay_chain_args.iter());
			runner.sync_run(|config| {
				let polkadot_config = SubstrateCli::create_configuration(
					&polkadot_cli,
					&polkadot_cli,
					config.tokio_handle.clone(),
				)
				.map_err(|err| format!("Relay chain argument error: {err}"))?;
				cmd.run(config, polkadot_config)
			})
		},
		Some(Subcommand::ExportGenesisHead(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| {
				let partial = service::new_partial(&config)?;
				cmd.run(partial.client)
			})
		},
		Some(Subcommand::ExportGenesisWasm(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|_config| {
				let spec = cli.load_spec(&cmd.shared_params.chain.clone().unwrap_or_default())?;
				cmd.run(&*spec)
			})
		},
		Some(Subcommand::Key(cmd)) => cmd.run(&cli),
		Some(Subcommand::Benchmark(cmd)) => run_benchmark(&cli, cmd),
		None => run_node(&cli),
	}
}

fn run_benchmark(cli: &Cli, cmd: &BenchmarkCmd) -> Result<()> {
	match cmd {
		#[cfg(feature = "runtime-benchmarks")]
		BenchmarkCmd::Pallet(cmd) => {
			use polkadot_sdk::{
				cumulus_client_service::storage_proof_size::HostFunctions as ReclaimHostFunctions,
				sp_runtime::traits::HashingFor,
			};
			let chain =
				cmd.shared_params.chain.as_ref().map(|chain| cli.load_spec(chain)).transpose()?;
			cmd.run_with_spec::<HashingFor<fusion_hub_runtime::opaque::Block>, ReclaimHostFunctions>(
				chain,
			)
		},
		BenchmarkCmd::Block(cmd) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| {
				let partial = service::new_partial(&config)?;
				cmd.run(partial.client)
			})
		},
		BenchmarkCmd::Machine(cmd) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(&config, SUBSTRATE_REFERENCE_HARDWARE.clone()))
		},
		_ => Err("This benchmark is not available in the node: use frame-omni-bencher for pallet \
			benchmarks, or build the node with `--features runtime-benchmarks`."
			.into()),
	}
}

/// Whether the node runs relay-free and seals its own blocks.
fn is_dev_chain(config: &Configuration) -> bool {
	matches!(config.chain_spec.chain_type(), ChainType::Development)
}

fn dev_seal_mode(cli: &Cli) -> DevSealMode {
	if cli.instant_seal {
		DevSealMode::Instant
	} else {
		DevSealMode::Timer {
			block_time_ms: cli.dev_block_time.unwrap_or(DEFAULT_DEV_BLOCK_TIME_MS),
		}
	}
}

/// Runs the node: a dev node for Development chain specs, a parachain node otherwise.
fn run_node(cli: &Cli) -> Result<()> {
	let runner = cli.create_runner(&cli.run.normalize())?;

	if is_dev_chain(runner.config()) {
		let seal_mode = dev_seal_mode(cli);
		return runner.run_node_until_exit(|config| async move {
			service::start_dev_node(config, seal_mode).map_err(sc_cli::Error::Service)
		});
	}

	if cli.instant_seal || cli.dev_block_time.is_some() {
		return Err(sc_cli::Error::Input(
			"--instant-seal and --dev-block-time only apply to Development chain specs (e.g. --dev)"
				.into(),
		));
	}

	let polkadot_cli = RelayChainCli::new(runner.config(), cli.relay_chain_args.iter());
	let collator_options = cli.run.collator_options();
	let max_pov_percentage = cli.run.experimental_max_pov_percentage;
	let hardware_benchmarks = !cli.no_hardware_benchmarks;

	runner.run_node_until_exit(|config| async move {
		let hwbench = hardware_benchmarks.then(|| gather_hwbench(&config)).flatten();
		let mut polkadot_config = SubstrateCli::create_configuration(
			&polkadot_cli,
			&polkadot_cli,
			config.tokio_handle.clone(),
		)
		.map_err(|err| format!("Relay chain argument error: {err}"))?;

		// The relay chain side of a collator does not listen on WebRTC unless asked to.
		let relay_network = &polkadot_cli.base.base.network_params;
		if config.role.is_authority()
			&& !relay_network.force_enable_webrtc
			&& relay_network.listen_addr.is_empty()
		{
			polkadot_config.network.remove_webrtc_addresses();
		}

		log::info!(
			"🔗 Starting as a parachain {} (relay chain: {})",
			if config.role.is_authority() { "collator" } else { "full node" },
			polkadot_config.chain_spec.name()
		);
		service::start_parachain_node(
			config,
			polkadot_config,
			collator_options,
			hwbench,
			max_pov_percentage,
		)
		.await
		.map_err(sc_cli::Error::Service)
	})
}

fn gather_hwbench(config: &Configuration) -> Option<sc_sysinfo::HwBench> {
	let database_path = config.database.path()?;
	let _ = std::fs::create_dir_all(database_path);
	Some(sc_sysinfo::gather_hwbench(Some(database_path), &SUBSTRATE_REFERENCE_HARDWARE))
}
