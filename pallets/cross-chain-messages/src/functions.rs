//! What the inbound, outbound and completion paths share: the fee account, the hub's clock,
//! account forms, weights, the books' check, and what the registry asks before retiring a chain.

use crate::{pallet::*, MessageOf, WeightInfo};
use fusion_hub_primitives::{
	message::{account_to_bytes32, bytes32_to_account, HUB_CHAIN_ID},
	ChainId, ChainUsage, InclusionError, InclusionProof, MessageHandler, NonReceiptProof, Receipt,
	VerifyInclusion,
};
use polkadot_sdk::frame_support::traits::UnixTime;
#[cfg(feature = "runtime-benchmarks")]
use polkadot_sdk::{frame_support::BoundedVec, sp_runtime::DispatchResult};
use polkadot_sdk::{
	frame_support::{traits::Get, weights::Weight},
	frame_system,
	sp_core::H256,
	sp_runtime::traits::{AccountIdConversion, UniqueSaturatedInto},
};

impl<T: Config> Error<T> {
	pub(crate) fn from_inclusion(error: InclusionError) -> Self {
		match error {
			InclusionError::UnknownChain => Error::UnknownChain,
			InclusionError::ChainNotActive => Error::ChainNotActive,
			InclusionError::UnknownHeader => Error::UnknownHeader,
			InclusionError::NoMessageRoot => Error::NoMessageRoot,
			InclusionError::NotIncluded => Error::NotIncluded,
			InclusionError::IncompleteStorageProof => Error::IncompleteStorageProof,
			InclusionError::StorageValueMismatch => Error::StorageValueMismatch,
			InclusionError::ChainFrozen => Error::ChainFrozen,
			InclusionError::ProofKindMismatch => Error::ProofKindMismatch,
			InclusionError::NoChannelStateProof => Error::ReceiptsNotProvable,
			InclusionError::MalformedChannelState => Error::MalformedChannelState,
			InclusionError::MalformedProofNode => Error::MalformedProofNode,
		}
	}
}

/// The proof sizes of reading a frontier, a block's destinations and a per-chain count, at
/// their largest encodings with the benchmarks' trie overhead (as the weight files give them).
const FRONTIER_PROOF: u64 = 3_520;
const DESTINATIONS_PROOF: u64 = 2_552;
const COUNT_PROOF: u64 = 2_491;

impl<T: Config> Pallet<T> {
	/// The account that holds fees.
	pub fn fee_account() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Gives the fee account the existential deposit, so that fees below it can be held and
	/// paid out without the account ever being reaped.
	pub(crate) fn endow_fee_account() {
		fusion_hub_primitives::endow_to_minimum::<_, T::Currency>(&Self::fee_account());
	}

	pub(crate) fn block_number_u32(number: frame_system::pallet_prelude::BlockNumberFor<T>) -> u32 {
		number.unique_saturated_into()
	}

	pub(crate) fn now_block() -> u32 {
		Self::block_number_u32(frame_system::Pallet::<T>::block_number())
	}

	pub(crate) fn now_ms() -> u64 {
		T::Time::now().as_millis().unique_saturated_into()
	}

	/// An account as the 32 bytes receipts and senders carry.
	pub fn account_to_h256(who: &T::AccountId) -> H256 {
		account_to_bytes32(who)
	}

	/// The account whose 32 bytes these are, if they decode as one.
	pub fn h256_to_account(bytes: &H256) -> Option<T::AccountId> {
		bytes32_to_account(bytes)
	}

	pub(crate) fn deliver_weight(messages: &[(MessageOf<T>, InclusionProof)]) -> Weight {
		Self::delivered_weight(
			messages.len() as u32,
			messages.iter().map(|(message, proof)| (message, proof)),
		)
	}

