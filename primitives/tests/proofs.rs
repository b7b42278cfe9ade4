//! Property tests of the pure verification code: random trees, tries and payloads round-trip,
//! and any flipped byte fails.

use codec::{Decode, Encode};
use fusion_hub_primitives::{
	attestation::{
		ethereum_personal_digest, header_payload, recover_ethereum_address, CommitteeSignature,
		MemberSignature,
	},
	inclusion::{read_storage_value, MerkleSiblings, MAX_MERKLE_DEPTH},
	merkle, Attestation, CommitteeConfig, CommitteeKey, InclusionProof, PeerHeader,
};
use polkadot_sdk::{
	binary_merkle_tree,
	sp_core::{ecdsa, ed25519, sr25519, ConstU32, Pair, H256},
	sp_runtime::{traits::BlakeTwo256, BoundedVec},
	sp_trie::{read_trie_value, recorder::Recorder, LayoutV1, MemoryDB, TrieDBMutBuilder, TrieMut},
};
use proptest::prelude::*;

type Layout = LayoutV1<BlakeTwo256>;

fn flip(bytes: &mut [u8], position: usize, mask: u8) {
	let index = position % bytes.len();
	bytes[index] ^= mask;
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(200))]

	/// The frontier the hub commits with gives the level-by-level root for trees up to 600
	/// leaves (shapes of up to ten levels), and proofs served from the leaves verify against it.
	#[test]
	fn the_frontier_root_is_the_level_by_level_root(
		leaves in prop::collection::vec(any::<[u8; 32]>(), 1..600),
		index in any::<prop::sample::Index>(),
	) {
		let leaves: Vec<H256> = leaves.into_iter().map(H256).collect();
		let mut frontier = merkle::KeccakFrontier::default();
		prop_assert_eq!(frontier.root(), None);
		for (added, leaf) in leaves.iter().enumerate() {
			prop_assert_eq!(frontier.push(*leaf), Some(()));
			prop_assert_eq!(frontier.leaves as usize, added + 1);
			prop_assert_eq!(frontier.peaks.len() as u32, frontier.leaves.count_ones());
			// After every one of the first leaves (the level-by-level root is quadratic).
			if added < 40 {
				prop_assert_eq!(frontier.root(), merkle::keccak_merkle_root(&leaves[..=added]));
			}
		}
		prop_assert_eq!(frontier.root(), merkle::keccak_merkle_root(&leaves));
		let index = index.index(leaves.len());
		let proof = merkle::keccak_merkle_proof(&leaves, index).unwrap();
		prop_assert!(merkle::verify_keccak_proof(&frontier.root().unwrap(), leaves[index], &proof));
	}

	#[test]
	fn keccak_proofs_round_trip_and_any_flipped_byte_fails(
		leaves in prop::collection::vec(any::<[u8; 32]>(), 1..100),
		index in any::<prop::sample::Index>(),
		position in any::<usize>(),
		mask in 1u8..,
	) {
		let leaves: Vec<H256> = leaves.into_iter().map(H256).collect();
		let index = index.index(leaves.len());
		let root = merkle::keccak_merkle_root(&leaves).unwrap();
		let proof = merkle::keccak_merkle_proof(&leaves, index).unwrap();
		prop_assert!(proof.len() <= MAX_MERKLE_DEPTH as usize);
		prop_assert!(merkle::verify_keccak_proof(&root, leaves[index], &proof));

		// Flip one byte of the leaf, a sibling or the root.
		let mut bytes: Vec<u8> = leaves[index].0.to_vec();
		for sibling in &proof {
			bytes.extend_from_slice(sibling.as_bytes());
		}
		bytes.extend_from_slice(root.as_bytes());
		flip(&mut bytes, position, mask);
		let leaf = H256::from_slice(&bytes[..32]);
		let siblings: Vec<H256> = bytes[32..bytes.len() - 32].chunks(32).map(H256::from_slice).collect();
		let root = H256::from_slice(&bytes[bytes.len() - 32..]);
		prop_assert!(!merkle::verify_keccak_proof(&root, leaf, &siblings));
	}

	#[test]
	fn blake2_proofs_round_trip_and_any_flipped_byte_fails(
		leaves in prop::collection::vec(prop::collection::vec(any::<u8>(), 1..48), 1..80),
		index in any::<prop::sample::Index>(),
		position in any::<usize>(),
		mask in 1u8..,
	) {
		let index = index.index(leaves.len());
		let made = binary_merkle_tree::merkle_proof::<BlakeTwo256, _, _>(&leaves, index as u32);
		let count = leaves.len() as u32;
		prop_assert!(merkle::verify_blake2_proof(&made.root, &made.proof, count, index as u32, &leaves[index]));

		let mut bytes = leaves[index].clone();
		let leaf_len = bytes.len();
		for sibling in &made.proof {
			bytes.extend_from_slice(sibling.as_bytes());
		}
		flip(&mut bytes, position, mask);
		let siblings: Vec<H256> = bytes[leaf_len..].chunks(32).map(H256::from_slice).collect();
		prop_assert!(!merkle::verify_blake2_proof(&made.root, &siblings, count, index as u32, &bytes[..leaf_len]));
	}

	#[test]
	fn storage_proofs_round_trip_and_any_flipped_byte_fails(
		entries in prop::collection::btree_map(
			prop::collection::vec(any::<u8>(), 1..40),
			prop::collection::vec(any::<u8>(), 1..100),
			1..60,
		),
		index in any::<prop::sample::Index>(),
		node_index in any::<prop::sample::Index>(),
		position in any::<usize>(),
		mask in 1u8..,
	) {
		let mut db = MemoryDB::<BlakeTwo256>::default();
		let mut root = H256::zero();
		{
			let mut trie = TrieDBMutBuilder::<Layout>::new(&mut db, &mut root).build();
			for (key, value) in &entries {
				trie.insert(key, value).unwrap();
			}
		}
		let (key, value) = entries.iter().nth(index.index(entries.len())).unwrap();
		let recorder = Recorder::<BlakeTwo256>::default();
		read_trie_value::<Layout, _>(&db, &root, key, Some(&mut recorder.as_trie_recorder(root)), None).unwrap();
		let mut nodes: Vec<Vec<u8>> = recorder.drain_storage_proof().into_iter_nodes().collect();
		prop_assert_eq!(read_storage_value(&root, nodes.clone(), key), Ok(Some(value.clone())));

		// Every node of a read proof is on the key's path: a flipped byte anywhere loses it.
		let node = node_index.index(nodes.len());
		flip(&mut nodes[node], position, mask);
		prop_assert_ne!(read_storage_value(&root, nodes, key), Ok(Some(value.clone())));
	}

	#[test]
	fn attestations_verify_and_any_flipped_payload_byte_fails(
		header in (any::<u32>(), any::<[u8; 32]>(), any::<[u8; 32]>(), any::<[u8; 32]>(), any::<u64>()),
		chain_id in any::<u32>(),
		set_id in any::<u64>(),
		position in any::<usize>(),
		mask in 1u8..,
	) {
		let header = PeerHeader {
			number: header.0,
			hash: H256(header.1),
			state_root: H256(header.2),
			message_root: H256(header.3),
			timestamp: header.4,
		};
		let payload = header_payload(chain_id, set_id, &header);
		prop_assert_eq!(payload.len(), 136);
		let (committee, attestation) = sign_by_three(&payload);
		prop_assert_eq!(attestation.verify(&committee, &payload), Ok(3));

		let mut flipped = payload.clone();
		flip(&mut flipped, position, mask);
		prop_assert!(attestation.verify(&committee, &flipped).is_err());
	}

	#[test]
	fn inclusion_proofs_round_trip_through_scale(
		leaf in any::<[u8; 32]>(),
		siblings in prop::collection::vec(any::<[u8; 32]>(), 0..=MAX_MERKLE_DEPTH as usize),
	) {
		let proof = InclusionProof::KeccakMerkle {
			leaf: H256(leaf),
			proof: MerkleSiblings::try_from(siblings.into_iter().map(H256).collect::<Vec<_>>()).unwrap(),
		};
		prop_assert_eq!(InclusionProof::decode(&mut &proof.encode()[..]).unwrap(), proof);
	}
}

