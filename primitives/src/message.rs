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

pub use crate::channel::Timeout;
use crate::{merkle::keccak_standard_leaf, ChainId, InclusionProof};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	frame_support::{weights::Weight, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound},
	sp_core::{Get, H256},
	sp_runtime::{BoundedVec, DispatchError, DispatchResult},
};
use scale_info::TypeInfo;

/// The hub's own id on message channels. The registry never gives it to a peer.
pub const HUB_CHAIN_ID: ChainId = 0;

/// Identifies the application that handles a message at its destination (asset transfers,
/// data records, ...).
pub type AppId = u32;

/// The asset-transfer application (`pallet-asset-lock`); its payload is a [`TransferPayload`].
pub const ASSET_TRANSFER_APP: AppId = 1;
/// The data-record application: the payload is stored as the sender's latest record.
pub const DATA_RECORD_APP: AppId = 2;
/// The settlement application (`pallet-settlement`): its payloads are
/// [`crate::settlement::SettlementOrder`] (hub to peer) and [`crate::settlement::SignUp`] (peer
/// to hub).
pub const SETTLEMENT_APP: AppId = 3;

/// An account as the 32 bytes messages carry (senders, beneficiaries, relayers): its SCALE
/// encoding, zero-padded; an `AccountId32` is its own 32 bytes.
pub fn account_to_bytes32<AccountId: Encode>(who: &AccountId) -> H256 {
	let encoded = who.encode();
	let mut bytes = [0u8; 32];
	let length = encoded.len().min(32);
	bytes[..length].copy_from_slice(&encoded[..length]);
	H256(bytes)
}

/// The account whose 32-byte form [`account_to_bytes32`] gives `bytes`, if they decode as one.
pub fn bytes32_to_account<AccountId: Decode>(bytes: &H256) -> Option<AccountId> {
	AccountId::decode(&mut bytes.as_bytes()).ok()
}

/// Storage proofs (Substrate peers) commit to a message or receipt leaf by holding a value under
/// this prefix followed by the 32-byte leaf.
pub const STORAGE_COMMITMENT_PREFIX: &[u8] = b":fusion-hub:leaf:";

/// The storage key under which a Substrate peer commits to `leaf`.
pub fn storage_commitment_key(leaf: &H256) -> Vec<u8> {
	let mut key = STORAGE_COMMITMENT_PREFIX.to_vec();
	key.extend_from_slice(leaf.as_bytes());
	key
}

/// Whether `proof` is a claim about `leaf` (whose ABI encoding is `abi_encoded`), in the form
/// each proof kind commits to leaves: the keccak leaf itself, the ABI bytes as a blake2 leaf, or
/// a value under [`storage_commitment_key`].
pub fn proof_commits_to(proof: &InclusionProof, leaf: &H256, abi_encoded: &[u8]) -> bool {
	match proof {
		InclusionProof::KeccakMerkle { leaf: proven, .. } => proven == leaf,
		InclusionProof::Blake2Merkle { leaf: proven, .. } => proven.as_slice() == abi_encoded,
		InclusionProof::StorageValue { key, value, .. } => {
			value.is_some() && key.as_slice() == storage_commitment_key(leaf).as_slice()
		},
	}
}

/// The Solidity types of a message's fields, in order, as `StandardMerkleTree.of` takes them:
/// source, destination, nonce, sender, app id, payload, timeout height, timeout timestamp, fee
/// (the timeout counts on the destination's clock: [`Timeout`]).
pub const MESSAGE_ABI_TYPES: [&str; 9] =
	["uint32", "uint32", "uint64", "bytes32", "uint32", "bytes", "uint32", "uint64", "uint128"];

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
	/// When it stops being executable, by its destination's clock.
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
		abi_word(&mut out, &self.timeout.height.to_be_bytes());
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

	/// The message whose [`Message::abi_encode`] is exactly `bytes` (what an EVM gateway emits):
	/// `None` for any other encoding of it, a value out of its type's range, or a payload over
	/// `MaxPayload`.
	pub fn abi_decode(bytes: &[u8]) -> Option<Self> {
		if bytes.len() < 32 * 10 {
			return None;
		}
		let word = |index: usize| &bytes[index * 32..(index + 1) * 32];
		let length = u64::from_be_bytes(abi_uint::<8>(word(9))?);
		let length = usize::try_from(length).ok()?;
		let payload = bytes.get(32 * 10..)?.get(..length)?.to_vec();
		let message = Self {
			source: u32::from_be_bytes(abi_uint::<4>(word(0))?),
			destination: u32::from_be_bytes(abi_uint::<4>(word(1))?),
			nonce: u64::from_be_bytes(abi_uint::<8>(word(2))?),
			sender: H256::from_slice(word(3)),
			app_id: u32::from_be_bytes(abi_uint::<4>(word(4))?),
			payload: BoundedVec::try_from(payload).ok()?,
			timeout: Timeout {
				height: u32::from_be_bytes(abi_uint::<4>(word(6))?),
				timestamp: u64::from_be_bytes(abi_uint::<8>(word(7))?),
			},
			fee: u128::from_be_bytes(abi_uint::<16>(word(8))?),
		};
		// One encoding only: the offset word, the padding and the length must be the canonical
		// ones, or the leaf the hub computes would not be the one the gateway emitted.
		(message.abi_encode() == bytes).then_some(message)
	}
}

