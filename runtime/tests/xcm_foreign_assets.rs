//! Foreign assets with the real XCM configuration: a parachain peer's own token, declared by
//! governance, arrives from that parachain (its reserve) as a derivative on the hub, pays for
//! its execution, and goes back through the reserve; it comes from no other origin, is never
//! minted or burned by a call, and does not leave while its reserve is not `Active`.

use fusion_hub_primitives::{ChainKind, VerifierConfig};
use fusion_hub_runtime::{
	configs::{foreign_assets::ReserveIsActiveParachainPeer, xcm_config::XcmConfig},
	AccountId, Balances, ChainRegistry, ForeignAssets, ParachainSystem, PolkadotXcm, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeOrigin, System, EXISTENTIAL_DEPOSIT, FUSE,
};
use polkadot_sdk::{
	cumulus_primitives_core::ParaId,
	frame_support::{
		assert_noop, assert_ok,
		dispatch::GetDispatchInfo,
		traits::{
			fungible::Inspect as _, fungibles::Inspect as _, ContainsPair, UnfilteredDispatchable,
		},
		weights::Weight,
	},
	sp_io::TestExternalities,
	sp_keyring::Sr25519Keyring,
	sp_runtime::{traits::Dispatchable, DispatchError},
	staging_xcm::{
		latest::{prelude::*, Assets as XcmAssets},
		v5, VersionedAssets, VersionedLocation,
	},
	staging_xcm_executor::XcmExecutor,
	*,
};

mod common;

/// The parachain peer whose native token the hub holds: chain id and para id.
const PEER: u32 = 52;
const PARA: u32 = 2_002;
/// Its token's `min_balance` on the hub: 10x FUSE's existential deposit, so XCM fees in it are
/// ten times their FUSE price.
const MIN_BALANCE: u128 = 10 * EXISTENTIAL_DEPOSIT;
/// What the parachain sends in each test.
const SENT: u128 = 1_000 * FUSE;

fn externalities() -> TestExternalities {
	common::externalities(sp_genesis_builder::DEV_RUNTIME_PRESET)
}

fn account(who: Sr25519Keyring) -> AccountId {
	who.to_account_id()
}

fn para() -> Location {
	Location::new(1, [Parachain(PARA)])
}

/// The parachain's native token, as the hub names it.
fn token_location() -> v5::Location {
	v5::Location::new(1, [v5::Junction::Parachain(PARA)])
}

fn token(amount: u128) -> Asset {
	(para(), amount).into()
}

/// [`PEER`] is an active parachain peer with an open HRMP channel, and governance has declared
/// its native token a sufficient foreign asset.
fn setup() {
	assert_ok!(ChainRegistry::propose_chain(
		RuntimeOrigin::signed(account(Sr25519Keyring::Ferdie)),
		PEER,
		b"Token parachain".to_vec().try_into().unwrap(),
		ChainKind::PolkadotParachain { para_id: PARA },
		VerifierConfig::RelayChain,
	));
	assert_ok!(ChainRegistry::approve_chain(RuntimeOrigin::root(), PEER));
	ParachainSystem::open_outbound_hrmp_channel_for_benchmarks_or_tests(ParaId::from(PARA));
	declare(token_location());
}

/// Governance declares `location` a sufficient foreign asset, owned by its parachain's
/// sovereign account.
fn declare(location: v5::Location) {
	let owner = polkadot_sdk::sp_runtime::MultiAddress::Id(sovereign_of_para());
	assert_ok!(ForeignAssets::force_create(
		RuntimeOrigin::root(),
		location,
		owner,
		true,
		MIN_BALANCE
	));
}

fn sovereign_of_para() -> AccountId {
	use polkadot_sdk::staging_xcm_executor::traits::ConvertLocation;
	fusion_hub_runtime::configs::xcm_config::LocationToAccountId::convert_location(&para())
		.expect("a sibling has a sovereign account")
}