	/// A batch of `batch` messages of which `delivered` were delivered (the rest skipped): the
	/// batch's base cost and each delivered message's proof, application and leaf (a receipt's
	/// is in the benchmark; a route's queueing is added).
	pub(crate) fn delivered_weight<'a>(
		batch: u32,
		delivered: impl Iterator<Item = (&'a MessageOf<T>, &'a InclusionProof)>,
	) -> Weight {
		delivered.fold(T::WeightInfo::deliver_messages(batch), |total, (message, proof)| {
			let routed = if message.destination == HUB_CHAIN_ID {
				Weight::zero()
			} else {
				Self::routed_message_weight()
			};
			total
				.saturating_add(T::Verifier::inclusion_weight(proof))
				.saturating_add(T::Applications::weight(message))
				.saturating_add(routed)
		})
	}

	pub(crate) fn acknowledge_weight(receipts: &[(Receipt, InclusionProof)]) -> Weight {
		receipts.iter().fold(
			T::WeightInfo::acknowledge(receipts.len() as u32),
			|total, (_, proof)| {
				total
					.saturating_add(T::Verifier::inclusion_weight(proof))
					.saturating_add(T::Applications::outcome_weight())
					.saturating_add(Self::forwarded_leaf_weight())
			},
		)
	}

	/// `timeout_message`: the call, the channel-state proof, the refund and a forwarded receipt's
	/// leaf. Without a proof the call is refused at once, for the call's base weight.
	pub(crate) fn timeout_weight(proof: Option<&NonReceiptProof>) -> Weight {
		let base = T::WeightInfo::timeout_message();
		match proof {
			None => base,
			Some(proof) => base
				.saturating_add(T::Verifier::channel_state_weight(&proof.channel_state))
				.saturating_add(T::Applications::outcome_weight())
				.saturating_add(Self::forwarded_leaf_weight()),
		}
	}

	pub(crate) fn force_complete_weight() -> Weight {
		T::WeightInfo::force_complete_message()
			.saturating_add(T::Applications::outcome_weight())
			.saturating_add(Self::forwarded_leaf_weight())
	}

	/// Queueing the receipt of a routed message for its source, which the completion benchmarks
	/// (of messages sent from the hub) do not take: the frontier and the block's destinations
	/// read and written, the leaf appended, the receipt kept and the channel's oldest dropped;
	/// the proof size of what is read, at its largest encoding. (The block-end commitment is
	/// reserved in `on_initialize`.) Not benchmarked: counted from the storage it touches.
	fn forwarded_leaf_weight() -> Weight {
		<T as frame_system::Config>::DbWeight::get()
			.reads_writes(2, 5)
			.saturating_add(Weight::from_parts(0, FRONTIER_PROOF + DESTINATIONS_PROOF))
	}

	/// Queueing a routed message for its destination, which the delivery benchmark (of messages
	/// for the hub) does not take: the leaf as above, and the pending record with its counts
	/// (the destination's, and the source's routed ones).
	fn routed_message_weight() -> Weight {
		<T as frame_system::Config>::DbWeight::get().reads_writes(4, 6).saturating_add(
			Weight::from_parts(0, FRONTIER_PROOF + DESTINATIONS_PROOF + 2 * COUNT_PROOF),
		)
	}

	/// Sending a message of `payload_len` bytes (the block-end commitment is reserved in
	/// `on_initialize`).
	pub fn send_weight_of(payload_len: u32) -> Weight {
		T::WeightInfo::send_data(payload_len)
	}

	/// Registers `chain` as an active committee chain (a permissioned ledger, which proves its
	/// channel state by committee leaf) and endows the fee account: the setup of benchmarks that
	/// send to or receive from it.
	#[cfg(feature = "runtime-benchmarks")]
	pub fn open_chain_for_benchmarks(chain: ChainId) -> DispatchResult {
		use fusion_hub_primitives::{
			ChainKind, ChainRegistry, CommitteeConfig, CommitteeKey, LedgerPlatform, VerifierConfig,
		};
		Self::endow_fee_account();
		if T::Registry::is_active(chain) {
			return Ok(());
		}
		let committee = CommitteeConfig {
			members: BoundedVec::truncate_from(alloc::vec![CommitteeKey::Ed25519(
				polkadot_sdk::sp_core::ed25519::Public::from_raw([7u8; 32])
			)]),
			threshold: 1,
			set_id: 0,
		};
		T::Registry::register_active_for_benchmarks(
			chain,
			ChainKind::PermissionedLedger { platform: LedgerPlatform::Other },
			VerifierConfig::Committee(committee),
		)
	}

	/// Checks the books: pending counts (per destination, and routed per source) match the
	/// pending messages, each pending message's leaf is its message's, this block's frontiers
	/// agree with its leaves, and the fee account holds at least every held fee and unclaimed
	/// reward.
	#[cfg(any(feature = "try-runtime", feature = "std"))]
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use alloc::collections::BTreeMap;
		use fusion_hub_primitives::counts_agree;
		use polkadot_sdk::frame_support::traits::fungible::InspectHold;
		use polkadot_sdk::frame_support::{ensure, traits::fungible::Inspect};
		let mut counts = BTreeMap::<ChainId, u32>::new();
		let mut sends = BTreeMap::<ChainId, u32>::new();
		let mut routed = BTreeMap::<ChainId, u32>::new();
		let mut deposits = BTreeMap::<T::AccountId, u128>::new();
		let mut held: u128 = 0;
		for ((source, destination, _), pending) in PendingMessages::<T>::iter() {
			ensure!(
				pending.leaf == pending.message.leaf_hash(),
				"a pending leaf is not its message's"
			);
			*counts.entry(destination).or_default() += 1;
			match pending.payer {
				Some(ref payer) => {
					held = held.saturating_add(pending.message.fee);
					*sends.entry(destination).or_default() += 1;
					let deposit = deposits.entry(payer.clone()).or_default();
					*deposit = deposit.saturating_add(pending.deposit);
				},
				None => {
					ensure!(pending.deposit == 0, "a routed message holds a deposit");
					*routed.entry(source).or_default() += 1
				},
			}
		}
		// A timed-out message keeps its place in the queue until its destination takes it; its
		// fee and deposit went back at the timeout.
		for ((source, destination, _), record) in TimedOutMessages::<T>::iter() {
			ensure!(
				record.leaf == record.message.leaf_hash(),
				"a timed-out leaf is not its message's"
			);
			ensure!(record.deposit == 0, "a timed-out message holds a deposit");
			ensure!(
				!PendingMessages::<T>::contains_key((source, destination, record.message.nonce)),
				"a message both pending and timed out"
			);
			*counts.entry(destination).or_default() += 1;
			match record.payer {
				Some(_) => *sends.entry(destination).or_default() += 1,
				None => *routed.entry(source).or_default() += 1,
			}
		}
		for key in Recommitments::<T>::iter_keys() {
			ensure!(
				PendingMessages::<T>::contains_key(key) || TimedOutMessages::<T>::contains_key(key),
				"a recommitment of a message that is neither pending nor timed out"
			);
		}
		ensure!(
			counts_agree(counts, PendingCount::<T>::iter()),
			"PendingCount differs from the pending and timed-out messages"
		);
		ensure!(
			counts_agree(sends, PendingSends::<T>::iter()),
			"PendingSends differs from the pending messages sent from the hub"
		);
		ensure!(
			counts_agree(routed, RoutedPendingFrom::<T>::iter()),
			"RoutedPendingFrom differs from the routed pending messages"
		);
		ensure!(
			PendingCount::<T>::iter_values()
				.all(|count| count <= T::MaxPendingPerDestination::get()),
			"a queue is over its bound"
		);
		ensure!(
			PendingSends::<T>::iter_values()
				.all(|count| count <= T::MaxPendingSendsPerDestination::get()),
			"the hub's senders take more than their share of a queue"
		);
		// Held deposits are the pending messages' deposits, payer by payer.
		for (payer, deposit) in deposits {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::MessageDeposit.into(), &payer) == deposit,
				"a payer's held deposit differs from its pending messages' deposits"
			);
		}
		for source in NextRecordSlot::<T>::iter_keys() {
			ensure!(
				RecordSlots::<T>::iter_prefix(source).count() as u32
					<= T::MaxRecordsPerSource::get(),
				"a source keeps more records than MaxRecordsPerSource"
			);
		}
		for (source, _, sender) in RecordSlots::<T>::iter() {
			ensure!(Records::<T>::contains_key(source, sender), "a record slot without a record");
		}
		ensure!(
			Records::<T>::iter_keys().count() == RecordSlots::<T>::iter_keys().count(),
			"a record without a slot"
		);
		// This block's commitments: each destination's frontier counts and roots its leaves.
		let now = Self::now_block();
		for destination in BlockDestinations::<T>::get(now) {
			let leaves = OutboundLeaves::<T>::get(destination, now);
			let frontier = Self::frontier_at(destination, now)
				.ok_or("a destination of this block without its frontier")?;
			ensure!(
				frontier.tree.leaves as usize == leaves.len()
					&& frontier.tree.root()
						== fusion_hub_primitives::merkle::keccak_merkle_root(&leaves),
				"a frontier differs from its block's leaves"
			);
		}
		let rewards: u128 =
			RelayerRewards::<T>::iter_values().fold(0, |sum, reward| sum.saturating_add(reward));
		let owed = held.saturating_add(rewards);
		ensure!(
			T::Currency::balance(&Self::fee_account()) >= owed,
			"the fee account holds less than the fees and rewards it owes"
		);
		Ok(())
	}
}

