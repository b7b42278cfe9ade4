//! Timeouts on the destination's clock, and the proof of non-receipt that lets a source take
//! back a message its destination never executed.
//!
//! The rule, stated once here and used by the hub and by relayers alike:
//!
//! - A message's [`Timeout`] is a height and/or a timestamp **of its destination chain**. The
//!   destination executes the message only while the timeout has not passed by its own clock
//!   ([`Timeout::has_passed`]) and answers `Expired` after that.
//! - The source completes a message only on the destination's proven word: its receipt, or a
//!   **proof of non-receipt** — a verified header of the destination whose clock is past the
//!   timeout, and a proof of the destination's channel state at that header showing that the
//!   message's nonce was not delivered (channels are ordered: the last delivered nonce is below
//!   it). From that height on the destination can never execute the message, so refunding it
//!   cannot make value exist twice.
//!
//! Each kind of peer keeps its channel state where it can be proven against a header the hub
//! verifies ([`ChannelStateProof`], specified byte for byte in `docs/protocol.md`):
//! - a Substrate chain: a storage value under [`channel_state_storage_key`] (SCALE `u64`, absent
//!   for 0), proven with an sp-trie read proof against the header's state root; the same proof
//!   may carry `pallet-timestamp`'s `Now`, the chain's clock when its header does not;
//! - an EVM chain: the gateway contract's storage slot [`gateway_inbound_slot`] (ERC-7201
//!   namespaced), proven with an Ethereum Merkle-Patricia account proof and storage proof, as
//!   `eth_getProof` returns them, against the attested state root;
//! - a permissioned ledger: a [`channel_state_leaf`] in the keccak message tree its committee
//!   attests.

use crate::{
	header::VerifiedHeader,
	inclusion::{read_storage_value, InclusionError, MerkleSiblings, TrieNode, MAX_TRIE_NODES},
	merkle::{keccak_standard_leaf, verify_keccak_proof},
	registry::ChainKind,
	ChainId,
};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	sp_core::{ConstU32, H160, H256},
	sp_io::hashing::{keccak_256, twox_128},
	sp_runtime::BoundedVec,
};
use scale_info::TypeInfo;

/// When a message stops being executable, by its destination's clock. Zero means no limit of
/// that kind; with both set, the first reached counts.
///
/// For a message to the hub the destination's clock is the hub's: its block number and its
/// `pallet-timestamp` time.
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
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct Timeout {
	/// The last height of the destination chain at which the message may be executed; 0 for
	/// none.
	pub height: u32,
	/// The last time (ms since the Unix epoch) of the destination chain at which it may be
	/// executed; 0 for none.
	pub timestamp: u64,
}

/// A chain's clock at one of its blocks: its height, and its time when known.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ChainClock {
	/// The block's height.
	pub height: u32,
	/// The block's timestamp (ms since the Unix epoch), if the header or a proof gives it.
	pub timestamp: Option<u64>,
}

impl Timeout {
	/// Whether the timeout sets any limit.
	pub fn is_set(&self) -> bool {
		self.height != 0 || self.timestamp != 0
	}

	/// Whether the timeout has passed at `clock`: a height above `height`, or a known time
	/// above `timestamp`. An unknown time never passes a timestamp limit.
	pub fn has_passed(&self, clock: ChainClock) -> bool {
		let by_height = self.height != 0 && clock.height > self.height;
		let by_time =
			self.timestamp != 0 && clock.timestamp.is_some_and(|now| now > self.timestamp);
		by_height || by_time
	}
}

/// Substrate peers keep each inbound channel's last delivered nonce under this prefix followed by
/// the channel's source and destination ids (`u32` little-endian each).
pub const CHANNEL_STATE_STORAGE_PREFIX: &[u8] = b":fusion-hub:inbound:";

/// The storage key under which a Substrate peer keeps the last nonce it delivered on the channel
/// (`source`, `destination`), as a SCALE `u64`; no value means 0.
pub fn channel_state_storage_key(source: ChainId, destination: ChainId) -> Vec<u8> {
	let mut key = CHANNEL_STATE_STORAGE_PREFIX.to_vec();
	key.extend_from_slice(&source.to_le_bytes());
	key.extend_from_slice(&destination.to_le_bytes());
	key
}

