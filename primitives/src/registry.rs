//! The registry's view of a peer chain, shared by the hub's pallets, its node and relayers.
//!
//! A peer chain is described by its [`ChainKind`] (what it is), its [`VerifierConfig`] (how the
//! hub decides that a header of that chain is final) and its [`ChainStatus`] (whether it may
//! send or receive anything). The checks a verifier configuration must pass before the registry
//! stores it are plain functions here ([`VerifierConfig::validate_for`]), so that an applicant
//! or a relayer can run them before paying for a transaction.
//!
//! Every enum has explicit codec indices: they are part of the wire format that `docs/`
//! specifies byte for byte, and must never be renumbered.

use crate::ChainId;
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	frame_support::{CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound},
	sp_core::{ed25519, sr25519, Get, H160, H256},
	sp_runtime::{BoundedVec, DispatchResult},
};
use scale_info::TypeInfo;

/// What a peer chain is, with the identifier it carries in its own ecosystem.
///
/// The kind decides which verifier configurations the chain may use; see
/// [`ChainKind::accepts`].
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
#[cfg_attr(feature = "std", derive(serde::Serialize))]
pub enum ChainKind {
	/// A parachain of the hub's own relay chain, secured by the relay chain.
	#[codec(index = 0)]
	PolkadotParachain {
		/// The parachain's id on the relay chain.
		para_id: u32,
	},
	/// A standalone Substrate chain.
	#[codec(index = 1)]
	SubstrateChain {
		/// Hash of the chain's genesis block.
		genesis_hash: H256,
	},
	/// An EVM chain.
	#[codec(index = 2)]
	EvmChain {
		/// The chain id of EIP-155.
		chain_id: u64,
		/// The address of the hub's gateway contract on the chain: the account whose storage
		/// proves the chain's channel state (`docs/protocol.md`, "Proof of non-receipt").
		gateway: H160,
	},
	/// A permissioned ledger run by a consortium.
	#[codec(index = 3)]
	PermissionedLedger {
		/// The ledger's platform.
		platform: LedgerPlatform,
	},
}

/// The platform of a permissioned ledger.
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
#[cfg_attr(feature = "std", derive(serde::Serialize))]
pub enum LedgerPlatform {
	/// Hyperledger Fabric.
	#[codec(index = 0)]
	Fabric,
	/// FISCO BCOS.
	#[codec(index = 1)]
	FiscoBcos,
	/// ConsenSys Quorum.
	#[codec(index = 2)]
	Quorum,
	/// Any other permissioned platform.
	#[codec(index = 3)]
	Other,
}

/// The public identity of one member of a notary committee.
///
/// Two members are duplicates when they are equal as values (same scheme, same bytes).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize))]
pub enum CommitteeKey {
	/// An ed25519 public key (32 bytes).
	#[codec(index = 0)]
	Ed25519(ed25519::Public),
	/// An sr25519 public key (32 bytes).
	#[codec(index = 1)]
	Sr25519(sr25519::Public),
	/// A secp256k1 (ECDSA) signer, identified Ethereum-style by its 20-byte address: the last 20
	/// bytes of the keccak-256 hash of the uncompressed public key.
	#[codec(index = 2)]
	Ecdsa(H160),
}

/// A k-of-n notary committee that attests to a chain's headers.
///
/// Valid when it has at least one member, no member twice and a Byzantine supermajority for its
/// threshold: `2 * members < 3 * threshold <= 3 * members` ([`CommitteeConfig::validate`]), so
/// that two quorums always share more than a third of the committee.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[scale_info(skip_type_params(MaxMembers))]
#[cfg_attr(feature = "std", derive(serde::Serialize))]
#[cfg_attr(feature = "std", serde(bound = ""))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct CommitteeConfig<MaxMembers: Get<u32>> {
	/// The members' keys.
	pub members: BoundedVec<CommitteeKey, MaxMembers>,
	/// How many distinct members must sign an attestation.
	pub threshold: u32,
	/// Identifier of this committee; a handover to a new committee increments it.
	pub set_id: u64,
}

/// The share of a committee that must sign: `threshold` of `members`. The registry keeps the one
/// governance admitted as a floor that no handover may go below
/// ([`ThresholdRatio::admits`]).
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
#[cfg_attr(feature = "std", derive(serde::Serialize))]
pub struct ThresholdRatio {
	/// Signatures needed.
	pub threshold: u32,
	/// Members of the committee.
	pub members: u32,
}

