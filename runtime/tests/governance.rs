//! The Council reaches Root only through the whitelist: a majority whitelists the hash of a Root
//! call, two thirds dispatch it. A third of the Council pulls the XCM brakes; nothing signed
//! reaches either. Origins are built as the collective pallet builds them for a passed motion
//! (`Members(ayes, members)`), on the `local` chain, which has no Sudo key.

use fusion_hub_runtime::{
	configs::governance::{CouncilCollective, PreimageBaseDeposit, PreimageByteDeposit},
	genesis_config_presets::PRESET_LOCAL_TESTNET,
	AccountId, Balances, Hash, Preimage, Runtime, RuntimeCall, RuntimeOrigin, Whitelist, XcmpQueue,
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold},
	sp_keyring::Sr25519Keyring,
	sp_runtime::{traits::Hash as _, DispatchError},
	*,
};

mod common;

/// The origin of a Council motion passed with `ayes` of `members` votes.
fn council(ayes: u32, members: u32) -> RuntimeOrigin {
	pallet_collective::RawOrigin::<AccountId, CouncilCollective>::Members(ayes, members).into()
}

fn signed(who: Sr25519Keyring) -> RuntimeOrigin {
	RuntimeOrigin::signed(who.to_account_id())
}

/// `system.authorize_upgrade` of some code: a Root-only call.
fn authorize_upgrade() -> RuntimeCall {
	RuntimeCall::System(frame_system::Call::authorize_upgrade { code_hash: Hash::repeat_byte(7) })
}

fn hash_of(call: &RuntimeCall) -> Hash {
	<Runtime as frame_system::Config>::Hashing::hash_of(call)
}

fn upgrade_authorized() -> bool {
	fusion_hub_runtime::System::authorized_upgrade().is_some()
}

#[test]
fn the_local_chain_has_no_sudo_and_nothing_signed_reaches_root() {
	common::externalities(PRESET_LOCAL_TESTNET).execute_with(|| {
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), None);
		let call = authorize_upgrade();
		let dave = Sr25519Keyring::Dave;
		assert_noop!(
			Whitelist::whitelist_call(signed(dave), hash_of(&call)),
			DispatchError::BadOrigin
		);
		// A signed dispatch is only a relayer's, of a supermajority's deferred dispatch.
		assert_noop!(
			Whitelist::dispatch_whitelisted_call_with_preimage(signed(dave), Box::new(call)),
			pallet_whitelist::Error::<Runtime>::DeferredDispatchNotFound
		);
		assert!(!upgrade_authorized());
	});
}

#[test]
fn a_majority_whitelists_and_two_thirds_dispatch_as_root() {
	common::externalities(PRESET_LOCAL_TESTNET).execute_with(|| {
		let call = authorize_upgrade();
		let hash = hash_of(&call);
		// Half is not a majority, a third is the emergency origin only.
		for (ayes, members) in [(1, 3), (2, 4), (3, 6)] {
			assert_noop!(
				Whitelist::whitelist_call(council(ayes, members), hash),
				DispatchError::BadOrigin
			);
		}
		assert_ok!(Whitelist::whitelist_call(council(3, 5), hash));
		assert!(pallet_whitelist::WhitelistedCall::<Runtime>::contains_key(hash));
		assert_noop!(
			Whitelist::whitelist_call(council(3, 5), hash),
			pallet_whitelist::Error::<Runtime>::CallAlreadyWhitelisted
		);
		// A majority short of two thirds cannot dispatch it.
		for (ayes, members) in [(3, 5), (1, 3), (5, 8)] {
			assert_noop!(
				Whitelist::dispatch_whitelisted_call_with_preimage(
					council(ayes, members),
					Box::new(call.clone())
				),
				DispatchError::BadOrigin
			);
		}
		assert!(!upgrade_authorized());
		assert_ok!(Whitelist::dispatch_whitelisted_call_with_preimage(
			council(2, 3),
			Box::new(call.clone())
		));
		assert!(upgrade_authorized());
		// Used up: a second dispatch would need a new whitelisting (it is deferred instead).
		assert!(!pallet_whitelist::WhitelistedCall::<Runtime>::contains_key(hash));
	});
}

#[test]
fn a_whitelisted_calls_preimage_is_free_to_note_and_dispatched_by_hash() {
	common::externalities(PRESET_LOCAL_TESTNET).execute_with(|| {
		let call = authorize_upgrade();
		let bytes = codec::Encode::encode(&call);
		let hash = hash_of(&call);
		let dave = Sr25519Keyring::Dave;
		let held =
			|| <Balances as InspectHold<AccountId>>::total_balance_on_hold(&dave.to_account_id());

		// Noting a preimage nobody asked for holds a deposit for its bytes.
		let other = RuntimeCall::System(frame_system::Call::remark { remark: vec![1; 100] });
		let other_bytes = codec::Encode::encode(&other);
		assert_ok!(Preimage::note_preimage(signed(dave), other_bytes.clone()));
		let deposit: u128 =
			PreimageBaseDeposit::get() + PreimageByteDeposit::get() * other_bytes.len() as u128;
		assert_eq!(held(), deposit);

		// The whitelist requests its call's preimage: noting it is free.
		assert_ok!(Whitelist::whitelist_call(council(2, 3), hash));
		assert_ok!(Preimage::note_preimage(signed(dave), bytes.clone()));
		assert_eq!(held(), deposit);

		// A witness lighter than the call is refused, and nothing is dispatched.
		assert_noop!(
			Whitelist::dispatch_whitelisted_call(
				council(2, 3),
				hash,
				bytes.len() as u32,
				Default::default()
			),
			pallet_whitelist::Error::<Runtime>::InvalidCallWeightWitness
		);
		let weight =
			polkadot_sdk::frame_support::dispatch::GetDispatchInfo::get_dispatch_info(&call)
				.call_weight;
		assert_ok!(Whitelist::dispatch_whitelisted_call(
			council(2, 3),
			hash,
			bytes.len() as u32,
			weight
		));
		assert!(upgrade_authorized());
	});
}

#[test]
fn a_third_of_the_council_pulls_the_xcmp_brake_and_nothing_signed_can() {
	common::externalities(PRESET_LOCAL_TESTNET).execute_with(|| {
		let dave = Sr25519Keyring::Dave;
		assert_noop!(XcmpQueue::suspend_xcm_execution(signed(dave)), DispatchError::BadOrigin);
		assert_noop!(XcmpQueue::suspend_xcm_execution(council(1, 4)), DispatchError::BadOrigin);
		assert_ok!(XcmpQueue::suspend_xcm_execution(council(1, 3)));
		assert_noop!(
			XcmpQueue::suspend_xcm_execution(council(1, 3)),
			cumulus_pallet_xcmp_queue::Error::<Runtime>::AlreadySuspended
		);
		assert_noop!(XcmpQueue::resume_xcm_execution(signed(dave)), DispatchError::BadOrigin);
		assert_ok!(XcmpQueue::resume_xcm_execution(council(1, 3)));
		assert_noop!(
			XcmpQueue::resume_xcm_execution(council(1, 3)),
			cumulus_pallet_xcmp_queue::Error::<Runtime>::AlreadyResumed
		);
	});
}
