//! The asset-lock books with the real messaging pallet, against a modelled destination chain:
//! value moves only on proof.
//!
//! Chain A is a committee ledger. It has its own clock (height and time) and executes the hub's
//! messages in order, each only while its timeout has not passed by A's clock, answering
//! `Expired` after that. Each of A's blocks commits, in its message tree, the receipts it issued
//! there and the state of the channel (hub, A). A relayer brings A's headers to the hub in any
//! order, and completes the hub's transfers with A's receipts, or tries to with proofs of
//! non-receipt against any header, or with none.
//!
//! Random sequences of all of this ([`CASES`] of them, each path counted) must keep, after
//! every step:
//! - both pallets' books (`do_try_state`) and the native token's total issuance;
//! - no value twice: what A holds of the hub's token (the transfers A executed) is backed by
//!   the escrow for A plus what is in flight, i.e. no transfer A executed was refunded;
//!   and at the end, with every transfer completed, the escrow for A is exactly what A holds.

use fusion_hub_primitives::{
	channel::channel_state_leaf,
	merkle::{keccak_merkle_proof, keccak_merkle_root},
	message::{Message, Timeout, TransferPayload, HUB_CHAIN_ID},
	ChainId, ChainKind, ChainRegistry, ChainStatus, ChannelState, ChannelStateProof,
	InclusionError, InclusionProof, LedgerPlatform, NonReceiptProof, ProofUse, Receipt,
	ReceiptOutcome, TokenRef, VerifiedHeader, VerifierConfig, VerifyInclusion,
};
use polkadot_sdk::{
	frame_support::{
		derive_impl, parameter_types,
		traits::{AsEnsureOriginWithArg, ConstU128, ConstU32, ConstU64, ConstU8, Hooks},
		weights::Weight,
		BoundedVec, PalletId,
	},
	frame_system::{EnsureRoot, EnsureSigned},
	sp_core::H256,
	sp_io,
	sp_runtime::{BuildStorage, DispatchResult},
	*,
};
use proptest::prelude::*;
use std::{cell::RefCell, collections::BTreeMap};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Timestamp: pallet_timestamp,
		Assets: pallet_assets,
		AssetLock: pallet_asset_lock,
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

#[derive_impl(pallet_assets::config_preludes::TestDefaultConfig)]
impl pallet_assets::Config for Test {
	type Balance = u128;
	type Currency = Balances;
	type CreateOrigin = AsEnsureOriginWithArg<EnsureSigned<u64>>;
	type ForceOrigin = EnsureRoot<u64>;
	type Freezer = ();
	type Holder = ();
}

const ED: u128 = 10;
const INITIAL_BALANCE: u128 = 1_000_000;
const A: ChainId = 1;
/// The hub's time at genesis, and A's: the chains' clocks start together.
const GENESIS_MS: u64 = 1_000_000;
/// A's blocks, and the hub's, are this far apart.
const BLOCK_MS: u64 = 1_000;
const MAX_TIMEOUT_MS: u64 = 20_000;

type MaxPayload = ConstU32<256>;

parameter_types! {
	pub const AssetLockPalletId: PalletId = PalletId(*b"fh/escrw");
	pub const MessagesPalletId: PalletId = PalletId(*b"fh/msgs_");
}

impl pallet_asset_lock::Config for Test {
	type NativeToken = Balances;
	type NativeDecimals = ConstU8<12>;
	type Messenger = Messages;
	type MaxPayload = MaxPayload;
	type AdminOrigin = EnsureRoot<u64>;
	type PalletId = AssetLockPalletId;
	type FirstWrappedAssetId = ConstU32<1_000>;
	type MaxHtlcDuration = ConstU32<100>;
	type MaxWrappedAssetsPerChain = ConstU32<8>;
	type WeightInfo = ();
}

