//! Runtime tests: genesis presets build, balances move, the council governs.

use fusion_hub_runtime::{
	genesis_config_presets::{
		dev_council, get_preset, preset_names, ENDOWMENT, PRESET_LOCAL_TESTNET,
	},
	AccountId, Balances, Council, CouncilMembership, ParachainInfo, Runtime, RuntimeCall,
	RuntimeEvent, RuntimeOrigin, System, PARACHAIN_ID,
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::fungible::Inspect},
	sp_genesis_builder::DEV_RUNTIME_PRESET,
	sp_keyring::Sr25519Keyring,
	sp_runtime::{DispatchError, TokenError},
	*,
};

mod common;
use common::externalities;

fn account(k: Sr25519Keyring) -> AccountId {
	k.to_account_id()
}

#[test]
fn both_presets_are_listed_and_unknown_ones_are_not() {
	let names = preset_names();
	assert_eq!(names, vec![DEV_RUNTIME_PRESET.to_string(), PRESET_LOCAL_TESTNET.to_string()]);
	assert!(get_preset(&"mainnet".to_string()).is_none());
}

#[test]
fn development_genesis_builds_with_sudo_council_and_collators() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(u32::from(ParachainInfo::parachain_id()), PARACHAIN_ID);
		assert_eq!(Balances::balance(&account(Sr25519Keyring::Alice)), ENDOWMENT);
		assert_eq!(Balances::balance(&account(Sr25519Keyring::Ferdie)), ENDOWMENT);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(account(Sr25519Keyring::Alice)));
		let mut council = dev_council();
		council.sort();
		assert_eq!(
			pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get(),
			council
		);
		assert_eq!(
			pallet_collator_selection::Invulnerables::<Runtime>::get().len(),
			2,
			"Alice and Bob collate"
		);
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 2);
	});
}

#[test]
fn local_testnet_genesis_builds_without_sudo() {
	externalities(PRESET_LOCAL_TESTNET).execute_with(|| {
		assert_eq!(u32::from(ParachainInfo::parachain_id()), PARACHAIN_ID);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), None);
		assert_eq!(
			pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get().len(),
			3
		);
		assert_eq!(Balances::balance(&account(Sr25519Keyring::Bob)), ENDOWMENT);
	});
}

#[test]
fn transfer_moves_balance_and_emits_event() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		let (alice, bob) = (account(Sr25519Keyring::Alice), account(Sr25519Keyring::Bob));
		let amount = 1_234 * fusion_hub_runtime::FUSE;
		assert_ok!(Balances::transfer_keep_alive(
			RuntimeOrigin::signed(alice.clone()),
			bob.clone().into(),
			amount
		));
		assert_eq!(Balances::balance(&alice), ENDOWMENT - amount);
		assert_eq!(Balances::balance(&bob), ENDOWMENT + amount);
		System::assert_last_event(RuntimeEvent::Balances(pallet_balances::Event::Transfer {
			from: alice,
			to: bob,
			amount,
		}));
	});
}

#[test]
fn transfer_beyond_balance_fails_and_moves_nothing() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		let (alice, bob) = (account(Sr25519Keyring::Alice), account(Sr25519Keyring::Bob));
		assert_noop!(
			Balances::transfer_keep_alive(RuntimeOrigin::signed(alice), bob.into(), ENDOWMENT + 1),
			DispatchError::Token(TokenError::FundsUnavailable)
		);
	});
}

#[test]
fn council_membership_is_governed_not_signed() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		let dave = account(Sr25519Keyring::Dave);
		assert_noop!(
			CouncilMembership::add_member(
				RuntimeOrigin::signed(account(Sr25519Keyring::Alice)),
				dave.clone().into()
			),
			DispatchError::BadOrigin
		);
	});
}

/// Proposes `call` to the Council with `threshold`; returns the motion's hash, index and length.
/// A threshold below 2 executes the call at once, with the proposer alone as the origin.
fn propose(
	proposer: Sr25519Keyring,
	threshold: u32,
	call: RuntimeCall,
) -> (fusion_hub_runtime::Hash, u32, u32) {
	use polkadot_sdk::sp_runtime::traits::Hash as _;
	let length = codec::Encode::encoded_size(&call) as u32;
	let hash = <Runtime as frame_system::Config>::Hashing::hash_of(&call);
	let index = pallet_collective::ProposalCount::<Runtime, pallet_collective::Instance1>::get();
	assert_ok!(Council::propose(
		RuntimeOrigin::signed(account(proposer)),
		threshold,
		Box::new(call),
		length
	));
	(hash, index, length)
}

/// Closes motion `index` with `hash`, signed by Alice.
fn close(
	hash: fusion_hub_runtime::Hash,
	index: u32,
	length: u32,
) -> polkadot_sdk::frame_support::dispatch::DispatchResultWithPostInfo {
	Council::close(
		RuntimeOrigin::signed(account(Sr25519Keyring::Alice)),
		hash,
		index,
		polkadot_sdk::frame_support::weights::Weight::MAX,
		length,
	)
}