/// The storage key of `pallet-timestamp`'s `Now` (`twox128("Timestamp") ++ twox128("Now")`): a
/// Substrate peer's clock at a block, for GRANDPA headers, which carry no time.
pub fn substrate_timestamp_key() -> [u8; 32] {
	let mut key = [0u8; 32];
	key[..16].copy_from_slice(&twox_128(b"Timestamp"));
	key[16..].copy_from_slice(&twox_128(b"Now"));
	key
}

/// The ERC-7201 namespace of the gateway contract's inbound channel state.
pub const GATEWAY_INBOUND_NAMESPACE: &[u8] = b"fusion-hub.gateway.inbound";

/// The gateway's ERC-7201 storage location for [`GATEWAY_INBOUND_NAMESPACE`]:
/// `keccak256(abi.encode(uint256(keccak256(namespace)) - 1)) & ~bytes32(uint256(0xff))`. Its
/// first member, `mapping(uint32 source => uint64 lastDelivered)`, sits exactly there.
pub fn gateway_inbound_location() -> H256 {
	let mut id = keccak_256(GATEWAY_INBOUND_NAMESPACE);
	// uint256(id) - 1, big-endian with borrow.
	for byte in id.iter_mut().rev() {
		let (value, borrow) = byte.overflowing_sub(1);
		*byte = value;
		if !borrow {
			break;
		}
	}
	let mut location = keccak_256(&id);
	location[31] = 0;
	H256(location)
}

/// The storage slot of the gateway's last delivered nonce from `source`: the Solidity mapping
/// slot `keccak256(abi.encode(uint256(source), uint256(location)))`.
pub fn gateway_inbound_slot(source: ChainId) -> H256 {
	let mut preimage = [0u8; 64];
	preimage[28..32].copy_from_slice(&source.to_be_bytes());
	preimage[32..].copy_from_slice(gateway_inbound_location().as_bytes());
	H256(keccak_256(&preimage))
}

/// The Solidity types of a channel-state leaf: source, destination, last delivered nonce.
pub const CHANNEL_STATE_ABI_TYPES: [&str; 3] = ["uint32", "uint32", "uint64"];

/// The `StandardMerkleTree` leaf with which a committee peer commits, in a block's message tree,
/// to the last nonce it delivered on the channel (`source`, `destination`). Three ABI words: no
/// receipt (six) or message (ten or more) has the same encoding.
pub fn channel_state_leaf(source: ChainId, destination: ChainId, delivered: u64) -> H256 {
	let mut encoded = [0u8; 96];
	encoded[28..32].copy_from_slice(&source.to_be_bytes());
	encoded[60..64].copy_from_slice(&destination.to_be_bytes());
	encoded[88..96].copy_from_slice(&delivered.to_be_bytes());
	keccak_standard_leaf(&encoded)
}

/// Most nodes in one Ethereum Merkle-Patricia proof (state or storage trie): deeper than any
/// real trie.
pub const MAX_MPT_NODES: u32 = 16;
/// Most bytes of one Merkle-Patricia node: a branch of 16 hashes and a value is 532 bytes.
pub const MAX_MPT_NODE_LEN: u32 = 600;

/// One RLP-encoded Merkle-Patricia node.
pub type MptNode = BoundedVec<u8, ConstU32<MAX_MPT_NODE_LEN>>;
/// A Merkle-Patricia proof: the nodes from the root down, as `eth_getProof` lists them.
pub type MptProof = BoundedVec<MptNode, ConstU32<MAX_MPT_NODES>>;

/// An EVM account's fields, as the state trie holds them.
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
pub struct EvmAccount {
	/// The account's nonce.
	pub nonce: u64,
	/// Its balance in wei, as a 32-byte big-endian integer.
	pub balance: H256,
	/// The root of its storage trie.
	pub storage_root: H256,
	/// The hash of its code.
	pub code_hash: H256,
}

