//! # Cross-chain messages
//!
//! Ordered channels between the hub and its peers, and between peers through the hub.
//!
//! - **Inbound.** Any relayer calls [`Pallet::deliver_messages`] with messages of one source
//!   chain and their inclusion proofs against a header of that chain that the proof verifier
//!   holds ([`VerifyInclusion`]). Each channel (source, destination) takes nonces strictly in
//!   order: a replayed or skipped nonce fails the call. A message past its timeout is not
//!   executed. A message for the hub goes to the application its `app_id` names
//!   ([`MessageHandler`]); one for another active peer is routed: queued for that peer
//!   unchanged. Every message that is not routed gets a [`Receipt`] (delivered, failed with the
//!   error in the event, or expired), committed back to its source: a failed application loses
//!   nothing, its source learns of the failure and refunds.
//! - **Outbound.** Messages and receipts for each destination are committed once per block in a
//!   keccak sorted-pair tree of `StandardMerkleTree` leaves, the format EVM peers verify with
//!   stock tooling. Each leaf is added to the tree's frontier ([`OutboundFrontiers`]) as it is
//!   queued, in constant time, and appended to [`OutboundLeaves`] without reading them back; the
//!   root is folded from the frontier at the end of the block. The roots are kept in
//!   [`OutboundRoots`] and in the block digest; the runtime API gives each leaf's proof.
//! - **Completion: value moves only on proof.** A message the hub sent or routed completes only on
//!   its destination's proven word: its receipt, proven with [`Pallet::acknowledge`], or a proof
//!   of non-receipt given to [`Pallet::timeout_message`] — a verified header of the destination
//!   past the message's timeout by the destination's own clock, and its channel state there
//!   showing the nonce undelivered ([`fusion_hub_primitives::channel`]). Either way the
//!   application's `on_outcome` runs exactly once (refunding when the message was not
//!   delivered), and the pending record is gone. A message refunded by a proof of non-receipt
//!   stays provable ([`TimedOutMessages`]) until its destination takes it as `Expired`: the
//!   channel is ordered, and the messages after it must not wait forever. A message whose
//!   commitment aged out before its destination took it is committed again
//!   ([`Pallet::recommit_message`]). A suspended destination still backs these
//!   proofs; a frozen one backs none until governance restores it. As a last resort for a peer
//!   gone for good, governance completes a named message with
//!   [`Pallet::force_complete_message`], audited by an event.
//! - **Fees.** The sender's fee is held by the pallet and becomes the reward of the relayer the
//!   destination's receipt names, claimable with [`Pallet::claim_rewards`]; an expired message's
//!   fee goes back to its payer.
//! - **Deposits and capacity.** A message sent from the hub keeps state until it completes: its
//!   payer's deposit (a fungible hold, [`HoldReason::MessageDeposit`], sized from the bytes the
//!   pending record stores) is held until then. The hub's own senders get a share of each
//!   destination's queue and of each block's commitment; the rest is kept for receipts and
//!   routed messages, which answer peers and cannot wait for senders to go away. A route or a
//!   receipt that finds no capacity fails its call (the relayer retries in a later block): it
//!   never turns into a permanent `Failed` receipt. Before that, the transaction extension
//!   [`CheckOutboundCapacity`] keeps a transaction whose leaves would not fit the block out of
//!   it (`ExhaustsResources`): it waits in the pool instead of being included to fail. Nothing is written under a chain id the
//!   registry does not know.
//!
//! The data-record application ([`DataRecordApp`]) lives here too: it keeps the latest payload
//! each (source, sender) sent.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod capacity_extension;
mod commitment;
mod completion;
mod data_record;
mod functions;
mod inbound;
mod outbound;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod capacity_tests;
#[cfg(test)]
mod commitment_tests;
#[cfg(test)]
mod completion_tests;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use capacity_extension::{CheckOutboundCapacity, CommitmentNeeds, LeafNeed, QUEUE_FULL};
pub use data_record::DataRecordApp;
pub use outbound::CapacityShare;
pub use pallet::*;
pub use weights::WeightInfo;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use fusion_hub_primitives::{merkle::KeccakFrontier, message::Message, Receipt};
use polkadot_sdk::{
	frame_support,
	sp_core::{Get, H256},
};
use scale_info::TypeInfo;

