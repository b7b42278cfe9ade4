//! The node's RPC extensions: the standard account-nonce and fee RPCs plus the hub's `fusion_*`
//! methods (`fusion_nodeInfo`, `fusion_chain`, `fusion_chains`, `fusion_latestHeader`,
//! `fusion_header`, `fusion_verifyInclusion`, `fusion_messageProof`, `fusion_receiptProof`,
//! `fusion_settlement`).

use std::sync::Arc;

use codec::DecodeLimit;
use fusion_hub_primitives::{
	runtime_api::{
		ChainRegistryApi, CrossChainMessagesApi, MessageView, OutboundProof, ProofVerifierApi,
		SettlementApi,
	},
	ChainId, ChainStatus, InclusionError, InclusionProof, Receipt, VerifiedHeader, HUB_CHAIN_ID,
};
use fusion_hub_runtime::{
	opaque::Block, AccountId, Balance, ChainRecord, Nonce, TOKEN_DECIMALS, TOKEN_SYMBOL,
};
use jsonrpsee::{
	core::RpcResult,
	types::{ErrorObject, ErrorObjectOwned},
	RpcModule,
};
use polkadot_sdk::{
	cumulus_primitives_core::GetParachainInfo,
	pallet_transaction_payment_rpc::{self, TransactionPayment, TransactionPaymentApiServer},
	sc_service::{ChainType, Configuration},
	sc_transaction_pool_api::TransactionPool,
	sp_api::{Core, ProvideRuntimeApi},
	sp_block_builder::BlockBuilder,
	sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata},
	sp_core::Bytes,
	sp_runtime::traits::Block as BlockT,
	substrate_frame_rpc_system::{self, System, SystemApiServer},
};
use serde::{Deserialize, Serialize};

pub use api::FusionApiServer;

/// The hash type of our blocks.
pub type BlockHash = <Block as BlockT>::Hash;

/// Error code of a `fusion_*` method when a runtime API call fails.
const RUNTIME_API_ERROR: i32 = 1;
/// Error code of a `fusion_*` method called with an invalid parameter (JSON-RPC's own).
const INVALID_PARAMS: i32 = -32602;

/// A registry record as `fusion_chain` and `fusion_chains` return it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainView {
	pub chain_id: ChainId,
	/// The name, decoded as UTF-8 (invalid bytes replaced).
	pub name: String,
	pub kind: serde_json::Value,
	pub verifier: serde_json::Value,
	/// SS58 address (generic prefix 42).
	pub operator: String,
	/// Held deposit in plancks, as a decimal string (it may exceed JavaScript's safe integers).
	pub deposit: String,
	pub status: ChainStatus,
	pub proposed_at: u32,
	pub status_changed_at: u32,
}

impl ChainView {
	fn new(chain_id: ChainId, record: ChainRecord) -> Self {
		Self {
			chain_id,
			name: String::from_utf8_lossy(&record.name).into_owned(),
			kind: serde_json::to_value(record.kind).unwrap_or(serde_json::Value::Null),
			verifier: serde_json::to_value(&record.verifier).unwrap_or(serde_json::Value::Null),
			operator: record.operator.to_string(),
			deposit: record.deposit.to_string(),
			status: record.status,
			proposed_at: record.proposed_at,
			status_changed_at: record.status_changed_at,
		}
	}
}

/// Parses a status name as `fusion_chains` accepts it (case-insensitive).
fn parse_status(name: &str) -> Result<ChainStatus, ErrorObjectOwned> {
	match name.to_ascii_lowercase().as_str() {
		"proposed" => Ok(ChainStatus::Proposed),
		"active" => Ok(ChainStatus::Active),
		"suspended" => Ok(ChainStatus::Suspended),
		"frozen" => Ok(ChainStatus::Frozen),
		"retired" => Ok(ChainStatus::Retired),
		_ => Err(ErrorObject::owned(
			INVALID_PARAMS,
			format!(
				"Unknown chain status `{name}`: expected Proposed, Active, Suspended, Frozen or Retired"
			),
			None::<()>,
		)),
	}
}

/// What `fusion_verifyInclusion` returns: whether the proof holds and, if not, why.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InclusionVerdict {
	pub verified: bool,
	/// The runtime's [`InclusionError`], by name, when `verified` is false.
	pub error: Option<InclusionError>,
}

/// Nesting depth allowed when decoding a proof given over RPC (its types nest three deep).
const PROOF_DECODE_DEPTH: u32 = 8;

