//! # Hub notaries
//!
//! The hub's notary set: `threshold` of `members` secp256k1 keys (named by their Ethereum
//! addresses) that sign checkpoints of the hub's outbound root for a destination, so that an
//! EVM gateway can verify the hub with a few `ecrecover`s (`contracts/src/HubNotaries.sol`).
//! The checkpoint and handover payloads are in `fusion_hub_primitives::notary` and
//! docs/protocol.md, "Hub notary checkpoints".
//!
//! ## Who may do what
//!
//! | call | origin | effect |
//! |---|---|---|
//! | [`schedule_rotation`](Pallet::schedule_rotation) | `GovernanceOrigin` | names the next set (the first set is installed at once) |
//! | [`cancel_rotation`](Pallet::cancel_rotation) | `GovernanceOrigin` | drops the scheduled set; its id is never used again |
//! | [`submit_handover`](Pallet::submit_handover) | signed (anyone, a relayer) | the current set's signatures over the handover install the scheduled set |
//! | [`report_equivocation`](Pallet::report_equivocation) | signed (anyone) | two checkpoints one notary signed for one destination, set and height |
//! | [`report_false_checkpoint`](Pallet::report_false_checkpoint) | signed (anyone) | a checkpoint a notary signed of a block hash or root the hub never had |
//!
//! ## Decisions
//!
//! - **The hub rotates only by the handover the gateways need.** Governance chooses the next
//!   set; it takes over when the current set's threshold signed the handover, and the signed
//!   handover stays on chain ([`Handovers`]) for every gateway still on an older set. So the hub
//!   never stands behind a set its gateways cannot be moved to.
//! - **Set ids are never reused.** A cancelled rotation burns its id, so signatures over a
//!   cancelled handover name a set the hub never installs.
//! - **Thresholds are Byzantine supermajorities** (`3k > 2n`), as for the peers' committees: two
//!   conflicting checkpoints both at threshold need more than a third of the set to sign both.
//! - **Misbehaviour is recorded, not punished here.** Notaries post no bond on the hub; a proven
//!   report records the offender ([`Offenders`]), emits [`Event::NotaryMisbehaved`] and costs the
//!   reporter nothing; governance rotates the offender out (a gateway's admin may pause it
//!   meanwhile). Reports are accepted for the current set and the one before it, which gateways
//!   may still trust until they take the handover.
//! - **What a false checkpoint is**, on the hub's own records: a block not yet built, a block
//!   hash other than the hub's (within `BlockHashCount`), or a root other than the one the hub
//!   committed for the destination in that block (within the messages pallet's window). The hub
//!   keeps no per-block timestamps, so a wrong timestamp is not provable here; gateways do not
//!   act on it.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
mod reports;
mod rotation;
#[cfg(test)]
mod tests;
pub mod weights;

pub use pallet::*;
pub use weights::WeightInfo;

use fusion_hub_primitives::notary::{NotaryError, NotaryHandover, NotarySet, SignedCheckpoint};
use polkadot_sdk::*;

