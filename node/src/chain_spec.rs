//! The chain specifications built into the node, and loading of chain spec files.

use fusion_hub_runtime::{
	genesis_config_presets::PRESET_LOCAL_TESTNET, PARACHAIN_ID, SS58_PREFIX, TOKEN_DECIMALS,
	TOKEN_SYMBOL, WASM_BINARY,
};
use polkadot_sdk::{
	sc_chain_spec::{self, ChainSpecExtension, ChainSpecGroup},
	sc_service::{self, ChainType, Properties},
	sp_genesis_builder::DEV_RUNTIME_PRESET,
	sp_maybe_compressed_blob::{self, CODE_BLOB_BOMB_LIMIT},
};
use serde::{Deserialize, Serialize};

/// The chain spec type of Fusion Hub.
pub type ChainSpec = sc_service::GenericChainSpec<Extensions>;

/// The relay chain the built-in specs are registered on.
const RELAY_CHAIN: &str = "rococo-local";

/// Parachain specific chain spec fields.
///
/// The node reads the para id from the runtime (`GetParachainInfo`); `para_id` stays here as a
/// fallback and because tooling (zombienet, polkadot-js) reads it from the spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ChainSpecGroup, ChainSpecExtension)]
pub struct Extensions {
	/// The relay chain of the parachain.
	#[serde(alias = "relayChain")]
	pub relay_chain: String,
	/// The id of the parachain.
	#[serde(alias = "paraId")]
	pub para_id: u32,
}

impl Extensions {
	/// The extensions of `chain_spec`, if it has ours.
	pub fn try_get(chain_spec: &dyn sc_service::ChainSpec) -> Option<&Self> {
		sc_chain_spec::get_extension(chain_spec.extensions())
	}
}

fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), SS58_PREFIX.into());
	properties
}

/// The runtime code for genesis, zstd-compressed.
///
/// Debug builds embed the uncompacted runtime (several MiB); compressing it keeps genesis and
/// the checked-in specs small. An already compressed blob is used as it is.
fn runtime_code() -> Result<Vec<u8>, String> {
	let wasm = WASM_BINARY.ok_or_else(|| {
		"The runtime wasm binary is not available (was the node built with SKIP_WASM_BUILD?)"
			.to_string()
	})?;
	let is_compressed = matches!(
		sp_maybe_compressed_blob::decompress(wasm, CODE_BLOB_BOMB_LIMIT),
		Ok(std::borrow::Cow::Owned(_))
	);
	if is_compressed {
		return Ok(wasm.to_vec());
	}
	sp_maybe_compressed_blob::compress_weakly(wasm, CODE_BLOB_BOMB_LIMIT)
		.ok_or_else(|| "The runtime wasm binary is too large to compress".to_string())
}

fn extensions() -> Extensions {
	Extensions { relay_chain: RELAY_CHAIN.into(), para_id: PARACHAIN_ID }
}

/// A single-node development chain: relay-free, blocks sealed by the node itself.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(&runtime_code()?, extensions())
		.with_name("Fusion Hub Development")
		.with_id("fusion_hub_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// A local testnet run as a real parachain of a local relay chain.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(&runtime_code()?, extensions())
		.with_name("Fusion Hub Local Testnet")
		.with_id("fusion_hub_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(PRESET_LOCAL_TESTNET)
		.with_properties(properties())
		.build())
}

/// Resolves `--chain`: a built-in id, or else a path to a chain spec JSON file.
pub fn load_spec(id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
	Ok(match id {
		"" | "dev" => Box::new(development_chain_spec()?),
		"local" => Box::new(local_chain_spec()?),
		path => Box::new(ChainSpec::from_json_file(path.into())?),
	})
}