/// A message with the pallet's payload bound.
pub type MessageOf<T> = Message<<T as Config>::MaxPayload>;

/// A pending (or timed-out) message record of the runtime `T`.
pub(crate) type PendingOf<T> =
	PendingMessage<<T as polkadot_sdk::frame_system::Config>::AccountId, <T as Config>::MaxPayload>;

/// A message the hub sent or routed, waiting for its receipt or its timeout.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxPayload))]
pub struct PendingMessage<AccountId, MaxPayload: Get<u32>> {
	/// The message, as committed.
	pub message: Message<MaxPayload>,
	/// Its leaf, which receipts name.
	pub leaf: H256,
	/// The hub block whose outbound commitment holds it.
	pub block: u32,
	/// Who paid its fee (held by the pallet); `None` for a routed message, whose fee was paid at
	/// its source.
	pub payer: Option<AccountId>,
	/// The deposit held from `payer` while the message is pending (zero for a routed message,
	/// whose state is paid for by its source chain's registration deposit).
	pub deposit: u128,
}

impl<AccountId, MaxPayload: Get<u32>> PendingMessage<AccountId, MaxPayload> {
	/// Whose capacity it takes: a message with a payer was sent from the hub, one without was
	/// routed.
	pub(crate) fn share(&self) -> outbound::CapacityShare {
		match self.payer {
			Some(_) => outbound::CapacityShare::HubSend,
			None => outbound::CapacityShare::PeerTraffic,
		}
	}
}

/// A receipt the hub issued or forwarded, and the hub block whose commitment holds it.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct ReceiptRecord {
	/// The receipt.
	pub receipt: Receipt,
	/// The hub block whose outbound commitment (for the message's source) holds it.
	pub block: u32,
}

/// A destination's commitment in the block being built: the frontier of its tree so far.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct BlockFrontier {
	/// The block it belongs to; a frontier of an earlier block counts as empty.
	pub block: u32,
	/// The frontier of the block's tree for the destination.
	pub tree: KeccakFrontier,
}

