//! Inclusion proofs against a verified header, and the [`VerifyInclusion`] trait through which
//! the messaging pallet asks the proof verifier.

use crate::{
	channel::{ChannelState, ChannelStateProof},
	header::VerifiedHeader,
	merkle,
	registry::ChainStatus,
	ChainId,
};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	frame_support::weights::Weight,
	sp_core::{ConstU32, H256},
	sp_runtime::{traits::BlakeTwo256, BoundedVec},
	sp_trie::{read_trie_value, LayoutV1, StorageProof},
};
use scale_info::TypeInfo;

/// Most siblings in a Merkle proof: a tree of up to 2^32 leaves.
pub const MAX_MERKLE_DEPTH: u32 = 32;
/// Most bytes of a blake2 Merkle leaf.
pub const MAX_LEAF_LEN: u32 = 16 * 1024;
/// Most bytes of a storage key.
pub const MAX_STORAGE_KEY_LEN: u32 = 1024;
/// Most bytes of a proven storage value.
pub const MAX_STORAGE_VALUE_LEN: u32 = 16 * 1024;
/// Most trie nodes in a storage proof.
pub const MAX_TRIE_NODES: u32 = 64;
/// Most bytes of one trie node (a branch is at most 16 * 33 + 35 bytes; a leaf carries its
/// value).
pub const MAX_TRIE_NODE_LEN: u32 = MAX_STORAGE_VALUE_LEN + 1024;

/// Siblings of a Merkle proof, leaf to root.
pub type MerkleSiblings = BoundedVec<H256, ConstU32<MAX_MERKLE_DEPTH>>;
/// One encoded trie node.
pub type TrieNode = BoundedVec<u8, ConstU32<MAX_TRIE_NODE_LEN>>;

/// A claim about a verified header of a peer chain, with its proof.
///
/// Merkle proofs are checked against the header's message root, storage proofs against its
/// state root. The SCALE encoding is specified in `docs/protocol.md`.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum InclusionProof {
	/// `leaf` is in the sorted-pair keccak tree whose root is the message root
	/// (OpenZeppelin `MerkleProof.verify`).
	#[codec(index = 0)]
	KeccakMerkle {
		/// The leaf hash, e.g. a `StandardMerkleTree` leaf.
		leaf: H256,
		/// Siblings from the leaf up.
		proof: MerkleSiblings,
	},
	/// `leaf` is leaf `leaf_index` of `number_of_leaves` in the `binary-merkle-tree` blake2 tree
	/// whose root is the message root.
	#[codec(index = 1)]
	Blake2Merkle {
		/// The leaf's bytes (hashed with blake2-256 by the check).
		leaf: BoundedVec<u8, ConstU32<MAX_LEAF_LEN>>,
		/// The leaf's position.
		leaf_index: u32,
		/// How many leaves the tree has.
		number_of_leaves: u32,
		/// Siblings from the leaf up.
		proof: MerkleSiblings,
	},
	/// Under the state root, `key` holds `value` (`None`: `key` holds nothing). `nodes` is a
	/// read proof, as a Substrate node's `state_getReadProof` returns it.
	#[codec(index = 2)]
	StorageValue {
		/// The storage key.
		key: BoundedVec<u8, ConstU32<MAX_STORAGE_KEY_LEN>>,
		/// The value claimed, or `None` for absence.
		value: Option<BoundedVec<u8, ConstU32<MAX_STORAGE_VALUE_LEN>>>,
		/// The trie nodes of the proof, in any order.
		nodes: BoundedVec<TrieNode, ConstU32<MAX_TRIE_NODES>>,
	},
}

