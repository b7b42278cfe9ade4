//! # Proof verifier
//!
//! The hub's light-client state for every peer chain: the headers it has verified, and the
//! answer to one question for the rest of the hub: is this value really in that chain at that
//! height ([`VerifyInclusion`])?
//!
//! A header is accepted only with a proof of finality that fits the chain's verifier
//! configuration in the registry ([`fusion_hub_primitives::ChainRegistry`]):
//! - a **committee** chain: k-of-n member signatures over the domain-separated header payload
//!   ([`fusion_hub_primitives::attestation`]);
//! - a **GRANDPA** chain: a justification by the current authority set, checked by
//!   polkadot-sdk's bridge code; a header that enacts a scheduled authority-set change moves the
//!   chain to the next set.
//!
//! Headers may arrive in any order within the kept window (`HeadersToKeep` heights up to the
//! best verified one): a relayer that skipped a header goes back for it. The last
//! [`Config::HeadersToKeep`] imports of each chain are kept in a ring; older ones are pruned and
//! can no longer back inclusion proofs.
//!
//! A committee hands over to its successor with [`Pallet::rotate_committee`], signed by its own
//! threshold. Anyone who holds two conflicting statements signed by the current committee or
//! one of the last [`Config::CommitteesToKeep`] before it (two different headers of one height,
//! or two different handovers) reports them with [`Pallet::report_misbehaviour`]: the registry
//! freezes the chain, the hub drops every header it verified of the chain (a forged one must
//! back nothing, even after governance resumes the chain), and the reporter pays no fee.
//!
//! When governance replaces a chain's verifier or retires the chain, the registry tells this
//! pallet ([`fusion_hub_primitives::ChainTrustReset`]) and the chain's headers are dropped too:
//! the next header the new verifier proves starts the chain again, at any height.
//!
//! The pallet has no privileged call: the signatures are the authority. Everything that crosses
//! chains is bound to the chain id and the committee or authority set id, so it cannot be
//! replayed elsewhere or after a handover.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod functions;
mod impl_inclusion;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use pallet::*;
pub use weights::WeightInfo;

use fusion_hub_primitives::{
	attestation::AttestationError, grandpa::GrandpaError, Attestation, AttestedHeader,
	ChainRegistry, CommitteeConfig, CommitteeHandover, HeaderUpdate, Misbehaviour,
};
use polkadot_sdk::frame_support;

