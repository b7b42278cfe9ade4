//! Cross-chain messages and the applications they are delivered to: asset transfers
//! (`AssetLock`), data records and atomic settlements (`Settlement`).

use super::governance::GovernanceOrigin;
use crate::{
	deposit, AccountId, AssetId, AssetLock, Balance, Balances, ChainRegistry, CrossChainMessages,
	ProofVerifier, Runtime, RuntimeCall, RuntimeHoldReason, RuntimeOrigin, Settlement, Timestamp,
	TOKEN_DECIMALS,
};
use alloc::vec::Vec;
use fusion_hub_primitives::{
	message::{Message, ASSET_TRANSFER_APP, DATA_RECORD_APP, SETTLEMENT_APP},
	ChainId, ChainRegistry as _, MessageHandler,
};
use pallet_cross_chain_messages::{CapacityShare, CommitmentNeeds, DataRecordApp, LeafNeed};
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{ConstU32, ConstU64, ConstU8, Contains, EnsureOrigin, EnsureOriginWithArg},
		weights::Weight,
		PalletId,
	},
	frame_system::EnsureSigned,
	sp_runtime::DispatchResult,
};

/// Largest message payload: a transfer takes 160 bytes; data records up to this.
pub type MaxPayload = ConstU32<1024>;

/// pallet-assets ids from here up are the hub's wrapped assets; accounts create theirs below.
pub const FIRST_WRAPPED_ASSET_ID: AssetId = 0x8000_0000;

parameter_types! {
	pub const MessagesPalletId: PalletId = PalletId(*b"fh/msgs_");
	pub const AssetLockPalletId: PalletId = PalletId(*b"fh/escrw");
	pub const SettlementPalletId: PalletId = PalletId(*b"fh/settl");
	// A settlement's record: about 90 bytes, and about 140 per leg.
	pub const SettlementDepositBase: Balance = deposit(1, 90);
	pub const SettlementDepositPerLeg: Balance = deposit(0, 140);
	pub const MessageDepositBase: Balance = deposit(1, 0);
	pub const MessageDepositPerByte: Balance = deposit(0, 1);
}

impl pallet_cross_chain_messages::Config for Runtime {
	type RuntimeHoldReason = RuntimeHoldReason;
	type Registry = ChainRegistry;
	type Verifier = ProofVerifier;
	type Applications = HubApplications;
	type Currency = Balances;
	type Time = Timestamp;
	type GovernanceOrigin = GovernanceOrigin;
	type PalletId = MessagesPalletId;
	type MaxPayload = MaxPayload;
	type MaxMessagesPerCall = ConstU32<16>;
	type MaxLeavesPerBlock = ConstU32<4_096>;
	type MaxDestinationsPerBlock = ConstU32<16>;
	type MaxPendingPerDestination = ConstU32<10_000>;
	// The hub's senders take at most three quarters of a destination's queue and of each
	// block's commitment; the rest is kept for receipts and routed messages.
	type MaxPendingSendsPerDestination = ConstU32<7_500>;
	type MaxSendLeavesPerBlock = ConstU32<3_072>;
	type MaxSendDestinationsPerBlock = ConstU32<12>;
	// A pending message's record (about 170 bytes plus its payload) is paid for as storage.
	type MessageDepositBase = MessageDepositBase;
	type MessageDepositPerByte = MessageDepositPerByte;
	type MaxRecordsPerSource = ConstU32<256>;
	// A day: the longest a hub message's value waits for its destination's clock.
	type MaxTimeoutMillis = ConstU64<{ 24 * 60 * 60 * 1000 }>;
	// A day of 6-second blocks: how long a message's proof stays available from the hub.
	type CommitmentsToKeep = ConstU32<14_400>;
	type ReceiptsToKeep = ConstU32<1024>;
	type WeightInfo = crate::weights::pallet_cross_chain_messages::WeightInfo<Runtime>;
}

/// The calls that add leaves to the block's outbound commitment, for the capacity check before
/// inclusion (`CheckOutboundCapacity`): the messaging pallet's own, asset transfers out, and
/// the orders a settlement's `advance` sends.
/// Inside a batch or a proxy a call is not seen here; the pallet still refuses it when the
/// block is full (`BlockCapacityReached`).
pub struct HubCommitmentNeeds;
impl CommitmentNeeds<RuntimeCall> for HubCommitmentNeeds {
	fn leaf_needs(call: &RuntimeCall) -> Vec<LeafNeed> {
		match call {
			RuntimeCall::CrossChainMessages(call) => CrossChainMessages::leaf_needs(call),
			RuntimeCall::AssetLock(pallet_asset_lock::Call::transfer_out {
				destination, ..
			}) => {
				alloc::vec![LeafNeed {
					destination: *destination,
					leaves: 1,
					pending: 1,
					share: CapacityShare::HubSend,
				}]
			},
			RuntimeCall::Settlement(pallet_settlement::Call::advance { id, .. }) => {
				Settlement::orders_due(id)
					.into_iter()
					.map(|(destination, orders)| LeafNeed {
						destination,
						leaves: orders,
						pending: orders,
						share: CapacityShare::HubSend,
					})
					.collect()
			},
			_ => Vec::new(),
		}
	}
}