/// Why an inclusion claim was refused.
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
pub enum InclusionError {
	/// The registry has no such chain.
	#[codec(index = 0)]
	UnknownChain,
	/// The chain is not active: nothing it proves is accepted.
	#[codec(index = 1)]
	ChainNotActive,
	/// The hub holds no verified header of the chain at that height (never verified, or pruned).
	#[codec(index = 2)]
	UnknownHeader,
	/// A Merkle proof for a header without a message root (GRANDPA peers prove by storage).
	#[codec(index = 3)]
	NoMessageRoot,
	/// The proof does not lead to the header's root.
	#[codec(index = 4)]
	NotIncluded,
	/// The storage proof lacks a node on the key's path, or a node does not decode.
	#[codec(index = 5)]
	IncompleteStorageProof,
	/// The storage proof is sound, but the key holds another value than the one claimed.
	#[codec(index = 6)]
	StorageValueMismatch,
	/// The chain is frozen on evidence of misbehaviour: nothing it proves is accepted until
	/// governance restores it.
	#[codec(index = 7)]
	ChainFrozen,
	/// The proof is not of the form the chain's kind keeps its channel state in.
	#[codec(index = 8)]
	ProofKindMismatch,
	/// The chain's kind cannot prove its channel state to the hub (a parachain).
	#[codec(index = 9)]
	NoChannelStateProof,
	/// The proven channel state or clock value does not decode (a SCALE `u64`).
	#[codec(index = 10)]
	MalformedChannelState,
	/// A Merkle-Patricia proof node is not valid RLP.
	#[codec(index = 11)]
	MalformedProofNode,
}

/// What a proof against a peer's header is for, which decides the statuses of the peer that
/// may back it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ProofUse {
	/// Something new from the peer (messages it sends): only an active peer.
	Delivery,
	/// Completing what the hub already sent to the peer (its receipts, its non-receipt): an
	/// active or suspended peer, so a suspension does not strand value; never a frozen one.
	Completion,
}

impl ProofUse {
	/// Whether a chain of `status` (`None`: unknown) backs proofs for this use: an active chain
	/// every proof, a suspended one completions only, a frozen one none.
	pub fn check(self, status: Option<ChainStatus>) -> Result<(), InclusionError> {
		match (status, self) {
			(None, _) => Err(InclusionError::UnknownChain),
			(Some(ChainStatus::Active), _)
			| (Some(ChainStatus::Suspended), ProofUse::Completion) => Ok(()),
			(Some(ChainStatus::Frozen), _) => Err(InclusionError::ChainFrozen),
			(Some(_), _) => Err(InclusionError::ChainNotActive),
		}
	}
}

impl InclusionProof {
	/// Checks the claim against `header`.
	pub fn verify(&self, header: &VerifiedHeader) -> Result<(), InclusionError> {
		match self {
			InclusionProof::KeccakMerkle { leaf, proof } => {
				let root = header.message_root.ok_or(InclusionError::NoMessageRoot)?;
				merkle::verify_keccak_proof(&root, *leaf, proof)
					.then_some(())
					.ok_or(InclusionError::NotIncluded)
			},
			InclusionProof::Blake2Merkle { leaf, leaf_index, number_of_leaves, proof } => {
				let root = header.message_root.ok_or(InclusionError::NoMessageRoot)?;
				merkle::verify_blake2_proof(&root, proof, *number_of_leaves, *leaf_index, leaf)
					.then_some(())
					.ok_or(InclusionError::NotIncluded)
			},
			InclusionProof::StorageValue { key, value, nodes } => {
				let found = read_storage_value(
					&header.state_root,
					nodes.iter().map(|node| node.to_vec()),
					key,
				)?;
				if found.as_deref() == value.as_ref().map(|value| value.as_slice()) {
					Ok(())
				} else {
					Err(InclusionError::StorageValueMismatch)
				}
			},
		}
	}

