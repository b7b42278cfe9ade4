//! Hub notary checkpoints: what the hub's notary set signs so that an EVM chain can verify the
//! hub's outbound root for it cheaply (`contracts/src/HubNotaries.sol` verifies them; the
//! signer and relayer build them). Unlike the SCALE payloads of peer committees, these are
//! big-endian and packed, as the EVM's `abi.encodePacked` builds them: `docs/protocol.md`, "Hub
//! notary checkpoints", spells them out byte for byte. Each member signs the Ethereum personal
//! message of `keccak256(payload)` ([`crate::attestation::ethereum_personal_digest`]).

use crate::{
	attestation::{ethereum_personal_digest, recover_ethereum_address},
	ChainId,
};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	frame_support::{CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound},
	sp_core::{ecdsa, Get, H160, H256},
	sp_runtime::BoundedVec,
};
use scale_info::TypeInfo;

/// Domain tag of a checkpoint.
pub const CHECKPOINT_DOMAIN: [u8; 16] = *b"FUSION-HUB/CKP/1";
/// Domain tag of a notary-set handover.
pub const NOTARY_HANDOVER_DOMAIN: [u8; 16] = *b"FUSION-HUB/NHO/1";

/// The hub's outbound root for `destination` in hub block `hub_block`, as notary set `set_id`
/// certifies it.
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
pub struct Checkpoint {
	pub destination: ChainId,
	pub set_id: u64,
	pub hub_block: u32,
	pub hub_block_hash: H256,
	/// The hub block's `pallet-timestamp`, in ms.
	pub hub_timestamp: u64,
	pub root: H256,
}

impl Checkpoint {
	/// The 136 bytes the notaries sign for the hub whose genesis hash is `hub_genesis`.
	pub fn payload(&self, hub_genesis: H256) -> Vec<u8> {
		let mut payload = Vec::with_capacity(136);
		payload.extend_from_slice(&CHECKPOINT_DOMAIN);
		payload.extend_from_slice(hub_genesis.as_bytes());
		payload.extend_from_slice(&self.destination.to_be_bytes());
		payload.extend_from_slice(&self.set_id.to_be_bytes());
		payload.extend_from_slice(&self.hub_block.to_be_bytes());
		payload.extend_from_slice(self.hub_block_hash.as_bytes());
		payload.extend_from_slice(&self.hub_timestamp.to_be_bytes());
		payload.extend_from_slice(self.root.as_bytes());
		payload
	}
}

/// The payload of a handover from notary set `current_set_id` to (`next_set_id`, `threshold`,
/// `members`, ascending), for the hub whose genesis hash is `hub_genesis`: each address in a
/// 32-byte word, as `abi.encodePacked` lays out an `address[]`.
pub fn handover_payload(
	hub_genesis: H256,
	current_set_id: u64,
	next_set_id: u64,
	threshold: u32,
	members: &[H160],
) -> Vec<u8> {
	let mut payload = Vec::with_capacity(16 + 32 + 8 + 8 + 4 + 4 + 32 * members.len());
	payload.extend_from_slice(&NOTARY_HANDOVER_DOMAIN);
	payload.extend_from_slice(hub_genesis.as_bytes());
	payload.extend_from_slice(&current_set_id.to_be_bytes());
	payload.extend_from_slice(&next_set_id.to_be_bytes());
	payload.extend_from_slice(&threshold.to_be_bytes());
	payload.extend_from_slice(&(members.len() as u32).to_be_bytes());
	for member in members {
		payload.extend_from_slice(&[0u8; 12]);
		payload.extend_from_slice(member.as_bytes());
	}
	payload
}

/// A checkpoint with one notary's signature: what a misbehaviour report carries.
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
pub struct SignedCheckpoint {
	pub checkpoint: Checkpoint,
	/// `r || s || v` over the EIP-191 message of `keccak256(payload)`.
	pub signature: ecdsa::Signature,
}

impl SignedCheckpoint {
	/// The address that signed the checkpoint for the hub `hub_genesis`, if the signature is
	/// canonical and recovers a key.
	pub fn signer(&self, hub_genesis: H256) -> Option<H160> {
		let digest = ethereum_personal_digest(&self.checkpoint.payload(hub_genesis));
		recover_ethereum_address(&self.signature, &digest)
	}
}