/// Decodes the SCALE bytes of an [`InclusionProof`], refusing trailing bytes.
fn decode_proof(bytes: &[u8]) -> Result<InclusionProof, ErrorObjectOwned> {
	InclusionProof::decode_all_with_depth_limit(PROOF_DECODE_DEPTH, &mut &bytes[..]).map_err(|e| {
		ErrorObject::owned(
			INVALID_PARAMS,
			format!("`proof` is not the SCALE encoding of an InclusionProof: {e}"),
			None::<()>,
		)
	})
}

/// How the node produces (or follows) blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeMode {
	/// Relay-free dev node sealing a block on a timer.
	DevManualSeal,
	/// Relay-free dev node sealing a block per transaction.
	DevInstantSeal,
	/// Relay-chain backed node authoring blocks with Aura.
	Collator,
	/// Relay-chain backed node following the chain.
	Full,
}

/// What `fusion_nodeInfo` returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeInfo {
	pub node_name: String,
	pub node_version: String,
	pub chain_name: String,
	pub chain_id: String,
	pub chain_type: String,
	pub para_id: u32,
	pub spec_name: String,
	pub spec_version: u32,
	pub best_number: u32,
	pub best_hash: BlockHash,
	pub finalized_number: u32,
	pub mode: NodeMode,
	pub token_symbol: String,
	pub token_decimals: u8,
}

/// What `fusion_messageProof` returns: a pending message and its proof in the hub's outbound
/// commitment for its destination.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageProofView {
	pub message: MessageView,
	/// The message's leaf (`StandardMerkleTree` leaf of its ABI encoding).
	pub leaf: polkadot_sdk::sp_core::H256,
	pub proof: OutboundProof,
}

/// What `fusion_receiptProof` returns: a receipt the hub issued or forwarded, and its proof in
/// the hub's outbound commitment for the message's source.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptProofView {
	pub receipt: Receipt,
	pub proof: OutboundProof,
}

mod api {
	use super::{ChainView, InclusionVerdict, MessageProofView, NodeInfo, ReceiptProofView};
	use fusion_hub_primitives::{ChainId, VerifiedHeader};
	use jsonrpsee::{core::RpcResult, proc_macros::rpc};
	use polkadot_sdk::sp_core::Bytes;

	/// Fusion Hub specific RPC methods.
	#[rpc(server)]
	pub trait FusionApi {
		/// Static and live facts about this node and the chain it runs.
		#[method(name = "fusion_nodeInfo")]
		fn node_info(&self) -> RpcResult<NodeInfo>;

		/// The registry's record of chain `chain_id` at the best block, or null.
		#[method(name = "fusion_chain")]
		fn chain(&self, chain_id: ChainId) -> RpcResult<Option<ChainView>>;

		/// The registry's records at the best block, all of them or those in `status`.
		#[method(name = "fusion_chains")]
		fn chains(&self, status: Option<String>) -> RpcResult<Vec<ChainView>>;

		/// The highest header of chain `chain_id` the proof verifier has verified, or null.
		#[method(name = "fusion_latestHeader")]
		fn latest_header(&self, chain_id: ChainId) -> RpcResult<Option<VerifiedHeader>>;

		/// The verified header of chain `chain_id` at `number` if the hub still keeps it, or null.
		#[method(name = "fusion_header")]
		fn header(&self, chain_id: ChainId, number: u32) -> RpcResult<Option<VerifiedHeader>>;

		/// Checks an inclusion proof (the hex of its SCALE encoding, `docs/protocol.md`) against
		/// the verified header of chain `chain_id` at `number`, at the best block.
		#[method(name = "fusion_verifyInclusion")]
		fn verify_inclusion(
			&self,
			chain_id: ChainId,
			number: u32,
			proof: Bytes,
		) -> RpcResult<InclusionVerdict>;

		/// The message `nonce` on the channel (source, destination), still pending at the hub
		/// or timed out and not yet taken by its destination, with its proof in the hub's
		/// outbound commitment; `source` defaults to the hub (0). Null when the hub has no such
		/// message or no longer keeps its commitment (`recommit_message` commits it again).
		#[method(name = "fusion_messageProof")]
		fn message_proof(
			&self,
			destination: ChainId,
			nonce: u64,
			source: Option<ChainId>,
		) -> RpcResult<Option<MessageProofView>>;

		/// Settlement `id` while in progress, with every leg's state; null once concluded.
		#[method(name = "fusion_settlement")]
		fn settlement(
			&self,
			id: polkadot_sdk::sp_core::H256,
		) -> RpcResult<Option<fusion_hub_primitives::settlement::SettlementView>>;

