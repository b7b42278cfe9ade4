//! The outbound commitment: each block, one keccak tree per destination over the leaves queued
//! for it (messages and receipts), its root in storage and in the block digest.
//!
//! A leaf costs the same whatever the size of its tree: it is added to the tree's frontier
//! (`OutboundFrontiers`, at most one hash per peak) and appended to `OutboundLeaves`, which the
//! chain never reads back; the root is folded from the frontier when the block ends. The leaves
//! are read only off-chain, to serve proofs.

use crate::{pallet::*, BlockFrontier, OUTBOUND_ROOTS_DIGEST_PREFIX};
use alloc::vec::Vec;
use codec::Encode;
use fusion_hub_primitives::{
	merkle::{keccak_merkle_proof, keccak_merkle_root},
	runtime_api::OutboundProof,
	ChainId, OutboundCommitments,
};
use polkadot_sdk::{
	frame_support::traits::Get,
	frame_system,
	sp_core::H256,
	sp_runtime::{DigestItem, DispatchError},
};

impl<T: Config> Pallet<T> {
	/// The frontier of `destination`'s tree in `block`, if it has a leaf there (a frontier left
	/// from an earlier block counts as none).
	pub(crate) fn frontier_at(destination: ChainId, block: u32) -> Option<BlockFrontier> {
		OutboundFrontiers::<T>::get(destination).filter(|frontier| frontier.block == block)
	}

	/// The frontier of `destination`'s tree in this block, if it has a leaf yet.
	fn frontier_this_block(destination: ChainId) -> Option<BlockFrontier> {
		Self::frontier_at(destination, Self::now_block())
	}

	/// How many leaves `destination`'s commitment has in this block.
	pub(crate) fn leaves_this_block(destination: ChainId) -> u32 {
		Self::frontier_this_block(destination).map_or(0, |frontier| frontier.tree.leaves)
	}

	/// Adds a leaf to this block's commitment for `destination` (its room checked by the
	/// caller; the bounds still hold if not); returns the block.
	pub(crate) fn queue_leaf(destination: ChainId, leaf: H256) -> Result<u32, DispatchError> {
		let block = Self::now_block();
		let existing = Self::frontier_at(destination, block);
		let first_leaf = existing.is_none();
		let mut frontier = existing.unwrap_or(BlockFrontier { block, tree: Default::default() });
		if frontier.tree.leaves >= T::MaxLeavesPerBlock::get() {
			return Err(Error::<T>::BlockCapacityReached.into());
		}
		frontier.tree.push(leaf).ok_or(Error::<T>::BlockCapacityReached)?;
		if first_leaf {
			BlockDestinations::<T>::try_append(block, destination)
				.map_err(|_| Error::<T>::BlockCapacityReached)?;
		}
		// Appended without decoding what is there (only its length is read): the count above
		// keeps it within its bound.
		OutboundLeaves::<T>::try_append(destination, block, leaf)
			.map_err(|_| Error::<T>::BlockCapacityReached)?;
		OutboundFrontiers::<T>::insert(destination, frontier);
		Ok(block)
	}

	/// Commits this block's leaves: one root per destination, folded from its frontier, in
	/// storage and in the digest.
	pub(crate) fn commit_block(block: u32) {
		let destinations = BlockDestinations::<T>::get(block);
		if destinations.is_empty() {
			return;
		}
		let mut roots: Vec<(ChainId, H256)> = Vec::with_capacity(destinations.len());
		for destination in destinations {
			let Some(frontier) = Self::frontier_at(destination, block) else { continue };
			if let Some(root) = frontier.tree.root() {
				OutboundRoots::<T>::insert(destination, block, root);
				roots.push((destination, root));
				Self::deposit_event(Event::OutboundCommitted {
					destination,
					block,
					root,
					leaves: frontier.tree.leaves,
				});
			}
		}
		let mut digest = OUTBOUND_ROOTS_DIGEST_PREFIX.to_vec();
		roots.encode_to(&mut digest);
		frame_system::Pallet::<T>::deposit_log(DigestItem::Other(digest));
	}

	/// Removes the commitments that have aged out at block `now`; returns how many
	/// destinations they covered.
	pub(crate) fn prune_commitments(now: u32) -> u32 {
		let Some(old) = now.checked_sub(T::CommitmentsToKeep::get()) else { return 0 };
		let destinations = BlockDestinations::<T>::take(old);
		for destination in destinations.iter() {
			OutboundLeaves::<T>::remove(destination, old);
			OutboundRoots::<T>::remove(destination, old);
		}
		destinations.len() as u32
	}

	/// The proof of `leaf` in the commitment for `destination` in `block` (off-chain: it reads
	/// the block's leaves).
	pub(crate) fn outbound_proof(
		destination: ChainId,
		block: u32,
		leaf: H256,
	) -> Option<OutboundProof> {
		let leaves = OutboundLeaves::<T>::get(destination, block);
		let index = leaves.iter().position(|candidate| *candidate == leaf)?;
		let root =
			OutboundRoots::<T>::get(destination, block).or_else(|| keccak_merkle_root(&leaves))?;
		let proof = keccak_merkle_proof(&leaves, index)?;
		Some(OutboundProof { block, root, leaf, proof })
	}
}

impl<T: Config> OutboundCommitments for Pallet<T> {
	fn committed_root(destination: ChainId, block: u32) -> Option<Option<H256>> {
		let now = Self::now_block();
		// This block commits at its end; older ones than the window are pruned.
		if block >= now || block.saturating_add(T::CommitmentsToKeep::get()) <= now {
			return None;
		}
		Some(OutboundRoots::<T>::get(destination, block))
	}
}
