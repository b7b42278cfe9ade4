//! # Chain registry
//!
//! The hub's source of truth for which chains are its peers and how each of them is trusted.
//! A chain's operator applies with a deposit; governance (a council majority) admits or rejects
//! the application and later suspends, resumes or retires the chain. The other pallets read the
//! registry through the [`fusion_hub_primitives::ChainRegistry`] trait: only an `Active` chain
//! may send or receive anything.
//!
//! ## Records
//!
//! A [`ChainRecord`] holds the chain's name, its [`ChainKind`] (Polkadot parachain, Substrate
//! chain, EVM chain or permissioned ledger), its [`VerifierConfig`] (notary committee, GRANDPA
//! authority set with a trusted header, or the relay chain), its operator, the deposit held from
//! the operator, its [`ChainStatus`] and the blocks at which it was proposed and last changed
//! status. The types and the checks on verifier configurations live in `fusion-hub-primitives`,
//! so that applicants and relayers can run the same checks off-chain.
//!
//! ## Lifecycle
//!
//! | call | origin | from | to |
//! |---|---|---|---|
//! | [`propose_chain`](Pallet::propose_chain) | signed (the operator) | — | `Proposed` |
//! | [`approve_chain`](Pallet::approve_chain) | `GovernanceOrigin` | `Proposed` | `Active` |
//! | [`reject_chain`](Pallet::reject_chain) | `GovernanceOrigin` | `Proposed` | record removed |
//! | [`suspend_chain`](Pallet::suspend_chain) | `EmergencyOrigin` | `Active` | `Suspended` |
//! | [`resume_chain`](Pallet::resume_chain) | `GovernanceOrigin` | `Suspended`, `Frozen` | `Active` |
//! | [`retire_chain`](Pallet::retire_chain) | `GovernanceOrigin` | `Active`, `Suspended`, `Frozen` | `Retired` |
//! | [`update_verifier`](Pallet::update_verifier) | `GovernanceOrigin` | any but `Retired` | unchanged |
//! | `ChainRegistry::freeze` (trait, not a call) | the proof verifier | `Active`, `Suspended` | `Frozen` |
//!
//! Every transition emits an event and records the block in `status_changed_at`; every refused
//! transition fails with a named error and changes nothing.
//!
//! ## Decisions
//!
//! - **Deposits are fungible holds** (reason [`HoldReason::ChainDeposit`]), taken when the chain
//!   is proposed. The amount is the `ChainDeposit` constant at that time and is stored in the
//!   record, so a later change of the constant never releases more or less than was held.
//! - **A rejected application's deposit is burned**: slashed from the hold, which reduces total
//!   issuance. Its record is removed, so the id may be applied for again.
//! - **A retired chain's deposit returns to its operator**, and its record stays as `Retired`
//!   forever (with `deposit` set to zero): messages and proofs name chains by id, and reusing an
//!   id would let old messages or proofs be replayed against a different chain.
//! - **`MaxChains` counts every record, retired ones included**, because retired records are
//!   never deleted: the bound limits storage and the runtime API's lists. When it is reached,
//!   governance raises it in a runtime upgrade.
//! - **Verifier configurations are checked before they are stored** (on proposal and on update):
//!   a committee must be non-empty, without duplicate keys, with `0 < threshold <= members`; a
//!   GRANDPA set must be non-empty, without duplicate keys, without zero weights and with a total
//!   weight that fits in a `u64`. The kind decides which verifiers are allowed: a Polkadot
//!   parachain uses the relay chain and nothing else (and only a parachain may); a Substrate
//!   chain uses GRANDPA or a committee; EVM chains and permissioned ledgers use a committee.
//! - **Names must be non-empty**; their length is bounded by the call's type, so a too-long name
//!   is refused when the extrinsic is decoded.
//! - **Suspension is the emergency origin's only power**; resuming (also from `Frozen`),
//!   retiring and changing a verifier take the governance origin. A frozen chain stays frozen
//!   until governance resumes or retires it; governance may replace its verifier first.
//! - **The verifier may be replaced while the chain is `Proposed`, `Active`, `Suspended` or
//!   `Frozen`**, never once it is retired.
//!
//! ## Not done here
//!
//! - Proofs are verified by the proof-verifier pallet, messages routed by the messages pallet;
//!   this pallet only stores and gates.
//! - Committee rotation by a handover signed by the current committee happens in the proof
//!   verifier; here governance replaces a verifier configuration outright.
//! - The registry does not detect the same physical chain registered twice under two ids (a
//!   permissioned ledger has no global identifier to compare); governance must check that when
//!   it approves an application.
//! - An operator cannot withdraw an application; governance approves or rejects it.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod functions;
mod impl_registry;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

