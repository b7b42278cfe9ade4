//! A runtime with System, Balances, Timestamp and the messaging pallet over an in-memory
//! registry and verifier (real inclusion checks against headers the tests set), with a test
//! application that records what it is called with and fails on demand.

use crate as pallet_cross_chain_messages;
use crate::{DataRecordApp, MessageOf};
use fusion_hub_primitives::{
	merkle::{keccak_merkle_proof, keccak_merkle_root},
	message::{AppId, Message, Timeout, DATA_RECORD_APP},
	ChainId, ChainKind, ChainRegistry, ChainStatus, ChannelState, ChannelStateProof,
	InclusionError, InclusionProof, LedgerPlatform, MessageHandler, ProofUse, Receipt,
	ReceiptOutcome, VerifiedHeader, VerifierConfig, VerifyInclusion,
};
use polkadot_sdk::{
	frame_support::{
		derive_impl, ord_parameter_types, parameter_types,
		traits::{ConstU32, ConstU64, Hooks},
		weights::Weight,
		BoundedVec, PalletId,
	},
	sp_core::H256,
	sp_io,
	sp_runtime::{BuildStorage, DispatchResult, TokenError},
	*,
};
use std::{cell::RefCell, collections::BTreeMap};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Timestamp: pallet_timestamp,
		Messages: pallet_cross_chain_messages,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u128>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = u128;
	type AccountStore = System;
	type ExistentialDeposit = ConstU128<ED>;
}

impl pallet_timestamp::Config for Test {
	type Moment = u64;
	type OnTimestampSet = ();
	type MinimumPeriod = ConstU64<1>;
	type WeightInfo = ();
}

use polkadot_sdk::frame_support::traits::ConstU128;

/// Existential deposit.
pub const ED: u128 = 10;
/// What accounts 1 to 4 hold at genesis.
pub const INITIAL_BALANCE: u128 = 1_000_000;
/// Largest payload.
pub const MAX_PAYLOAD: u32 = 64;
/// Leaves per destination per block.
pub const MAX_LEAVES: u32 = 4;
/// Destinations per block.
pub const MAX_DESTINATIONS: u32 = 3;
/// Pending messages per destination.
pub const MAX_PENDING: u32 = 5;
/// The hub's senders' shares: pending messages per destination, leaves per destination per
/// block, destinations per block.
pub const MAX_PENDING_SENDS: u32 = 4;
pub const MAX_SEND_LEAVES: u32 = 3;
pub const MAX_SEND_DESTINATIONS: u32 = 2;
/// A sent message's deposit: base and per stored byte.
pub const DEPOSIT_BASE: u128 = 100;
pub const DEPOSIT_PER_BYTE: u128 = 1;
/// Senders' records kept per source.
pub const MAX_RECORDS: u32 = 2;
/// Blocks a commitment is kept.
pub const COMMITMENTS_TO_KEEP: u32 = 30;
/// Receipts kept per channel.
pub const RECEIPTS_TO_KEEP: u32 = 3;

/// Peer chains: A, B and C are active, D is suspended; A, C and D are committee ledgers
/// (channel state by committee leaf), B a Substrate chain (by storage proof); P is an active
/// parachain, F a frozen ledger.
pub const A: ChainId = 1;
pub const B: ChainId = 2;
pub const C: ChainId = 3;
pub const D: ChainId = 4;
pub const P: ChainId = 5;
pub const F: ChainId = 6;
/// The longest timestamp timeout from now, ms.
pub const MAX_TIMEOUT_MS: u64 = 100_000;
/// The governance account.
pub const GOVERNANCE: u64 = 99;
/// The test application's id.
pub const TEST_APP: AppId = 7;
/// The storage key the test application writes the nonce of the last message it took to.
pub const TEST_APP_KEY: &[u8] = b":test-app:last-nonce";

parameter_types! {
	pub const MessagesPalletId: PalletId = PalletId(*b"fh/msgs_");
}

ord_parameter_types! {
	pub const Governance: u64 = GOVERNANCE;
}