/// A hub notary set: `threshold` of `members` (Ethereum addresses of secp256k1 keys, strictly
/// ascending) certify the hub's outbound roots. Set ids only grow.
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
#[scale_info(skip_type_params(MaxNotaries))]
pub struct NotarySet<MaxNotaries: Get<u32>> {
	pub id: u64,
	pub threshold: u32,
	pub members: BoundedVec<H160, MaxNotaries>,
}

/// Why a notary set or its signatures are refused. The gateway's `HubNotaries` refuses the same
/// things: signatures with reverts of the same names, a set with `InvalidNotarySet`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NotaryError {
	/// No members.
	EmptyNotarySet,
	/// Members not strictly ascending (a duplicate, or out of order).
	MembersNotSorted,
	/// The zero address as a member.
	ZeroAddress,
	/// The threshold is not a Byzantine supermajority (`3k > 2n`, `k <= n`).
	ThresholdNotByzantine,
	/// Fewer signatures than the threshold.
	BelowThreshold,
	/// A signature that is not canonical or recovers no key.
	InvalidSignature,
	/// Signers not strictly ascending (a duplicate, or out of order).
	SignersNotSorted,
	/// A signer that is not a member of the set.
	UnknownNotary,
}

impl<M: Get<u32>> NotarySet<M> {
	/// Checks what the type cannot: members strictly ascending and a Byzantine threshold.
	pub fn check(&self) -> Result<(), NotaryError> {
		let n = self.members.len() as u64;
		if n == 0 {
			return Err(NotaryError::EmptyNotarySet);
		}
		// Strictly ascending from above zero: the gateway's `_install` starts from the zero
		// address, so a set holding it could never be handed to a gateway.
		if self.members.first() == Some(&H160::zero()) {
			return Err(NotaryError::ZeroAddress);
		}
		if self.members.windows(2).any(|pair| pair[0] >= pair[1]) {
			return Err(NotaryError::MembersNotSorted);
		}
		let k = u64::from(self.threshold);
		if 3 * k <= 2 * n || k > n {
			return Err(NotaryError::ThresholdNotByzantine);
		}
		Ok(())
	}

	/// Whether `address` is a member.
	pub fn contains(&self, address: &H160) -> bool {
		self.members.binary_search(address).is_ok()
	}

	/// Checks that at least the threshold of distinct members, in ascending address order,
	/// signed `payload` (each over the EIP-191 message of its keccak-256), exactly as the
	/// gateway's `HubNotaries._verify` does.
	pub fn verify(
		&self,
		payload: &[u8],
		signatures: &[ecdsa::Signature],
	) -> Result<(), NotaryError> {
		if signatures.len() < self.threshold as usize {
			return Err(NotaryError::BelowThreshold);
		}
		let digest = ethereum_personal_digest(payload);
		let mut previous: Option<H160> = None;
		for signature in signatures {
			let signer = recover_ethereum_address(signature, &digest)
				.ok_or(NotaryError::InvalidSignature)?;
			if previous.is_some_and(|previous| signer <= previous) {
				return Err(NotaryError::SignersNotSorted);
			}
			if !self.contains(&signer) {
				return Err(NotaryError::UnknownNotary);
			}
			previous = Some(signer);
		}
		Ok(())
	}
}

/// The handover from set `from_set_id` to `next`, with the signatures of the set it replaces:
/// what a relayer passes to a gateway's `rotateNotaries`.
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
#[scale_info(skip_type_params(MaxNotaries))]
pub struct NotaryHandover<MaxNotaries: Get<u32>> {
	pub from_set_id: u64,
	pub next: NotarySet<MaxNotaries>,
	pub signatures: BoundedVec<ecdsa::Signature, MaxNotaries>,
}

