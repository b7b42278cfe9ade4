//! Hub -> EVM chain: the notaries' checkpoints, then the messages (the hub's own, and those it
//! routes from other peers) and receipts they certify; a paused gateway's timed-out messages
//! completed on the hub by proof of non-receipt.

use super::*;

impl Relayer {
	/// Delivers what the hub holds for the chain, on every channel into it (the hub's own
	/// messages, and those it routes from each other peer), then the hub's receipts of the
	/// chain's messages, to the hub and routed through it.
	pub(super) async fn hub_to_evm(&self, final_block: FinalBlock) -> Result<()> {
		let peers = self.peers().await?;
		for &source in &peers {
			if let Err(error) = self.deliver_channel(final_block, source).await {
				self.failed("hub_to_evm", "message", &error);
			}
		}
		for &destination in &peers {
			if let Err(error) = self.acknowledge_channel(final_block, destination).await {
				self.failed("hub_to_evm", "receipt", &error);
			}
		}
		Ok(())
	}

	/// The hub and every other chain in its registry: the far ends of the gateway's channels.
	pub(super) async fn peers(&self) -> Result<Vec<ChainId>> {
		let mut peers = vec![HUB_CHAIN_ID];
		peers.extend(self.hub.chain_ids().await?.into_iter().filter(|id| *id != self.chain_id));
		Ok(peers)
	}

	/// The last nonce the hub has of channel (`source`, chain): the hub's own sends, or what
	/// `source` delivered to the hub for the chain (routed, or refused with a receipt).
	pub(super) async fn hub_channel_end(
		&self,
		final_block: FinalBlock,
		source: ChainId,
	) -> Result<u64> {
		let key = if source == HUB_CHAIN_ID {
			keys::outbound_nonce(self.chain_id)
		} else {
			keys::inbound_nonce(source, self.chain_id)
		};
		Ok(self.hub.storage_at(final_block.hash, &key).await?.unwrap_or(0))
	}

	/// Delivers channel (`source`, chain) in nonce order from the gateway's next nonce, up to
	/// the first that cannot go now.
	async fn deliver_channel(&self, final_block: FinalBlock, source: ChainId) -> Result<()> {
		let end = self.hub_channel_end(final_block, source).await?;
		let delivered = self.gateway().inboundNonce(source).call().await?;
		for nonce in delivered + 1..=end {
			match self.deliver_to_evm(final_block, source, nonce).await {
				Ok(true) => continue,
				// Committed again on the hub: delivered once that block is final.
				Ok(false) => {},
				// A gateway paused by its admin takes nothing: once the message is past its
				// timeout by the EVM chain's clock, the hub completes it on a proof that the
				// gateway never delivered it. Any other failure is retried next round (an
				// expired message is delivered all the same, and the gateway answers `Expired`).
				Err(error) if error.downcast_ref::<GatewayPaused>().is_some() => {
					if let Err(error) = self.prove_non_receipt(final_block, source, nonce).await {
						self.failed("hub_to_evm", "timeout", &error);
					}
				},
				Err(error) => self.failed("hub_to_evm", "message", &error),
			}
			// Strict nonce order: the next cannot go before this one.
			break;
		}
		Ok(())
	}

	/// Acknowledges on the gateway the hub's receipts of its sends to `destination` (the hub's
	/// own, or forwarded from the chain a routed send went to).
	async fn acknowledge_channel(
		&self,
		final_block: FinalBlock,
		destination: ChainId,
	) -> Result<()> {
		let gateway = self.gateway();
		let last_sent = gateway.outboundNonce(destination).call().await?;
		let mut first_pending: Option<u64> = None;
		for nonce in self.ack_cursor(destination)..=last_sent {
			let record = gateway.sentMessage(destination, nonce).call().await?;
			if record.leaf == B256::ZERO {
				continue;
			}
			first_pending.get_or_insert(nonce);
			if let Err(error) =
				self.acknowledge_on_evm(final_block, destination, nonce, record.leaf).await
			{
				self.failed("hub_to_evm", "receipt", &error);
			}
		}
		// Sends completed below the first still pending are done for good.
		self.set_ack_cursor(destination, first_pending.unwrap_or(last_sent.saturating_add(1)));
		Ok(())
	}

