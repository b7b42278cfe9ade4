//! Benchmarks of every call and of the inclusion checks, with worst-case inputs: committees of
//! `MaxCommitteeSize` members (so that the membership scans are longest), a full header ring (so
//! that every import prunes), and proofs of up to the primitives' bounds.
//!
//! Keys live in the benchmark's keystore (`sp-io`'s crypto functions), so the signatures are
//! real and every check does the work it does on-chain.

use crate::*;
use alloc::{vec, vec::Vec};
use codec::Encode;
use fusion_hub_primitives::{
	attestation::{
		ethereum_personal_digest, handover_payload, header_payload, recover_ethereum_address,
		CommitteeSignature, MemberSignature,
	},
	channel::{
		channel_state_leaf, channel_state_storage_key, substrate_timestamp_key,
		testing as channel_testing, MAX_MPT_NODES,
	},
	grandpa::{testing, GrandpaUpdate},
	inclusion::{MerkleSiblings, TrieNode, MAX_LEAF_LEN, MAX_MERKLE_DEPTH, MAX_STORAGE_VALUE_LEN},
	merkle, ChainId, ChainKind, ChainRegistry as _, ChannelStateProof, CommitteeKey,
	GrandpaAuthority, GrandpaConfig, InclusionProof, LedgerPlatform, PeerHeader, TrustedHeader,
	VerifiedHeader, VerifierConfig, VerifyInclusion,
};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{assert_ok, traits::Get, BoundedVec},
	frame_system::RawOrigin,
	sp_consensus_grandpa::KEY_TYPE as GRANDPA_KEY_TYPE,
	sp_core::{crypto::KeyTypeId, ed25519, H160, H256},
	sp_io::crypto,
	sp_runtime::{
		traits::{BlakeTwo256, Hash as _},
		Digest,
	},
	sp_trie::{LayoutV1, StorageProof, TrieDBMutBuilder, TrieMut},
};

const CHAIN_ID: ChainId = 1_000;
const KEYS: KeyTypeId = KeyTypeId(*b"fhbk");
/// Most ancestry headers benchmarked in a GRANDPA justification.
const MAX_ANCESTRY: u32 = 32;

/// A keystore seed given as a raw 32-byte hex secret: derivation paths like `//name` would cost
/// a PBKDF2 of the dev phrase per key and make the setup of every step slow.
fn raw_seed(i: u32) -> Vec<u8> {
	alloc::format!("0x{:064x}", u64::from(i) + 1).into_bytes()
}

#[derive(Clone, Copy)]
enum Scheme {
	Ed25519,
	Sr25519,
	Ecdsa,
}

/// A keystore key that signs as a committee member of its scheme.
enum Signer {
	Ed25519(ed25519::Public),
	Sr25519(polkadot_sdk::sp_core::sr25519::Public),
	Ecdsa(polkadot_sdk::sp_core::ecdsa::Public, CommitteeKey),
}

impl Signer {
	fn generate(scheme: Scheme, i: u32) -> Self {
		let seed = Some(raw_seed(i));
		match scheme {
			Scheme::Ed25519 => Signer::Ed25519(crypto::ed25519_generate(KEYS, seed)),
			Scheme::Sr25519 => Signer::Sr25519(crypto::sr25519_generate(KEYS, seed)),
			Scheme::Ecdsa => {
				let public = crypto::ecdsa_generate(KEYS, seed);
				let digest = [1u8; 32];
				let signature = crypto::ecdsa_sign_prehashed(KEYS, &public, &digest)
					.expect("the key was just generated");
				let address = recover_ethereum_address(&signature, &digest)
					.expect("a fresh signature recovers");
				Signer::Ecdsa(public, CommitteeKey::Ecdsa(address))
			},
		}
	}

	fn key(&self) -> CommitteeKey {
		match self {
			Signer::Ed25519(public) => CommitteeKey::Ed25519(*public),
			Signer::Sr25519(public) => CommitteeKey::Sr25519(*public),
			Signer::Ecdsa(_, key) => *key,
		}
	}

