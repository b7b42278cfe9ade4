//! Weights for `pallet_settlement`: ESTIMATED, not yet benchmarked. `scripts/benchmark.sh
//! pallet_settlement` (benchmarks in pallets/settlement/src/benchmarking.rs) replaces this file
//! with measured weights.
//!
//! Until then each call is charged on the high side of the measured pallets it leans on
//! (docs/operator-guide.md, "Message and transfer weights"): an order sent costs what
//! `transfer_out` measured for queueing a message (470 µs, 17 reads, 13 writes, about 14 KB of
//! proof), a hub leg moved what a refund of a transfer measured (154 µs, 5 reads, 4 writes), and
//! a peer leg checked one registry record (10,513 bytes at its largest).

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(missing_docs)]

use polkadot_sdk::frame_support::{traits::Get, weights::Weight};
use core::marker::PhantomData;

/// Weight functions for `pallet_settlement`.
pub struct WeightInfo<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> pallet_settlement::WeightInfo for WeightInfo<T> {
	/// The record written, the proposer's deposit held, one registry read per leg.
	fn propose(l: u32) -> Weight {
		Weight::from_parts(150_000_000, 4_000)
			.saturating_add(Weight::from_parts(40_000_000, 13_000).saturating_mul(l.into()))
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(l.into())))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Each of `l` hub legs moved into escrow and booked.
	fn sign_up(l: u32) -> Weight {
		Weight::from_parts(150_000_000, 6_000)
			.saturating_add(Weight::from_parts(160_000_000, 6_000).saturating_mul(l.into()))
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().reads((5_u64).saturating_mul(l.into())))
			.saturating_add(T::DbWeight::get().writes(2))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(l.into())))
	}
	/// The record read and written.
	fn sign_up_by_message(l: u32) -> Weight {
		Weight::from_parts(60_000_000, 2_000)
			.saturating_add(Weight::from_parts(5_000_000, 150).saturating_mul(l.into()))
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// `l` orders queued through the messaging pallet, each like `transfer_out`'s message (a
	/// hub leg paid out of escrow costs less).
	fn advance(l: u32) -> Weight {
		Weight::from_parts(150_000_000, 4_000)
			.saturating_add(Weight::from_parts(500_000_000, 14_000).saturating_mul(l.into()))
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().reads((17_u64).saturating_mul(l.into())))
			.saturating_add(T::DbWeight::get().writes(2))
			.saturating_add(T::DbWeight::get().writes((13_u64).saturating_mul(l.into())))
	}
	/// `l` hub legs paid out of escrow, each like a refund of a transfer in a wrapped asset
	/// (the asset, both accounts, the payee's existence and the books), then the record removed
	/// and the deposit released.
	fn advance_paying(l: u32) -> Weight {
		Weight::from_parts(150_000_000, 6_000)
			.saturating_add(Weight::from_parts(160_000_000, 6_000).saturating_mul(l.into()))
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().reads((6_u64).saturating_mul(l.into())))
			.saturating_add(T::DbWeight::get().writes(4))
			.saturating_add(T::DbWeight::get().writes((5_u64).saturating_mul(l.into())))
	}
	/// The decision recorded (or a leg settled and the settlement concluded: the deposit
	/// released).
	fn answer(l: u32) -> Weight {
		Weight::from_parts(100_000_000, 4_000)
			.saturating_add(Weight::from_parts(5_000_000, 150).saturating_mul(l.into()))
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// A deferred payment paid out of escrow.
	fn claim_payout() -> Weight {
		Weight::from_parts(160_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(4))
	}
}
