//! GRANDPA finality for Substrate peers, on polkadot-sdk's bridge header-chain code.
//!
//! The justification check itself is `bp_header_chain`'s (the code behind
//! `pallet-bridge-grandpa`); this module adds what the hub decides around it: which header the
//! justification must finalise, and how an authority-set change in that header's digest is
//! followed.

use crate::GrandpaAuthority;
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode};
use polkadot_sdk::{
	bp_header_chain::{
		justification::{
			verify_justification, GrandpaJustification, JustificationVerificationContext,
			JustificationVerificationError, PrecommitError,
		},
		AuthoritySet, GrandpaConsensusLogReader,
	},
	sp_consensus_grandpa::AuthorityId,
	sp_runtime::{
		generic,
		traits::{BlakeTwo256, Header as _},
	},
};
use scale_info::TypeInfo;

/// A header of a Substrate peer: 32-bit block numbers, blake2-256 hashing (Polkadot, Kusama and
/// the Substrate templates).
pub type SubstrateHeader = generic::Header<u32, BlakeTwo256>;

/// A GRANDPA justification of a [`SubstrateHeader`], as the peer's `grandpa_proveFinality` RPC
/// and its block import produce it.
pub type SubstrateJustification = GrandpaJustification<SubstrateHeader>;

/// A header of a Substrate peer with the justification that finalises it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct GrandpaUpdate {
	/// The header.
	pub header: SubstrateHeader,
	/// A justification, by the current authority set, that finalises `header`.
	pub justification: SubstrateJustification,
}

/// Why a GRANDPA update was refused. One variant per failure of the bridge's verifier, plus the
/// hub's own rules.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GrandpaError {
	/// The justification finalises another header.
	TargetMismatch,
	/// The authority set cannot form a GRANDPA voter set.
	InvalidAuthoritySet,
	/// The precommits' weight is below the supermajority of the set.
	NotEnoughVotes,
	/// A precommit is signed by a key outside the set.
	UnknownAuthorityVote,
	/// An authority voted twice.
	DuplicateAuthorityVote,
	/// More precommits than the supermajority needs.
	RedundantAuthorityVote,
	/// A precommit's signature does not verify.
	InvalidAuthoritySignature,
	/// A precommit votes for a header that does not descend from the target.
	UnrelatedAncestryVote,
	/// The ancestry carries a header twice.
	DuplicateVotesAncestries,
	/// The ancestry carries headers no precommit needs.
	RedundantVotesAncestries,
	/// The header forces an authority-set change, which a light client cannot follow.
	ForcedChange,
	/// The header schedules an authority-set change with a delay; only changes enacted at once
	/// (delay 0, as Substrate schedules them on session boundaries) are followed.
	DelayedChange,
}

impl From<JustificationVerificationError> for GrandpaError {
	fn from(error: JustificationVerificationError) -> Self {
		use JustificationVerificationError as E;
		match error {
			E::InvalidAuthorityList => Self::InvalidAuthoritySet,
			E::InvalidJustificationTarget => Self::TargetMismatch,
			E::DuplicateVotesAncestries => Self::DuplicateVotesAncestries,
			E::RedundantVotesAncestries => Self::RedundantVotesAncestries,
			E::TooLowCumulativeWeight => Self::NotEnoughVotes,
			E::Precommit(PrecommitError::RedundantAuthorityVote) => Self::RedundantAuthorityVote,
			E::Precommit(PrecommitError::UnknownAuthorityVote) => Self::UnknownAuthorityVote,
			E::Precommit(PrecommitError::DuplicateAuthorityVote) => Self::DuplicateAuthorityVote,
			E::Precommit(PrecommitError::InvalidAuthoritySignature) => {
				Self::InvalidAuthoritySignature
			},
			E::Precommit(PrecommitError::UnrelatedAncestryVote) => Self::UnrelatedAncestryVote,
		}
	}
}

