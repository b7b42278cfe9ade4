//! `fusion-relayer`: relays between the hub and one EVM chain (see `fusion_relayer::relay`).

use alloy::{
	providers::{Provider, ProviderBuilder},
	signers::local::PrivateKeySigner,
};
use anyhow::{bail, Context, Result};
use clap::Parser;
use fusion_relayer::{
	hub::{Hub, HubSigner},
	metrics,
	relay::{RelayMetrics, Relayer},
};
use serde::Deserialize;
use std::{net::SocketAddr, path::PathBuf, str::FromStr, time::Duration};

/// Flags; each may also come from the `--config` TOML file (the same names, with `-`), and a
/// flag given on the command line wins.
#[derive(Parser, Debug, Default, Deserialize)]
#[command(name = "fusion-relayer", version, about)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
struct Args {
	/// A TOML file with any of these settings.
	#[arg(long)]
	#[serde(skip)]
	config: Option<PathBuf>,
	/// The hub node's WebSocket RPC.
	#[arg(long)]
	hub: Option<String>,
	/// The hub account that signs the relayer's extrinsics: a secret URI (`//Ferdie` on a dev
	/// chain) in a file. Not with `--hub-key-from-evm-key`.
	#[arg(long)]
	hub_key_file: Option<PathBuf>,
	/// Sign hub extrinsics with the EVM key, as an ECDSA hub account (`blake2_256` of its
	/// compressed public key): gateways name that account in their receipts and pay the fees
	/// they hold for it to the same key, which the relayer claims.
	#[arg(long)]
	hub_key_from_evm_key: bool,
	/// The EVM chain's JSON-RPC URL.
	#[arg(long)]
	evm: Option<String>,
	/// The file with the secp256k1 secret of the EVM account that pays for gateway calls.
	#[arg(long)]
	evm_key_file: Option<PathBuf>,
	/// The gateway contract's address.
	#[arg(long)]
	gateway: Option<String>,
	/// The EVM chain's id in the hub's registry.
	#[arg(long)]
	chain_id: Option<u32>,
	/// The first EVM block to read the gateway's logs from (its deployment block).
	#[arg(long)]
	evm_start: Option<u64>,
	/// The committee members' signers (`ws://127.0.0.1:…`), repeated.
	#[arg(long)]
	committee: Vec<String>,
	/// How many committee signatures the hub needs.
	#[arg(long)]
	committee_threshold: Option<usize>,
	/// The hub notaries' signers, repeated.
	#[arg(long)]
	notary: Vec<String>,
	/// Blocks on top of an EVM block before it is relayed: the committee signers' setting.
	#[arg(long)]
	confirmations: Option<u64>,
	/// Milliseconds between rounds.
	#[arg(long)]
	interval_ms: Option<u64>,
	/// Where to serve Prometheus metrics (none if not given).
	#[arg(long)]
	metrics: Option<SocketAddr>,
	/// Ignored since the notaries' threshold is read from the hub's notary set (kept so older
	/// configs and scripts still start; a warning says so).
	#[arg(long, hide = true)]
	notary_threshold: Option<usize>,
	/// Claim the fees earned on the hub once they are above this many planck (0: whenever
	/// there are any). Each claim costs a transaction fee.
	#[arg(long)]
	claim_rewards_above: Option<u128>,
	/// Claim the fees a gateway holds for the relayer once above this many wei (0: whenever
	/// there are any); only with `--hub-key-from-evm-key`.
	#[arg(long)]
	claim_evm_rewards_above: Option<u128>,
}

impl Args {
	fn merged(self) -> Result<Self> {
		let Some(path) = &self.config else { return Ok(self) };
		let text = std::fs::read_to_string(path)
			.with_context(|| format!("reading the config {}", path.display()))?;
		let file: Args = toml::from_str(&text)
			.with_context(|| format!("parsing the config {}", path.display()))?;
		let or_list =
			|flags: Vec<String>, file: Vec<String>| if flags.is_empty() { file } else { flags };
		Ok(Args {
			config: self.config,
			hub: self.hub.or(file.hub),
			hub_key_file: self.hub_key_file.or(file.hub_key_file),
			hub_key_from_evm_key: self.hub_key_from_evm_key || file.hub_key_from_evm_key,
			evm: self.evm.or(file.evm),
			evm_key_file: self.evm_key_file.or(file.evm_key_file),
			gateway: self.gateway.or(file.gateway),
			chain_id: self.chain_id.or(file.chain_id),
			evm_start: self.evm_start.or(file.evm_start),
			committee: or_list(self.committee, file.committee),
			committee_threshold: self.committee_threshold.or(file.committee_threshold),
			notary: or_list(self.notary, file.notary),
			confirmations: self.confirmations.or(file.confirmations),
			interval_ms: self.interval_ms.or(file.interval_ms),
			metrics: self.metrics.or(file.metrics),
			notary_threshold: self.notary_threshold.or(file.notary_threshold),
			claim_rewards_above: self.claim_rewards_above.or(file.claim_rewards_above),
			claim_evm_rewards_above: self.claim_evm_rewards_above.or(file.claim_evm_rewards_above),
		})
	}
}

