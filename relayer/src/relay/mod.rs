//! `fusion-relayer`: moves an EVM chain's messages and receipts to the hub and the hub's to the
//! EVM chain, with the committee's and the notaries' signatures it collects from the signers.
//!
//! It keeps nothing on disk. Every round reads where each channel stands from both chains (the
//! hub's inbound nonces, pending messages and verified headers; the gateway's inbound nonce,
//! certified roots and pending sends), so a restart after `kill -9` at any point neither loses
//! nor repeats anything: what the last run did is already on one chain or the other, and each
//! chain refuses a second delivery.

use crate::{
	evm::{leaves_in_log_order, EvmChain, IFusionGatewayEvents},
	hub::{keys, FinalBlock, Hub, HubNotarySet, HubSigner},
	signer::committee_set_id,
};
use alloy::{
	primitives::{Address, Bytes, FixedBytes, B256},
	providers::{DynProvider, Provider},
	rpc::types::Filter,
	sol_types::SolEvent,
};
use anyhow::{anyhow, bail, Context, Result};
use fusion_hub_primitives::{
	attestation::{
		ethereum_personal_digest, header_payload, recover_ethereum_address, AttestedHeader,
		CommitteeSignature, MemberSignature,
	},
	channel::{gateway_inbound_slot, ChainClock, ChannelStateProof, EvmAccount, NonReceiptProof},
	header::HeaderUpdate,
	merkle::keccak_merkle_proof,
	message::{Message, Receipt, ReceiptOutcome},
	runtime_api::{MessageView, OutboundProof},
	Attestation, ChainId, CommitteeKey, InclusionProof, HUB_CHAIN_ID,
};
use jsonrpsee::{core::client::ClientT, rpc_params, ws_client::WsClientBuilder};
use polkadot_sdk::sp_core::{ecdsa, ConstU32, H160, H256};
use prometheus::IntCounterVec;
use std::{
	collections::BTreeMap,
	sync::atomic::{AtomicU64, Ordering},
};
use subxt::utils::Static;

mod evm_to_hub;
mod hub_to_evm;
mod notaries;

/// The gateway's calls the relayer makes (contracts/src/FusionGateway.sol).
#[allow(clippy::too_many_arguments, reason = "the contract's `acknowledge` takes eight")]
mod gateway_abi {
	alloy::sol! {
	#[sol(rpc)]
	#[derive(Debug)]
	interface IFusionGateway {
		error EnforcedPause();
		error WrongDestination(uint32 destination);
		error ConflictingCheckpoint(uint32 hubBlock, bytes32 accepted, bytes32 offered);
		error UnknownCheckpoint(uint32 hubBlock);
		error NonceReplayed(uint32 source, uint64 nonce);
		error NonceGap(uint32 source, uint64 expected, uint64 nonce);
		error NotIncluded();
		error UnknownMessage(uint32 destination, uint64 nonce);
		error ReceiptMismatch();
		error InvalidOutcome(uint8 outcome);
		error WrongNotarySet(uint64 expected, uint64 got);
		error BelowThreshold(uint256 signatures, uint32 threshold);
		error InvalidSignature(uint256 index);
		error UnknownNotary(address signer);
		error SignersNotSorted(uint256 index);
		error SetIdNotIncreased();
		error NotYourKey();
		error NothingToClaim();
		error InvalidNotarySet();
		struct Timeout { uint32 height; uint64 timestamp; }
		struct Message { uint32 source; uint32 destination; uint64 nonce; bytes32 sender; uint32 appId; bytes payload; Timeout timeout; uint128 fee; }
		struct Checkpoint { uint32 destination; uint64 setId; uint32 hubBlock; bytes32 hubBlockHash; uint64 hubTimestamp; bytes32 root; }
		struct SentMessage { bytes32 leaf; address payer; address token; uint128 amount; uint128 fee; }
		function inboundNonce(uint32 source) external view returns (uint64);
		function notarySetId() external view returns (uint64);
		function relayerReward(bytes32 hubAccount) external view returns (uint256);
		function claimRewards(bytes calldata publicKey) external;
		function rotateNotaries(uint64 nextSetId, uint32 threshold, address[] calldata members, bytes[] calldata signatures) external;
		function hubRoot(uint32 hubBlock) external view returns (bytes32);
		function outboundNonce(uint32 destination) external view returns (uint64);
		function sentMessage(uint32 destination, uint64 nonce) external view returns (SentMessage memory);
		function submitCheckpoint(Checkpoint calldata checkpoint, bytes[] calldata signatures) external;
		function deliverMessage(Message calldata message, uint32 hubBlock, bytes32[] calldata proof, bytes32 relayer) external;
		function acknowledge(uint32 destination, uint64 nonce, bytes32 messageLeaf, uint8 outcome, bytes32 relayer, uint32 hubBlock, bytes32[] calldata proof) external;
	}
	}
}
use gateway_abi::IFusionGateway;

