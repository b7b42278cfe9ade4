//! Committee attestations: k-of-n signatures over a domain-separated payload.
//!
//! Two payloads are signed, both the SCALE encoding of a tuple that starts with a 16-byte domain
//! tag (`docs/protocol.md` spells them out byte for byte):
//!
//! - a header: `(HEADER_DOMAIN, chain_id: u32, set_id: u64, header: PeerHeader)`, 136 bytes;
//! - a handover to a new committee: `(HANDOVER_DOMAIN, chain_id: u32, set_id: u64,
//!   next: CommitteeConfig)`, where `set_id` is the current committee's.
//!
//! The chain id and set id make an attestation valid for one chain and one committee only: it
//! cannot be replayed on another chain, or after the committee was replaced.
//!
//! What a member signs depends on its scheme:
//! - ed25519 and sr25519 (sr25519 with the `substrate` signing context, as `sp-core` and
//!   Polkadot.js sign) sign the payload itself;
//! - ECDSA members sign as an Ethereum wallet's `personal_sign` does: the secp256k1 signature of
//!   `keccak256("\x19Ethereum Signed Message:\n32" ++ keccak256(payload))`, 65 bytes `r || s || v`
//!   with `v` in `{0, 1, 27, 28}`. The signer is the address recovered from it. Only the
//!   canonical form is accepted, as Ethereum does since Homestead (EIP-2): `s` at most half the
//!   curve order. Each signature has exactly one encoding, so none can be re-encoded into a
//!   second valid one.

use crate::{header::PeerHeader, ChainId, CommitteeConfig, CommitteeKey};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	frame_support::{CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound},
	sp_core::{ecdsa, ed25519, sr25519, Get, H160},
	sp_io::{crypto, hashing::keccak_256},
	sp_runtime::BoundedVec,
};
use scale_info::TypeInfo;

/// Domain tag of a header attestation.
pub const HEADER_DOMAIN: [u8; 16] = *b"FUSION-HUB/HDR/1";
/// Domain tag of a committee handover.
pub const HANDOVER_DOMAIN: [u8; 16] = *b"FUSION-HUB/ROT/1";

/// One member's signature, in the member's scheme.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum CommitteeSignature {
	/// An ed25519 signature of the payload.
	#[codec(index = 0)]
	Ed25519(ed25519::Signature),
	/// An sr25519 signature of the payload (signing context `substrate`).
	#[codec(index = 1)]
	Sr25519(sr25519::Signature),
	/// A secp256k1 signature, `r || s || v`, of the Ethereum personal-message digest of the
	/// payload.
	#[codec(index = 2)]
	Ecdsa(ecdsa::Signature),
}

/// A signature with the member who claims it.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct MemberSignature {
	/// The member, as the committee lists it.
	pub signer: CommitteeKey,
	/// The member's signature.
	pub signature: CommitteeSignature,
}

/// Signatures of committee members over one payload.
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
#[scale_info(skip_type_params(MaxSigners))]
pub struct Attestation<MaxSigners: Get<u32>> {
	/// One signature per member; every one must be valid, and there must be at least the
	/// committee's threshold of them.
	pub signatures: BoundedVec<MemberSignature, MaxSigners>,
}

/// How many signatures of each scheme an attestation carries: the cost of checking it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SignatureCounts {
	/// ed25519 signatures.
	pub ed25519: u32,
	/// sr25519 signatures.
	pub sr25519: u32,
	/// ECDSA signatures.
	pub ecdsa: u32,
}

/// Why an attestation was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize))]
pub enum AttestationError {
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
	/// An ECDSA signature is not in canonical form: `s` above half the curve order, or `v`
	/// outside `{0, 1, 27, 28}`.
	NonCanonicalSignature,
}

impl core::ops::Add for SignatureCounts {
	type Output = Self;
	fn add(self, other: Self) -> Self {
		Self {
			ed25519: self.ed25519 + other.ed25519,
			sr25519: self.sr25519 + other.sr25519,
			ecdsa: self.ecdsa + other.ecdsa,
		}
	}
}

impl<MaxSigners: Get<u32>> Attestation<MaxSigners> {
	/// How many signatures of each scheme the attestation carries.
	pub fn counts(&self) -> SignatureCounts {
		let mut counts = SignatureCounts::default();
		for signed in self.signatures.iter() {
			match signed.signature {
				CommitteeSignature::Ed25519(_) => counts.ed25519 += 1,
				CommitteeSignature::Sr25519(_) => counts.sr25519 += 1,
				CommitteeSignature::Ecdsa(_) => counts.ecdsa += 1,
			}
		}
		counts
	}