impl ThresholdRatio {
	/// The ratio of `committee`.
	pub fn of<M: Get<u32>>(committee: &CommitteeConfig<M>) -> Self {
		Self { threshold: committee.threshold, members: committee.members.len() as u32 }
	}

	/// Whether `committee` needs at least this share of its members to sign: compared exactly,
	/// `threshold' / members' >= threshold / members` in integers.
	pub fn admits<M: Get<u32>>(&self, committee: &CommitteeConfig<M>) -> bool {
		u64::from(committee.threshold) * u64::from(self.members)
			>= u64::from(self.threshold) * committee.members.len() as u64
	}
}

/// One GRANDPA voter of a Substrate chain.
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
#[cfg_attr(feature = "std", derive(serde::Serialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct GrandpaAuthority {
	/// The voter's ed25519 key.
	pub id: ed25519::Public,
	/// The voter's weight; never zero.
	pub weight: u64,
}

/// A header of the peer chain that governance accepts as final without proof: the starting
/// point from which the hub follows the chain's finality.
///
/// Block numbers are 32-bit, as in Polkadot, Kusama and the Substrate templates.
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
#[cfg_attr(feature = "std", derive(serde::Serialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct TrustedHeader {
	/// The header's hash.
	pub hash: H256,
	/// The header's number.
	pub number: u32,
	/// The state root the header commits to.
	pub state_root: H256,
}

/// A GRANDPA authority set of a Substrate chain, with the header it was trusted at.
///
/// Valid when it has at least one authority, no authority twice, no zero weight and a total
/// weight that fits in a `u64` ([`GrandpaConfig::validate`]).
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[scale_info(skip_type_params(MaxAuthorities))]
#[cfg_attr(feature = "std", derive(serde::Serialize))]
#[cfg_attr(feature = "std", serde(bound = ""))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct GrandpaConfig<MaxAuthorities: Get<u32>> {
	/// Id of the authority set, as the chain's GRANDPA numbers it.
	pub set_id: u64,
	/// The authorities of that set.
	pub authorities: BoundedVec<GrandpaAuthority, MaxAuthorities>,
	/// A final header of the chain at which this set is the current one.
	pub trusted_header: TrustedHeader,
}

/// How the hub decides that a header of a peer chain is final.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[scale_info(skip_type_params(MaxMembers, MaxAuthorities))]
#[cfg_attr(feature = "std", derive(serde::Serialize))]
#[cfg_attr(feature = "std", serde(bound = ""))]
pub enum VerifierConfig<MaxMembers: Get<u32>, MaxAuthorities: Get<u32>> {
	/// Headers are attested by a k-of-n notary committee.
	#[codec(index = 0)]
	Committee(CommitteeConfig<MaxMembers>),
	/// Headers are finalised by GRANDPA and proven with justifications.
	#[codec(index = 1)]
	Grandpa(GrandpaConfig<MaxAuthorities>),
	/// The chain is a parachain of the hub's relay chain, which already secures it.
	#[codec(index = 2)]
	RelayChain,
}

/// Where a chain is in its lifecycle. Only [`ChainStatus::Active`] chains may send or receive
/// anything.
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
#[cfg_attr(feature = "std", derive(serde::Serialize))]
pub enum ChainStatus {
	/// Applied for; waiting for governance to approve or reject it.
	#[codec(index = 0)]
	Proposed,
	/// A peer: it may send and receive.
	#[codec(index = 1)]
	Active,
	/// Stopped by the emergency origin until governance resumes it.
	#[codec(index = 2)]
	Suspended,
	/// Stopped by the proof verifier on evidence of misbehaviour until governance resumes it.
	#[codec(index = 3)]
	Frozen,
	/// No longer a peer, forever; its id is never reused.
	#[codec(index = 4)]
	Retired,
}

/// Why a verifier configuration was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize))]
pub enum VerifierConfigError {
	/// The chain's kind cannot use this kind of verifier.
	KindMismatch,
	/// The committee has no member.
	EmptyCommittee,
	/// The threshold is zero or larger than the committee.
	InvalidCommitteeThreshold,
	/// The threshold is not a Byzantine supermajority: it must be above two thirds of the
	/// members.
	ThresholdBelowSupermajority,
	/// A key appears twice in the committee.
	DuplicateCommitteeMember,
	/// The GRANDPA authority set is empty.
	EmptyAuthoritySet,
	/// A GRANDPA authority has weight zero.
	ZeroAuthorityWeight,
	/// The sum of the GRANDPA authorities' weights does not fit in a `u64`.
	AuthorityWeightOverflow,
	/// A key appears twice in the GRANDPA authority set.
	DuplicateAuthority,
}

