//! The worked examples of `docs/protocol.md`, byte for byte. If one of these fails, the wire
//! format changed: relayers break, and the document must change with the code.

use codec::Encode;
use fusion_hub_primitives::{
	attestation::{
		ethereum_personal_digest, handover_payload, header_payload, recover_ethereum_address,
		CommitteeSignature, MemberSignature,
	},
	inclusion::MerkleSiblings,
	merkle, Attestation, CommitteeConfig, CommitteeKey, InclusionProof, PeerHeader,
};
use polkadot_sdk::{
	sp_core::{ecdsa, ed25519, hexdisplay::HexDisplay, ConstU32, Pair, H256},
	sp_runtime::BoundedVec,
};

fn hex(bytes: &[u8]) -> String {
	format!("0x{}", HexDisplay::from(&bytes))
}

fn example_header() -> PeerHeader {
	PeerHeader {
		number: 42,
		hash: H256::repeat_byte(0x11),
		state_root: H256::repeat_byte(0x22),
		message_root: H256::repeat_byte(0x33),
		timestamp: 1_700_000_000_000,
	}
}

/// The Ethereum key of the example: the private key 0x4646...46 (EIP-155's example key).
fn ethereum_key() -> ecdsa::Pair {
	ecdsa::Pair::from_seed(&[0x46; 32])
}

fn alice_ed25519() -> ed25519::Pair {
	ed25519::Pair::from_string("//Alice", None).unwrap()
}

#[test]
fn header_payload_example() {
	let payload = header_payload(7, 1, &example_header());
	assert_eq!(payload.len(), 136);
	assert_eq!(
		hex(&payload),
		concat!(
			"0x4655534954e2d4855422f4844522f31",
		)
	);
}

#[test]
fn print_vectors() {
	let header = example_header();
	let payload = header_payload(7, 1, &header);
	println!("payload {}", hex(&payload));
	let ed = alice_ed25519();
	println!("alice ed25519 public {}", hex(ed.public().as_ref()));
	let ed_sig = ed.sign(&payload);
	println!("alice ed25519 signature {}", hex(ed_sig.as_ref()));
	let eth = ethereum_key();
	let digest_inner = polkadot_sdk::sp_io::hashing::keccak_256(&payload);
	println!("keccak(payload) {}", hex(&digest_inner));
	let digest = ethereum_personal_digest(&payload);
	println!("personal digest {}", hex(&digest));
	let eth_sig = eth.sign_prehashed(&digest);
	println!("eth signature {}", hex(eth_sig.as_ref()));
	let address = recover_ethereum_address(&eth_sig, &digest).unwrap();
	println!("eth address {}", hex(address.as_bytes()));
	let attestation: Attestation<ConstU32<8>> = Attestation {
		signatures: BoundedVec::truncate_from(vec![
			MemberSignature { signer: CommitteeKey::Ed25519(ed.public()), signature: CommitteeSignature::Ed25519(ed_sig) },
			MemberSignature { signer: CommitteeKey::Ecdsa(address), signature: CommitteeSignature::Ecdsa(eth_sig) },
		]),
	};
	println!("attestation {}", hex(&attestation.encode()));
	let committee: CommitteeConfig<ConstU32<8>> = CommitteeConfig {
		members: BoundedVec::truncate_from(vec![CommitteeKey::Ed25519(ed.public()), CommitteeKey::Ecdsa(address)]),
		threshold: 2,
		set_id: 2,
	};
	println!("committee {}", hex(&committee.encode()));
	println!("handover payload {}", hex(&handover_payload(7, 1, &committee)));
	let leaves: Vec<H256> = (1u8..=3).map(|i| merkle::keccak_standard_leaf(&[i; 64])).collect();
	println!("leaves {:?}", leaves);
	println!("root {:?}", merkle::keccak_merkle_root(&leaves));
	let proof = merkle::keccak_merkle_proof(&leaves, 0).unwrap();
	println!("proof {:?}", proof);
	let inclusion = InclusionProof::KeccakMerkle { leaf: leaves[0], proof: MerkleSiblings::truncate_from(proof) };
	println!("inclusion {}", hex(&inclusion.encode()));
}
