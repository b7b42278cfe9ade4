//! EVM chain -> hub: the committee's headers, then the messages and receipts they prove.

use super::*;

impl Relayer {
	/// Submits the headers of the blocks whose gateway logs the hub still needs, then the
	/// messages and receipts in them.
	pub(super) async fn evm_to_hub(&self, evm_head: u64) -> Result<()> {
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
			// A receipt completes a pending message, or closes one already refunded by a proof
			// of non-receipt (the gateway took it as `Expired`).
			let (source, destination, nonce) = (receipt.source, receipt.destination, receipt.nonce);
			if self
				.hub
				.exists_at(final_block.hash, &keys::pending_message(source, destination, nonce))
				.await?
			{
				unacknowledged.push(receipt);
			} else if self
				.hub
				.exists_at(final_block.hash, &keys::timed_out_message(source, destination, nonce))
				.await?
			{
				// Any other outcome the hub refuses (`ReceiptContradictsTimeout`), and with it
				// the batch: reported once, left to governance.
				if receipt.outcome == ReceiptOutcome::Expired {
					unacknowledged.push(receipt);
				} else {
					self.failed(
						"evm_to_hub",
						"receipt",
						&anyhow!(
							"block {number}: the gateway executed message {nonce} from {source} \
							 after the hub refunded it by proof ({:?}); not submitted",
							receipt.outcome
						),
					);
				}
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
	pub(super) async fn submit_header(&self, number: u32) -> Result<()> {
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
}