	/// What the check costs in: Merkle siblings, or the storage proof's bytes.
	pub fn cost(&self) -> InclusionCost {
		match self {
			InclusionProof::KeccakMerkle { proof, .. } => {
				InclusionCost::KeccakMerkle { siblings: proof.len() as u32 }
			},
			InclusionProof::Blake2Merkle { proof, leaf, .. } => InclusionCost::Blake2Merkle {
				siblings: proof.len() as u32,
				leaf_bytes: leaf.len() as u32,
			},
			InclusionProof::StorageValue { nodes, .. } => InclusionCost::StorageValue {
				proof_bytes: nodes.iter().map(|node| node.len() as u32).sum(),
			},
		}
	}
}

/// The size of an inclusion proof, in the units its weight is benchmarked in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InclusionCost {
	/// A keccak Merkle proof of `siblings` hashes.
	KeccakMerkle {
		/// Number of siblings.
		siblings: u32,
	},
	/// A blake2 Merkle proof.
	Blake2Merkle {
		/// Number of siblings.
		siblings: u32,
		/// Bytes of the leaf.
		leaf_bytes: u32,
	},
	/// A storage proof of `proof_bytes` bytes of trie nodes.
	StorageValue {
		/// Total bytes of the trie nodes.
		proof_bytes: u32,
	},
}

/// Reads `key` from the trie of `state_root` through the proof `nodes` (blake2-256, the trie of
/// Substrate state). `Ok(None)` is a proof that `key` holds nothing.
pub fn read_storage_value(
	state_root: &H256,
	nodes: impl IntoIterator<Item = Vec<u8>>,
	key: &[u8],
) -> Result<Option<Vec<u8>>, InclusionError> {
	let db = StorageProof::new(nodes).into_memory_db::<BlakeTwo256>();
	read_trie_value::<LayoutV1<BlakeTwo256>, _>(&db, state_root, key, None, None)
		.map_err(|_| InclusionError::IncompleteStorageProof)
}

/// Inclusion checks against the headers the proof verifier holds; implemented by
/// `pallet-proof-verifier`.
pub trait VerifyInclusion {
	/// The verified header of `chain_id` at `number`, if the hub still holds it.
	fn verified_header(chain_id: ChainId, number: u32) -> Option<VerifiedHeader>;

	/// The verified header of `chain_id` at `number`, if the chain's status lets it back a proof
	/// used for `purpose` ([`ProofUse`]).
	fn proving_header(
		chain_id: ChainId,
		number: u32,
		purpose: ProofUse,
	) -> Result<VerifiedHeader, InclusionError>;

	/// Checks `proof` against the verified header of `chain_id` at `number`, for something new
	/// from the chain ([`ProofUse::Delivery`]): fails for a chain that is not active.
	fn verify_inclusion(
		chain_id: ChainId,
		number: u32,
		proof: &InclusionProof,
	) -> Result<(), InclusionError> {
		proof.verify(&Self::proving_header(chain_id, number, ProofUse::Delivery)?)
	}

	/// The inbound state of the channel (`source`, `chain_id`) at the verified header of
	/// `chain_id` at `number`, from `proof` in the form the chain's kind keeps it
	/// ([`ChannelStateProof::verify`]), for completing what was sent to the chain
	/// ([`ProofUse::Completion`]).
	fn verify_channel_state(
		chain_id: ChainId,
		number: u32,
		source: ChainId,
		proof: &ChannelStateProof,
	) -> Result<ChannelState, InclusionError>;

	/// The benchmarked weight of [`VerifyInclusion::verify_channel_state`] with `proof`.
	fn channel_state_weight(proof: &ChannelStateProof) -> Weight;

	/// The benchmarked weight of [`VerifyInclusion::verify_inclusion`] with `proof`: what a
	/// pallet that checks inclusion adds to its own weight.
	fn inclusion_weight(proof: &InclusionProof) -> Weight;

	/// Records `header` as verified for `chain_id`, bypassing its finality proof: for the
	/// benchmarks of the pallets that check inclusion.
	#[cfg(feature = "runtime-benchmarks")]
	fn insert_header_for_benchmarks(chain_id: ChainId, header: VerifiedHeader);
}
