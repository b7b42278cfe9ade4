//! Capacity checked before inclusion: a transaction whose leaves would not fit this block's
//! outbound commitment is not included to fail (and pay) with `BlockCapacityReached`; the block
//! builder sees `ExhaustsResources`, leaves it in the pool and includes it in a later block, as
//! `CheckWeight` does with a transaction that does not fit the block's weight. A send that a
//! destination's full queue cannot take (`QueueFull`) is refused as invalid
//! ([`QUEUE_FULL`]): the pool refuses it at submission, or drops it, unpaid.

use crate::{outbound::CapacityShare, pallet::*, Call};
use alloc::{collections::BTreeMap, vec::Vec};
use codec::{Decode, DecodeWithMemTracking, Encode};
use core::marker::PhantomData;
use fusion_hub_primitives::{message::HUB_CHAIN_ID, ChainId};
use polkadot_sdk::{
	frame_support::{
		pallet_prelude::TransactionSource, traits::Get, weights::Weight, CloneNoBound,
		DefaultNoBound, EqNoBound, PartialEqNoBound,
	},
	frame_system,
	sp_runtime::{
		impl_tx_ext_default,
		traits::{DispatchInfoOf, TransactionExtension, ValidateResult},
		transaction_validity::InvalidTransaction,
	},
};
use scale_info::TypeInfo;

/// The leaves a call adds to one destination's commitment in the block that includes it, and
/// the messages it adds to the destination's queue.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LeafNeed {
	/// The destination whose commitment (and queue) takes them.
	pub destination: ChainId,
	/// How many leaves, at most.
	pub leaves: u32,
	/// How many pending messages, at most (receipts take none).
	pub pending: u32,
	/// Whose share they take.
	pub share: CapacityShare,
}

/// The `InvalidTransaction::Custom` code of a send whose destination's queue is full.
pub const QUEUE_FULL: u8 = 140;

/// What has no room.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Full {
	/// A destination's queue of pending messages (`QueueFull`).
	Queue,
	/// This block's commitment: a destination's leaves or the block's destinations
	/// (`BlockCapacityReached`).
	Block,
}

/// Which leaves a runtime call adds to this block's outbound commitment: the runtime names its
/// calls that send (the messaging pallet's own are [`Pallet::leaf_needs`]).
pub trait CommitmentNeeds<Call> {
	/// The leaves `call` adds, by destination; empty for a call that adds none.
	fn leaf_needs(call: &Call) -> Vec<LeafNeed>;
}

/// The transaction extension: `ExhaustsResources` for a call whose leaves this block's
/// commitment has no room for (per destination, each share, and destinations per block), so it
/// waits in the pool; `Custom(QUEUE_FULL)` for a send whose destination's queue is full.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	DefaultNoBound,
	EqNoBound,
	PartialEqNoBound,
	TypeInfo,
)]
#[scale_info(skip_type_params(T, Needs))]
pub struct CheckOutboundCapacity<T, Needs>(PhantomData<(T, Needs)>);

impl<T, Needs> CheckOutboundCapacity<T, Needs> {
	/// The extension (it carries no data).
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

impl<T, Needs> core::fmt::Debug for CheckOutboundCapacity<T, Needs> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "CheckOutboundCapacity")
	}
}

impl<T, Needs> TransactionExtension<T::RuntimeCall> for CheckOutboundCapacity<T, Needs>
where
	T: Config + Send + Sync,
	Needs: CommitmentNeeds<T::RuntimeCall> + Send + Sync + 'static,
{
	const IDENTIFIER: &'static str = "CheckOutboundCapacity";
	type Implicit = ();
	type Val = ();
	type Pre = ();

	fn weight(&self, call: &T::RuntimeCall) -> Weight {
		// Each destination's frontier (and pending counts where it queues messages), and the
		// block's destinations.
		let needs = Needs::leaf_needs(call);
		if needs.is_empty() {
			return Weight::zero();
		}
		let queues = needs.iter().filter(|need| need.pending > 0).count() as u64;
		<T as frame_system::Config>::DbWeight::get()
			.reads((needs.len() as u64).saturating_add(2 * queues).saturating_add(1))
	}

	fn validate(
		&self,
		origin: T::RuntimeOrigin,
		call: &T::RuntimeCall,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Encode,
		_source: TransactionSource,
	) -> ValidateResult<Self::Val, T::RuntimeCall> {
		// The pool validates against a fresh block, which always has room; the block builder
		// applies it against the block being built.
		let needs = Needs::leaf_needs(call);
		match Pallet::<T>::room_for(&needs) {
			Ok(()) => {},
			Err(Full::Block) => return Err(InvalidTransaction::ExhaustsResources.into()),
			Err(Full::Queue) => return Err(InvalidTransaction::Custom(QUEUE_FULL).into()),
		}
		Ok((Default::default(), (), origin))
	}

	impl_tx_ext_default!(T::RuntimeCall; prepare);
}

