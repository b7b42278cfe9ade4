//! The Fusion Hub parachain runtime.
//!
//! FRAME system pallets, Cumulus/XCM, assets, a Council that admits peer chains, and (in later
//! milestones) the hub's own pallets: chain registry, proof verifier, messages and asset locks.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime`-style macros recurse deeply.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;
pub mod weights;

use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::weights::{
		constants::ExtrinsicBaseWeight, WeightToFeeCoefficient, WeightToFeeCoefficients,
		WeightToFeePolynomial,
	},
	sp_runtime::{
		generic, impl_opaque_keys,
		traits::{BlakeTwo256, IdentifyAccount, Verify},
		MultiSignature,
	},
	*,
};
use smallvec::smallvec;
use sp_runtime::Perbill;
use sp_version::RuntimeVersion;

/// The runtime's API implementation, for the node's client.
#[cfg(feature = "std")]
pub use apis::RuntimeApi;
pub use sp_consensus_aura::sr25519::AuthorityId as AuraId;

/// Signature type of the hub's accounts (sr25519, ed25519 or ecdsa).
pub type Signature = MultiSignature;
/// An account: the public key of the signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Balance of the native token, FUSE.
pub type Balance = u128;
/// Transaction index of an account.
pub type Nonce = u32;
/// Hash of blocks and state.
pub type Hash = sp_core::H256;
/// Block number.
pub type BlockNumber = u32;
/// Address format of extrinsics.
pub type Address = sp_runtime::MultiAddress<AccountId, ()>;
/// Block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// Identifier of an asset in `pallet-assets` (wrapped foreign assets live there).
pub type AssetId = u32;

/// Transaction extensions, in the order they are checked. Polkadot.js reads them from metadata.
pub type TxExtension = cumulus_pallet_weight_reclaim::StorageWeightReclaim<
	Runtime,
	(
		frame_system::AuthorizeCall<Runtime>,
		frame_system::CheckNonZeroSender<Runtime>,
		frame_system::CheckSpecVersion<Runtime>,
		frame_system::CheckTxVersion<Runtime>,
		frame_system::CheckGenesis<Runtime>,
		frame_system::CheckEra<Runtime>,
		frame_system::CheckNonce<Runtime>,
		frame_system::CheckWeight<Runtime>,
		pallet_cross_chain_messages::CheckOutboundCapacity<
			Runtime,
			configs::messages::HubCommitmentNeeds,
		>,
		pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	),
>;

/// Extrinsic as it arrives at the runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// Migrations to run on the next runtime upgrade. `EndowEscrow` is for a chain that gained the
/// settlement pallet (spec 8) by an upgrade; idempotent, and one read once done.
pub type Migrations = (pallet_settlement::migrations::EndowEscrow<Runtime>,);

/// Dispatches extrinsics to pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

/// Maps weight to fee: the base weight of an extrinsic costs 1/10 of a milli-FUSE.
pub struct WeightToFee;
impl WeightToFeePolynomial for WeightToFee {
	type Balance = Balance;
	fn polynomial() -> WeightToFeeCoefficients<Self::Balance> {
		let p = MILLI_FUSE / 10;
		let q = 100 * Balance::from(ExtrinsicBaseWeight::get().ref_time());
		smallvec![WeightToFeeCoefficient {
			degree: 1,
			negative: false,
			coeff_frac: Perbill::from_rational(p % q, q),
			coeff_integer: p / q,
		}]
	}
}

/// Types that the node needs without knowing the runtime's extrinsic format.
pub mod opaque {
	use super::*;
	pub use polkadot_sdk::sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;
	use polkadot_sdk::sp_runtime::{generic, traits::Hash as HashT};

	/// Opaque block header.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block hash.
	pub type Hash = <BlakeTwo256 as HashT>::Output;
}

impl_opaque_keys! {
	pub struct SessionKeys {
		pub aura: Aura,
	}
}

/// Declares [`VERSION`] with `spec_version` `$spec_version`. A macro so that the
/// `next-spec-version` build (for upgrade tests only) differs in that number and nothing else:
/// `runtime_version` reads literals only.
macro_rules! runtime_version {
	($spec_version:tt) => {
		#[sp_version::runtime_version]
		pub const VERSION: RuntimeVersion = RuntimeVersion {
			spec_name: alloc::borrow::Cow::Borrowed("fusion-hub"),
			impl_name: alloc::borrow::Cow::Borrowed("fusion-hub"),
			authoring_version: 1,
			spec_version: $spec_version,
			impl_version: 0,
			apis: apis::RUNTIME_API_VERSIONS,
			transaction_version: 3,
			system_version: 1,
		};
	};
}

// 2: timeouts on the destination's clock, `timeout_message` with a proof of non-receipt,
// `EvmChain` names its gateway (docs/protocol.md, "Protocol changes"). 3: hardening:
// supermajority committees, canonical ECDSA, misbehaviour evidence, skipped deliveries.
// 4: timed-out messages kept for the ordered channel, `recommit_message`. 5: the registry
// gates XCM; preimages and the whitelist take Council motions to Root. 6: foreign assets of
// parachain peers (`ForeignAssets`), XCM fees in them. 7: outbound commitments folded from a
// frontier (4,096 leaves per destination per block), capacity checked before inclusion
// (`CheckOutboundCapacity`). 8: atomic multi-chain settlement (`Settlement`, app id 3).
// 9: the settlement escrow endowed at genesis and by migration; benchmarked settlement weights.
#[cfg(not(feature = "next-spec-version"))]
runtime_version!(9);
// The same runtime one spec version later: the wasm that the runtime-upgrade test enacts.
#[cfg(feature = "next-spec-version")]
runtime_version!(10);

