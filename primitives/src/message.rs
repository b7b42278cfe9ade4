//! Cross-chain messages: what moves between peers through the hub, and the Merkle leaf that
//! commits to a message on either side.
//!
//! A message travels on a channel, the ordered pair (source, destination); nonces count from 1
//! per channel. The hub itself is [`HUB_CHAIN_ID`], so a message for the hub's own applications
//! has it as destination, and one the hub originates has it as source.
//!
//! Committee (EVM and ledger) peers and the hub commit to messages with the keccak sorted-pair
//! tree of [`crate::merkle`]. The leaf is `@openzeppelin/merkle-tree`'s `StandardMerkleTree`
//! leaf of the message's fields ABI-encoded as [`MESSAGE_ABI_TYPES`], so a Solidity contract or
//! a script verifies a hub commitment with stock tooling, and builds its own the same way.

use crate::{merkle::keccak_standard_leaf, ChainId};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	frame_support::{CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound},
	sp_core::{Get, H256},
	sp_runtime::BoundedVec,
};
use scale_info::TypeInfo;

/// The hub's own id on message channels. The registry never gives it to a peer.
pub const HUB_CHAIN_ID: ChainId = 0;

/// Identifies the application that handles a message at its destination (asset transfers,
/// data records, ...).
pub type AppId = u32;

/// The Solidity types of a message's fields, in order, as `StandardMerkleTree.of` takes them:
/// source, destination, nonce, sender, app id, payload, timeout block, timeout timestamp, fee.
pub const MESSAGE_ABI_TYPES: [&str; 9] =
	["uint32", "uint32", "uint64", "bytes32", "uint32", "bytes", "uint32", "uint64", "uint128"];

/// When a message stops being deliverable. Zero means no limit of that kind; with both set, the
/// first reached counts.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Timeout {
	/// The last hub block in which the message may be delivered; 0 for none.
	pub hub_block: u32,
	/// The last hub timestamp (ms since the Unix epoch) at which it may be delivered; 0 for none.
	pub timestamp: u64,
}

/// A cross-chain message.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[scale_info(skip_type_params(MaxPayload))]
pub struct Message<MaxPayload: Get<u32>> {
	/// The chain that sent it.
	pub source: ChainId,
	/// The chain it is for.
	pub destination: ChainId,
	/// Its position on the channel (source, destination), from 1.
	pub nonce: u64,
	/// The sending account on the source chain, as 32 bytes (an Ethereum address is
	/// left-padded with zeros, as `bytes32(uint256(uint160(addr)))`).
	pub sender: H256,
	/// The application that handles it.
	pub app_id: AppId,
	/// The application's data.
	pub payload: BoundedVec<u8, MaxPayload>,
	/// When it stops being deliverable.
	pub timeout: Timeout,
	/// What the sender pays the relayer that delivers it, in the hub's native units.
	pub fee: u128,
}

impl<MaxPayload: Get<u32>> Message<MaxPayload> {
	/// `abi.encode` of the fields as [`MESSAGE_ABI_TYPES`]: nine 32-byte head words (the
	/// payload's is its offset, 288), then the payload's length and its bytes padded with zeros
	/// to a multiple of 32.
	pub fn abi_encode(&self) -> Vec<u8> {
		let padded_payload = self.payload.len().div_ceil(32) * 32;
		let mut out = Vec::with_capacity(32 * 10 + padded_payload);
		abi_word(&mut out, &self.source.to_be_bytes());
		abi_word(&mut out, &self.destination.to_be_bytes());
		abi_word(&mut out, &self.nonce.to_be_bytes());
		out.extend_from_slice(self.sender.as_bytes());
		abi_word(&mut out, &self.app_id.to_be_bytes());
		abi_word(&mut out, &(9u32 * 32).to_be_bytes());
		abi_word(&mut out, &self.timeout.hub_block.to_be_bytes());
		abi_word(&mut out, &self.timeout.timestamp.to_be_bytes());
		abi_word(&mut out, &self.fee.to_be_bytes());
		abi_word(&mut out, &(self.payload.len() as u64).to_be_bytes());
		out.extend_from_slice(&self.payload);
		out.resize(32 * 10 + padded_payload, 0);
		out
	}

	/// The message's Merkle leaf: `keccak256(keccak256(abi.encode(fields)))`, the
	/// `StandardMerkleTree` leaf. It also identifies the message.
	pub fn leaf_hash(&self) -> H256 {
		keccak_standard_leaf(&self.abi_encode())
	}
}

/// Appends a big-endian unsigned integer as a 32-byte ABI word.
fn abi_word(out: &mut Vec<u8>, big_endian: &[u8]) {
	out.resize(out.len() + 32 - big_endian.len(), 0);
	out.extend_from_slice(big_endian);
}