/// A 3-of-3 committee of one member per scheme, and its attestation of `payload`.
fn sign_by_three(payload: &[u8]) -> (CommitteeConfig<ConstU32<8>>, Attestation<ConstU32<8>>) {
	let ed = ed25519::Pair::from_seed(&[1; 32]);
	let sr = sr25519::Pair::from_seed(&[2; 32]);
	let ec = ecdsa::Pair::from_seed(&[3; 32]);
	let digest = ethereum_personal_digest(payload);
	let ec_signature = ec.sign_prehashed(&digest);
	let ec_address = recover_ethereum_address(&ec_signature, &digest).unwrap();
	let signatures = vec![
		MemberSignature {
			signer: CommitteeKey::Ed25519(ed.public()),
			signature: CommitteeSignature::Ed25519(ed.sign(payload)),
		},
		MemberSignature {
			signer: CommitteeKey::Sr25519(sr.public()),
			signature: CommitteeSignature::Sr25519(sr.sign(payload)),
		},
		MemberSignature {
			signer: CommitteeKey::Ecdsa(ec_address),
			signature: CommitteeSignature::Ecdsa(ec_signature),
		},
	];
	let committee = CommitteeConfig {
		members: BoundedVec::truncate_from(signatures.iter().map(|s| s.signer).collect()),
		threshold: 3,
		set_id: 0,
	};
	(committee, Attestation { signatures: BoundedVec::truncate_from(signatures) })
}