#[test]
fn council_motion_with_two_of_three_ayes_adds_a_member() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		let (alice, bob, dave) = (
			account(Sr25519Keyring::Alice),
			account(Sr25519Keyring::Bob),
			account(Sr25519Keyring::Dave),
		);
		let proposal = RuntimeCall::CouncilMembership(pallet_membership::Call::add_member {
			who: dave.clone().into(),
		});
		let (hash, index, length) = propose(Sr25519Keyring::Alice, 2, proposal);
		// `propose` records no vote: Alice and Bob vote aye, two of three.
		assert_ok!(Council::vote(RuntimeOrigin::signed(alice), hash, index, true));
		assert_ok!(Council::vote(RuntimeOrigin::signed(bob), hash, index, true));
		assert_ok!(close(hash, index, length));
		assert!(pallet_membership::Members::<Runtime, pallet_membership::Instance1>::get()
			.contains(&dave));
		assert!(pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get()
			.contains(&dave));
	});
}

#[test]
fn council_motion_with_one_aye_stays_open() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		let (alice, dave) = (account(Sr25519Keyring::Alice), account(Sr25519Keyring::Dave));
		let proposal = RuntimeCall::CouncilMembership(pallet_membership::Call::add_member {
			who: dave.clone().into(),
		});
		let (hash, index, length) = propose(Sr25519Keyring::Alice, 2, proposal);
		assert_ok!(Council::vote(RuntimeOrigin::signed(alice), hash, index, true));
		assert_noop!(
			close(hash, index, length),
			pallet_collective::Error::<Runtime, pallet_collective::Instance1>::TooEarly
		);
		assert!(!pallet_membership::Members::<Runtime, pallet_membership::Instance1>::get()
			.contains(&dave));
	});
}

#[test]
fn metadata_v15_and_v16_are_served() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		let versions = Runtime::metadata_versions();
		assert!(versions.contains(&15), "Polkadot.js needs metadata v15: {versions:?}");
		assert!(versions.contains(&16), "metadata v16: {versions:?}");
		assert!(Runtime::metadata_at_version(15).is_some());
	});
}

mod chain_registry {
	use super::*;
	use fusion_hub_primitives::{
		ChainKind, ChainStatus, CommitteeConfig, CommitteeKey, VerifierConfig,
	};
	use fusion_hub_runtime::ChainRegistry;
	use polkadot_sdk::{frame_support::traits::fungible::InspectHold, sp_core::H160};

	const CHAIN: u32 = 7;

	fn apply(operator: &AccountId) {
		let members = vec![
			CommitteeKey::Ecdsa(H160::repeat_byte(1)),
			CommitteeKey::Ecdsa(H160::repeat_byte(2)),
			CommitteeKey::Ecdsa(H160::repeat_byte(3)),
		];
		let verifier = VerifierConfig::Committee(CommitteeConfig {
			members: members.try_into().unwrap(),
			threshold: 3,
			set_id: 0,
		});
		assert_ok!(ChainRegistry::propose_chain(
			RuntimeOrigin::signed(operator.clone()),
			CHAIN,
			b"Acme EVM".to_vec().try_into().unwrap(),
			ChainKind::EvmChain { chain_id: 1, gateway: H160::repeat_byte(0x9a) },
			verifier,
		));
	}

	/// Proposes `approve_chain(CHAIN)` as a council motion with the ayes of `ayes`, then closes it.
	fn approval_motion(
		ayes: &[Sr25519Keyring],
	) -> polkadot_sdk::frame_support::dispatch::DispatchResultWithPostInfo {
		let proposal = RuntimeCall::ChainRegistry(pallet_chain_registry::Call::approve_chain {
			chain_id: CHAIN,
		});
		let (hash, index, length) = propose(Sr25519Keyring::Alice, 2, proposal);
		for voter in ayes {
			assert_ok!(Council::vote(RuntimeOrigin::signed(account(*voter)), hash, index, true));
		}
		close(hash, index, length)
	}

