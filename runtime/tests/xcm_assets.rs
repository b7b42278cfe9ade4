//! Value across the two worlds, with the real XCM configuration: a wrapped EVM token goes from
//! the hub to a parachain peer and back with the asset-lock books balanced after each step; a
//! parachain user sends it on to its home chain in one XCM program; pause switches and rate
//! limits apply to XCM; transfers to anything but an active parachain peer, or of assets the hub
//! is not the reserve of, fail before anything moves.

use codec::Encode;
use cumulus_primitives_core::ParaId;
use fusion_hub_primitives::{
	message::{Message, Timeout, TransferPayload, ASSET_TRANSFER_APP, HUB_CHAIN_ID},
	ChainKind, CommitteeConfig, CommitteeKey, MessageHandler, TokenRef, VerifierConfig,
};
use fusion_hub_runtime::{
	configs::{
		messages::MaxPayload,
		xcm_config::{AssetsPalletIndex, XcmConfig},
	},
	AccountId, AssetLock, Assets, Balances, ChainRegistry, ParachainSystem, PolkadotXcm, Runtime,
	RuntimeCall, RuntimeOrigin, FUSE,
};
use pallet_asset_lock::{Escrowed, RateLimit, WrappedIds};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		traits::{fungible::Inspect as _, fungibles::Inspect as _},
		weights::Weight,
		BoundedVec,
	},
	sp_core::{H160, H256},
	sp_io::TestExternalities,
	sp_keyring::Sr25519Keyring,
	staging_xcm::{
		latest::{prelude::*, Assets as XcmAssets},
		VersionedAssets, VersionedLocation,
	},
	staging_xcm_executor::{traits::ConvertLocation, XcmExecutor},
	*,
};

mod common;

/// The parachain peer: chain id and para id.
const PEER: u32 = 51;
const PARA: u32 = 2_001;
/// The EVM peer that is the home of the wrapped token.
const HOME: u32 = 7;
/// What Dave brings from [`HOME`].
const BROUGHT: u128 = 1_000_000;

fn externalities() -> TestExternalities {
	common::externalities(sp_genesis_builder::DEV_RUNTIME_PRESET)
}

fn account(who: Sr25519Keyring) -> AccountId {
	who.to_account_id()
}

fn token() -> TokenRef {
	TokenRef { home: HOME, id: H256::from(H160::repeat_byte(0x70)) }
}

fn para() -> Location {
	Location::new(1, [Parachain(PARA)])
}

/// A user of the parachain, as the hub sees them.
fn para_user() -> Location {
	Location::new(1, [Parachain(PARA), AccountId32 { network: None, id: [0x42; 32] }])
}

fn fuse(amount: u128) -> Asset {
	(Location::here(), amount).into()
}

fn wrapped(amount: u128) -> Asset {
	let location = [PalletInstance(AssetsPalletIndex::get()), GeneralIndex(wrapped_id().into())];
	(Location::new(0, location), amount).into()
}

fn wrapped_id() -> u32 {
	WrappedIds::<Runtime>::get(token()).expect("the token arrived")
}

