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
	hub::{keys, FinalBlock, Hub},
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
	message::{Message, Receipt},
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
	pub hub_signer: subxt_signer::sr25519::Keypair,
	pub evm: DynProvider,
	pub gateway: Address,
	pub chain_id: ChainId,
	pub committee: Vec<String>,
	pub committee_threshold: usize,
	pub notaries: Vec<String>,
	pub notary_threshold: usize,
	/// At most this many EVM blocks per `eth_getLogs`.
	pub log_window: u64,
	/// Blocks on top of an EVM block before the relayer asks the committee for it (the
	/// committee signers' own setting).
	pub confirmations: u64,
	/// The first EVM block that may still need something: the gateway's deployment block at
	/// start, then moved on by each round (in memory only).
	pub evm_cursor: AtomicU64,
	/// The first of the gateway's sends that may still be pending (from 1; in memory only).
	pub ack_cursor: AtomicU64,
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
		let evm_final = self.evm.get_block_number().await?.saturating_sub(self.confirmations);
		self.evm_to_hub(evm_final).await?;
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
		let mut from = self.evm_cursor.load(Ordering::Relaxed);
		let mut first_unfinished: Option<u64> = None;
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
				let finished = match self.relay_evm_block(number, logs).await {
					Ok(finished) => finished,
					Err(error) => {
						self.failed("evm_to_hub", "block", &error);
						false
					},
				};
				if !finished && first_unfinished.is_none() {
					first_unfinished = Some(number);
				}
			}
			from = to + 1;
		}
		// Final blocks before the first with work left need nothing more: the next round starts
		// there (a restart starts again from the deployment block).
		self.evm_cursor.store(first_unfinished.unwrap_or(from), Ordering::Relaxed);
		Ok(())
	}

	/// Whether the block needs nothing more from the relayer.
	async fn relay_evm_block(
		&self,
		number: u64,
		logs: Vec<alloy::rpc::types::Log>,
	) -> Result<bool> {
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
			return Ok(true);
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
		let messages: Vec<(HubMessage, InclusionProof)> = undelivered
			.into_iter()
			.map(|message| Ok((proof_of(message.leaf_hash())?, message)))
			.collect::<Result<Vec<_>>>()?
			.into_iter()
			.map(|(proof, message)| (message, proof))
			.collect();
		let delivered =
			self.submit_in_batches("deliver_messages", "message", height, &messages).await;
		let receipts: Vec<(Receipt, InclusionProof)> = unacknowledged
			.into_iter()
			.map(|receipt| Ok((receipt, proof_of(receipt.leaf_hash())?)))
			.collect::<Result<_>>()?;
		let acknowledged =
			self.submit_in_batches("acknowledge", "receipt", height, &receipts).await;
		Ok(delivered && acknowledged)
	}

	/// Submits `items` (proven against EVM block `number`) to `CrossChainMessages.call` in
	/// batches the hub takes; a refused batch is logged and counted, and the next one goes on.
	/// Whether every batch went through.
	async fn submit_in_batches<T: codec::Encode + Clone + Send + Sync + 'static>(
		&self,
		call: &str,
		kind: &str,
		height: u32,
		items: &[T],
	) -> bool {
		let mut all = true;
		for batch in items.chunks(MAX_MESSAGES_PER_CALL) {
			let count = batch.len() as u64;
			let args = (self.chain_id, height, Static(batch.to_vec()));
			match self.hub.submit(&self.hub_signer, "CrossChainMessages", call, args).await {
				Ok(()) => {
					self.metrics.relayed.with_label_values(&["evm_to_hub", kind]).inc_by(count);
					tracing::info!(block = height, count, call, "submitted to the hub");
				},
				Err(error) => {
					self.failed("evm_to_hub", kind, &error);
					all = false;
				},
			}
		}
		all
	}

	/// Collects the committee's signatures of EVM header `number` and submits it. The header
	/// is read here too: only signatures of that very header count.
	async fn submit_header(&self, number: u32) -> Result<()> {
		let evm = EvmChain::new(self.evm.clone(), self.gateway);
		let header = evm.peer_header(u64::from(number)).await?;
		let record = self
			.hub
			.chain(self.chain_id)
			.await?
			.ok_or_else(|| anyhow!("chain {} is not registered", self.chain_id))?;
		let set_id = committee_set_id(&record)
			.ok_or_else(|| anyhow!("chain {} has no committee", self.chain_id))?;
		let payload = header_payload(self.chain_id, set_id, &header);
		let signatures = collect(
			&self.committee,
			self.committee_threshold,
			&payload,
			"committee_signHeader",
			|| rpc_params![number],
		)
		.await
		.with_context(|| format!("EVM header {number}"))?;
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
				// A gateway paused by its admin takes nothing: once the message is past its
				// timeout by the EVM chain's clock, the hub refunds on a proof that the gateway
				// never delivered it. Any other failure is retried next round (an expired message
				// is delivered all the same, and the gateway answers `Expired`).
				if error.downcast_ref::<GatewayPaused>().is_some() {
					if let Err(error) = self.prove_non_receipt(final_block, nonce).await {
						self.failed("hub_to_evm", "timeout", &error);
					}
				} else {
					self.failed("hub_to_evm", "message", &error);
				}
				// Strict nonce order: the next cannot go before this one.
				break;
			}
		}
		let last_sent = gateway.outboundNonce(HUB_CHAIN_ID).call().await?;
		let mut first_pending: Option<u64> = None;
		for nonce in self.ack_cursor.load(Ordering::Relaxed)..=last_sent {
			let record = gateway.sentMessage(HUB_CHAIN_ID, nonce).call().await?;
			if record.leaf == B256::ZERO {
				continue;
			}
			first_pending.get_or_insert(nonce);
			if let Err(error) = self.acknowledge_on_evm(final_block, nonce, record.leaf).await {
				self.failed("hub_to_evm", "receipt", &error);
			}
		}
		// Sends completed below the first still pending are done for good.
		self.ack_cursor
			.store(first_pending.unwrap_or(last_sent.saturating_add(1)).max(1), Ordering::Relaxed);
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
			.map_err(|error| {
				if is_paused(&error) {
					anyhow::Error::new(GatewayPaused)
				} else {
					anyhow!("deliverMessage {nonce}: {}", revert_text(&error))
				}
			})?
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

	/// Completes the hub's message `nonce` to the chain by a proof of non-receipt, if its
	/// timeout has passed by the EVM chain's clock: the latest EVM block, attested by the
	/// committee, and the gateway's `delivered[hub]` slot there by `eth_getProof`.
	async fn prove_non_receipt(&self, final_block: FinalBlock, nonce: u64) -> Result<()> {
		let found: Option<(MessageView, OutboundProof)> = self
			.hub
			.runtime_api(
				final_block.hash,
				"CrossChainMessagesApi_message_proof",
				(HUB_CHAIN_ID, self.chain_id, nonce),
			)
			.await?;
		let Some((message, _)) = found else { return Ok(()) };
		let number = self.evm.get_block_number().await?.saturating_sub(self.confirmations);
		let block = self
			.evm
			.get_block_by_number(number.into())
			.await?
			.ok_or_else(|| anyhow!("the EVM chain has no block {number}"))?;
		let clock = ChainClock {
			height: u32::try_from(number)?,
			timestamp: block.header.timestamp.checked_mul(1_000),
		};
		if !message.timeout.has_passed(clock) {
			return Ok(());
		}
		let height = u32::try_from(number)?;
		let slot = B256::from(gateway_inbound_slot(HUB_CHAIN_ID).0);
		let proof = self.evm.get_proof(self.gateway, vec![slot]).number(number).await?;
		let storage = proof
			.storage_proof
			.first()
			.ok_or_else(|| anyhow!("eth_getProof returned no storage proof"))?;
		let delivered = u64::try_from(storage.value).context("delivered nonce above u64")?;
		if delivered >= nonce {
			bail!("the gateway delivered {nonce} at EVM block {number}: no refund");
		}
		let nodes = |proof: &[Bytes]| -> Result<fusion_hub_primitives::channel::MptProof> {
			proof
				.iter()
				.map(|node| node.to_vec().try_into().map_err(|_| anyhow!("an MPT node too long")))
				.collect::<Result<Vec<_>>>()?
				.try_into()
				.map_err(|_| anyhow!("an MPT proof too deep"))
		};
		let non_receipt = NonReceiptProof {
			height,
			channel_state: ChannelStateProof::EvmStorage {
				account: EvmAccount {
					nonce: proof.nonce,
					balance: H256(proof.balance.to_be_bytes::<32>()),
					storage_root: H256(proof.storage_hash.0),
					code_hash: H256(proof.code_hash.0),
				},
				account_proof: nodes(&proof.account_proof)?,
				delivered,
				storage_proof: nodes(&storage.proof)?,
			},
		};
		// The header last: nothing is paid for unless the proof is complete.
		if !self
			.hub
			.exists_at(final_block.hash, &keys::verified_header(self.chain_id, height))
			.await?
		{
			self.submit_header(height).await?;
		}
		self.hub
			.submit(
				&self.hub_signer,
				"CrossChainMessages",
				"timeout_message",
				(HUB_CHAIN_ID, self.chain_id, nonce, Static(Some(non_receipt))),
			)
			.await?;
		self.metrics.relayed.with_label_values(&["hub_to_evm", "timeout"]).inc();
		tracing::info!(nonce, evm_block = number, "refunded on the hub by a proof of non-receipt");
		Ok(())
	}

	/// Makes the gateway hold the hub's root for the chain in `hub_block`, certified by the
	/// notaries' signatures. The checkpoint is read from the hub here too: only signatures of
	/// that very checkpoint count.
	async fn ensure_checkpoint(&self, hub_block: u32) -> Result<()> {
		let gateway = self.gateway();
		if gateway.hubRoot(hub_block).call().await? != B256::ZERO {
			return Ok(());
		}
		let block = self
			.hub
			.final_block(hub_block)
			.await?
			.ok_or_else(|| anyhow!("hub block {hub_block} is not final"))?;
		let (checkpoint, _) =
			self.hub.checkpoint(self.chain_id, block).await?.ok_or_else(|| {
				anyhow!("the hub committed no root for {} in {hub_block}", self.chain_id)
			})?;
		let payload = checkpoint.payload(self.hub.genesis());
		let signatures = collect(
			&self.notaries,
			self.notary_threshold,
			&payload,
			"notary_signCheckpoint",
			|| rpc_params![self.chain_id, hub_block],
		)
		.await
		.with_context(|| format!("hub block {hub_block}"))?;
		let call = IFusionGateway::Checkpoint {
			destination: checkpoint.destination,
			setId: checkpoint.set_id,
			hubBlock: checkpoint.hub_block,
			hubBlockHash: FixedBytes(checkpoint.hub_block_hash.0),
			hubTimestamp: checkpoint.hub_timestamp,
			root: FixedBytes(checkpoint.root.0),
		};
		let signatures: Vec<Bytes> = signatures
			.into_iter()
			.map(|(_, signature)| Bytes::from(signature.0.to_vec()))
			.collect();
		let receipt = gateway
			.submitCheckpoint(call, signatures)
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