	#[test]
	fn a_council_motion_with_two_of_three_ayes_approves_a_chain() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			let dave = account(Sr25519Keyring::Dave);
			apply(&dave);
			let deposit =
				fusion_hub_runtime::configs::chain_registry::ChainApplicationDeposit::get();
			assert_eq!(
				Balances::balance_on_hold(
					&fusion_hub_runtime::RuntimeHoldReason::ChainRegistry(
						pallet_chain_registry::HoldReason::ChainDeposit
					),
					&dave
				),
				deposit
			);
			assert_ok!(approval_motion(&[Sr25519Keyring::Alice, Sr25519Keyring::Bob]));
			assert_eq!(ChainRegistry::chain(CHAIN).unwrap().status, ChainStatus::Active);
		});
	}

	#[test]
	fn a_motion_without_a_majority_leaves_the_chain_proposed() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			apply(&account(Sr25519Keyring::Dave));
			// One aye of three: the motion cannot be closed before its end.
			polkadot_sdk::frame_support::assert_err!(
				approval_motion(&[Sr25519Keyring::Alice]).map_err(|e| e.error),
				pallet_collective::Error::<Runtime, pallet_collective::Instance1>::TooEarly
			);
			// Bob and Charlie vote nay: the motion is disapproved when closed.
			let hash =
				pallet_collective::Proposals::<Runtime, pallet_collective::Instance1>::get()[0];
			for nay in [Sr25519Keyring::Bob, Sr25519Keyring::Charlie] {
				assert_ok!(Council::vote(RuntimeOrigin::signed(account(nay)), hash, 0, false));
			}
			assert_ok!(Council::close(
				RuntimeOrigin::signed(account(Sr25519Keyring::Alice)),
				hash,
				0,
				polkadot_sdk::frame_support::weights::Weight::MAX,
				100
			));
			System::assert_has_event(RuntimeEvent::Council(
				pallet_collective::Event::Disapproved { proposal_hash: hash },
			));
			assert_eq!(ChainRegistry::chain(CHAIN).unwrap().status, ChainStatus::Proposed);
		});
	}

	#[test]
	fn a_chain_with_pending_messages_retires_only_after_they_complete() {
		use fusion_hub_primitives::{message::Timeout, ReceiptOutcome, HUB_CHAIN_ID};
		use fusion_hub_runtime::CrossChainMessages;
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			apply(&account(Sr25519Keyring::Dave));
			assert_ok!(ChainRegistry::approve_chain(RuntimeOrigin::root(), CHAIN));
			// The hub's time (set directly: Aura checks the slot of a timestamp inherent).
			polkadot_sdk::pallet_timestamp::Now::<Runtime>::put(1_000_000);
			assert_ok!(CrossChainMessages::send_data(
				RuntimeOrigin::signed(account(Sr25519Keyring::Eve)),
				CHAIN,
				b"price=42".to_vec().try_into().unwrap(),
				Timeout { height: 0, timestamp: 1_060_000 },
				0,
			));
			assert_noop!(
				ChainRegistry::retire_chain(RuntimeOrigin::root(), CHAIN),
				pallet_chain_registry::Error::<Runtime>::ChainInUse
			);
			// Governance completes it only once the chain is no longer active.
			let force = || {
				CrossChainMessages::force_complete_message(
					RuntimeOrigin::root(),
					HUB_CHAIN_ID,
					CHAIN,
					1,
					ReceiptOutcome::Failed,
				)
			};
			assert_noop!(
				force(),
				pallet_cross_chain_messages::Error::<Runtime>::DestinationStillActive
			);
			assert_ok!(ChainRegistry::suspend_chain(RuntimeOrigin::root(), CHAIN));
			assert_ok!(force());
			assert_ok!(ChainRegistry::retire_chain(RuntimeOrigin::root(), CHAIN));
			assert_eq!(ChainRegistry::chain(CHAIN).unwrap().status, ChainStatus::Retired);
		});
	}

	/// A block takes thousands of leaves for one destination, its root is the tree of all of
	/// them, and a send that would not fit is held back before inclusion (`ExhaustsResources`
	/// from the runtime's transaction extension), not included to fail.
	#[test]
	fn a_block_commits_thousands_of_leaves_and_holds_back_what_does_not_fit() {
		use fusion_hub_primitives::{merkle, message::Timeout};
		use fusion_hub_runtime::{configs::messages::HubCommitmentNeeds, CrossChainMessages};
		use pallet_cross_chain_messages::{CheckOutboundCapacity, OutboundLeaves, OutboundRoots};
		use polkadot_sdk::{
			frame_support::{
				dispatch::GetDispatchInfo,
				traits::{Get, Hooks},
			},
			sp_core::H256,
			sp_runtime::{
				traits::{DispatchTransaction, Dispatchable},
				transaction_validity::{
					InvalidTransaction, TransactionSource, TransactionValidityError,
				},
			},
		};
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			apply(&account(Sr25519Keyring::Dave));
			assert_ok!(ChainRegistry::approve_chain(RuntimeOrigin::root(), CHAIN));
			System::set_block_number(2);
			polkadot_sdk::pallet_timestamp::Now::<Runtime>::put(1_000_000);
			let eve = account(Sr25519Keyring::Eve);
			let send =
				RuntimeCall::CrossChainMessages(pallet_cross_chain_messages::Call::send_data {
					destination: CHAIN,
					payload: b"price=42".to_vec().try_into().unwrap(),
					timeout: Timeout { height: 0, timestamp: 1_060_000 },
					fee: 0,
				});
			let check = |call: &RuntimeCall| {
				CheckOutboundCapacity::<Runtime, HubCommitmentNeeds>::new()
					.validate_only(
						RuntimeOrigin::signed(eve.clone()),
						call,
						&call.get_dispatch_info(),
						0,
						TransactionSource::InBlock,
						0,
					)
					.map(|_| ())
			};
			let hub_share: u32 =
				<Runtime as pallet_cross_chain_messages::Config>::MaxSendLeavesPerBlock::get();
			assert!(hub_share >= 3_000, "thousands of leaves per destination and block");
			for _ in 0..hub_share {
				assert_eq!(check(&send), Ok(()));
				assert_ok!(send.clone().dispatch(RuntimeOrigin::signed(eve.clone())));
			}
			// Full: the block builder leaves the next send in the pool; a transfer still fits.
			assert_eq!(
				check(&send),
				Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources))
			);
			let transfer = RuntimeCall::AssetLock(pallet_asset_lock::Call::transfer_out {
				token: fusion_hub_primitives::message::TokenRef::HUB_NATIVE,
				amount: 1,
				destination: CHAIN,
				beneficiary: H256::repeat_byte(1),
				timeout: Timeout { height: 0, timestamp: 1_060_000 },
				fee: 0,
			});
			assert_eq!(
				check(&transfer),
				Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources))
			);
			let balance = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
				dest: account(Sr25519Keyring::Ferdie).into(),
				value: fusion_hub_runtime::FUSE,
			});
			assert_eq!(check(&balance), Ok(()));

			CrossChainMessages::on_finalize(2);
			let leaves = OutboundLeaves::<Runtime>::get(CHAIN, 2);
			assert_eq!(leaves.len() as u32, hub_share);
			assert_eq!(
				OutboundRoots::<Runtime>::get(CHAIN, 2),
				merkle::keccak_merkle_root(&leaves)
			);
			System::set_block_number(3);
			assert_eq!(check(&send), Ok(()));
		});
	}

	/// A DvP settlement through the runtime's real messenger and books: the sign-up of a peer
	/// party arrives as an app-3 message, `advance` is reserved room by the pool's capacity check
	/// and queues the prepare order in the hub's outbound commitment, and the order's
	/// `Delivered` outcome commits; the next `advance` pays the hub leg and queues the commit.
	#[test]
	fn a_settlement_prepares_through_the_messenger_and_commits_on_the_peers_proven_lock() {
		use fusion_hub_primitives::{
			message::{account_to_bytes32, Message, Timeout, TokenRef, HUB_CHAIN_ID},
			settlement::{
				terms_hash, Leg, LegState, OrderKind, Phase, SettlementOrder, SignUp,
				SETTLEMENT_APP,
			},
			MessageHandler,
		};
		use fusion_hub_runtime::{
			configs::messages::{HubApplications, HubCommitmentNeeds},
			Settlement,
		};
		use pallet_cross_chain_messages::{CheckOutboundCapacity, PendingMessages};
		use polkadot_sdk::{
			frame_support::dispatch::GetDispatchInfo,
			sp_core::H256,
			sp_runtime::{
				traits::{DispatchTransaction, Dispatchable},
				transaction_validity::TransactionSource,
			},
		};
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			apply(&account(Sr25519Keyring::Dave));
			assert_ok!(ChainRegistry::approve_chain(RuntimeOrigin::root(), CHAIN));
			System::set_block_number(2);
			polkadot_sdk::pallet_timestamp::Now::<Runtime>::put(1_000_000);
			let (buyer, seller) = (account(Sr25519Keyring::Ferdie), account(Sr25519Keyring::Eve));
			let id = H256::repeat_byte(0x61);
			let price = 5 * fusion_hub_runtime::FUSE;
			let legs = [
				Leg {
					chain: CHAIN,
					token: TokenRef { home: CHAIN, id: H256::repeat_byte(0xee) },
					from: H256::repeat_byte(0xaa),
					to: H256::repeat_byte(0xbb),
					amount: 250,
				},
				Leg {
					chain: HUB_CHAIN_ID,
					token: TokenRef::HUB_NATIVE,
					from: account_to_bytes32(&buyer),
					to: account_to_bytes32(&seller),
					amount: price,
				},
			];
			let deadline = 1_000_000 + 60_000;
			assert_ok!(Settlement::propose(
				RuntimeOrigin::signed(seller.clone()),
				id,
				legs.to_vec().try_into().unwrap(),
				deadline
			));
			let terms = terms_hash(&id, deadline, &legs);
			let sign_up = Message {
				source: CHAIN,
				destination: HUB_CHAIN_ID,
				nonce: 1,
				sender: H256::repeat_byte(0xaa),
				app_id: SETTLEMENT_APP,
				payload: SignUp { id, terms }.abi_encode().try_into().unwrap(),
				timeout: Timeout { height: 0, timestamp: deadline },
				fee: 0,
			};
			assert_ok!(HubApplications::on_receive(&sign_up));
			assert_ok!(Settlement::sign_up(RuntimeOrigin::signed(buyer.clone()), id, terms));
			let advance = RuntimeCall::Settlement(pallet_settlement::Call::advance { id, fee: 0 });
			let room = CheckOutboundCapacity::<Runtime, HubCommitmentNeeds>::new().validate_only(
				RuntimeOrigin::signed(seller.clone()),
				&advance,
				&advance.get_dispatch_info(),
				0,
				TransactionSource::External,
				0,
			);
			assert!(room.is_ok());
			assert_ok!(advance.dispatch(RuntimeOrigin::signed(seller.clone())));
			let nonce = Settlement::settlement_view(id).unwrap().legs[0].prepare_nonce.unwrap();
			let prepare = PendingMessages::<Runtime>::get((HUB_CHAIN_ID, CHAIN, nonce))
				.expect("queued for the peer")
				.message;
			assert_eq!(
				SettlementOrder::abi_decode(&prepare.payload),
				Some(SettlementOrder::new(OrderKind::Prepare, id, 0, &legs[0], terms))
			);
			assert_eq!(prepare.timeout, Timeout { height: 0, timestamp: deadline });

			assert_ok!(HubApplications::on_outcome(&prepare, true, 2));
			let view = Settlement::settlement_view(id).unwrap();
			assert_eq!(view.phase, Phase::Committed);
			assert_eq!(view.legs[0].state, LegState::DecisionDue);
			// The next advance pays the seller on the hub and queues the commit for the peer.
			let seller_before = Balances::free_balance(&seller);
			let advance = RuntimeCall::Settlement(pallet_settlement::Call::advance { id, fee: 0 });
			assert_ok!(advance.dispatch(RuntimeOrigin::signed(buyer.clone())));
			assert_eq!(Balances::free_balance(&seller), seller_before + price);
			let commit = PendingMessages::<Runtime>::get((HUB_CHAIN_ID, CHAIN, nonce + 1))
				.expect("the commit order queued")
				.message;
			assert_eq!(
				SettlementOrder::abi_decode(&commit.payload),
				Some(SettlementOrder::new(OrderKind::Commit, id, 0, &legs[0], terms))
			);
			// A peer may not order another through the hub.
			let routed = Message { source: CHAIN, destination: 8, ..prepare };
			assert!(HubApplications::on_route(&routed).is_err());
		});
	}

	#[test]
	fn a_signed_account_cannot_approve_directly() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			apply(&account(Sr25519Keyring::Dave));
			assert_noop!(
				ChainRegistry::approve_chain(
					RuntimeOrigin::signed(account(Sr25519Keyring::Eve)),
					CHAIN
				),
				DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn a_third_of_the_council_may_suspend_but_not_approve() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			apply(&account(Sr25519Keyring::Dave));
			assert_ok!(approval_motion(&[Sr25519Keyring::Alice, Sr25519Keyring::Bob]));
			// One member of three is the emergency origin: a motion of threshold 1 executes at once.
			propose(
				Sr25519Keyring::Charlie,
				1,
				RuntimeCall::ChainRegistry(pallet_chain_registry::Call::suspend_chain {
					chain_id: CHAIN,
				}),
			);
			assert_eq!(ChainRegistry::chain(CHAIN).unwrap().status, ChainStatus::Suspended);
			// The same single member cannot resume it: that needs a majority.
			let (resume_hash, _, _) = propose(
				Sr25519Keyring::Charlie,
				1,
				RuntimeCall::ChainRegistry(pallet_chain_registry::Call::resume_chain {
					chain_id: CHAIN,
				}),
			);
			System::assert_last_event(RuntimeEvent::Council(pallet_collective::Event::Executed {
				proposal_hash: resume_hash,
				result: Err(DispatchError::BadOrigin),
			}));
			assert_eq!(ChainRegistry::chain(CHAIN).unwrap().status, ChainStatus::Suspended);
		});
	}
}

