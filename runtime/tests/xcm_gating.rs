//! The registry gates XCM: only the relay chain and parachain peers the registry has `Active`
//! pass the barrier for paid execution and subscriptions; the XCM of a suspended or frozen peer
//! waits in the message queue until it is resumed; an unregistered, proposed or retired
//! sibling's fails at the barrier.

use cumulus_primitives_core::{AggregateMessageOrigin, ParaId};
use fusion_hub_primitives::{ChainKind, ChainStatus, ParachainPeers, VerifierConfig};
use fusion_hub_runtime::{
	configs::{governance::CouncilCollective, xcm_config::Barrier},
	AccountId, ChainRegistry, PolkadotXcm, Runtime, RuntimeCall, RuntimeOrigin,
};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		traits::{ProcessMessageError, QueuePausedQuery},
		weights::Weight,
	},
	sp_io::TestExternalities,
	sp_keyring::Sr25519Keyring,
	staging_xcm::latest::prelude::*,
	staging_xcm_executor::traits::{Properties, ShouldExecute},
	*,
};

const PEER: u32 = 51;
const PARA: u32 = 2_001;

mod common;

/// The development chain's genesis, at block 1.
fn externalities() -> TestExternalities {
	common::externalities(sp_genesis_builder::DEV_RUNTIME_PRESET)
}

/// Dave applies for parachain [`PARA`] as chain [`PEER`].
fn propose_parachain() {
	assert_ok!(ChainRegistry::propose_chain(
		RuntimeOrigin::signed(Sr25519Keyring::Dave.to_account_id()),
		PEER,
		b"Sibling".to_vec().try_into().unwrap(),
		ChainKind::PolkadotParachain { para_id: PARA },
		VerifierConfig::RelayChain,
	));
}

/// A transfer of FUSE paid for with itself, as a sibling or the relay chain sends it.
fn paid_transfer() -> Xcm<RuntimeCall> {
	let fuse: Asset = (Location::here(), 10_000_000_000u128).into();
	Xcm(vec![
		WithdrawAsset(fuse.clone().into()),
		BuyExecution { fees: fuse, weight_limit: Unlimited },
		DepositAsset {
			assets: AllCounted(1).into(),
			beneficiary: AccountId32 { network: None, id: [7; 32] }.into(),
		},
	])
}

fn subscription() -> Xcm<RuntimeCall> {
	Xcm(vec![SubscribeVersion { query_id: 1, max_response_weight: Weight::zero() }])
}

/// What the barrier says to `message` from `origin`.
fn barrier(origin: Location, mut message: Xcm<RuntimeCall>) -> Result<(), ProcessMessageError> {
	let mut properties = Properties { weight_credit: Weight::zero(), message_id: None };
	Barrier::should_execute(
		&origin,
		message.inner_mut(),
		Weight::from_parts(1_000_000, 1_000),
		&mut properties,
	)
}

/// Whether the barrier lets `message` from `origin` run.
fn passes(origin: Location, message: Xcm<RuntimeCall>) -> bool {
	barrier(origin, message).is_ok()
}

fn sibling() -> Location {
	Location::new(1, [Parachain(PARA)])
}

fn on_sibling() -> Location {
	Location::new(1, [Parachain(PARA), AccountId32 { network: None, id: [9; 32] }])
}

fn held() -> bool {
	<<Runtime as pallet_message_queue::Config>::QueuePausedQuery as QueuePausedQuery<
		AggregateMessageOrigin,
	>>::is_paused(&AggregateMessageOrigin::Sibling(ParaId::from(PARA)))
}

/// What the barrier and the queue do with [`PARA`]'s XCM now.
fn gate() -> (bool, bool, bool, bool) {
	(
		passes(sibling(), paid_transfer()),
		passes(on_sibling(), paid_transfer()),
		passes(sibling(), subscription()),
		held(),
	)
}