impl pallet_cross_chain_messages::Config for Test {
	type RuntimeHoldReason = RuntimeHoldReason;
	type Registry = MockRegistry;
	type Verifier = MockVerifier;
	type Applications = Applications;
	type Currency = Balances;
	type Time = Timestamp;
	type GovernanceOrigin = frame_system::EnsureSignedBy<Governance, u64>;
	type PalletId = MessagesPalletId;
	type MaxPayload = ConstU32<MAX_PAYLOAD>;
	type MaxMessagesPerCall = ConstU32<4>;
	type MaxLeavesPerBlock = ConstU32<MAX_LEAVES>;
	type MaxDestinationsPerBlock = ConstU32<MAX_DESTINATIONS>;
	type MaxPendingPerDestination = ConstU32<MAX_PENDING>;
	type MaxPendingSendsPerDestination = ConstU32<MAX_PENDING_SENDS>;
	type MaxSendLeavesPerBlock = ConstU32<MAX_SEND_LEAVES>;
	type MaxSendDestinationsPerBlock = ConstU32<MAX_SEND_DESTINATIONS>;
	type MessageDepositBase = ConstU128<DEPOSIT_BASE>;
	type MessageDepositPerByte = ConstU128<DEPOSIT_PER_BYTE>;
	type MaxRecordsPerSource = ConstU32<MAX_RECORDS>;
	type MaxTimeoutMillis = ConstU64<MAX_TIMEOUT_MS>;
	type CommitmentsToKeep = ConstU32<COMMITMENTS_TO_KEEP>;
	type ReceiptsToKeep = ConstU32<RECEIPTS_TO_KEEP>;
	type WeightInfo = ();
}

thread_local! {
	static STATUSES: RefCell<BTreeMap<ChainId, ChainStatus>> = const { RefCell::new(BTreeMap::new()) };
	static HEADERS: RefCell<BTreeMap<(ChainId, u32), VerifiedHeader>> = const { RefCell::new(BTreeMap::new()) };
	static CALLS: RefCell<Vec<AppCall>> = const { RefCell::new(Vec::new()) };
	static FAIL_APP: RefCell<bool> = const { RefCell::new(false) };
}

/// The registry, in memory: only statuses matter to the messaging pallet.
pub struct MockRegistry;

impl MockRegistry {
	pub fn set_status(chain_id: ChainId, status: ChainStatus) {
		STATUSES.with(|statuses| statuses.borrow_mut().insert(chain_id, status));
	}
}

impl ChainRegistry for MockRegistry {
	type MaxCommitteeSize = ConstU32<4>;
	type MaxGrandpaAuthorities = ConstU32<4>;

	fn status(chain_id: ChainId) -> Option<ChainStatus> {
		STATUSES.with(|statuses| statuses.borrow().get(&chain_id).copied())
	}
	fn kind(chain_id: ChainId) -> Option<ChainKind> {
		Self::status(chain_id)?;
		Some(match chain_id {
			B => ChainKind::SubstrateChain { genesis_hash: H256::repeat_byte(2) },
			P => ChainKind::PolkadotParachain { para_id: 2001 },
			_ => ChainKind::PermissionedLedger { platform: LedgerPlatform::Fabric },
		})
	}
	fn verifier(_: ChainId) -> Option<VerifierConfig<ConstU32<4>, ConstU32<4>>> {
		None
	}
	fn status_and_verifier(
		_: ChainId,
	) -> Option<(ChainStatus, VerifierConfig<ConstU32<4>, ConstU32<4>>)> {
		None
	}
	fn freeze(chain_id: ChainId) -> DispatchResult {
		Self::set_status(chain_id, ChainStatus::Frozen);
		Ok(())
	}
	fn rotate_verifier(_: ChainId, _: VerifierConfig<ConstU32<4>, ConstU32<4>>) -> DispatchResult {
		Ok(())
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn register_active_for_benchmarks(
		chain_id: ChainId,
		_: ChainKind,
		_: VerifierConfig<ConstU32<4>, ConstU32<4>>,
	) -> DispatchResult {
		Self::set_status(chain_id, ChainStatus::Active);
		Ok(())
	}
}

/// The proof verifier, in memory: headers the tests set, checked with the real proof code.
pub struct MockVerifier;

impl MockVerifier {
	/// Records a verified header of `chain_id` with these roots, without a timestamp.
	pub fn set_header(
		chain_id: ChainId,
		number: u32,
		message_root: Option<H256>,
		state_root: H256,
	) {
		Self::set_header_at(chain_id, number, message_root, state_root, None)
	}