/// Appends a big-endian unsigned integer as a 32-byte ABI word.
pub(crate) fn abi_word(out: &mut Vec<u8>, big_endian: &[u8]) {
	out.resize(out.len() + 32 - big_endian.len(), 0);
	out.extend_from_slice(big_endian);
}

/// What happened to a message at its destination, as its receipt says.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize))]
pub enum ReceiptOutcome {
	/// The destination's application executed it.
	#[codec(index = 0)]
	Delivered,
	/// The destination refused or failed to execute it (unknown application, handler error,
	/// destination not active, paused, over a limit, ...): nothing of it took effect there.
	#[codec(index = 1)]
	Failed,
	/// It arrived after its timeout and was not executed.
	#[codec(index = 2)]
	Expired,
}

impl ReceiptOutcome {
	/// The outcome's code in the receipt's ABI encoding.
	pub fn code(self) -> u8 {
		match self {
			Self::Delivered => 0,
			Self::Failed => 1,
			Self::Expired => 2,
		}
	}

	/// Whether a relayer carried the message to its destination (delivered or failed there):
	/// the sender's fee is earned. An expired message earns nothing and its fee is refunded.
	pub fn earns_fee(self) -> bool {
		!matches!(self, Self::Expired)
	}
}

/// The Solidity types of a receipt's fields, in order: source, destination, nonce, message leaf,
/// outcome, relayer.
pub const RECEIPT_ABI_TYPES: [&str; 6] =
	["uint32", "uint32", "uint64", "bytes32", "uint8", "bytes32"];

/// The destination's answer to one message, committed in the destination's outbound tree and
/// proven back to the message's source (through the hub for routed messages).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct Receipt {
	/// The message's source chain.
	pub source: ChainId,
	/// The message's destination: the chain that issues the receipt.
	pub destination: ChainId,
	/// The message's nonce on the channel (source, destination).
	pub nonce: u64,
	/// The message's leaf hash, which binds the receipt to exactly that message.
	pub message_leaf: H256,
	/// What happened to it.
	pub outcome: ReceiptOutcome,
	/// The account, on the message's source chain, of the relayer that delivered it: the one
	/// the fee is paid to.
	pub relayer: H256,
}

impl Receipt {
	/// `abi.encode` of the fields as [`RECEIPT_ABI_TYPES`]: six 32-byte words. A message's
	/// encoding is at least ten words, so no leaf is both a receipt and a message.
	pub fn abi_encode(&self) -> Vec<u8> {
		let mut out = Vec::with_capacity(32 * 6);
		abi_word(&mut out, &self.source.to_be_bytes());
		abi_word(&mut out, &self.destination.to_be_bytes());
		abi_word(&mut out, &self.nonce.to_be_bytes());
		out.extend_from_slice(self.message_leaf.as_bytes());
		abi_word(&mut out, &[self.outcome.code()]);
		out.extend_from_slice(self.relayer.as_bytes());
		out
	}

	/// The receipt's Merkle leaf, a `StandardMerkleTree` leaf like a message's.
	pub fn leaf_hash(&self) -> H256 {
		keccak_standard_leaf(&self.abi_encode())
	}