impl pallet_cross_chain_messages::Config for Test {
	type RuntimeHoldReason = RuntimeHoldReason;
	type Registry = Registry;
	type Verifier = Verifier;
	type Applications = AssetLock;
	type Currency = Balances;
	type Time = Timestamp;
	type GovernanceOrigin = EnsureRoot<u64>;
	type PalletId = MessagesPalletId;
	type MaxPayload = MaxPayload;
	type MaxMessagesPerCall = ConstU32<4>;
	type MaxLeavesPerBlock = ConstU32<64>;
	type MaxDestinationsPerBlock = ConstU32<4>;
	type MaxPendingPerDestination = ConstU32<64>;
	type MaxPendingSendsPerDestination = ConstU32<48>;
	type MaxSendLeavesPerBlock = ConstU32<48>;
	type MaxSendDestinationsPerBlock = ConstU32<3>;
	type MessageDepositBase = ConstU128<{ 2 * ED }>;
	type MessageDepositPerByte = ConstU128<1>;
	type MaxRecordsPerSource = ConstU32<4>;
	type MaxTimeoutMillis = ConstU64<MAX_TIMEOUT_MS>;
	type CommitmentsToKeep = ConstU32<1_000>;
	type ReceiptsToKeep = ConstU32<64>;
	type WeightInfo = ();
}

thread_local! {
	/// A's headers the relayer brought to the hub, by height.
	static HEADERS: RefCell<BTreeMap<u32, VerifiedHeader>> = const { RefCell::new(BTreeMap::new()) };
}

/// A is the only peer: an active committee ledger.
pub struct Registry;

impl ChainRegistry for Registry {
	type MaxCommitteeSize = ConstU32<4>;
	type MaxGrandpaAuthorities = ConstU32<4>;

	fn status(chain_id: ChainId) -> Option<ChainStatus> {
		(chain_id == A).then_some(ChainStatus::Active)
	}
	fn kind(chain_id: ChainId) -> Option<ChainKind> {
		(chain_id == A).then_some(ChainKind::PermissionedLedger { platform: LedgerPlatform::Other })
	}
	fn verifier(_: ChainId) -> Option<VerifierConfig<ConstU32<4>, ConstU32<4>>> {
		None
	}
	fn status_and_verifier(
		_: ChainId,
	) -> Option<(ChainStatus, VerifierConfig<ConstU32<4>, ConstU32<4>>)> {
		None
	}
	fn freeze(_: ChainId) -> DispatchResult {
		Ok(())
	}
	fn rotate_verifier(_: ChainId, _: VerifierConfig<ConstU32<4>, ConstU32<4>>) -> DispatchResult {
		Ok(())
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn register_active_for_benchmarks(
		_: ChainId,
		_: ChainKind,
		_: VerifierConfig<ConstU32<4>, ConstU32<4>>,
	) -> DispatchResult {
		Ok(())
	}
}

/// The headers of A the relayer submitted, checked with the real proof code.
pub struct Verifier;

impl VerifyInclusion for Verifier {
	fn verified_header(chain_id: ChainId, number: u32) -> Option<VerifiedHeader> {
		(chain_id == A).then(|| HEADERS.with(|headers| headers.borrow().get(&number).copied()))?
	}
	fn proving_header(
		chain_id: ChainId,
		number: u32,
		purpose: ProofUse,
	) -> Result<VerifiedHeader, InclusionError> {
		purpose.check(Registry::status(chain_id))?;
		Self::verified_header(chain_id, number).ok_or(InclusionError::UnknownHeader)
	}
	fn verify_channel_state(
		chain_id: ChainId,
		number: u32,
		source: ChainId,
		proof: &ChannelStateProof,
	) -> Result<ChannelState, InclusionError> {
		let header = Self::proving_header(chain_id, number, ProofUse::Completion)?;
		let kind = Registry::kind(chain_id).ok_or(InclusionError::UnknownChain)?;
		proof.verify(&kind, &header, source, chain_id)
	}
	fn channel_state_weight(_: &ChannelStateProof) -> Weight {
		Weight::zero()
	}
	fn inclusion_weight(_: &InclusionProof) -> Weight {
		Weight::zero()
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn insert_header_for_benchmarks(_: ChainId, header: VerifiedHeader) {
		HEADERS.with(|headers| headers.borrow_mut().insert(header.number, header));
	}
}

type HubMessage = Message<MaxPayload>;

/// One block of A: its clock, the last nonce of the channel (hub, A) it delivered by then, and
/// the leaves of its message tree (its receipts, then the channel-state leaf).
#[derive(Clone, Debug)]
struct ABlock {
	height: u32,
	timestamp: u64,
	delivered: u64,
	leaves: Vec<H256>,
}

/// Chain A, modelled: what it did with the hub's messages.
#[derive(Default, Debug)]
struct ChainA {
	blocks: Vec<ABlock>,
	/// The receipts A issued, by nonce, and the height that commits each.
	receipts: BTreeMap<u64, (Receipt, u32)>,
	/// What A holds of the hub's native token: the transfers it executed.
	minted: u128,
	/// A's receipts issued since its last block, committed in the next.
	unsealed: Vec<Receipt>,
	delivered: u64,
	height: u32,
	timestamp: u64,
}

impl ChainA {
	fn new() -> Self {
		let mut chain = Self { timestamp: GENESIS_MS, ..Default::default() };
		chain.seal();
		chain
	}

