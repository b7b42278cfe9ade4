//! The signing service of `fusion-signer`: JSON-RPC on 127.0.0.1 for the relayer.
//!
//! | method | role | signs |
//! |---|---|---|
//! | `signer_address()` | any | nothing: the key's Ethereum address |
//! | `notary_signCheckpoint(destination, hubBlock)` | notary | the checkpoint of final hub block `hubBlock` for `destination`, read from that block |
//! | `notary_signHandover(nextSetId)` | notary | the handover from the current set to the scheduled set `nextSetId`, read from the finalized block |
//! | `committee_signHeader(number)` | committee | the EVM chain's header `number`, once `confirmations` blocks are on top of it |
//!
//! Each is refused with a named error (codes below) when what it would sign is not final, not
//! there, or not this key's to sign; and whatever was signed is in the [`Journal`] before the
//! signature is returned, so no restart makes it sign a second payload for a height. Journal keys
//! name the chain by its genesis hash (the hub's, or the EVM chain's block 0), so a development
//! chain started afresh under the same ids is a different chain to the journal.

use crate::{
	evm::EvmChain,
	hub::Hub,
	journal::{Entry, Journal},
	keys::EthKey,
};
use fusion_hub_primitives::{
	attestation::header_payload,
	header::PeerHeader,
	notary::{handover_payload, Checkpoint},
	ChainId,
};
use jsonrpsee::{
	core::{async_trait, RpcResult},
	proc_macros::rpc,
	types::ErrorObjectOwned,
};
use polkadot_sdk::{
	sp_core::{H160, H256},
	sp_crypto_hashing::keccak_256,
};
use prometheus::IntCounterVec;
use serde::Serialize;
use tokio::sync::Mutex;

/// What a signer signs.
pub enum Role {
	/// A hub notary: checkpoints and handovers.
	Notary,
	/// A committee member of the EVM chain `chain_id`: its headers.
	Committee { chain_id: ChainId, evm: EvmChain, confirmations: u64 },
}

/// Error codes of the signer's refusals.
pub mod codes {
	/// What was asked for is not final yet: ask again later.
	pub const NOT_FINAL: i32 = 1;
	/// The hub committed nothing there, or has no such set or no notary set.
	pub const NOTHING_TO_SIGN: i32 = 2;
	/// This key is not a member of the set that would sign.
	pub const NOT_A_MEMBER: i32 = 3;
	/// A different payload was signed for this height: never signed again.
	pub const CONFLICT: i32 = 4;
	/// The method is not this signer's role.
	pub const WRONG_ROLE: i32 = 5;
	/// The hub or the EVM chain could not be read.
	pub const UNAVAILABLE: i32 = 6;
}

/// A signature, with what was signed.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Signed<T> {
	/// What was signed.
	pub signed: T,
	/// The signer's Ethereum address.
	pub signer: H160,
	/// `r || s || v`, hex.
	pub signature: String,
}

/// A handover as JSON.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HandoverJson {
	pub from_set_id: u64,
	pub next_set_id: u64,
	pub threshold: u32,
	pub members: Vec<H160>,
}

/// A committee-attested header as JSON.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeaderJson {
	pub chain_id: ChainId,
	pub set_id: u64,
	pub number: u32,
	pub hash: H256,
	pub state_root: H256,
	pub message_root: H256,
	pub timestamp: u64,
}

#[rpc(server)]
pub trait SignerApi {
	/// The key's Ethereum address.
	#[method(name = "signer_address")]
	fn address(&self) -> RpcResult<H160>;

	/// Signs the checkpoint of `destination`'s outbound root in final hub block `hub_block`.
	#[method(name = "notary_signCheckpoint")]
	async fn sign_checkpoint(
		&self,
		destination: ChainId,
		hub_block: u32,
	) -> RpcResult<Signed<Checkpoint>>;

	/// Signs the handover from the current notary set to the scheduled set `next_set_id`.
	#[method(name = "notary_signHandover")]
	async fn sign_handover(&self, next_set_id: u64) -> RpcResult<Signed<HandoverJson>>;