/// The EVM peer [`HOME`] and the parachain peer [`PEER`] are active; Dave has brought
/// [`BROUGHT`] of [`HOME`]'s token to the hub; the HRMP channel to [`PARA`] is open.
fn setup() {
	let operator = RuntimeOrigin::signed(account(Sr25519Keyring::Ferdie));
	let committee = VerifierConfig::Committee(CommitteeConfig {
		members: (1..=3u8)
			.map(|byte| CommitteeKey::Ecdsa(H160::repeat_byte(byte)))
			.collect::<Vec<_>>()
			.try_into()
			.unwrap(),
		threshold: 3,
		set_id: 0,
	});
	assert_ok!(ChainRegistry::propose_chain(
		operator.clone(),
		HOME,
		b"Home EVM".to_vec().try_into().unwrap(),
		ChainKind::EvmChain { chain_id: 1, gateway: H160::repeat_byte(0x9a) },
		committee,
	));
	assert_ok!(ChainRegistry::propose_chain(
		operator,
		PEER,
		b"Sibling".to_vec().try_into().unwrap(),
		ChainKind::PolkadotParachain { para_id: PARA },
		VerifierConfig::RelayChain,
	));
	assert_ok!(ChainRegistry::approve_chain(RuntimeOrigin::root(), HOME));
	assert_ok!(ChainRegistry::approve_chain(RuntimeOrigin::root(), PEER));
	polkadot_sdk::pallet_timestamp::Now::<Runtime>::put(1_000_000);
	let payload = TransferPayload {
		token: token(),
		amount: BROUGHT,
		beneficiary: H256::from(<[u8; 32]>::from(account(Sr25519Keyring::Dave))),
		decimals: 18,
	};
	let arrival: Message<MaxPayload> = Message {
		source: HOME,
		destination: HUB_CHAIN_ID,
		nonce: 1,
		sender: H256::repeat_byte(0xaa),
		app_id: ASSET_TRANSFER_APP,
		payload: BoundedVec::truncate_from(payload.abi_encode()),
		timeout: Timeout { height: 100, timestamp: 0 },
		fee: 0,
	};
	assert_ok!(<AssetLock as MessageHandler<MaxPayload>>::on_receive(&arrival));
	assert_eq!(Assets::balance(wrapped_id(), account(Sr25519Keyring::Dave)), BROUGHT);
	ParachainSystem::open_outbound_hrmp_channel_for_benchmarks_or_tests(ParaId::from(PARA));
}

/// Dave sends `assets` to an account on parachain `para_id` with `polkadotXcm.transferAssets`.
fn reserve_transfer(para_id: u32, assets: Vec<Asset>) -> polkadot_sdk::sp_runtime::DispatchResult {
	PolkadotXcm::transfer_assets(
		RuntimeOrigin::signed(account(Sr25519Keyring::Dave)),
		Box::new(VersionedLocation::from(Location::new(1, [Parachain(para_id)]))),
		Box::new(VersionedLocation::from(Location::new(
			0,
			[AccountId32 { network: None, id: [0x42; 32] }],
		))),
		Box::new(VersionedAssets::from(XcmAssets::from(assets))),
		0,
		Unlimited,
	)
}

/// The parachain's program for the way back: 1 FUSE of fees and `amount` of the wrapped token
/// from its claim, to `beneficiary` on the hub.
fn pay_back(amount: u128, beneficiary: [u8; 32]) -> Vec<Instruction<RuntimeCall>> {
	vec![
		WithdrawAsset(vec![fuse(FUSE), wrapped(amount)].into()),
		BuyExecution { fees: fuse(FUSE), weight_limit: Unlimited },
		DepositAsset {
			assets: Wild(AllCounted(2)),
			beneficiary: AccountId32 { network: None, id: beneficiary }.into(),
		},
	]
}

/// Executes `message` from the parachain, as the message queue would.
fn from_para(message: Vec<Instruction<RuntimeCall>>) -> Outcome {
	let mut id = [0u8; 32];
	XcmExecutor::<XcmConfig>::prepare_and_execute(
		para(),
		Xcm(message),
		&mut id,
		Weight::from_parts(50_000_000_000, 1_000_000),
		Weight::zero(),
	)
}

fn books_balance() {
	AssetLock::do_try_state().expect("the asset-lock books balance");
}

/// What the books and accounts say of the wrapped token and of FUSE.
fn snapshot() -> (u128, u128, u128, u128, u128) {
	(
		Escrowed::<Runtime>::get(PEER, token()),
		Escrowed::<Runtime>::get(PEER, TokenRef::HUB_NATIVE),
		Assets::total_issuance(wrapped_id()),
		Assets::balance(wrapped_id(), account(Sr25519Keyring::Dave)),
		Balances::balance(&account(Sr25519Keyring::Dave)),
	)
}