/// The parachain's reserve transfer of `amount` of its token to `beneficiary` on the hub, as
/// pallet-xcm writes it: the token pays for its own execution.
fn arrival(amount: u128, beneficiary: &AccountId) -> Vec<Instruction<RuntimeCall>> {
	vec![
		ReserveAssetDeposited(vec![token(amount)].into()),
		ClearOrigin,
		BuyExecution { fees: token(amount), weight_limit: Unlimited },
		DepositAsset {
			assets: Wild(AllCounted(1)),
			beneficiary: AccountId32 { network: None, id: beneficiary.clone().into() }.into(),
		},
	]
}

/// Makes the block being built have an author (Aura slot 0: the first collator), who is paid
/// the XCM fees.
fn author_the_block() -> AccountId {
	use codec::Encode;
	use polkadot_sdk::{
		sp_consensus_aura::{Slot, AURA_ENGINE_ID},
		sp_runtime::DigestItem,
	};
	System::deposit_log(DigestItem::PreRuntime(AURA_ENGINE_ID, Slot::from(0u64).encode()));
	fusion_hub_runtime::Authorship::author().expect("the block has an author")
}

/// Executes `message` from `origin`, as the message queue would.
fn execute_from(origin: Location, message: Vec<Instruction<RuntimeCall>>) -> Outcome {
	let mut id = [0u8; 32];
	XcmExecutor::<XcmConfig>::prepare_and_execute(
		origin,
		Xcm(message),
		&mut id,
		Weight::from_parts(50_000_000_000, 1_000_000),
		Weight::zero(),
	)
}

fn derivative_balance(who: &AccountId) -> u128 {
	ForeignAssets::balance(token_location(), who)
}

fn send_back(amount: u128) -> polkadot_sdk::sp_runtime::DispatchResult {
	PolkadotXcm::transfer_assets(
		RuntimeOrigin::signed(account(Sr25519Keyring::Dave)),
		Box::new(VersionedLocation::from(para())),
		Box::new(VersionedLocation::from(Location::new(
			0,
			[AccountId32 { network: None, id: [0x42; 32] }],
		))),
		Box::new(VersionedAssets::from(XcmAssets::from(vec![token(amount)]))),
		0,
		Unlimited,
	)
}

#[test]
fn a_parachain_token_arrives_from_its_reserve_pays_its_fees_and_goes_back() {
	externalities().execute_with(|| {
		setup();
		let author = author_the_block();
		let dave = account(Sr25519Keyring::Dave);
		let outcome = execute_from(para(), arrival(SENT, &dave));
		assert_ok!(outcome.ensure_complete());
		// The fee, in the token, at ten times its FUSE price, went to the block's author.
		let fee = derivative_balance(&author);
		assert!(fee > 0, "execution was paid for in the foreign asset");
		assert_eq!(derivative_balance(&dave), SENT - fee);
		assert_eq!(ForeignAssets::total_issuance(token_location()), SENT);

		// Dave sends 400 FUSE worth back through the reserve: burned here, withdrawn there.
		System::reset_events();
		assert_ok!(send_back(400 * FUSE));
		assert_eq!(derivative_balance(&dave), SENT - fee - 400 * FUSE);
		assert_eq!(ForeignAssets::total_issuance(token_location()), SENT - 400 * FUSE);
		let sent = System::events().into_iter().find_map(|record| match record.event {
			RuntimeEvent::PolkadotXcm(pallet_xcm::Event::Sent { destination, message, .. }) => {
				Some((destination, message))
			},
			_ => None,
		});
		let (destination, message) = sent.expect("a message went to the reserve");
		assert_eq!(destination, para());
		// In the reserve's own terms, its token is `Here`: it pays out of the hub's account.
		assert!(
			matches!(
				message.0.first(),
				Some(WithdrawAsset(assets))
					if assets.inner() == &[(Location::here(), 400 * FUSE).into()]
			),
			"{message:?}"
		);
	});
}

