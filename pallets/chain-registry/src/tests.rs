//! Every transition, every refused one with its exact error, and the deposit's accounting.

use crate::{
	mock::*, ChainNameOf, ChainRecord, Chains, Error, Event, HoldReason, ParachainChains,
	VerifierConfigOf,
};
use codec::{Decode, Encode};
use fusion_hub_primitives::{
	ChainId, ChainKind, ChainRegistry as RegistryTrait, ChainStatus, CommitteeConfig, CommitteeKey,
	GrandpaAuthority, GrandpaConfig, LedgerPlatform, ThresholdRatio, TrustedHeader, VerifierConfig,
};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		traits::{fungible::InspectHold, ConstU32},
		BoundedVec,
	},
	sp_core::{ed25519, sr25519, H160, H256},
	sp_runtime::{DispatchError, DispatchResult, TokenError},
};

// ---- fixtures ----

fn name(text: &str) -> ChainNameOf<Test> {
	ChainNameOf::<Test>::try_from(text.as_bytes().to_vec()).expect("short test name")
}

fn ed(n: u8) -> CommitteeKey {
	CommitteeKey::Ed25519(ed25519::Public::from_raw([n; 32]))
}

fn sr(n: u8) -> CommitteeKey {
	CommitteeKey::Sr25519(sr25519::Public::from_raw([n; 32]))
}

fn eth(n: u8) -> CommitteeKey {
	CommitteeKey::Ecdsa(H160::repeat_byte(n))
}

fn committee_of(members: Vec<CommitteeKey>, threshold: u32) -> VerifierConfigOf<Test> {
	committee_in_set(members, threshold, 0)
}

fn committee_in_set(
	members: Vec<CommitteeKey>,
	threshold: u32,
	set_id: u64,
) -> VerifierConfigOf<Test> {
	VerifierConfig::Committee(CommitteeConfig {
		members: BoundedVec::try_from(members).expect("committee within bounds"),
		threshold,
		set_id,
	})
}

/// A valid 3-of-3 committee mixing the three key schemes.
fn committee() -> VerifierConfigOf<Test> {
	committee_of(vec![ed(1), sr(2), eth(3)], 3)
}

fn authority(n: u8, weight: u64) -> GrandpaAuthority {
	GrandpaAuthority { id: ed25519::Public::from_raw([n; 32]), weight }
}

fn grandpa_of(authorities: Vec<GrandpaAuthority>) -> VerifierConfigOf<Test> {
	VerifierConfig::Grandpa(GrandpaConfig {
		set_id: 7,
		authorities: BoundedVec::try_from(authorities).expect("authority set within bounds"),
		trusted_header: TrustedHeader {
			hash: H256::repeat_byte(0xAA),
			number: 1_000,
			state_root: H256::repeat_byte(0xBB),
		},
	})
}

/// A valid GRANDPA set of three authorities.
fn grandpa() -> VerifierConfigOf<Test> {
	grandpa_of(vec![authority(1, 1), authority(2, 1), authority(3, 1)])
}

fn evm() -> ChainKind {
	ChainKind::EvmChain { chain_id: 1, gateway: H160::repeat_byte(0x9a) }
}

fn substrate() -> ChainKind {
	ChainKind::SubstrateChain { genesis_hash: H256::repeat_byte(0x11) }
}

fn parachain() -> ChainKind {
	ChainKind::PolkadotParachain { para_id: 2_004 }
}

fn fabric() -> ChainKind {
	ChainKind::PermissionedLedger { platform: LedgerPlatform::Fabric }
}

fn governance() -> RuntimeOrigin {
	RuntimeOrigin::signed(GOVERNANCE)
}

fn emergency() -> RuntimeOrigin {
	RuntimeOrigin::signed(EMERGENCY)
}

fn held(who: u64) -> u64 {
	<Balances as InspectHold<u64>>::balance_on_hold(&HoldReason::ChainDeposit.into(), &who)
}

fn status_of(chain_id: ChainId) -> Option<ChainStatus> {
	<ChainRegistry as RegistryTrait>::status(chain_id)
}

/// `operator` applies for an EVM chain `chain_id` with a committee.
fn propose(operator: u64, chain_id: ChainId) {
	assert_ok!(ChainRegistry::propose_chain(
		RuntimeOrigin::signed(operator),
		chain_id,
		name("evm"),
		evm(),
		committee(),
	));
}

/// `operator` applies for `chain_id` and governance admits it.
fn activate(operator: u64, chain_id: ChainId) {
	propose(operator, chain_id);
	assert_ok!(ChainRegistry::approve_chain(governance(), chain_id));
}

/// Brings `chain_id` (of operator 1) into `status` through the calls.
fn chain_in(chain_id: ChainId, status: ChainStatus) {
	propose(1, chain_id);
	match status {
		ChainStatus::Proposed => {},
		ChainStatus::Active => {
			assert_ok!(ChainRegistry::approve_chain(governance(), chain_id));
		},
		ChainStatus::Suspended => {
			assert_ok!(ChainRegistry::approve_chain(governance(), chain_id));
			assert_ok!(ChainRegistry::suspend_chain(emergency(), chain_id));
		},
		ChainStatus::Frozen => {
			assert_ok!(ChainRegistry::approve_chain(governance(), chain_id));
			assert_ok!(<ChainRegistry as RegistryTrait>::freeze(chain_id));
		},
		ChainStatus::Retired => {
			assert_ok!(ChainRegistry::approve_chain(governance(), chain_id));
			assert_ok!(ChainRegistry::retire_chain(governance(), chain_id));
		},
	}
	assert_eq!(status_of(chain_id), Some(status));
}

const ALL_STATUSES: [ChainStatus; 5] = [
	ChainStatus::Proposed,
	ChainStatus::Active,
	ChainStatus::Suspended,
	ChainStatus::Frozen,
	ChainStatus::Retired,
];

// ---- propose_chain ----

