//! Ethereum Merkle-Patricia proofs of a gateway's inbound channel state, as a real EVM node
//! (anvil) gives them with `eth_getProof`: `tests/vectors/evm_channel_state.json`, made by
//! `e2e/scripts/evm-proof-vectors.js` from `contracts/test/InboundNoncesFixture.sol`.

use codec::{Decode, Encode};
use fusion_hub_primitives::{
	channel::{
		gateway_inbound_location, gateway_inbound_slot, verify_evm_slot, ChainClock, ChannelState,
		EvmAccount, MptNode, MptProof, MAX_MPT_NODE_LEN,
	},
	ChainKind, ChannelStateProof, InclusionError, VerifiedHeader,
};
use polkadot_sdk::sp_core::{bytes::from_hex, H160, H256};
use serde_json::Value;

struct Vectors(Value);

impl Vectors {
	fn load() -> Self {
		Self(serde_json::from_str(include_str!("vectors/evm_channel_state.json")).unwrap())
	}
	fn bytes(value: &Value) -> Vec<u8> {
		from_hex(value.as_str().unwrap()).unwrap()
	}
	fn h256(&self, field: &str) -> H256 {
		H256::from_slice(&Self::bytes(&self.0[field]))
	}
	fn quantity(value: &Value) -> u64 {
		u64::from_str_radix(value.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
	}
	fn proof(value: &Value) -> MptProof {
		let nodes: Vec<MptNode> = value
			.as_array()
			.unwrap()
			.iter()
			.map(|node| MptNode::try_from(Self::bytes(node)).unwrap())
			.collect();
		MptProof::try_from(nodes).unwrap()
	}
	fn address(&self) -> H160 {
		H160::from_slice(&Self::bytes(&self.0["address"]))
	}
	fn account(&self) -> EvmAccount {
		let mut balance = [0u8; 32];
		let raw = Self::quantity(&self.0["balance"]).to_be_bytes();
		balance[24..].copy_from_slice(&raw);
		EvmAccount {
			nonce: Self::quantity(&self.0["nonce"]),
			balance: H256(balance),
			storage_root: self.h256("storageHash"),
			code_hash: self.h256("codeHash"),
		}
	}
	fn account_proof(&self) -> MptProof {
		Self::proof(&self.0["accountProof"])
	}
	/// (source, slot, value, storage proof) of each storage entry.
	fn storage(&self) -> Vec<(u32, H256, u64, MptProof)> {
		self.0["storage"]
			.as_array()
			.unwrap()
			.iter()
			.map(|entry| {
				(
					entry["source"].as_u64().unwrap() as u32,
					H256::from_slice(&Self::bytes(&entry["key"])),
					Self::quantity(&entry["value"]),
					Self::proof(&entry["proof"]),
				)
			})
			.collect()
	}
}

#[test]
fn the_gateway_slots_are_those_solidity_computes() {
	let vectors = Vectors::load();
	assert_eq!(gateway_inbound_location(), vectors.h256("inboundStorageLocation"));
	assert_eq!(
		format!("{:?}", gateway_inbound_location()),
		"0x802715ed4251621cbdb917d755785607591042ac07b04bf15b3ca70e6465ca00"
	);
	for (source, slot, _, _) in vectors.storage() {
		assert_eq!(gateway_inbound_slot(source), slot, "the slot of source {source}");
	}
}

#[test]
fn anvil_proofs_of_set_and_unset_slots_verify() {
	let vectors = Vectors::load();
	let state_root = vectors.h256("stateRoot");
	let storage = vectors.storage();
	assert_eq!(storage.iter().map(|entry| entry.2).collect::<Vec<_>>(), vec![5, 1, 0]);
	for (source, slot, value, proof) in &storage {
		assert_eq!(
			verify_evm_slot(
				&state_root,
				&vectors.address(),
				&vectors.account(),
				&vectors.account_proof(),
				slot,
				*value,
				proof
			),
			Ok(()),
			"source {source}"
		);
	}
}

#[test]
fn the_channel_state_of_an_evm_peer_is_read_through_its_gateway() {
	let vectors = Vectors::load();
	let header = VerifiedHeader {
		number: vectors.0["blockNumber"].as_u64().unwrap() as u32,
		hash: H256::repeat_byte(1),
		state_root: vectors.h256("stateRoot"),
		message_root: Some(H256::zero()),
		timestamp: Some(1_700_000_000_000),
		set_id: 0,
	};
	let kind = ChainKind::EvmChain { chain_id: 31337, gateway: vectors.address() };
	let (source, _, delivered, storage_proof) = vectors.storage().remove(0);
	let proof = ChannelStateProof::EvmStorage {
		account: vectors.account(),
		account_proof: vectors.account_proof(),
		delivered,
		storage_proof: storage_proof.clone(),
	};
	assert_eq!(
		proof.verify(&kind, &header, source, 9),
		Ok(ChannelState {
			delivered: 5,
			clock: ChainClock { height: 3, timestamp: Some(1_700_000_000_000) }
		})
	);
	// The proof is bound to the registered gateway: another contract's storage proves nothing.
	let elsewhere = ChainKind::EvmChain { chain_id: 31337, gateway: H160::repeat_byte(0x42) };
	assert_eq!(proof.verify(&elsewhere, &header, source, 9), Err(InclusionError::NotIncluded));
	// ...and to the channel's source: the slot of source 0 is not the slot of source 7.
	assert_eq!(proof.verify(&kind, &header, 7, 9), Err(InclusionError::NotIncluded));
	// An EVM proof means nothing for a permissioned ledger, nor for a parachain.
	let ledger =
		ChainKind::PermissionedLedger { platform: fusion_hub_primitives::LedgerPlatform::Other };
	assert_eq!(proof.verify(&ledger, &header, source, 9), Err(InclusionError::ProofKindMismatch));
	let parachain = ChainKind::PolkadotParachain { para_id: 2001 };
	assert_eq!(
		proof.verify(&parachain, &header, source, 9),
		Err(InclusionError::NoChannelStateProof)
	);
}

#[test]
fn evm_proofs_that_prove_something_else_are_refused() {
	let vectors = Vectors::load();
	let state_root = vectors.h256("stateRoot");
	let (_, slot, _, storage_proof) = vectors.storage().remove(0);
	let check = |root: &H256,
	             account: &EvmAccount,
	             account_proof: &[MptNode],
	             slot: &H256,
	             value,
	             proof: &[MptNode]| {
		verify_evm_slot(root, &vectors.address(), account, account_proof, slot, value, proof)
	};
	let account = vectors.account();
	let account_proof = vectors.account_proof();
	// Another value than the slot holds, and the unset value claimed for a set slot.
	assert_eq!(
		check(&state_root, &account, &account_proof, &slot, 6, &storage_proof),
		Err(InclusionError::StorageValueMismatch)
	);
	assert_eq!(
		check(&state_root, &account, &account_proof, &slot, 0, &storage_proof),
		Err(InclusionError::StorageValueMismatch)
	);
	// An account field that is not the account's: not the gateway's account.
	let mut richer = account;
	richer.balance = H256::from_low_u64_be(1);
	assert_eq!(
		check(&state_root, &richer, &account_proof, &slot, 5, &storage_proof),
		Err(InclusionError::NotIncluded)
	);
	// A storage root that is not the account's (its storage proof hangs from another root).
	let mut other_storage = account;
	other_storage.storage_root = H256::repeat_byte(4);
	assert_eq!(
		check(&state_root, &other_storage, &account_proof, &slot, 5, &storage_proof),
		Err(InclusionError::NotIncluded)
	);
	// Another state root.
	assert_eq!(
		check(&H256::repeat_byte(3), &account, &account_proof, &slot, 5, &storage_proof),
		Err(InclusionError::NotIncluded)
	);
	// A tampered node: its hash is no longer the one its parent names.
	let mut tampered = storage_proof.clone();
	let last = tampered.len() - 1;
	let mut node = tampered[last].to_vec();
	let end = node.len() - 1;
	node[end] ^= 1;
	tampered[last] = MptNode::try_from(node).unwrap();
	assert!(check(&state_root, &account, &account_proof, &slot, 5, &tampered).is_err());
	// A proof cut short: it stops at the hash of the node that holds the value.
	let mut short = storage_proof.clone();
	short.pop();
	assert_eq!(
		check(&state_root, &account, &account_proof, &slot, 5, &short),
		Err(InclusionError::IncompleteStorageProof)
	);
	// A node that is not the root's, in place of the root: its hash is checked first.
	let garbage = vec![MptNode::try_from(vec![0xff; 40]).unwrap()];
	assert_eq!(
		check(&state_root, &account, &garbage, &slot, 5, &storage_proof),
		Err(InclusionError::NotIncluded)
	);
	// An empty proof proves an empty trie, not this one.
	assert_eq!(
		check(&state_root, &account, &[], &slot, 5, &storage_proof),
		Err(InclusionError::NotIncluded)
	);
}

#[test]
fn oversized_proofs_do_not_decode() {
	// Bounds are checked while decoding, before anything is hashed.
	let too_long = vec![0u8; MAX_MPT_NODE_LEN as usize + 1];
	assert!(MptNode::decode(&mut too_long.encode().as_slice()).is_err());
	let too_many = vec![vec![0u8; 1]; 17];
	assert!(MptProof::decode(&mut too_many.encode().as_slice()).is_err());
}