	fn sign(&self, payload: &[u8]) -> MemberSignature {
		let signature = match self {
			Signer::Ed25519(public) => CommitteeSignature::Ed25519(
				crypto::ed25519_sign(KEYS, public, payload).expect("key in the keystore"),
			),
			Signer::Sr25519(public) => CommitteeSignature::Sr25519(
				crypto::sr25519_sign(KEYS, public, payload).expect("key in the keystore"),
			),
			Signer::Ecdsa(public, _) => CommitteeSignature::Ecdsa(
				crypto::ecdsa_sign_prehashed(KEYS, public, &ethereum_personal_digest(payload))
					.expect("key in the keystore"),
			),
		};
		MemberSignature { signer: self.key(), signature }
	}
}

fn max_committee<T: Config>() -> u32 {
	MaxCommitteeSizeOf::<T>::get()
}

/// The largest committee (up to `MaxCommitteeSize`) for which `threshold` is a Byzantine
/// supermajority: `3 * threshold > 2 * members`.
fn largest_committee_for<T: Config>(threshold: u32) -> u32 {
	(threshold.saturating_mul(3).saturating_sub(1) / 2).clamp(1, max_committee::<T>())
}

/// Registers [`CHAIN_ID`] as an EVM chain whose committee is the largest of `scheme` with
/// threshold `threshold`; returns the signers.
fn committee_chain<T: Config>(scheme: Scheme, threshold: u32) -> Vec<Signer> {
	let signers: Vec<Signer> =
		(0..largest_committee_for::<T>(threshold)).map(|i| Signer::generate(scheme, i)).collect();
	let committee = CommitteeOf::<T> {
		members: BoundedVec::try_from(signers.iter().map(Signer::key).collect::<Vec<_>>())
			.expect("MaxCommitteeSize members; qed"),
		threshold,
		set_id: 0,
	};
	assert_ok!(T::Registry::register_active_for_benchmarks(
		CHAIN_ID,
		ChainKind::EvmChain { chain_id: 1, gateway: H160::repeat_byte(0x9a) },
		VerifierConfig::Committee(committee),
	));
	signers
}

/// Fills the chain's ring, so that the next import prunes, with best height 1.
fn fill_ring<T: Config>(chain_id: ChainId) {
	let keep = T::HeadersToKeep::get().max(1);
	let header = |number| VerifiedHeader {
		number,
		hash: H256::repeat_byte(1),
		state_root: H256::repeat_byte(2),
		message_root: Some(H256::repeat_byte(3)),
		timestamp: Some(0),
		set_id: 0,
	};
	for slot in 0..keep {
		HeaderRing::<T>::insert(chain_id, slot, 0);
	}
	Headers::<T>::insert(chain_id, 0, header(0));
	Headers::<T>::insert(chain_id, 1, header(1));
	HeaderRing::<T>::insert(chain_id, 1 % keep, 1);
	BestNumbers::<T>::insert(chain_id, 1);
	NextRingSlot::<T>::insert(chain_id, 0);
}

/// Keeps `count` verified headers of `chain_id`, at heights `0..count`, each in its ring slot.
fn keep_headers<T: Config>(chain_id: ChainId, count: u32) {
	for number in 0..count {
		Pallet::<T>::import(
			chain_id,
			VerifiedHeader {
				number,
				hash: H256::repeat_byte(1),
				state_root: H256::repeat_byte(2),
				message_root: Some(H256::repeat_byte(3)),
				timestamp: Some(0),
				set_id: 0,
			},
		);
	}
}

/// Keeps committees of `MaxCommitteeSize` members for `chain_id`, as past sets `sets`.
fn keep_full_committees<T: Config>(chain_id: ChainId, sets: core::ops::Range<u64>) {
	let members: Vec<CommitteeKey> = (0..max_committee::<T>())
		.map(|i| CommitteeKey::Ed25519(ed25519::Public::from_raw(raw_seed_bytes(i))))
		.collect();
	for set_id in sets {
		PastCommittees::<T>::insert(
			chain_id,
			set_id,
			CommitteeOf::<T> {
				members: BoundedVec::truncate_from(members.clone()),
				threshold: max_committee::<T>(),
				set_id,
			},
		);
	}
}

/// 32 distinct bytes for key `i`.
fn raw_seed_bytes(i: u32) -> [u8; 32] {
	let mut raw = [0x5au8; 32];
	raw[..4].copy_from_slice(&i.to_le_bytes());
	raw
}

fn peer_header(number: u32) -> PeerHeader {
	PeerHeader {
		number,
		hash: H256::repeat_byte(0xaa),
		state_root: H256::repeat_byte(0xbb),
		message_root: H256::repeat_byte(0xcc),
		timestamp: 1_700_000_000_000,
	}
}