/// The prefix of the digest item (`DigestItem::Other`) that carries a block's outbound roots:
/// these four bytes, then the SCALE encoding of `Vec<(ChainId, H256)>`.
pub const OUTBOUND_ROOTS_DIGEST_PREFIX: [u8; 4] = *b"fhmr";

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use fusion_hub_primitives::{
		message::Timeout, ChainId, ChainRegistry, InclusionProof, MessageHandler, NonReceiptProof,
		ReceiptOutcome, VerifyInclusion,
	};
	use polkadot_sdk::{
		frame_support::{
			pallet_prelude::*,
			traits::{fungible, UnixTime},
			PalletId,
		},
		frame_system::pallet_prelude::*,
		sp_runtime::{traits::Zero, DispatchError, DispatchErrorWithPostInfo},
	};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The registry: which peers are active (routing destinations).
		type Registry: ChainRegistry;

		/// Inclusion checks against the headers the proof verifier holds.
		type Verifier: VerifyInclusion;

		/// The applications, chosen by a message's `app_id`.
		type Applications: MessageHandler<Self::MaxPayload>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The native currency, in which fees are paid and deposits held.
		type Currency: fungible::Mutate<Self::AccountId, Balance = u128>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The hub's clock: the timestamps of the hub's own timeouts.
		type Time: UnixTime;

		/// Who completes a pending message by decree, when its destination is gone for good.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The pallet's account holds fees until they are refunded or claimed.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Largest payload of a message.
		#[pallet::constant]
		type MaxPayload: Get<u32>;

		/// Most messages or receipts in one `deliver_messages` or `acknowledge` call.
		#[pallet::constant]
		type MaxMessagesPerCall: Get<u32>;

		/// Most leaves committed for one destination in one block.
		#[pallet::constant]
		type MaxLeavesPerBlock: Get<u32>;

		/// Most destinations committed to in one block.
		#[pallet::constant]
		type MaxDestinationsPerBlock: Get<u32>;

		/// Most messages pending (sent or routed, not yet completed) per destination.
		#[pallet::constant]
		type MaxPendingPerDestination: Get<u32>;

		/// The share of `MaxPendingPerDestination` that messages sent from the hub may take; the
		/// rest is kept for routed messages. Lowering it below what is pending needs a migration
		/// (`try_state` checks the share).
		#[pallet::constant]
		type MaxPendingSendsPerDestination: Get<u32>;

		/// The share of `MaxLeavesPerBlock` that messages sent from the hub may take; the rest is
		/// kept for receipts and routed messages.
		#[pallet::constant]
		type MaxSendLeavesPerBlock: Get<u32>;

		/// The share of `MaxDestinationsPerBlock` that messages sent from the hub may open; the
		/// rest is kept for receipts and routed messages.
		#[pallet::constant]
		type MaxSendDestinationsPerBlock: Get<u32>;

		/// The fixed part of the deposit held for each message sent from the hub until it
		/// completes.
		#[pallet::constant]
		type MessageDepositBase: Get<u128>;

		/// The deposit per byte of the pending record a message sent from the hub keeps.
		#[pallet::constant]
		type MessageDepositPerByte: Get<u128>;

		/// How many senders' records the data-record application keeps per source chain: a new
		/// sender's record replaces the oldest sender's once there are this many. Lowering it
		/// needs a migration that drops the slots above the new bound and their records.
		#[pallet::constant]
		type MaxRecordsPerSource: Get<u32>;

		/// The latest timestamp timeout a message from the hub may set, in ms after the hub's
		/// now: how long a sender's value can wait for its destination.
		#[pallet::constant]
		type MaxTimeoutMillis: Get<u64>;

		/// How many blocks outbound commitments are kept: the window in which proofs of them can
		/// be had from the hub.
		#[pallet::constant]
		type CommitmentsToKeep: Get<u32>;

		/// How many receipts are kept per channel.
		#[pallet::constant]
		type ReceiptsToKeep: Get<u32>;

		/// Weights of the calls and hooks.
		type WeightInfo: WeightInfo;
	}

	/// The last nonce delivered to the hub on each channel (source, destination).
	#[pallet::storage]
	pub type InboundNonces<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ChainId, Twox64Concat, ChainId, u64, ValueQuery>;

	/// The last nonce the hub sent to each destination.
	#[pallet::storage]
	pub type OutboundNonces<T: Config> = StorageMap<_, Twox64Concat, ChainId, u64, ValueQuery>;

	/// Messages the hub sent or routed that are waiting for a receipt or a timeout, by
	/// (source, destination, nonce).
	#[pallet::storage]
	pub type PendingMessages<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, ChainId>,
			NMapKey<Twox64Concat, ChainId>,
			NMapKey<Twox64Concat, u64>,
		),
		PendingMessage<T::AccountId, T::MaxPayload>,
	>;

	/// Messages completed as `Expired` by a proof of non-receipt (their value and fee already
	/// refunded) that their destination has yet to take, by (source, destination, nonce). Its
	/// channel is ordered: it takes the message (as `Expired`, its clock being past the timeout)
	/// before any later one, so the hub keeps serving its proof until the destination's receipt
	/// closes the record (`acknowledge`). Each still takes its place in the destination's queue
	/// (`PendingCount`), which the destination's registration pays for; no deposit is held.
	#[pallet::storage]
	pub type TimedOutMessages<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, ChainId>,
			NMapKey<Twox64Concat, ChainId>,
			NMapKey<Twox64Concat, u64>,
		),
		PendingMessage<T::AccountId, T::MaxPayload>,
	>;

	/// The block whose outbound commitment holds a message again, for each pending or timed-out
	/// message committed again after its first commitment aged out (`recommit_message`). The
	/// message's own `block` stays the one it was sent in.
	#[pallet::storage]
	pub type Recommitments<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, ChainId>,
			NMapKey<Twox64Concat, ChainId>,
			NMapKey<Twox64Concat, u64>,
		),
		u32,
	>;

	/// How many messages each destination has yet to take: pending, or timed out and not yet
	/// taken (`TimedOutMessages`).
	#[pallet::storage]
	pub type PendingCount<T: Config> = StorageMap<_, Twox64Concat, ChainId, u32, ValueQuery>;

	/// How many of each destination's pending messages were sent from the hub (not routed).
	#[pallet::storage]
	pub type PendingSends<T: Config> = StorageMap<_, Twox64Concat, ChainId, u32, ValueQuery>;

	/// How many pending routed messages each source has: their receipts still go back to it.
	#[pallet::storage]
	pub type RoutedPendingFrom<T: Config> = StorageMap<_, Twox64Concat, ChainId, u32, ValueQuery>;

	/// Receipts the hub issued or forwarded, by (source, destination, nonce) of their message;
	/// the last `ReceiptsToKeep` of each channel.
	#[pallet::storage]
	pub type Receipts<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, ChainId>,
			NMapKey<Twox64Concat, ChainId>,
			NMapKey<Twox64Concat, u64>,
		),
		ReceiptRecord,
	>;

	/// The leaves committed for each destination in each block, in order: appended as they are
	/// queued and read only to serve proofs (the on-chain root comes from the frontier).
	#[pallet::storage]
	pub type OutboundLeaves<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		ChainId,
		Twox64Concat,
		u32,
		BoundedVec<H256, T::MaxLeavesPerBlock>,
		ValueQuery,
	>;

	/// The frontier of each destination's tree in the block being built (see [`BlockFrontier`]):
	/// how many leaves it has, and the peaks its root is folded from at the end of the block.
	#[pallet::storage]
	pub type OutboundFrontiers<T: Config> = StorageMap<_, Twox64Concat, ChainId, BlockFrontier>;

	/// The root committed for each destination in each block.
	#[pallet::storage]
	pub type OutboundRoots<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ChainId, Twox64Concat, u32, H256>;

	/// The destinations that have leaves in each block, in order of their first leaf.
	#[pallet::storage]
	pub type BlockDestinations<T: Config> = StorageMap<
		_,
		Twox64Concat,
		u32,
		BoundedVec<ChainId, T::MaxDestinationsPerBlock>,
		ValueQuery,
	>;

	/// Fees earned by relayers and not yet claimed.
	#[pallet::storage]
	pub type RelayerRewards<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u128, ValueQuery>;

	/// The data-record application's records: the latest payload of each (source, sender).
	#[pallet::storage]
	pub type Records<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		ChainId,
		Blake2_128Concat,
		H256,
		BoundedVec<u8, T::MaxPayload>,
	>;

	/// The data-record application's senders of each source, by slot of a ring of
	/// `MaxRecordsPerSource`: the order in which records are replaced.
	#[pallet::storage]
	pub type RecordSlots<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ChainId, Twox64Concat, u32, H256>;

	/// The ring slot the next new sender of each source takes.
	#[pallet::storage]
	pub type NextRecordSlot<T: Config> = StorageMap<_, Twox64Concat, ChainId, u32, ValueQuery>;

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit of a message sent from the hub: held from its payer until the message
		/// completes (receipt, proven timeout or governance's decree).
		#[codec(index = 0)]
		MessageDeposit,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Pallet::<T>::endow_fee_account();
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The hub queued a message for `destination`; `deposit` is held from its payer until it
		/// completes.
		MessageSent {
			destination: ChainId,
			nonce: u64,
			app_id: u32,
			leaf: H256,
			fee: u128,
			deposit: u128,
		},
		/// A message for the hub was delivered: executed, failed (`error` says why) or expired.
		/// A message refused for routing is reported here too, with its destination.
		MessageDelivered {
			source: ChainId,
			destination: ChainId,
			nonce: u64,
			outcome: ReceiptOutcome,
			error: Option<DispatchError>,
			relayer: T::AccountId,
		},
		/// A message for another peer was accepted and queued for it.
		MessageRouted { source: ChainId, destination: ChainId, nonce: u64 },
		/// A pending message was completed by its destination's receipt.
		MessageAcknowledged {
			source: ChainId,
			destination: ChainId,
			nonce: u64,
			outcome: ReceiptOutcome,
		},
		/// A pending message was completed as expired on a proof of non-receipt: the verified
		/// header `height` of its destination is past its timeout and the destination had not
		/// delivered it.
		MessageTimedOut { source: ChainId, destination: ChainId, nonce: u64, height: u32 },
		/// Governance completed a pending message with `outcome`, without a proof from its
		/// destination.
		MessageForceCompleted {
			source: ChainId,
			destination: ChainId,
			nonce: u64,
			outcome: ReceiptOutcome,
		},
		/// A block's leaves for `destination` were committed under `root`.
		OutboundCommitted { destination: ChainId, block: u32, root: H256, leaves: u32 },
		/// A relayer earned a fee.
		RelayerRewarded { relayer: T::AccountId, amount: u128 },
		/// A relayer claimed its rewards.
		RewardsClaimed { relayer: T::AccountId, amount: u128 },
		/// The data-record application stored a record.
		RecordStored { source: ChainId, sender: H256, length: u32 },
		/// `skipped` messages of a batch from `source` had been delivered already (by another
		/// relayer); the rest of the batch was delivered.
		MessagesSkipped { source: ChainId, skipped: u32 },
		/// The data-record application dropped the record of `sender` (the oldest of `source`'s
		/// `MaxRecordsPerSource`) to make room for a new sender's.
		RecordEvicted { source: ChainId, sender: H256 },
		/// The destination took a message already completed by a proof of non-receipt (its
		/// receipt says `Expired`): its channel has moved past it and the record is gone.
		TimedOutMessageClosed { source: ChainId, destination: ChainId, nonce: u64 },
		/// A message whose commitment had aged out was committed again in `block`, so its
		/// destination can still be given its proof.
		MessageRecommitted { source: ChainId, destination: ChainId, nonce: u64, block: u32 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The registry has no such chain.
		UnknownChain,
		/// The chain is not active: nothing it proves is accepted.
		ChainNotActive,
		/// The hub holds no verified header of the chain at that height.
		UnknownHeader,
		/// A Merkle proof against a header without a message root.
		NoMessageRoot,
		/// The proof does not lead to the header's root.
		NotIncluded,
		/// The storage proof lacks a node on the key's path.
		IncompleteStorageProof,
		/// The storage proof shows another value.
		StorageValueMismatch,
		/// The chain is frozen: it backs no proof until governance restores it.
		ChainFrozen,
		/// The channel-state proof is not of the form the destination's kind keeps it in.
		ProofKindMismatch,
		/// The destination (a parachain) cannot prove receipts or channel state to the hub, so
		/// nothing is sent to it that could only end by a blind timeout.
		ReceiptsNotProvable,
		/// The proven channel state or clock value does not decode.
		MalformedChannelState,
		/// A Merkle-Patricia proof node is not valid RLP.
		MalformedProofNode,
		/// A message's source, or a receipt's destination, is not the chain the call is for.
		WrongChain,
		/// The proof is about another leaf than this message's or receipt's.
		ProofNotForMessage,
		/// Every message of the batch was already delivered on its channel.
		NonceReplayed,
		/// The nonce skips at least one undelivered nonce of its channel.
		NonceGap,
		/// No pending message has this (source, destination, nonce): never sent, or already
		/// completed.
		UnknownMessage,
		/// The receipt is for another message than the one pending under its nonce.
		ReceiptMismatch,
		/// The destination's header is not past the message's timeout by the destination's clock.
		NotTimedOut,
		/// A message leaves the hub only on proof: `timeout_message` needs a proof of non-receipt.
		NonReceiptProofRequired,
		/// The destination's channel state shows the message delivered: its receipt completes it.
		MessageWasReceived,
		/// A routed message must carry a timeout on its destination's clock.
		RouteWithoutTimeout,
		/// Governance completes a message by decree only once its destination is no longer
		/// active (suspended, frozen or retired).
		DestinationStillActive,
		/// The relayer has no rewards to claim.
		NoRewards,
		/// A message from the hub must go to a peer.
		InvalidDestination,
		/// The destination is not an active peer.
		DestinationNotActive,
		/// A message from the hub needs a timestamp timeout (on the destination's clock) after the
		/// hub's now and at most `MaxTimeoutMillis` later; a height, if set, is the destination's.
		InvalidTimeout,
		/// The payload is larger than `MaxPayload`.
		PayloadTooLarge,
		/// The destination's queue is full: `MaxPendingPerDestination` pending messages, or
		/// `MaxPendingSendsPerDestination` sent from the hub.
		QueueFull,
		/// This block's commitment capacity (leaves per destination, or destinations; the hub's
		/// senders have a share of each) is used up; try in the next block.
		BlockCapacityReached,
		/// The channel's nonce would overflow.
		NonceOverflow,
		/// The message's application does not exist.
		UnknownApplication,
		/// The data-record payload is empty.
		EmptyRecord,
		/// The payer cannot put up the message's deposit (`MessageDepositBase` plus
		/// `MessageDepositPerByte` for each byte its pending record keeps).
		DepositUnavailable,
		/// The message was already completed as `Expired` by a proof of non-receipt; its
		/// destination has yet to take it.
		AlreadyTimedOut,
		/// The receipt of a message completed by a proof of non-receipt says other than
		/// `Expired`: its destination executed it after its own clock had passed the timeout.
		ReceiptContradictsTimeout,
		/// The message's commitment is still kept: its proof can be had without committing it
		/// again.
		CommitmentStillKept,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let pruned = Self::prune_commitments(Self::block_number_u32(now));
			// The block-end commitment is reserved here, for every destination the block may
			// commit to: a root costs the same whatever the number of leaves, so no leaf pays a
			// share of it.
			let commitments = T::WeightInfo::commit_destination()
				.saturating_mul(u64::from(T::MaxDestinationsPerBlock::get()));
			T::WeightInfo::prune_commitments(pruned)
				.saturating_add(T::WeightInfo::commit_base())
				.saturating_add(commitments)
		}

		fn on_finalize(now: BlockNumberFor<T>) {
			Self::commit_block(Self::block_number_u32(now));
		}

		fn integrity_test() {
			// The senders' shares leave room for receipts and routes.
			assert!(T::MaxPendingSendsPerDestination::get() < T::MaxPendingPerDestination::get());
			assert!(T::MaxSendLeavesPerBlock::get() < T::MaxLeavesPerBlock::get());
			assert!(T::MaxSendDestinationsPerBlock::get() < T::MaxDestinationsPerBlock::get());
			assert!(T::MaxRecordsPerSource::get() > 0);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Delivers messages of `source`, each proven against the verified header of `source` at
		/// `height`. Nonces must follow their channel's last delivered nonce without a gap.
		/// Application failures do not fail the call: they are recorded in receipts. A message
		/// for a chain the registry does not know fails the call (`UnknownChain`), and so does
		/// a receipt or route this block has no capacity for (`QueueFull`,
		/// `BlockCapacityReached`): the relayer retries later; nothing is refused for good.
		///
		/// Messages another relayer delivered first are skipped (`MessagesSkipped`), and the
		/// rest delivered: racing relayers do not void each other's batches, and the caller pays
		/// only for what it delivered. A batch with nothing new fails (`NonceReplayed`).
		#[pallet::call_index(0)]
		#[pallet::weight(Pallet::<T>::deliver_weight(messages))]
		pub fn deliver_messages(
			origin: OriginFor<T>,
			source: ChainId,
			height: u32,
			messages: BoundedVec<(MessageOf<T>, InclusionProof), T::MaxMessagesPerCall>,
		) -> DispatchResultWithPostInfo {
			let relayer = ensure_signed(origin)?;
			let mut delivered = Vec::with_capacity(messages.len());
			for (message, proof) in messages.iter() {
				if Self::deliver_one(&relayer, source, height, message, proof)? {
					delivered.push((message, proof));
				}
			}
			let batch = messages.len() as u32;
			if delivered.is_empty() {
				// Nothing was verified: the relayer that lost the race pays the batch's base.
				return Err(DispatchErrorWithPostInfo {
					post_info: Some(Self::delivered_weight(batch, core::iter::empty())).into(),
					error: Error::<T>::NonceReplayed.into(),
				});
			}
			let skipped = batch - delivered.len() as u32;
			if skipped > 0 {
				Self::deposit_event(Event::MessagesSkipped { source, skipped });
			}
			Ok(Some(Self::delivered_weight(batch, delivered.into_iter())).into())
		}

		/// Completes messages sent to (or routed to) `destination` with receipts proven against
		/// the verified header of `destination` at `height`.
		#[pallet::call_index(1)]
		#[pallet::weight(Pallet::<T>::acknowledge_weight(receipts))]
		pub fn acknowledge(
			origin: OriginFor<T>,
			destination: ChainId,
			height: u32,
			receipts: BoundedVec<(Receipt, InclusionProof), T::MaxMessagesPerCall>,
		) -> DispatchResult {
			ensure_signed(origin)?;
			for (receipt, proof) in receipts.iter() {
				Self::acknowledge_one(destination, height, receipt, proof)?;
			}
			Ok(())
		}

		/// Completes a pending message on a proof of non-receipt: a verified header of its
		/// destination (`proof.height`) past the message's timeout by the destination's clock,
		/// and the destination's channel state there showing the nonce undelivered. The
		/// application refunds, the fee goes back to its payer, and for a routed message an
		/// `Expired` receipt goes to its source. Anyone may call it; without a proof it is
		/// refused (`NonReceiptProofRequired`).
		#[pallet::call_index(2)]
		#[pallet::weight(Pallet::<T>::timeout_weight(proof.as_ref()))]
		pub fn timeout_message(
			origin: OriginFor<T>,
			source: ChainId,
			destination: ChainId,
			nonce: u64,
			proof: Option<NonReceiptProof>,
		) -> DispatchResult {
			ensure_signed(origin)?;
			let proof = proof.ok_or(Error::<T>::NonReceiptProofRequired)?;
			Self::timeout_one(source, destination, nonce, &proof)
		}

		/// Pays the caller the fees it earned as a relayer.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::claim_rewards())]
		pub fn claim_rewards(origin: OriginFor<T>) -> DispatchResult {
			let relayer = ensure_signed(origin)?;
			let amount = RelayerRewards::<T>::take(&relayer);
			ensure!(!amount.is_zero(), Error::<T>::NoRewards);
			Self::pay_from_fee_account(&relayer, amount)?;
			Self::deposit_event(Event::RewardsClaimed { relayer, amount });
			Ok(())
		}

		/// Sends a data record to `destination`'s data-record application. The fee is held for
		/// the relayer; the deposit (`MessageDepositBase` plus `MessageDepositPerByte` per stored
		/// byte) until the message completes.
		#[pallet::call_index(4)]
		#[pallet::weight(Pallet::<T>::send_weight_of(payload.len() as u32))]
		pub fn send_data(
			origin: OriginFor<T>,
			destination: ChainId,
			payload: BoundedVec<u8, T::MaxPayload>,
			timeout: Timeout,
			fee: u128,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!payload.is_empty(), Error::<T>::EmptyRecord);
			Self::do_send(
				&who,
				destination,
				fusion_hub_primitives::message::DATA_RECORD_APP,
				Self::account_to_h256(&who),
				payload,
				timeout,
				fee,
			)?;
			Ok(())
		}

		/// Commits a message the hub sent or routed again, pending or timed out, whose
		/// commitment has aged out (`CommitmentsToKeep`): its destination takes messages in
		/// nonce order, so one it has yet to take must stay provable. Anyone may call it, once
		/// per window for each message, while the destination is `Active` or `Suspended`; it
		/// takes the hub senders' share of the block.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::recommit_message())]
		pub fn recommit_message(
			origin: OriginFor<T>,
			source: ChainId,
			destination: ChainId,
			nonce: u64,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::recommit(source, destination, nonce)
		}

		/// Completes a pending message with `outcome` by governance's decree: the last resort
		/// when its destination is gone for good and can prove nothing more. The destination
		/// must no longer be active. The application settles as for a receipt with that outcome;
		/// no relayer earns the fee, which goes back to its payer. Audited by
		/// `MessageForceCompleted`.
		#[pallet::call_index(5)]
		#[pallet::weight(Pallet::<T>::force_complete_weight())]
		pub fn force_complete_message(
			origin: OriginFor<T>,
			source: ChainId,
			destination: ChainId,
			nonce: u64,
			outcome: ReceiptOutcome,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::force_complete(source, destination, nonce, outcome)
		}
	}
}
