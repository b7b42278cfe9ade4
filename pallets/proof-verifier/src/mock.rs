//! A runtime with System and the proof verifier over an in-memory registry, and committee
//! members of every scheme that sign as a real peer would.

use crate as pallet_proof_verifier;
use fusion_hub_primitives::{
	attestation::{
		ethereum_personal_digest, handover_payload, header_payload, recover_ethereum_address,
		CommitteeSignature, MemberSignature,
	},
	Attestation, AttestedHeader, ChainId, ChainKind, ChainRegistry, ChainStatus, CommitteeConfig,
	CommitteeKey, GrandpaAuthority, GrandpaConfig, PeerHeader, TrustedHeader, VerifierConfig,
};
use polkadot_sdk::{
	frame_support::{derive_impl, traits::ConstU32, BoundedVec},
	sp_core::{ecdsa, ed25519, sr25519, Pair, H160, H256},
	sp_io,
	sp_keystore::{testing::MemoryKeystore, KeystoreExt},
	sp_runtime::{BuildStorage, DispatchError, DispatchResult},
	*,
};
use std::{cell::RefCell, collections::BTreeMap, sync::Arc};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		ProofVerifier: pallet_proof_verifier,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// Headers kept per chain.
pub const HEADERS_TO_KEEP: u32 = 3;
/// Committees kept per chain after they handed over.
pub const COMMITTEES_TO_KEEP: u32 = 2;
/// Maximum size of a committee.
pub const MAX_COMMITTEE_SIZE: u32 = 8;
/// Maximum size of a GRANDPA authority set.
pub const MAX_GRANDPA_AUTHORITIES: u32 = 8;

/// A committee of this runtime's size.
pub type Committee = CommitteeConfig<ConstU32<MAX_COMMITTEE_SIZE>>;
/// A verifier configuration of this runtime's sizes.
pub type Verifier = VerifierConfig<ConstU32<MAX_COMMITTEE_SIZE>, ConstU32<MAX_GRANDPA_AUTHORITIES>>;

impl pallet_proof_verifier::Config for Test {
	type Registry = MockRegistry;
	type HeadersToKeep = ConstU32<HEADERS_TO_KEEP>;
	type CommitteesToKeep = ConstU32<COMMITTEES_TO_KEEP>;
	type WeightInfo = ();
}

thread_local! {
	static CHAINS: RefCell<BTreeMap<ChainId, (ChainKind, ChainStatus, Verifier)>> =
		const { RefCell::new(BTreeMap::new()) };
}

/// The registry, in memory: what the verifier reads and the rotations and freezes it records.
pub struct MockRegistry;

impl MockRegistry {
	/// Registers `chain_id` with `status`.
	pub fn insert(chain_id: ChainId, kind: ChainKind, status: ChainStatus, verifier: Verifier) {
		verifier.validate_for(&kind).expect("test configurations are valid");
		CHAINS.with(|chains| chains.borrow_mut().insert(chain_id, (kind, status, verifier)));
	}

	/// Sets the status of a registered chain.
	pub fn set_status(chain_id: ChainId, status: ChainStatus) {
		CHAINS
			.with(|chains| chains.borrow_mut().get_mut(&chain_id).expect("registered").1 = status);
	}
}

impl ChainRegistry for MockRegistry {
	type MaxCommitteeSize = ConstU32<MAX_COMMITTEE_SIZE>;
	type MaxGrandpaAuthorities = ConstU32<MAX_GRANDPA_AUTHORITIES>;

	fn status(chain_id: ChainId) -> Option<ChainStatus> {
		CHAINS.with(|chains| chains.borrow().get(&chain_id).map(|chain| chain.1))
	}

	fn kind(chain_id: ChainId) -> Option<ChainKind> {
		CHAINS.with(|chains| chains.borrow().get(&chain_id).map(|chain| chain.0))
	}

	fn verifier(chain_id: ChainId) -> Option<Verifier> {
		CHAINS.with(|chains| chains.borrow().get(&chain_id).map(|chain| chain.2.clone()))
	}

	fn status_and_verifier(chain_id: ChainId) -> Option<(ChainStatus, Verifier)> {
		CHAINS.with(|chains| chains.borrow().get(&chain_id).map(|chain| (chain.1, chain.2.clone())))
	}