	/// Signs the EVM chain's header `number`.
	#[method(name = "committee_signHeader")]
	async fn sign_header(&self, number: u32) -> RpcResult<Signed<HeaderJson>>;
}

/// The service.
pub struct SignerService {
	key: EthKey,
	hub: Hub,
	role: Role,
	journal: Mutex<Journal>,
	signatures: IntCounterVec,
	refusals: IntCounterVec,
}

fn refusal(code: i32, message: impl Into<String>) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(code, message.into(), None::<()>)
}

fn unavailable(error: anyhow::Error) -> ErrorObjectOwned {
	refusal(codes::UNAVAILABLE, format!("{error:#}"))
}

impl SignerService {
	/// A service signing with `key` in `role`, journaling into `journal`, counting into the two
	/// counters (labelled by kind; refusals also by code).
	pub fn new(
		key: EthKey,
		hub: Hub,
		role: Role,
		journal: Journal,
		signatures: IntCounterVec,
		refusals: IntCounterVec,
	) -> Self {
		Self { key, hub, role, journal: Mutex::new(journal), signatures, refusals }
	}

	/// Journals `payload` under `key`, then signs it.
	async fn sign(&self, kind: &str, journal_key: String, payload: &[u8]) -> RpcResult<String> {
		let entry = self
			.journal
			.lock()
			.await
			.record(&journal_key, keccak_256(payload))
			.map_err(|error| refusal(codes::CONFLICT, format!("{error:#}")))?;
		let signature = self.key.sign_payload(payload).map_err(unavailable)?;
		if entry == Entry::New {
			tracing::info!(kind, key = %journal_key, "signed");
		}
		self.signatures.with_label_values(&[kind]).inc();
		Ok(format!("0x{}", hex::encode(signature)))
	}

	/// Counts a refusal and passes it on.
	fn counted<T>(&self, kind: &str, result: RpcResult<T>) -> RpcResult<T> {
		if let Err(error) = &result {
			self.refusals.with_label_values(&[kind, &error.code().to_string()]).inc();
			tracing::warn!(kind, code = error.code(), message = error.message(), "refused");
		}
		result
	}

	async fn checkpoint(
		&self,
		destination: ChainId,
		hub_block: u32,
	) -> RpcResult<Signed<Checkpoint>> {
		if !matches!(self.role, Role::Notary) {
			return Err(refusal(codes::WRONG_ROLE, "this signer is not a hub notary"));
		}
		let block =
			self.hub.final_block(hub_block).await.map_err(unavailable)?.ok_or_else(|| {
				refusal(codes::NOT_FINAL, format!("hub block {hub_block} is not final"))
			})?;
		let (checkpoint, set) =
			self.hub.checkpoint(destination, block).await.map_err(unavailable)?.ok_or_else(
				|| {
					refusal(
						codes::NOTHING_TO_SIGN,
						format!("the hub committed no root for {destination} in block {hub_block}"),
					)
				},
			)?;
		if !set.contains(&self.key.address()) {
			return Err(refusal(
				codes::NOT_A_MEMBER,
				format!("not a member of notary set {}", set.id),
			));
		}
		let payload = checkpoint.payload(self.hub.genesis());
		let key =
			format!("checkpoint/{:?}/{destination}/{}/{hub_block}", self.hub.genesis(), set.id);
		let signature = self.sign("checkpoint", key, &payload).await?;
		Ok(Signed { signed: checkpoint, signer: self.key.address(), signature })
	}

	async fn handover(&self, next_set_id: u64) -> RpcResult<Signed<HandoverJson>> {
		if !matches!(self.role, Role::Notary) {
			return Err(refusal(codes::WRONG_ROLE, "this signer is not a hub notary"));
		}
		let block = self.hub.finalized().await.map_err(unavailable)?;
		let (current, scheduled) = self.hub.notary_sets(block).await.map_err(unavailable)?;
		let (Some(current), Some(next)) = (current, scheduled.filter(|set| set.id == next_set_id))
		else {
			return Err(refusal(
				codes::NOTHING_TO_SIGN,
				format!("notary set {next_set_id} is not scheduled in a final block"),
			));
		};
		if !current.contains(&self.key.address()) {
			return Err(refusal(
				codes::NOT_A_MEMBER,
				format!("not a member of the current notary set {}", current.id),
			));
		}
		let payload = handover_payload(
			self.hub.genesis(),
			current.id,
			next.id,
			next.threshold,
			&next.members,
		);
		let key = format!("handover/{:?}/{}/{}", self.hub.genesis(), current.id, next.id);
		let signature = self.sign("handover", key, &payload).await?;
		Ok(Signed {
			signed: HandoverJson {
				from_set_id: current.id,
				next_set_id: next.id,
				threshold: next.threshold,
				members: next.members.into_inner(),
			},
			signer: self.key.address(),
			signature,
		})
	}