#[test]
fn only_the_relay_chain_and_active_parachain_peers_pass_the_barrier() {
	externalities().execute_with(|| {
		// The relay chain, and accounts on it, always.
		assert!(passes(Location::parent(), paid_transfer()));
		assert!(passes(Location::parent(), subscription()));
		assert!(passes(
			Location::new(1, [AccountId32 { network: None, id: [5; 32] }]),
			paid_transfer()
		));
		// An unregistered sibling: refused, not held.
		assert_eq!(gate(), (false, false, false, false));
		assert_eq!(<ChainRegistry as ParachainPeers>::parachain_peer(PARA), None);
		// An application is not a peer yet.
		propose_parachain();
		assert_eq!(gate(), (false, false, false, false));
		assert_ok!(ChainRegistry::approve_chain(RuntimeOrigin::root(), PEER));
		assert_eq!(gate(), (true, true, true, false));
		// Another sibling is still refused.
		assert!(!passes(Location::new(1, [Parachain(PARA + 1)]), paid_transfer()));
		// A location that is neither the relay chain nor under it.
		assert!(!passes(Location::new(2, [GlobalConsensus(NetworkId::Kusama)]), paid_transfer()));
	});
}

#[test]
fn a_suspended_or_frozen_peers_xcm_waits_in_the_queue_and_a_retired_ones_is_refused() {
	externalities().execute_with(|| {
		propose_parachain();
		assert_ok!(ChainRegistry::approve_chain(RuntimeOrigin::root(), PEER));
		assert_ok!(ChainRegistry::suspend_chain(RuntimeOrigin::root(), PEER));
		assert_eq!(
			<ChainRegistry as ParachainPeers>::parachain_peer(PARA),
			Some((PEER, ChainStatus::Suspended))
		);
		// Held in the queue: none of it is serviced, so none of it reaches the barrier.
		assert_eq!(gate(), (false, false, false, true));
		assert_ok!(ChainRegistry::resume_chain(RuntimeOrigin::root(), PEER));
		assert_eq!(gate(), (true, true, true, false));
		// Frozen on evidence of misbehaviour: held the same way.
		assert_ok!(<ChainRegistry as fusion_hub_primitives::ChainRegistry>::freeze(PEER));
		assert_eq!(gate(), (false, false, false, true));
		assert_ok!(ChainRegistry::retire_chain(RuntimeOrigin::root(), PEER));
		// Retired: refused, and its para id free for a new record.
		assert_eq!(gate(), (false, false, false, false));
		assert_eq!(<ChainRegistry as ParachainPeers>::parachain_peer(PARA), None);
	});
}

#[test]
fn a_second_record_for_the_same_parachain_is_refused() {
	externalities().execute_with(|| {
		propose_parachain();
		assert_noop!(
			ChainRegistry::propose_chain(
				RuntimeOrigin::signed(Sr25519Keyring::Eve.to_account_id()),
				PEER + 1,
				b"Impostor".to_vec().try_into().unwrap(),
				ChainKind::PolkadotParachain { para_id: PARA },
				VerifierConfig::RelayChain,
			),
			pallet_chain_registry::Error::<Runtime>::ParaIdInUse
		);
	});
}

#[test]
fn a_third_of_the_council_holds_all_xcm_and_it_runs_after_the_release() {
	externalities().execute_with(|| {
		propose_parachain();
		assert_ok!(ChainRegistry::approve_chain(RuntimeOrigin::root(), PEER));
		let third: RuntimeOrigin =
			pallet_collective::RawOrigin::<AccountId, CouncilCollective>::Members(1, 3).into();
		let fewer: RuntimeOrigin =
			pallet_collective::RawOrigin::<AccountId, CouncilCollective>::Members(1, 4).into();
		let dave = RuntimeOrigin::signed(Sr25519Keyring::Dave.to_account_id());
		assert_noop!(
			PolkadotXcm::force_suspension(dave, true),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_noop!(
			PolkadotXcm::force_suspension(fewer, true),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_ok!(PolkadotXcm::force_suspension(third.clone(), true));
		// Every message yields: the queue keeps it and tries again later; nothing is refused.
		for origin in [Location::parent(), sibling(), on_sibling()] {
			assert_eq!(barrier(origin, paid_transfer()), Err(ProcessMessageError::Yield));
		}
		assert_ok!(PolkadotXcm::force_suspension(third, false));
		assert!(passes(Location::parent(), paid_transfer()));
		assert_eq!(gate(), (true, true, true, false));
	});
}