		/// The receipt the hub issued or forwarded for message `nonce` of the channel
		/// (source, destination), with its proof in the commitment for `source`, or null.
		#[method(name = "fusion_receiptProof")]
		fn receipt_proof(
			&self,
			source: ChainId,
			destination: ChainId,
			nonce: u64,
		) -> RpcResult<Option<ReceiptProofView>>;
	}
}

/// The parts of `NodeInfo` that are fixed once the node has started.
#[derive(Clone, Debug)]
pub struct NodeContext {
	pub node_name: String,
	pub node_version: String,
	pub chain_name: String,
	pub chain_id: String,
	pub chain_type: String,
	pub mode: NodeMode,
}

impl NodeContext {
	/// Captures the node's static facts from its configuration.
	pub fn new(config: &Configuration, mode: NodeMode) -> Self {
		Self {
			node_name: config.impl_name.clone(),
			node_version: env!("CARGO_PKG_VERSION").to_string(),
			chain_name: config.chain_spec.name().to_string(),
			chain_id: config.chain_spec.id().to_string(),
			chain_type: chain_type_name(&config.chain_spec.chain_type()),
			mode,
		}
	}
}

fn chain_type_name(chain_type: &ChainType) -> String {
	match chain_type {
		ChainType::Development => "Development".to_string(),
		ChainType::Local => "Local".to_string(),
		ChainType::Live => "Live".to_string(),
		ChainType::Custom(name) => name.clone(),
	}
}

/// Implementation of [`FusionApiServer`].
pub struct FusionRpc<C> {
	client: Arc<C>,
	context: NodeContext,
}

impl<C> FusionRpc<C> {
	pub fn new(client: Arc<C>, context: NodeContext) -> Self {
		Self { client, context }
	}
}

fn runtime_api_error(call: &str, error: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObject::owned(
		RUNTIME_API_ERROR,
		format!("Runtime API call `{call}` failed at the best block"),
		Some(error.to_string()),
	)
}

impl<C> FusionApiServer for FusionRpc<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: Core<Block>
		+ GetParachainInfo<Block>
		+ ChainRegistryApi<Block, ChainRecord>
		+ ProofVerifierApi<Block>
		+ CrossChainMessagesApi<Block>
		+ SettlementApi<Block>,
{
	fn message_proof(
		&self,
		destination: ChainId,
		nonce: u64,
		source: Option<ChainId>,
	) -> RpcResult<Option<MessageProofView>> {
		let best = self.client.info().best_hash;
		let found = self
			.client
			.runtime_api()
			.message_proof(best, source.unwrap_or(HUB_CHAIN_ID), destination, nonce)
			.map_err(|e| runtime_api_error("CrossChainMessagesApi_message_proof", e))?;
		Ok(found.map(|(message, proof)| MessageProofView { message, leaf: proof.leaf, proof }))
	}

	fn receipt_proof(
		&self,
		source: ChainId,
		destination: ChainId,
		nonce: u64,
	) -> RpcResult<Option<ReceiptProofView>> {
		let best = self.client.info().best_hash;
		let found = self
			.client
			.runtime_api()
			.receipt_proof(best, source, destination, nonce)
			.map_err(|e| runtime_api_error("CrossChainMessagesApi_receipt_proof", e))?;
		Ok(found.map(|(receipt, proof)| ReceiptProofView { receipt, proof }))
	}

	fn settlement(
		&self,
		id: polkadot_sdk::sp_core::H256,
	) -> RpcResult<Option<fusion_hub_primitives::settlement::SettlementView>> {
		let best = self.client.info().best_hash;
		self.client
			.runtime_api()
			.settlement(best, id)
			.map_err(|e| runtime_api_error("SettlementApi_settlement", e))
	}

	fn latest_header(&self, chain_id: ChainId) -> RpcResult<Option<VerifiedHeader>> {
		let best = self.client.info().best_hash;
		self.client
			.runtime_api()
			.latest_header(best, chain_id)
			.map_err(|e| runtime_api_error("ProofVerifierApi_latest_header", e))
	}

	fn header(&self, chain_id: ChainId, number: u32) -> RpcResult<Option<VerifiedHeader>> {
		let best = self.client.info().best_hash;
		self.client
			.runtime_api()
			.header(best, chain_id, number)
			.map_err(|e| runtime_api_error("ProofVerifierApi_header", e))
	}

	fn verify_inclusion(
		&self,
		chain_id: ChainId,
		number: u32,
		proof: Bytes,
	) -> RpcResult<InclusionVerdict> {
		let proof = decode_proof(&proof)?;
		let best = self.client.info().best_hash;
		let outcome = self
			.client
			.runtime_api()
			.verify_inclusion(best, chain_id, number, proof)
			.map_err(|e| runtime_api_error("ProofVerifierApi_verify_inclusion", e))?;
		Ok(match outcome {
			Ok(()) => InclusionVerdict { verified: true, error: None },
			Err(error) => InclusionVerdict { verified: false, error: Some(error) },
		})
	}

	fn chain(&self, chain_id: ChainId) -> RpcResult<Option<ChainView>> {
		let best = self.client.info().best_hash;
		let record = self
			.client
			.runtime_api()
			.chain(best, chain_id)
			.map_err(|e| runtime_api_error("ChainRegistryApi_chain", e))?;
		Ok(record.map(|record| ChainView::new(chain_id, record)))
	}

	fn chains(&self, status: Option<String>) -> RpcResult<Vec<ChainView>> {
		let best = self.client.info().best_hash;
		let api = self.client.runtime_api();
		let records = match status.as_deref().map(parse_status).transpose()? {
			Some(status) => api
				.chains_by_status(best, status)
				.map_err(|e| runtime_api_error("ChainRegistryApi_chains_by_status", e))?,
			None => {
				api.chains(best).map_err(|e| runtime_api_error("ChainRegistryApi_chains", e))?
			},
		};
		Ok(records.into_iter().map(|(id, record)| ChainView::new(id, record)).collect())
	}

	fn node_info(&self) -> RpcResult<NodeInfo> {
		let chain = self.client.info();
		let version = self
			.client
			.runtime_api()
			.version(chain.best_hash)
			.map_err(|e| runtime_api_error("Core_version", e))?;
		let para_id = self
			.client
			.runtime_api()
			.parachain_id(chain.best_hash)
			.map_err(|e| runtime_api_error("GetParachainInfo_parachain_id", e))?;
		let context = &self.context;

		Ok(NodeInfo {
			node_name: context.node_name.clone(),
			node_version: context.node_version.clone(),
			chain_name: context.chain_name.clone(),
			chain_id: context.chain_id.clone(),
			chain_type: context.chain_type.clone(),
			para_id: para_id.into(),
			spec_name: version.spec_name.to_string(),
			spec_version: version.spec_version,
			best_number: chain.best_number,
			best_hash: chain.best_hash,
			finalized_number: chain.finalized_number,
			mode: context.mode,
			token_symbol: TOKEN_SYMBOL.to_string(),
			token_decimals: TOKEN_DECIMALS,
		})
	}
}