	async fn header(&self, number: u32) -> RpcResult<Signed<HeaderJson>> {
		let Role::Committee { chain_id, evm, confirmations } = &self.role else {
			return Err(refusal(codes::WRONG_ROLE, "this signer is not a committee member"));
		};
		let head = evm.head().await.map_err(unavailable)?;
		if u64::from(number).saturating_add(*confirmations) > head {
			return Err(refusal(
				codes::NOT_FINAL,
				format!("EVM block {number} has fewer than {confirmations} confirmations"),
			));
		}
		let set_id = self.committee_set_id(*chain_id).await?;
		let header: PeerHeader = evm.peer_header(u64::from(number)).await.map_err(unavailable)?;
		let payload = header_payload(*chain_id, set_id, &header);
		let genesis = evm.genesis().await.map_err(unavailable)?;
		let key = format!("header/{genesis:?}/{chain_id}/{set_id}/{number}");
		let signature = self.sign("header", key, &payload).await?;
		Ok(Signed {
			signed: HeaderJson {
				chain_id: *chain_id,
				set_id,
				number,
				hash: header.hash,
				state_root: header.state_root,
				message_root: header.message_root,
				timestamp: header.timestamp,
			},
			signer: self.key.address(),
			signature,
		})
	}

	/// The set id of the chain's committee in the hub's registry (`fusion_chain`).
	async fn committee_set_id(&self, chain_id: ChainId) -> RpcResult<u64> {
		let record = self.hub.chain(chain_id).await.map_err(unavailable)?.ok_or_else(|| {
			refusal(
				codes::NOTHING_TO_SIGN,
				format!("chain {chain_id} is not in the hub's registry"),
			)
		})?;
		committee_set_id(&record).ok_or_else(|| {
			refusal(codes::NOTHING_TO_SIGN, format!("chain {chain_id} has no committee verifier"))
		})
	}
}

/// The committee's `setId` in a `fusion_chain` record.
pub fn committee_set_id(record: &serde_json::Value) -> Option<u64> {
	let verifier = record.get("verifier")?;
	let committee = verifier.get("committee").or_else(|| verifier.get("Committee"))?;
	committee.get("setId").or_else(|| committee.get("set_id"))?.as_u64()
}

#[async_trait]
impl SignerApiServer for SignerService {
	fn address(&self) -> RpcResult<H160> {
		Ok(self.key.address())
	}

	async fn sign_checkpoint(
		&self,
		destination: ChainId,
		hub_block: u32,
	) -> RpcResult<Signed<Checkpoint>> {
		let result = self.checkpoint(destination, hub_block).await;
		self.counted("checkpoint", result)
	}

	async fn sign_handover(&self, next_set_id: u64) -> RpcResult<Signed<HandoverJson>> {
		let result = self.handover(next_set_id).await;
		self.counted("handover", result)
	}

	async fn sign_header(&self, number: u32) -> RpcResult<Signed<HeaderJson>> {
		let result = self.header(number).await;
		self.counted("header", result)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_committee_set_id_is_read_from_a_registry_record() {
		let record = serde_json::json!({
			"status": "Active",
			"verifier": { "committee": { "members": [], "threshold": 3, "setId": 4 } }
		});
		assert_eq!(committee_set_id(&record), Some(4));
		let grandpa = serde_json::json!({ "verifier": { "grandpa": { "setId": 1 } } });
		assert_eq!(committee_set_id(&grandpa), None);
	}
}