#[test]
fn a_foreign_asset_comes_only_from_its_own_active_reserve_and_only_when_declared() {
	externalities().execute_with(|| {
		setup();
		let token_asset = token(SENT);
		// Its own parachain, active: the reserve.
		assert!(ReserveIsActiveParachainPeer::contains(&token_asset, &para()));
		// Any other origin: another sibling, a user of the parachain, the relay chain.
		for origin in [
			Location::new(1, [Parachain(PARA + 1)]),
			Location::new(1, [Parachain(PARA), AccountId32 { network: None, id: [1; 32] }]),
			Location::parent(),
		] {
			assert!(!ReserveIsActiveParachainPeer::contains(&token_asset, &origin), "{origin:?}");
		}
		// A token that is not under a parachain is nobody's foreign asset.
		assert!(!ReserveIsActiveParachainPeer::contains(
			&(Location::parent(), SENT).into(),
			&Location::parent()
		));

		// A suspended reserve is not trusted (its XCM waits in the queue; were it run, the
		// barrier would refuse it).
		assert_ok!(ChainRegistry::suspend_chain(RuntimeOrigin::root(), PEER));
		assert!(!ReserveIsActiveParachainPeer::contains(&token_asset, &para()));
		let dave = account(Sr25519Keyring::Dave);
		let outcome = execute_from(para(), arrival(SENT, &dave));
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
		assert_eq!(ForeignAssets::total_issuance(token_location()), 0);
		assert_ok!(ChainRegistry::resume_chain(RuntimeOrigin::root(), PEER));

		// An asset of the parachain that governance has not declared: nothing is minted, not
		// even into holding.
		let undeclared: Asset =
			(Location::new(1, [Parachain(PARA), PalletInstance(50), GeneralIndex(9)]), SENT).into();
		let outcome = execute_from(
			para(),
			vec![
				ReserveAssetDeposited(vec![undeclared.clone()].into()),
				ClearOrigin,
				BuyExecution { fees: undeclared, weight_limit: Unlimited },
			],
		);
		assert!(
			matches!(
				outcome,
				Outcome::Incomplete {
					error: InstructionError { index: 0, error: XcmError::AssetNotFound },
					..
				}
			),
			"{outcome:?}"
		);
		let undeclared_location = v5::Location::new(
			1,
			[
				v5::Junction::Parachain(PARA),
				v5::Junction::PalletInstance(50),
				v5::Junction::GeneralIndex(9),
			],
		);
		assert!(!ForeignAssets::asset_exists(undeclared_location));
		assert_eq!(derivative_balance(&dave), 0);
	});
}

#[test]
fn nobody_mints_burns_takes_destroys_or_declares_a_foreign_asset_by_signing() {
	externalities().execute_with(|| {
		setup();
		let dave = account(Sr25519Keyring::Dave);
		assert_ok!(execute_from(para(), arrival(SENT, &dave)).ensure_complete());
		let issuance = ForeignAssets::total_issuance(token_location());
		let held = derivative_balance(&dave);
		let owner = RuntimeOrigin::signed(sovereign_of_para());
		let to_dave = polkadot_sdk::sp_runtime::MultiAddress::Id(dave.clone());
		// Whatever would make, destroy or take value is refused by the call filter, even for the
		// asset's owner (and its whole team) or a holder.
		let id = token_location();
		let eve_address = polkadot_sdk::sp_runtime::MultiAddress::Id(account(Sr25519Keyring::Eve));
		let refused_calls = [
			pallet_assets::Call::mint { id: id.clone(), beneficiary: to_dave.clone(), amount: 1 },
			pallet_assets::Call::burn { id: id.clone(), who: to_dave.clone(), amount: 1 },
			pallet_assets::Call::force_transfer {
				id: id.clone(),
				source: to_dave.clone(),
				dest: eve_address.clone(),
				amount: 1,
			},
			pallet_assets::Call::freeze { id: id.clone(), who: to_dave.clone() },
			pallet_assets::Call::block { id: id.clone(), who: to_dave.clone() },
			pallet_assets::Call::freeze_asset { id: id.clone() },
			pallet_assets::Call::start_destroy { id: id.clone() },
			pallet_assets::Call::transfer_ownership { id: id.clone(), owner: eve_address.clone() },
			pallet_assets::Call::set_team {
				id: id.clone(),
				issuer: eve_address.clone(),
				admin: eve_address.clone(),
				freezer: eve_address,
			},
			pallet_assets::Call::refund { id: id.clone(), allow_burn: true },
		];
		for call in refused_calls {
			let call = RuntimeCall::ForeignAssets(call);
			for origin in [owner.clone(), RuntimeOrigin::signed(dave.clone())] {
				let refused = call.clone().dispatch(origin).map_err(|error| error.error);
				assert_eq!(
					refused,
					Err(polkadot_sdk::frame_system::Error::<Runtime>::CallFiltered.into()),
					"{call:?}"
				);
			}
		}
		assert_eq!(derivative_balance(&dave), held);
		assert_eq!(ForeignAssets::total_issuance(token_location()), issuance);
		// A signed account can neither create nor force-create one.
		let other = v5::Location::new(1, [v5::Junction::Parachain(PARA + 5)]);
		let signed = RuntimeOrigin::signed(dave.clone());
		assert_noop!(
			ForeignAssets::create(signed.clone(), other.clone(), to_dave.clone(), 1),
			DispatchError::BadOrigin
		);
		assert_noop!(
			ForeignAssets::force_create(signed, other.clone(), to_dave, true, 1),
			DispatchError::BadOrigin
		);
		assert!(!ForeignAssets::asset_exists(other));
		// Holders move them freely on the hub.
		let eve = account(Sr25519Keyring::Eve);
		let transfer = RuntimeCall::ForeignAssets(pallet_assets::Call::transfer {
			id: token_location(),
			target: polkadot_sdk::sp_runtime::MultiAddress::Id(eve.clone()),
			amount: 5 * FUSE,
		});
		assert!(transfer.get_dispatch_info().call_weight.ref_time() > 0);
		assert_ok!(transfer.dispatch_bypass_filter(RuntimeOrigin::signed(dave)));
		assert_eq!(derivative_balance(&eve), 5 * FUSE);
		assert!(Balances::balance(&eve) > 0);
	});
}