impl<M: Get<u32>> NotaryHandover<M> {
	/// The payload the set `from_set_id` signs, for the hub `hub_genesis`.
	pub fn payload(&self, hub_genesis: H256) -> Vec<u8> {
		handover_payload(
			hub_genesis,
			self.from_set_id,
			self.next.id,
			self.next.threshold,
			&self.next.members,
		)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use polkadot_sdk::sp_io::hashing::keccak_256;

	/// The vector of docs/protocol.md, also checked against the contract in
	/// `e2e/tests/notaries.test.js`.
	#[test]
	fn the_checkpoint_payload_is_the_documented_vector() {
		let checkpoint = Checkpoint {
			destination: 11,
			set_id: 0,
			hub_block: 1_234,
			hub_block_hash: H256::repeat_byte(0xcd),
			hub_timestamp: 1_700_000_000_000,
			root: H256::repeat_byte(0xef),
		};
		let payload = checkpoint.payload(H256::repeat_byte(0xa1));
		assert_eq!(payload.len(), 136);
		assert_eq!(&payload[..16], b"FUSION-HUB/CKP/1");
		assert_eq!(&payload[48..52], &[0, 0, 0, 11]);
		assert_eq!(&payload[60..64], &[0, 0, 0x04, 0xd2]);
		assert_eq!(
			format!("{:?}", H256(keccak_256(&payload))),
			"0x2fe6d753af9e530920d64550fd16fb85dcafe9a2218b35b8dadaadf4898c5dd5"
		);
	}

	#[test]
	fn a_handover_payload_puts_each_member_in_a_word() {
		let members = [H160::repeat_byte(1), H160::repeat_byte(2)];
		let payload = handover_payload(H256::repeat_byte(0xa1), 0, 1, 2, &members);
		assert_eq!(payload.len(), 16 + 32 + 8 + 8 + 4 + 4 + 64);
		assert_eq!(&payload[48..56], &0u64.to_be_bytes());
		assert_eq!(&payload[56..64], &1u64.to_be_bytes());
		assert_eq!(&payload[64..68], &2u32.to_be_bytes());
		assert_eq!(&payload[68..72], &2u32.to_be_bytes());
		assert_eq!(&payload[72..84], &[0u8; 12]);
		assert_eq!(&payload[84..104], &[1u8; 20]);
		assert_eq!(&payload[104..116], &[0u8; 12]);
		assert_eq!(&payload[116..136], &[2u8; 20]);
	}

	mod sets {
		use super::super::*;
		use polkadot_sdk::{
			sp_core::{ConstU32, Pair},
			sp_runtime::BoundedVec,
		};

		type Set = NotarySet<ConstU32<8>>;

		/// `count` keys sorted by address, with their addresses.
		fn keys(count: u8) -> Vec<(ecdsa::Pair, H160)> {
			let mut keys: Vec<_> = (0..count)
				.map(|i| {
					let pair = ecdsa::Pair::from_seed(&[i + 1; 32]);
					let address =
						crate::attestation::ethereum_address(&libsecp_uncompressed(&pair));
					(pair, address)
				})
				.collect();
			keys.sort_by_key(|(_, address)| *address);
			keys
		}

		/// The 64-byte uncompressed public key, recovered from a signature (sp-core keeps keys
		/// compressed).
		fn libsecp_uncompressed(pair: &ecdsa::Pair) -> [u8; 64] {
			let digest = [7u8; 32];
			polkadot_sdk::sp_io::crypto::secp256k1_ecdsa_recover(
				&pair.sign_prehashed(&digest).0,
				&digest,
			)
			.ok()
			.expect("recovers")
		}

		/// `signature` with `s` replaced by `n - s` and `v` flipped: its malleable twin.
		fn high_s(signature: ecdsa::Signature) -> ecdsa::Signature {
			const ORDER: [u8; 32] = [
				0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c,
				0xd0, 0x36, 0x41, 0x41,
			];
			let mut twin = signature;
			let mut borrow = 0i16;
			for i in (0..32).rev() {
				let difference = i16::from(ORDER[i]) - i16::from(signature.0[32 + i]) - borrow;
				borrow = i16::from(difference < 0);
				twin.0[32 + i] = difference.rem_euclid(256) as u8;
			}
			twin.0[64] ^= 1;
			twin
		}

		fn set(threshold: u32, members: Vec<H160>) -> Set {
			Set { id: 0, threshold, members: BoundedVec::truncate_from(members) }
		}

		fn sign(pair: &ecdsa::Pair, payload: &[u8]) -> ecdsa::Signature {
			pair.sign_prehashed(&ethereum_personal_digest(payload))
		}

		#[test]
		fn a_set_needs_members_in_order_and_a_byzantine_threshold() {
			let members: Vec<H160> = keys(4).into_iter().map(|(_, a)| a).collect();
			assert_eq!(set(3, members.clone()).check(), Ok(()));
			assert_eq!(set(2, members.clone()).check(), Err(NotaryError::ThresholdNotByzantine));
			assert_eq!(set(5, members.clone()).check(), Err(NotaryError::ThresholdNotByzantine));
			assert_eq!(set(1, vec![]).check(), Err(NotaryError::EmptyNotarySet));
			let mut reversed = members.clone();
			reversed.reverse();
			assert_eq!(set(3, reversed).check(), Err(NotaryError::MembersNotSorted));
			let duplicated = vec![members[0], members[0], members[1], members[2]];
			assert_eq!(set(3, duplicated).check(), Err(NotaryError::MembersNotSorted));
			assert_eq!(set(1, vec![members[0]]).check(), Ok(()));
			assert_eq!(set(1, vec![H160::zero()]).check(), Err(NotaryError::ZeroAddress));
		}

		#[test]
		fn signatures_are_checked_as_the_gateway_checks_them() {
			let keys = keys(5);
			let outsider = &keys[4].0;
			let members: Vec<H160> = keys[..4].iter().map(|(_, a)| *a).collect();
			let set = set(3, members);
			let payload = b"some payload".to_vec();
			let signed: Vec<_> = keys[..4].iter().map(|(pair, _)| sign(pair, &payload)).collect();
			assert_eq!(set.verify(&payload, &signed[..3]), Ok(()));
			assert_eq!(set.verify(&payload, &signed), Ok(()));
			assert_eq!(set.verify(&payload, &signed[..2]), Err(NotaryError::BelowThreshold));
			assert_eq!(
				set.verify(&payload, &[signed[1], signed[0], signed[2]]),
				Err(NotaryError::SignersNotSorted)
			);
			assert_eq!(
				set.verify(&payload, &[signed[0], signed[0], signed[1]]),
				Err(NotaryError::SignersNotSorted)
			);
			// Another payload's signatures recover other addresses: not members.
			let other = sign(&keys[0].0, b"other payload");
			let result = set.verify(&payload, &[other, signed[1], signed[2]]);
			assert!(matches!(
				result,
				Err(NotaryError::UnknownNotary) | Err(NotaryError::SignersNotSorted)
			));
			let stranger = sign(outsider, &payload);
			let mut with_stranger = vec![signed[0], signed[1], signed[2], stranger];
			with_stranger.sort_by_key(|signature| {
				recover_ethereum_address(signature, &ethereum_personal_digest(&payload))
			});
			assert_eq!(set.verify(&payload, &with_stranger), Err(NotaryError::UnknownNotary));
			let mut bad_v = signed[0];
			bad_v.0[64] = 5;
			assert_eq!(
				set.verify(&payload, &[bad_v, signed[1], signed[2]]),
				Err(NotaryError::InvalidSignature)
			);
			// The same signature with `s` negated (`n - s`, `v` flipped) recovers the same key,
			// but only the low-`s` form is valid, as on the gateway.
			let digest = ethereum_personal_digest(&payload);
			let recover = |signature: &ecdsa::Signature| {
				polkadot_sdk::sp_io::crypto::secp256k1_ecdsa_recover(&signature.0, &digest).ok()
			};
			assert_eq!(recover(&high_s(signed[0])), recover(&signed[0]), "a true twin");
			assert_eq!(
				set.verify(&payload, &[high_s(signed[0]), signed[1], signed[2]]),
				Err(NotaryError::InvalidSignature)
			);
		}

		#[test]
		fn a_signed_checkpoint_names_its_signer() {
			let (pair, address) = keys(1).remove(0);
			let checkpoint = Checkpoint {
				destination: 11,
				set_id: 0,
				hub_block: 9,
				hub_block_hash: H256::repeat_byte(1),
				hub_timestamp: 6_000,
				root: H256::repeat_byte(2),
			};
			let genesis = H256::repeat_byte(0xa1);
			let signed = SignedCheckpoint {
				checkpoint,
				signature: sign(&pair, &checkpoint.payload(genesis)),
			};
			assert_eq!(signed.signer(genesis), Some(address));
			assert_ne!(signed.signer(H256::repeat_byte(0xa2)), Some(address));
		}
	}
}