mod proof_verifier {
	use super::*;
	use fusion_hub_primitives::{
		attestation::{handover_payload, header_payload, CommitteeSignature, MemberSignature},
		Attestation, AttestedHeader, ChainKind, ChainStatus, CommitteeConfig, CommitteeHandover,
		CommitteeKey, HeaderUpdate, InclusionError, InclusionProof, Misbehaviour, PeerHeader,
		VerifierConfig,
	};
	use fusion_hub_runtime::{ChainRegistry, ProofVerifier};
	use polkadot_sdk::{
		sp_core::{Pair, H256},
		sp_keyring::Ed25519Keyring,
	};

	const CHAIN: u32 = 11;

	type Max = <Runtime as pallet_chain_registry::Config>::MaxCommitteeSize;

	/// The committee of `members` with the smallest Byzantine supermajority, `2n/3 + 1`.
	fn committee(members: &[Ed25519Keyring], set_id: u64) -> CommitteeConfig<Max> {
		CommitteeConfig {
			members: members
				.iter()
				.map(|m| CommitteeKey::Ed25519(m.public()))
				.collect::<Vec<_>>()
				.try_into()
				.unwrap(),
			threshold: members.len() as u32 * 2 / 3 + 1,
			set_id,
		}
	}

	/// Alice, Bob and Charlie: three of the admitted committee's four, its threshold.
	const QUORUM: [Ed25519Keyring; 3] =
		[Ed25519Keyring::Alice, Ed25519Keyring::Bob, Ed25519Keyring::Charlie];

