//! Hub notary checkpoints: what the hub's notary set signs so that an EVM chain can verify the
//! hub's outbound root for it cheaply (`contracts/src/HubNotaries.sol` verifies them; the
//! signer and relayer build them). Unlike the SCALE payloads of peer committees, these are
//! big-endian and packed, as the EVM's `abi.encodePacked` builds them: `docs/protocol.md`, "Hub
//! notary checkpoints", spells them out byte for byte. Each member signs the Ethereum personal
//! message of `keccak256(payload)` ([`crate::attestation::ethereum_personal_digest`]).

use crate::ChainId;
use alloc::vec::Vec;
use polkadot_sdk::sp_core::{H160, H256};

/// Domain tag of a checkpoint.
pub const CHECKPOINT_DOMAIN: [u8; 16] = *b"FUSION-HUB/CKP/1";
/// Domain tag of a notary-set handover.
pub const NOTARY_HANDOVER_DOMAIN: [u8; 16] = *b"FUSION-HUB/NHO/1";

/// The hub's outbound root for `destination` in hub block `hub_block`, as notary set `set_id`
/// certifies it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
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
}