/// Messages as the relayer decodes them: a bound above the runtime's `MaxPayload` (1,024), so the
/// hub, not the relayer, refuses an oversized payload (the bound does not change the encoding).
type HubMessage = Message<ConstU32<{ 64 * 1024 }>>;
/// The runtime's `MaxMessagesPerCall`: a block's items go to the hub in batches of this many.
const MAX_MESSAGES_PER_CALL: usize = 16;

/// The gateway refused a delivery because its admin paused it.
#[derive(Debug)]
struct GatewayPaused;
impl std::fmt::Display for GatewayPaused {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str("the gateway is paused")
	}
}
impl std::error::Error for GatewayPaused {}
/// The biggest committee the relayer collects signatures of.
type MaxSigners = ConstU32<128>;

/// Counters of the relayer's work, labelled by direction and kind.
pub struct RelayMetrics {
	pub relayed: IntCounterVec,
	pub failures: IntCounterVec,
}

/// The relayer of one EVM chain.
pub struct Relayer {
	pub hub: Hub,
	pub hub_signer: HubSigner,
	/// The EVM key's public key (x ++ y) when it is also the hub signer: the gateway pays the
	/// relayer's fees to it (`claimRewards`).
	pub evm_public_key: Option<[u8; 64]>,
	pub evm: DynProvider,
	pub gateway: Address,
	pub chain_id: ChainId,
	pub committee: Vec<String>,
	pub committee_threshold: usize,
	/// The hub notaries' signers; how many of them sign is the threshold of the set on the hub.
	pub notaries: Vec<String>,
	/// At most this many EVM blocks per `eth_getLogs`.
	pub log_window: u64,
	/// Blocks on top of an EVM block before the relayer asks the committee for it (the
	/// committee signers' own setting).
	pub confirmations: u64,
	/// The first EVM block that may still need something: the gateway's deployment block at
	/// start, then moved on by each round (in memory only).
	pub evm_cursor: AtomicU64,
	/// For each destination, the first of the gateway's sends to it that may still be pending
	/// (from 1; in memory only).
	pub ack_cursors: std::sync::Mutex<BTreeMap<ChainId, u64>>,
	/// The relayer claims its fees on the hub once they are above this (planck): each claim is
	/// a transaction it pays for.
	pub claim_rewards_above: u128,
	/// The same for the fees the gateway holds (wei).
	pub claim_evm_rewards_above: u128,
	/// The notary set whose handover this process last submitted to the hub (0: none; the
	/// genesis set is 0 and needs none), so it is not submitted again before it is final.
	pub handover_submitted: AtomicU64,
	pub metrics: RelayMetrics,
}

impl Relayer {
	/// The relayer's hub account, which gateways name in receipts (its fee goes there).
	pub fn hub_account(&self) -> H256 {
		H256(self.hub_signer.account_id().0)
	}

	/// The first of the gateway's sends to `destination` that may still be pending.
	fn ack_cursor(&self, destination: ChainId) -> u64 {
		let cursors = self.ack_cursors.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		cursors.get(&destination).copied().unwrap_or(1)
	}

	fn set_ack_cursor(&self, destination: ChainId, nonce: u64) {
		let mut cursors = self.ack_cursors.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		cursors.insert(destination, nonce.max(1));
	}

	fn gateway(&self) -> IFusionGateway::IFusionGatewayInstance<DynProvider> {
		IFusionGateway::new(self.gateway, self.evm.clone())
	}

	/// One round: everything that can move now, both ways. Each item's failure is logged and
	/// counted, and the round goes on with the next.
	pub async fn round(&self) -> Result<()> {
		let evm_final = self.evm.get_block_number().await?.saturating_sub(self.confirmations);
		self.evm_to_hub(evm_final).await?;
		let final_block = self.hub.finalized().await?;
		if let Err(error) = self.rotate_notaries(final_block).await {
			self.failed("hub_to_evm", "rotation", &error);
		}
		self.hub_to_evm(final_block).await?;
		if let Err(error) = self.claim_rewards(final_block).await {
			self.failed("hub", "rewards", &error);
		}
		if let Err(error) = self.claim_evm_rewards().await {
			self.failed("evm", "rewards", &error);
		}
		Ok(())
	}

