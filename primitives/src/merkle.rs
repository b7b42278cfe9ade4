//! Binary Merkle trees over message leaves, in the two formats peers use.
//!
//! - **keccak-256, sorted pairs**: the format of OpenZeppelin's `MerkleProof.sol` and
//!   `@openzeppelin/merkle-tree`. A parent is `keccak256(min(a, b) ++ max(a, b))`, so a proof is
//!   just the list of siblings, with no left/right flags. Leaves are 32-byte hashes; a
//!   `StandardMerkleTree` leaf is `keccak256(keccak256(abi.encode(values)))`
//!   ([`keccak_standard_leaf`]), hashed twice so that no leaf can pass for an inner node.
//! - **blake2-256, positional**: the format of polkadot-sdk's `binary-merkle-tree` crate. The
//!   proof carries the leaf's index and the number of leaves.

use alloc::vec::Vec;
use polkadot_sdk::{
	binary_merkle_tree,
	frame_support::{traits::ConstU32, BoundedVec},
	sp_core::H256,
	sp_io::hashing::keccak_256,
	sp_runtime::traits::BlakeTwo256,
};

/// The parent of two nodes in a sorted-pair keccak tree.
pub fn keccak_sorted_pair(a: &H256, b: &H256) -> H256 {
	let (low, high) = if a <= b { (a, b) } else { (b, a) };
	let mut concatenated = [0u8; 64];
	concatenated[..32].copy_from_slice(low.as_bytes());
	concatenated[32..].copy_from_slice(high.as_bytes());
	H256(keccak_256(&concatenated))
}

/// The leaf `@openzeppelin/merkle-tree`'s `StandardMerkleTree` makes of ABI-encoded values:
/// `keccak256(keccak256(abi_encoded))`.
pub fn keccak_standard_leaf(abi_encoded: &[u8]) -> H256 {
	H256(keccak_256(&keccak_256(abi_encoded)))
}

/// Whether `proof` leads from `leaf` to `root`, as `MerkleProof.verify` decides it.
pub fn verify_keccak_proof(root: &H256, leaf: H256, proof: &[H256]) -> bool {
	let computed = proof.iter().fold(leaf, |node, sibling| keccak_sorted_pair(&node, sibling));
	&computed == root
}

/// The root of a sorted-pair keccak tree over `leaves`, built level by level; an odd node at
/// the end of a level moves up unchanged. `None` when there is no leaf.
///
/// Any tree with sorted-pair parents verifies with OpenZeppelin's verifier; this one is what the
/// hub commits to for its own outbound messages.
pub fn keccak_merkle_root(leaves: &[H256]) -> Option<H256> {
	if leaves.is_empty() {
		return None;
	}
	let mut level: Vec<H256> = leaves.to_vec();
	while level.len() > 1 {
		level = next_keccak_level(&level);
	}
	level.first().copied()
}

/// The level above `level`: sorted-pair parents, an odd last node moved up unchanged.
fn next_keccak_level(level: &[H256]) -> Vec<H256> {
	let mut pairs = level.chunks_exact(2);
	let mut next: Vec<H256> =
		pairs.by_ref().map(|pair| keccak_sorted_pair(&pair[0], &pair[1])).collect();
	next.extend(pairs.remainder().iter().copied());
	next
}

/// The proof of `leaves[index]` in the tree of [`keccak_merkle_root`]; `None` if `index` is out
/// of range.
pub fn keccak_merkle_proof(leaves: &[H256], index: usize) -> Option<Vec<H256>> {
	if index >= leaves.len() {
		return None;
	}
	let mut proof = Vec::new();
	let mut level: Vec<H256> = leaves.to_vec();
	let mut position = index;
	while level.len() > 1 {
		let sibling = position ^ 1;
		if let Some(node) = level.get(sibling) {
			proof.push(*node);
		}
		level = next_keccak_level(&level);
		position /= 2;
	}
	Some(proof)
}

/// The most peaks a [`KeccakFrontier`] holds: one per bit of its `u32` leaf count.
pub const MAX_FRONTIER_PEAKS: u32 = 32;

/// The append-only frontier of a [`keccak_merkle_root`] tree: the roots ("peaks") of the
/// complete subtrees its leaves form so far, largest first, one per bit set in `leaves`.
///
/// Adding a leaf hashes at most one node per peak (one on average) and [`Self::root`] folds the
/// peaks from the smallest up, so a tree of thousands of leaves is committed without its leaves
/// ever being read back. The root is the one [`keccak_merkle_root`] computes level by level:
/// there, an odd last node moving up unchanged is exactly the fold of the smaller peaks.
#[derive(
	Clone,
	Default,
	PartialEq,
	Eq,
	Debug,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
)]
pub struct KeccakFrontier {
	/// How many leaves were added.
	pub leaves: u32,
	/// The peaks, largest subtree first.
	pub peaks: BoundedVec<H256, ConstU32<MAX_FRONTIER_PEAKS>>,
}

impl KeccakFrontier {
	/// Adds `leaf`; `None` (and the frontier unchanged) once it holds `u32::MAX` leaves.
	pub fn push(&mut self, leaf: H256) -> Option<()> {
		let leaves = self.leaves.checked_add(1)?;
		let mut node = leaf;
		// Each trailing one bit of the old count is a peak of the new leaf's size: merge them.
		let mut count = self.leaves;
		let mut peaks = self.peaks.clone();
		while count & 1 == 1 {
			let peak = peaks.pop()?;
			node = keccak_sorted_pair(&peak, &node);
			count >>= 1;
		}
		peaks.try_push(node).ok()?;
		self.peaks = peaks;
		self.leaves = leaves;
		Some(())
	}

	/// The root of the tree over the leaves added so far; `None` when there is none.
	pub fn root(&self) -> Option<H256> {
		let mut peaks = self.peaks.iter().rev();
		let smallest = *peaks.next()?;
		Some(peaks.fold(smallest, |node, peak| keccak_sorted_pair(peak, &node)))
	}
}

/// Whether `proof` shows that `leaf` (the leaf's bytes, hashed with blake2-256 here) is leaf
/// number `leaf_index` of `number_of_leaves` under `root`, in `binary-merkle-tree`'s format.
pub fn verify_blake2_proof(
	root: &H256,
	proof: &[H256],
	number_of_leaves: u32,
	leaf_index: u32,
	leaf: &[u8],
) -> bool {
	binary_merkle_tree::verify_proof::<BlakeTwo256, _, _>(
		root,
		proof.iter().copied(),
		number_of_leaves,
		leaf_index,
		binary_merkle_tree::Leaf::Value(leaf),
	)
}