	fn attest(signers: &[Ed25519Keyring], payload: &[u8]) -> Attestation<Max> {
		let signatures: Vec<MemberSignature> = signers
			.iter()
			.map(|m| MemberSignature {
				signer: CommitteeKey::Ed25519(m.public()),
				signature: CommitteeSignature::Ed25519(m.pair().sign(payload)),
			})
			.collect();
		Attestation { signatures: signatures.try_into().unwrap() }
	}

	fn header(number: u32, fork: u8) -> PeerHeader {
		PeerHeader {
			number,
			hash: H256::repeat_byte(fork),
			state_root: H256::repeat_byte(2),
			message_root: fusion_hub_primitives::merkle::keccak_merkle_root(&[
				H256::repeat_byte(7),
				H256::repeat_byte(8),
			])
			.unwrap(),
			timestamp: 1_700_000_000_000,
		}
	}

	fn attested(
		number: u32,
		fork: u8,
		set_id: u64,
		signers: &[Ed25519Keyring],
	) -> AttestedHeader<Max> {
		let header = header(number, fork);
		AttestedHeader {
			header,
			attestation: attest(signers, &header_payload(CHAIN, set_id, &header)),
		}
	}

	fn relayer() -> RuntimeOrigin {
		RuntimeOrigin::signed(account(Sr25519Keyring::Ferdie))
	}

