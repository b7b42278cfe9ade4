//! `fusion-relayer`: moves an EVM chain's messages and receipts to the hub and the hub's to the
//! EVM chain, with the committee's and the notaries' signatures it collects from the signers.
//!
//! It keeps nothing on disk. Every round reads where each channel stands from both chains (the
//! hub's inbound nonces, pending messages and verified headers; the gateway's inbound nonce,
//! certified roots and pending sends), so a restart after `kill -9` at any point neither loses
//! nor repeats anything: what the last run did is already on one chain or the other, and each
//! chain refuses a second delivery.

use crate::{
	evm::{leaves_in_log_order, IFusionGatewayEvents},
	hub::{keys, FinalBlock, Hub},
};
use alloy::{
	primitives::{Address, Bytes, FixedBytes, B256},
	providers::{DynProvider, Provider},
	rpc::types::Filter,
	sol_types::SolEvent,
};
use anyhow::{anyhow, bail, Context, Result};
use fusion_hub_primitives::{
	attestation::{AttestedHeader, CommitteeSignature, MemberSignature},
	header::{HeaderUpdate, PeerHeader},
	merkle::keccak_merkle_proof,
	message::{Message, Receipt},
	runtime_api::{MessageView, OutboundProof},
	Attestation, ChainId, CommitteeKey, InclusionProof, HUB_CHAIN_ID,
};
use jsonrpsee::{core::client::ClientT, rpc_params, ws_client::WsClientBuilder};
use polkadot_sdk::sp_core::{ecdsa, ConstU32, H160, H256};
use prometheus::IntCounterVec;
use std::collections::BTreeMap;
use subxt::utils::Static;

