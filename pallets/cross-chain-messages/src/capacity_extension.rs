//! Capacity checked before inclusion: a transaction whose leaves would not fit this block's
//! outbound commitment is not included to fail (and pay) with `BlockCapacityReached`; the block
//! builder sees `ExhaustsResources`, leaves it in the pool and includes it in a later block, as
//! `CheckWeight` does with a transaction that does not fit the block's weight.

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

/// The leaves a call adds to one destination's commitment in the block that includes it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LeafNeed {
	/// The destination whose commitment takes them.
	pub destination: ChainId,
	/// How many, at most.
	pub leaves: u32,
	/// Whose share they take.
	pub share: CapacityShare,
}

/// Which leaves a runtime call adds to this block's outbound commitment: the runtime names its
/// calls that send (the messaging pallet's own are [`Pallet::leaf_needs`]).
pub trait CommitmentNeeds<Call> {
	/// The leaves `call` adds, by destination; empty for a call that adds none.
	fn leaf_needs(call: &Call) -> Vec<LeafNeed>;
}

/// The transaction extension: `ExhaustsResources` for a call whose leaves this block's
/// commitment has no room for (per destination, each share, and destinations per block).
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
		// Each destination's frontier, and the block's destinations.
		let needs = Needs::leaf_needs(call);
		if needs.is_empty() {
			return Weight::zero();
		}
		<T as frame_system::Config>::DbWeight::get().reads(needs.len() as u64 + 1)
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
		if !needs.is_empty() && !Pallet::<T>::has_room_for(&needs) {
			return Err(InvalidTransaction::ExhaustsResources.into());
		}
		Ok((Default::default(), (), origin))
	}

	impl_tx_ext_default!(T::RuntimeCall; prepare);
}

impl<T: Config> Pallet<T> {
	/// The leaves the messaging pallet's own calls add: a delivered message's receipt to its
	/// source, or its route to its destination; a data record; a recommitted message.
	pub fn leaf_needs(call: &Call<T>) -> Vec<LeafNeed> {
		match call {
			Call::deliver_messages { source, messages, .. } => {
				let mut leaves = BTreeMap::<ChainId, u32>::new();
				for (message, _) in messages.iter() {
					let destination = if message.destination == HUB_CHAIN_ID {
						*source
					} else {
						message.destination
					};
					let count = leaves.entry(destination).or_default();
					*count = count.saturating_add(1);
				}
				leaves
					.into_iter()
					.map(|(destination, leaves)| LeafNeed {
						destination,
						leaves,
						share: CapacityShare::PeerTraffic,
					})
					.collect()
			},
			Call::send_data { destination, .. } | Call::recommit_message { destination, .. } => {
				alloc::vec![LeafNeed {
					destination: *destination,
					leaves: 1,
					share: CapacityShare::HubSend
				}]
			},
			_ => Vec::new(),
		}
	}

	/// Whether this block's commitment can take `needs` (each destination's leaves within its
	/// share, and the destinations they open within theirs).
	pub fn has_room_for(needs: &[LeafNeed]) -> bool {
		let mut opened = 0u32;
		let mut hub_sends_open = false;
		for need in needs {
			let leaves = Self::leaves_this_block(need.destination);
			let max = match need.share {
				CapacityShare::HubSend => T::MaxSendLeavesPerBlock::get(),
				CapacityShare::PeerTraffic => T::MaxLeavesPerBlock::get(),
			};
			if leaves.saturating_add(need.leaves) > max {
				return false;
			}
			if leaves == 0 {
				opened = opened.saturating_add(1);
				hub_sends_open |= need.share == CapacityShare::HubSend;
			}
		}
		if opened == 0 {
			return true;
		}
		let destinations =
			BlockDestinations::<T>::decode_len(Self::now_block()).unwrap_or(0) as u32;
		let max = if hub_sends_open {
			T::MaxSendDestinationsPerBlock::get()
		} else {
			T::MaxDestinationsPerBlock::get()
		};
		destinations.saturating_add(opened) <= max
	}
}