	/// //Ferdie relays header `number` (fork 1) attested by `signers` for committee `set_id`.
	fn submit(
		number: u32,
		set_id: u64,
		signers: &[Ed25519Keyring],
	) -> polkadot_sdk::sp_runtime::DispatchResult {
		ProofVerifier::submit_header(
			relayer(),
			CHAIN,
			HeaderUpdate::Committee(attested(number, 1, set_id, signers)),
		)
	}

	/// Dave applies for CHAIN with a 3-of-4 ed25519 committee (Alice, Bob, Charlie, Dave); the
	/// Council approves it.
	fn admit() {
		assert_ok!(ChainRegistry::propose_chain(
			RuntimeOrigin::signed(account(Sr25519Keyring::Dave)),
			CHAIN,
			b"Notary ledger".to_vec().try_into().unwrap(),
			ChainKind::PermissionedLedger {
				platform: fusion_hub_primitives::LedgerPlatform::Fabric
			},
			VerifierConfig::Committee(committee(
				&[
					Ed25519Keyring::Alice,
					Ed25519Keyring::Bob,
					Ed25519Keyring::Charlie,
					Ed25519Keyring::Dave
				],
				0
			)),
		));
		majority_motion(pallet_chain_registry::Call::approve_chain { chain_id: CHAIN });
		assert_eq!(ChainRegistry::chain(CHAIN).unwrap().status, ChainStatus::Active);
	}

	/// Passes `call` by a council motion with the ayes of Alice and Bob.
	fn majority_motion(call: pallet_chain_registry::Call<Runtime>) {
		let (hash, index, length) =
			propose(Sr25519Keyring::Alice, 2, RuntimeCall::ChainRegistry(call));
		for voter in [Sr25519Keyring::Alice, Sr25519Keyring::Bob] {
			assert_ok!(Council::vote(RuntimeOrigin::signed(account(voter)), hash, index, true));
		}
		assert_ok!(close(hash, index, length));
	}

	#[test]
	fn an_admitted_chain_is_followed_and_its_proofs_checked() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			// Before admission, the chain takes nothing.
			let signers = QUORUM;
			assert_noop!(
				submit(5, 0, &signers),
				pallet_proof_verifier::Error::<Runtime>::UnknownChain
			);
			admit();
			assert_ok!(submit(5, 0, &signers));
			assert_eq!(ProofVerifier::latest_header(CHAIN).map(|h| h.number), Some(5));

