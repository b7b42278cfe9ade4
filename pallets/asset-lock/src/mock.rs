//! A runtime with System, Balances, Assets and the asset-lock pallet, whose messages go to an
//! in-memory messenger that records them.

use crate as pallet_asset_lock;
use fusion_hub_primitives::{
	message::{AppId, Message, Timeout, TransferPayload, ASSET_TRANSFER_APP, HUB_CHAIN_ID},
	ChainId, ChainStatus, ParachainPeers, SendMessage, TokenRef,
};
use polkadot_sdk::{
	frame_support::{
		derive_impl, parameter_types,
		traits::{AsEnsureOriginWithArg, ConstU128, ConstU32, ConstU8},
		BoundedVec, PalletId,
	},
	frame_system::{EnsureRoot, EnsureSigned},
	sp_core::H256,
	sp_io,
	sp_runtime::{BuildStorage, DispatchError},
	staging_xcm::latest::prelude::{Junction, Location},
	staging_xcm_executor::traits::ConvertLocation,
	*,
};
use std::{cell::RefCell, collections::BTreeMap};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Assets: pallet_assets,
		AssetLock: pallet_asset_lock,
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

#[derive_impl(pallet_assets::config_preludes::TestDefaultConfig)]
impl pallet_assets::Config for Test {
	type Balance = u128;
	type Currency = Balances;
	type CreateOrigin = AsEnsureOriginWithArg<EnsureSigned<u64>>;
	type ForceOrigin = EnsureRoot<u64>;
	type Freezer = ();
	type Holder = ();
}

/// Existential deposit of the native token.
pub const ED: u128 = 10;
/// What accounts 1 to 4 hold at genesis.
pub const INITIAL_BALANCE: u128 = 1_000_000;
/// The first wrapped asset id.
pub const FIRST_WRAPPED: u32 = 1_000;
/// Wrapped assets per home chain.
pub const MAX_WRAPPED_PER_CHAIN: u32 = 2;
/// The longest HTLC.
pub const MAX_HTLC_DURATION: u32 = 100;
/// Peer chains.
pub const A: ChainId = 1;
pub const B: ChainId = 2;
pub const C: ChainId = 3;

parameter_types! {
	pub const AssetLockPalletId: PalletId = PalletId(*b"fh/escrw");
}

impl pallet_asset_lock::Config for Test {
	type NativeToken = Balances;
	type NativeDecimals = ConstU8<12>;
	type Messenger = MockMessenger;
	type MaxPayload = ConstU32<256>;
	type AdminOrigin = EnsureRoot<u64>;
	type PalletId = AssetLockPalletId;
	type FirstWrappedAssetId = ConstU32<FIRST_WRAPPED>;
	type MaxHtlcDuration = ConstU32<MAX_HTLC_DURATION>;
	type MaxWrappedAssetsPerChain = ConstU32<MAX_WRAPPED_PER_CHAIN>;
	type WeightInfo = ();
}

/// A message of this runtime.
pub type TestMessage = Message<ConstU32<256>>;

thread_local! {
	static PARACHAIN_PEERS: RefCell<BTreeMap<u32, (ChainId, ChainStatus)>> =
		const { RefCell::new(BTreeMap::new()) };
	static SENT: RefCell<Vec<TestMessage>> = const { RefCell::new(Vec::new()) };
	static REFUSE_SEND: RefCell<bool> = const { RefCell::new(false) };
}

/// The messaging pallet, in memory: numbers and records what it is asked to send.
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
		let nonce = SENT.with(|sent| sent.borrow().len() as u64 + 1);
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
	fn open_destination_for_benchmarks(_: ChainId) -> polkadot_sdk::sp_runtime::DispatchResult {
		Ok(())
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn timeout_for_benchmarks() -> Timeout {
		Timeout { height: 100, timestamp: 0 }
	}
}

/// The registry's parachain peers, in memory.
pub struct MockParachainPeers;

impl MockParachainPeers {
	/// Records parachain `para_id` as peer `chain` with `status`.
	pub fn set(para_id: u32, chain: ChainId, status: ChainStatus) {
		PARACHAIN_PEERS.with(|peers| peers.borrow_mut().insert(para_id, (chain, status)));
	}
}

impl ParachainPeers for MockParachainPeers {
	fn parachain_peer(para_id: u32) -> Option<(ChainId, ChainStatus)> {
		PARACHAIN_PEERS.with(|peers| peers.borrow().get(&para_id).copied())
	}
}

/// Hub accounts in XCM: the account number as an `AccountIndex64`.
pub struct AccountIndexOf;

impl ConvertLocation<u64> for AccountIndexOf {
	fn convert_location(location: &Location) -> Option<u64> {
		match location.unpack() {
			(0, [Junction::AccountIndex64 { network: None, index }]) => Some(*index),
			_ => None,
		}
	}
}

parameter_types! {
	/// The index of pallet-assets in this runtime.
	pub const AssetsPalletIndex: u8 = 2;
}

/// A token whose home is `home`, id `n`.
pub fn token(home: ChainId, n: u64) -> TokenRef {
	TokenRef { home, id: H256::from_low_u64_be(n) }
}

/// The 32 bytes of a hub account in messages.
pub fn account(who: u64) -> H256 {
	AssetLock::account_to_h256(&who)
}

/// A transfer message from `source` to `destination` of `amount` of `token` for `beneficiary`.
pub fn transfer(
	source: ChainId,
	destination: ChainId,
	token: TokenRef,
	amount: u128,
	beneficiary: H256,
) -> TestMessage {
	Message {
		source,
		destination,
		nonce: 1,
		sender: H256::repeat_byte(0xaa),
		app_id: ASSET_TRANSFER_APP,
		payload: BoundedVec::truncate_from(
			TransferPayload { token, amount, beneficiary, decimals: 6 }.abi_encode(),
		),
		timeout: Timeout { height: 100, timestamp: 0 },
		fee: 0,
	}
}

/// Genesis: accounts 1 to 4 hold [`INITIAL_BALANCE`]; the escrow account is endowed.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=4).map(|who| (who, INITIAL_BALANCE)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_asset_lock::GenesisConfig::<Test>::default().assimilate_storage(&mut storage).unwrap();
	SENT.with(|sent| sent.borrow_mut().clear());
	PARACHAIN_PEERS.with(|peers| peers.borrow_mut().clear());
	MockMessenger::refuse(false);
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test`, then checks the books.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		AssetLock::do_try_state().expect("the books balance");
	});
}