	/// A produces a block: its receipts so far and its channel state, committed.
	fn seal(&mut self) {
		self.height += 1;
		self.timestamp += BLOCK_MS;
		let mut leaves: Vec<H256> = self.unsealed.iter().map(Receipt::leaf_hash).collect();
		for receipt in self.unsealed.drain(..) {
			self.receipts.insert(receipt.nonce, (receipt, self.height));
		}
		leaves.push(channel_state_leaf(HUB_CHAIN_ID, A, self.delivered));
		self.blocks.push(ABlock {
			height: self.height,
			timestamp: self.timestamp,
			delivered: self.delivered,
			leaves,
		});
	}

	/// A delivers the hub's next message, if the hub has sent it: executed while A's clock (its
	/// latest block's time, as a chain stamps its next block) has not passed the timeout,
	/// expired after.
	fn deliver_next(&mut self) {
		let nonce = self.delivered + 1;
		let Some(message) = sent_message(nonce) else { return };
		let clock = fusion_hub_primitives::ChainClock {
			height: self.height + 1,
			timestamp: Some(self.timestamp + BLOCK_MS),
		};
		let outcome = if message.timeout.has_passed(clock) {
			count(|stats| stats.expired_at_a += 1);
			ReceiptOutcome::Expired
		} else {
			count(|stats| stats.executed_by_a += 1);
			let payload = TransferPayload::abi_decode(&message.payload).expect("a transfer");
			self.minted += payload.amount;
			ReceiptOutcome::Delivered
		};
		self.delivered = nonce;
		self.unsealed.push(Receipt {
			source: HUB_CHAIN_ID,
			destination: A,
			nonce,
			message_leaf: message.leaf_hash(),
			outcome,
			relayer: H256::zero(),
		});
	}