/// The gateway's calls the relayer makes (contracts/src/FusionGateway.sol).
#[allow(clippy::too_many_arguments, reason = "the contract's `acknowledge` takes eight")]
mod gateway_abi {
	alloy::sol! {
	#[sol(rpc)]
	interface IFusionGateway {
		struct Timeout { uint32 height; uint64 timestamp; }
		struct Message { uint32 source; uint32 destination; uint64 nonce; bytes32 sender; uint32 appId; bytes payload; Timeout timeout; uint128 fee; }
		struct Checkpoint { uint32 destination; uint64 setId; uint32 hubBlock; bytes32 hubBlockHash; uint64 hubTimestamp; bytes32 root; }
		struct SentMessage { bytes32 leaf; address payer; address token; uint128 amount; uint128 fee; }
		function inboundNonce(uint32 source) external view returns (uint64);
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

/// Messages as the hub's runtime bounds them (the bound does not change the encoding).
type HubMessage = Message<ConstU32<{ 64 * 1024 }>>;
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
	pub hub_signer: subxt_signer::sr25519::Keypair,
	pub evm: DynProvider,
	pub gateway: Address,
	pub chain_id: ChainId,
	pub committee: Vec<String>,
	pub committee_threshold: usize,
	pub notaries: Vec<String>,
	pub notary_threshold: usize,
	/// The first EVM block that can hold the gateway's logs (its deployment).
	pub evm_start: u64,
	/// At most this many EVM blocks per `eth_getLogs`.
	pub log_window: u64,
	pub metrics: RelayMetrics,
}

impl Relayer {
	/// The relayer's hub account, which gateways name in receipts (its fee goes there).
	pub fn hub_account(&self) -> H256 {
		H256(self.hub_signer.public_key().0)
	}

	fn gateway(&self) -> IFusionGateway::IFusionGatewayInstance<DynProvider> {
		IFusionGateway::new(self.gateway, self.evm.clone())
	}

	/// One round: everything that can move now, both ways. Each item's failure is logged and
	/// counted, and the round goes on with the next.
	pub async fn round(&self) -> Result<()> {
		let evm_head = self.evm.get_block_number().await?;
		self.evm_to_hub(evm_head).await?;
		let final_block = self.hub.finalized().await?;
		self.hub_to_evm(final_block).await?;
		Ok(())
	}

	fn failed(&self, direction: &str, kind: &str, error: &anyhow::Error) {
		self.metrics.failures.with_label_values(&[direction, kind]).inc();
		tracing::warn!(direction, kind, error = format!("{error:#}"), "refused; going on");
	}

	// ---- EVM -> hub ---------------------------------------------------------------------

	/// Submits the headers of the blocks whose gateway logs the hub still needs, then the
	/// messages and receipts in them.
	async fn evm_to_hub(&self, evm_head: u64) -> Result<()> {
		let mut from = self.evm_start;
		while from <= evm_head {
			let to = evm_head.min(from.saturating_add(self.log_window - 1));
			let filter = Filter::new()
				.address(self.gateway)
				.event_signature(vec![
					IFusionGatewayEvents::MessageSent::SIGNATURE_HASH,
					IFusionGatewayEvents::ReceiptWritten::SIGNATURE_HASH,
				])
				.from_block(from)
				.to_block(to);
			let logs = self.evm.get_logs(&filter).await?;
			let mut blocks: BTreeMap<u64, Vec<alloy::rpc::types::Log>> = BTreeMap::new();
			for log in logs {
				let number = log.block_number.ok_or_else(|| anyhow!("a log without a block"))?;
				blocks.entry(number).or_default().push(log);
			}
			for (number, logs) in blocks {
				if let Err(error) = self.relay_evm_block(number, logs).await {
					self.failed("evm_to_hub", "block", &error);
				}
			}
			from = to + 1;
		}
		Ok(())
	}

	async fn relay_evm_block(&self, number: u64, logs: Vec<alloy::rpc::types::Log>) -> Result<()> {
		let final_block = self.hub.finalized().await?;
		let block_hash = logs[0].block_hash.ok_or_else(|| anyhow!("a log without a block hash"))?;
		let mut messages = Vec::new();
		let mut receipts = Vec::new();
		let mut sorted = logs.clone();
		sorted.sort_by_key(|log| log.log_index);
		for log in &sorted {
			if let Ok(sent) = log.log_decode::<IFusionGatewayEvents::MessageSent>() {
				let message = HubMessage::abi_decode(&sent.inner.data.message)
					.ok_or_else(|| anyhow!("block {number}: a message the hub cannot decode"))?;
				messages.push(message);
			} else if let Ok(written) = log.log_decode::<IFusionGatewayEvents::ReceiptWritten>() {
				let receipt = Receipt::abi_decode(&written.inner.data.receipt)
					.ok_or_else(|| anyhow!("block {number}: a receipt the hub cannot decode"))?;
				receipts.push(receipt);
			}
		}
		let leaves = leaves_in_log_order(block_hash, logs)?;

		// What the hub still needs of this block.
		let mut undelivered = Vec::new();
		for message in messages {
			let delivered: u64 = self
				.hub
				.storage_at(
					final_block.hash,
					&keys::inbound_nonce(message.source, message.destination),
				)
				.await?
				.unwrap_or(0);
			if message.nonce > delivered {
				undelivered.push(message);
			}
		}
		let mut unacknowledged = Vec::new();
		for receipt in receipts {
			let pending = self
				.hub
				.exists_at(
					final_block.hash,
					&keys::pending_message(receipt.source, receipt.destination, receipt.nonce),
				)
				.await?;
			if pending {
				unacknowledged.push(receipt);
			}
		}
		if undelivered.is_empty() && unacknowledged.is_empty() {
			return Ok(());
		}
		let height = u32::try_from(number)?;
		if !self
			.hub
			.exists_at(final_block.hash, &keys::verified_header(self.chain_id, height))
			.await?
		{
			self.submit_header(height).await?;
		}
		let proof_of = |leaf: H256| -> Result<InclusionProof> {
			let index = leaves
				.iter()
				.position(|candidate| *candidate == leaf)
				.ok_or_else(|| anyhow!("block {number}: a leaf not among the block's leaves"))?;
			let siblings = keccak_merkle_proof(&leaves, index)
				.ok_or_else(|| anyhow!("block {number}: no proof"))?;
			Ok(InclusionProof::KeccakMerkle {
				leaf,
				proof: siblings.try_into().map_err(|_| anyhow!("proof too long"))?,
			})
		};
		if !undelivered.is_empty() {
			let batch: Vec<(HubMessage, InclusionProof)> = undelivered
				.into_iter()
				.map(|message| Ok((proof_of(message.leaf_hash())?, message)))
				.collect::<Result<Vec<_>>>()?
				.into_iter()
				.map(|(proof, message)| (message, proof))
				.collect();
			let count = batch.len() as u64;
			match self
				.hub
				.submit(
					&self.hub_signer,
					"CrossChainMessages",
					"deliver_messages",
					(self.chain_id, height, Static(batch)),
				)
				.await
			{
				Ok(()) => {
					self.metrics
						.relayed
						.with_label_values(&["evm_to_hub", "message"])
						.inc_by(count);
					tracing::info!(block = number, count, "delivered messages to the hub");
				},
				Err(error) => self.failed("evm_to_hub", "message", &error),
			}
		}
		if !unacknowledged.is_empty() {
			let batch: Vec<(Receipt, InclusionProof)> = unacknowledged
				.into_iter()
				.map(|receipt| Ok((receipt, proof_of(receipt.leaf_hash())?)))
				.collect::<Result<_>>()?;
			let count = batch.len() as u64;
			match self
				.hub
				.submit(
					&self.hub_signer,
					"CrossChainMessages",
					"acknowledge",
					(self.chain_id, height, Static(batch)),
				)
				.await
			{
				Ok(()) => {
					self.metrics
						.relayed
						.with_label_values(&["evm_to_hub", "receipt"])
						.inc_by(count);
					tracing::info!(block = number, count, "acknowledged receipts on the hub");
				},
				Err(error) => self.failed("evm_to_hub", "receipt", &error),
			}
		}
		Ok(())
	}

	/// Collects the committee's signatures of EVM header `number` and submits it.
	async fn submit_header(&self, number: u32) -> Result<()> {
		let mut header: Option<PeerHeader> = None;
		let mut signatures: Vec<(H160, ecdsa::Signature)> = Vec::new();
		for url in &self.committee {
			match ask(url, "committee_signHeader", rpc_params![number]).await {
				Ok(signed) => {
					let this = header_of(&signed["signed"])?;
					if header.is_some_and(|header| header != this) {
						bail!("the committee signed two different headers at {number}");
					}
					header = Some(this);
					signatures.push((
						address_of(&signed["signer"])?,
						signature_of(&signed["signature"])?,
					));
				},
				Err(error) => tracing::debug!(url, error = format!("{error:#}"), "no signature"),
			}
			if signatures.len() >= self.committee_threshold {
				break;
			}
		}
		let Some(header) = header else { bail!("no committee member signed header {number}") };
		if signatures.len() < self.committee_threshold {
			bail!(
				"{} of {} committee signatures for header {number}",
				signatures.len(),
				self.committee_threshold
			);
		}
		signatures.sort_by_key(|(signer, _)| *signer);
		let attestation = Attestation::<MaxSigners> {
			signatures: signatures
				.into_iter()
				.map(|(signer, signature)| MemberSignature {
					signer: CommitteeKey::Ecdsa(signer),
					signature: CommitteeSignature::Ecdsa(signature),
				})
				.collect::<Vec<_>>()
				.try_into()
				.map_err(|_| anyhow!("too many signatures"))?,
		};
		let update = HeaderUpdate::Committee(AttestedHeader { header, attestation });
		self.hub
			.submit(
				&self.hub_signer,
				"ProofVerifier",
				"submit_header",
				(self.chain_id, Static(update)),
			)
			.await?;
		self.metrics.relayed.with_label_values(&["evm_to_hub", "header"]).inc();
		tracing::info!(number, "submitted an EVM header to the hub");
		Ok(())
	}

	// ---- hub -> EVM ---------------------------------------------------------------------

	/// Delivers the hub's pending messages for the chain, then the hub's receipts of the
	/// chain's messages.
	async fn hub_to_evm(&self, final_block: FinalBlock) -> Result<()> {
		let gateway = self.gateway();
		let sent: u64 = self
			.hub
			.storage_at(final_block.hash, &keys::outbound_nonce(self.chain_id))
			.await?
			.unwrap_or(0);
		let delivered = gateway.inboundNonce(HUB_CHAIN_ID).call().await?;
		for nonce in delivered + 1..=sent {
			if let Err(error) = self.deliver_to_evm(final_block, nonce).await {
				self.failed("hub_to_evm", "message", &error);
				// Strict nonce order: the next cannot go before this one.
				break;
			}
		}
		let last_sent = gateway.outboundNonce(HUB_CHAIN_ID).call().await?;
		for nonce in 1..=last_sent {
			let record = gateway.sentMessage(HUB_CHAIN_ID, nonce).call().await?;
			if record.leaf == B256::ZERO {
				continue;
			}
			if let Err(error) = self.acknowledge_on_evm(final_block, nonce, record.leaf).await {
				self.failed("hub_to_evm", "receipt", &error);
			}
		}
		Ok(())
	}

	async fn deliver_to_evm(&self, final_block: FinalBlock, nonce: u64) -> Result<()> {
		let found: Option<(MessageView, OutboundProof)> = self
			.hub
			.runtime_api(
				final_block.hash,
				"CrossChainMessagesApi_message_proof",
				(HUB_CHAIN_ID, self.chain_id, nonce),
			)
			.await?;
		let Some((message, proof)) = found else {
			bail!("the hub has no pending message {nonce} for chain {}", self.chain_id)
		};
		self.ensure_checkpoint(proof.block).await?;
		let call = IFusionGateway::Message {
			source: message.source,
			destination: message.destination,
			nonce: message.nonce,
			sender: FixedBytes(message.sender.0),
			appId: message.app_id,
			payload: Bytes::from(message.payload.clone()),
			timeout: IFusionGateway::Timeout {
				height: message.timeout.height,
				timestamp: message.timeout.timestamp,
			},
			fee: message.fee,
		};
		let siblings: Vec<B256> = proof.proof.iter().map(|node| FixedBytes(node.0)).collect();
		let receipt = self
			.gateway()
			.deliverMessage(call, proof.block, siblings, FixedBytes(self.hub_account().0))
			.send()
			.await
			.map_err(|error| anyhow!("deliverMessage {nonce}: {}", revert_text(&error)))?
			.get_receipt()
			.await?;
		if !receipt.status() {
			bail!("deliverMessage {nonce} reverted");
		}
		self.metrics.relayed.with_label_values(&["hub_to_evm", "message"]).inc();
		tracing::info!(nonce, hub_block = proof.block, "delivered a hub message to the EVM chain");
		Ok(())
	}

	async fn acknowledge_on_evm(
		&self,
		final_block: FinalBlock,
		nonce: u64,
		leaf: B256,
	) -> Result<()> {
		let found: Option<(Receipt, OutboundProof)> = self
			.hub
			.runtime_api(
				final_block.hash,
				"CrossChainMessagesApi_receipt_proof",
				(self.chain_id, HUB_CHAIN_ID, nonce),
			)
			.await?;
		// No receipt yet: the message is still on its way.
		let Some((receipt, proof)) = found else { return Ok(()) };
		if receipt.message_leaf.0 != leaf.0 {
			bail!("the hub's receipt {nonce} names another message");
		}
		self.ensure_checkpoint(proof.block).await?;
		let siblings: Vec<B256> = proof.proof.iter().map(|node| FixedBytes(node.0)).collect();
		let result = self
			.gateway()
			.acknowledge(
				HUB_CHAIN_ID,
				nonce,
				leaf,
				receipt.outcome.code(),
				FixedBytes(receipt.relayer.0),
				proof.block,
				siblings,
			)
			.send()
			.await
			.map_err(|error| anyhow!("acknowledge {nonce}: {}", revert_text(&error)))?
			.get_receipt()
			.await?;
		if !result.status() {
			bail!("acknowledge {nonce} reverted");
		}
		self.metrics.relayed.with_label_values(&["hub_to_evm", "receipt"]).inc();
		tracing::info!(nonce, outcome = ?receipt.outcome, "acknowledged on the EVM chain");
		Ok(())
	}

	/// Makes the gateway hold the hub's root for the chain in `hub_block`, certified by the
	/// notaries' signatures.
	async fn ensure_checkpoint(&self, hub_block: u32) -> Result<()> {
		let gateway = self.gateway();
		if gateway.hubRoot(hub_block).call().await? != B256::ZERO {
			return Ok(());
		}
		let mut checkpoint: Option<serde_json::Value> = None;
		let mut signatures: Vec<(H160, Bytes)> = Vec::new();
		for url in &self.notaries {
			match ask(url, "notary_signCheckpoint", rpc_params![self.chain_id, hub_block]).await {
				Ok(signed) => {
					if checkpoint.as_ref().is_some_and(|seen| *seen != signed["signed"]) {
						bail!("the notaries signed two checkpoints of hub block {hub_block}");
					}
					checkpoint = Some(signed["signed"].clone());
					let signature = signature_of(&signed["signature"])?;
					signatures
						.push((address_of(&signed["signer"])?, Bytes::from(signature.0.to_vec())));
				},
				Err(error) => tracing::debug!(url, error = format!("{error:#}"), "no signature"),
			}
			if signatures.len() >= self.notary_threshold {
				break;
			}
		}
		let Some(checkpoint) = checkpoint else { bail!("no notary signed hub block {hub_block}") };
		if signatures.len() < self.notary_threshold {
			bail!(
				"{} of {} notary signatures for hub block {hub_block}",
				signatures.len(),
				self.notary_threshold
			);
		}
		signatures.sort_by_key(|(signer, _)| *signer);
		let h256 = |field: &str| -> Result<FixedBytes<32>> {
			let value: H256 = serde_json::from_value(checkpoint[field].clone())
				.with_context(|| format!("checkpoint field {field}"))?;
			Ok(FixedBytes(value.0))
		};
		let number = |field: &str| -> Result<u64> {
			checkpoint[field].as_u64().ok_or_else(|| anyhow!("checkpoint field {field}"))
		};
		let call = IFusionGateway::Checkpoint {
			destination: u32::try_from(number("destination")?)?,
			setId: number("setId")?,
			hubBlock: u32::try_from(number("hubBlock")?)?,
			hubBlockHash: h256("hubBlockHash")?,
			hubTimestamp: number("hubTimestamp")?,
			root: h256("root")?,
		};
		let receipt = gateway
			.submitCheckpoint(
				call,
				signatures.into_iter().map(|(_, signature)| signature).collect(),
			)
			.send()
			.await
			.map_err(|error| anyhow!("submitCheckpoint {hub_block}: {}", revert_text(&error)))?
			.get_receipt()
			.await?;
		if !receipt.status() {
			bail!("submitCheckpoint {hub_block} reverted");
		}
		self.metrics.relayed.with_label_values(&["hub_to_evm", "checkpoint"]).inc();
		tracing::info!(hub_block, "certified a hub root on the EVM chain");
		Ok(())
	}
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

/// A contract error in words: the gateway's custom error's name and fields, or the revert text.
fn revert_text(error: &alloy::contract::Error) -> String {
	error.to_string()
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

fn header_of(value: &serde_json::Value) -> Result<PeerHeader> {
	let h256 = |field: &str| -> Result<H256> {
		serde_json::from_value(value[field].clone())
			.with_context(|| format!("header field {field}"))
	};
	Ok(PeerHeader {
		number: u32::try_from(value["number"].as_u64().ok_or_else(|| anyhow!("header number"))?)?,
		hash: h256("hash")?,
		state_root: h256("stateRoot")?,
		message_root: h256("messageRoot")?,
		timestamp: value["timestamp"].as_u64().ok_or_else(|| anyhow!("header timestamp"))?,
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_signers_answer_parses_into_the_header_it_signed() {
		let answer = serde_json::json!({
			"chainId": 7, "setId": 0, "number": 12,
			"hash": format!("0x{}", "11".repeat(32)),
			"stateRoot": format!("0x{}", "22".repeat(32)),
			"messageRoot": format!("0x{}", "33".repeat(32)),
			"timestamp": 1_700_000_000_000u64,
		});
		let header = header_of(&answer).unwrap();
		assert_eq!(header.number, 12);
		assert_eq!(header.state_root, H256::repeat_byte(0x22));
		assert_eq!(header.timestamp, 1_700_000_000_000);
		assert!(signature_of(&serde_json::json!("0x1234")).is_err());
		let signature = format!("0x{}1b", "ab".repeat(64));
		assert_eq!(signature_of(&serde_json::json!(signature)).unwrap().0[64], 0x1b);
	}
}