	/// The receipt whose [`Receipt::abi_encode`] is exactly `bytes` (what an EVM gateway emits).
	pub fn abi_decode(bytes: &[u8]) -> Option<Self> {
		if bytes.len() != 32 * 6 {
			return None;
		}
		let word = |index: usize| &bytes[index * 32..(index + 1) * 32];
		let outcome = match abi_uint::<1>(word(4))? {
			[0] => ReceiptOutcome::Delivered,
			[1] => ReceiptOutcome::Failed,
			[2] => ReceiptOutcome::Expired,
			_ => return None,
		};
		Some(Self {
			source: u32::from_be_bytes(abi_uint::<4>(word(0))?),
			destination: u32::from_be_bytes(abi_uint::<4>(word(1))?),
			nonce: u64::from_be_bytes(abi_uint::<8>(word(2))?),
			message_leaf: H256::from_slice(word(3)),
			outcome,
			relayer: H256::from_slice(word(5)),
		})
	}
}

/// A token as messages name it: its home chain and its id there. The hub's native token is
/// `(HUB_CHAIN_ID, 0x00..00)`.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct TokenRef {
	/// The chain where the token is native.
	pub home: ChainId,
	/// Its id on that chain (an ERC-20 address is left-padded).
	pub id: H256,
}

impl TokenRef {
	/// The hub's native token.
	pub const HUB_NATIVE: TokenRef = TokenRef { home: HUB_CHAIN_ID, id: H256::zero() };
}

/// The Solidity types of an asset transfer's payload: token home, token id, amount,
/// beneficiary, decimals.
pub const TRANSFER_ABI_TYPES: [&str; 5] = ["uint32", "bytes32", "uint128", "bytes32", "uint8"];

/// The payload of an [`ASSET_TRANSFER_APP`] message.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TransferPayload {
	/// The token moved.
	pub token: TokenRef,
	/// How much of it, in its smallest unit.
	pub amount: u128,
	/// Who receives it at the destination (an Ethereum address is left-padded).
	pub beneficiary: H256,
	/// The token's decimals at home, for the wrapped asset's metadata.
	pub decimals: u8,
}

/// Length of an encoded [`TransferPayload`]: five ABI words.
pub const TRANSFER_PAYLOAD_LEN: usize = 5 * 32;

impl TransferPayload {
	/// `abi.encode` of the fields as [`TRANSFER_ABI_TYPES`].
	pub fn abi_encode(&self) -> Vec<u8> {
		let mut out = Vec::with_capacity(TRANSFER_PAYLOAD_LEN);
		abi_word(&mut out, &self.token.home.to_be_bytes());
		out.extend_from_slice(self.token.id.as_bytes());
		abi_word(&mut out, &self.amount.to_be_bytes());
		out.extend_from_slice(self.beneficiary.as_bytes());
		abi_word(&mut out, &[self.decimals]);
		out
	}

	/// Decodes exactly five ABI words; `None` for any other length or a value out of its type's
	/// range (a `uint32` word with high bytes set, ...).
	pub fn abi_decode(bytes: &[u8]) -> Option<Self> {
		if bytes.len() != TRANSFER_PAYLOAD_LEN {
			return None;
		}
		let word = |index: usize| &bytes[index * 32..(index + 1) * 32];
		let home = u32::from_be_bytes(abi_uint::<4>(word(0))?);
		let id = H256::from_slice(word(1));
		let amount = u128::from_be_bytes(abi_uint::<16>(word(2))?);
		let beneficiary = H256::from_slice(word(3));
		let [decimals] = abi_uint::<1>(word(4))?;
		Some(Self { token: TokenRef { home, id }, amount, beneficiary, decimals })
	}
}

/// The low `N` bytes of a 32-byte ABI word, if the high ones are zero.
pub(crate) fn abi_uint<const N: usize>(word: &[u8]) -> Option<[u8; N]> {
	let (high, low) = word.split_at(32 - N);
	if high.iter().any(|byte| *byte != 0) {
		return None;
	}
	low.try_into().ok()
}

/// An application that messages are delivered to, on the hub. `pallet-cross-chain-messages`
/// calls it; each call runs in its own storage transaction, so an error leaves no trace.
pub trait MessageHandler<MaxPayload: Get<u32>> {
	/// Executes a message addressed to the hub. An error gives a `Failed` receipt.
	fn on_receive(message: &Message<MaxPayload>) -> DispatchResult;

	/// Accounts for a message the hub routes from its source to another peer. An error refuses
	/// the route (a `Failed` receipt to the source).
	fn on_route(message: &Message<MaxPayload>) -> DispatchResult;