	/// Records a verified header of `chain_id` with these roots and timestamp.
	pub fn set_header_at(
		chain_id: ChainId,
		number: u32,
		message_root: Option<H256>,
		state_root: H256,
		timestamp: Option<u64>,
	) {
		let header = VerifiedHeader {
			number,
			hash: H256::from_low_u64_be(number as u64),
			state_root,
			message_root,
			timestamp,
			set_id: 0,
		};
		HEADERS.with(|headers| headers.borrow_mut().insert((chain_id, number), header));
	}
}

impl VerifyInclusion for MockVerifier {
	fn verified_header(chain_id: ChainId, number: u32) -> Option<VerifiedHeader> {
		HEADERS.with(|headers| headers.borrow().get(&(chain_id, number)).copied())
	}

	/// The proof verifier's rule ([`ProofUse::check`]).
	fn proving_header(
		chain_id: ChainId,
		number: u32,
		purpose: ProofUse,
	) -> Result<VerifiedHeader, InclusionError> {
		purpose.check(MockRegistry::status(chain_id))?;
		Self::verified_header(chain_id, number).ok_or(InclusionError::UnknownHeader)
	}

	fn verify_channel_state(
		chain_id: ChainId,
		number: u32,
		source: ChainId,
		proof: &ChannelStateProof,
	) -> Result<ChannelState, InclusionError> {
		let header = Self::proving_header(chain_id, number, ProofUse::Completion)?;
		let kind = MockRegistry::kind(chain_id).ok_or(InclusionError::UnknownChain)?;
		proof.verify(&kind, &header, source, chain_id)
	}

	fn channel_state_weight(_: &ChannelStateProof) -> Weight {
		Weight::from_parts(2_000, 0)
	}