	fn block(&self, index: usize) -> &ABlock {
		&self.blocks[index % self.blocks.len()]
	}
}

/// The message the hub sent to A with `nonce`: from the events, since a completed message
/// leaves the pending books.
fn sent_message(nonce: u64) -> Option<HubMessage> {
	SENT.with(|sent| sent.borrow().get(&nonce).cloned())
}

thread_local! {
	static SENT: RefCell<BTreeMap<u64, HubMessage>> = const { RefCell::new(BTreeMap::new()) };
	static STATS: RefCell<Stats> = RefCell::new(Stats::default());
}

/// How often each path was taken over a whole run: a property test that never reaches a path
/// proves nothing about it.
#[derive(Default, Debug)]
struct Stats {
	executed_by_a: u64,
	expired_at_a: u64,
	headers_below_the_highest: u64,
	acknowledged: u64,
	refunded_on_proof: u64,
	refused_not_timed_out: u64,
	refused_was_received: u64,
	refused_other: u64,
}

fn count(update: impl FnOnce(&mut Stats)) {
	STATS.with(|stats| update(&mut stats.borrow_mut()));
}

/// The relayer submits A's block as a verified header (any block, in any order).
fn submit_header(block: &ABlock) {
	let highest = HEADERS.with(|headers| headers.borrow().keys().next_back().copied());
	if highest.is_some_and(|highest| block.height < highest) {
		count(|stats| stats.headers_below_the_highest += 1);
	}
	let header = VerifiedHeader {
		number: block.height,
		hash: H256::from_low_u64_be(block.height.into()),
		state_root: H256::zero(),
		message_root: keccak_merkle_root(&block.leaves),
		timestamp: Some(block.timestamp),
		set_id: 0,
	};
	HEADERS.with(|headers| headers.borrow_mut().insert(block.height, header));
}

fn leaf_proof(block: &ABlock, leaf: H256) -> BoundedVec<H256, ConstU32<32>> {
	let index = block.leaves.iter().position(|candidate| *candidate == leaf).expect("committed");
	BoundedVec::truncate_from(keccak_merkle_proof(&block.leaves, index).expect("a leaf"))
}

fn non_receipt_proof(block: &ABlock) -> NonReceiptProof {
	let leaf = channel_state_leaf(HUB_CHAIN_ID, A, block.delivered);
	NonReceiptProof {
		height: block.height,
		channel_state: ChannelStateProof::CommitteeLeaf {
			delivered: block.delivered,
			proof: leaf_proof(block, leaf),
		},
	}
}

#[derive(Clone, Debug)]
enum Op {
	/// An account sends native tokens to A, timing out `timeout_ms` after the hub's now.
	Out { who: u64, amount: u128, timeout_ms: u64 },
	/// A delivers the hub's next message.
	ADelivers,
	/// A produces `blocks` blocks.
	ATicks { blocks: u32 },
	/// The hub's time passes.
	HubWaits { blocks: u32 },
	/// The relayer brings A's header (any of A's blocks).
	SubmitHeader { block: usize },
	/// The relayer acknowledges the receipt of a message A answered, against the header that
	/// commits it. (Nonces pick one of the messages sent so far.)
	Acknowledge { nonce: u64 },
	/// Someone times a message out with the proof of A's state at one of its blocks.
	TimeoutWithProof { nonce: u64, block: usize },
	/// Someone times a message out with no proof.
	TimeoutWithoutProof { nonce: u64 },
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		(1u64..=4, 1u128..5_000, 1u64..=MAX_TIMEOUT_MS)
			.prop_map(|(who, amount, timeout_ms)| Op::Out { who, amount, timeout_ms }),
		Just(Op::ADelivers),
		(1u32..8).prop_map(|blocks| Op::ATicks { blocks }),
		(1u32..8).prop_map(|blocks| Op::HubWaits { blocks }),
		(0usize..64).prop_map(|block| Op::SubmitHeader { block }),
		(0u64..64).prop_map(|nonce| Op::Acknowledge { nonce }),
		(0u64..64, 0usize..64).prop_map(|(nonce, block)| Op::TimeoutWithProof { nonce, block }),
		(0u64..64).prop_map(|nonce| Op::TimeoutWithoutProof { nonce }),
	]
}

fn hub_now() -> u64 {
	Timestamp::get()
}

fn transfer_out(who: u64, amount: u128, timeout_ms: u64) -> DispatchResult {
	AssetLock::transfer_out(
		RuntimeOrigin::signed(who),
		TokenRef::HUB_NATIVE,
		amount,
		A,
		H256::repeat_byte(0xbe),
		Timeout { height: 0, timestamp: hub_now() + timeout_ms },
		0,
	)
}

/// Acknowledges A's receipt of `nonce` against the block that commits it (submitting it).
fn acknowledge(chain: &ChainA, nonce: u64) -> DispatchResult {
	let Some((receipt, height)) = chain.receipts.get(&nonce).copied() else { return Ok(()) };
	let block = chain.blocks[height as usize - 1].clone();
	submit_header(&block);
	let proof = InclusionProof::KeccakMerkle {
		leaf: receipt.leaf_hash(),
		proof: leaf_proof(&block, receipt.leaf_hash()),
	};
	Messages::acknowledge(
		RuntimeOrigin::signed(9),
		A,
		height,
		BoundedVec::truncate_from(vec![(receipt, proof)]),
	)
}

fn timeout_with(nonce: u64, proof: Option<NonReceiptProof>) -> DispatchResult {
	Messages::timeout_message(RuntimeOrigin::signed(9), HUB_CHAIN_ID, A, nonce, proof)
}

/// A nonce the hub sent, chosen by `pick` (or 1 before anything was sent).
fn sent_nonce(pick: u64) -> u64 {
	let sent = SENT.with(|sent| sent.borrow().len() as u64);
	pick % sent.max(1) + 1
}

fn run(op: &Op, chain: &mut ChainA) {
	match op {
		Op::Out { who, amount, timeout_ms } => {
			if transfer_out(*who, *amount, *timeout_ms).is_ok() {
				let nonce = pallet_cross_chain_messages::OutboundNonces::<Test>::get(A);
				let pending = pallet_cross_chain_messages::PendingMessages::<Test>::get((
					HUB_CHAIN_ID,
					A,
					nonce,
				))
				.expect("just sent");
				SENT.with(|sent| sent.borrow_mut().insert(nonce, pending.message));
			}
		},
		Op::ADelivers => chain.deliver_next(),
		Op::ATicks { blocks } => {
			for _ in 0..*blocks {
				chain.seal();
			}
		},
		Op::HubWaits { blocks } => {
			for _ in 0..*blocks {
				let now = System::block_number();
				Messages::on_finalize(now);
				System::set_block_number(now + 1);
				Messages::on_initialize(now + 1);
				Timestamp::set_timestamp(hub_now() + BLOCK_MS);
			}
		},
		Op::SubmitHeader { block } => submit_header(&chain.block(*block).clone()),
		Op::Acknowledge { nonce } => {
			let nonce = &sent_nonce(*nonce);
			if chain.receipts.contains_key(nonce) && acknowledge(chain, *nonce).is_ok() {
				count(|stats| stats.acknowledged += 1);
			}
		},
		Op::TimeoutWithProof { nonce, block } => {
			let nonce = &sent_nonce(*nonce);
			let block = chain.block(*block).clone();
			submit_header(&block);
			use pallet_cross_chain_messages::Error;
			let result = timeout_with(*nonce, Some(non_receipt_proof(&block)));
			count(|stats| match result {
				Ok(()) => stats.refunded_on_proof += 1,
				Err(error) if error == Error::<Test>::NotTimedOut.into() => {
					stats.refused_not_timed_out += 1
				},
				Err(error) if error == Error::<Test>::MessageWasReceived.into() => {
					stats.refused_was_received += 1
				},
				Err(_) => stats.refused_other += 1,
			});
		},
		Op::TimeoutWithoutProof { nonce } => {
			assert!(timeout_with(sent_nonce(*nonce), None).is_err(), "no refund without proof");
		},
	}
}

/// No value twice: what A holds of the hub's token is backed by the escrow for A plus what is
/// in flight (sent, not completed).
fn check_books(chain: &ChainA, issuance: u128) -> Result<(), TestCaseError> {
	prop_assert_eq!(AssetLock::do_try_state(), Ok(()));
	prop_assert_eq!(Messages::do_try_state(), Ok(()));
	prop_assert_eq!(Balances::total_issuance(), issuance);
	let escrowed = pallet_asset_lock::Escrowed::<Test>::get(A, TokenRef::HUB_NATIVE);
	let in_flight = pallet_asset_lock::InFlight::<Test>::get(TokenRef::HUB_NATIVE);
	prop_assert!(
		escrowed + in_flight >= chain.minted,
		"A holds {} but the hub backs only {} + {} in flight",
		chain.minted,
		escrowed,
		in_flight
	);
	prop_assert!(escrowed <= chain.minted, "the escrow for A exceeds what A holds");
	Ok(())
}

fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=4).map(|who| (who, INITIAL_BALANCE)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_asset_lock::GenesisConfig::<Test>::default().assimilate_storage(&mut storage).unwrap();
	pallet_cross_chain_messages::GenesisConfig::<Test>::default()
		.assimilate_storage(&mut storage)
		.unwrap();
	HEADERS.with(|headers| headers.borrow_mut().clear());
	SENT.with(|sent| sent.borrow_mut().clear());
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		Timestamp::set_timestamp(GENESIS_MS);
	});
	ext
}