	fn freeze(chain_id: ChainId) -> DispatchResult {
		CHAINS.with(|chains| {
			let mut chains = chains.borrow_mut();
			let chain = chains.get_mut(&chain_id).ok_or(DispatchError::Other("unknown"))?;
			if !matches!(chain.1, ChainStatus::Active | ChainStatus::Suspended) {
				return Err(DispatchError::Other("not active or suspended"));
			}
			chain.1 = ChainStatus::Frozen;
			Ok(())
		})
	}

	fn rotate_verifier(chain_id: ChainId, verifier: Verifier) -> DispatchResult {
		CHAINS.with(|chains| {
			let mut chains = chains.borrow_mut();
			let chain = chains.get_mut(&chain_id).ok_or(DispatchError::Other("unknown"))?;
			if chain.1 != ChainStatus::Active {
				return Err(DispatchError::Other("not active"));
			}
			verifier.validate_for(&chain.0).map_err(|_| DispatchError::Other("invalid"))?;
			chain.2 = verifier;
			Ok(())
		})
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn register_active_for_benchmarks(
		chain_id: ChainId,
		kind: ChainKind,
		verifier: Verifier,
	) -> DispatchResult {
		Self::insert(chain_id, kind, ChainStatus::Active, verifier);
		Ok(())
	}
}

/// A committee member with its secret key. Test keys, made and dropped in each test: the size
/// of the enum does not matter.
#[derive(Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Member {
	Ed25519(ed25519::Pair),
	Sr25519(sr25519::Pair),
	Ecdsa(ecdsa::Pair),
}

impl Member {
	pub fn ed25519(seed: u8) -> Self {
		Member::Ed25519(ed25519::Pair::from_seed(&[seed; 32]))
	}
	pub fn sr25519(seed: u8) -> Self {
		Member::Sr25519(sr25519::Pair::from_seed(&[seed; 32]))
	}
	pub fn ecdsa(seed: u8) -> Self {
		Member::Ecdsa(ecdsa::Pair::from_seed(&[seed; 32]))
	}

	/// The member's key, as a committee lists it.
	pub fn key(&self) -> CommitteeKey {
		match self {
			Member::Ed25519(pair) => CommitteeKey::Ed25519(pair.public()),
			Member::Sr25519(pair) => CommitteeKey::Sr25519(pair.public()),
			Member::Ecdsa(pair) => {
				let digest = [7u8; 32];
				CommitteeKey::Ecdsa(
					recover_ethereum_address(&pair.sign_prehashed(&digest), &digest)
						.expect("a fresh signature recovers"),
				)
			},
		}
	}

	/// The member's signature of `payload`, as its scheme signs.
	pub fn sign(&self, payload: &[u8]) -> MemberSignature {
		let signature = match self {
			Member::Ed25519(pair) => CommitteeSignature::Ed25519(pair.sign(payload)),
			Member::Sr25519(pair) => CommitteeSignature::Sr25519(pair.sign(payload)),
			Member::Ecdsa(pair) => {
				CommitteeSignature::Ecdsa(pair.sign_prehashed(&ethereum_personal_digest(payload)))
			},
		};
		MemberSignature { signer: self.key(), signature }
	}
}

/// The committee of `members` with `threshold` and `set_id`.
pub fn committee(members: &[Member], threshold: u32, set_id: u64) -> Committee {
	CommitteeConfig {
		members: BoundedVec::truncate_from(members.iter().map(Member::key).collect()),
		threshold,
		set_id,
	}
}

/// The signatures of `signers` over `payload`.
pub fn attestation(
	signers: &[Member],
	payload: &[u8],
) -> Attestation<ConstU32<MAX_COMMITTEE_SIZE>> {
	Attestation {
		signatures: BoundedVec::truncate_from(signers.iter().map(|m| m.sign(payload)).collect()),
	}
}

/// A header of height `number`, its fields derived from `number` and `fork`.
pub fn peer_header(number: u32, fork: u8) -> PeerHeader {
	PeerHeader {
		number,
		hash: H256::repeat_byte(fork),
		state_root: H256::from_low_u64_be(number as u64 + 1_000),
		message_root: H256::from_low_u64_be(number as u64 + 2_000),
		timestamp: 1_700_000_000_000 + number as u64 * 6_000,
	}
}

