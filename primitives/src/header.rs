//! Headers of peer chains as the hub records them.

use crate::{attestation::AttestedHeader, grandpa::GrandpaUpdate};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	frame_support::{CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound},
	sp_core::{Get, H256},
};
use scale_info::TypeInfo;

/// A header of a committee-attested peer chain: the fields the committee signs.
///
/// Its SCALE encoding is part of the attestation payload (`docs/protocol.md`): the fields in this
/// order, integers little-endian, hashes as 32 raw bytes.
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
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct PeerHeader {
	/// Height of the block on the peer chain.
	pub number: u32,
	/// The block's hash, as the peer chain computes it.
	pub hash: H256,
	/// The block's state root: what storage proofs are checked against.
	pub state_root: H256,
	/// Root of the Merkle tree of the messages the block sends out: what Merkle inclusion proofs
	/// are checked against.
	pub message_root: H256,
	/// The block's timestamp on the peer chain, milliseconds since the Unix epoch.
	pub timestamp: u64,
}

/// A header the hub has verified, as it keeps it in its ring of recent headers.
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
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct VerifiedHeader {
	/// Height of the block on the peer chain.
	pub number: u32,
	/// The block's hash.
	pub hash: H256,
	/// The block's state root.
	pub state_root: H256,
	/// The root of the block's outbound messages; `None` for GRANDPA chains, whose messages are
	/// proven with storage proofs against the state root.
	pub message_root: Option<H256>,
	/// The block's timestamp (ms); `None` when the finality proof does not carry it (GRANDPA).
	pub timestamp: Option<u64>,
	/// The committee set id or GRANDPA authority set id that proved the header.
	pub set_id: u64,
}

impl VerifiedHeader {
	/// The record of a committee-attested header, proven by committee `set_id`.
	pub fn attested(header: &PeerHeader, set_id: u64) -> Self {
		Self {
			number: header.number,
			hash: header.hash,
			state_root: header.state_root,
			message_root: Some(header.message_root),
			timestamp: Some(header.timestamp),
			set_id,
		}
	}
}

/// A header of a peer chain with the proof that it is final, in the form the chain's verifier
/// configuration asks for.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
)]
#[scale_info(skip_type_params(MaxSigners))]
pub enum HeaderUpdate<MaxSigners: Get<u32>> {
	/// For a committee chain: the header and its committee's attestation.
	#[codec(index = 0)]
	Committee(AttestedHeader<MaxSigners>),
	/// For a GRANDPA chain: the header and its justification.
	#[codec(index = 1)]
	Grandpa(GrandpaUpdate),
}