/// A proof of a destination's inbound channel state at one of its verified headers, in the
/// form its kind of chain keeps it. The SCALE encoding is specified in `docs/protocol.md`.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum ChannelStateProof {
	/// A Substrate chain: a read proof (`state_getReadProof`) of
	/// [`channel_state_storage_key`] and, if the header carries no time,
	/// [`substrate_timestamp_key`], against the header's state root.
	#[codec(index = 0)]
	SubstrateStorage {
		/// The trie nodes, in any order.
		nodes: BoundedVec<TrieNode, ConstU32<MAX_TRIE_NODES>>,
	},
	/// An EVM chain: the gateway's account proof against the header's state root, and the
	/// storage proof of [`gateway_inbound_slot`] against the account's storage root, as
	/// `eth_getProof` returns them.
	#[codec(index = 1)]
	EvmStorage {
		/// The gateway account's fields.
		account: EvmAccount,
		/// The account proof, root first.
		account_proof: MptProof,
		/// The last nonce the gateway delivered on the channel (the slot's value).
		delivered: u64,
		/// The storage proof of the slot, root first.
		storage_proof: MptProof,
	},
	/// A permissioned ledger: the [`channel_state_leaf`] in the header's message tree.
	#[codec(index = 2)]
	CommitteeLeaf {
		/// The last nonce the ledger delivered on the channel.
		delivered: u64,
		/// Siblings of the leaf, from the leaf up.
		proof: MerkleSiblings,
	},
}

/// What `timeout_message` takes: a verified height of the message's destination, and the proof
/// of the destination's channel state there.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct NonReceiptProof {
	/// The destination's header the proof is against: verified by the hub, past the timeout.
	pub height: u32,
	/// The channel's state at that header.
	pub channel_state: ChannelStateProof,
}

/// The size of a channel-state proof, in the units its weight is benchmarked in (as
/// [`crate::inclusion::InclusionCost`] for inclusion proofs).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ChannelStateCost {
	/// A storage proof of `proof_bytes` bytes of trie nodes.
	SubstrateStorage {
		/// Total bytes of the trie nodes.
		proof_bytes: u32,
	},
	/// Merkle-Patricia proofs of `branches` branch nodes above their leaf (the longer of the two).
	EvmStorage {
		/// Branch nodes of the longer proof.
		branches: u32,
	},
	/// A keccak Merkle proof of `siblings` hashes.
	CommitteeLeaf {
		/// Number of siblings.
		siblings: u32,
	},
}

/// What a proven channel state says: the last nonce delivered, and the destination's clock at
/// the header.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ChannelState {
	/// The last nonce the destination delivered on the channel (0: none yet).
	pub delivered: u64,
	/// The destination's clock at the header the proof is against.
	pub clock: ChainClock,
}

impl ChannelStateProof {
	/// Checks the proof of the channel (`source`, `destination`) against `header`, a verified
	/// header of `destination`, whose kind is `kind`: each kind proves in its own form, and a
	/// parachain cannot prove at all.
	pub fn verify(
		&self,
		kind: &ChainKind,
		header: &VerifiedHeader,
		source: ChainId,
		destination: ChainId,
	) -> Result<ChannelState, InclusionError> {
		let clock = |timestamp| ChainClock { height: header.number, timestamp };
		match (kind, self) {
			(ChainKind::SubstrateChain { .. }, ChannelStateProof::SubstrateStorage { nodes }) => {
				let nodes = || nodes.iter().map(|node| node.to_vec());
				let key = channel_state_storage_key(source, destination);
				let delivered = decode_u64(read_storage_value(&header.state_root, nodes(), &key)?)?;
				let timestamp = match header.timestamp {
					Some(timestamp) => Some(timestamp),
					None => {
						let key = substrate_timestamp_key();
						// A proof without the clock leaves it unknown: heights still count.
						match read_storage_value(&header.state_root, nodes(), &key) {
							Ok(value) => value.map(|value| decode_u64(Some(value))).transpose()?,
							Err(_) => None,
						}
					},
				};
				Ok(ChannelState { delivered, clock: clock(timestamp) })
			},
			(
				ChainKind::EvmChain { gateway, .. },
				ChannelStateProof::EvmStorage { account, account_proof, delivered, storage_proof },
			) => {
				verify_evm_slot(
					&header.state_root,
					gateway,
					account,
					account_proof,
					&gateway_inbound_slot(source),
					*delivered,
					storage_proof,
				)?;
				Ok(ChannelState { delivered: *delivered, clock: clock(header.timestamp) })
			},
			(
				ChainKind::PermissionedLedger { .. },
				ChannelStateProof::CommitteeLeaf { delivered, proof },
			) => {
				let root = header.message_root.ok_or(InclusionError::NoMessageRoot)?;
				let leaf = channel_state_leaf(source, destination, *delivered);
				if !verify_keccak_proof(&root, leaf, proof) {
					return Err(InclusionError::NotIncluded);
				}
				Ok(ChannelState { delivered: *delivered, clock: clock(header.timestamp) })
			},
			(ChainKind::PolkadotParachain { .. }, _) => Err(InclusionError::NoChannelStateProof),
			_ => Err(InclusionError::ProofKindMismatch),
		}
	}