fn attest<T: Config>(signers: &[Signer], payload: &[u8]) -> AttestationOf<T> {
	Attestation {
		signatures: BoundedVec::try_from(
			signers.iter().map(|signer| signer.sign(payload)).collect::<Vec<_>>(),
		)
		.expect("at most MaxCommitteeSize signers; qed"),
	}
}

/// `submit_header` of a committee chain with `s` signatures of `scheme`, the committee at its
/// largest and the ring full.
fn committee_header_update<T: Config>(scheme: Scheme, s: u32) -> HeaderUpdateOf<T> {
	let signers = committee_chain::<T>(scheme, s);
	fill_ring::<T>(CHAIN_ID);
	let header = peer_header(2);
	let attestation = attest::<T>(&signers[..s as usize], &header_payload(CHAIN_ID, 0, &header));
	HeaderUpdate::Committee(AttestedHeader { header, attestation })
}

/// A header of a committee chain recorded with `message_root` and `state_root` at height 1.
fn record_header<T: Config>(message_root: H256, state_root: H256) {
	committee_chain::<T>(Scheme::Ed25519, 1);
	Pallet::<T>::import(
		CHAIN_ID,
		VerifiedHeader {
			number: 1,
			hash: H256::repeat_byte(1),
			state_root,
			message_root: Some(message_root),
			timestamp: Some(0),
			set_id: 0,
		},
	);
}

/// The source of the channels whose state the benchmarks prove.
const SOURCE: ChainId = 7;

/// Registers `chain_id` as an active chain of `kind` with a one-member committee, and records
/// `header` as verified for it.
fn peer_with_header<T: Config>(chain_id: ChainId, kind: ChainKind, header: VerifiedHeader) {
	let committee = CommitteeOf::<T> {
		members: BoundedVec::truncate_from(vec![CommitteeKey::Ed25519(ed25519::Public::from_raw(
			[7; 32],
		))]),
		threshold: 1,
		set_id: 0,
	};
	assert_ok!(T::Registry::register_active_for_benchmarks(
		chain_id,
		kind,
		VerifierConfig::Committee(committee),
	));
	Pallet::<T>::import(chain_id, header);
}

/// A verified header at height 1 with these roots and no time (the proof must bring it).
fn header_with(state_root: H256, message_root: Option<H256>) -> VerifiedHeader {
	VerifiedHeader {
		number: 1,
		hash: H256::repeat_byte(1),
		state_root,
		message_root,
		timestamp: None,
		set_id: 0,
	}
}

/// A distinct sibling hash for level `i` of a Merkle proof.
fn sibling(i: u32) -> H256 {
	let mut raw = [0xffu8; 32];
	raw[..4].copy_from_slice(&i.to_le_bytes());
	H256(raw)
}

fn max_grandpa_authorities<T: Config>() -> u32 {
	<T::Registry as ChainRegistry>::MaxGrandpaAuthorities::get()
}

/// GRANDPA's supermajority of `n` equal weights.
fn required_precommits(n: u32) -> u32 {
	n - n.saturating_sub(1) / 3
}

/// The largest authority set, within the registry's bound, whose supermajority is `p`.
fn authorities_needing<T: Config>(p: u32) -> u32 {
	let mut n = p;
	while required_precommits(n) < p {
		n += 1;
	}
	while n < max_grandpa_authorities::<T>() && required_precommits(n + 1) == p {
		n += 1;
	}
	n
}

