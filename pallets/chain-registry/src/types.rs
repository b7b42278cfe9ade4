//! The registry's record of a chain and the concrete forms of the shared types.

use crate::{Config, Error};
use codec::{Decode, Encode, MaxEncodedLen};
use fusion_hub_primitives::{
	ChainKind, ChainStatus, ThresholdRatio, VerifierConfig, VerifierConfigError,
};
use polkadot_sdk::{
	frame_support::{traits::fungible, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_runtime::BoundedVec,
};
use scale_info::TypeInfo;

/// Balance of the deposit currency.
pub type BalanceOf<T> = <<T as Config>::Currency as fungible::Inspect<
	<T as polkadot_sdk::frame_system::Config>::AccountId,
>>::Balance;

/// A chain's name: UTF-8 by convention, at most `MaxNameLength` bytes, never empty.
pub type ChainNameOf<T> = BoundedVec<u8, <T as Config>::MaxNameLength>;

/// A verifier configuration within this runtime's bounds.
pub type VerifierConfigOf<T> =
	VerifierConfig<<T as Config>::MaxCommitteeSize, <T as Config>::MaxGrandpaAuthorities>;

/// What the registry knows about one chain. Stored under the chain's id.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(T))]
pub struct ChainRecord<T: Config> {
	/// Human-readable name.
	pub name: ChainNameOf<T>,
	/// What the chain is.
	pub kind: ChainKind,
	/// How the hub decides that the chain's headers are final.
	pub verifier: VerifierConfigOf<T>,
	/// The threshold ratio of the committee governance admitted (at application or by
	/// `update_verifier`): no handover may require a smaller share of signers. `None` for other
	/// verifiers.
	pub committee_floor: Option<ThresholdRatio>,
	/// The highest set id a committee of the chain has had: a new committee's must be above it.
	/// `None` if the chain never had a committee.
	pub last_committee_set: Option<u64>,
	/// The account that applied; it paid the deposit and gets it back on retirement.
	pub operator: T::AccountId,
	/// The amount currently held from the operator for this chain: the deposit paid on
	/// application, zero once the chain is retired.
	pub deposit: BalanceOf<T>,
	/// Where the chain is in its lifecycle.
	pub status: ChainStatus,
	/// Block in which the chain was proposed.
	pub proposed_at: BlockNumberFor<T>,
	/// Block of the last status change (the proposal's block until the first decision).
	pub status_changed_at: BlockNumberFor<T>,
}

impl<T: Config> ChainRecord<T> {
	/// A record made now with `status`: the committee floor and set id follow from `verifier`.
	pub(crate) fn new(
		name: ChainNameOf<T>,
		kind: ChainKind,
		verifier: VerifierConfigOf<T>,
		operator: T::AccountId,
		deposit: BalanceOf<T>,
		status: ChainStatus,
	) -> Self {
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		let last_committee_set = match &verifier {
			VerifierConfig::Committee(committee) => Some(committee.set_id),
			_ => None,
		};
		Self {
			name,
			kind,
			committee_floor: verifier.threshold_ratio(),
			last_committee_set,
			verifier,
			operator,
			deposit,
			status,
			proposed_at: now,
			status_changed_at: now,
		}
	}
}

impl<T: Config> From<VerifierConfigError> for Error<T> {
	fn from(error: VerifierConfigError) -> Self {
		match error {
			VerifierConfigError::KindMismatch => Error::<T>::VerifierKindMismatch,
			VerifierConfigError::EmptyCommittee => Error::<T>::EmptyCommittee,
			VerifierConfigError::InvalidCommitteeThreshold => Error::<T>::InvalidCommitteeThreshold,
			VerifierConfigError::ThresholdBelowSupermajority => {
				Error::<T>::ThresholdBelowSupermajority
			},
			VerifierConfigError::DuplicateCommitteeMember => Error::<T>::DuplicateCommitteeMember,
			VerifierConfigError::EmptyAuthoritySet => Error::<T>::EmptyAuthoritySet,
			VerifierConfigError::ZeroAuthorityWeight => Error::<T>::ZeroAuthorityWeight,
			VerifierConfigError::AuthorityWeightOverflow => Error::<T>::AuthorityWeightOverflow,
			VerifierConfigError::DuplicateAuthority => Error::<T>::DuplicateAuthority,
		}
	}
}
