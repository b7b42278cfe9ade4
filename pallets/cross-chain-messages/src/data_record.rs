//! The data-record application: a message's payload becomes the latest record of its
//! (source, sender), with an event. Records sent from the hub need nothing undone.

use crate::{pallet::*, MessageOf, WeightInfo};
use core::marker::PhantomData;
use fusion_hub_primitives::MessageHandler;
use polkadot_sdk::{
	frame_support::{ensure, weights::Weight},
	sp_runtime::DispatchResult,
};

/// The data-record application.
pub struct DataRecordApp<T>(PhantomData<T>);

impl<T: Config> MessageHandler<T::MaxPayload> for DataRecordApp<T> {
	fn on_receive(message: &MessageOf<T>) -> DispatchResult {
		ensure!(!message.payload.is_empty(), Error::<T>::EmptyRecord);
		Records::<T>::insert(message.source, message.sender, message.payload.clone());
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