/// A chain is in use while messages are pending to it, or routed from it and waiting for the
/// receipt that goes back to it.
impl<T: Config> ChainUsage for Pallet<T> {
	fn is_in_use(chain_id: ChainId) -> bool {
		PendingCount::<T>::get(chain_id) > 0 || RoutedPendingFrom::<T>::get(chain_id) > 0
	}
}

/// A retired chain never sends or receives again and its id is never reused: the nonces of its
/// channel with the hub can go, and so can its senders' data records (its deposit, which paid
/// for them, is released). Channels between it and other peers (routes) keep theirs; they are
/// not bounded per chain.
impl<T: Config> fusion_hub_primitives::ChainTrustReset for Pallet<T> {
	fn on_verifier_replaced(_: ChainId) {}

	fn on_retired(chain_id: ChainId) {
		OutboundNonces::<T>::remove(chain_id);
		InboundNonces::<T>::remove(chain_id, fusion_hub_primitives::HUB_CHAIN_ID);
		let limit = T::MaxRecordsPerSource::get();
		let _ = Records::<T>::clear_prefix(chain_id, limit, None);
		let _ = RecordSlots::<T>::clear_prefix(chain_id, limit, None);
		NextRecordSlot::<T>::remove(chain_id);
	}

	fn verifier_replaced_weight() -> Weight {
		Weight::zero()
	}

	fn retired_weight() -> Weight {
		let records = u64::from(T::MaxRecordsPerSource::get());
		let keys = records.saturating_mul(2);
		// Each cleared key's trie path and node in the proof: a record's node holds its payload.
		let proof = records.saturating_mul(u64::from(T::MaxPayload::get()).saturating_add(256));
		T::DbWeight::get()
			.writes(3u64.saturating_add(keys))
			.saturating_add(Weight::from_parts(0, proof.saturating_add(keys.saturating_mul(256))))
	}
}