#[test]
fn a_wrapped_token_goes_to_a_parachain_peer_and_back_with_the_books_balanced() {
	externalities().execute_with(|| {
		setup();
		books_balance();
		let dave = account(Sr25519Keyring::Dave);
		let fuse_before = Balances::balance(&dave);
		// Hub -> parachain: the wrapped token is burned, the peer's claim stands for it.
		assert_ok!(reserve_transfer(PARA, vec![wrapped(400)]));
		assert_eq!(Escrowed::<Runtime>::get(PEER, token()), 400);
		assert_eq!(Assets::balance(wrapped_id(), &dave), BROUGHT - 400);
		assert_eq!(Assets::total_issuance(wrapped_id()), BROUGHT - 400);
		books_balance();
		// FUSE to pay for the way back: escrowed for the peer.
		assert_ok!(reserve_transfer(PARA, vec![fuse(5 * FUSE)]));
		assert_eq!(Escrowed::<Runtime>::get(PEER, TokenRef::HUB_NATIVE), 5 * FUSE);
		assert!(Balances::balance(&dave) <= fuse_before - 5 * FUSE);
		books_balance();

		// Parachain -> hub: the claim is spent, Eve is paid.
		let eve = account(Sr25519Keyring::Eve);
		let outcome = from_para(pay_back(400, eve.clone().into()));
		assert_ok!(outcome.ensure_complete());
		assert_eq!(Escrowed::<Runtime>::get(PEER, token()), 0);
		assert_eq!(Escrowed::<Runtime>::get(PEER, TokenRef::HUB_NATIVE), 4 * FUSE);
		assert_eq!(Assets::balance(wrapped_id(), &eve), 400);
		assert_eq!(Assets::total_issuance(wrapped_id()), BROUGHT);
		books_balance();

		// More than its claim: refused, nothing moves.
		let before = snapshot();
		let outcome = from_para(pay_back(1, eve.into()));
		assert!(
			matches!(
				outcome,
				Outcome::Incomplete {
					error: InstructionError {
						index: 0,
						error: XcmError::FailedToTransactAsset("ExceedsEscrow")
					},
					..
				}
			),
			"{outcome:?}"
		);
		assert_eq!(snapshot(), before);
		books_balance();
	});
}

#[test]
fn a_parachain_user_sends_a_wrapped_token_home_through_the_hub_in_one_program() {
	externalities().execute_with(|| {
		setup();
		assert_ok!(reserve_transfer(PARA, vec![wrapped(400)]));
		assert_ok!(reserve_transfer(PARA, vec![fuse(5 * FUSE)]));
		let user_on_hub =
			fusion_hub_runtime::configs::xcm_config::LocationToAccountId::convert_location(
				&para_user(),
			)
			.expect("a parachain user has an account on the hub");
		let beneficiary_on_home = H256::repeat_byte(0xbe);
		let transfer_out = RuntimeCall::AssetLock(pallet_asset_lock::Call::transfer_out {
			token: token(),
			amount: 100,
			destination: HOME,
			beneficiary: beneficiary_on_home,
			timeout: Timeout { height: 0, timestamp: 1_060_000 },
			fee: 0,
		});
		let nonce = pallet_cross_chain_messages::OutboundNonces::<Runtime>::get(HOME);
		// The program the parachain sends for its user (docs/connecting-a-parachain.md): take
		// the value from the parachain's claim, pay, give it to the user's account on the hub,
		// then act as the user.
		let outcome = from_para(vec![
			WithdrawAsset(vec![fuse(2 * FUSE), wrapped(100)].into()),
			BuyExecution { fees: fuse(2 * FUSE), weight_limit: Unlimited },
			DepositAsset { assets: Wild(AllCounted(2)), beneficiary: para_user() },
			DescendOrigin([AccountId32 { network: None, id: [0x42; 32] }].into()),
			Transact {
				origin_kind: OriginKind::SovereignAccount,
				fallback_max_weight: None,
				call: transfer_out.encode().into(),
			},
		]);
		assert_ok!(outcome.ensure_complete());
		// Sent to the home chain: a message on the hub's outbound channel to it, the wrapped
		// token burned and in flight until its outcome is proven.
		assert_eq!(pallet_cross_chain_messages::OutboundNonces::<Runtime>::get(HOME), nonce + 1);
		assert!(pallet_cross_chain_messages::PendingMessages::<Runtime>::contains_key((
			HUB_CHAIN_ID,
			HOME,
			nonce + 1
		)));
		polkadot_sdk::frame_system::Pallet::<Runtime>::assert_has_event(
			pallet_asset_lock::Event::<Runtime>::TransferSent {
				sender: user_on_hub.clone(),
				token: token(),
				amount: 100,
				destination: HOME,
				beneficiary: beneficiary_on_home,
				nonce: nonce + 1,
			}
			.into(),
		);
		assert_eq!(Escrowed::<Runtime>::get(PEER, token()), 300);
		assert_eq!(pallet_asset_lock::InFlight::<Runtime>::get(token()), 100);
		assert_eq!(Assets::balance(wrapped_id(), &user_on_hub), 0);
		books_balance();
	});
}