impl ChainKind {
	/// Whether a chain of this kind may use `verifier`.
	///
	/// | kind | relay chain | GRANDPA | committee |
	/// |---|---|---|---|
	/// | Polkadot parachain | yes | no | no |
	/// | Substrate chain | no | yes | yes |
	/// | EVM chain | no | no | yes |
	/// | permissioned ledger | no | no | yes |
	///
	/// A parachain is trusted through the relay chain and nothing else, and only a parachain can
	/// be. GRANDPA is meaningful only for a Substrate chain. A notary committee can vouch for any
	/// chain that is not a parachain, including a Substrate chain whose finality is not GRANDPA.
	pub fn accepts<M: Get<u32>, A: Get<u32>>(&self, verifier: &VerifierConfig<M, A>) -> bool {
		match (self, verifier) {
			(ChainKind::PolkadotParachain { .. }, VerifierConfig::RelayChain) => true,
			(ChainKind::PolkadotParachain { .. }, _) => false,
			(_, VerifierConfig::RelayChain) => false,
			(ChainKind::SubstrateChain { .. }, VerifierConfig::Grandpa(_)) => true,
			(_, VerifierConfig::Grandpa(_)) => false,
			(_, VerifierConfig::Committee(_)) => true,
		}
	}
}

impl<M: Get<u32>> CommitteeConfig<M> {
	/// Checks that the committee is non-empty, has no duplicate member and a threshold in
	/// `1..=members` above two thirds of the members (a committee of 3 needs all 3, of 4 needs 3,
	/// of 7 needs 5).
	pub fn validate(&self) -> Result<(), VerifierConfigError> {
		let members = self.members.len() as u64;
		if members == 0 {
			return Err(VerifierConfigError::EmptyCommittee);
		}
		let threshold = u64::from(self.threshold);
		if threshold == 0 || threshold > members {
			return Err(VerifierConfigError::InvalidCommitteeThreshold);
		}
		if 3 * threshold <= 2 * members {
			return Err(VerifierConfigError::ThresholdBelowSupermajority);
		}
		if has_duplicates(self.members.iter()) {
			return Err(VerifierConfigError::DuplicateCommitteeMember);
		}
		Ok(())
	}
}

impl<A: Get<u32>> GrandpaConfig<A> {
	/// Checks that the authority set is non-empty, has no duplicate key, no zero weight and a
	/// total weight that fits in a `u64` (GRANDPA's voter set refuses anything else).
	pub fn validate(&self) -> Result<(), VerifierConfigError> {
		if self.authorities.is_empty() {
			return Err(VerifierConfigError::EmptyAuthoritySet);
		}
		let mut total: u64 = 0;
		for authority in self.authorities.iter() {
			if authority.weight == 0 {
				return Err(VerifierConfigError::ZeroAuthorityWeight);
			}
			total = total
				.checked_add(authority.weight)
				.ok_or(VerifierConfigError::AuthorityWeightOverflow)?;
		}
		if has_duplicates(self.authorities.iter().map(|authority| &authority.id)) {
			return Err(VerifierConfigError::DuplicateAuthority);
		}
		Ok(())
	}
}

impl<M: Get<u32>, A: Get<u32>> VerifierConfig<M, A> {
	/// Checks that a chain of `kind` may use this configuration ([`ChainKind::accepts`]) and
	/// that the configuration itself is valid.
	pub fn validate_for(&self, kind: &ChainKind) -> Result<(), VerifierConfigError> {
		if !kind.accepts(self) {
			return Err(VerifierConfigError::KindMismatch);
		}
		match self {
			VerifierConfig::Committee(committee) => committee.validate(),
			VerifierConfig::Grandpa(grandpa) => grandpa.validate(),
			VerifierConfig::RelayChain => Ok(()),
		}
	}

	/// The committee's threshold ratio; `None` for other verifiers.
	pub fn threshold_ratio(&self) -> Option<ThresholdRatio> {
		match self {
			VerifierConfig::Committee(committee) => Some(ThresholdRatio::of(committee)),
			_ => None,
		}
	}