	/// A message the hub sent (or routed) came back with a receipt, or timed out. `delivered`
	/// is true only for a `Delivered` receipt; otherwise the handler undoes what sending did
	/// (refunds the sender, or reverses a route's accounting). `sent_at` is the hub block in
	/// which the message was sent or routed. Called once per message.
	fn on_outcome(message: &Message<MaxPayload>, delivered: bool, sent_at: u32) -> DispatchResult;

	/// Upper bound of the weight of `on_receive` or `on_route` for `message`.
	fn weight(message: &Message<MaxPayload>) -> Weight;

	/// Upper bound of the weight of `on_outcome`, for any message: the messaging pallet charges
	/// it before it reads the pending message.
	fn outcome_weight() -> Weight;
}

/// Sends messages from the hub: implemented by `pallet-cross-chain-messages`, used by the
/// applications.
pub trait SendMessage<AccountId, MaxPayload: Get<u32>> {
	/// Queues a message from the hub to `destination` and takes `fee` from `payer` for the
	/// relayer. Returns the message as queued (with its nonce).
	fn send(
		payer: &AccountId,
		destination: ChainId,
		app_id: AppId,
		sender: H256,
		payload: Vec<u8>,
		timeout: Timeout,
		fee: u128,
	) -> Result<Message<MaxPayload>, DispatchError>;

	/// Makes `destination` a peer messages can be sent to: for the benchmarks of applications.
	#[cfg(feature = "runtime-benchmarks")]
	fn open_destination_for_benchmarks(destination: ChainId) -> DispatchResult;

	/// A timeout that [`SendMessage::send`] accepts now: for the benchmarks of applications.
	#[cfg(feature = "runtime-benchmarks")]
	fn timeout_for_benchmarks() -> Timeout;
}

#[cfg(test)]
mod abi_decode_tests {
	use super::*;
	use polkadot_sdk::sp_core::ConstU32;

	type TestMessage = Message<ConstU32<64>>;

	fn message(payload_len: usize) -> TestMessage {
		Message {
			source: 7,
			destination: 0,
			nonce: 3,
			sender: H256::repeat_byte(0x11),
			app_id: 2,
			payload: BoundedVec::truncate_from(vec![0xab; payload_len]),
			timeout: Timeout { height: 9, timestamp: 1_700_000_000_000 },
			fee: 5,
		}
	}

	#[test]
	fn a_message_decodes_from_exactly_its_encoding() {
		for length in [0, 1, 31, 32, 33, 64] {
			let original = message(length);
			assert_eq!(TestMessage::abi_decode(&original.abi_encode()), Some(original));
		}
	}

	#[test]
	fn any_other_encoding_of_a_message_is_refused() {
		let bytes = message(33).abi_encode();
		let mut trailing = bytes.clone();
		trailing.extend_from_slice(&[0; 32]);
		assert_eq!(TestMessage::abi_decode(&trailing), None);
		let mut dirty_padding = bytes.clone();
		*dirty_padding.last_mut().unwrap() = 1;
		assert_eq!(TestMessage::abi_decode(&dirty_padding), None);
		let mut other_offset = bytes.clone();
		other_offset[5 * 32 + 31] = 0x40;
		assert_eq!(TestMessage::abi_decode(&other_offset), None);
		let mut wide_source = bytes.clone();
		wide_source[27] = 1;
		assert_eq!(TestMessage::abi_decode(&wide_source), None);
		assert_eq!(TestMessage::abi_decode(&bytes[..bytes.len() - 32]), None);
		assert_eq!(Message::<ConstU32<32>>::abi_decode(&bytes), None, "payload over the bound");
	}

	#[test]
	fn a_receipt_decodes_from_its_encoding_and_no_unknown_outcome() {
		let receipt = Receipt {
			source: 0,
			destination: 7,
			nonce: 4,
			message_leaf: H256::repeat_byte(0x22),
			outcome: ReceiptOutcome::Expired,
			relayer: H256::repeat_byte(0x33),
		};
		let bytes = receipt.abi_encode();
		assert_eq!(Receipt::abi_decode(&bytes), Some(receipt));
		let mut unknown = bytes.clone();
		unknown[4 * 32 + 31] = 3;
		assert_eq!(Receipt::abi_decode(&unknown), None);
		assert_eq!(Receipt::abi_decode(&bytes[..5 * 32]), None);
	}
}