	/// Claims the fees the gateway holds for the relayer's hub account (paid with messages the
	/// relayer delivered to the hub), once above `claim_evm_rewards_above` (wei). Only a relayer
	/// that signs on the hub with its EVM key can: the gateway pays the key behind the account.
	async fn claim_evm_rewards(&self) -> Result<()> {
		let Some(public_key) = self.evm_public_key else { return Ok(()) };
		let gateway = self.gateway();
		let earned = gateway.relayerReward(FixedBytes(self.hub_account().0)).call().await?;
		if earned.is_zero() || earned <= alloy::primitives::U256::from(self.claim_evm_rewards_above)
		{
			return Ok(());
		}
		transact(gateway.claimRewards(Bytes::from(public_key.to_vec())), "claimRewards").await?;
		self.metrics.relayed.with_label_values(&["evm", "rewards"]).inc();
		tracing::info!(%earned, "claimed the relayer's fees on the EVM chain");
		Ok(())
	}

	/// Claims the fees the relayer earned on the hub (receipts name its hub account) once they
	/// are above `claim_rewards_above`. Read at a final block: a claim already made empties it.
	async fn claim_rewards(&self, final_block: FinalBlock) -> Result<()> {
		let earned: u128 = self
			.hub
			.storage_at(final_block.hash, &keys::relayer_rewards(self.hub_account()))
			.await?
			.unwrap_or(0);
		if earned == 0 || earned <= self.claim_rewards_above {
			return Ok(());
		}
		self.hub.submit(&self.hub_signer, "CrossChainMessages", "claim_rewards", ()).await?;
		self.metrics.relayed.with_label_values(&["hub", "rewards"]).inc();
		tracing::info!(earned, "claimed the relayer's fees on the hub");
		Ok(())
	}

	/// The hub's message `nonce` of channel (`source`, `destination`) and its proof, at
	/// `block`: pending, or timed out and not yet taken; `None` once its commitment aged out.
	async fn message_proof(
		&self,
		block: FinalBlock,
		source: ChainId,
		destination: ChainId,
		nonce: u64,
	) -> Result<Option<(MessageView, OutboundProof)>> {
		self.hub
			.runtime_api(
				block.hash,
				"CrossChainMessagesApi_message_proof",
				(source, destination, nonce),
			)
			.await
	}

	/// The hub's receipt of message `nonce` of channel (`source`, `destination`) and its proof,
	/// at `block`.
	async fn receipt_proof(
		&self,
		block: FinalBlock,
		source: ChainId,
		destination: ChainId,
		nonce: u64,
	) -> Result<Option<(Receipt, OutboundProof)>> {
		self.hub
			.runtime_api(
				block.hash,
				"CrossChainMessagesApi_receipt_proof",
				(source, destination, nonce),
			)
			.await
	}

	fn failed(&self, direction: &str, kind: &str, error: &anyhow::Error) {
		self.metrics.failures.with_label_values(&[direction, kind]).inc();
		tracing::warn!(direction, kind, error = format!("{error:#}"), "refused; going on");
	}
}

/// Asks `signers` in turn until `threshold` of them signed `payload`: an answer counts only if
/// its signature is over `payload` (what the relayer read itself) and recovers to the signer it
/// names. A signer that is down, refuses or answers otherwise is skipped. Sorted by address, as
/// the hub and the gateway take them.
async fn collect(
	signers: &[String],
	threshold: usize,
	payload: &[u8],
	method: &str,
	params: impl Fn() -> jsonrpsee::core::params::ArrayParams,
) -> Result<Vec<(H160, ecdsa::Signature)>> {
	let digest = ethereum_personal_digest(payload);
	let mut signatures: Vec<(H160, ecdsa::Signature)> = Vec::new();
	for url in signers {
		let answer = match ask(url, method, params()).await {
			Ok(answer) => answer,
			Err(error) => {
				tracing::debug!(url, error = format!("{error:#}"), "no signature");
				continue;
			},
		};
		let Some((signer, signature)) = verified(&answer, &digest) else {
			tracing::warn!(
				url,
				"an answer that is not a signature of the payload by its signer: skipped"
			);
			continue;
		};
		if signatures.iter().all(|(seen, _)| *seen != signer) {
			signatures.push((signer, signature));
		}
		if signatures.len() >= threshold {
			break;
		}
	}
	if signatures.len() < threshold {
		bail!("{} of the {threshold} signatures needed", signatures.len());
	}
	signatures.sort_by_key(|(signer, _)| *signer);
	Ok(signatures)
}

