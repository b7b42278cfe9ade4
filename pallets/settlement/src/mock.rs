//! A runtime with System, Balances, Timestamp and the settlement pallet. Hub legs move the
//! native token (and nothing else); orders go to an in-memory messenger that numbers them per
//! destination and records them.

use crate as pallet_settlement;
use fusion_hub_primitives::{
	message::{account_to_bytes32, AppId, Message, Timeout, HUB_CHAIN_ID},
	settlement::{terms_hash, HubTokens, Leg, SettlementId, SignUp, SETTLEMENT_APP},
	ChainId, SendMessage, TokenRef,
};
use polkadot_sdk::{
	frame_support::{
		derive_impl, parameter_types,
		traits::{
			fungible::{Inspect, Mutate},
			tokens::Preservation,
			ConstU128, ConstU32, ConstU64, Contains,
		},
		BoundedVec, PalletId,
	},
	sp_core::H256,
	sp_io,
	sp_runtime::{BuildStorage, DispatchError, DispatchResult},
	*,
};
use std::{
	cell::RefCell,
	collections::{BTreeMap, BTreeSet},
};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Timestamp: pallet_timestamp,
		Settlement: pallet_settlement,
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
	type RuntimeHoldReason = RuntimeHoldReason;
}

impl pallet_timestamp::Config for Test {
	type Moment = u64;
	type OnTimestampSet = ();
	type MinimumPeriod = ConstU64<1>;
	type WeightInfo = ();
}

/// Existential deposit of the native token.
pub const ED: u128 = 10;
/// What accounts 1 to 4 hold at genesis.
pub const INITIAL_BALANCE: u128 = 1_000_000;
/// Active peer chains.
pub const P: ChainId = 7;
pub const Q: ChainId = 8;
/// The peer the benchmarks use.
pub const BENCHMARK_PEER: ChainId = 2_000;
/// A registered chain that is not active.
pub const INACTIVE: ChainId = 9;
/// The hub's clock at genesis (ms).
pub const START: u64 = 1_700_000_000_000;
/// The latest deadline from now.
pub const MAX_DEADLINE: u64 = 60_000;
/// How long a decision order may wait.
pub const DECISION_TIMEOUT: u64 = 30_000;
/// Deposits.
pub const DEPOSIT_BASE: u128 = 100;
pub const DEPOSIT_PER_LEG: u128 = 20;
/// Most legs.
pub const MAX_LEGS: u32 = 4;

parameter_types! {
	pub const SettlementPalletId: PalletId = PalletId(*b"fh/settl");
}

impl pallet_settlement::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Tokens = MockTokens;
	type Messenger = MockMessenger;
	type MaxPayload = ConstU32<256>;
	type ActivePeers = MockPeers;
	type Time = Timestamp;
	type PalletId = SettlementPalletId;
	type MaxLegs = ConstU32<MAX_LEGS>;
	type MaxDeadlineMillis = ConstU64<MAX_DEADLINE>;
	type DecisionTimeoutMillis = ConstU64<DECISION_TIMEOUT>;
	type DepositBase = ConstU128<DEPOSIT_BASE>;
	type DepositPerLeg = ConstU128<DEPOSIT_PER_LEG>;
	type WeightInfo = ();
}

/// A message of this runtime.
pub type TestMessage = Message<ConstU32<256>>;

thread_local! {
	static SENT: RefCell<Vec<TestMessage>> = const { RefCell::new(Vec::new()) };
	static REFUSE_SEND: RefCell<bool> = const { RefCell::new(false) };
	static BLOCKED_PAYEES: RefCell<BTreeSet<u64>> = const { RefCell::new(BTreeSet::new()) };
	static WRAPPED: RefCell<BTreeMap<u64, u128>> = const { RefCell::new(BTreeMap::new()) };
}

/// The messaging pallet, in memory: numbers the messages per destination and records them.
pub struct MockMessenger;

impl MockMessenger {
	/// The messages sent so far.
	pub fn sent() -> Vec<TestMessage> {
		SENT.with(|sent| sent.borrow().clone())
	}