			// The runtime API answers as the messaging pallet will.
			let proof = |leaf: u8| InclusionProof::KeccakMerkle {
				leaf: H256::repeat_byte(leaf),
				proof: vec![H256::repeat_byte(if leaf == 7 { 8 } else { 7 })].try_into().unwrap(),
			};
			use fusion_hub_primitives::runtime_api::runtime_decl_for_proof_verifier_api::ProofVerifierApiV1;
			assert_eq!(
				<Runtime as ProofVerifierApiV1<fusion_hub_runtime::Block>>::verify_inclusion(
					CHAIN,
					5,
					proof(7)
				),
				Ok(())
			);
			assert_eq!(
				<Runtime as ProofVerifierApiV1<fusion_hub_runtime::Block>>::verify_inclusion(
					CHAIN,
					5,
					proof(9)
				),
				Err(InclusionError::NotIncluded)
			);
			assert_eq!(
				<Runtime as ProofVerifierApiV1<fusion_hub_runtime::Block>>::verify_inclusion(
					CHAIN,
					6,
					proof(7)
				),
				Err(InclusionError::UnknownHeader)
			);
		});
	}

	#[test]
	fn a_handover_is_recorded_in_the_registry() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			admit();
			let next =
				committee(&[Ed25519Keyring::Dave, Ed25519Keyring::Eve, Ed25519Keyring::Ferdie], 1);
			let attestation = attest(&QUORUM, &handover_payload(CHAIN, 0, &next));
			assert_ok!(ProofVerifier::rotate_committee(
				relayer(),
				CHAIN,
				CommitteeHandover { next: next.clone(), attestation }
			));
			assert_eq!(
				ChainRegistry::chain(CHAIN).unwrap().verifier,
				VerifierConfig::Committee(next)
			);
			System::assert_has_event(RuntimeEvent::ChainRegistry(
				pallet_chain_registry::Event::VerifierRotated { chain_id: CHAIN },
			));
			// The old committee is out.
			assert_noop!(
				submit(5, 1, &QUORUM),
				pallet_proof_verifier::Error::<Runtime>::UnknownSigner
			);
			assert_ok!(submit(
				5,
				1,
				&[Ed25519Keyring::Dave, Ed25519Keyring::Eve, Ed25519Keyring::Ferdie]
			));
		});
	}

	#[test]
	fn misbehaviour_freezes_the_chain_until_the_council_resumes_it() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			admit();
			let ferdie = account(Sr25519Keyring::Ferdie);
			let free_before = Balances::balance(&ferdie);
			let post = ProofVerifier::report_misbehaviour(
				relayer(),
				CHAIN,
				Misbehaviour::ConflictingHeaders {
					set_id: 0,
					first: attested(9, 1, 0, &QUORUM),
					second: attested(
						9,
						2,
						0,
						&[Ed25519Keyring::Bob, Ed25519Keyring::Charlie, Ed25519Keyring::Dave],
					),
				},
			)
			.unwrap();
			assert_eq!(post.pays_fee, polkadot_sdk::frame_support::dispatch::Pays::No);
			assert_eq!(Balances::balance(&ferdie), free_before);
			assert_eq!(ChainRegistry::chain(CHAIN).unwrap().status, ChainStatus::Frozen);
			System::assert_has_event(RuntimeEvent::ChainRegistry(
				pallet_chain_registry::Event::ChainFrozen {
					chain_id: CHAIN,
					from: ChainStatus::Active,
				},
			));
			assert_noop!(
				submit(10, 0, &QUORUM),
				pallet_proof_verifier::Error::<Runtime>::ChainFrozen
			);

			majority_motion(pallet_chain_registry::Call::resume_chain { chain_id: CHAIN });
			assert_eq!(ChainRegistry::chain(CHAIN).unwrap().status, ChainStatus::Active);
			assert_ok!(submit(10, 0, &QUORUM));
		});
	}

	#[test]
	fn a_forged_header_is_gone_after_the_councils_recovery() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			admit();
			// The committee's quorum signs fork 2 at height 9 (a forged message root), and a
			// relayer brings it in; the real header (fork 1) surfaces later.
			assert_ok!(ProofVerifier::submit_header(
				relayer(),
				CHAIN,
				HeaderUpdate::Committee(attested(9, 2, 0, &QUORUM)),
			));
			assert!(ProofVerifier::header(CHAIN, 9).is_some());
			assert_ok!(ProofVerifier::report_misbehaviour(
				relayer(),
				CHAIN,
				Misbehaviour::ConflictingHeaders {
					set_id: 0,
					first: attested(9, 1, 0, &QUORUM),
					second: attested(9, 2, 0, &QUORUM),
				},
			));
			assert_eq!(ProofVerifier::header(CHAIN, 9), None);

			// The documented recovery: a new committee by the Council's decree, then resume.
			let new_committee = [Ed25519Keyring::Eve, Ed25519Keyring::Ferdie, Ed25519Keyring::One];
			majority_motion(pallet_chain_registry::Call::update_verifier {
				chain_id: CHAIN,
				verifier: VerifierConfig::Committee(committee(&new_committee, 1)),
			});
			assert_eq!(
				ChainRegistry::chain(CHAIN).unwrap().verifier,
				VerifierConfig::Committee(committee(&new_committee, 1))
			);
			// Reusing a set id is refused: the old set's signatures would count again.
			assert_noop!(
				ChainRegistry::update_verifier(
					RuntimeOrigin::root(),
					CHAIN,
					VerifierConfig::Committee(committee(&QUORUM, 1)),
				),
				pallet_chain_registry::Error::<Runtime>::SetIdNotIncreased
			);
			majority_motion(pallet_chain_registry::Call::resume_chain { chain_id: CHAIN });
			// The forged header backs nothing; the new committee starts the chain again.
			assert_eq!(ProofVerifier::latest_header(CHAIN), None);
			assert_ok!(submit(9, 1, &new_committee));
			assert_eq!(ProofVerifier::header(CHAIN, 9).map(|h| h.hash), Some(H256::repeat_byte(1)));
		});
	}
}