impl<T: Config> Pallet<T> {
	/// The leaves the messaging pallet's own calls add: a delivered message's receipt to its
	/// source, or its route to its destination; a data record (and its pending message); a
	/// recommitted message (already pending). A route's queue is not checked here: a route the
	/// hub refuses (an inactive destination, ...) takes no room in it but a `Failed` receipt,
	/// which only the dispatch can tell, so a route a full queue cannot take still fails its
	/// call (`QueueFull`) and the relayer delivers it again later. Skipped messages (delivered
	/// already) are counted: at worst the batch waits a block.
	pub fn leaf_needs(call: &Call<T>) -> Vec<LeafNeed> {
		match call {
			Call::deliver_messages { source, messages, .. } => {
				let mut needs = BTreeMap::<ChainId, u32>::new();
				for (message, _) in messages.iter() {
					let routed = message.destination != HUB_CHAIN_ID;
					let destination = if routed { message.destination } else { *source };
					let leaves = needs.entry(destination).or_default();
					*leaves = leaves.saturating_add(1);
				}
				needs
					.into_iter()
					.map(|(destination, leaves)| LeafNeed {
						destination,
						leaves,
						pending: 0,
						share: CapacityShare::PeerTraffic,
					})
					.collect()
			},
			Call::send_data { destination, .. } => alloc::vec![LeafNeed {
				destination: *destination,
				leaves: 1,
				pending: 1,
				share: CapacityShare::HubSend,
			}],
			Call::recommit_message { destination, .. } => alloc::vec![LeafNeed {
				destination: *destination,
				leaves: 1,
				pending: 0,
				share: CapacityShare::HubSend,
			}],
			_ => Vec::new(),
		}
	}

	/// Whether the destinations' queues and this block's commitment can take `needs`: each
	/// destination's pending messages and leaves within its share, and the destinations they
	/// open within theirs. Queues are checked first.
	pub fn room_for(needs: &[LeafNeed]) -> Result<(), Full> {
		for need in needs.iter().filter(|need| need.pending > 0) {
			let pending = PendingCount::<T>::get(need.destination).saturating_add(need.pending);
			if pending > T::MaxPendingPerDestination::get() {
				return Err(Full::Queue);
			}
			if need.share == CapacityShare::HubSend
				&& PendingSends::<T>::get(need.destination).saturating_add(need.pending)
					> T::MaxPendingSendsPerDestination::get()
			{
				return Err(Full::Queue);
			}
		}
		let mut opened = 0u32;
		let mut hub_sends_open = false;
		for need in needs {
			let leaves = Self::leaves_this_block(need.destination);
			let max = match need.share {
				CapacityShare::HubSend => T::MaxSendLeavesPerBlock::get(),
				CapacityShare::PeerTraffic => T::MaxLeavesPerBlock::get(),
			};
			if leaves.saturating_add(need.leaves) > max {
				return Err(Full::Block);
			}
			if leaves == 0 {
				opened = opened.saturating_add(1);
				hub_sends_open |= need.share == CapacityShare::HubSend;
			}
		}
		if opened == 0 {
			return Ok(());
		}
		let destinations =
			BlockDestinations::<T>::decode_len(Self::now_block()).unwrap_or(0) as u32;
		let max = if hub_sends_open {
			T::MaxSendDestinationsPerBlock::get()
		} else {
			T::MaxDestinationsPerBlock::get()
		};
		if destinations.saturating_add(opened) > max {
			return Err(Full::Block);
		}
		Ok(())
	}
}