/// Bound on committee members, as the registry sets it.
pub type MaxCommitteeSizeOf<T> = <<T as Config>::Registry as ChainRegistry>::MaxCommitteeSize;
/// A committee of the registry's size.
pub type CommitteeOf<T> = CommitteeConfig<MaxCommitteeSizeOf<T>>;
/// An attestation by a committee of the registry's size.
pub type AttestationOf<T> = Attestation<MaxCommitteeSizeOf<T>>;
/// An attested header.
pub type AttestedHeaderOf<T> = AttestedHeader<MaxCommitteeSizeOf<T>>;
/// A header update.
pub type HeaderUpdateOf<T> = HeaderUpdate<MaxCommitteeSizeOf<T>>;
/// A committee handover.
pub type CommitteeHandoverOf<T> = CommitteeHandover<MaxCommitteeSizeOf<T>>;
/// Evidence of a committee's misbehaviour.
pub type MisbehaviourOf<T> = Misbehaviour<MaxCommitteeSizeOf<T>>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use fusion_hub_primitives::{ChainId, VerifiedHeader};
	use polkadot_sdk::{
		frame_support::{dispatch::DispatchResultWithPostInfo, pallet_prelude::*},
		frame_system::pallet_prelude::*,
		sp_core::H256,
	};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The registry of peer chains: their status and verifier configuration.
		type Registry: ChainRegistry;

		/// How many verified headers are kept per chain; older ones are pruned. At least 1.
		#[pallet::constant]
		type HeadersToKeep: Get<u32>;

		/// How many committees before the current one are kept per chain, so that evidence of
		/// their misbehaviour can still be reported after they handed over.
		#[pallet::constant]
		type CommitteesToKeep: Get<u32>;

		/// Weights of the calls and of inclusion checks.
		type WeightInfo: WeightInfo;
	}

	/// The number of the highest verified header of each chain; the header itself is the newest
	/// entry of `Headers`.
	#[pallet::storage]
	pub type BestNumbers<T: Config> = StorageMap<_, Twox64Concat, ChainId, u32>;

	/// The verified headers of each chain that are still kept, by number.
	#[pallet::storage]
	pub type Headers<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ChainId, Twox64Concat, u32, VerifiedHeader>;

	/// The ring of kept headers of each chain: slot -> header number.
	#[pallet::storage]
	pub type HeaderRing<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ChainId, Twox64Concat, u32, u32>;

	/// The slot of each chain's ring that the next verified header takes.
	#[pallet::storage]
	pub type NextRingSlot<T: Config> = StorageMap<_, Twox64Concat, ChainId, u32, ValueQuery>;

	/// The committees that handed over, by chain and set id: the last `CommitteesToKeep` of
	/// each chain. Evidence they signed is still reportable.
	#[pallet::storage]
	pub type PastCommittees<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ChainId, Twox64Concat, u64, CommitteeOf<T>>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A header of the chain was verified and recorded.
		HeaderVerified { chain_id: ChainId, number: u32, hash: H256, set_id: u64 },
		/// A verified GRANDPA header enacted a new authority set.
		AuthoritySetChanged { chain_id: ChainId, set_id: u64, authorities: u32 },
		/// The committee handed over to its successor.
		CommitteeRotated { chain_id: ChainId, set_id: u64, members: u32, threshold: u32 },
		/// Committee `set_id` signed two conflicting statements: two different headers at
		/// `height`, or (`height` is `None`) two different handovers. The chain is frozen.
		MisbehaviourReported {
			chain_id: ChainId,
			set_id: u64,
			height: Option<u32>,
			reporter: T::AccountId,
		},
		/// Every verified header of the chain was dropped (`headers` of them): the chain was
		/// frozen, its verifier replaced by governance, or it was retired.
		HeadersDropped { chain_id: ChainId, headers: u32 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The registry has no chain with this id.
		UnknownChain,
		/// The chain is not an admitted peer (proposed or retired).
		ChainNotActive,
		/// The chain is suspended by the emergency origin.
		ChainSuspended,
		/// The chain is frozen on evidence of misbehaviour.
		ChainFrozen,
		/// The chain is a parachain: the relay chain secures it and it submits no headers here.
		RelayChainSecured,
		/// The update's kind (committee or GRANDPA) is not the chain's verifier kind.
		UpdateKindMismatch,
		/// The call needs a committee chain.
		NotCommitteeChain,
		/// The hub already holds a header at this height, or the height is below the kept window
		/// (`HeadersToKeep` below the best verified height), or not above the GRANDPA set's
		/// starting header.
		StaleHeader,
		/// Fewer signatures than the committee's threshold.
		BelowThreshold,
		/// A signer is not a member of the committee.
		UnknownSigner,
		/// A member signed twice.
		DuplicateSigner,
		/// A signature's scheme is not its signer's.
		SchemeMismatch,
		/// A signature does not verify.
		BadSignature,
		/// The justification finalises another header.
		GrandpaTargetMismatch,
		/// The registered authority set cannot form a GRANDPA voter set.
		GrandpaInvalidAuthoritySet,
		/// The precommits' weight is below the authority set's supermajority.
		GrandpaNotEnoughVotes,
		/// A precommit is signed by a key outside the authority set.
		GrandpaUnknownAuthority,
		/// An authority voted twice.
		GrandpaDuplicateVote,
		/// The justification carries more precommits than the supermajority needs.
		GrandpaRedundantVote,
		/// A precommit's signature does not verify.
		GrandpaBadSignature,
		/// A precommit votes for a header that does not descend from the target.
		GrandpaUnrelatedAncestry,
		/// The justification's ancestry carries a header twice.
		GrandpaDuplicateAncestry,
		/// The justification's ancestry carries headers that no precommit needs.
		GrandpaRedundantAncestry,
		/// The header forces an authority-set change, which a light client cannot follow.
		GrandpaForcedChange,
		/// The header schedules an authority-set change with a delay; only immediate changes are
		/// followed.
		GrandpaDelayedChange,
		/// The next authority set is larger than the registry allows.
		TooManyAuthorities,
		/// The next committee's set id is not the current one plus one.
		UnexpectedSetId,
		/// The set id cannot be incremented any more.
		SetIdOverflow,
		/// The next committee is invalid: empty, with a duplicate member, or with a threshold
		/// outside `1..=members` or not above two thirds of the members.
		InvalidNextCommittee,
		/// The two statements do not conflict: headers of different heights or identical,
		/// or identical handovers.
		NotConflicting,
		/// The chain is already frozen.
		AlreadyFrozen,
		/// A GRANDPA header below the best verified one enacts an authority-set change: the
		/// headers above it were finalised by the set it claims to replace.
		GrandpaChangeBelowBest,
		/// An ECDSA signature is not in canonical form: `s` above half the curve order, or `v`
		/// outside `{0, 1, 27, 28}`.
		NonCanonicalSignature,
		/// The evidence names a set id that is neither the chain's current committee nor one of
		/// the kept earlier ones.
		UnknownCommitteeSet,
		/// Evidence against a committee that handed over must include what the hub took from
		/// it: a header it still holds, imported under that committee, or the handover it
		/// enacted.
		EvidenceNotTaken,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::HeadersToKeep::get() >= 1, "HeadersToKeep must be at least 1");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Submits a header of `chain_id` with its proof of finality.
		///
		/// Anyone may relay. The chain must be active; the update must be of its verifier's kind
		/// (committee attestation or GRANDPA justification), of a height the hub does not hold,
		/// within `HeadersToKeep` of the best verified height (lower heights are welcome).
		/// On success the header joins the chain's ring of recent headers, pruning the oldest,
		/// and `HeaderVerified` is emitted; a GRANDPA header that enacts a scheduled change also
		/// moves the chain to the next authority set (`AuthoritySetChanged`).
		#[pallet::call_index(0)]
		#[pallet::weight(Pallet::<T>::submit_header_weight(update))]
		pub fn submit_header(
			origin: OriginFor<T>,
			chain_id: ChainId,
			update: HeaderUpdateOf<T>,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_submit_header(chain_id, update)
		}

		/// Replaces the committee of `chain_id` with `handover.next`, on the signatures of the
		/// current committee's threshold over the handover payload.
		///
		/// The next committee's set id must be the current one plus one; from then on only its
		/// members' attestations count.
		#[pallet::call_index(1)]
		#[pallet::weight(Pallet::<T>::rotate_committee_weight(handover))]
		pub fn rotate_committee(
			origin: OriginFor<T>,
			chain_id: ChainId,
			handover: CommitteeHandoverOf<T>,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_rotate_committee(chain_id, handover)
		}

		/// Reports two conflicting statements signed by one committee of `chain_id`, the current
		/// one or one of the last `CommitteesToKeep` before it: two headers of one height that
		/// differ in any field, or two different handovers. The registry freezes the chain until
		/// governance resumes or retires it, and every header the hub verified of it is dropped.
		/// Anyone may report; a successful report pays no fee.
		#[pallet::call_index(2)]
		#[pallet::weight(Pallet::<T>::report_misbehaviour_weight(evidence))]
		pub fn report_misbehaviour(
			origin: OriginFor<T>,
			chain_id: ChainId,
			evidence: MisbehaviourOf<T>,
		) -> DispatchResultWithPostInfo {
			let reporter = ensure_signed(origin)?;
			Self::do_report_misbehaviour(reporter, chain_id, evidence)?;
			Ok(Pays::No.into())
		}
	}
}