/// Checks that `update.justification`, by authority set `set_id`, finalises `update.header`.
///
/// Returns the next authority set when the header enacts a scheduled change (delay 0): from the
/// next header on, justifications must come from that set, with id `set_id + 1`.
pub fn verify_grandpa_update(
	set_id: u64,
	authorities: &[GrandpaAuthority],
	update: &GrandpaUpdate,
) -> Result<Option<Vec<GrandpaAuthority>>, GrandpaError> {
	let header = &update.header;
	let target = (header.hash(), *header.number());
	let authority_set = AuthoritySet::new(
		authorities
			.iter()
			.map(|authority| (AuthorityId::from(authority.id), authority.weight))
			.collect(),
		set_id,
	);
	let context =
		JustificationVerificationContext::try_from(authority_set).map_err(GrandpaError::from)?;
	verify_justification::<SubstrateHeader>(target, &context, &update.justification)?;

	if GrandpaConsensusLogReader::<u32>::find_forced_change(header.digest()).is_some() {
		return Err(GrandpaError::ForcedChange);
	}
	match GrandpaConsensusLogReader::<u32>::find_scheduled_change(header.digest()) {
		None => Ok(None),
		Some(change) if change.delay != 0 => Err(GrandpaError::DelayedChange),
		Some(change) => Ok(Some(
			change
				.next_authorities
				.into_iter()
				.map(|(id, weight)| GrandpaAuthority { id: id.into(), weight })
				.collect(),
		)),
	}
}

/// Building justifications, for tests and benchmarks: precommits signed through `sp-io`'s
/// keystore functions, so that it runs natively and in the runtime's benchmarks alike.
#[cfg(any(feature = "std", feature = "runtime-benchmarks"))]
pub mod testing {
	use super::*;
	use polkadot_sdk::{
		sp_consensus_grandpa::{localized_payload, AuthoritySignature, KEY_TYPE},
		sp_core::ed25519,
		sp_io::crypto,
		sp_runtime::{Digest, DigestItem},
	};

	/// A header of `number` whose parent is `parent`, with `digest`.
	pub fn header(
		number: u32,
		parent: polkadot_sdk::sp_core::H256,
		digest: Digest,
	) -> SubstrateHeader {
		SubstrateHeader::new(number, Default::default(), Default::default(), parent, digest)
	}

	/// The digest item that schedules `next` with `delay`.
	pub fn scheduled_change(next: &[GrandpaAuthority], delay: u32) -> DigestItem {
		let change = polkadot_sdk::sp_consensus_grandpa::ScheduledChange {
			next_authorities: next.iter().map(|a| (AuthorityId::from(a.id), a.weight)).collect(),
			delay,
		};
		DigestItem::Consensus(
			polkadot_sdk::sp_consensus_grandpa::GRANDPA_ENGINE_ID,
			polkadot_sdk::sp_consensus_grandpa::ConsensusLog::ScheduledChange(change).encode(),
		)
	}

	/// A justification for `target`, round 1 of `set_id`: each of `signers` precommits to the
	/// last header of `ancestry` (or to `target` itself when it is empty). `ancestry` must be
	/// the chain of descendants of `target`, in order.
	pub fn justification(
		target: &SubstrateHeader,
		set_id: u64,
		signers: &[ed25519::Public],
		ancestry: Vec<SubstrateHeader>,
	) -> SubstrateJustification {
		let round = 1;
		let (vote_hash, vote_number) = ancestry
			.last()
			.map(|tip| (tip.hash(), *tip.number()))
			.unwrap_or((target.hash(), *target.number()));
		let precommit =
			finality_grandpa::Precommit { target_hash: vote_hash, target_number: vote_number };
		let payload = localized_payload(
			round,
			set_id,
			&finality_grandpa::Message::<_, u32>::Precommit(precommit.clone()),
		);
		let precommits = signers
			.iter()
			.map(|signer| {
				let signature = crypto::ed25519_sign(KEY_TYPE, signer, &payload)
					.expect("the signer's key is in the keystore");
				finality_grandpa::SignedPrecommit {
					precommit: precommit.clone(),
					signature: AuthoritySignature::from(signature),
					id: AuthorityId::from(*signer),
				}
			})
			.collect();
		GrandpaJustification {
			round,
			commit: finality_grandpa::Commit {
				target_hash: target.hash(),
				target_number: *target.number(),
				precommits,
			},
			votes_ancestries: ancestry,
		}
	}
}