/// One random sequence, then everything completed.
fn sequence_keeps_the_books(ops: &[Op]) -> Result<(), TestCaseError> {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		let mut chain = ChainA::new();
		for op in ops {
			run(op, &mut chain);
			check_books(&chain, issuance)
				.map_err(|error| TestCaseError::fail(format!("after {op:?}: {error}")))?;
		}
		// A delivers everything and its clock passes every timeout; then each transfer
		// completes, by its receipt (A answered it) or by A's proof of non-receipt.
		while sent_message(chain.delivered + 1).is_some() {
			chain.deliver_next();
		}
		for _ in 0..(MAX_TIMEOUT_MS / BLOCK_MS + 2) {
			chain.seal();
		}
		let sent: Vec<u64> = SENT.with(|sent| sent.borrow().keys().copied().collect());
		for nonce in sent {
			// A pending message completes by A's receipt; one refunded by proof is closed by
			// it (A took it as `Expired`), and nothing moves again.
			let key = (HUB_CHAIN_ID, A, nonce);
			if pallet_cross_chain_messages::PendingMessages::<Test>::contains_key(key)
				|| pallet_cross_chain_messages::TimedOutMessages::<Test>::contains_key(key)
			{
				prop_assert_eq!(acknowledge(&chain, nonce), Ok(()));
			}
		}
		check_books(&chain, issuance)?;
		prop_assert_eq!(pallet_cross_chain_messages::PendingCount::<Test>::get(A), 0);
		prop_assert_eq!(pallet_asset_lock::InFlight::<Test>::get(TokenRef::HUB_NATIVE), 0);
		prop_assert_eq!(
			pallet_asset_lock::Escrowed::<Test>::get(A, TokenRef::HUB_NATIVE),
			chain.minted,
			"the escrow for A is exactly what A holds"
		);
		Ok(())
	})
}

