//! Runtime APIs of the hub.
//!
//! The runtime implements them with the concrete record type of its pallets; the node exposes
//! them as `fusion_*` JSON-RPC methods.

use crate::{
	message::{AppId, Message, Receipt, Timeout},
	ChainId, ChainStatus, InclusionError, InclusionProof, VerifiedHeader,
};
use alloc::vec::Vec;
use codec::Codec;
use polkadot_sdk::sp_core::H256;

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Queries of the chain registry.
	///
	/// `ChainRecord` is the registry pallet's record of a chain
	/// (`pallet_chain_registry::ChainRecord<Runtime>`). Lists are ordered by chain id and hold at
	/// most the registry's `MaxChains` records.
	pub trait ChainRegistryApi<ChainRecord> where
		ChainRecord: Codec,
	{
		/// The record of one chain, if the registry has one.
		fn chain(chain_id: ChainId) -> Option<ChainRecord>;

		/// Every record, retired chains included.
		fn chains() -> Vec<(ChainId, ChainRecord)>;

		/// The records of the chains that are in `status`.
		fn chains_by_status(status: ChainStatus) -> Vec<(ChainId, ChainRecord)>;
	}
}

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Queries of the proof verifier: the headers it holds and inclusion checks against them.
	pub trait ProofVerifierApi {
		/// The highest verified header of the chain, if any.
		fn latest_header(chain_id: ChainId) -> Option<VerifiedHeader>;

		/// The verified header of the chain at `number`, if the hub still holds it.
		fn header(chain_id: ChainId, number: u32) -> Option<VerifiedHeader>;

		/// Checks `proof` against the verified header of the chain at `number`, as the messaging
		/// pallet would.
		fn verify_inclusion(
			chain_id: ChainId,
			number: u32,
			proof: InclusionProof,
		) -> Result<(), InclusionError>;
	}
}

/// A message the hub committed for a destination, with its proof, as the outbound API returns
/// it: `proof` leads from `leaf` to `root`, the root the hub committed for `destination` in hub
/// block `block` (also in that block's digest).
#[derive(Clone, PartialEq, Eq, Debug, codec::Encode, codec::Decode, scale_info::TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct OutboundProof {
	/// The hub block whose commitment holds the leaf.
	pub block: u32,
	/// The destination's root in that block.
	pub root: H256,
	/// The leaf: a message's or a receipt's `leaf_hash`.
	pub leaf: H256,
	/// The keccak sorted-pair siblings from the leaf up (OpenZeppelin `MerkleProof`).
	pub proof: Vec<H256>,
}

/// A message as the outbound API shows it: the fields of [`crate::message::Message`], the
/// payload unbounded.
#[derive(Clone, PartialEq, Eq, Debug, codec::Encode, codec::Decode, scale_info::TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct MessageView {
	/// The source chain.
	pub source: ChainId,
	/// The destination chain.
	pub destination: ChainId,
	/// The nonce on the channel (source, destination).
	pub nonce: u64,
	/// The sender on the source chain.
	pub sender: H256,
	/// The application.
	pub app_id: AppId,
	/// The payload.
	#[cfg_attr(feature = "std", serde(with = "polkadot_sdk::sp_core::bytes"))]
	pub payload: Vec<u8>,
	/// The timeout.
	pub timeout: Timeout,
	/// The fee, hub native units.
	#[cfg_attr(feature = "std", serde(serialize_with = "serialize_u128_as_string"))]
	pub fee: u128,
}

/// JSON numbers cannot hold every `u128`: fees go out as decimal strings.
#[cfg(feature = "std")]
pub(crate) fn serialize_u128_as_string<S: serde::Serializer>(
	value: &u128,
	serializer: S,
) -> Result<S::Ok, S::Error> {
	serializer.collect_str(value)
}

impl<MaxPayload: polkadot_sdk::sp_core::Get<u32>> From<&Message<MaxPayload>> for MessageView {
	fn from(message: &Message<MaxPayload>) -> Self {
		Self {
			source: message.source,
			destination: message.destination,
			nonce: message.nonce,
			sender: message.sender,
			app_id: message.app_id,
			payload: message.payload.to_vec(),
			timeout: message.timeout,
			fee: message.fee,
		}
	}
}

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Queries of the cross-chain message queues: what the hub committed for each destination,
	/// and where each channel stands.
	pub trait CrossChainMessagesApi {
		/// A message on the channel (source, destination) still pending at the hub (sent by the
		/// hub, or routed through it), or timed out and not yet taken by its destination, with
		/// its proof in the hub's outbound commitment; `None` once that has aged out
		/// (`recommit_message` commits it again).
		fn message_proof(source: ChainId, destination: ChainId, nonce: u64) -> Option<(MessageView, OutboundProof)>;

		/// The receipt the hub issued (or forwarded) for the message (source, destination,
		/// nonce), with its proof in the commitment for `source`.
		fn receipt_proof(source: ChainId, destination: ChainId, nonce: u64) -> Option<(Receipt, OutboundProof)>;

		/// The root the hub committed for `destination` in hub block `block`.
		fn outbound_root(destination: ChainId, block: u32) -> Option<H256>;

		/// The last nonce delivered to the hub on the channel (source, destination).
		fn inbound_nonce(source: ChainId, destination: ChainId) -> u64;

		/// The last nonce the hub sent to `destination`.
		fn outbound_nonce(destination: ChainId) -> u64;
	}

	/// The hub's notary set, which certifies its outbound roots to EVM gateways.
	pub trait HubNotariesApi<NotarySet, NotaryHandover> where
		NotarySet: codec::Codec,
		NotaryHandover: codec::Codec,
	{
		/// The set whose checkpoints the hub stands behind now.
		fn current_set() -> Option<NotarySet>;

		/// The set governance chose to come next, waiting for the current set's handover.
		fn scheduled_set() -> Option<NotarySet>;

		/// The signed handover that installed set `set_id`, for the gateways still on an older
		/// set.
		fn handover(set_id: u64) -> Option<NotaryHandover>;
	}
}

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Queries of atomic settlements.
	pub trait SettlementApi {
		/// Settlement `id` while it is in progress, with every leg's state; `None` once it has
		/// concluded (its events tell how) or if it never existed.
		fn settlement(id: crate::settlement::SettlementId) -> Option<crate::settlement::SettlementView>;
	}
}
