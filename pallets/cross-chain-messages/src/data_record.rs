//! The data-record application: a message's payload becomes the latest record of its
//! (source, sender), with an event. Records sent from the hub need nothing undone.
//!
//! A source keeps the records of its last `MaxRecordsPerSource` senders: the records' state is
//! bounded per registered chain, and so paid for by its registration deposit. A new sender takes
//! the next slot of the source's ring, and the record of the sender that held it goes.

use crate::{pallet::*, MessageOf, WeightInfo};
use core::marker::PhantomData;
use fusion_hub_primitives::{ChainId, MessageHandler};
use polkadot_sdk::{
	frame_support::{ensure, traits::Get, weights::Weight},
	sp_core::H256,
	sp_runtime::DispatchResult,
};

/// The data-record application.
pub struct DataRecordApp<T>(PhantomData<T>);

impl<T: Config> MessageHandler<T::MaxPayload> for DataRecordApp<T> {
	fn on_receive(message: &MessageOf<T>) -> DispatchResult {
		ensure!(!message.payload.is_empty(), Error::<T>::EmptyRecord);
		let (source, sender) = (message.source, message.sender);
		if !Records::<T>::contains_key(source, sender) {
			Pallet::<T>::take_record_slot(source, sender);
		}
		Records::<T>::insert(source, sender, message.payload.clone());
		Pallet::<T>::deposit_event(Event::RecordStored {
			source: message.source,
			sender: message.sender,
			length: message.payload.len() as u32,
		});
		Ok(())
	}

	fn on_route(_: &MessageOf<T>) -> DispatchResult {
		Ok(())
	}

	fn on_outcome(_: &MessageOf<T>, _: bool, _: u32) -> DispatchResult {
		Ok(())
	}

	fn weight(message: &MessageOf<T>) -> Weight {
		T::WeightInfo::store_record(message.payload.len() as u32)
	}

	fn outcome_weight() -> Weight {
		Weight::zero()
	}
}

impl<T: Config> Pallet<T> {
	/// Gives `sender` the next slot of `source`'s ring, dropping the record of the sender that
	/// held it.
	fn take_record_slot(source: ChainId, sender: H256) {
		let slot = NextRecordSlot::<T>::get(source);
		if let Some(evicted) = RecordSlots::<T>::get(source, slot) {
			Records::<T>::remove(source, evicted);
			Self::deposit_event(Event::RecordEvicted { source, sender: evicted });
		}
		RecordSlots::<T>::insert(source, slot, sender);
		let next = slot.saturating_add(1);
		NextRecordSlot::<T>::insert(
			source,
			if next >= T::MaxRecordsPerSource::get() { 0 } else { next },
		);
	}
}
