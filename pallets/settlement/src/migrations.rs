//! Migrations of the pallet's state.

use crate::{Config, Pallet};
use polkadot_sdk::frame_support::{
	traits::{fungible::Inspect, Get, OnRuntimeUpgrade},
	weights::Weight,
};

/// Endows the escrow account, as genesis does, on a chain that gains the pallet by a runtime
/// upgrade. Idempotent: an endowed escrow is left as it is.
pub struct EndowEscrow<T>(core::marker::PhantomData<T>);

impl<T: Config> OnRuntimeUpgrade for EndowEscrow<T> {
	fn on_runtime_upgrade() -> Weight {
		let escrow = Pallet::<T>::escrow_account();
		if T::Currency::balance(&escrow) >= T::Currency::minimum_balance() {
			return T::DbWeight::get().reads(1);
		}
		Pallet::<T>::endow_escrow_account();
		// The account and the total issuance, each read and written.
		T::DbWeight::get().reads_writes(2, 2)
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(
		_: alloc::vec::Vec<u8>,
	) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		let escrow = Pallet::<T>::escrow_account();
		polkadot_sdk::frame_support::ensure!(
			T::Currency::balance(&escrow) >= T::Currency::minimum_balance(),
			"the settlement escrow is not endowed"
		);
		Ok(())
	}
}