fn grandpa_authorities(count: u32) -> Vec<GrandpaAuthority> {
	(0..count)
		.map(|i| GrandpaAuthority {
			id: crypto::ed25519_generate(GRANDPA_KEY_TYPE, Some(raw_seed(1_000 + i))),
			weight: 1,
		})
		.collect()
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn submit_header_ed25519(s: Linear<1, { max_committee::<T>() }>) {
		let update = committee_header_update::<T>(Scheme::Ed25519, s);
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		submit_header(RawOrigin::Signed(caller), CHAIN_ID, update);

		assert_eq!(BestNumbers::<T>::get(CHAIN_ID), Some(2));
	}

	#[benchmark]
	fn submit_header_sr25519(s: Linear<1, { max_committee::<T>() }>) {
		let update = committee_header_update::<T>(Scheme::Sr25519, s);
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		submit_header(RawOrigin::Signed(caller), CHAIN_ID, update);

		assert_eq!(BestNumbers::<T>::get(CHAIN_ID), Some(2));
	}

	#[benchmark]
	fn submit_header_ecdsa(s: Linear<1, { max_committee::<T>() }>) {
		let update = committee_header_update::<T>(Scheme::Ecdsa, s);
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		submit_header(RawOrigin::Signed(caller), CHAIN_ID, update);

		assert_eq!(BestNumbers::<T>::get(CHAIN_ID), Some(2));
	}

	/// `p` precommits, exactly the supermajority of the largest authority set (up to
	/// `MaxGrandpaAuthorities`) whose supermajority is `p` (a strict justification carries no
	/// redundant vote), for the tip of `v` ancestry headers above the target.
	#[benchmark]
	fn submit_header_grandpa(
		p: Linear<1, { required_precommits(max_grandpa_authorities::<T>()) }>,
		v: Linear<0, MAX_ANCESTRY>,
	) {
		let authorities = grandpa_authorities(authorities_needing::<T>(p));
		let trusted = testing::header(1, H256::repeat_byte(9), Digest::default());
		assert_ok!(T::Registry::register_active_for_benchmarks(
			CHAIN_ID,
			ChainKind::SubstrateChain { genesis_hash: H256::repeat_byte(1) },
			VerifierConfig::Grandpa(GrandpaConfig {
				set_id: 0,
				authorities: BoundedVec::try_from(authorities.clone())
					.expect("p <= MaxGrandpaAuthorities; qed"),
				trusted_header: TrustedHeader {
					hash: trusted.hash(),
					number: 1,
					state_root: trusted.state_root,
				},
			}),
		));
		fill_ring::<T>(CHAIN_ID);
		let target = testing::header(2, trusted.hash(), Digest::default());
		let mut ancestry = Vec::new();
		let mut parent = target.hash();
		for number in 0..v {
			let header = testing::header(3 + number, parent, Digest::default());
			parent = header.hash();
			ancestry.push(header);
		}
		let signers: Vec<ed25519::Public> =
			authorities.iter().take(p as usize).map(|a| a.id).collect();
		let justification = testing::justification(&target, 0, &signers, ancestry);
		let update = HeaderUpdate::Grandpa(GrandpaUpdate { header: target, justification });
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		submit_header(RawOrigin::Signed(caller), CHAIN_ID, update);

		assert_eq!(BestNumbers::<T>::get(CHAIN_ID), Some(2));
	}

	/// Recording a next GRANDPA set of `a` authorities in the registry, as a header that enacts
	/// a scheduled change does after its justification was checked.
	#[benchmark]
	fn enact_authority_set_change(a: Linear<1, { max_grandpa_authorities::<T>() }>) {
		let current = grandpa_authorities(1);
		let trusted = TrustedHeader {
			hash: H256::repeat_byte(1),
			number: 1,
			state_root: H256::repeat_byte(2),
		};
		assert_ok!(T::Registry::register_active_for_benchmarks(
			CHAIN_ID,
			ChainKind::SubstrateChain { genesis_hash: H256::repeat_byte(1) },
			VerifierConfig::Grandpa(GrandpaConfig {
				set_id: 0,
				authorities: BoundedVec::try_from(current).expect("one authority; qed"),
				trusted_header: trusted,
			}),
		));
		let next: Vec<GrandpaAuthority> = (0..a)
			.map(|i| {
				let mut raw = [0u8; 32];
				raw[..4].copy_from_slice(&i.to_le_bytes());
				GrandpaAuthority { id: ed25519::Public::from_raw(raw), weight: 1 }
			})
			.collect();
		let next = GrandpaConfig {
			set_id: 1,
			authorities: BoundedVec::try_from(next).expect("a <= MaxGrandpaAuthorities; qed"),
			trusted_header: TrustedHeader { number: 2, ..trusted },
		};

		#[block]
		{
			assert_ok!(T::Registry::rotate_verifier(CHAIN_ID, VerifierConfig::Grandpa(next)));
		}
	}

	/// A handover from a one-member ed25519 committee to one of `n` members.
	#[benchmark]
	fn rotate_committee(n: Linear<1, { max_committee::<T>() }>) {
		let signer = Signer::generate(Scheme::Ed25519, 0);
		assert_ok!(T::Registry::register_active_for_benchmarks(
			CHAIN_ID,
			ChainKind::EvmChain { chain_id: 1, gateway: H160::repeat_byte(0x9a) },
			VerifierConfig::Committee(CommitteeOf::<T> {
				members: BoundedVec::try_from(vec![signer.key()]).expect("one member; qed"),
				threshold: 1,
				set_id: 0,
			}),
		));
		let next = CommitteeOf::<T> {
			members: BoundedVec::try_from(
				(1..=n).map(|i| Signer::generate(Scheme::Ed25519, i).key()).collect::<Vec<_>>(),
			)
			.expect("n <= MaxCommitteeSize; qed"),
			threshold: n,
			set_id: 1,
		};
		let attestation =
			attest::<T>(core::slice::from_ref(&signer), &handover_payload(CHAIN_ID, 0, &next));
		let handover = CommitteeHandover { next, attestation };
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		rotate_committee(RawOrigin::Signed(caller), CHAIN_ID, handover);

		assert!(matches!(
			T::Registry::verifier(CHAIN_ID),
			Some(VerifierConfig::Committee(committee)) if committee.set_id == 1
		));
	}

	/// The costliest report: evidence against an earlier committee (one ed25519 member) about a
	/// header the hub imported under it, with `h` headers and `CommitteesToKeep` committees of
	/// `MaxCommitteeSize` kept (all dropped).
	#[benchmark]
	fn report_misbehaviour(h: Linear<1, { T::HeadersToKeep::get().max(1) }>) {
		let keep = u64::from(T::CommitteesToKeep::get().max(1));
		let signer = Signer::generate(Scheme::Ed25519, 0);
		let one_member = |set_id| CommitteeOf::<T> {
			members: BoundedVec::truncate_from(vec![signer.key()]),
			threshold: 1,
			set_id,
		};
		assert_ok!(T::Registry::register_active_for_benchmarks(
			CHAIN_ID,
			ChainKind::EvmChain { chain_id: 1, gateway: H160::repeat_byte(0x9a) },
			VerifierConfig::Committee(one_member(keep)),
		));
		keep_headers::<T>(CHAIN_ID, h);
		// Set 0 and the full sets 1 to `keep - 1` handed over; set `keep` is current.
		PastCommittees::<T>::insert(CHAIN_ID, 0, one_member(0));
		keep_full_committees::<T>(CHAIN_ID, 1..keep);
		// The kept header at height 0 (set 0), and a forgery of it.
		let taken = PeerHeader {
			number: 0,
			hash: H256::repeat_byte(1),
			state_root: H256::repeat_byte(2),
			message_root: H256::repeat_byte(3),
			timestamp: 0,
		};
		let forged = PeerHeader { message_root: H256::repeat_byte(4), ..taken };
		let attested = |header: PeerHeader| AttestedHeader {
			header,
			attestation: attest::<T>(
				core::slice::from_ref(&signer),
				&header_payload(CHAIN_ID, 0, &header),
			),
		};
		let evidence = Misbehaviour::ConflictingHeaders {
			set_id: 0,
			first: attested(taken),
			second: attested(forged),
		};
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		report_misbehaviour(RawOrigin::Signed(caller), CHAIN_ID, evidence);

		assert_eq!(T::Registry::status(CHAIN_ID), Some(fusion_hub_primitives::ChainStatus::Frozen));
		assert_eq!(BestNumbers::<T>::get(CHAIN_ID), None);
		assert_eq!(PastCommittees::<T>::iter_prefix(CHAIN_ID).count(), 0);
	}

	/// Dropping `h` kept headers of a chain and `CommitteesToKeep` committees of
	/// `MaxCommitteeSize`.
	#[benchmark]
	fn drop_headers(h: Linear<0, { T::HeadersToKeep::get().max(1) }>) {
		committee_chain::<T>(Scheme::Ed25519, 1);
		keep_headers::<T>(CHAIN_ID, h);
		keep_full_committees::<T>(CHAIN_ID, 0..u64::from(T::CommitteesToKeep::get()));

		#[block]
		{
			Pallet::<T>::drop_headers(CHAIN_ID);
		}

		assert_eq!(Headers::<T>::iter_prefix(CHAIN_ID).count(), 0);
	}

	#[benchmark]
	fn verify_keccak_proof(d: Linear<0, MAX_MERKLE_DEPTH>) {
		let leaf = merkle::keccak_standard_leaf(b"leaf");
		let siblings: Vec<H256> = (0..d).map(|i| sibling(i)).collect();
		let root =
			siblings.iter().fold(leaf, |node, sibling| merkle::keccak_sorted_pair(&node, sibling));
		record_header::<T>(root, H256::zero());
		let proof = InclusionProof::KeccakMerkle {
			leaf,
			proof: MerkleSiblings::try_from(siblings).expect("d <= MAX_MERKLE_DEPTH; qed"),
		};

		#[block]
		{
			assert_ok!(Pallet::<T>::verify_inclusion(CHAIN_ID, 1, &proof));
		}
	}

	/// Leaf 0 of a tree of `2^d` leaves: every level hashes leaf-side first.
	#[benchmark]
	fn verify_blake2_proof(d: Linear<0, { MAX_MERKLE_DEPTH - 1 }>, l: Linear<1, MAX_LEAF_LEN>) {
		let leaf = vec![7u8; l as usize];
		let siblings: Vec<H256> = (0..d).map(|i| sibling(i)).collect();
		let root = siblings.iter().fold(BlakeTwo256::hash(&leaf), |node, sibling| {
			let mut pair = [0u8; 64];
			pair[..32].copy_from_slice(node.as_bytes());
			pair[32..].copy_from_slice(sibling.as_bytes());
			BlakeTwo256::hash(&pair)
		});
		record_header::<T>(root, H256::zero());
		let proof = InclusionProof::Blake2Merkle {
			leaf: BoundedVec::try_from(leaf).expect("l <= MAX_LEAF_LEN; qed"),
			leaf_index: 0,
			number_of_leaves: 1u32 << d,
			proof: MerkleSiblings::try_from(siblings).expect("d < MAX_MERKLE_DEPTH; qed"),
		};

		#[block]
		{
			assert_ok!(Pallet::<T>::verify_inclusion(CHAIN_ID, 1, &proof));
		}
	}

	/// A trie of 16 keys, one of which holds a value of `b` bytes; the proof is every node of
	/// the trie (about `b` bytes plus one kilobyte of branches and leaves), the value's read proof
	/// among them.
	#[benchmark]
	fn verify_storage_proof(b: Linear<1, MAX_STORAGE_VALUE_LEN>) {
		let mut db = StorageProof::empty().into_memory_db::<BlakeTwo256>();
		let mut root = H256::zero();
		let key = b"proven-key".to_vec();
		let value = vec![9u8; b as usize];
		{
			let mut trie =
				TrieDBMutBuilder::<LayoutV1<BlakeTwo256>>::new(&mut db, &mut root).build();
			for i in 0u32..16 {
				trie.insert(&BlakeTwo256::hash(&i.to_le_bytes()).0, &i.to_le_bytes())
					.expect("an in-memory trie; qed");
			}
			trie.insert(&key, &value).expect("an in-memory trie; qed");
		}
		let nodes: Vec<TrieNode> = db
			.drain()
			.into_values()
			.filter(|(_, references)| *references > 0)
			.map(|(node, _)| TrieNode::try_from(node).expect("nodes are below the bound; qed"))
			.collect();
		record_header::<T>(H256::zero(), root);
		let proof = InclusionProof::StorageValue {
			key: BoundedVec::try_from(key).expect("a short key; qed"),
			value: Some(BoundedVec::try_from(value).expect("b <= MAX_STORAGE_VALUE_LEN; qed")),
			nodes: BoundedVec::try_from(nodes).expect("few nodes; qed"),
		};

		#[block]
		{
			assert_ok!(Pallet::<T>::verify_inclusion(CHAIN_ID, 1, &proof));
		}
	}

	/// A Substrate peer's channel state and clock: a trie of 16 keys, the channel's nonce,
	/// `pallet-timestamp`'s `Now` and a value of `b` bytes; the proof is every node of the trie
	/// (about `b` bytes plus one kilobyte), both reads among them.
	#[benchmark]
	fn verify_channel_state_substrate(b: Linear<1, MAX_STORAGE_VALUE_LEN>) {
		let chain_id = CHAIN_ID + 1;
		let mut db = StorageProof::empty().into_memory_db::<BlakeTwo256>();
		let mut root = H256::zero();
		{
			let mut trie =
				TrieDBMutBuilder::<LayoutV1<BlakeTwo256>>::new(&mut db, &mut root).build();
			for i in 0u32..16 {
				trie.insert(&BlakeTwo256::hash(&i.to_le_bytes()).0, &i.to_le_bytes())
					.expect("an in-memory trie; qed");
			}
			trie.insert(&channel_state_storage_key(SOURCE, chain_id), &3u64.encode())
				.expect("an in-memory trie; qed");
			trie.insert(&substrate_timestamp_key(), &5u64.encode())
				.expect("an in-memory trie; qed");
			trie.insert(b"filler", &vec![9u8; b as usize]).expect("an in-memory trie; qed");
		}
		let nodes: Vec<TrieNode> = db
			.drain()
			.into_values()
			.filter(|(_, references)| *references > 0)
			.map(|(node, _)| TrieNode::try_from(node).expect("nodes are below the bound; qed"))
			.collect();
		peer_with_header::<T>(
			chain_id,
			ChainKind::SubstrateChain { genesis_hash: H256::repeat_byte(3) },
			header_with(root, None),
		);
		let proof = ChannelStateProof::SubstrateStorage {
			nodes: BoundedVec::try_from(nodes).expect("few nodes; qed"),
		};

		#[block]
		{
			let state = Pallet::<T>::verify_channel_state(chain_id, 1, SOURCE, &proof);
			assert_eq!(
				state.map(|state| (state.delivered, state.clock.timestamp)),
				Ok((3, Some(5)))
			);
		}
	}

	/// An EVM peer's channel state: account and storage proofs of `d` full branch nodes each
	/// (532 bytes) and a leaf, as deep as the bounds allow.
	#[benchmark]
	fn verify_channel_state_evm(d: Linear<0, { MAX_MPT_NODES - 1 }>) {
		let chain_id = CHAIN_ID + 2;
		let gateway = H160::repeat_byte(0x9a);
		let (state_root, proof) =
			channel_testing::evm_channel_state(&gateway, SOURCE, 3, d as usize);
		peer_with_header::<T>(
			chain_id,
			ChainKind::EvmChain { chain_id: 1, gateway },
			header_with(state_root, None),
		);

		#[block]
		{
			let state = Pallet::<T>::verify_channel_state(chain_id, 1, SOURCE, &proof);
			assert_eq!(state.map(|state| state.delivered), Ok(3));
		}
	}

	/// A committee ledger's channel-state leaf with a keccak proof of `d` siblings.
	#[benchmark]
	fn verify_channel_state_leaf(d: Linear<0, MAX_MERKLE_DEPTH>) {
		let chain_id = CHAIN_ID + 3;
		let leaf = channel_state_leaf(SOURCE, chain_id, 3);
		let siblings: Vec<H256> = (0..d).map(|i| sibling(i)).collect();
		let root =
			siblings.iter().fold(leaf, |node, sibling| merkle::keccak_sorted_pair(&node, sibling));
		peer_with_header::<T>(
			chain_id,
			ChainKind::PermissionedLedger { platform: LedgerPlatform::Other },
			header_with(H256::zero(), Some(root)),
		);
		let proof = ChannelStateProof::CommitteeLeaf {
			delivered: 3,
			proof: MerkleSiblings::try_from(siblings).expect("d <= MAX_MERKLE_DEPTH; qed"),
		};

		#[block]
		{
			let state = Pallet::<T>::verify_channel_state(chain_id, 1, SOURCE, &proof);
			assert_eq!(state.map(|state| state.delivered), Ok(3));
		}
	}

	/// `s` bare ed25519 verifications of 136-byte payloads: what `submit_header_ed25519` costs
	/// beyond its signature checks is the difference.
	#[benchmark]
	fn ed25519_verifications(s: Linear<1, { max_committee::<T>() }>) {
		let payload = header_payload(CHAIN_ID, 0, &peer_header(2));
		let signed: Vec<(ed25519::Public, ed25519::Signature)> = (0..s)
			.map(|i| {
				let public = crypto::ed25519_generate(KEYS, Some(raw_seed(2_000 + i)));
				let signature =
					crypto::ed25519_sign(KEYS, &public, &payload).expect("key in the keystore");
				(public, signature)
			})
			.collect();

		#[block]
		{
			for (public, signature) in &signed {
				assert!(crypto::ed25519_verify(signature, &payload, public));
			}
		}
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