	/// Number of keys in the configuration: committee members or GRANDPA authorities.
	pub fn key_count(&self) -> u32 {
		match self {
			VerifierConfig::Committee(committee) => committee.members.len() as u32,
			VerifierConfig::Grandpa(grandpa) => grandpa.authorities.len() as u32,
			VerifierConfig::RelayChain => 0,
		}
	}
}

/// Whether an item occurs twice. `O(n log n)`; allocates one vector of references.
fn has_duplicates<'a, K: Ord + 'a>(items: impl Iterator<Item = &'a K>) -> bool {
	let mut sorted: Vec<&K> = items.collect();
	sorted.sort_unstable();
	sorted.windows(2).any(|pair| pair[0] == pair[1])
}

/// A verifier configuration within a registry's bounds.
pub type RegistryVerifier<R> = VerifierConfig<
	<R as ChainRegistry>::MaxCommitteeSize,
	<R as ChainRegistry>::MaxGrandpaAuthorities,
>;

/// Parachain peers by their para id on the relay chain: what decides whether a sibling's XCM is
/// let in, held or refused. Implemented by `pallet-chain-registry`.
pub trait ParachainPeers {
	/// The chain id and registry status of the record (not retired) that is parachain
	/// `para_id`, or `None` if there is none.
	fn parachain_peer(para_id: u32) -> Option<(ChainId, ChainStatus)>;
}

/// What the hub's other pallets need to know about peer chains.
///
/// Implemented by `pallet-chain-registry`. A pallet that only needs to gate traffic uses
/// [`ChainRegistry::is_active`]; the proof verifier also reads [`ChainRegistry::verifier`] and
/// reports misbehaviour with [`ChainRegistry::freeze`].
pub trait ChainRegistry {
	/// Bound on committee members in a [`VerifierConfig`].
	type MaxCommitteeSize: Get<u32>;
	/// Bound on GRANDPA authorities in a [`VerifierConfig`].
	type MaxGrandpaAuthorities: Get<u32>;

	/// The chain's status, or `None` if the registry has no record of it.
	fn status(chain_id: ChainId) -> Option<ChainStatus>;

	/// Whether the chain is a peer that may send and receive now.
	fn is_active(chain_id: ChainId) -> bool {
		Self::status(chain_id) == Some(ChainStatus::Active)
	}

	/// The chain's kind, or `None` if the registry has no record of it.
	fn kind(chain_id: ChainId) -> Option<ChainKind>;

	/// The chain's verifier configuration, or `None` if the registry has no record of it.
	fn verifier(
		chain_id: ChainId,
	) -> Option<VerifierConfig<Self::MaxCommitteeSize, Self::MaxGrandpaAuthorities>>;

	/// The chain's status and verifier configuration, read together, or `None` if the registry has
	/// no record of it: what the proof verifier needs for every header.
	fn status_and_verifier(chain_id: ChainId) -> Option<(ChainStatus, RegistryVerifier<Self>)>;

	/// Freezes the chain on evidence of misbehaviour, until governance resumes or retires it.
	///
	/// Reserved for the proof verifier. Fails, changing nothing, if the chain is unknown or is
	/// neither `Active` nor `Suspended`.
	fn freeze(chain_id: ChainId) -> DispatchResult;

	/// Replaces the verifier configuration of an active chain with one the chain itself proved:
	/// a committee handover signed by the outgoing committee, or a GRANDPA authority-set change
	/// finalised by the outgoing set.
	///
	/// Reserved for the proof verifier. Fails, changing nothing, if the chain is unknown or not
	/// `Active`, or the configuration does not suit the chain.
	fn rotate_verifier(
		chain_id: ChainId,
		verifier: VerifierConfig<Self::MaxCommitteeSize, Self::MaxGrandpaAuthorities>,
	) -> DispatchResult;

	/// Registers `chain_id` as an active chain, bypassing governance and deposits: for the
	/// benchmarks of the pallets that use the registry.
	#[cfg(feature = "runtime-benchmarks")]
	fn register_active_for_benchmarks(
		chain_id: ChainId,
		kind: ChainKind,
		verifier: VerifierConfig<Self::MaxCommitteeSize, Self::MaxGrandpaAuthorities>,
	) -> DispatchResult;
}