	/// What the check costs in, in the units its weight is benchmarked in.
	pub fn cost(&self) -> ChannelStateCost {
		match self {
			ChannelStateProof::SubstrateStorage { nodes } => ChannelStateCost::SubstrateStorage {
				proof_bytes: nodes.iter().map(|node| node.len() as u32).sum(),
			},
			// Charged as if every node above the leaf were a full branch, the benchmark's case.
			ChannelStateProof::EvmStorage { account_proof, storage_proof, .. } => {
				let nodes = account_proof.len().max(storage_proof.len()) as u32;
				ChannelStateCost::EvmStorage { branches: nodes.saturating_sub(1) }
			},
			ChannelStateProof::CommitteeLeaf { proof, .. } => {
				ChannelStateCost::CommitteeLeaf { siblings: proof.len() as u32 }
			},
		}
	}
}

/// A SCALE `u64` storage value; no value is 0.
fn decode_u64(value: Option<Vec<u8>>) -> Result<u64, InclusionError> {
	match value {
		None => Ok(0),
		Some(bytes) => u64::decode(&mut bytes.as_slice())
			.ok()
			.filter(|_| bytes.len() == 8)
			.ok_or(InclusionError::MalformedChannelState),
	}
}

/// Checks that, under the EVM state root `state_root`, the account `address` has the fields
/// `account` (its account proof) and its storage slot `slot` holds `value` (its storage proof):
/// what `eth_getProof` returns, verified with alloy-trie.
pub fn verify_evm_slot(
	state_root: &H256,
	address: &H160,
	account: &EvmAccount,
	account_proof: &[MptNode],
	slot: &H256,
	value: u64,
	storage_proof: &[MptNode],
) -> Result<(), InclusionError> {
	use alloy_primitives::{B256, U256};
	use alloy_trie::TrieAccount;

	let trie_account = TrieAccount::new(
		account.nonce,
		U256::from_be_bytes(account.balance.0),
		B256::from(account.storage_root.0),
		B256::from(account.code_hash.0),
	);
	// Any mismatch in the account proof means it is not the gateway's account as claimed.
	verify_mpt(
		state_root,
		&keccak_256(address.as_bytes()),
		Some(alloy_rlp::encode(trie_account)),
		account_proof,
		InclusionError::NotIncluded,
	)?;
	// Storage values are RLP of the big-endian integer without leading zeros; zero is absent.
	let expected = (value != 0).then(|| alloy_rlp::encode(U256::from(value)));
	verify_mpt(
		&account.storage_root,
		&keccak_256(slot.as_bytes()),
		expected,
		storage_proof,
		InclusionError::StorageValueMismatch,
	)
}

