//! Fusion Hub's off-chain processes for an EVM peer chain.
//!
//! - `fusion-signer`: one process per key holder. As a **hub notary** it signs checkpoints of the
//!   hub's outbound root for a destination, and handovers to the next notary set; as a
//!   **committee member** of an EVM chain it signs that chain's block headers for the hub. It
//!   signs only what it read itself from a final block, and never two different payloads for
//!   one height ([`journal`]).
//! - `fusion-relayer` moves headers, messages and receipts both ways ([`relay`]).
//!
//! The payloads are `fusion_hub_primitives`' (`notary`, `attestation`), specified byte for byte
//! in docs/protocol.md.

pub mod evm;
pub mod hub;
pub mod journal;
pub mod keys;
pub mod metrics;
pub mod relay;
pub mod signer;

/// Structured logs to stderr, filtered by `RUST_LOG` (`info` by default).
pub fn init_logging() {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
		)
		.init();
}
