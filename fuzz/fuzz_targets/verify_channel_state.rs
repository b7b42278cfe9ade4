//! Proofs of non-receipt from arbitrary bytes, checked against a header whose roots, and a
//! chain kind, that come from the input too: decoding is bounded (Merkle-Patricia nodes and
//! trie nodes alike), and verification never panics.

#![no_main]

use codec::{Decode, DecodeLimit, Encode};
use fusion_hub_primitives::{ChainKind, ChannelStateProof, VerifiedHeader};
use libfuzzer_sys::fuzz_target;
use polkadot_sdk::sp_core::H256;

fuzz_target!(|data: &[u8]| {
	let mut input = data;
	let Ok((state_root, message_root, timestamp, kind)) =
		<(H256, H256, Option<u64>, ChainKind)>::decode(&mut input)
	else {
		return;
	};
	let Ok(proof) = ChannelStateProof::decode_all_with_depth_limit(16, &mut &input[..]) else {
		return;
	};
	assert_eq!(proof.encode(), input);
	let header = VerifiedHeader {
		number: 1,
		hash: H256::zero(),
		state_root,
		message_root: Some(message_root),
		timestamp,
		set_id: 0,
	};
	let _ = proof.verify(&kind, &header, 0, 1);
	let _ = proof.cost();
});