#[test]
fn pause_switches_and_rate_limits_apply_to_xcm() {
	externalities().execute_with(|| {
		setup();
		assert_ok!(reserve_transfer(PARA, vec![fuse(5 * FUSE)]));
		assert_ok!(reserve_transfer(PARA, vec![wrapped(400)]));
		let back = || from_para(pay_back(100, [7; 32]));
		let refused_both_ways = |error: &'static str| {
			let before = snapshot();
			assert_noop!(
				reserve_transfer(PARA, vec![wrapped(10)]),
				pallet_xcm::Error::<Runtime>::LocalExecutionIncompleteWithError {
					index: 0,
					error: pallet_xcm::ExecutionError::FailedToTransactAsset,
				}
			);
			let outcome = back();
			assert!(
				matches!(
					outcome,
					Outcome::Incomplete { error: InstructionError { index: 0, error: XcmError::FailedToTransactAsset(e) }, .. } if e == error
				),
				"{outcome:?}"
			);
			assert_eq!(snapshot(), before);
		};
		assert_ok!(AssetLock::set_chain_paused(RuntimeOrigin::root(), PEER, true));
		refused_both_ways("ChainPaused");
		assert_ok!(AssetLock::set_chain_paused(RuntimeOrigin::root(), PEER, false));
		assert_ok!(AssetLock::set_token_paused(RuntimeOrigin::root(), token(), true));
		refused_both_ways("TokenPaused");
		assert_ok!(AssetLock::set_token_paused(RuntimeOrigin::root(), token(), false));
		// Counted from when the limit is set: 50 of 55 used, in and out together.
		assert_ok!(AssetLock::set_rate_limit(
			RuntimeOrigin::root(),
			PEER,
			token(),
			Some(RateLimit { amount: 55, window: 100 })
		));
		assert_ok!(reserve_transfer(PARA, vec![wrapped(50)]));
		refused_both_ways("RateLimitExceeded");
		books_balance();
	});
}

#[test]
fn reserve_transfers_go_only_to_active_parachain_peers_and_only_of_hub_reserve_assets() {
	externalities().execute_with(|| {
		setup();
		// The transactor refuses the destination; the transfer fails, nothing moved.
		let refused = || pallet_xcm::Error::<Runtime>::LocalExecutionIncompleteWithError {
			index: 0,
			error: pallet_xcm::ExecutionError::FailedToTransactAsset,
		};
		// A sibling in no registry record; the relay chain.
		assert_noop!(reserve_transfer(PARA + 1, vec![wrapped(10)]), refused());
		assert_noop!(
			PolkadotXcm::transfer_assets(
				RuntimeOrigin::signed(account(Sr25519Keyring::Dave)),
				Box::new(VersionedLocation::from(Location::parent())),
				Box::new(VersionedLocation::from(Location::new(
					0,
					[AccountId32 { network: None, id: [0x42; 32] }]
				))),
				Box::new(VersionedAssets::from(XcmAssets::from(vec![fuse(FUSE)]))),
				0,
				Unlimited,
			),
			refused()
		);
		// An asset the hub is not the reserve of (a wrapped id that does not exist): filtered.
		let unknown: Asset = (
			Location::new(0, [PalletInstance(AssetsPalletIndex::get()), GeneralIndex(999_999)]),
			10,
		)
			.into();
		assert_noop!(reserve_transfer(PARA, vec![unknown]), pallet_xcm::Error::<Runtime>::Filtered);
		// A suspended peer: refused until it is resumed.
		assert_ok!(ChainRegistry::suspend_chain(RuntimeOrigin::root(), PEER));
		assert_noop!(reserve_transfer(PARA, vec![wrapped(10)]), refused());
		assert_ok!(ChainRegistry::resume_chain(RuntimeOrigin::root(), PEER));
		assert_ok!(reserve_transfer(PARA, vec![wrapped(10)]));
		books_balance();
	});
}