	fn inclusion_weight(_: &InclusionProof) -> Weight {
		Weight::from_parts(1_000, 0)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn insert_header_for_benchmarks(chain_id: ChainId, header: VerifiedHeader) {
		HEADERS.with(|headers| headers.borrow_mut().insert((chain_id, header.number), header));
	}
}

/// What the test application was called with.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum AppCall {
	Receive(ChainId, u64),
	Route(ChainId, ChainId, u64),
	Outcome(ChainId, ChainId, u64, bool),
}

/// The test application's calls so far.
pub fn app_calls() -> Vec<AppCall> {
	CALLS.with(|calls| calls.borrow().clone())
}

/// Makes the test application fail (after writing to storage, which must be rolled back).
pub fn fail_app(fail: bool) {
	FAIL_APP.with(|flag| *flag.borrow_mut() = fail);
}

/// The test application: records its calls; fails when told to, after writing a record.
pub struct TestApp;

impl TestApp {
	fn call(call: AppCall, message: &MessageOf<Test>) -> DispatchResult {
		CALLS.with(|calls| calls.borrow_mut().push(call));
		// A write the storage transaction must undo when the application fails.
		frame_support::storage::unhashed::put(TEST_APP_KEY, &message.nonce);
		if FAIL_APP.with(|flag| *flag.borrow()) {
			return Err(TokenError::FundsUnavailable.into());
		}
		Ok(())
	}
}

impl MessageHandler<ConstU32<MAX_PAYLOAD>> for TestApp {
	fn on_receive(message: &MessageOf<Test>) -> DispatchResult {
		Self::call(AppCall::Receive(message.source, message.nonce), message)
	}
	fn on_route(message: &MessageOf<Test>) -> DispatchResult {
		Self::call(AppCall::Route(message.source, message.destination, message.nonce), message)
	}
	fn on_outcome(message: &MessageOf<Test>, delivered: bool, _: u32) -> DispatchResult {
		CALLS.with(|calls| {
			calls.borrow_mut().push(AppCall::Outcome(
				message.source,
				message.destination,
				message.nonce,
				delivered,
			))
		});
		Ok(())
	}
	fn weight(_: &MessageOf<Test>) -> Weight {
		Weight::from_parts(10_000, 0)
	}
	fn outcome_weight() -> Weight {
		Weight::from_parts(10_000, 0)
	}
}

/// The router: data records, the test application, nothing else.
pub struct Applications;

impl MessageHandler<ConstU32<MAX_PAYLOAD>> for Applications {
	fn on_receive(message: &MessageOf<Test>) -> DispatchResult {
		match message.app_id {
			DATA_RECORD_APP => DataRecordApp::<Test>::on_receive(message),
			TEST_APP => TestApp::on_receive(message),
			_ => Err(crate::Error::<Test>::UnknownApplication.into()),
		}
	}
	fn on_route(message: &MessageOf<Test>) -> DispatchResult {
		match message.app_id {
			TEST_APP => TestApp::on_route(message),
			_ => Ok(()),
		}
	}
	fn on_outcome(message: &MessageOf<Test>, delivered: bool, sent_at: u32) -> DispatchResult {
		match message.app_id {
			TEST_APP => TestApp::on_outcome(message, delivered, sent_at),
			_ => Ok(()),
		}
	}
	fn weight(message: &MessageOf<Test>) -> Weight {
		match message.app_id {
			DATA_RECORD_APP => DataRecordApp::<Test>::weight(message),
			_ => TestApp::weight(message),
		}
	}
	fn outcome_weight() -> Weight {
		TestApp::outcome_weight()
	}
}

/// A message from `source` to `destination` with `nonce`, for `app_id`.
pub fn message(
	source: ChainId,
	destination: ChainId,
	nonce: u64,
	app_id: AppId,
) -> MessageOf<Test> {
	Message {
		source,
		destination,
		nonce,
		sender: H256::repeat_byte(0x5e),
		app_id,
		payload: BoundedVec::truncate_from(vec![nonce as u8; 8]),
		timeout: Timeout { height: 100, timestamp: 0 },
		fee: 0,
	}
}

/// Sets header `height` of `chain` with a keccak root over `leaves`; returns each leaf's proof.
pub fn commit_leaves(chain: ChainId, height: u32, leaves: &[H256]) -> Vec<InclusionProof> {
	MockVerifier::set_header(chain, height, keccak_merkle_root(leaves), H256::zero());
	(0..leaves.len())
		.map(|index| InclusionProof::KeccakMerkle {
			leaf: leaves[index],
			proof: BoundedVec::truncate_from(keccak_merkle_proof(leaves, index).unwrap()),
		})
		.collect()
}

/// Sets header `height` of `chain` committing to `messages`; returns them with their proofs,
/// ready for `deliver_messages`.
pub fn proven(
	chain: ChainId,
	height: u32,
	messages: Vec<MessageOf<Test>>,
) -> BoundedVec<(MessageOf<Test>, InclusionProof), ConstU32<4>> {
	let leaves: Vec<H256> = messages.iter().map(|m| m.leaf_hash()).collect();
	let proofs = commit_leaves(chain, height, &leaves);
	BoundedVec::truncate_from(messages.into_iter().zip(proofs).collect())
}

/// The receipt `message`'s destination would issue with `outcome`, naming `relayer`, proven at
/// `height` of the destination, ready for `acknowledge`.
pub fn proven_receipt(
	message: &MessageOf<Test>,
	outcome: ReceiptOutcome,
	relayer: u64,
	height: u32,
) -> BoundedVec<(Receipt, InclusionProof), ConstU32<4>> {
	let receipt = Receipt {
		source: message.source,
		destination: message.destination,
		nonce: message.nonce,
		message_leaf: message.leaf_hash(),
		outcome,
		relayer: Messages::account_to_h256(&relayer),
	};
	let proofs = commit_leaves(message.destination, height, &[receipt.leaf_hash()]);
	BoundedVec::truncate_from(vec![(receipt, proofs[0].clone())])
}

/// A trie of `entries` (and one more), and the read proof of the `proven` keys.
pub fn trie_proof(entries: &[(Vec<u8>, Vec<u8>)], proven: &[Vec<u8>]) -> (H256, Vec<Vec<u8>>) {
	use sp_trie::{
		read_trie_value, recorder::Recorder, LayoutV1, MemoryDB, TrieDBMutBuilder, TrieMut,
	};
	type Layout = LayoutV1<sp_runtime::traits::BlakeTwo256>;
	let mut db = MemoryDB::<sp_runtime::traits::BlakeTwo256>::default();
	let mut root = H256::zero();
	{
		let mut trie = TrieDBMutBuilder::<Layout>::new(&mut db, &mut root).build();
		trie.insert(b"other", b"value").unwrap();
		for (key, value) in entries {
			trie.insert(key, value).unwrap();
		}
	}
	let recorder = Recorder::<sp_runtime::traits::BlakeTwo256>::default();
	for key in proven {
		read_trie_value::<Layout, _>(
			&db,
			&root,
			key,
			Some(&mut recorder.as_trie_recorder(root)),
			None,
		)
		.unwrap();
	}
	(root, recorder.drain_storage_proof().into_iter_nodes().collect())
}

/// Genesis: accounts 1 to 4 hold [`INITIAL_BALANCE`]; A, B, C and P active, D suspended, F
/// frozen; the fee account endowed by the pallet's genesis; block 1 at hub time 1,000,000 ms.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=4).map(|who| (who, INITIAL_BALANCE)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_cross_chain_messages::GenesisConfig::<Test>::default()
		.assimilate_storage(&mut storage)
		.unwrap();
	STATUSES.with(|statuses| statuses.borrow_mut().clear());
	HEADERS.with(|headers| headers.borrow_mut().clear());
	CALLS.with(|calls| calls.borrow_mut().clear());
	fail_app(false);
	for chain in [A, B, C, P] {
		MockRegistry::set_status(chain, ChainStatus::Active);
	}
	MockRegistry::set_status(D, ChainStatus::Suspended);
	MockRegistry::set_status(F, ChainStatus::Frozen);
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		Timestamp::set_timestamp(1_000_000);
	});
	ext
}