	/// Delivers message `nonce` of channel (`source`, chain) to the gateway: `false` when its
	/// commitment had aged out on the hub and was made again, to be delivered in a later round.
	async fn deliver_to_evm(
		&self,
		final_block: FinalBlock,
		source: ChainId,
		nonce: u64,
	) -> Result<bool> {
		let found = self.message_proof(final_block, source, self.chain_id, nonce).await?;
		let Some((message, proof)) = found else {
			return self.recommit(final_block, source, nonce).await.map(|()| false);
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
		transact(
			self.gateway().deliverMessage(
				call,
				proof.block,
				siblings,
				FixedBytes(self.hub_account().0),
			),
			format!("deliverMessage {nonce}"),
		)
		.await?;
		self.metrics.relayed.with_label_values(&["hub_to_evm", "message"]).inc();
		tracing::info!(source, nonce, hub_block = proof.block, "delivered a message from the hub");
		Ok(true)
	}

	/// Commits message `nonce` of channel (`source`, chain) again when the hub still has it
	/// (pending, or completed by a timeout and not yet taken) but no longer keeps the
	/// commitment that held it.
	async fn recommit(&self, final_block: FinalBlock, source: ChainId, nonce: u64) -> Result<()> {
		let key = |entry: fn(ChainId, ChainId, u64) -> Vec<u8>| entry(source, self.chain_id, nonce);
		let held = self.hub.exists_at(final_block.hash, &key(keys::pending_message)).await?
			|| self.hub.exists_at(final_block.hash, &key(keys::timed_out_message)).await?;
		if !held {
			if source != HUB_CHAIN_ID
				&& self.hub.exists_at(final_block.hash, &key(keys::receipt)).await?
			{
				bail!(
					"the hub refused to route message {nonce} from chain {source} (its receipt \
					 went back there): the gateway's channel from {source} cannot pass it \
					 (protocol.md, \"Routing\")"
				);
			}
			bail!("the hub has no message {nonce} from chain {source} for chain {}", self.chain_id);
		}
		self.hub
			.submit(
				&self.hub_signer,
				"CrossChainMessages",
				"recommit_message",
				(source, self.chain_id, nonce),
			)
			.await?;
		self.metrics.relayed.with_label_values(&["hub_to_evm", "recommit"]).inc();
		tracing::info!(source, nonce, "committed a message again: its commitment had aged out");
		Ok(())
	}

	async fn acknowledge_on_evm(
		&self,
		final_block: FinalBlock,
		destination: ChainId,
		nonce: u64,
		leaf: B256,
	) -> Result<()> {
		let found = self.receipt_proof(final_block, self.chain_id, destination, nonce).await?;
		// No receipt yet: the message is still on its way.
		let Some((receipt, proof)) = found else { return Ok(()) };
		if receipt.message_leaf.0 != leaf.0 {
			bail!("the hub's receipt {nonce} names another message");
		}
		self.ensure_checkpoint(proof.block).await?;
		let siblings: Vec<B256> = proof.proof.iter().map(|node| FixedBytes(node.0)).collect();
		let gateway = self.gateway();
		let call = gateway.acknowledge(
			destination,
			nonce,
			leaf,
			receipt.outcome.code(),
			FixedBytes(receipt.relayer.0),
			proof.block,
			siblings,
		);
		transact(call, format!("acknowledge {nonce}")).await?;
		self.metrics.relayed.with_label_values(&["hub_to_evm", "receipt"]).inc();
		tracing::info!(destination, nonce, outcome = ?receipt.outcome, "acknowledged on the EVM chain");
		Ok(())
	}

	/// Completes message `nonce` of channel (`source`, chain) by a proof of non-receipt, if its
	/// timeout has passed by the EVM chain's clock: the latest EVM block, attested by the
	/// committee, and the gateway's `delivered[source]` slot there by `eth_getProof`.
	async fn prove_non_receipt(
		&self,
		final_block: FinalBlock,
		source: ChainId,
		nonce: u64,
	) -> Result<()> {
		// Refunded already: it waits for the gateway to take it (as `Expired`).
		if self
			.hub
			.exists_at(final_block.hash, &keys::timed_out_message(source, self.chain_id, nonce))
			.await?
		{
			return Ok(());
		}
		let found = self.message_proof(final_block, source, self.chain_id, nonce).await?;
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
		let slot = B256::from(gateway_inbound_slot(source).0);
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
				(source, self.chain_id, nonce, Static(Some(non_receipt))),
			)
			.await?;
		self.metrics.relayed.with_label_values(&["hub_to_evm", "timeout"]).inc();
		tracing::info!(
			source,
			nonce,
			evm_block = number,
			"completed on the hub by a proof of non-receipt"
		);
		Ok(())
	}

	/// Makes the gateway hold the hub's root for the chain in `hub_block`, certified by the
	/// notaries' signatures. The checkpoint is read from the hub here too: only signatures of
	/// that very checkpoint count.
	pub(super) async fn ensure_checkpoint(&self, hub_block: u32) -> Result<()> {
		let gateway = self.gateway();
		if gateway.hubRoot(hub_block).call().await? != B256::ZERO {
			return Ok(());
		}
		let block = self
			.hub
			.final_block(hub_block)
			.await?
			.ok_or_else(|| anyhow!("hub block {hub_block} is not final"))?;
		let (checkpoint, set) =
			self.hub.checkpoint(self.chain_id, block).await?.ok_or_else(|| {
				anyhow!("the hub committed no root for {} in {hub_block}", self.chain_id)
			})?;
		let payload = checkpoint.payload(self.hub.genesis());
		let signatures = collect(
			&self.notaries,
			set.threshold as usize,
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
		transact(
			gateway.submitCheckpoint(call, signatures),
			format!("submitCheckpoint {hub_block}"),
		)
		.await?;
		self.metrics.relayed.with_label_values(&["hub_to_evm", "checkpoint"]).inc();
		tracing::info!(hub_block, "certified a hub root on the EVM chain");
		Ok(())
	}
}