impl pallet_asset_lock::Config for Runtime {
	type NativeToken = Balances;
	type NativeDecimals = ConstU8<TOKEN_DECIMALS>;
	type Messenger = CrossChainMessages;
	type MaxPayload = MaxPayload;
	type AdminOrigin = GovernanceOrigin;
	type PalletId = AssetLockPalletId;
	type FirstWrappedAssetId = ConstU32<FIRST_WRAPPED_ASSET_ID>;
	type MaxHtlcDuration = ConstU32<14_400>;
	// Paid for by the home chain's registration deposit: about 300 bytes each.
	type MaxWrappedAssetsPerChain = ConstU32<1_024>;
	type WeightInfo = crate::weights::pallet_asset_lock::WeightInfo<Runtime>;
}

/// The peers a settlement leg may be on: the registry's active chains.
pub struct ActivePeers;

impl Contains<ChainId> for ActivePeers {
	fn contains(chain: &ChainId) -> bool {
		ChainRegistry::is_active(*chain)
	}
}

impl pallet_settlement::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Tokens = AssetLock;
	type Messenger = CrossChainMessages;
	type MaxPayload = MaxPayload;
	type ActivePeers = ActivePeers;
	type Time = Timestamp;
	type PalletId = SettlementPalletId;
	type MaxLegs = ConstU32<8>;
	// The prepare orders' timeout: at most the messaging pallet's longest, a day.
	type MaxDeadlineMillis = ConstU64<{ 24 * 60 * 60 * 1000 }>;
	// A decision order not delivered in six hours is sent again.
	type DecisionTimeoutMillis = ConstU64<{ 6 * 60 * 60 * 1000 }>;
	type DepositBase = SettlementDepositBase;
	type DepositPerLeg = SettlementDepositPerLeg;
	type WeightInfo = crate::weights::pallet_settlement::WeightInfo<Runtime>;
}

/// The hub's applications, by a message's app id. A message for an unknown application fails
/// (its source is told by the receipt); one routed through the hub is the destination's
/// business.
pub struct HubApplications;

impl MessageHandler<MaxPayload> for HubApplications {
	fn on_receive(message: &Message<MaxPayload>) -> DispatchResult {
		match message.app_id {
			ASSET_TRANSFER_APP => AssetLock::on_receive(message),
			DATA_RECORD_APP => DataRecordApp::<Runtime>::on_receive(message),
			SETTLEMENT_APP => Settlement::on_receive(message),
			_ => Err(pallet_cross_chain_messages::Error::<Runtime>::UnknownApplication.into()),
		}
	}

	fn on_route(message: &Message<MaxPayload>) -> DispatchResult {
		match message.app_id {
			ASSET_TRANSFER_APP => AssetLock::on_route(message),
			SETTLEMENT_APP => Settlement::on_route(message),
			_ => Ok(()),
		}
	}

	fn on_outcome(message: &Message<MaxPayload>, delivered: bool, sent_at: u32) -> DispatchResult {
		match message.app_id {
			ASSET_TRANSFER_APP => AssetLock::on_outcome(message, delivered, sent_at),
			SETTLEMENT_APP => Settlement::on_outcome(message, delivered, sent_at),
			_ => Ok(()),
		}
	}

	fn weight(message: &Message<MaxPayload>) -> Weight {
		match message.app_id {
			ASSET_TRANSFER_APP => AssetLock::weight(message),
			DATA_RECORD_APP => DataRecordApp::<Runtime>::weight(message),
			SETTLEMENT_APP => Settlement::weight(message),
			_ => Weight::zero(),
		}
	}

	fn outcome_weight() -> Weight {
		AssetLock::outcome_weight()
			.max(DataRecordApp::<Runtime>::outcome_weight())
			.max(Settlement::outcome_weight())
	}
}

/// Who may create a pallet-assets asset: any signed account, for ids below
/// [`FIRST_WRAPPED_ASSET_ID`]; the ids above are the asset-lock pallet's, so nobody can squat
/// the id of a wrapped asset before it arrives.
pub struct CreateBelowWrappedIds;

impl EnsureOriginWithArg<RuntimeOrigin, AssetId> for CreateBelowWrappedIds {
	type Success = AccountId;

	fn try_origin(origin: RuntimeOrigin, id: &AssetId) -> Result<AccountId, RuntimeOrigin> {
		if *id >= FIRST_WRAPPED_ASSET_ID {
			return Err(origin);
		}
		<EnsureSigned<AccountId> as EnsureOrigin<RuntimeOrigin>>::try_origin(origin)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin(id: &AssetId) -> Result<RuntimeOrigin, ()> {
		if *id >= FIRST_WRAPPED_ASSET_ID {
			return Err(());
		}
		<EnsureSigned<AccountId> as EnsureOrigin<RuntimeOrigin>>::try_successful_origin()
	}
}