/// `header` of `chain_id` attested by `signers` of committee `set_id`.
pub fn attested(
	chain_id: ChainId,
	set_id: u64,
	header: PeerHeader,
	signers: &[Member],
) -> AttestedHeader<ConstU32<MAX_COMMITTEE_SIZE>> {
	AttestedHeader {
		header,
		attestation: attestation(signers, &header_payload(chain_id, set_id, &header)),
	}
}

/// The handover of committee `set_id` of `chain_id` to `next`, signed by `signers`.
pub fn handover(
	chain_id: ChainId,
	set_id: u64,
	next: Committee,
	signers: &[Member],
) -> crate::CommitteeHandoverOf<Test> {
	let payload = handover_payload(chain_id, set_id, &next);
	fusion_hub_primitives::CommitteeHandover { next, attestation: attestation(signers, &payload) }
}

/// The committee chain of the tests: an EVM chain.
pub const EVM_CHAIN: ChainId = 1;
/// The GRANDPA chain of the tests.
pub const SUBSTRATE_CHAIN: ChainId = 2;
/// A parachain.
pub const PARACHAIN: ChainId = 3;
/// The relayer account.
pub const RELAYER: u64 = 7;

/// The committee of [`EVM_CHAIN`]: one member of each scheme, and one more ed25519; 3 of 4.
pub fn evm_members() -> Vec<Member> {
	vec![Member::ed25519(1), Member::sr25519(2), Member::ecdsa(3), Member::ed25519(4)]
}

/// Seeds of the GRANDPA authorities of [`SUBSTRATE_CHAIN`], generated in the test keystore.
pub const GRANDPA_SEEDS: [&str; 3] = ["//Alice", "//Bob", "//Charlie"];

/// The keys of `seeds`, generated in the keystore for signing precommits.
pub fn grandpa_keys(seeds: &[&str]) -> Vec<ed25519::Public> {
	seeds
		.iter()
		.map(|seed| {
			sp_io::crypto::ed25519_generate(
				polkadot_sdk::sp_consensus_grandpa::KEY_TYPE,
				Some(seed.as_bytes().to_vec()),
			)
		})
		.collect()
}

/// The trusted header of [`SUBSTRATE_CHAIN`]: number 10.
pub fn trusted_header() -> fusion_hub_primitives::grandpa::SubstrateHeader {
	fusion_hub_primitives::grandpa::testing::header(10, H256::repeat_byte(9), Default::default())
}

/// Registers the test chains: the EVM committee chain (set id 5) and the GRANDPA chain, both
/// active, and an active parachain.
pub fn register_chains() {
	MockRegistry::insert(
		EVM_CHAIN,
		ChainKind::EvmChain { chain_id: 1, gateway: H160::repeat_byte(0x9a) },
		ChainStatus::Active,
		VerifierConfig::Committee(committee(&evm_members(), 3, 5)),
	);
	let trusted = trusted_header();
	MockRegistry::insert(
		SUBSTRATE_CHAIN,
		ChainKind::SubstrateChain { genesis_hash: H256::repeat_byte(1) },
		ChainStatus::Active,
		VerifierConfig::Grandpa(GrandpaConfig {
			set_id: 0,
			authorities: BoundedVec::truncate_from(
				grandpa_keys(&GRANDPA_SEEDS)
					.into_iter()
					.map(|id| GrandpaAuthority { id, weight: 1 })
					.collect(),
			),
			trusted_header: TrustedHeader {
				hash: polkadot_sdk::sp_runtime::traits::Header::hash(&trusted),
				number: 10,
				state_root: trusted.state_root,
			},
		}),
	);
	MockRegistry::insert(
		PARACHAIN,
		ChainKind::PolkadotParachain { para_id: 2001 },
		ChainStatus::Active,
		VerifierConfig::RelayChain,
	);
}

/// Externalities with a keystore and the test chains registered; block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.register_extension(KeystoreExt(Arc::new(MemoryKeystore::new())));
	ext.execute_with(|| {
		System::set_block_number(1);
		register_chains();
	});
	ext
}
