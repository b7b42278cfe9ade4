//! Header updates, handovers and attestations from arbitrary bytes: decoding is bounded and
//! never panics, and no input makes verification panic or accept a forged signature.

#![no_main]

use codec::{DecodeLimit, Encode};
use fusion_hub_primitives::{
	attestation::{handover_payload, header_payload},
	grandpa::verify_grandpa_update,
	CommitteeConfig, CommitteeHandover, CommitteeKey, GrandpaAuthority, HeaderUpdate,
};
use libfuzzer_sys::fuzz_target;
use polkadot_sdk::{
	sp_core::{ed25519, ConstU32, H160},
	sp_runtime::BoundedVec,
};

type Max = ConstU32<128>;
const DEPTH: u32 = 16;

/// A committee of one key per scheme, threshold 3: nobody holds these keys' secrets here, so no
/// input may ever be accepted.
fn committee() -> CommitteeConfig<Max> {
	CommitteeConfig {
		members: BoundedVec::truncate_from(vec![
			CommitteeKey::Ed25519(ed25519::Public::from_raw([1; 32])),
			CommitteeKey::Sr25519(polkadot_sdk::sp_core::sr25519::Public::from_raw([2; 32])),
			CommitteeKey::Ecdsa(H160::repeat_byte(3)),
		]),
		threshold: 3,
		set_id: 0,
	}
}

fuzz_target!(|data: &[u8]| {
	let Some((&selector, rest)) = data.split_first() else { return };
	let committee = committee();
	match selector % 3 {
		0 => {
			let Ok(update) = HeaderUpdate::<Max>::decode_all_with_depth_limit(DEPTH, &mut &rest[..])
			else {
				return;
			};
			// Re-encoding what decoded gives the same bytes: the format is canonical.
			assert_eq!(update.encode(), rest);
			match update {
				HeaderUpdate::Committee(attested) => {
					let payload = header_payload(7, 0, &attested.header);
					assert!(attested.attestation.verify(&committee, &payload).is_err());
				}
				HeaderUpdate::Grandpa(update) => {
					let authorities = [GrandpaAuthority { id: ed25519::Public::from_raw([4; 32]), weight: 1 }];
					assert!(verify_grandpa_update(0, &authorities, &update).is_err());
				}
			}
		}
		1 => {
			let Ok(handover) =
				CommitteeHandover::<Max>::decode_all_with_depth_limit(DEPTH, &mut &rest[..])
			else {
				return;
			};
			let _ = handover.next.validate();
			let payload = handover_payload(7, 0, &handover.next);
			assert!(handover.attestation.verify(&committee, &payload).is_err());
		}
		_ => {
			// Arbitrary committees, too: validation and verification never panic.
			let Ok((arbitrary, update)) = <(CommitteeConfig<Max>, HeaderUpdate<Max>)>::decode_all_with_depth_limit(DEPTH, &mut &rest[..]) else {
				return;
			};
			let _ = arbitrary.validate();
			if let HeaderUpdate::Committee(attested) = update {
				let payload = header_payload(7, arbitrary.set_id, &attested.header);
				let _ = attested.attestation.verify(&arbitrary, &payload);
			}
		}
	}
});