use fusion_hub_primitives::{ChainId, ChainKind, ChainStatus, VerifierConfig};
use polkadot_sdk::*;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{pallet_prelude::*, traits::fungible};
	use frame_system::pallet_prelude::*;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The currency in which deposits are held.
		#[cfg(not(feature = "runtime-benchmarks"))]
		type Currency: fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
		/// The currency in which deposits are held; benchmarks also fund accounts with it.
		#[cfg(feature = "runtime-benchmarks")]
		type Currency: fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::Mutate<Self::AccountId>;

		/// Deposit held from the operator of an application. Limits spam: an application costs
		/// this much if governance rejects it.
		#[pallet::constant]
		type ChainDeposit: Get<BalanceOf<Self>>;

		/// Admits, rejects, resumes and retires chains and replaces their verifiers.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Suspends an active chain in an emergency; nothing else.
		type EmergencyOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The pallets that keep per-chain state: told when governance replaces a verifier (they
		/// drop what it proved) and when a chain is retired (they prune it).
		type TrustReset: fusion_hub_primitives::ChainTrustReset;

		/// What other pallets still hold for a chain (messages pending to or routed from it): a
		/// chain in use is not retired.
		type Usage: fusion_hub_primitives::ChainUsage;

		/// Maximum number of records, retired chains included. Bounds storage and the runtime
		/// API's lists, which iterate over all records.
		#[pallet::constant]
		type MaxChains: Get<u32>;

		/// Maximum length of a chain's name in bytes. Bounds the size of a record.
		#[pallet::constant]
		type MaxNameLength: Get<u32>;

		/// Maximum number of members of a notary committee. Bounds the size of a record and the
		/// cost of checking a configuration (and of verifying an attestation, in the verifier).
		#[pallet::constant]
		type MaxCommitteeSize: Get<u32>;

		/// Maximum number of GRANDPA authorities. Bounds the size of a record and the cost of
		/// checking a configuration (and of verifying a justification, in the verifier).
		#[pallet::constant]
		type MaxGrandpaAuthorities: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit of a chain's application: held from proposal until the chain is rejected
		/// (burned) or retired (released).
		#[codec(index = 0)]
		ChainDeposit,
	}

	/// Every chain the registry knows, by id: applications, peers and retired chains.
	#[pallet::storage]
	pub type Chains<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, ChainId, ChainRecord<T>, OptionQuery>;

	/// The chain id of each parachain the registry has a record of, by its para id on the relay
	/// chain: one record per parachain, from its application until it is rejected or retired.
	/// XCM from a sibling is let in, held or refused by that record's status.
	#[pallet::storage]
	pub type ParachainChains<T: Config> = StorageMap<_, Twox64Concat, u32, ChainId, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An operator applied for a chain and `deposit` was put on hold.
		ChainProposed {
			chain_id: ChainId,
			operator: T::AccountId,
			kind: ChainKind,
			deposit: BalanceOf<T>,
		},
		/// Governance admitted the chain; it is active.
		ChainApproved { chain_id: ChainId },
		/// Governance rejected the application: `burned` was burned and the record removed.
		ChainRejected { chain_id: ChainId, operator: T::AccountId, burned: BalanceOf<T> },
		/// The emergency origin suspended the chain.
		ChainSuspended { chain_id: ChainId },
		/// Governance resumed the chain from `from` (`Suspended` or `Frozen`); it is active.
		ChainResumed { chain_id: ChainId, from: ChainStatus },
		/// The proof verifier froze the chain, which was `from` (`Active` or `Suspended`).
		ChainFrozen { chain_id: ChainId, from: ChainStatus },
		/// Governance retired the chain for good and `released` went back to the operator.
		ChainRetired { chain_id: ChainId, operator: T::AccountId, released: BalanceOf<T> },
		/// Governance replaced the chain's verifier configuration.
		VerifierUpdated { chain_id: ChainId },
		/// The proof verifier recorded a verifier configuration the chain proved itself: a
		/// committee handover or a GRANDPA authority-set change.
		VerifierRotated { chain_id: ChainId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// A chain with this id is registered or was retired; ids are never reused.
		ChainAlreadyExists,
		/// No chain has this id.
		ChainNotFound,
		/// The registry already holds `MaxChains` records.
		TooManyChains,
		/// The chain's name is empty.
		EmptyName,
		/// The chain is not an application awaiting a decision.
		NotProposed,
		/// The chain is not active.
		NotActive,
		/// The chain is neither suspended nor frozen.
		NotSuspendedOrFrozen,
		/// The chain is neither active nor suspended.
		NotActiveOrSuspended,
		/// The chain was never admitted: reject its application instead.
		NotAdmitted,
		/// The chain is retired; its record is kept only so that its id is never reused.
		ChainRetired,
		/// Messages are still pending to the chain or routed from it: they must complete (by
		/// proof, or by governance's decree) before it is retired.
		ChainInUse,
		/// The chain's kind cannot use this kind of verifier.
		VerifierKindMismatch,
		/// The committee has no member.
		EmptyCommittee,
		/// The committee's threshold is zero or larger than the committee.
		InvalidCommitteeThreshold,
		/// A key appears twice in the committee.
		DuplicateCommitteeMember,
		/// The GRANDPA authority set is empty.
		EmptyAuthoritySet,
		/// A GRANDPA authority has weight zero.
		ZeroAuthorityWeight,
		/// The GRANDPA authorities' total weight does not fit in a `u64`.
		AuthorityWeightOverflow,
		/// A key appears twice in the GRANDPA authority set.
		DuplicateAuthority,
		/// The id is the hub's own on message channels (`HUB_CHAIN_ID`).
		ReservedChainId,
		/// The committee's threshold is not a Byzantine supermajority: it must be above two
		/// thirds of the members.
		ThresholdBelowSupermajority,
		/// A handover asks for a smaller share of signers than the committee governance admitted.
		ThresholdRatioLowered,
		/// The new committee's set id is not above every set id the chain's committees have had:
		/// attestations of a reused set id would be valid again.
		SetIdNotIncreased,
		/// Another record, not retired, is already the parachain with this para id.
		ParaIdInUse,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxChains::get() > 0, "MaxChains must be positive");
			assert!(T::MaxNameLength::get() > 0, "MaxNameLength must be positive");
			assert!(T::MaxCommitteeSize::get() > 0, "MaxCommitteeSize must be positive");
			assert!(T::MaxGrandpaAuthorities::get() > 0, "MaxGrandpaAuthorities must be positive");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Applies for `chain_id` as a peer, with the caller as its operator. Holds
		/// `ChainDeposit` from the caller; the chain is `Proposed` until governance decides.
		///
		/// The call fails if:
		/// - the id is taken, by any record including a retired one (`ChainAlreadyExists`);
		/// - the registry holds `MaxChains` records (`TooManyChains`);
		/// - the name is empty (`EmptyName`);
		/// - the kind cannot use the verifier, or the verifier is invalid (see the errors);
		/// - the kind is a parachain that another record, not retired, already is
		///   (`ParaIdInUse`);
		/// - the caller cannot put the deposit on hold (the currency's error).
		#[pallet::call_index(0)]
		#[pallet::weight(Pallet::<T>::propose_chain_weight(verifier))]
		pub fn propose_chain(
			origin: OriginFor<T>,
			chain_id: ChainId,
			name: ChainNameOf<T>,
			kind: ChainKind,
			verifier: VerifierConfigOf<T>,
		) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			Self::do_propose_chain(operator, chain_id, name, kind, verifier)
		}

		/// Admits a proposed chain: it becomes `Active`.
		///
		/// The call fails if the origin is not `GovernanceOrigin`, the chain is unknown
		/// (`ChainNotFound`) or not `Proposed` (`NotProposed`).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::approve_chain())]
		pub fn approve_chain(origin: OriginFor<T>, chain_id: ChainId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_approve_chain(chain_id)
		}

		/// Rejects a proposed chain: its deposit is burned and its record removed, so that the
		/// id may be applied for again.
		///
		/// The call fails if the origin is not `GovernanceOrigin`, the chain is unknown
		/// (`ChainNotFound`) or not `Proposed` (`NotProposed`).
		#[pallet::call_index(2)]
		#[pallet::weight(
			T::WeightInfo::reject_chain().saturating_add(Pallet::<T>::forget_parachain_weight())
		)]
		pub fn reject_chain(origin: OriginFor<T>, chain_id: ChainId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_reject_chain(chain_id)
		}

		/// Suspends an active chain: it may no longer send or receive.
		///
		/// The call fails if the origin is not `EmergencyOrigin`, the chain is unknown
		/// (`ChainNotFound`) or not `Active` (`NotActive`).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::suspend_chain())]
		pub fn suspend_chain(origin: OriginFor<T>, chain_id: ChainId) -> DispatchResult {
			T::EmergencyOrigin::ensure_origin(origin)?;
			Self::do_suspend_chain(chain_id)
		}

		/// Makes a suspended or frozen chain `Active` again.
		///
		/// The call fails if the origin is not `GovernanceOrigin`, the chain is unknown
		/// (`ChainNotFound`) or neither `Suspended` nor `Frozen` (`NotSuspendedOrFrozen`).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::resume_chain())]
		pub fn resume_chain(origin: OriginFor<T>, chain_id: ChainId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_resume_chain(chain_id)
		}

		/// Retires a chain for good: its deposit returns to the operator, its record stays as
		/// `Retired` so that its id is never reused, and the other pallets prune their state of
		/// it (`TrustReset`: headers, channel nonces).
		///
		/// The call fails if the origin is not `GovernanceOrigin`, the chain is unknown
		/// (`ChainNotFound`), still `Proposed` (`NotAdmitted`) or already `Retired`
		/// (`ChainRetired`), or messages are still pending to or routed from it (`ChainInUse`).
		#[pallet::call_index(5)]
		#[pallet::weight(
			T::WeightInfo::retire_chain()
				.saturating_add(<T::TrustReset as fusion_hub_primitives::ChainTrustReset>::retired_weight())
				.saturating_add(Pallet::<T>::forget_parachain_weight())
		)]
		pub fn retire_chain(origin: OriginFor<T>, chain_id: ChainId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_retire_chain(chain_id)
		}

		/// Replaces a chain's verifier configuration: the reset of a light client that can no
		/// longer be trusted or can no longer move on. The status does not change; the headers
		/// the hub verified under the old verifier are dropped (`TrustReset`), so the next one
		/// the new verifier proves starts the chain again, at any height (a GRANDPA verifier
		/// carries its own trusted header). A committee's threshold ratio becomes the floor for
		/// its handovers.
		///
		/// The call fails if the origin is not `GovernanceOrigin`, the chain is unknown
		/// (`ChainNotFound`) or `Retired` (`ChainRetired`), its kind cannot use the verifier or
		/// the verifier is invalid (see the errors), or a committee's set id is not above every
		/// set id the chain's committees have had (`SetIdNotIncreased`).
		#[pallet::call_index(6)]
		#[pallet::weight(Pallet::<T>::update_verifier_weight(verifier))]
		pub fn update_verifier(
			origin: OriginFor<T>,
			chain_id: ChainId,
			verifier: VerifierConfigOf<T>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_update_verifier(chain_id, verifier)
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Weight of `propose_chain`: checking a configuration costs in its number of keys.
	fn propose_chain_weight(verifier: &VerifierConfigOf<T>) -> frame_support::weights::Weight {
		match verifier {
			VerifierConfig::Grandpa(grandpa) => {
				T::WeightInfo::propose_chain_grandpa(grandpa.authorities.len() as u32)
			},
			VerifierConfig::Committee(_) => {
				T::WeightInfo::propose_chain_committee(verifier.key_count())
			},
			// A parachain: the smallest record, plus its para id looked up and indexed.
			VerifierConfig::RelayChain => T::WeightInfo::propose_chain_committee(0).saturating_add(
				<T::DbWeight as frame_support::traits::Get<_>>::get().reads_writes(1, 1),
			),
		}
	}

	/// A parachain record's para id, removed from the index when the record is rejected or
	/// retired; measured on a committee chain, which has none.
	fn forget_parachain_weight() -> frame_support::weights::Weight {
		<T::DbWeight as frame_support::traits::Get<_>>::get().writes(1)
	}

	/// Weight of `update_verifier`: checking a configuration costs in its number of keys; the
	/// other pallets then drop what the old verifier proved.
	fn update_verifier_weight(verifier: &VerifierConfigOf<T>) -> frame_support::weights::Weight {
		use fusion_hub_primitives::ChainTrustReset;
		T::TrustReset::verifier_replaced_weight().saturating_add(match verifier {
			VerifierConfig::Grandpa(grandpa) => {
				T::WeightInfo::update_verifier_grandpa(grandpa.authorities.len() as u32)
			},
			VerifierConfig::Committee(_) | VerifierConfig::RelayChain => {
				T::WeightInfo::update_verifier_committee(verifier.key_count())
			},
		})
	}
}
