//! Inclusion proofs from arbitrary bytes, checked against a header whose roots come from the
//! input too: decoding is bounded, and verification never panics.

#![no_main]

use codec::{Decode, DecodeLimit, Encode};
use fusion_hub_primitives::{InclusionProof, VerifiedHeader};
use libfuzzer_sys::fuzz_target;
use polkadot_sdk::sp_core::H256;

fuzz_target!(|data: &[u8]| {
	let mut input = data;
	let Ok((state_root, message_root)) = <(H256, H256)>::decode(&mut input) else { return };
	let Ok(proof) = InclusionProof::decode_all_with_depth_limit(16, &mut &input[..]) else {
		return;
	};
	assert_eq!(proof.encode(), input);
	let header = VerifiedHeader {
		number: 1,
		hash: H256::zero(),
		state_root,
		message_root: Some(message_root),
		timestamp: Some(0),
		set_id: 0,
	};
	let _ = proof.verify(&header);
	let _ = proof.cost();
});