#[test]
fn a_parachain_user_has_an_account_of_its_own_on_the_hub() {
	use fusion_hub_runtime::configs::xcm_config::LocationToAccountId;
	let of = |location: Location| LocationToAccountId::convert_location(&location);
	let user = of(para_user()).expect("derived");
	let other_user =
		of(Location::new(1, [Parachain(PARA), AccountId32 { network: None, id: [0x43; 32] }]))
			.expect("derived");
	let sovereign = of(para()).expect("sibling sovereign");
	assert_ne!(user, other_user);
	assert_ne!(user, sovereign);
	// Not the 32 bytes themselves: a remote account never controls the local one of the same key.
	assert_ne!(user, AccountId::new([0x42; 32]));
}

#[test]
fn value_a_program_leaves_in_holding_is_trapped_in_the_books_and_claimed_back() {
	externalities().execute_with(|| {
		setup();
		assert_ok!(reserve_transfer(PARA, vec![wrapped(400)]));
		assert_ok!(reserve_transfer(PARA, vec![fuse(5 * FUSE)]));
		// The program takes value from the parachain's claim and never deposits it.
		let outcome = from_para(vec![
			WithdrawAsset(vec![fuse(FUSE), wrapped(100)].into()),
			BuyExecution { fees: fuse(FUSE), weight_limit: Unlimited },
		]);
		assert_ok!(outcome.ensure_complete());
		let trapped = polkadot_sdk::frame_system::Pallet::<Runtime>::events()
			.into_iter()
			.find_map(|record| match record.event {
				fusion_hub_runtime::RuntimeEvent::PolkadotXcm(
					pallet_xcm::Event::AssetsTrapped { assets, .. },
				) => Some(XcmAssets::try_from(assets).expect("latest version")),
				_ => None,
			})
			.expect("the rest is trapped");
		assert!(trapped.inner().contains(&wrapped(100)));
		// The claim shrank, and the trapped value is still counted as the wrapped supply.
		assert_eq!(Escrowed::<Runtime>::get(PEER, token()), 300);
		assert_eq!(Assets::total_issuance(wrapped_id()), BROUGHT - 300);
		books_balance();

		// The parachain claims it back and pays Eve.
		let eve = account(Sr25519Keyring::Eve);
		let fees = trapped.inner().iter().find(|asset| asset.id.0 == Location::here()).cloned();
		let outcome = from_para(vec![
			ClaimAsset { assets: trapped.clone(), ticket: Location::here() },
			BuyExecution { fees: fees.expect("FUSE was left"), weight_limit: Unlimited },
			DepositAsset {
				assets: Wild(AllCounted(2)),
				beneficiary: AccountId32 { network: None, id: eve.clone().into() }.into(),
			},
		]);
		assert_ok!(outcome.ensure_complete());
		assert_eq!(Assets::balance(wrapped_id(), &eve), 100);
		assert_eq!(Assets::total_issuance(wrapped_id()), BROUGHT - 300);
		books_balance();
	});
}

mod runtime_apis {
	use super::*;
	use fusion_hub_runtime::{OriginCaller, RuntimeEvent, WeightToFee};
	use polkadot_sdk::{
		frame_support::weights::WeightToFee as _,
		staging_xcm::{VersionedAssetId, VersionedXcm},
		xcm_runtime_apis::{
			conversions::runtime_decl_for_location_to_account_api::LocationToAccountApiV1,
			dry_run::runtime_decl_for_dry_run_api::DryRunApiV2,
			fees::{runtime_decl_for_xcm_payment_api::XcmPaymentApiV2, Error as FeesError},
		},
	};

	#[test]
	fn fees_are_quoted_in_fuse_only() {
		externalities().execute_with(|| {
			setup();
			assert_eq!(
				Runtime::query_acceptable_payment_assets(5),
				Ok(vec![VersionedAssetId::from(AssetId(Location::here()))])
			);
			let weight = Weight::from_parts(3_000_000_000, 64 * 1024);
			assert_eq!(
				Runtime::query_weight_to_asset_fee(
					weight,
					VersionedAssetId::from(AssetId(Location::here()))
				),
				Ok(WeightToFee::weight_to_fee(&weight))
			);
			assert_eq!(
				Runtime::query_weight_to_asset_fee(weight, VersionedAssetId::from(wrapped(1).id)),
				Err(FeesError::AssetNotFound)
			);
			let program: Xcm<()> = Xcm(vec![
				WithdrawAsset(vec![fuse(FUSE)].into()),
				BuyExecution { fees: fuse(FUSE), weight_limit: Unlimited },
				DepositAsset {
					assets: Wild(AllCounted(1)),
					beneficiary: AccountId32 { network: None, id: [7; 32] }.into(),
				},
			]);
			let weight = Runtime::query_xcm_weight(VersionedXcm::from(program)).expect("weighable");
			assert!(weight.ref_time() > 0);
		});
	}

