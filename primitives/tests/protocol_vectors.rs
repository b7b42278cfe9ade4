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

const PAYLOAD: &str = concat!(
	"0x465553494f4e2d4855422f4844522f31", // "FUSION-HUB/HDR/1"
	"07000000",                           // chain id 7
	"0100000000000000",                   // set id 1
	"2a000000",                           // number 42
	"1111111111111111111111111111111111111111111111111111111111111111", // hash
	"2222222222222222222222222222222222222222222222222222222222222222", // state root
	"3333333333333333333333333333333333333333333333333333333333333333", // message root
	"0068e5cf8b010000",                   // timestamp 1_700_000_000_000
);
const ALICE_ED25519: &str = "0x88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee";
const ALICE_SIGNATURE: &str = "0x0879023e5be900d5e79466a9e6f894595145f3dcd5334a5f1d69fbc65f3597331d3a6e6d9136f42be8b34a607eb76072b8ae15e70f076953c0e467825eb4c00d";
const KECCAK_PAYLOAD: &str = "0xff745d7141113c53d543d971af31484a0c035917b49104a81f3d948d04942ada";
const PERSONAL_DIGEST: &str = "0xd57ea433b72b15361b82a990944c3e6da890f0d5404a83fbf856208342b40370";
const ETH_ADDRESS: &str = "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f";
const ETH_SIGNATURE: &str = "0x3656afcd37f4dea3e5685f921c7f494f65599328b2c63236fdf258f27da6eb492d7ae520cf6db5133ca86bf57685936a9b384bf4ad59edd088ea572dcaa158d401";

fn example_attestation() -> Attestation<ConstU32<8>> {
	let payload = header_payload(7, 1, &example_header());
	let digest = ethereum_personal_digest(&payload);
	let eth_signature = ethereum_key().sign_prehashed(&digest);
	Attestation {
		signatures: BoundedVec::truncate_from(vec![
			MemberSignature {
				signer: CommitteeKey::Ed25519(alice_ed25519().public()),
				signature: CommitteeSignature::Ed25519(alice_ed25519().sign(&payload)),
			},
			MemberSignature {
				signer: CommitteeKey::Ecdsa(
					recover_ethereum_address(&eth_signature, &digest).unwrap(),
				),
				signature: CommitteeSignature::Ecdsa(eth_signature),
			},
		]),
	}
}

fn example_committee() -> CommitteeConfig<ConstU32<8>> {
	CommitteeConfig {
		members: BoundedVec::truncate_from(
			example_attestation().signatures.iter().map(|s| s.signer).collect(),
		),
		threshold: 2,
		set_id: 1,
	}
}

#[test]
fn the_header_payload_is_136_bytes_in_field_order() {
	let payload = header_payload(7, 1, &example_header());
	assert_eq!(payload.len(), 136);
	assert_eq!(hex(&payload), PAYLOAD);
}

#[test]
fn ed25519_members_sign_the_payload_itself() {
	let alice = alice_ed25519();
	assert_eq!(hex(alice.public().as_ref()), ALICE_ED25519);
	let payload = header_payload(7, 1, &example_header());
	assert_eq!(hex(alice.sign(&payload).as_ref()), ALICE_SIGNATURE);
}

#[test]
fn ethereum_members_personal_sign_the_keccak_of_the_payload() {
	let payload = header_payload(7, 1, &example_header());
	assert_eq!(hex(&polkadot_sdk::sp_io::hashing::keccak_256(&payload)), KECCAK_PAYLOAD);
	let digest = ethereum_personal_digest(&payload);
	assert_eq!(hex(&digest), PERSONAL_DIGEST);
	// The key 0x4646…46 of EIP-155's example has this well-known address.
	let signature = ethereum_key().sign_prehashed(&digest);
	assert_eq!(hex(signature.as_ref()), ETH_SIGNATURE);
	assert_eq!(hex(recover_ethereum_address(&signature, &digest).unwrap().as_bytes()), ETH_ADDRESS);
	// Wallets put 27/28 in `v`; both forms verify.
	let mut wallet_form = signature.0;
	wallet_form[64] += 27;
	assert_eq!(
		hex(recover_ethereum_address(&ecdsa::Signature::from_raw(wallet_form), &digest)
			.unwrap()
			.as_bytes()),
		ETH_ADDRESS
	);
}