#[test]
fn oversized_proofs_do_not_decode() {
	// A keccak proof with one sibling more than MAX_MERKLE_DEPTH.
	let mut bytes = vec![0u8];
	bytes.extend(H256::zero().encode());
	bytes.extend(vec![H256::zero(); MAX_MERKLE_DEPTH as usize + 1].encode());
	assert!(InclusionProof::decode(&mut &bytes[..]).is_err());
	// An attestation with more signatures than the committee bound.
	let signature = MemberSignature {
		signer: CommitteeKey::Ed25519(ed25519::Public::from_raw([0; 32])),
		signature: CommitteeSignature::Ed25519(ed25519::Signature::from_raw([0; 64])),
	};
	let encoded = vec![signature; 9].encode();
	assert!(Attestation::<ConstU32<8>>::decode(&mut &encoded[..]).is_err());
	// A truncated proof.
	let proof =
		InclusionProof::KeccakMerkle { leaf: H256::zero(), proof: MerkleSiblings::default() };
	let encoded = proof.encode();
	assert!(InclusionProof::decode(&mut &encoded[..encoded.len() - 1]).is_err());
}

#[test]
fn storage_value_above_the_bound_does_not_decode() {
	let too_long: BoundedVec<u8, ConstU32<{ 16 * 1024 + 1 }>> =
		BoundedVec::truncate_from(vec![0u8; 16 * 1024 + 1]);
	let mut bytes = vec![2u8]; // StorageValue
	bytes.extend(vec![1u8].encode()); // key
	bytes.push(1); // Some(value)
	bytes.extend(too_long.encode());
	bytes.extend(Vec::<Vec<u8>>::new().encode());
	assert!(InclusionProof::decode(&mut &bytes[..]).is_err());
}

#[test]
fn a_full_frontier_refuses_a_leaf_and_is_unchanged() {
	let mut frontier = merkle::KeccakFrontier {
		leaves: u32::MAX,
		peaks: BoundedVec::truncate_from(vec![H256::repeat_byte(1); 32]),
	};
	let before = frontier.clone();
	assert_eq!(frontier.push(H256::repeat_byte(2)), None);
	assert_eq!(frontier, before);
}