#[test]
fn propose_chain_stores_a_proposed_record_and_holds_the_deposit() {
	build_and_execute(|| {
		let issuance = Balances::total_issuance();
		System::set_block_number(3);

		assert_ok!(ChainRegistry::propose_chain(
			RuntimeOrigin::signed(1),
			10,
			name("ethereum"),
			evm(),
			committee(),
		));

		assert_eq!(
			Chains::<Test>::get(10),
			Some(ChainRecord {
				name: name("ethereum"),
				kind: evm(),
				verifier: committee(),
				committee_floor: Some(ThresholdRatio { threshold: 3, members: 3 }),
				last_committee_set: Some(0),
				operator: 1,
				deposit: DEPOSIT,
				status: ChainStatus::Proposed,
				proposed_at: 3,
				status_changed_at: 3,
			})
		);
		assert_eq!(Chains::<Test>::count(), 1);
		assert_eq!(Balances::free_balance(1), INITIAL_BALANCE - DEPOSIT);
		assert_eq!(held(1), DEPOSIT);
		assert_eq!(Balances::total_issuance(), issuance);
		assert!(!<ChainRegistry as RegistryTrait>::is_active(10));
		System::assert_last_event(
			Event::ChainProposed { chain_id: 10, operator: 1, kind: evm(), deposit: DEPOSIT }
				.into(),
		);
	});
}

#[test]
fn propose_chain_accepts_every_allowed_kind_and_verifier() {
	build_and_execute(|| {
		assert_ok!(ChainRegistry::propose_chain(
			RuntimeOrigin::signed(1),
			1,
			name("para"),
			parachain(),
			VerifierConfig::RelayChain,
		));
		assert_ok!(ChainRegistry::propose_chain(
			RuntimeOrigin::signed(1),
			2,
			name("solo"),
			substrate(),
			grandpa(),
		));
		assert_ok!(ChainRegistry::propose_chain(
			RuntimeOrigin::signed(2),
			3,
			name("solo-notary"),
			substrate(),
			committee(),
		));
		assert_ok!(ChainRegistry::propose_chain(
			RuntimeOrigin::signed(2),
			4,
			name("fabric"),
			fabric(),
			committee_of(vec![eth(9)], 1),
		));
		assert_eq!(Chains::<Test>::count(), 4);
		assert_eq!(held(1), 2 * DEPOSIT);
		assert_eq!(held(2), 2 * DEPOSIT);
	});
}