#[test]
fn the_example_attestation_encodes_and_verifies() {
	let attestation = example_attestation();
	assert_eq!(
		hex(&attestation.encode()),
		format!(
			"0x08{}{}{}{}{}{}",
			"00".to_owned() + &ALICE_ED25519[2..],
			"00",
			&ALICE_SIGNATURE[2..],
			"02".to_owned() + &ETH_ADDRESS[2..],
			"02",
			&ETH_SIGNATURE[2..],
		)
	);
	let payload = header_payload(7, 1, &example_header());
	assert_eq!(attestation.verify(&example_committee(), &payload), Ok(2));
}

#[test]
fn the_example_handover_payload() {
	let next = CommitteeConfig::<ConstU32<8>> { set_id: 2, ..example_committee() };
	assert_eq!(
		hex(&next.encode()),
		format!(
			"0x0800{}02{}0200000002{}",
			&ALICE_ED25519[2..],
			&ETH_ADDRESS[2..],
			"00000000000000"
		),
	);
	assert_eq!(
		hex(&handover_payload(7, 1, &next)),
		format!(
			"0x{}{}{}{}",
			"465553494f4e2d4855422f524f542f31", // "FUSION-HUB/ROT/1"
			"07000000",
			"0100000000000000",
			&hex(&next.encode())[2..],
		)
	);
}

/// The root the hub's outbound frontier commits to for `leaves`, added one by one.
fn frontier_root(leaves: &[H256]) -> Option<H256> {
	let mut frontier = merkle::KeccakFrontier::default();
	for leaf in leaves {
		frontier.push(*leaf).unwrap();
	}
	frontier.root()
}

#[test]
fn the_example_keccak_tree_and_proof() {
	let leaves: Vec<H256> = (1u8..=3).map(|i| merkle::keccak_standard_leaf(&[i; 64])).collect();
	let root = merkle::keccak_merkle_root(&leaves).unwrap();
	assert_eq!(
		format!("{root:?}"),
		"0x16aafe43e9b4ffe0f572bb878d9636cd3350bf2046d9cdf5c53f27b6f859a58d"
	);
	// The hub commits with a frontier: the same root, without reading its leaves back.
	assert_eq!(frontier_root(&leaves), Some(root));
	let proof = merkle::keccak_merkle_proof(&leaves, 0).unwrap();
	assert_eq!(proof, vec![leaves[1], leaves[2]]);
	assert!(merkle::verify_keccak_proof(&root, leaves[0], &proof));
	let inclusion = InclusionProof::KeccakMerkle {
		leaf: leaves[0],
		proof: MerkleSiblings::truncate_from(proof),
	};
	assert_eq!(
		hex(&inclusion.encode()),
		concat!(
			"0x00",
			"fad88fcb71691ec350dd996fea1e2cc028da907c6df98ee370fff64bac1932bc",
			"08",
			"a4fcc9d3d460b169fd2a8bdc00da78c3d6ec737f5aeb6643777e51474a9554a1",
			"39ade46d6d719c7b074847bc0d1fd0456b0536c8f7c849da29d4941a517fae59",
		)
	);
}