	#[test]
	fn a_reserve_transfer_is_dry_run_without_changing_anything() {
		externalities().execute_with(|| {
			setup();
			let before = snapshot();
			let call = RuntimeCall::PolkadotXcm(pallet_xcm::Call::transfer_assets {
				dest: Box::new(VersionedLocation::from(para())),
				beneficiary: Box::new(VersionedLocation::from(Location::new(
					0,
					[AccountId32 { network: None, id: [0x42; 32] }],
				))),
				assets: Box::new(VersionedAssets::from(XcmAssets::from(vec![wrapped(400)]))),
				fee_asset_item: 0,
				weight_limit: Unlimited,
			});
			let origin = OriginCaller::system(polkadot_sdk::frame_system::RawOrigin::Signed(
				account(Sr25519Keyring::Dave),
			));
			let effects = Runtime::dry_run_call(origin, call, 5).expect("dry run");
			assert!(effects.execution_result.is_ok(), "{:?}", effects.execution_result);
			assert!(effects.emitted_events.iter().any(|event| matches!(
				event,
				RuntimeEvent::AssetLock(pallet_asset_lock::Event::ParachainClaimCredited {
					chain: PEER,
					amount: 400,
					..
				})
			)));
			// The message the parachain would receive.
			let (destination, messages) = effects.forwarded_xcms.first().expect("one destination");
			assert_eq!(destination, &VersionedLocation::from(para()));
			assert_eq!(messages.len(), 1);
			// A dry run changes nothing.
			assert_eq!(snapshot(), before);

			// And the way back, as the parachain would send it.
			assert_ok!(reserve_transfer(PARA, vec![wrapped(400)]));
			assert_ok!(reserve_transfer(PARA, vec![fuse(5 * FUSE)]));
			let before = snapshot();
			let back: Xcm<RuntimeCall> = Xcm(pay_back(400, [7; 32]));
			let effects =
				Runtime::dry_run_xcm(VersionedLocation::from(para()), VersionedXcm::from(back))
					.expect("dry run");
			assert_ok!(effects.execution_result.ensure_complete());
			assert_eq!(snapshot(), before);
		});
	}

	#[test]
	fn remote_locations_convert_to_their_hub_accounts() {
		use fusion_hub_runtime::configs::xcm_config::LocationToAccountId;
		for location in [para(), para_user(), Location::parent()] {
			assert_eq!(
				Runtime::convert_location(VersionedLocation::from(location.clone())).ok(),
				LocationToAccountId::convert_location(&location)
			);
		}
		// Another consensus system has no account here.
		assert_eq!(
			Runtime::convert_location(VersionedLocation::from(Location::new(
				2,
				[GlobalConsensus(NetworkId::Kusama)]
			))),
			Err(polkadot_sdk::xcm_runtime_apis::conversions::Error::Unsupported)
		);
	}
}