/// The signer and signature of a signer's answer, if the signature is over `digest` and
/// recovers to the signer the answer names.
fn verified(answer: &serde_json::Value, digest: &[u8; 32]) -> Option<(H160, ecdsa::Signature)> {
	let signer = address_of(&answer["signer"]).ok()?;
	let signature = signature_of(&answer["signature"]).ok()?;
	(recover_ethereum_address(&signature, digest) == Some(signer)).then_some((signer, signature))
}

/// Calls a signer.
async fn ask(
	url: &str,
	method: &str,
	params: jsonrpsee::core::params::ArrayParams,
) -> Result<serde_json::Value> {
	let client =
		WsClientBuilder::default().build(url).await.with_context(|| format!("signer {url}"))?;
	Ok(client.request(method, params).await?)
}

/// Sends a gateway call and waits for its receipt. A revert is an error naming `what` and the
/// gateway's error ([`GatewayPaused`] when the admin paused it), and so is a failed receipt.
async fn transact<P, D>(
	call: alloy::contract::CallBuilder<P, D>,
	what: impl std::fmt::Display,
) -> Result<()>
where
	P: Provider,
	D: alloy::contract::CallDecoder,
{
	let receipt = call
		.send()
		.await
		.map_err(|error| {
			if is_paused(&error) {
				anyhow::Error::new(GatewayPaused)
			} else {
				anyhow!("{what}: {}", revert_text(&error))
			}
		})?
		.get_receipt()
		.await?;
	if !receipt.status() {
		bail!("{what} reverted");
	}
	Ok(())
}

/// A contract error in words: the gateway's custom error with its fields, or the error as alloy
/// reports it.
fn revert_text(error: &alloy::contract::Error) -> String {
	match error.as_decoded_interface_error::<IFusionGateway::IFusionGatewayErrors>() {
		Some(decoded) => format!("{decoded:?}"),
		None => error.to_string(),
	}
}

/// Whether `error` is the gateway's `EnforcedPause`.
fn is_paused(error: &alloy::contract::Error) -> bool {
	matches!(
		error.as_decoded_interface_error::<IFusionGateway::IFusionGatewayErrors>(),
		Some(IFusionGateway::IFusionGatewayErrors::EnforcedPause(_))
	)
}

fn address_of(value: &serde_json::Value) -> Result<H160> {
	serde_json::from_value(value.clone()).context("a signer address")
}

fn signature_of(value: &serde_json::Value) -> Result<ecdsa::Signature> {
	let text = value.as_str().ok_or_else(|| anyhow!("a signature is not a string"))?;
	let bytes = hex::decode(text.trim_start_matches("0x"))?;
	let bytes: [u8; 65] = bytes.try_into().map_err(|_| anyhow!("a signature is not 65 bytes"))?;
	Ok(ecdsa::Signature::from_raw(bytes))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn only_a_signature_of_the_payload_by_the_named_signer_counts() {
		let key = crate::keys::EthKey::from_hex(&format!("0x{}", "11".repeat(32))).unwrap();
		let payload = b"the payload the relayer read".to_vec();
		let digest = ethereum_personal_digest(&payload);
		let answer = |signer: H160, signature: [u8; 65]| serde_json::json!({ "signer": signer, "signature": format!("0x{}", hex::encode(signature)) });
		let signature = key.sign_payload(&payload).unwrap();
		assert_eq!(
			verified(&answer(key.address(), signature), &digest).map(|(s, _)| s),
			Some(key.address())
		);
		// Another key named, another payload signed, or a malformed signature: not counted.
		assert_eq!(verified(&answer(H160::repeat_byte(1), signature), &digest), None);
		let other = key.sign_payload(b"another payload").unwrap();
		assert_eq!(verified(&answer(key.address(), other), &digest), None);
		assert_eq!(
			verified(
				&serde_json::json!({ "signer": key.address(), "signature": "0x1234" }),
				&digest
			),
			None
		);
	}
}