#[test]
fn messages_are_standard_merkle_tree_leaves() {
	use fusion_hub_primitives::message::{Message, Timeout};
	let first: Message<ConstU32<1024>> = Message {
		source: 7,
		destination: fusion_hub_primitives::message::HUB_CHAIN_ID,
		nonce: 1,
		sender: H256::repeat_byte(0x11),
		app_id: 1,
		payload: BoundedVec::truncate_from(vec![0xab; 33]),
		timeout: Timeout { height: 0, timestamp: 1_700_000_000_000 },
		fee: 5_000_000_000_000_000_000,
	};
	let second: Message<ConstU32<1024>> = Message {
		source: 0,
		destination: 9,
		nonce: 42,
		sender: H256::repeat_byte(0x22),
		app_id: 2,
		payload: BoundedVec::default(),
		timeout: Timeout { height: 1_200, timestamp: 0 },
		fee: 0,
	};
	// `AbiCoder.defaultAbiCoder().encode(MESSAGE_ABI_TYPES, fields)` in ethers 6.17.0.
	assert_eq!(
		hex(&first.abi_encode()),
		concat!(
			"0x",
			"0000000000000000000000000000000000000000000000000000000000000007",
			"0000000000000000000000000000000000000000000000000000000000000000",
			"0000000000000000000000000000000000000000000000000000000000000001",
			"1111111111111111111111111111111111111111111111111111111111111111",
			"0000000000000000000000000000000000000000000000000000000000000001",
			"0000000000000000000000000000000000000000000000000000000000000120",
			"0000000000000000000000000000000000000000000000000000000000000000",
			"0000000000000000000000000000000000000000000000000000018bcfe56800",
			"0000000000000000000000000000000000000000000000004563918244f40000",
			"0000000000000000000000000000000000000000000000000000000000000021",
			"abababababababababababababababababababababababababababababababab",
			"ab00000000000000000000000000000000000000000000000000000000000000",
		)
	);
	// `StandardMerkleTree.of([first, second], MESSAGE_ABI_TYPES)` in @openzeppelin/merkle-tree
	// 1.0.8: its leaf hashes and root.
	assert_eq!(
		format!("{:?}", first.leaf_hash()),
		"0x7beb0e98b73829971d7ab153c365e10292f51b2e147818375b3b9e5facf7350e"
	);
	assert_eq!(
		format!("{:?}", second.leaf_hash()),
		"0x8fb871c234752254cf1435d0feef869713509b5364284d27cbd396230c72243c"
	);
	assert_eq!(
		format!(
			"{:?}",
			merkle::keccak_merkle_root(&[first.leaf_hash(), second.leaf_hash()]).unwrap()
		),
		"0x2fa5d0f5f3cf7d10127ce3efe13493e4e77cadce4c8bee2d58e6961a7229e216"
	);
}

mod messages {
	//! The message, receipt and transfer examples of `docs/protocol.md`.
	use super::hex;
	use codec::Encode;
	use fusion_hub_primitives::{
		merkle,
		message::{storage_commitment_key, Message, Timeout, TransferPayload, ASSET_TRANSFER_APP},
		Receipt, ReceiptOutcome, TokenRef,
	};
	use polkadot_sdk::{
		sp_core::{ConstU32, H256},
		sp_runtime::BoundedVec,
	};

	fn example_receipt() -> Receipt {
		Receipt {
			source: 7,
			destination: 0,
			nonce: 1,
			message_leaf: H256::repeat_byte(0x11),
			outcome: ReceiptOutcome::Delivered,
			relayer: H256::repeat_byte(0x22),
		}
	}

	fn padded_address() -> H256 {
		let mut sender = [0u8; 32];
		sender[12..].copy_from_slice(&array_bytes_20("9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f"));
		H256(sender)
	}

	fn array_bytes_20(hex: &str) -> [u8; 20] {
		let mut out = [0u8; 20];
		for (i, byte) in out.iter_mut().enumerate() {
			*byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
		}
		out
	}

	fn token() -> TokenRef {
		TokenRef { home: 7, id: H256::from_low_u64_be(1) }
	}

	fn transfer_message() -> Message<ConstU32<1024>> {
		let payload = TransferPayload {
			token: token(),
			amount: 1_000,
			beneficiary: H256::repeat_byte(0x33),
			decimals: 18,
		};
		Message {
			source: 7,
			destination: 0,
			nonce: 1,
			sender: padded_address(),
			app_id: ASSET_TRANSFER_APP,
			payload: BoundedVec::truncate_from(payload.abi_encode()),
			timeout: Timeout { height: 0, timestamp: 1_700_000_000_000 },
			fee: 0,
		}
	}

	#[test]
	fn the_receipt_example_encodes_as_documented() {
		let receipt = example_receipt();
		assert_eq!(
			hex(&receipt.abi_encode()),
			concat!(
				"0x0000000000000000000000000000000000000000000000000000000000000007",
				"0000000000000000000000000000000000000000000000000000000000000000",
				"0000000000000000000000000000000000000000000000000000000000000001",
				"1111111111111111111111111111111111111111111111111111111111111111",
				"0000000000000000000000000000000000000000000000000000000000000000",
				"2222222222222222222222222222222222222222222222222222222222222222",
			)
		);
		assert_eq!(
			hex(receipt.leaf_hash().as_bytes()),
			"0x00074f2ed0120ccbfd17938aa0269969a74c07213be254e21e23e6e7a84a08f9"
		);
		assert_eq!(
			hex(&storage_commitment_key(&receipt.leaf_hash())),
			"0x3a667573696f6e2d6875623a6c6561663a00074f2ed0120ccbfd17938aa0269969a74c07213be254e21e23e6e7a84a08f9"
		);
		let scale = receipt.encode();
		assert_eq!(scale.len(), 81);
		assert_eq!(hex(&scale[..16]), "0x07000000000000000100000000000000");
	}