/// The relayer the tests deliver and acknowledge with.
pub const RELAYER: u64 = 3;

/// `RELAYER` delivers `messages` of `source`, proven at its header `height`.
pub fn deliver(source: ChainId, height: u32, messages: Vec<MessageOf<Test>>) -> DispatchResult {
	Messages::deliver_messages(
		RuntimeOrigin::signed(RELAYER),
		source,
		height,
		proven(source, height, messages),
	)
	.map(|_| ())
	.map_err(|error| error.error)
}

/// What `who` has held as message deposits.
pub fn held_deposits(who: u64) -> u128 {
	use frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&crate::HoldReason::MessageDeposit.into(), &who)
}

/// The deposit held for the pending message (`source`, `destination`, `nonce`).
pub fn deposit_of(source: ChainId, destination: ChainId, nonce: u64) -> u128 {
	crate::PendingMessages::<Test>::get((source, destination, nonce)).expect("pending").deposit
}

/// Finishes the current block (committing its leaves) and starts the next.
pub fn next_block() {
	let now = System::block_number();
	Messages::on_finalize(now);
	System::set_block_number(now + 1);
	Messages::on_initialize(now + 1);
}

/// Runs `test`, then checks the pallet's books.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Messages::do_try_state().expect("the messaging pallet's books balance");
	});
}

/// The test runtime's calls that add leaves: the messaging pallet's own.
pub struct MessagesNeeds;
impl crate::CommitmentNeeds<RuntimeCall> for MessagesNeeds {
	fn leaf_needs(call: &RuntimeCall) -> Vec<crate::LeafNeed> {
		match call {
			RuntimeCall::Messages(call) => Messages::leaf_needs(call),
			_ => Vec::new(),
		}
	}
}