/// Checks that the Merkle-Patricia trie of `root` maps `path` to `expected` through `proof`
/// (alloy-trie). A sound proof of another value is `value_mismatch`; a proof that does not hang
/// from `root`, or leads elsewhere, is `NotIncluded`; one that stops at a hash before the value,
/// `IncompleteStorageProof`.
fn verify_mpt(
	root: &H256,
	path: &[u8; 32],
	expected: Option<Vec<u8>>,
	proof: &[MptNode],
	value_mismatch: InclusionError,
) -> Result<(), InclusionError> {
	use alloy_primitives::{Bytes, B256};
	use alloy_trie::{
		proof::{verify_proof, ProofVerificationError},
		Nibbles,
	};
	if proof.first().is_some_and(|node| keccak_256(node) != root.0) {
		return Err(InclusionError::NotIncluded);
	}
	let key = Nibbles::unpack(path);
	let nodes: Vec<Bytes> = proof.iter().map(|node| Bytes::copy_from_slice(node)).collect();
	verify_proof(B256::from(root.0), key, expected, nodes.iter()).map_err(|error| {
		match error {
			// At the full path the walk either reached a value (another one than expected) or
			// stopped at a 33-byte hash reference, the node below it missing.
			ProofVerificationError::ValueMismatch { path, got, .. } if path == key => {
				if got.is_some_and(|got| got.len() == 33) {
					InclusionError::IncompleteStorageProof
				} else {
					value_mismatch
				}
			},
			ProofVerificationError::Rlp(_) => InclusionError::MalformedProofNode,
			_ => InclusionError::NotIncluded,
		}
	})
}

#[cfg(any(feature = "std", feature = "runtime-benchmarks"))]
pub mod testing {
	use super::*;
	use alloy_rlp::{Encodable, Header};

	fn rlp_list(items: &[Vec<u8>]) -> Vec<u8> {
		let payload_length = items.iter().map(Vec::len).sum();
		let mut out = Vec::with_capacity(payload_length + 3);
		Header { list: true, payload_length }.encode(&mut out);
		for item in items {
			out.extend_from_slice(item);
		}
		out
	}

	fn rlp_bytes(bytes: &[u8]) -> Vec<u8> {
		let mut out = Vec::with_capacity(bytes.len() + 3);
		Encodable::encode(bytes, &mut out);
		out
	}

	/// The hex-prefix encoding of a leaf's remaining `nibbles`.
	fn leaf_path(nibbles: &[u8]) -> Vec<u8> {
		let mut out = Vec::with_capacity(nibbles.len() / 2 + 1);
		let rest = if nibbles.len() % 2 == 1 {
			out.push(0x30 | nibbles[0]);
			&nibbles[1..]
		} else {
			out.push(0x20);
			nibbles
		};
		out.extend(rest.chunks(2).map(|pair| (pair[0] << 4) | pair[1]));
		out
	}

	/// A proof, root first, that the trie whose root it returns maps `keccak256(key)` to `value`
	/// (the RLP-encoded value as the trie stores it), through `depth` branch nodes. As in
	/// Ethereum, a node shorter than 32 bytes is embedded in its parent, not referenced by hash.
	pub fn mpt_proof(key: &[u8], value: &[u8], depth: usize) -> (H256, Vec<Vec<u8>>) {
		let path: Vec<u8> =
			keccak_256(key).iter().flat_map(|byte| [byte >> 4, byte & 0x0f]).collect();
		let depth = depth.min(path.len() - 1);
		let leaf = rlp_list(&[rlp_bytes(&leaf_path(&path[depth..])), rlp_bytes(value)]);
		// Nodes from the bottom up; `below` is the node under the current level.
		let mut nodes = Vec::new();
		let mut below = leaf;
		for level in (0..depth).rev() {
			let reference = if below.len() < 32 {
				below
			} else {
				let reference = rlp_bytes(&keccak_256(&below));
				nodes.push(below);
				reference
			};
			let mut items: Vec<Vec<u8>> =
				(0..16u8).map(|index| rlp_bytes(&keccak_256(&[level as u8, index]))).collect();
			items[path[level] as usize] = reference;
			items.push(rlp_bytes(&[]));
			below = rlp_list(&items);
		}
		nodes.push(below);
		nodes.reverse();
		(H256(keccak_256(&nodes[0])), nodes)
	}