	#[test]
	fn the_transfer_example_encodes_as_documented() {
		let message = transfer_message();
		let payload = TransferPayload::abi_decode(&message.payload).expect("five words");
		assert_eq!(payload.token, token());
		assert_eq!(
			hex(&message.payload),
			concat!(
				"0x0000000000000000000000000000000000000000000000000000000000000007",
				"0000000000000000000000000000000000000000000000000000000000000001",
				"00000000000000000000000000000000000000000000000000000000000003e8",
				"3333333333333333333333333333333333333333333333333333333333333333",
				"0000000000000000000000000000000000000000000000000000000000000012",
			)
		);
		assert_eq!(message.abi_encode().len(), 15 * 32);
		assert_eq!(
			hex(message.leaf_hash().as_bytes()),
			"0xac51da3cf252cc1a545a9d96d345e8a44971e754b4457c072a6fa4051c30df6f"
		);
		// A word out of its type's range does not decode.
		let mut bad = message.payload.to_vec();
		bad[0] = 1;
		assert!(TransferPayload::abi_decode(&bad).is_none());
		assert!(TransferPayload::abi_decode(&message.payload[..159]).is_none());
	}

	#[test]
	fn the_commitment_example_has_the_documented_root() {
		let receipt = Receipt {
			source: 7,
			destination: 0,
			nonce: 1,
			message_leaf: transfer_message().leaf_hash(),
			outcome: ReceiptOutcome::Delivered,
			relayer: H256::repeat_byte(0x22),
		};
		let back = Message::<ConstU32<1024>> {
			source: 0,
			destination: 7,
			nonce: 1,
			sender: H256::repeat_byte(0x33),
			app_id: ASSET_TRANSFER_APP,
			payload: BoundedVec::truncate_from(
				TransferPayload {
					token: token(),
					amount: 400,
					beneficiary: padded_address(),
					decimals: 18,
				}
				.abi_encode(),
			),
			timeout: Timeout { height: 1_200, timestamp: 0 },
			fee: 1_000_000_000,
		};
		let leaves = [receipt.leaf_hash(), back.leaf_hash()];
		assert_eq!(
			hex(leaves[0].as_bytes()),
			"0x566ede03151fd82eb331d694e1c412050eb672f7adbef983d1339eef61fa93f5"
		);
		assert_eq!(
			hex(leaves[1].as_bytes()),
			"0xaab794a8fddd9975f590bbb7498a1b553c0dde467733ed1c746571b6286deac7"
		);
		let root = merkle::keccak_merkle_root(&leaves).unwrap();
		assert_eq!(
			hex(root.as_bytes()),
			"0xa5912238e242684dd984313ab9eded219b7e5d33fd8643a2a850c4f750c4e370"
		);
		assert_eq!(super::frontier_root(&leaves), Some(root));
		let mut digest = b"fhmr".to_vec();
		vec![(7u32, root)].encode_to(&mut digest);
		assert_eq!(hex(&digest[..9]), "0x66686d720407000000");
		assert_eq!(digest.len(), 4 + 1 + 36);
	}
}

/// "Proof of non-receipt": the channel-state key of a Substrate peer, its clock's key, the
/// committee leaf, and the timeout's SCALE encoding, as docs/protocol.md gives them. The EVM
/// form is checked against a real node's proofs in `evm_channel_state.rs`.
mod non_receipt {
	use super::*;
	use fusion_hub_primitives::{
		channel::{
			channel_state_leaf, channel_state_storage_key, gateway_inbound_location,
			gateway_inbound_slot, substrate_timestamp_key,
		},
		ChannelStateProof, NonReceiptProof, Timeout,
	};

	#[test]
	fn the_substrate_keys_are_as_documented() {
		// ":fusion-hub:inbound:" ++ source 1 (u32 LE) ++ destination 2 (u32 LE).
		assert_eq!(
			hex(&channel_state_storage_key(1, 2)),
			"0x3a667573696f6e2d6875623a696e626f756e643a0100000002000000"
		);
		// pallet-timestamp's `Now`: twox128("Timestamp") ++ twox128("Now").
		assert_eq!(
			hex(&substrate_timestamp_key()),
			"0xf0c365c3cf59d671eb72da0e7a4113c49f1f0515f462cdcf84e0f1d6045dfcbb"
		);
		// The value: the last delivered nonce as a SCALE u64.
		assert_eq!(hex(&7u64.encode()), "0x0700000000000000");
	}