#[test]
fn propose_chain_requires_a_signed_origin() {
	build_and_execute(|| {
		assert_noop!(
			ChainRegistry::propose_chain(RuntimeOrigin::root(), 1, name("x"), evm(), committee()),
			DispatchError::BadOrigin
		);
		assert_noop!(
			ChainRegistry::propose_chain(RuntimeOrigin::none(), 1, name("x"), evm(), committee()),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn propose_chain_refuses_a_taken_id_in_any_status() {
	for (chain_id, existing) in (1..).zip(ALL_STATUSES) {
		build_and_execute(|| {
			chain_in(chain_id, existing);
			assert_noop!(
				ChainRegistry::propose_chain(
					RuntimeOrigin::signed(2),
					chain_id,
					name("again"),
					evm(),
					committee(),
				),
				Error::<Test>::ChainAlreadyExists
			);
		});
	}
}

#[test]
fn propose_chain_refuses_the_hubs_own_id() {
	build_and_execute(|| {
		assert_noop!(
			ChainRegistry::propose_chain(
				RuntimeOrigin::signed(1),
				fusion_hub_primitives::message::HUB_CHAIN_ID,
				name("Hub"),
				evm(),
				committee()
			),
			Error::<Test>::ReservedChainId
		);
		assert_eq!(held(1), 0);
	});
}

#[test]
fn propose_chain_refuses_an_empty_name() {
	build_and_execute(|| {
		assert_noop!(
			ChainRegistry::propose_chain(RuntimeOrigin::signed(1), 1, name(""), evm(), committee()),
			Error::<Test>::EmptyName
		);
	});
}

#[test]
fn names_and_committees_beyond_their_bounds_do_not_decode() {
	build_and_execute(|| {
		let long_name = vec![b'x'; MAX_NAME_LENGTH as usize + 1];
		assert!(ChainNameOf::<Test>::try_from(long_name.clone()).is_err());
		assert!(ChainNameOf::<Test>::decode(&mut &long_name.encode()[..]).is_err());
		let longest_name = vec![b'x'; MAX_NAME_LENGTH as usize];
		assert!(ChainNameOf::<Test>::try_from(longest_name).is_ok());

		let too_many: Vec<CommitteeKey> = (0..=MAX_COMMITTEE_SIZE as u8).map(ed).collect();
		assert!(BoundedVec::<CommitteeKey, ConstU32<MAX_COMMITTEE_SIZE>>::try_from(
			too_many.clone()
		)
		.is_err());
		// A call argument carrying too many members is refused when the extrinsic is decoded.
		let encoded = (0u8, too_many, 1u32, 0u64).encode();
		assert!(VerifierConfigOf::<Test>::decode(&mut &encoded[..]).is_err());

		let too_many: Vec<GrandpaAuthority> =
			(0..=MAX_GRANDPA_AUTHORITIES as u8).map(|n| authority(n, 1)).collect();
		assert!(BoundedVec::<GrandpaAuthority, ConstU32<MAX_GRANDPA_AUTHORITIES>>::try_from(
			too_many
		)
		.is_err());
	});
}

#[test]
fn a_full_committee_is_accepted() {
	build_and_execute(|| {
		let members: Vec<CommitteeKey> = (0..MAX_COMMITTEE_SIZE as u8).map(sr).collect();
		assert_ok!(ChainRegistry::propose_chain(
			RuntimeOrigin::signed(1),
			1,
			name("big"),
			evm(),
			committee_of(members, MAX_COMMITTEE_SIZE),
		));
	});
}

#[test]
fn propose_chain_refuses_more_than_max_chains_records() {
	build_and_execute(|| {
		for chain_id in 1..=MAX_CHAINS {
			propose(1, chain_id);
		}
		assert_noop!(
			ChainRegistry::propose_chain(
				RuntimeOrigin::signed(2),
				99,
				name("one-too-many"),
				evm(),
				committee()
			),
			Error::<Test>::TooManyChains
		);
	});
}

#[test]
fn retired_chains_count_towards_max_chains() {
	build_and_execute(|| {
		for chain_id in 1..=MAX_CHAINS {
			activate(1, chain_id);
			assert_ok!(ChainRegistry::retire_chain(governance(), chain_id));
		}
		assert_eq!(Chains::<Test>::count(), MAX_CHAINS);
		assert_noop!(
			ChainRegistry::propose_chain(
				RuntimeOrigin::signed(2),
				99,
				name("x"),
				evm(),
				committee()
			),
			Error::<Test>::TooManyChains
		);
	});
}

#[test]
fn rejected_applications_free_their_slot() {
	build_and_execute(|| {
		for chain_id in 1..=MAX_CHAINS {
			propose(1, chain_id);
		}
		assert_ok!(ChainRegistry::reject_chain(governance(), 1));
		propose(2, 99);
		assert_eq!(Chains::<Test>::count(), MAX_CHAINS);
	});
}

#[test]
fn propose_chain_fails_with_the_currencys_error_if_the_deposit_cannot_be_held() {
	build_and_execute(|| {
		let issuance = Balances::total_issuance();
		assert_noop!(
			ChainRegistry::propose_chain(
				RuntimeOrigin::signed(POOR),
				1,
				name("poor"),
				evm(),
				committee()
			),
			TokenError::FundsUnavailable
		);
		assert_eq!(Chains::<Test>::get(1), None);
		assert_eq!(Chains::<Test>::count(), 0);
		assert_eq!(held(POOR), 0);
		assert_eq!(Balances::free_balance(POOR), DEPOSIT / 2);
		assert_eq!(Balances::total_issuance(), issuance);
	});
}

// ---- verifier configurations ----

/// Each invalid configuration is refused with `error`, both by `propose_chain` and by
/// `update_verifier` on a chain of the same kind.
fn assert_refused(kind: ChainKind, verifier: VerifierConfigOf<Test>, error: Error<Test>) {
	let error = DispatchError::from(error);
	assert_noop!(
		ChainRegistry::propose_chain(
			RuntimeOrigin::signed(1),
			50,
			name("bad"),
			kind,
			verifier.clone()
		),
		error
	);
	let valid = match kind {
		ChainKind::PolkadotParachain { .. } => VerifierConfig::RelayChain,
		ChainKind::SubstrateChain { .. } => grandpa(),
		_ => committee(),
	};
	assert_ok!(ChainRegistry::propose_chain(
		RuntimeOrigin::signed(2),
		51,
		name("good"),
		kind,
		valid.clone()
	));
	assert_noop!(ChainRegistry::update_verifier(governance(), 51, verifier), error);
	assert_eq!(<ChainRegistry as RegistryTrait>::verifier(51), Some(valid));
	assert_ok!(ChainRegistry::reject_chain(governance(), 51));
}

#[test]
fn invalid_committees_are_refused() {
	build_and_execute(|| {
		assert_refused(evm(), committee_of(vec![], 0), Error::<Test>::EmptyCommittee);
		assert_refused(evm(), committee_of(vec![], 1), Error::<Test>::EmptyCommittee);
		assert_refused(
			evm(),
			committee_of(vec![ed(1), ed(2)], 0),
			Error::<Test>::InvalidCommitteeThreshold,
		);
		assert_refused(
			evm(),
			committee_of(vec![ed(1), ed(2)], 3),
			Error::<Test>::InvalidCommitteeThreshold,
		);
		assert_refused(
			fabric(),
			committee_of(vec![ed(1), sr(2), ed(1)], 3),
			Error::<Test>::DuplicateCommitteeMember,
		);
		assert_refused(
			substrate(),
			committee_of(vec![eth(4), eth(4)], 2),
			Error::<Test>::DuplicateCommitteeMember,
		);
	});
}

#[test]
fn committees_need_a_byzantine_supermajority() {
	build_and_execute(|| {
		// k > 2n/3: 1 of 2, 2 of 3, 2 of 4, 4 of 6 and 85 of 128 are not enough.
		for (members, threshold) in [(2u8, 1u32), (3, 2), (4, 2), (6, 4)] {
			assert_refused(
				evm(),
				committee_of((1..=members).map(ed).collect(), threshold),
				Error::<Test>::ThresholdBelowSupermajority,
			);
		}
	});
	// 1 of 1, 2 of 2, 3 of 3, 3 of 4, 5 of 7 are.
	for (members, threshold) in [(1u8, 1u32), (2, 2), (3, 3), (4, 3), (7, 5)] {
		build_and_execute(|| {
			assert_ok!(ChainRegistry::propose_chain(
				RuntimeOrigin::signed(1),
				60,
				name("bft"),
				evm(),
				committee_of((1..=members).map(ed).collect(), threshold),
			));
		});
	}
}

#[test]
fn a_handover_may_not_lower_the_admitted_threshold_ratio() {
	build_and_execute(|| {
		// Governance admitted 3 of 3.
		chain_in(1, ChainStatus::Active);
		let lower = committee_in_set(vec![ed(1), ed(2), ed(3), ed(4)], 3, 1);
		assert_noop!(
			<ChainRegistry as RegistryTrait>::rotate_verifier(1, lower.clone()),
			Error::<Test>::ThresholdRatioLowered
		);
		// The same share or more is fine: 4 of 4.
		let same = committee_in_set(vec![ed(1), ed(2), ed(3), ed(4)], 4, 1);
		assert_ok!(<ChainRegistry as RegistryTrait>::rotate_verifier(1, same));
		// Governance may lower it; the new ratio is the floor from then on.
		assert_ok!(ChainRegistry::update_verifier(
			governance(),
			1,
			committee_in_set(vec![ed(1), ed(2), ed(3), ed(4)], 3, 2)
		));
		assert_eq!(
			Chains::<Test>::get(1).unwrap().committee_floor,
			Some(ThresholdRatio { threshold: 3, members: 4 })
		);
		// 5 of 7 is below 3 of 4; 6 of 8 is the same share.
		assert_noop!(
			<ChainRegistry as RegistryTrait>::rotate_verifier(
				1,
				committee_in_set((1..=7).map(ed).collect(), 5, 3)
			),
			Error::<Test>::ThresholdRatioLowered
		);
		let eight = committee_in_set((1..=8).map(ed).collect(), 6, 3);
		assert_ok!(<ChainRegistry as RegistryTrait>::rotate_verifier(1, eight));
		ChainRegistry::do_try_state().unwrap();
	});
}

#[test]
fn update_verifier_moves_the_set_id_strictly_forward() {
	build_and_execute(|| {
		chain_in(1, ChainStatus::Active);
		assert_ok!(ChainRegistry::update_verifier(
			governance(),
			1,
			committee_in_set(vec![ed(1), ed(2), ed(3)], 3, 4)
		));
		for set_id in [0, 3, 4] {
			assert_noop!(
				ChainRegistry::update_verifier(
					governance(),
					1,
					committee_in_set(vec![ed(7), ed(8), ed(9)], 3, set_id)
				),
				Error::<Test>::SetIdNotIncreased
			);
		}
		assert_ok!(ChainRegistry::update_verifier(
			governance(),
			1,
			committee_in_set(vec![ed(7), ed(8), ed(9)], 3, 5)
		));
	});
	build_and_execute(|| {
		// A Substrate chain goes from committee set 4 to GRANDPA and back: the committee's set
		// id must still be above 4. GRANDPA set ids are the peer's own: governance may correct
		// the current set.
		assert_ok!(ChainRegistry::propose_chain(
			RuntimeOrigin::signed(1),
			2,
			name("solo"),
			substrate(),
			committee_in_set(vec![ed(1), ed(2), ed(3)], 3, 4)
		));
		assert_ok!(ChainRegistry::update_verifier(governance(), 2, grandpa()));
		assert_ok!(ChainRegistry::update_verifier(governance(), 2, grandpa()));
		assert_noop!(
			ChainRegistry::update_verifier(
				governance(),
				2,
				committee_in_set(vec![ed(1), ed(2), ed(3)], 3, 0)
			),
			Error::<Test>::SetIdNotIncreased
		);
		assert_ok!(ChainRegistry::update_verifier(
			governance(),
			2,
			committee_in_set(vec![ed(1), ed(2), ed(3)], 3, 5)
		));
		assert_eq!(Chains::<Test>::get(2).unwrap().last_committee_set, Some(5));
	});
	build_and_execute(|| {
		// A parachain's relay-chain verifier has no set id to move.
		assert_ok!(ChainRegistry::propose_chain(
			RuntimeOrigin::signed(1),
			3,
			name("para"),
			parachain(),
			VerifierConfig::RelayChain
		));
		assert_ok!(ChainRegistry::update_verifier(governance(), 3, VerifierConfig::RelayChain));
	});
}

#[test]
fn governance_resets_and_retirements_are_passed_on() {
	build_and_execute(|| {
		chain_in(1, ChainStatus::Active);
		assert_eq!(MockTrustReset::resets(), vec![]);
		assert_ok!(ChainRegistry::update_verifier(
			governance(),
			1,
			committee_in_set(vec![ed(7)], 1, 1)
		));
		assert_eq!(MockTrustReset::resets(), vec![("verifier", 1)]);
		// A refused update tells nobody.
		assert_noop!(
			ChainRegistry::update_verifier(governance(), 1, committee_in_set(vec![ed(7)], 1, 1)),
			Error::<Test>::SetIdNotIncreased
		);
		// A proven rotation is not a reset: what the chain proved stays.
		assert_ok!(<ChainRegistry as RegistryTrait>::rotate_verifier(
			1,
			committee_in_set(vec![ed(8)], 1, 2)
		));
		assert_ok!(ChainRegistry::retire_chain(governance(), 1));
		assert_eq!(MockTrustReset::resets(), vec![("verifier", 1), ("retired", 1)]);
	});
}

#[test]
fn the_same_bytes_under_different_schemes_are_different_members() {
	build_and_execute(|| {
		assert_ok!(ChainRegistry::propose_chain(
			RuntimeOrigin::signed(1),
			1,
			name("x"),
			evm(),
			committee_of(vec![ed(1), sr(1)], 2),
		));
	});
}

#[test]
fn invalid_grandpa_sets_are_refused() {
	build_and_execute(|| {
		assert_refused(substrate(), grandpa_of(vec![]), Error::<Test>::EmptyAuthoritySet);
		assert_refused(
			substrate(),
			grandpa_of(vec![authority(1, 1), authority(2, 0)]),
			Error::<Test>::ZeroAuthorityWeight,
		);
		assert_refused(
			substrate(),
			grandpa_of(vec![authority(1, u64::MAX), authority(2, 1)]),
			Error::<Test>::AuthorityWeightOverflow,
		);
		assert_refused(
			substrate(),
			grandpa_of(vec![authority(1, 1), authority(2, 1), authority(1, 5)]),
			Error::<Test>::DuplicateAuthority,
		);
	});
}

#[test]
fn kinds_refuse_verifiers_they_cannot_use() {
	build_and_execute(|| {
		for (kind, verifier) in [
			(parachain(), committee()),
			(parachain(), grandpa()),
			(substrate(), VerifierConfig::RelayChain),
			(evm(), grandpa()),
			(evm(), VerifierConfig::RelayChain),
			(fabric(), grandpa()),
			(fabric(), VerifierConfig::RelayChain),
		] {
			assert_refused(kind, verifier, Error::<Test>::VerifierKindMismatch);
		}
	});
}

// ---- approve_chain ----

#[test]
fn approve_chain_activates_a_proposed_chain() {
	build_and_execute(|| {
		propose(1, 1);
		System::set_block_number(5);

		assert_ok!(ChainRegistry::approve_chain(governance(), 1));

		let record = Chains::<Test>::get(1).unwrap();
		assert_eq!(record.status, ChainStatus::Active);
		assert_eq!(record.proposed_at, 1);
		assert_eq!(record.status_changed_at, 5);
		assert_eq!(held(1), DEPOSIT);
		assert!(<ChainRegistry as RegistryTrait>::is_active(1));
		System::assert_last_event(Event::ChainApproved { chain_id: 1 }.into());
	});
}

#[test]
fn approve_chain_requires_the_governance_origin() {
	build_and_execute(|| {
		propose(1, 1);
		for origin in [RuntimeOrigin::signed(1), emergency(), RuntimeOrigin::root()] {
			assert_noop!(ChainRegistry::approve_chain(origin, 1), DispatchError::BadOrigin);
		}
	});
}

#[test]
fn approve_chain_only_from_proposed() {
	for (chain_id, from) in (1..).zip(ALL_STATUSES).skip(1) {
		build_and_execute(|| {
			chain_in(chain_id, from);
			assert_noop!(
				ChainRegistry::approve_chain(governance(), chain_id),
				Error::<Test>::NotProposed
			);
		});
	}
	build_and_execute(|| {
		assert_noop!(ChainRegistry::approve_chain(governance(), 1), Error::<Test>::ChainNotFound);
	});
}

// ---- reject_chain ----

#[test]
fn reject_chain_burns_the_deposit_exactly_once_and_frees_the_id() {
	build_and_execute(|| {
		let issuance = Balances::total_issuance();
		propose(1, 1);

		assert_ok!(ChainRegistry::reject_chain(governance(), 1));

		assert_eq!(Chains::<Test>::get(1), None);
		assert_eq!(Chains::<Test>::count(), 0);
		assert_eq!(held(1), 0);
		assert_eq!(Balances::free_balance(1), INITIAL_BALANCE - DEPOSIT);
		assert_eq!(Balances::total_issuance(), issuance - DEPOSIT);
		System::assert_last_event(
			Event::ChainRejected { chain_id: 1, operator: 1, burned: DEPOSIT }.into(),
		);

		// A second rejection finds nothing, and burns nothing.
		assert_noop!(ChainRegistry::reject_chain(governance(), 1), Error::<Test>::ChainNotFound);
		assert_eq!(Balances::total_issuance(), issuance - DEPOSIT);

		// The id may be applied for again, by anyone.
		propose(2, 1);
		assert_eq!(Chains::<Test>::get(1).unwrap().operator, 2);
	});
}

#[test]
fn reject_chain_burns_only_that_chains_deposit() {
	build_and_execute(|| {
		propose(1, 1);
		activate(1, 2);
		assert_eq!(held(1), 2 * DEPOSIT);

		assert_ok!(ChainRegistry::reject_chain(governance(), 1));

		assert_eq!(held(1), DEPOSIT);
		assert_eq!(Balances::free_balance(1), INITIAL_BALANCE - 2 * DEPOSIT);
	});
}

#[test]
fn reject_chain_requires_the_governance_origin() {
	build_and_execute(|| {
		propose(1, 1);
		for origin in [RuntimeOrigin::signed(1), emergency(), RuntimeOrigin::root()] {
			assert_noop!(ChainRegistry::reject_chain(origin, 1), DispatchError::BadOrigin);
		}
	});
}

#[test]
fn reject_chain_only_from_proposed() {
	for (chain_id, from) in (1..).zip(ALL_STATUSES).skip(1) {
		build_and_execute(|| {
			chain_in(chain_id, from);
			assert_noop!(
				ChainRegistry::reject_chain(governance(), chain_id),
				Error::<Test>::NotProposed
			);
		});
	}
}

// ---- suspend_chain ----

#[test]
fn suspend_chain_stops_an_active_chain() {
	build_and_execute(|| {
		activate(1, 1);
		System::set_block_number(7);

		assert_ok!(ChainRegistry::suspend_chain(emergency(), 1));

		let record = Chains::<Test>::get(1).unwrap();
		assert_eq!(record.status, ChainStatus::Suspended);
		assert_eq!(record.status_changed_at, 7);
		assert!(!<ChainRegistry as RegistryTrait>::is_active(1));
		assert_eq!(held(1), DEPOSIT);
		System::assert_last_event(Event::ChainSuspended { chain_id: 1 }.into());
	});
}

#[test]
fn suspend_chain_requires_the_emergency_origin() {
	build_and_execute(|| {
		activate(1, 1);
		for origin in [RuntimeOrigin::signed(1), governance(), RuntimeOrigin::root()] {
			assert_noop!(ChainRegistry::suspend_chain(origin, 1), DispatchError::BadOrigin);
		}
	});
}

#[test]
fn suspend_chain_only_from_active() {
	for (chain_id, from) in (1..).zip(ALL_STATUSES) {
		if from == ChainStatus::Active {
			continue;
		}
		build_and_execute(|| {
			chain_in(chain_id, from);
			assert_noop!(
				ChainRegistry::suspend_chain(emergency(), chain_id),
				Error::<Test>::NotActive
			);
		});
	}
	build_and_execute(|| {
		assert_noop!(ChainRegistry::suspend_chain(emergency(), 1), Error::<Test>::ChainNotFound);
	});
}

// ---- resume_chain ----

#[test]
fn resume_chain_reactivates_a_suspended_or_frozen_chain() {
	for from in [ChainStatus::Suspended, ChainStatus::Frozen] {
		build_and_execute(|| {
			chain_in(1, from);
			System::set_block_number(9);

			assert_ok!(ChainRegistry::resume_chain(governance(), 1));

			let record = Chains::<Test>::get(1).unwrap();
			assert_eq!(record.status, ChainStatus::Active);
			assert_eq!(record.status_changed_at, 9);
			assert!(<ChainRegistry as RegistryTrait>::is_active(1));
			System::assert_last_event(Event::ChainResumed { chain_id: 1, from }.into());
		});
	}
}

#[test]
fn resume_chain_requires_the_governance_origin() {
	build_and_execute(|| {
		chain_in(1, ChainStatus::Frozen);
		for origin in [RuntimeOrigin::signed(1), emergency(), RuntimeOrigin::root()] {
			assert_noop!(ChainRegistry::resume_chain(origin, 1), DispatchError::BadOrigin);
		}
	});
}

#[test]
fn resume_chain_only_from_suspended_or_frozen() {
	for from in [ChainStatus::Proposed, ChainStatus::Active, ChainStatus::Retired] {
		build_and_execute(|| {
			chain_in(1, from);
			assert_noop!(
				ChainRegistry::resume_chain(governance(), 1),
				Error::<Test>::NotSuspendedOrFrozen
			);
		});
	}
	build_and_execute(|| {
		assert_noop!(ChainRegistry::resume_chain(governance(), 1), Error::<Test>::ChainNotFound);
	});
}

// ---- retire_chain ----

#[test]
fn a_chain_with_pending_messages_is_not_retired() {
	for from in [ChainStatus::Active, ChainStatus::Suspended, ChainStatus::Frozen] {
		build_and_execute(|| {
			chain_in(1, from);
			MockUsage::set_in_use(1, true);
			assert_noop!(ChainRegistry::retire_chain(governance(), 1), Error::<Test>::ChainInUse);
			assert_eq!(held(1), DEPOSIT);

			// Once what was pending has completed, it retires.
			MockUsage::set_in_use(1, false);
			assert_ok!(ChainRegistry::retire_chain(governance(), 1));
			assert_eq!(Chains::<Test>::get(1).unwrap().status, ChainStatus::Retired);
		});
	}
}

#[test]
fn retire_chain_releases_the_deposit_and_keeps_the_record_forever() {
	for from in [ChainStatus::Active, ChainStatus::Suspended, ChainStatus::Frozen] {
		build_and_execute(|| {
			let issuance = Balances::total_issuance();
			chain_in(1, from);
			System::set_block_number(11);

			assert_ok!(ChainRegistry::retire_chain(governance(), 1));

			let record = Chains::<Test>::get(1).unwrap();
			assert_eq!(record.status, ChainStatus::Retired);
			assert_eq!(record.status_changed_at, 11);
			assert_eq!(record.deposit, 0);
			assert_eq!(Chains::<Test>::count(), 1);
			assert_eq!(held(1), 0);
			assert_eq!(Balances::free_balance(1), INITIAL_BALANCE);
			assert_eq!(Balances::total_issuance(), issuance);
			System::assert_last_event(
				Event::ChainRetired { chain_id: 1, operator: 1, released: DEPOSIT }.into(),
			);

			// Released exactly once: retiring again is refused and pays nothing.
			assert_noop!(ChainRegistry::retire_chain(governance(), 1), Error::<Test>::ChainRetired);
			assert_eq!(Balances::free_balance(1), INITIAL_BALANCE);

			// The id is never reused.
			assert_noop!(
				ChainRegistry::propose_chain(
					RuntimeOrigin::signed(2),
					1,
					name("reuse"),
					evm(),
					committee()
				),
				Error::<Test>::ChainAlreadyExists
			);
		});
	}
}

#[test]
fn retire_chain_releases_only_that_chains_deposit() {
	build_and_execute(|| {
		activate(1, 1);
		propose(1, 2);

		assert_ok!(ChainRegistry::retire_chain(governance(), 1));

		assert_eq!(held(1), DEPOSIT);
		assert_eq!(Balances::free_balance(1), INITIAL_BALANCE - DEPOSIT);
	});
}

#[test]
fn retire_chain_requires_the_governance_origin() {
	build_and_execute(|| {
		activate(1, 1);
		for origin in [RuntimeOrigin::signed(1), emergency(), RuntimeOrigin::root()] {
			assert_noop!(ChainRegistry::retire_chain(origin, 1), DispatchError::BadOrigin);
		}
	});
}

#[test]
fn retire_chain_refuses_applications_and_retired_chains() {
	build_and_execute(|| {
		chain_in(1, ChainStatus::Proposed);
		assert_noop!(ChainRegistry::retire_chain(governance(), 1), Error::<Test>::NotAdmitted);
		assert_noop!(ChainRegistry::retire_chain(governance(), 9), Error::<Test>::ChainNotFound);
	});
	build_and_execute(|| {
		chain_in(1, ChainStatus::Retired);
		assert_noop!(ChainRegistry::retire_chain(governance(), 1), Error::<Test>::ChainRetired);
	});
}

// ---- update_verifier ----

#[test]
fn update_verifier_replaces_the_configuration_without_changing_status() {
	for from in
		[ChainStatus::Proposed, ChainStatus::Active, ChainStatus::Suspended, ChainStatus::Frozen]
	{
		build_and_execute(|| {
			chain_in(1, from);
			let changed_at = Chains::<Test>::get(1).unwrap().status_changed_at;
			let rotated = committee_in_set(vec![sr(7), sr(8), sr(9), eth(10)], 3, 1);
			System::set_block_number(13);

			assert_ok!(ChainRegistry::update_verifier(governance(), 1, rotated.clone()));

			let record = Chains::<Test>::get(1).unwrap();
			assert_eq!(record.verifier, rotated);
			assert_eq!(record.status, from);
			assert_eq!(record.status_changed_at, changed_at);
			assert_eq!(<ChainRegistry as RegistryTrait>::verifier(1), Some(rotated));
			System::assert_last_event(Event::VerifierUpdated { chain_id: 1 }.into());
		});
	}
}

#[test]
fn update_verifier_refuses_retired_and_unknown_chains() {
	build_and_execute(|| {
		chain_in(1, ChainStatus::Retired);
		assert_noop!(
			ChainRegistry::update_verifier(governance(), 1, committee()),
			Error::<Test>::ChainRetired
		);
		assert_noop!(
			ChainRegistry::update_verifier(governance(), 2, committee()),
			Error::<Test>::ChainNotFound
		);
	});
}

#[test]
fn update_verifier_requires_the_governance_origin() {
	build_and_execute(|| {
		activate(1, 1);
		for origin in [RuntimeOrigin::signed(1), emergency(), RuntimeOrigin::root()] {
			assert_noop!(
				ChainRegistry::update_verifier(origin, 1, committee()),
				DispatchError::BadOrigin
			);
		}
	});
}

// ---- freeze (ChainRegistry trait) ----

#[test]
fn freeze_stops_an_active_or_suspended_chain() {
	for from in [ChainStatus::Active, ChainStatus::Suspended] {
		build_and_execute(|| {
			chain_in(1, from);
			System::set_block_number(17);

			assert_ok!(<ChainRegistry as RegistryTrait>::freeze(1));

			let record = Chains::<Test>::get(1).unwrap();
			assert_eq!(record.status, ChainStatus::Frozen);
			assert_eq!(record.status_changed_at, 17);
			assert!(!<ChainRegistry as RegistryTrait>::is_active(1));
			assert_eq!(held(1), DEPOSIT);
			System::assert_last_event(Event::ChainFrozen { chain_id: 1, from }.into());
		});
	}
}

#[test]
fn rotate_verifier_replaces_an_active_chains_verifier() {
	build_and_execute(|| {
		chain_in(1, ChainStatus::Active);
		let next = committee_of(vec![ed(7), ed(8)], 2);
		assert_ok!(<ChainRegistry as RegistryTrait>::rotate_verifier(1, next.clone()));
		assert_eq!(Chains::<Test>::get(1).unwrap().verifier, next);
		assert_eq!(status_of(1), Some(ChainStatus::Active));
		System::assert_last_event(Event::VerifierRotated { chain_id: 1 }.into());
	});
}

#[test]
fn rotate_verifier_only_for_active_chains_and_valid_configurations() {
	for status in
		[ChainStatus::Proposed, ChainStatus::Suspended, ChainStatus::Frozen, ChainStatus::Retired]
	{
		build_and_execute(|| {
			chain_in(1, status);
			assert_noop!(
				<ChainRegistry as RegistryTrait>::rotate_verifier(1, committee()),
				Error::<Test>::NotActive
			);
		});
	}
	build_and_execute(|| {
		assert_noop!(
			<ChainRegistry as RegistryTrait>::rotate_verifier(1, committee()),
			Error::<Test>::ChainNotFound
		);
		chain_in(1, ChainStatus::Active);
		// An EVM chain cannot take a GRANDPA set, nor a committee with a duplicate member.
		assert_noop!(
			<ChainRegistry as RegistryTrait>::rotate_verifier(1, grandpa()),
			Error::<Test>::VerifierKindMismatch
		);
		assert_noop!(
			<ChainRegistry as RegistryTrait>::rotate_verifier(
				1,
				committee_of(vec![ed(7), ed(7)], 2)
			),
			Error::<Test>::DuplicateCommitteeMember
		);
	});
}

#[test]
fn freeze_only_from_active_or_suspended() {
	for from in [ChainStatus::Proposed, ChainStatus::Frozen, ChainStatus::Retired] {
		build_and_execute(|| {
			chain_in(1, from);
			assert_noop!(
				<ChainRegistry as RegistryTrait>::freeze(1),
				Error::<Test>::NotActiveOrSuspended
			);
		});
	}
	build_and_execute(|| {
		assert_noop!(<ChainRegistry as RegistryTrait>::freeze(1), Error::<Test>::ChainNotFound);
	});
}

#[test]
fn a_frozen_chain_can_be_resumed_and_frozen_again() {
	build_and_execute(|| {
		chain_in(1, ChainStatus::Frozen);
		assert_ok!(ChainRegistry::update_verifier(
			governance(),
			1,
			committee_in_set(vec![ed(5)], 1, 1)
		));
		assert_ok!(ChainRegistry::resume_chain(governance(), 1));
		assert!(<ChainRegistry as RegistryTrait>::is_active(1));
		assert_ok!(<ChainRegistry as RegistryTrait>::freeze(1));
		assert_eq!(status_of(1), Some(ChainStatus::Frozen));
	});
}

// ---- the trait's queries and the runtime API's ----

#[test]
fn only_active_chains_are_active() {
	for (chain_id, in_status) in (1..).zip(ALL_STATUSES) {
		build_and_execute(|| {
			chain_in(chain_id, in_status);
			assert_eq!(
				<ChainRegistry as RegistryTrait>::is_active(chain_id),
				in_status == ChainStatus::Active
			);
		});
	}
	build_and_execute(|| {
		assert!(!<ChainRegistry as RegistryTrait>::is_active(1));
		assert_eq!(status_of(1), None);
		assert_eq!(<ChainRegistry as RegistryTrait>::kind(1), None);
		assert_eq!(<ChainRegistry as RegistryTrait>::verifier(1), None);
	});
}

#[test]
fn the_trait_reports_kind_and_verifier() {
	build_and_execute(|| {
		assert_ok!(ChainRegistry::propose_chain(
			RuntimeOrigin::signed(1),
			3,
			name("solo"),
			substrate(),
			grandpa(),
		));
		assert_eq!(<ChainRegistry as RegistryTrait>::kind(3), Some(substrate()));
		assert_eq!(<ChainRegistry as RegistryTrait>::verifier(3), Some(grandpa()));
	});
}

#[test]
fn the_query_helpers_list_records_by_id() {
	build_and_execute(|| {
		activate(1, 30);
		propose(2, 10);
		activate(3, 20);
		assert_ok!(ChainRegistry::suspend_chain(emergency(), 20));

		let ids = |list: Vec<(ChainId, ChainRecord<Test>)>| -> Vec<ChainId> {
			list.into_iter().map(|(chain_id, _)| chain_id).collect()
		};
		assert_eq!(ids(ChainRegistry::chains()), vec![10, 20, 30]);
		assert_eq!(ids(ChainRegistry::chains_by_status(ChainStatus::Active)), vec![30]);
		assert_eq!(ids(ChainRegistry::chains_by_status(ChainStatus::Proposed)), vec![10]);
		assert_eq!(ids(ChainRegistry::chains_by_status(ChainStatus::Suspended)), vec![20]);
		assert!(ChainRegistry::chains_by_status(ChainStatus::Retired).is_empty());
		assert_eq!(ChainRegistry::chain(10), Chains::<Test>::get(10));
		assert_eq!(ChainRegistry::chain(11), None);
	});
}

// ---- the primitives' pure checks ----

#[test]
fn kinds_accept_exactly_the_documented_verifiers() {
	let relay: VerifierConfigOf<Test> = VerifierConfig::RelayChain;
	for (kind, relay_ok, grandpa_ok, committee_ok) in [
		(parachain(), true, false, false),
		(substrate(), false, true, true),
		(evm(), false, false, true),
		(fabric(), false, false, true),
		(ChainKind::PermissionedLedger { platform: LedgerPlatform::FiscoBcos }, false, false, true),
		(ChainKind::PermissionedLedger { platform: LedgerPlatform::Quorum }, false, false, true),
		(ChainKind::PermissionedLedger { platform: LedgerPlatform::Other }, false, false, true),
	] {
		assert_eq!(kind.accepts(&relay), relay_ok, "{kind:?} and the relay chain");
		assert_eq!(kind.accepts(&grandpa()), grandpa_ok, "{kind:?} and GRANDPA");
		assert_eq!(kind.accepts(&committee()), committee_ok, "{kind:?} and a committee");
	}
}

/// `operator` applies for parachain `para_id` as `chain_id`.
fn propose_parachain(operator: u64, chain_id: ChainId, para_id: u32) -> DispatchResult {
	ChainRegistry::propose_chain(
		RuntimeOrigin::signed(operator),
		chain_id,
		name("para"),
		ChainKind::PolkadotParachain { para_id },
		VerifierConfig::RelayChain,
	)
}

fn parachain_peer(para_id: u32) -> Option<(ChainId, ChainStatus)> {
	<ChainRegistry as fusion_hub_primitives::ParachainPeers>::parachain_peer(para_id)
}

#[test]
fn a_parachain_is_indexed_by_its_para_id_from_application_to_retirement() {
	build_and_execute(|| {
		assert_eq!(parachain_peer(2_004), None);
		assert_ok!(propose_parachain(1, 7, 2_004));
		assert_eq!(parachain_peer(2_004), Some((7, ChainStatus::Proposed)));
		assert_ok!(ChainRegistry::approve_chain(governance(), 7));
		assert_eq!(parachain_peer(2_004), Some((7, ChainStatus::Active)));
		assert_ok!(ChainRegistry::suspend_chain(emergency(), 7));
		assert_eq!(parachain_peer(2_004), Some((7, ChainStatus::Suspended)));
		assert_ok!(ChainRegistry::retire_chain(governance(), 7));
		// Retired: the para id is free, and another record may be that parachain.
		assert_eq!(parachain_peer(2_004), None);
		assert_eq!(ParachainChains::<Test>::get(2_004), None);
		assert_ok!(propose_parachain(2, 8, 2_004));
		assert_eq!(parachain_peer(2_004), Some((8, ChainStatus::Proposed)));
	});
}

#[test]
fn a_para_id_another_record_holds_is_refused_and_nothing_changes() {
	build_and_execute(|| {
		assert_ok!(propose_parachain(1, 7, 2_004));
		assert_noop!(propose_parachain(2, 8, 2_004), Error::<Test>::ParaIdInUse);
		assert_eq!(held(2), 0);
		assert!(Chains::<Test>::get(8).is_none());
		assert_ok!(ChainRegistry::approve_chain(governance(), 7));
		assert_noop!(propose_parachain(2, 8, 2_004), Error::<Test>::ParaIdInUse);
		// Another para id is another parachain.
		assert_ok!(propose_parachain(2, 8, 2_005));
		assert_eq!(parachain_peer(2_005), Some((8, ChainStatus::Proposed)));
	});
}

#[test]
fn a_rejected_parachain_application_frees_its_para_id() {
	build_and_execute(|| {
		assert_ok!(propose_parachain(1, 7, 2_004));
		assert_ok!(ChainRegistry::reject_chain(governance(), 7));
		assert_eq!(parachain_peer(2_004), None);
		assert_ok!(propose_parachain(2, 8, 2_004));
		assert_eq!(parachain_peer(2_004), Some((8, ChainStatus::Proposed)));
	});
}

#[test]
fn try_state_finds_an_index_that_disagrees_with_the_records() {
	build_and_execute(|| {
		assert_ok!(propose_parachain(1, 7, 2_004));
		assert_ok!(ChainRegistry::do_try_state());
		ParachainChains::<Test>::insert(2_004, 9);
		assert!(ChainRegistry::do_try_state().is_err());
		ParachainChains::<Test>::insert(2_004, 7);
		ParachainChains::<Test>::insert(3_000, 7);
		assert!(ChainRegistry::do_try_state().is_err());
		ParachainChains::<Test>::remove(3_000);
	});
}
