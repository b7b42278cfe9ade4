//! A secp256k1 key that signs as an Ethereum wallet's `personal_sign` does: what hub notaries
//! and ECDSA committee members sign with (docs/protocol.md, "Signatures by scheme").

use alloy::signers::{local::PrivateKeySigner, SignerSync};
use anyhow::{Context, Result};
use fusion_hub_primitives::notary::Checkpoint;
use polkadot_sdk::sp_core::{H160, H256};
use std::path::Path;

/// A signing key, loaded from a file that holds its 32-byte secret in hex.
pub struct EthKey {
	signer: PrivateKeySigner,
}

impl EthKey {
	/// Reads the key from `path`: 64 hex digits, `0x` optional, surrounding whitespace ignored.
	pub fn from_file(path: &Path) -> Result<Self> {
		let text = std::fs::read_to_string(path)
			.with_context(|| format!("reading the key file {}", path.display()))?;
		Self::from_hex(text.trim()).with_context(|| format!("the key in {}", path.display()))
	}

	/// The key whose secret is `hex`.
	pub fn from_hex(hex: &str) -> Result<Self> {
		let signer: PrivateKeySigner = hex.parse().context("not a secp256k1 secret key in hex")?;
		Ok(Self { signer })
	}

	/// The key's Ethereum address: what the hub and the gateway know it by.
	pub fn address(&self) -> H160 {
		H160::from(self.signer.address().into_array())
	}

	/// `r || s || v` (`v` 27 or 28) over the EIP-191 message of `keccak256(payload)`.
	pub fn sign_payload(&self, payload: &[u8]) -> Result<[u8; 65]> {
		let hash = alloy::primitives::keccak256(payload);
		let signature = self.signer.sign_message_sync(hash.as_slice())?;
		Ok(signature.as_bytes())
	}

	/// Signs `checkpoint` for the hub `hub_genesis`.
	pub fn sign_checkpoint(&self, checkpoint: &Checkpoint, hub_genesis: H256) -> Result<[u8; 65]> {
		self.sign_payload(&checkpoint.payload(hub_genesis))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use fusion_hub_primitives::attestation::{ethereum_personal_digest, recover_ethereum_address};

	/// The development notary 1 of docs/protocol.md.
	const DEV_NOTARY_1: &str = "0x1111111111111111111111111111111111111111111111111111111111111111";

	#[test]
	fn a_signature_recovers_on_the_hub_as_the_keys_address() {
		let key = EthKey::from_hex(DEV_NOTARY_1).unwrap();
		assert_eq!(format!("{:?}", key.address()), "0x19e7e376e7c213b7e7e7e46cc70a5dd086daff2a");
		let payload = b"FUSION-HUB/CKP/1 and more".to_vec();
		let signature = key.sign_payload(&payload).unwrap();
		assert!(matches!(signature[64], 27 | 28));
		let recovered = recover_ethereum_address(
			&polkadot_sdk::sp_core::ecdsa::Signature::from_raw(signature),
			&ethereum_personal_digest(&payload),
		);
		assert_eq!(recovered, Some(key.address()));
	}

	/// docs/protocol.md, "Hub notary checkpoints": the vector's payload, as the signer signs it.
	#[test]
	fn the_signed_checkpoint_is_the_documented_vector() {
		let checkpoint = Checkpoint {
			destination: 11,
			set_id: 0,
			hub_block: 1_234,
			hub_block_hash: H256::repeat_byte(0xcd),
			hub_timestamp: 1_700_000_000_000,
			root: H256::repeat_byte(0xef),
		};
		let genesis = H256::repeat_byte(0xa1);
		let payload = checkpoint.payload(genesis);
		assert_eq!(
			hex::encode(alloy::primitives::keccak256(&payload)),
			"2fe6d753af9e530920d64550fd16fb85dcafe9a2218b35b8dadaadf4898c5dd5"
		);
		let key = EthKey::from_hex(DEV_NOTARY_1).unwrap();
		let signature = key.sign_checkpoint(&checkpoint, genesis).unwrap();
		assert_eq!(signature, key.sign_payload(&payload).unwrap(), "deterministic (RFC 6979)");
		let recovered = recover_ethereum_address(
			&polkadot_sdk::sp_core::ecdsa::Signature::from_raw(signature),
			&ethereum_personal_digest(&payload),
		);
		assert_eq!(recovered, Some(key.address()));
	}

	#[test]
	fn a_key_file_may_have_a_prefix_and_whitespace_but_nothing_else() {
		let dir = std::env::temp_dir();
		let good = dir.join(format!("fusion-key-{}-good", std::process::id()));
		std::fs::write(&good, format!("  {DEV_NOTARY_1}\n")).unwrap();
		assert!(EthKey::from_file(&good).is_ok());
		let bad = dir.join(format!("fusion-key-{}-bad", std::process::id()));
		std::fs::write(&bad, "0x1234").unwrap();
		assert!(EthKey::from_file(&bad).is_err());
		assert!(EthKey::from_file(&dir.join("fusion-key-missing")).is_err());
		std::fs::remove_file(good).unwrap();
		std::fs::remove_file(bad).unwrap();
	}
}