/// How many random sequences `value_moves_only_on_proof` runs.
const CASES: u32 = 2_000;

#[test]
fn value_moves_only_on_proof() {
	use proptest::test_runner::{Config, TestRunner};
	let mut runner = TestRunner::new(Config { cases: CASES, ..Config::default() });
	let result =
		runner.run(&proptest::collection::vec(op(), 1..60), |ops| sequence_keeps_the_books(&ops));
	if let Err(error) = result {
		panic!("{error}");
	}
	let stats = STATS.with(|stats| std::mem::take(&mut *stats.borrow_mut()));
	println!("{CASES} sequences: {stats:?}");
	// Every path was taken, many times over.
	for (path, taken) in [
		("executed by A", stats.executed_by_a),
		("expired at A", stats.expired_at_a),
		("a header below the highest", stats.headers_below_the_highest),
		("acknowledged", stats.acknowledged),
		("refunded on proof", stats.refunded_on_proof),
		("refused: not timed out", stats.refused_not_timed_out),
		("refused: was received", stats.refused_was_received),
	] {
		assert!(taken >= 100, "{path}: taken {taken} times in {CASES} sequences");
	}
}

#[test]
fn a_late_expired_receipt_closes_a_timed_out_transfer_once_and_the_books_hold() {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		let mut chain = ChainA::new();
		run(&Op::Out { who: 1, amount: 500, timeout_ms: 2_000 }, &mut chain);
		assert!(sent_message(1).is_some());
		// A's clock passes the timeout before it delivers: the first expires there.
		for _ in 0..4 {
			chain.seal();
		}
		let block = chain.blocks.last().unwrap().clone();
		submit_header(&block);
		assert_eq!(timeout_with(1, Some(non_receipt_proof(&block))), Ok(()));
		chain.deliver_next();
		chain.seal();
		// A took it late, as `Expired`: its receipt closes the hub's record and refunds nothing
		// again; a second time it finds nothing.
		let refunded = Balances::free_balance(1);
		assert_eq!(acknowledge(&chain, 1), Ok(()));
		assert!(!pallet_cross_chain_messages::TimedOutMessages::<Test>::contains_key((
			HUB_CHAIN_ID,
			A,
			1
		)));
		assert_eq!(pallet_cross_chain_messages::PendingCount::<Test>::get(A), 0);
		assert_eq!(Balances::free_balance(1), refunded);
		assert_eq!(
			acknowledge(&chain, 1),
			Err(pallet_cross_chain_messages::Error::<Test>::UnknownMessage.into())
		);
		assert_eq!(chain.minted, 0);
		assert!(check_books(&chain, issuance).is_ok());
	});
}