/// The parachain id the hub registers with on its relay chain (local and dev networks).
pub const PARACHAIN_ID: u32 = 2000;
/// Symbol of the native token.
pub const TOKEN_SYMBOL: &str = "FUSE";
/// Decimals of the native token.
pub const TOKEN_DECIMALS: u8 = 12;
/// SS58 address prefix (the generic Substrate prefix).
pub const SS58_PREFIX: u16 = 42;

/// One FUSE in plancks.
pub const FUSE: Balance = 1_000_000_000_000;
/// A thousandth of a FUSE.
pub const MILLI_FUSE: Balance = 1_000_000_000;
/// A millionth of a FUSE.
pub const MICRO_FUSE: Balance = 1_000_000;
/// Minimum balance an account must keep to exist.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_FUSE;

/// Deposit for `items` storage items taking `bytes` bytes.
pub const fn deposit(items: u32, bytes: u32) -> Balance {
	(items as Balance) * 20 * MILLI_FUSE + (bytes as Balance) * 100 * MICRO_FUSE
}

/// Target block time. Aura's slot duration follows it; it cannot change after genesis.
pub const MILLISECS_PER_BLOCK: u64 = 6000;
pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;
pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
pub const HOURS: BlockNumber = MINUTES * 60;
pub const DAYS: BlockNumber = HOURS * 24;

/// Relay chain slot duration, in milliseconds.
pub const RELAY_CHAIN_SLOT_DURATION_MILLIS: u32 = 6000;
/// Parachain blocks the relay chain may accept per relay parent.
pub const BLOCK_PROCESSING_VELOCITY: u32 = 1;
/// Blocks authored but not yet included in the relay chain that the runtime accepts.
pub const UNINCLUDED_SEGMENT_CAPACITY: u32 = 3;

/// Aura consensus hook: bounds authoring by relay-chain inclusion.
pub type ConsensusHook = cumulus_pallet_aura_ext::FixedVelocityConsensusHook<
	Runtime,
	RELAY_CHAIN_SLOT_DURATION_MILLIS,
	BLOCK_PROCESSING_VELOCITY,
	UNINCLUDED_SEGMENT_CAPACITY,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	// System.
	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type ParachainSystem = cumulus_pallet_parachain_system;
	#[runtime::pallet_index(2)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(3)]
	pub type ParachainInfo = staging_parachain_info;
	#[runtime::pallet_index(4)]
	pub type WeightReclaim = cumulus_pallet_weight_reclaim;

	// Value.
	#[runtime::pallet_index(10)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(11)]
	pub type TransactionPayment = pallet_transaction_payment;
	#[runtime::pallet_index(12)]
	pub type Assets = pallet_assets;
	#[runtime::pallet_index(13)]
	pub type ForeignAssets = pallet_assets<Instance2>;

	// Governance. Sudo has a key only in the development preset.
	#[runtime::pallet_index(15)]
	pub type Sudo = pallet_sudo;
	#[runtime::pallet_index(16)]
	pub type Council = pallet_collective<Instance1>;
	#[runtime::pallet_index(17)]
	pub type CouncilMembership = pallet_membership<Instance1>;
	#[runtime::pallet_index(18)]
	pub type Preimage = pallet_preimage;
	#[runtime::pallet_index(19)]
	pub type Whitelist = pallet_whitelist;

	// Collators. The order of these four matters and must not change.
	#[runtime::pallet_index(20)]
	pub type Authorship = pallet_authorship;
	#[runtime::pallet_index(21)]
	pub type CollatorSelection = pallet_collator_selection;
	#[runtime::pallet_index(22)]
	pub type Session = pallet_session;
	#[runtime::pallet_index(23)]
	pub type Aura = pallet_aura;
	#[runtime::pallet_index(24)]
	pub type AuraExt = cumulus_pallet_aura_ext;

	// XCM.
	#[runtime::pallet_index(30)]
	pub type XcmpQueue = cumulus_pallet_xcmp_queue;
	#[runtime::pallet_index(31)]
	pub type PolkadotXcm = pallet_xcm;
	#[runtime::pallet_index(32)]
	pub type CumulusXcm = cumulus_pallet_xcm;
	#[runtime::pallet_index(33)]
	pub type MessageQueue = pallet_message_queue;

	// Utilities.
	#[runtime::pallet_index(40)]
	pub type Utility = pallet_utility;
	#[runtime::pallet_index(41)]
	pub type Multisig = pallet_multisig;

	// The hub.
	#[runtime::pallet_index(50)]
	pub type ChainRegistry = pallet_chain_registry;
	#[runtime::pallet_index(51)]
	pub type ProofVerifier = pallet_proof_verifier;
	#[runtime::pallet_index(52)]
	pub type CrossChainMessages = pallet_cross_chain_messages;
	#[runtime::pallet_index(53)]
	pub type AssetLock = pallet_asset_lock;
	#[runtime::pallet_index(54)]
	pub type HubNotaries = pallet_hub_notaries;
	#[runtime::pallet_index(55)]
	pub type Settlement = pallet_settlement;
}

/// A peer chain's record in the registry, as runtime APIs return it.
pub type ChainRecord = pallet_chain_registry::ChainRecord<Runtime>;
/// The hub's notary set, as runtime APIs return it.
pub type NotarySet = pallet_hub_notaries::NotarySetOf<Runtime>;
/// A signed notary handover, as runtime APIs return it.
pub type NotaryHandover = pallet_hub_notaries::NotaryHandoverOf<Runtime>;

cumulus_pallet_parachain_system::register_validate_block! {
	Runtime = Runtime,
	BlockExecutor = cumulus_pallet_aura_ext::BlockExecutor::<Runtime, Executive>,
}