	/// Checks that at least `committee.threshold` distinct members signed `payload`, and that
	/// every signature verifies. Returns the number of signers.
	///
	/// The cheap checks (threshold, membership, duplicates, schemes) all run before the first
	/// signature is verified, so a malformed attestation costs no signature check.
	pub fn verify<M: Get<u32>>(
		&self,
		committee: &CommitteeConfig<M>,
		payload: &[u8],
	) -> Result<u32, AttestationError> {
		let signers = self.signatures.len() as u32;
		if signers < committee.threshold {
			return Err(AttestationError::BelowThreshold);
		}
		let mut seen: Vec<&CommitteeKey> = Vec::with_capacity(self.signatures.len());
		for signed in self.signatures.iter() {
			if !committee.members.contains(&signed.signer) {
				return Err(AttestationError::UnknownSigner);
			}
			let same_scheme = matches!(
				(&signed.signer, &signed.signature),
				(CommitteeKey::Ed25519(_), CommitteeSignature::Ed25519(_))
					| (CommitteeKey::Sr25519(_), CommitteeSignature::Sr25519(_))
					| (CommitteeKey::Ecdsa(_), CommitteeSignature::Ecdsa(_))
			);
			if !same_scheme {
				return Err(AttestationError::SchemeMismatch);
			}
			if let CommitteeSignature::Ecdsa(signature) = &signed.signature {
				if !is_canonical_ethereum_signature(signature) {
					return Err(AttestationError::NonCanonicalSignature);
				}
			}
			seen.push(&signed.signer);
		}
		seen.sort_unstable();
		if seen.windows(2).any(|pair| pair[0] == pair[1]) {
			return Err(AttestationError::DuplicateSigner);
		}

		// Only ECDSA members need the digest: compute it once, and only for them.
		let mut ethereum_digest = None;
		for signed in self.signatures.iter() {
			let valid = match (&signed.signer, &signed.signature) {
				(CommitteeKey::Ed25519(public), CommitteeSignature::Ed25519(signature)) => {
					crypto::ed25519_verify(signature, payload, public)
				},
				(CommitteeKey::Sr25519(public), CommitteeSignature::Sr25519(signature)) => {
					crypto::sr25519_verify(signature, payload, public)
				},
				(CommitteeKey::Ecdsa(address), CommitteeSignature::Ecdsa(signature)) => {
					let digest =
						ethereum_digest.get_or_insert_with(|| ethereum_personal_digest(payload));
					recover_ethereum_address(signature, digest).as_ref() == Some(address)
				},
				// Ruled out by the scheme check above.
				_ => false,
			};
			if !valid {
				return Err(AttestationError::BadSignature);
			}
		}
		Ok(signers)
	}
}

/// The payload a committee signs to attest `header` of `chain_id`: 136 bytes.
pub fn header_payload(chain_id: ChainId, set_id: u64, header: &PeerHeader) -> Vec<u8> {
	(HEADER_DOMAIN, chain_id, set_id, header).encode()
}

/// The payload the committee `set_id` signs to hand over to `next`.
pub fn handover_payload<M: Get<u32>>(
	chain_id: ChainId,
	set_id: u64,
	next: &CommitteeConfig<M>,
) -> Vec<u8> {
	(HANDOVER_DOMAIN, chain_id, set_id, next).encode()
}

/// `keccak256("\x19Ethereum Signed Message:\n32" ++ keccak256(payload))`: the digest an Ethereum
/// wallet signs for `personal_sign(keccak256(payload))`.
pub fn ethereum_personal_digest(payload: &[u8]) -> [u8; 32] {
	let mut prefixed = [0u8; 28 + 32];
	prefixed[..28].copy_from_slice(b"\x19Ethereum Signed Message:\n32");
	prefixed[28..].copy_from_slice(&keccak_256(payload));
	keccak_256(&prefixed)
}