/// A notary set of the runtime's size.
pub type NotarySetOf<T> = NotarySet<<T as Config>::MaxNotaries>;
/// A signed handover of the runtime's size.
pub type NotaryHandoverOf<T> = NotaryHandover<<T as Config>::MaxNotaries>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_core::{ecdsa, H160, H256};

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>, Hash = H256>
	{
		/// Schedules and cancels rotations (a Council majority).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// What the hub committed to each destination: false checkpoints are judged by it.
		type Commitments: fusion_hub_primitives::OutboundCommitments;

		/// Maximum number of notaries in a set; at most the gateway's `MAX_NOTARIES` (64).
		#[pallet::constant]
		type MaxNotaries: Get<u32>;

		/// How many signed handovers are kept: a gateway further behind than this is moved on by
		/// its admin (a redeployment), not by handovers.
		#[pallet::constant]
		type HandoversToKeep: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// The set whose checkpoints the hub stands behind.
	#[pallet::storage]
	pub type CurrentSet<T: Config> = StorageValue<_, NotarySetOf<T>, OptionQuery>;

	/// The set the current one replaced: gateways may trust it until they take the handover, so
	/// its misbehaviour is still reportable.
	#[pallet::storage]
	pub type PreviousSet<T: Config> = StorageValue<_, NotarySetOf<T>, OptionQuery>;

	/// The set governance chose to come next, waiting for the current set's handover.
	#[pallet::storage]
	pub type ScheduledSet<T: Config> = StorageValue<_, NotarySetOf<T>, OptionQuery>;

	/// The id the next scheduled set gets. Ids only grow, cancelled ones included.
	#[pallet::storage]
	pub type NextSetId<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// The signed handovers, by the id of the set each installed; the last `HandoversToKeep`.
	#[pallet::storage]
	pub type Handovers<T: Config> = StorageMap<_, Twox64Concat, u64, NotaryHandoverOf<T>>;

	/// The ids of the kept [`Handovers`], oldest first.
	#[pallet::storage]
	pub type KeptHandovers<T: Config> =
		StorageValue<_, BoundedVec<u64, T::HandoversToKeep>, ValueQuery>;

	/// Notaries proven to have misbehaved, by set id and address: one report each.
	#[pallet::storage]
	pub type Offenders<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u64, Twox64Concat, H160, Offence>;

	/// What a notary was proven to have done.
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
	pub enum Offence {
		/// Signed two different checkpoints for one destination, set and hub block.
		Equivocation,
		/// Signed a checkpoint of a block hash or root the hub never had.
		FalseCheckpoint,
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Governance chose the next set; the current set signs the handover to it.
		RotationScheduled { set_id: u64, threshold: u32, members: BoundedVec<H160, T::MaxNotaries> },
		/// Governance dropped the scheduled set `set_id`.
		RotationCancelled { set_id: u64 },
		/// Set `set_id` certifies the hub's roots from now on; `from` is the set it replaced
		/// (`None` for the first set).
		NotarySetInstalled { set_id: u64, from: Option<u64> },
		/// `notary` of set `set_id` was proven to have misbehaved.
		NotaryMisbehaved { set_id: u64, notary: H160, offence: Offence, reporter: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// A set without members.
		EmptyNotarySet,
		/// Members not strictly ascending (a duplicate, or out of order).
		MembersNotSorted,
		/// The zero address as a member (no gateway could install the set).
		ZeroAddress,
		/// More members than `MaxNotaries` (only a genesis list can be).
		TooManyNotaries,
		/// The threshold is not a Byzantine supermajority (`3k > 2n`, `k <= n`).
		ThresholdNotByzantine,
		/// A rotation is already scheduled: cancel it first.
		RotationPending,
		/// No rotation is scheduled.
		NoRotationScheduled,
		/// The hub has no notary set yet.
		NoNotarySet,
		/// Fewer signatures than the threshold.
		BelowThreshold,
		/// A signature that is not canonical or recovers no key.
		InvalidSignature,
		/// Signers not strictly ascending (a duplicate, or out of order).
		SignersNotSorted,
		/// A signer that is not a member of the set.
		UnknownNotary,
		/// The set a report names is neither the current nor the previous one.
		UnknownSet,
		/// The checkpoints of an equivocation report differ in destination, set or block, or
		/// are the same checkpoint.
		NotConflicting,
		/// The two checkpoints of an equivocation report were signed by different keys.
		DifferentSigners,
		/// The checkpoint agrees with the hub's records, or is outside the blocks they cover.
		NotProvablyFalse,
		/// This notary of this set was already reported.
		AlreadyReported,
	}

	impl<T> From<NotaryError> for Error<T> {
		fn from(error: NotaryError) -> Self {
			match error {
				NotaryError::EmptyNotarySet => Error::EmptyNotarySet,
				NotaryError::MembersNotSorted => Error::MembersNotSorted,
				NotaryError::ZeroAddress => Error::ZeroAddress,
				NotaryError::ThresholdNotByzantine => Error::ThresholdNotByzantine,
				NotaryError::BelowThreshold => Error::BelowThreshold,
				NotaryError::InvalidSignature => Error::InvalidSignature,
				NotaryError::SignersNotSorted => Error::SignersNotSorted,
				NotaryError::UnknownNotary => Error::UnknownNotary,
			}
		}
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The first set, `(threshold, members)`, members strictly ascending.
		pub initial_set: Option<(u32, alloc::vec::Vec<H160>)>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let Some((threshold, members)) = &self.initial_set else { return };
			// An invalid set is not installed: the chain starts without notaries (nothing is
			// certified to any gateway) and governance installs the first set by
			// `schedule_rotation`. Test builds stop here (`defensive!`), so presets are checked.
			match Pallet::<T>::new_set(0, *threshold, members.clone()) {
				Ok(set) => {
					CurrentSet::<T>::put(set);
					NextSetId::<T>::put(1);
				},
				Err(error) => {
					frame_support::defensive!("invalid genesis notary set", error);
				},
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Names the next notary set: `threshold` of `members` (any order; duplicates refused).
		/// With no set yet, it is installed at once; otherwise it waits for the current set's
		/// handover ([`Pallet::submit_handover`]).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::schedule_rotation(members.len() as u32))]
		pub fn schedule_rotation(
			origin: OriginFor<T>,
			threshold: u32,
			members: BoundedVec<H160, T::MaxNotaries>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_schedule_rotation(threshold, members.into_inner())
		}

		/// Drops the scheduled set. Its id is not reused.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::cancel_rotation())]
		pub fn cancel_rotation(origin: OriginFor<T>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let scheduled = ScheduledSet::<T>::take().ok_or(Error::<T>::NoRotationScheduled)?;
			Self::deposit_event(Event::RotationCancelled { set_id: scheduled.id });
			Ok(())
		}

		/// Installs the scheduled set on the current set's signatures over the handover
		/// (ascending signer order, at least the threshold), and keeps them for the gateways.
		/// Free for the submitter when it succeeds.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::submit_handover(signatures.len() as u32))]
		pub fn submit_handover(
			origin: OriginFor<T>,
			signatures: BoundedVec<ecdsa::Signature, T::MaxNotaries>,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::do_submit_handover(signatures)?;
			Ok(Pays::No.into())
		}

		/// Reports a notary that signed two different checkpoints for one destination, set and
		/// hub block. Free for the reporter when it is proven.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::report_equivocation())]
		pub fn report_equivocation(
			origin: OriginFor<T>,
			first: SignedCheckpoint,
			second: SignedCheckpoint,
		) -> DispatchResultWithPostInfo {
			let reporter = ensure_signed(origin)?;
			Self::do_report_equivocation(reporter, first, second)?;
			Ok(Pays::No.into())
		}

		/// Reports a notary that signed a checkpoint the hub's records prove false. Free for the
		/// reporter when it is proven.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::report_false_checkpoint())]
		pub fn report_false_checkpoint(
			origin: OriginFor<T>,
			signed: SignedCheckpoint,
		) -> DispatchResultWithPostInfo {
			let reporter = ensure_signed(origin)?;
			Self::do_report_false_checkpoint(reporter, signed)?;
			Ok(Pays::No.into())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The runtime API's `current_set`.
	pub fn current_set() -> Option<NotarySetOf<T>> {
		CurrentSet::<T>::get()
	}

	/// The runtime API's `scheduled_set`.
	pub fn scheduled_set() -> Option<NotarySetOf<T>> {
		ScheduledSet::<T>::get()
	}

	/// The runtime API's `handover`.
	pub fn handover(set_id: u64) -> Option<NotaryHandoverOf<T>> {
		Handovers::<T>::get(set_id)
	}
}