	/// Makes sending fail (as a full queue would).
	pub fn refuse(refuse: bool) {
		REFUSE_SEND.with(|flag| *flag.borrow_mut() = refuse);
	}
}

impl SendMessage<u64, ConstU32<256>> for MockMessenger {
	fn send(
		_payer: &u64,
		destination: ChainId,
		app_id: AppId,
		sender: H256,
		payload: Vec<u8>,
		timeout: Timeout,
		fee: u128,
	) -> Result<TestMessage, DispatchError> {
		if REFUSE_SEND.with(|flag| *flag.borrow()) {
			return Err(DispatchError::Other("queue full"));
		}
		let nonce = SENT.with(|sent| {
			sent.borrow().iter().filter(|message| message.destination == destination).count()
		}) as u64 + 1;
		let message = Message {
			source: HUB_CHAIN_ID,
			destination,
			nonce,
			sender,
			app_id,
			payload: BoundedVec::try_from(payload)
				.map_err(|_| DispatchError::Other("too large"))?,
			timeout,
			fee,
		};
		SENT.with(|sent| sent.borrow_mut().push(message.clone()));
		Ok(message)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn open_destination_for_benchmarks(_: ChainId) -> DispatchResult {
		Ok(())
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn timeout_for_benchmarks() -> Timeout {
		Timeout { height: 0, timestamp: START + 1 }
	}
}

/// Peers `P` and `Q` are active, and the benchmarks' peer.
pub struct MockPeers;

impl Contains<ChainId> for MockPeers {
	fn contains(chain: &ChainId) -> bool {
		[P, Q, BENCHMARK_PEER].contains(chain)
	}
}

/// The hub's tokens: the native token, and one wrapped asset that, like the runtime's, is not
/// sufficient (only an account that exists by the native token may hold it). A payee can be
/// blocked, so that paying it fails.
pub struct MockTokens;

/// The wrapped asset of [`MockTokens`].
pub fn wrapped_token() -> TokenRef {
	TokenRef { home: Q, id: H256::repeat_byte(0x77) }
}

impl MockTokens {
	/// Gives `who` `amount` of the wrapped asset.
	pub fn mint_wrapped(who: u64, amount: u128) {
		WRAPPED.with(|balances| *balances.borrow_mut().entry(who).or_default() += amount);
	}

	/// What `who` holds of the wrapped asset.
	pub fn wrapped(who: u64) -> u128 {
		WRAPPED.with(|balances| balances.borrow().get(&who).copied().unwrap_or_default())
	}

	/// Makes payments to `who` fail, or succeed again.
	pub fn block(who: u64, blocked: bool) {
		BLOCKED_PAYEES.with(|payees| {
			if blocked {
				payees.borrow_mut().insert(who)
			} else {
				payees.borrow_mut().remove(&who)
			}
		});
	}
}

impl HubTokens<u64> for MockTokens {
	fn minimum_balance(token: &TokenRef) -> Result<u128, DispatchError> {
		if *token == TokenRef::HUB_NATIVE {
			Ok(ED)
		} else if *token == wrapped_token() {
			Ok(1)
		} else {
			Err(DispatchError::Other("unknown token"))
		}
	}

	fn balance(token: &TokenRef, who: &u64) -> u128 {
		if *token == TokenRef::HUB_NATIVE {
			Balances::balance(who)
		} else if *token == wrapped_token() {
			Self::wrapped(*who)
		} else {
			0
		}
	}

	fn transfer(
		token: &TokenRef,
		from: &u64,
		to: &u64,
		amount: u128,
		keep_alive: bool,
	) -> DispatchResult {
		if BLOCKED_PAYEES.with(|payees| payees.borrow().contains(to)) {
			return Err(DispatchError::Other("payee blocked"));
		}
		if *token == wrapped_token() {
			if Balances::balance(to) == 0 {
				return Err(DispatchError::Token(
					polkadot_sdk::sp_runtime::TokenError::CannotCreate,
				));
			}
			let held = Self::wrapped(*from);
			if held < amount {
				return Err(DispatchError::Token(
					polkadot_sdk::sp_runtime::TokenError::FundsUnavailable,
				));
			}
			WRAPPED.with(|balances| {
				let mut balances = balances.borrow_mut();
				balances.insert(*from, held - amount);
				*balances.entry(*to).or_default() += amount;
			});
			return Ok(());
		}
		if *token != TokenRef::HUB_NATIVE {
			return Err(DispatchError::Other("unknown token"));
		}
		let preservation =
			if keep_alive { Preservation::Preserve } else { Preservation::Expendable };
		<Balances as Mutate<u64>>::transfer(from, to, amount, preservation).map(|_| ())
	}

	#[cfg(feature = "runtime-benchmarks")]
	/// The mock holds one wrapped asset, whatever the index.
	fn wrapped_token_for_benchmarks(
		_: u32,
		holder: &u64,
		amount: u128,
	) -> Result<TokenRef, DispatchError> {
		Self::mint_wrapped(*holder, amount);
		Ok(wrapped_token())
	}
}

/// The 32 bytes of hub account `who`.
pub fn party(who: u64) -> H256 {
	account_to_bytes32(&who)
}

/// A peer party: an Ethereum address, left-padded.
pub fn peer_party(n: u8) -> H256 {
	let mut bytes = [0u8; 32];
	bytes[12..].copy_from_slice(&[n; 20]);
	H256(bytes)
}

/// A token of peer `chain`.
pub fn peer_token(chain: ChainId) -> TokenRef {
	TokenRef { home: chain, id: peer_party(0xee) }
}

/// A hub leg: `amount` of the native token from hub account `from` to `to`.
pub fn hub_leg(from: u64, to: u64, amount: u128) -> Leg {
	Leg {
		chain: HUB_CHAIN_ID,
		token: TokenRef::HUB_NATIVE,
		from: party(from),
		to: party(to),
		amount,
	}
}

/// A peer leg on `chain`: `amount` of its token from peer party `from` to `to`.
pub fn peer_leg(chain: ChainId, from: u8, to: u8, amount: u128) -> Leg {
	Leg { chain, token: peer_token(chain), from: peer_party(from), to: peer_party(to), amount }
}

/// The settlement id `n`.
pub fn sid(n: u64) -> SettlementId {
	H256::from_low_u64_be(n)
}

/// The legs as the call takes them.
pub fn legs(legs: &[Leg]) -> BoundedVec<Leg, ConstU32<MAX_LEGS>> {
	BoundedVec::truncate_from(legs.to_vec())
}

/// The terms hash of settlement `id` as proposed with `legs` and `deadline`.
pub fn terms(id: SettlementId, deadline: u64, legs: &[Leg]) -> H256 {
	terms_hash(&id, deadline, legs)
}

/// A sign-up message from `party` on `chain` for settlement `id` with `terms`.
pub fn sign_up_message(chain: ChainId, party: H256, id: SettlementId, terms: H256) -> TestMessage {
	Message {
		source: chain,
		destination: HUB_CHAIN_ID,
		nonce: 1,
		sender: party,
		app_id: SETTLEMENT_APP,
		payload: BoundedVec::truncate_from(SignUp { id, terms }.abi_encode()),
		timeout: Timeout { height: 0, timestamp: START + MAX_DEADLINE },
		fee: 0,
	}
}

/// Sets the hub's clock.
pub fn set_now(ms: u64) {
	pallet_timestamp::Now::<Test>::put(ms);
}

/// Genesis: accounts 1 to 4 hold [`INITIAL_BALANCE`]; the clock is at [`START`].
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=4).map(|who| (who, INITIAL_BALANCE)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_settlement::GenesisConfig::<Test>::default().assimilate_storage(&mut storage).unwrap();
	SENT.with(|sent| sent.borrow_mut().clear());
	BLOCKED_PAYEES.with(|payees| payees.borrow_mut().clear());
	WRAPPED.with(|balances| balances.borrow_mut().clear());
	MockMessenger::refuse(false);
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		set_now(START);
	});
	ext
}

/// Runs `test`, then checks the books of hub legs.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Settlement::do_try_state().expect("the books of hub legs balance");
	});
}

/// The hub account's native balance.
pub fn balance(who: u64) -> u128 {
	Balances::balance(&who)
}