/// Half the order of secp256k1, big-endian: the highest `s` of a canonical signature.
const SECP256K1_HALF_ORDER: [u8; 32] = [
	0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

/// Whether `signature` (`r || s || v`) is in the one form Ethereum accepts since Homestead:
/// `0 < s <= n/2` and `v` in `{0, 1, 27, 28}`. The host's recovery also takes `(r, n - s)` with the
/// other `v`, and `v` in `{2, 3, 29, 30}`: other encodings of one signature, or none.
pub fn is_canonical_ethereum_signature(signature: &ecdsa::Signature) -> bool {
	let s: &[u8] = &signature.0[32..64];
	let v = signature.0[64];
	matches!(v, 0 | 1 | 27 | 28)
		&& s.iter().any(|byte| *byte != 0)
		&& s <= &SECP256K1_HALF_ORDER[..]
}

/// The Ethereum address of the key that made `signature` over `digest`, if the signature is
/// canonical ([`is_canonical_ethereum_signature`]) and recovers a key.
pub fn recover_ethereum_address(signature: &ecdsa::Signature, digest: &[u8; 32]) -> Option<H160> {
	if !is_canonical_ethereum_signature(signature) {
		return None;
	}
	let public = crypto::secp256k1_ecdsa_recover(&signature.0, digest).ok()?;
	Some(ethereum_address(&public))
}

/// The address of an uncompressed secp256k1 public key given without its `0x04` prefix: the
/// last 20 bytes of its keccak-256 hash.
pub fn ethereum_address(uncompressed_public: &[u8; 64]) -> H160 {
	H160::from_slice(&keccak_256(uncompressed_public)[12..])
}

/// A header with its committee's attestation.
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
#[scale_info(skip_type_params(MaxSigners))]
pub struct AttestedHeader<MaxSigners: Get<u32>> {
	/// The header.
	pub header: PeerHeader,
	/// Signatures over [`header_payload`] of the header.
	pub attestation: Attestation<MaxSigners>,
}

/// A committee's handover to its successor.
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
#[scale_info(skip_type_params(MaxSigners))]
pub struct CommitteeHandover<MaxSigners: Get<u32>> {
	/// The next committee; its set id must be the current one plus one.
	pub next: CommitteeConfig<MaxSigners>,
	/// The current committee's signatures over [`handover_payload`] of `next`.
	pub attestation: Attestation<MaxSigners>,
}

/// Evidence that a committee signed two conflicting statements: what
/// `pallet-proof-verifier::report_misbehaviour` takes. Either conflict freezes the chain.
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
#[scale_info(skip_type_params(MaxSigners))]
pub enum Misbehaviour<MaxSigners: Get<u32>> {
	/// Two headers of one height that differ in any field, each attested by committee `set_id`:
	/// a forged root under the real hash is as much a conflict as a different hash.
	#[codec(index = 0)]
	ConflictingHeaders {
		/// The committee that signed both.
		set_id: u64,
		/// One header.
		first: AttestedHeader<MaxSigners>,
		/// The other header.
		second: AttestedHeader<MaxSigners>,
	},
	/// Two different handovers, each signed by committee `set_id`: it handed the chain to two
	/// successors.
	#[codec(index = 1)]
	ConflictingHandovers {
		/// The committee that signed both.
		set_id: u64,
		/// One handover.
		first: CommitteeHandover<MaxSigners>,
		/// The other handover.
		second: CommitteeHandover<MaxSigners>,
	},
}

impl<MaxSigners: Get<u32>> Misbehaviour<MaxSigners> {
	/// The committee the evidence accuses.
	pub fn set_id(&self) -> u64 {
		match self {
			Misbehaviour::ConflictingHeaders { set_id, .. }
			| Misbehaviour::ConflictingHandovers { set_id, .. } => *set_id,
		}
	}

	/// The height of the conflicting headers; `None` for handovers.
	pub fn height(&self) -> Option<u32> {
		match self {
			Misbehaviour::ConflictingHeaders { first, .. } => Some(first.header.number),
			Misbehaviour::ConflictingHandovers { .. } => None,
		}
	}

	/// Whether the two statements conflict: headers of one height that differ anywhere, or
	/// handovers to different successors that the hub would both have taken (the next set id,
	/// a valid committee). A committee may sign again a handover the hub refused as malformed;
	/// that is no conflict. The signatures are not checked here.
	pub fn is_conflict(&self) -> bool {
		match self {
			Misbehaviour::ConflictingHeaders { first, second, .. } => {
				first.header.number == second.header.number && first.header != second.header
			},
			Misbehaviour::ConflictingHandovers { set_id, first, second } => {
				let well_formed = |handover: &CommitteeHandover<MaxSigners>| {
					Some(handover.next.set_id) == set_id.checked_add(1)
						&& handover.next.validate().is_ok()
				};
				first.next != second.next && well_formed(first) && well_formed(second)
			},
		}
	}

	/// The two signed statements of the evidence for `chain_id`: each payload with its
	/// attestation.
	pub fn statements(&self, chain_id: ChainId) -> [(Vec<u8>, &Attestation<MaxSigners>); 2] {
		match self {
			Misbehaviour::ConflictingHeaders { set_id, first, second } => [
				(header_payload(chain_id, *set_id, &first.header), &first.attestation),
				(header_payload(chain_id, *set_id, &second.header), &second.attestation),
			],
			Misbehaviour::ConflictingHandovers { set_id, first, second } => [
				(handover_payload(chain_id, *set_id, &first.next), &first.attestation),
				(handover_payload(chain_id, *set_id, &second.next), &second.attestation),
			],
		}
	}

	/// The two attestations of the evidence.
	fn attestations(&self) -> [&Attestation<MaxSigners>; 2] {
		match self {
			Misbehaviour::ConflictingHeaders { first, second, .. } => {
				[&first.attestation, &second.attestation]
			},
			Misbehaviour::ConflictingHandovers { first, second, .. } => {
				[&first.attestation, &second.attestation]
			},
		}
	}

	/// How many signatures of each scheme the evidence carries: the cost of checking it.
	pub fn counts(&self) -> SignatureCounts {
		let [first, second] = self.attestations();
		first.counts() + second.counts()
	}
}
