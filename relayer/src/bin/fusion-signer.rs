//! `fusion-signer`: holds one key (a hub notary's, or a committee member's of an EVM chain) and
//! signs for the relayer on 127.0.0.1. See `fusion_relayer::signer` for what it signs and when.

use anyhow::{bail, Context, Result};
use clap::{Parser, ValueEnum};
use fusion_relayer::{
	evm::EvmChain,
	hub::Hub,
	journal::Journal,
	keys::EthKey,
	metrics,
	signer::{Role, SignerApiServer, SignerService},
};
use serde::Deserialize;
use std::{net::SocketAddr, path::PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum RoleName {
	Notary,
	Committee,
}

/// Flags; each may also come from the `--config` TOML file (the same names, with `-`), and a
/// flag given on the command line wins.
#[derive(Parser, Debug, Default, Deserialize)]
#[command(name = "fusion-signer", version, about)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
struct Args {
	/// A TOML file with any of these settings.
	#[arg(long)]
	#[serde(skip)]
	config: Option<PathBuf>,
	/// `notary` (hub checkpoints and handovers) or `committee` (an EVM chain's headers).
	#[arg(long, value_enum)]
	role: Option<RoleName>,
	/// The file holding the secp256k1 secret key, in hex.
	#[arg(long)]
	key_file: Option<PathBuf>,
	/// The journal of what was signed (created if missing; keep it with the key).
	#[arg(long)]
	journal: Option<PathBuf>,
	/// The hub node's WebSocket RPC.
	#[arg(long)]
	hub: Option<String>,
	/// Where to serve signatures (JSON-RPC over HTTP and WebSocket).
	#[arg(long)]
	listen: Option<SocketAddr>,
	/// Where to serve Prometheus metrics (none if not given).
	#[arg(long)]
	metrics: Option<SocketAddr>,
	/// Committee: the EVM chain's JSON-RPC URL.
	#[arg(long)]
	evm: Option<String>,
	/// Committee: the gateway contract's address.
	#[arg(long)]
	gateway: Option<String>,
	/// Committee: the chain's id in the hub's registry.
	#[arg(long)]
	chain_id: Option<u32>,
	/// Committee: blocks on top of a header before it is signed; required (0 only for a
	/// development chain: a header that reorganises away would back value that never moved).
	#[arg(long)]
	confirmations: Option<u64>,
}

impl Args {
	/// The flags over the config file's settings.
	fn merged(self) -> Result<Self> {
		let Some(path) = &self.config else { return Ok(self) };
		let text = std::fs::read_to_string(path)
			.with_context(|| format!("reading the config {}", path.display()))?;
		let file: Args = toml::from_str(&text)
			.with_context(|| format!("parsing the config {}", path.display()))?;
		Ok(Args {
			config: self.config,
			role: self.role.or(file.role),
			key_file: self.key_file.or(file.key_file),
			journal: self.journal.or(file.journal),
			hub: self.hub.or(file.hub),
			listen: self.listen.or(file.listen),
			metrics: self.metrics.or(file.metrics),
			evm: self.evm.or(file.evm),
			gateway: self.gateway.or(file.gateway),
			chain_id: self.chain_id.or(file.chain_id),
			confirmations: self.confirmations.or(file.confirmations),
		})
	}
}

#[tokio::main]
async fn main() -> Result<()> {
	fusion_relayer::init_logging();
	let args = Args::parse().merged()?;
	let Some(role) = args.role else { bail!("--role is required (notary or committee)") };
	let key = EthKey::from_file(&args.key_file.context("--key-file is required")?)?;
	let journal_path = args.journal.context("--journal is required")?;
	let journal = Journal::open(&journal_path)?;
	let hub_url = args.hub.unwrap_or_else(|| "ws://127.0.0.1:9944".into());
	let hub = Hub::connect(&hub_url).await?;
	let role = match role {
		RoleName::Notary => Role::Notary,
		RoleName::Committee => {
			let gateway = args.gateway.context("--gateway is required for a committee member")?;
			Role::Committee {
				chain_id: args.chain_id.context("--chain-id is required for a committee member")?,
				evm: EvmChain::connect(
					&args.evm.unwrap_or_else(|| "http://127.0.0.1:8545".into()),
					gateway.parse().context("--gateway is not an address")?,
				)?,
				confirmations: args
					.confirmations
					.context("--confirmations is required for a committee member")?,
			}
		},
	};

	let registry = prometheus::Registry::new();
	let signatures = metrics::counter(
		&registry,
		"fusion_signer_signatures_total",
		"Signatures returned, by kind",
		&["kind"],
	)?;
	let refusals = metrics::counter(
		&registry,
		"fusion_signer_refusals_total",
		"Requests refused, by kind and error code",
		&["kind", "code"],
	)?;
	if let Some(address) = args.metrics {
		tokio::spawn(metrics::serve(registry, address));
	}

	let address = key.address();
	let service = SignerService::new(key, hub, role, journal, signatures, refusals);
	let listen = args.listen.unwrap_or_else(|| "127.0.0.1:9950".parse().expect("an address"));
	let server = jsonrpsee::server::Server::builder().build(listen).await?;
	let handle = server.start(service.into_rpc());
	tracing::info!(
		%address,
		%listen,
		hub = %hub_url,
		journal = %journal_path.display(),
		"fusion-signer serving"
	);
	tokio::select! {
		_ = handle.stopped() => bail!("the RPC server stopped"),
		_ = tokio::signal::ctrl_c() => tracing::info!("stopping"),
	}
	Ok(())
}