#[test]
fn a_suspended_peers_xcm_waits_in_the_queue_and_runs_after_it_is_resumed() {
	use cumulus_primitives_core::AggregateMessageOrigin;
	use fusion_hub_runtime::MessageQueue;
	use polkadot_sdk::frame_support::{
		traits::{EnqueueMessage, QueueFootprintQuery, ServiceQueues},
		BoundedSlice,
	};
	externalities().execute_with(|| {
		setup();
		assert_ok!(reserve_transfer(PARA, vec![fuse(5 * FUSE)]));
		assert_ok!(ChainRegistry::suspend_chain(RuntimeOrigin::root(), PEER));
		let eve = account(Sr25519Keyring::Eve);
		let eve_before = Balances::balance(&eve);
		// The parachain pays Eve 1 FUSE from its claim: it arrives while it is suspended.
		let message = polkadot_sdk::staging_xcm::VersionedXcm::<()>::from(Xcm(vec![
			WithdrawAsset(vec![fuse(FUSE)].into()),
			BuyExecution { fees: fuse(FUSE), weight_limit: Unlimited },
			DepositAsset {
				assets: Wild(AllCounted(1)),
				beneficiary: AccountId32 { network: None, id: eve.clone().into() }.into(),
			},
		]))
		.encode();
		let origin = AggregateMessageOrigin::Sibling(ParaId::from(PARA));
		MessageQueue::enqueue_message(BoundedSlice::truncate_from(&message[..]), origin.clone());
		let service =
			|| MessageQueue::service_queues(Weight::from_parts(500_000_000_000, 4_000_000));
		service();
		let waiting = || MessageQueue::footprint(origin.clone()).storage.count;
		assert_eq!(waiting(), 1, "held in the queue");
		assert_eq!(Balances::balance(&eve), eve_before);
		assert_eq!(Escrowed::<Runtime>::get(PEER, TokenRef::HUB_NATIVE), 5 * FUSE);

		// Resumed by governance: the queue runs it.
		assert_ok!(ChainRegistry::resume_chain(RuntimeOrigin::root(), PEER));
		service();
		assert_eq!(waiting(), 0);
		assert!(Balances::balance(&eve) > eve_before);
		assert_eq!(Escrowed::<Runtime>::get(PEER, TokenRef::HUB_NATIVE), 4 * FUSE);
		polkadot_sdk::frame_system::Pallet::<Runtime>::events()
			.iter()
			.find(|record| {
				matches!(
					record.event,
					fusion_hub_runtime::RuntimeEvent::MessageQueue(
						pallet_message_queue::Event::Processed { success: true, .. }
					)
				)
			})
			.expect("processed, successfully");
		books_balance();
	});
}

#[test]
fn nothing_burns_a_wrapped_token_on_the_hub() {
	use polkadot_sdk::sp_runtime::traits::Dispatchable;
	externalities().execute_with(|| {
		setup();
		assert_ok!(reserve_transfer(PARA, vec![wrapped(400)]));
		assert_ok!(reserve_transfer(PARA, vec![fuse(5 * FUSE)]));
		let before = snapshot();
		// A program that burns what it took from the parachain's claim, at any depth.
		let burn: Vec<Instruction<RuntimeCall>> = vec![
			WithdrawAsset(vec![fuse(FUSE), wrapped(100)].into()),
			BuyExecution { fees: fuse(FUSE), weight_limit: Unlimited },
			BurnAsset(vec![wrapped(100)].into()),
		];
		let nested: Vec<Instruction<RuntimeCall>> = vec![
			WithdrawAsset(vec![fuse(FUSE), wrapped(100)].into()),
			BuyExecution { fees: fuse(FUSE), weight_limit: Unlimited },
			SetAppendix(Xcm(vec![BurnAsset(vec![wrapped(100)].into())])),
		];
		for program in [burn, nested] {
			let outcome = from_para(program);
			assert!(
				matches!(
					outcome,
					Outcome::Incomplete {
						error: InstructionError { index: 0, error: XcmError::Barrier },
						..
					}
				),
				"{outcome:?}"
			);
			assert_eq!(snapshot(), before);
		}
		// The same program that deposits instead of burning runs: the burn was the reason.
		assert_ok!(from_para(vec![
			WithdrawAsset(vec![fuse(FUSE), wrapped(100)].into()),
			BuyExecution { fees: fuse(FUSE), weight_limit: Unlimited },
			SetAppendix(Xcm(vec![DepositAsset {
				assets: Wild(AllCounted(2)),
				beneficiary: AccountId32 { network: None, id: [7; 32] }.into(),
			}])),
		])
		.ensure_complete());
		// Nor can a holder burn its own balance.
		let refund = RuntimeCall::Assets(pallet_assets::Call::refund {
			id: wrapped_id().into(),
			allow_burn: true,
		});
		assert_noop!(
			refund.dispatch(RuntimeOrigin::signed(account(Sr25519Keyring::Dave))),
			polkadot_sdk::frame_system::Error::<Runtime>::CallFiltered
		);
		books_balance();
	});
}