#[test]
fn a_foreign_asset_leaves_only_while_its_reserve_is_active() {
	externalities().execute_with(|| {
		setup();
		let dave = account(Sr25519Keyring::Dave);
		assert_ok!(execute_from(para(), arrival(SENT, &dave)).ensure_complete());
		assert_ok!(ChainRegistry::suspend_chain(RuntimeOrigin::root(), PEER));
		// Its reserve is not trusted now: pallet-xcm cannot name one.
		assert_noop!(send_back(FUSE), pallet_xcm::Error::<Runtime>::InvalidAssetUnknownReserve);
		assert_ok!(ChainRegistry::resume_chain(RuntimeOrigin::root(), PEER));
		let before = derivative_balance(&dave);
		assert_ok!(send_back(FUSE));
		assert_eq!(derivative_balance(&dave), before - FUSE);
	});
}

#[test]
fn xcm_fees_are_quoted_in_a_sufficient_foreign_asset_at_its_declared_ratio() {
	use fusion_hub_runtime::WeightToFee;
	use polkadot_sdk::{
		frame_support::weights::WeightToFee as _, staging_xcm::VersionedAssetId,
		xcm_runtime_apis::fees::runtime_decl_for_xcm_payment_api::XcmPaymentApiV2,
	};
	externalities().execute_with(|| {
		setup();
		assert_eq!(
			Runtime::query_acceptable_payment_assets(5),
			Ok(vec![
				VersionedAssetId::from(AssetId(Location::here())),
				VersionedAssetId::from(AssetId(para())),
			])
		);
		let quote = |weight| {
			Runtime::query_weight_to_asset_fee(weight, VersionedAssetId::from(AssetId(para())))
		};
		// `MIN_BALANCE` is ten existential deposits of FUSE: ten times the FUSE fee...
		let weight = Weight::from_parts(1_000_000_000_000, 64 * 1024);
		assert!(10 * WeightToFee::weight_to_fee(&weight) > MIN_BALANCE);
		assert_eq!(quote(weight), Ok(10 * WeightToFee::weight_to_fee(&weight)));
		// ...and never less than `MIN_BALANCE`, so that the fee never leaves dust.
		let weight = Weight::from_parts(3_000_000_000, 64 * 1024);
		assert!(10 * WeightToFee::weight_to_fee(&weight) < MIN_BALANCE);
		assert_eq!(quote(weight), Ok(MIN_BALANCE));
	});
}