	/// An EVM state whose account `address` (with storage root from a storage trie built the same
	/// way) holds `delivered` in the gateway slot of `source`: the state root and the
	/// [`ChannelStateProof::EvmStorage`] of it, with `depth` branch nodes in each proof.
	pub fn evm_channel_state(
		address: &H160,
		source: ChainId,
		delivered: u64,
		depth: usize,
	) -> (H256, ChannelStateProof) {
		use alloy_primitives::{B256, U256};
		let slot = gateway_inbound_slot(source);
		let (storage_root, storage_nodes) =
			mpt_proof(slot.as_bytes(), &alloy_rlp::encode(U256::from(delivered)), depth);
		let account = EvmAccount {
			nonce: 1,
			balance: H256::zero(),
			storage_root,
			code_hash: H256::repeat_byte(0xc0),
		};
		let trie_account = alloy_trie::TrieAccount::new(
			account.nonce,
			U256::ZERO,
			B256::from(storage_root.0),
			B256::from(account.code_hash.0),
		);
		let (state_root, account_nodes) =
			mpt_proof(address.as_bytes(), &alloy_rlp::encode(trie_account), depth);
		let bound = |nodes: Vec<Vec<u8>>| -> MptProof {
			BoundedVec::truncate_from(
				nodes.into_iter().map(BoundedVec::truncate_from).collect::<Vec<_>>(),
			)
		};
		(
			state_root,
			ChannelStateProof::EvmStorage {
				account,
				account_proof: bound(account_nodes),
				delivered,
				storage_proof: bound(storage_nodes),
			},
		)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_timeout_rule_counts_heights_and_known_times() {
		let timeout = Timeout { height: 10, timestamp: 5_000 };
		let at = |height, timestamp| ChainClock { height, timestamp };
		assert!(!timeout.has_passed(at(10, Some(5_000))));
		assert!(timeout.has_passed(at(11, None)));
		assert!(timeout.has_passed(at(1, Some(5_001))));
		assert!(!timeout.has_passed(at(10, None)));
		let time_only = Timeout { height: 0, timestamp: 5_000 };
		assert!(!time_only.has_passed(at(u32::MAX, None)), "an unknown time passes no time limit");
		assert!(!Timeout::default().has_passed(at(u32::MAX, Some(u64::MAX))));
		assert!(!Timeout::default().is_set());
	}

	#[test]
	fn keys_and_leaves_are_distinct_per_channel() {
		assert_ne!(channel_state_storage_key(1, 2), channel_state_storage_key(2, 1));
		assert_ne!(gateway_inbound_slot(0), gateway_inbound_slot(1));
		assert_ne!(channel_state_leaf(1, 2, 3), channel_state_leaf(1, 2, 4));
		assert_eq!(gateway_inbound_location().0[31], 0);
	}

	#[test]
	fn built_proofs_of_any_depth_verify_and_stay_within_bounds() {
		let address = H160::repeat_byte(0x9a);
		let kind = ChainKind::EvmChain { chain_id: 1, gateway: address };
		for depth in [0, 1, 8, MAX_MPT_NODES as usize - 1] {
			let (state_root, proof) = testing::evm_channel_state(&address, 3, 42, depth);
			let header = VerifiedHeader {
				number: 7,
				hash: H256::zero(),
				state_root,
				message_root: None,
				timestamp: Some(5),
				set_id: 0,
			};
			assert_eq!(
				proof.verify(&kind, &header, 3, 9).map(|state| state.delivered),
				Ok(42),
				"depth {depth}"
			);
			if let ChannelStateProof::EvmStorage { account_proof, storage_proof, .. } = &proof {
				assert_eq!(account_proof.len(), depth + 1);
				// A short storage leaf is embedded in its branch.
				assert!(storage_proof.len() == depth + 1 || storage_proof.len() == depth);
				assert!(account_proof
					.iter()
					.chain(storage_proof.iter())
					.all(|node| node.len() <= MAX_MPT_NODE_LEN as usize));
			}
		}
	}
}