/// The message deposits docs/protocol.md quotes: a 1-byte data record and a transfer (160-byte
/// payload) pending from the hub.
#[test]
fn message_deposits_are_the_documented_price_of_their_records() {
	use fusion_hub_primitives::message::{Message, Timeout, DATA_RECORD_APP};
	use fusion_hub_runtime::{configs::messages::MaxPayload, CrossChainMessages, MILLI_FUSE};
	use pallet_cross_chain_messages::PendingMessage;
	let pending = |payload_len: usize| PendingMessage::<AccountId, MaxPayload> {
		message: Message {
			source: 0,
			destination: 11,
			nonce: 1,
			sender: Default::default(),
			app_id: DATA_RECORD_APP,
			payload: frame_support::BoundedVec::truncate_from(vec![1; payload_len]),
			timeout: Timeout { height: 0, timestamp: 1 },
			fee: 0,
		},
		leaf: Default::default(),
		block: 1,
		payer: Some(account(Sr25519Keyring::Alice)),
		deposit: 0,
	};
	// 20 mFUSE an item, 0.1 mFUSE a byte of 167 and 327 bytes.
	assert_eq!(CrossChainMessages::deposit_for(&pending(1)), 36_700 * MILLI_FUSE / 1_000);
	assert_eq!(CrossChainMessages::deposit_for(&pending(160)), 52_700 * MILLI_FUSE / 1_000);
}

/// The Ethereum address of the secp256k1 key with secret `secret`.
fn ethereum_address_of(secret: [u8; 32]) -> sp_core::H160 {
	use polkadot_sdk::sp_core::Pair;
	let pair = sp_core::ecdsa::Pair::from_seed(&secret);
	let digest = [7u8; 32];
	let public = sp_io::crypto::secp256k1_ecdsa_recover(&pair.sign_prehashed(&digest).0, &digest)
		.ok()
		.expect("a fresh signature recovers");
	fusion_hub_primitives::attestation::ethereum_address(&public)
}

#[test]
fn development_chains_start_with_the_documented_notaries() {
	for preset in [DEV_RUNTIME_PRESET, PRESET_LOCAL_TESTNET] {
		externalities(preset).execute_with(|| {
			let set = fusion_hub_runtime::HubNotaries::current_set().expect("a genesis set");
			let mut expected: Vec<_> =
				[0x11u8, 0x22, 0x33, 0x44].map(|byte| ethereum_address_of([byte; 32])).to_vec();
			expected.sort();
			assert_eq!((set.id, set.threshold), (0, 3));
			assert_eq!(set.members.into_inner(), expected);
			assert_eq!(pallet_hub_notaries::NextSetId::<Runtime>::get(), 1);
		});
	}
}

#[test]
fn only_a_council_majority_schedules_a_notary_rotation() {
	use polkadot_sdk::sp_runtime::traits::Dispatchable;
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		let members: Vec<_> =
			[0x55u8, 0x66, 0x77, 0x88].map(|byte| ethereum_address_of([byte; 32])).to_vec();
		let call = pallet_hub_notaries::Call::<Runtime>::schedule_rotation {
			threshold: 3,
			members: members.clone().try_into().unwrap(),
		};
		assert_noop!(
			RuntimeCall::HubNotaries(call.clone())
				.dispatch(RuntimeOrigin::signed(account(Sr25519Keyring::Alice))),
			DispatchError::BadOrigin
		);
		let (hash, index, length) =
			propose(Sr25519Keyring::Alice, 2, RuntimeCall::HubNotaries(call));
		assert_ok!(Council::vote(
			RuntimeOrigin::signed(account(Sr25519Keyring::Alice)),
			hash,
			index,
			true
		));
		assert_ok!(Council::vote(
			RuntimeOrigin::signed(account(Sr25519Keyring::Bob)),
			hash,
			index,
			true
		));
		assert_ok!(close(hash, index, length));
		let scheduled = fusion_hub_runtime::HubNotaries::scheduled_set().expect("scheduled");
		assert_eq!(scheduled.id, 1);
		assert_eq!(scheduled.members.len(), 4);
	});
}