/// Everything the RPC extensions need.
pub struct FullDeps<C, P> {
	/// The client instance to use.
	pub client: Arc<C>,
	/// Transaction pool instance.
	pub pool: Arc<P>,
	/// Static facts reported by `fusion_nodeInfo`.
	pub node: NodeContext,
}

/// Builds the RPC extensions of a full node.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>
		+ pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>
		+ BlockBuilder<Block>
		+ Core<Block>
		+ GetParachainInfo<Block>
		+ ChainRegistryApi<Block, ChainRecord>
		+ ProofVerifierApi<Block>
		+ CrossChainMessagesApi<Block>
		+ SettlementApi<Block>,
	P: TransactionPool + Sync + Send + 'static,
{
	let FullDeps { client, pool, node } = deps;
	let mut module = RpcModule::new(());

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(FusionRpc::new(client, node).into_rpc())?;

	Ok(module)
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;
	use polkadot_sdk::sp_core::H256;

	fn keccak_proof() -> InclusionProof {
		InclusionProof::KeccakMerkle {
			leaf: H256::repeat_byte(1),
			proof: vec![H256::repeat_byte(2)].try_into().unwrap(),
		}
	}

	#[test]
	fn a_proof_decodes_from_its_scale_bytes() {
		assert_eq!(decode_proof(&keccak_proof().encode()).unwrap(), keccak_proof());
	}

	#[test]
	fn garbage_trailing_bytes_and_oversized_proofs_are_invalid_params() {
		let mut trailing = keccak_proof().encode();
		trailing.push(0);
		// Variant 0 with 33 siblings: one more than MAX_MERKLE_DEPTH.
		let mut oversized = vec![0u8];
		oversized.extend(H256::zero().encode());
		oversized.extend(vec![H256::zero(); 33].encode());
		for bytes in [vec![9u8, 1, 2], trailing, oversized, vec![]] {
			assert_eq!(decode_proof(&bytes).unwrap_err().code(), INVALID_PARAMS);
		}
	}

	#[test]
	fn verdicts_name_the_error() {
		let verdict =
			InclusionVerdict { verified: false, error: Some(InclusionError::NotIncluded) };
		assert_eq!(
			serde_json::to_value(verdict).unwrap(),
			serde_json::json!({ "verified": false, "error": "NotIncluded" })
		);
	}
}