impl<T: Config> From<AttestationError> for Error<T> {
	fn from(error: AttestationError) -> Self {
		match error {
			AttestationError::BelowThreshold => Error::<T>::BelowThreshold,
			AttestationError::UnknownSigner => Error::<T>::UnknownSigner,
			AttestationError::DuplicateSigner => Error::<T>::DuplicateSigner,
			AttestationError::SchemeMismatch => Error::<T>::SchemeMismatch,
			AttestationError::BadSignature => Error::<T>::BadSignature,
			AttestationError::NonCanonicalSignature => Error::<T>::NonCanonicalSignature,
		}
	}
}

impl<T: Config> From<GrandpaError> for Error<T> {
	fn from(error: GrandpaError) -> Self {
		match error {
			GrandpaError::TargetMismatch => Error::<T>::GrandpaTargetMismatch,
			GrandpaError::InvalidAuthoritySet => Error::<T>::GrandpaInvalidAuthoritySet,
			GrandpaError::NotEnoughVotes => Error::<T>::GrandpaNotEnoughVotes,
			GrandpaError::UnknownAuthorityVote => Error::<T>::GrandpaUnknownAuthority,
			GrandpaError::DuplicateAuthorityVote => Error::<T>::GrandpaDuplicateVote,
			GrandpaError::RedundantAuthorityVote => Error::<T>::GrandpaRedundantVote,
			GrandpaError::InvalidAuthoritySignature => Error::<T>::GrandpaBadSignature,
			GrandpaError::UnrelatedAncestryVote => Error::<T>::GrandpaUnrelatedAncestry,
			GrandpaError::DuplicateVotesAncestries => Error::<T>::GrandpaDuplicateAncestry,
			GrandpaError::RedundantVotesAncestries => Error::<T>::GrandpaRedundantAncestry,
			GrandpaError::ForcedChange => Error::<T>::GrandpaForcedChange,
			GrandpaError::DelayedChange => Error::<T>::GrandpaDelayedChange,
		}
	}
}