	#[test]
	fn the_gateway_slot_and_the_committee_leaf_are_as_documented() {
		assert_eq!(
			hex(gateway_inbound_location().as_bytes()),
			"0x802715ed4251621cbdb917d755785607591042ac07b04bf15b3ca70e6465ca00"
		);
		assert_eq!(
			hex(gateway_inbound_slot(0).as_bytes()),
			"0x4222bf33fc7bbed7cd85da10c06993732a016204d9eaccfe3081693703e08907"
		);
		// StandardMerkleTree.of([[0, 11, 1]], ["uint32", "uint32", "uint64"]).leafHash(...)
		assert_eq!(
			hex(channel_state_leaf(0, 11, 1).as_bytes()),
			"0xb7ec10a6ebd4f3f05ad771cafdb5c99cadd0c6748ab8dd7ebdfd13f933df0581"
		);
	}

	#[test]
	fn the_timeout_and_the_proof_encode_as_documented() {
		// height u32 LE, then timestamp u64 LE.
		let timeout = Timeout { height: 1_200, timestamp: 1_700_000_000_000 };
		assert_eq!(hex(&timeout.encode()), "0xb00400000068e5cf8b010000");
		// NonReceiptProof { height: 5, CommitteeLeaf { delivered: 1, proof: [0x11..11] } }:
		// height, variant 2, delivered (u64 LE), compact length 1, the sibling.
		let proof = NonReceiptProof {
			height: 5,
			channel_state: ChannelStateProof::CommitteeLeaf {
				delivered: 1,
				proof: BoundedVec::truncate_from(vec![H256::repeat_byte(0x11)]),
			},
		};
		let encoded = proof.encode();
		assert_eq!(hex(&encoded[..13]), "0x05000000020100000000000000");
		assert_eq!(encoded[13], 4);
		assert_eq!(&encoded[14..], &[0x11; 32]);
	}
}

/// "Atomic settlement": the DvP example's terms hash, prepare order and sign-up, as ethers'
/// `AbiCoder` computes them (`keccak256(abi.encode(...))`).
#[test]
fn settlement_example() {
	use fusion_hub_primitives::{
		settlement::{terms_hash, Leg, OrderKind, SettlementOrder, SignUp},
		TokenRef,
	};
	let padded = |byte: u8| {
		let mut bytes = [0u8; 32];
		bytes[12..].copy_from_slice(&[byte; 20]);
		H256(bytes)
	};
	let id = H256::repeat_byte(0x42);
	let deadline = 1_700_000_600_000;
	let security = Leg {
		chain: 7,
		token: TokenRef { home: 7, id: padded(0xee) },
		from: padded(0xaa),
		to: padded(0xbb),
		amount: 500,
	};
	let payment = Leg {
		chain: 0,
		token: TokenRef::HUB_NATIVE,
		from: H256::repeat_byte(0xd4),
		to: H256::repeat_byte(0x8e),
		amount: 1_000_000_000_000,
	};
	let terms = terms_hash(&id, deadline, &[security, payment]);
	assert_eq!(
		hex(terms.as_bytes()),
		"0x1c013acbf425da67eab1e178baf2d4cdfa7f3f1527634f3edbd00c7ba91e55b8"
	);
	let prepare = SettlementOrder::new(OrderKind::Prepare, id, 0, &security, terms);
	assert_eq!(
		hex(&prepare.abi_encode()),
		concat!(
			"0x0000000000000000000000000000000000000000000000000000000000000001",
			"4242424242424242424242424242424242424242424242424242424242424242",
			"0000000000000000000000000000000000000000000000000000000000000000",
			"000000000000000000000000eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
			"000000000000000000000000aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
			"000000000000000000000000bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
			"00000000000000000000000000000000000000000000000000000000000001f4",
			"1c013acbf425da67eab1e178baf2d4cdfa7f3f1527634f3edbd00c7ba91e55b8",
		)
	);
	assert_eq!(
		hex(&SignUp { id, terms }.abi_encode()),
		concat!(
			"0x0000000000000000000000000000000000000000000000000000000000000004",
			"4242424242424242424242424242424242424242424242424242424242424242",
			"1c013acbf425da67eab1e178baf2d4cdfa7f3f1527634f3edbd00c7ba91e55b8",
		)
	);
}