#[tokio::main]
async fn main() -> Result<()> {
	fusion_relayer::init_logging();
	let args = Args::parse().merged()?;
	let hub_url = args.hub.unwrap_or_else(|| "ws://127.0.0.1:9944".into());
	let hub = Hub::connect(&hub_url).await?;
	let evm_key_file = args.evm_key_file.context("--evm-key-file is required")?;
	let evm_secret = std::fs::read_to_string(&evm_key_file)
		.with_context(|| format!("reading {}", evm_key_file.display()))?;
	let evm_signer: PrivateKeySigner =
		evm_secret.trim().parse().context("not a secp256k1 secret")?;
	let (hub_signer, evm_public_key) = match (args.hub_key_from_evm_key, &args.hub_key_file) {
		(true, None) => {
			let secret: [u8; 32] = evm_signer.to_bytes().0;
			let pair = subxt_signer::ecdsa::Keypair::from_secret_key(secret)
				.context("the EVM key as a hub key")?;
			let point = evm_signer.credential().verifying_key().to_encoded_point(false);
			let public: [u8; 64] =
				point.as_bytes()[1..].try_into().context("an uncompressed public key")?;
			(HubSigner::Ecdsa(pair), Some(public))
		},
		(false, Some(hub_key_file)) => {
			let uri = std::fs::read_to_string(hub_key_file)
				.with_context(|| format!("reading {}", hub_key_file.display()))?;
			let pair = subxt_signer::sr25519::Keypair::from_uri(
				&subxt_signer::SecretUri::from_str(uri.trim()).context("not a secret URI")?,
			)
			.context("not an sr25519 secret")?;
			(HubSigner::Sr25519(pair), None)
		},
		(true, Some(_)) => bail!("--hub-key-file and --hub-key-from-evm-key exclude each other"),
		(false, None) => bail!("--hub-key-file or --hub-key-from-evm-key is required"),
	};
	let evm_url = args.evm.unwrap_or_else(|| "http://127.0.0.1:8545".into());
	// The nonce is asked of the node for every transaction, not cached: after a restart, or
	// when the account also sends from elsewhere, a cached nonce would be stale.
	let evm = ProviderBuilder::new()
		.disable_recommended_fillers()
		.with_gas_estimation()
		.with_simple_nonce_management()
		.fetch_chain_id()
		.wallet(evm_signer)
		.connect_http(evm_url.parse().context("the EVM URL")?)
		.erased();
	let gateway = args.gateway.context("--gateway is required")?.parse().context("--gateway")?;
	let chain_id = args.chain_id.context("--chain-id is required")?;
	let committee_threshold =
		args.committee_threshold.context("--committee-threshold is required")?;
	if args.committee.len() < committee_threshold {
		bail!("fewer committee signers than their threshold");
	}
	if args.notary_threshold.is_some() {
		tracing::warn!("notary-threshold is ignored: the threshold is the hub's notary set's");
	}
	if args.notary.is_empty() {
		bail!("--notary is required: the hub notaries' signers");
	}

	let registry = prometheus::Registry::new();
	let relayed = metrics::counter(
		&registry,
		"fusion_relayer_relayed_total",
		"Items relayed, by direction and kind",
		&["direction", "kind"],
	)?;
	let failures = metrics::counter(
		&registry,
		"fusion_relayer_failures_total",
		"Items refused or failed, by direction and kind",
		&["direction", "kind"],
	)?;
	let rounds = metrics::counter(
		&registry,
		"fusion_relayer_rounds_total",
		"Rounds, by result",
		&["result"],
	)?;
	if let Some(address) = args.metrics {
		tokio::spawn(metrics::serve(registry, address));
	}

	let relayer = Relayer {
		hub,
		hub_signer,
		evm_public_key,
		evm,
		gateway,
		chain_id,
		committee: args.committee,
		committee_threshold,
		notaries: args.notary,
		evm_cursor: std::sync::atomic::AtomicU64::new(args.evm_start.unwrap_or(0)),
		ack_cursors: Default::default(),
		claim_rewards_above: args.claim_rewards_above.unwrap_or(0),
		claim_evm_rewards_above: args.claim_evm_rewards_above.unwrap_or(0),
		handover_submitted: std::sync::atomic::AtomicU64::new(0),
		log_window: 1_000,
		confirmations: args
			.confirmations
			.context("--confirmations is required (the committee's)")?,
		metrics: RelayMetrics { relayed, failures },
	};
	tracing::info!(hub = %hub_url, evm = %evm_url, chain_id, hub_account = ?relayer.hub_account(), "fusion-relayer running");
	let interval = Duration::from_millis(args.interval_ms.unwrap_or(1_000));
	loop {
		match relayer.round().await {
			Ok(()) => rounds.with_label_values(&["ok"]).inc(),
			Err(error) => {
				rounds.with_label_values(&["error"]).inc();
				tracing::warn!(error = format!("{error:#}"), "round failed; trying again");
			},
		}
		tokio::select! {
			_ = tokio::time::sleep(interval) => {},
			_ = tokio::signal::ctrl_c() => {
				tracing::info!("stopping");
				return Ok(());
			},
		}
	}
}
