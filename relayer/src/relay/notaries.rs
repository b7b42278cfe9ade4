//! Hub notary rotation, carried by the relayer: the current set's handover to the set the
//! Council scheduled goes to the hub; then every handover the gateway lacks goes to the
//! gateway, oldest first, once the blocks the old set certifies that the gateway still needs
//! are certified on it (a gateway on a newer set refuses checkpoints of an older one).

use super::*;
use fusion_hub_primitives::notary::NotaryHandover;
use polkadot_sdk::sp_core::ConstU32;

/// The runtime's handover (`MaxNotaries` = 64).
type HubHandover = NotaryHandover<ConstU32<64>>;

impl Relayer {
	/// Moves the hub's and the gateway's notary sets on as far as they can go this round.
	pub(super) async fn rotate_notaries(&self, final_block: FinalBlock) -> Result<()> {
		let (mut current, scheduled) = self.hub.notary_sets(final_block).await?;
		let mut final_block = final_block;
		if let (Some(set), Some(next)) = (&current, scheduled) {
			match self.hand_over_on_hub(set, &next).await {
				// Final now: the gateway can follow in this same round.
				Ok(true) => {
					final_block = self.hub.finalized().await?;
					current = self.hub.notary_sets(final_block).await?.0;
				},
				Ok(false) => {},
				Err(error) => self.failed("hub", "handover", &error),
			}
		}
		let Some(current) = current else { return Ok(()) };
		let gateway = self.gateway();
		let mut installed = gateway.notarySetId().call().await?;
		while installed < current.id {
			let handover = self.handover_from(final_block, installed, current.id).await?;
			self.certify_needed_blocks(final_block, installed).await?;
			let members: Vec<Address> =
				handover.next.members.iter().map(|member| Address::from(member.0)).collect();
			let signatures: Vec<Bytes> = handover
				.signatures
				.iter()
				.map(|signature| Bytes::from(signature.0.to_vec()))
				.collect();
			let call = gateway.rotateNotaries(
				handover.next.id,
				handover.next.threshold,
				members,
				signatures,
			);
			transact(call, format!("rotateNotaries {}", handover.next.id)).await?;
			self.metrics.relayed.with_label_values(&["hub_to_evm", "handover"]).inc();
			tracing::info!(
				from = installed,
				to = handover.next.id,
				"rotated the gateway's notaries"
			);
			installed = handover.next.id;
		}
		Ok(())
	}

	/// Collects the current set's signatures of its handover to `next` and submits them to the
	/// hub (free when valid), waiting until that is final; `false` if this process submitted it
	/// already.
	async fn hand_over_on_hub(&self, current: &HubNotarySet, next: &HubNotarySet) -> Result<bool> {
		if self.handover_submitted.load(Ordering::Relaxed) == next.id {
			return Ok(false);
		}
		let payload = fusion_hub_primitives::notary::handover_payload(
			self.hub.genesis(),
			current.id,
			next.id,
			next.threshold,
			&next.members,
		);
		let signatures = collect(
			&self.notaries,
			current.threshold as usize,
			&payload,
			"notary_signHandover",
			|| rpc_params![next.id],
		)
		.await
		.with_context(|| format!("the handover from notary set {} to {}", current.id, next.id))?;
		let signatures: Vec<ecdsa::Signature> =
			signatures.into_iter().map(|(_, signature)| signature).collect();
		self.hub
			.submit(&self.hub_signer, "HubNotaries", "submit_handover", (Static(signatures),))
			.await?;
		self.handover_submitted.store(next.id, Ordering::Relaxed);
		self.metrics.relayed.with_label_values(&["hub", "handover"]).inc();
		tracing::info!(from = current.id, to = next.id, "handed the hub's notaries over");
		Ok(true)
	}

	/// The handover the hub keeps from set `installed` (the gateway's) to the next set it
	/// installed. Set ids may skip (a cancelled rotation burns its id), so each id up to the
	/// hub's current one is tried.
	async fn handover_from(
		&self,
		final_block: FinalBlock,
		installed: u64,
		current: u64,
	) -> Result<HubHandover> {
		for set_id in installed + 1..=current {
			let found: Option<HubHandover> =
				self.hub.runtime_api(final_block.hash, "HubNotariesApi_handover", set_id).await?;
			if let Some(handover) = found.filter(|handover| handover.from_set_id == installed) {
				return Ok(handover);
			}
		}
		bail!(
			"the hub no longer keeps the handover from notary set {installed} (it keeps the last \
			 16): the gateway's notaries cannot follow the hub's"
		)
	}

	/// Certifies on the gateway every hub block still needed (by a message the gateway has yet
	/// to take, on any channel into it, or a receipt of one of its sends still pending) whose
	/// checkpoint is the set `installed`'s: after the rotation, the gateway takes no checkpoint
	/// of that set.
	async fn certify_needed_blocks(&self, final_block: FinalBlock, installed: u64) -> Result<()> {
		let gateway = self.gateway();
		let mut blocks = std::collections::BTreeSet::new();
		for peer in self.peers().await? {
			let end = self.hub_channel_end(final_block, peer).await?;
			for nonce in gateway.inboundNonce(peer).call().await? + 1..=end {
				let found = self.message_proof(final_block, peer, self.chain_id, nonce).await?;
				blocks.extend(found.map(|(_, proof)| proof.block));
			}
			let sent = gateway.outboundNonce(peer).call().await?;
			for nonce in self.ack_cursor(peer)..=sent {
				if gateway.sentMessage(peer, nonce).call().await?.leaf == B256::ZERO {
					continue;
				}
				let found = self.receipt_proof(final_block, self.chain_id, peer, nonce).await?;
				blocks.extend(found.map(|(_, proof)| proof.block));
			}
		}
		for block in blocks {
			let Some(at) = self.hub.final_block(block).await? else { continue };
			let Some((_, set)) = self.hub.checkpoint(self.chain_id, at).await? else { continue };
			if set.id == installed {
				self.ensure_checkpoint(block).await?;
			}
		}
		Ok(())
	}
}
