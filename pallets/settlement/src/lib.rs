//! # Settlement
//!
//! The hub's third application ([`SETTLEMENT_APP`]): atomic multi-chain settlement, delivery
//! versus payment. A settlement is 2 to `MaxLegs` legs, each a transfer of a token from one
//! party to another on one chain (a peer, or the hub itself), with a deadline. Either every leg
//! is paid to its counterparty, or every leg goes back to its owner.
//!
//! The life of a settlement ([`Phase`]):
//! 1. **Proposal** ([`Pallet::propose`]): anyone proposes it under an id of their choice, holding
//!    a deposit for the record until it concludes. Its terms are hashed
//!    ([`fusion_hub_primitives::settlement::terms_hash`]).
//! 2. **Sign-up**: every party that gives value signs up to those terms, before the deadline: on
//!    the hub by its account ([`Pallet::sign_up`], which locks its hub legs in the pallet's
//!    escrow at once), on a peer by a [`SignUp`] message from that peer's gateway.
//! 3. **Preparation** ([`Pallet::advance`], anyone): once every giver has signed up, the hub
//!    orders each peer leg's chain to lock the leg's value ([`OrderKind::Prepare`], with the
//!    deadline as its timeout on that chain's clock). The chain's receipt is its answer:
//!    `Delivered` is prepared; `Failed`, `Expired` or a proof of non-receipt past the deadline
//!    (the messaging pallet's) is refused. If the deadline passes on the hub before every giver
//!    has signed up, `advance` aborts: no order was sent.
//! 4. **Decision**: when every leg is prepared, the hub commits; on the first refusal it aborts.
//!    The decision moves nothing by itself (an answer costs the same whatever the legs); the
//!    next `advance` carries it out: hub legs are paid (to the counterparty, or back to the
//!    owner), and each peer leg that may hold a lock is sent the decision
//!    ([`OrderKind::Commit`] or [`OrderKind::Abort`]), again if it is not delivered. The
//!    decision is final and in the hub's outbound commitment, so a leg's chain acts on it with
//!    the trust it already gives the hub.
//! 5. **Conclusion**: when every leg is settled, the record goes and the deposit is released.
//!
//! Why all-or-nothing holds: a commit is decided only when every leg's chain has proven that the
//! leg is locked, and nothing is released before a decision, which is taken once. Channels are
//! ordered, so a leg's decision reaches its chain after its prepare order: an abort that meets no
//! lock only marks the leg so that it is never locked.
//!
//! Calls that send orders are paid by their caller (each message's deposit, returned when it
//! completes, and the relayer fee the caller offers); the pool's capacity check knows them
//! ([`Pallet::orders_due`]).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod decision;
mod handler;
pub mod migrations;
mod preparation;
mod proposal;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod property_tests;
#[cfg(test)]
mod tests;

pub use pallet::*;
pub use weights::WeightInfo;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use fusion_hub_primitives::settlement::{Leg, SettlementId};
use polkadot_sdk::{
	frame_support::{self, pallet_prelude::*, BoundedVec},
	sp_core::H256,
};
use scale_info::TypeInfo;

pub use fusion_hub_primitives::settlement::{LegState, OrderKind, Phase, SignUp, SETTLEMENT_APP};

/// A leg and where it is.
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
pub struct LegRecord {
	/// The leg's terms.
	pub leg: Leg,
	/// Where it is.
	pub state: LegState,
	/// The nonce of its prepare order on the channel (hub, leg's chain), once sent.
	pub prepare_nonce: Option<u64>,
	/// The nonce of its latest decision order, once sent.
	pub decision_nonce: Option<u64>,
}

/// A settlement the hub holds.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxLegs))]
pub struct Settlement<AccountId, MaxLegs: Get<u32>> {
	/// Who proposed it and holds its deposit.
	pub proposer: AccountId,
	/// The deposit held for the record.
	pub deposit: u128,
	/// The last moment (ms since the Unix epoch) at which a party may sign up (hub clock) and a
	/// leg's chain may lock its value (that chain's clock).
	pub deadline: u64,
	/// The hash of its terms, which each giver signs up to.
	pub terms: H256,
	/// Where it is.
	pub phase: Phase,
	/// Its legs, in the order proposed (a leg's index names it in orders).
	pub legs: BoundedVec<LegRecord, MaxLegs>,
}

/// A settlement as this runtime stores it.
pub type SettlementOf<T> =
	Settlement<<T as polkadot_sdk::frame_system::Config>::AccountId, <T as Config>::MaxLegs>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use fusion_hub_primitives::{settlement::HubTokens, ChainId, SendMessage, TokenRef};
	use polkadot_sdk::{
		frame_support::{
			traits::{fungible, Contains, UnixTime},
			PalletId,
		},
		frame_system::pallet_prelude::*,
	};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The native token, in which deposits are held.
		type Currency: fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason, Balance = u128>
			+ fungible::Mutate<Self::AccountId>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// Moves the hub's tokens between hub accounts (hub legs).
		type Tokens: HubTokens<Self::AccountId>;

		/// Sends orders to peer legs' chains.
		type Messenger: SendMessage<Self::AccountId, Self::MaxPayload>;

		/// The messaging pallet's payload bound.
		type MaxPayload: Get<u32>;

		/// The peers a leg may be on: active ones.
		type ActivePeers: Contains<ChainId>;

		/// The hub's clock, for deadlines and decision timeouts.
		type Time: UnixTime;

		/// The escrow account of hub legs is this pallet id's account.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Most legs in one settlement.
		#[pallet::constant]
		type MaxLegs: Get<u32>;

		/// The latest deadline a proposal may set, from now (ms). At most the messaging
		/// pallet's longest timeout, since the deadline is the prepare orders' timeout.
		#[pallet::constant]
		type MaxDeadlineMillis: Get<u64>;

		/// How long a decision order may wait for delivery (ms) before it is sent again.
		#[pallet::constant]
		type DecisionTimeoutMillis: Get<u64>;

		/// The deposit a proposal holds, plus [`Config::DepositPerLeg`] for each leg.
		#[pallet::constant]
		type DepositBase: Get<u128>;

		/// The deposit per leg.
		#[pallet::constant]
		type DepositPerLeg: Get<u128>;

		/// Weights of the calls and of the message handler.
		type WeightInfo: WeightInfo;
	}

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit of a settlement's record, released when it concludes.
		SettlementDeposit,
	}

	/// The settlements in progress.
	#[pallet::storage]
	pub type Settlements<T: Config> =
		StorageMap<_, Blake2_128Concat, SettlementId, SettlementOf<T>>;

	/// What the escrow account holds of each token for hub legs.
	#[pallet::storage]
	pub type Escrowed<T: Config> = StorageMap<_, Blake2_128Concat, TokenRef, u128, ValueQuery>;

	/// Hub-leg payments that could not be made when decided (a recipient that cannot hold the
	/// token now): kept in escrow for their owner, who claims them with
	/// [`Pallet::claim_payout`].
	#[pallet::storage]
	pub type PayoutsDue<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		TokenRef,
		u128,
		ValueQuery,
	>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Pallet::<T>::endow_escrow_account();
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A settlement was proposed.
		Proposed { id: SettlementId, proposer: T::AccountId, terms: H256, deadline: u64, legs: u32 },
		/// A party signed up to a settlement for its `legs` legs on `chain` (on the hub, their
		/// value is now in escrow).
		SignedUp { id: SettlementId, chain: ChainId, party: H256, legs: u32 },
		/// A leg's chain was ordered to lock its value (message `nonce` on that channel).
		PrepareSent { id: SettlementId, leg: u8, chain: ChainId, nonce: u64 },
		/// A leg is locked for the settlement.
		LegPrepared { id: SettlementId, leg: u8 },
		/// A leg's chain refused or never executed its prepare order.
		LegRefused { id: SettlementId, leg: u8 },
		/// The decision: commit (every leg to its counterparty) or abort (every leg back).
		Decided { id: SettlementId, committed: bool },
		/// A leg's chain was sent the decision (message `nonce` on that channel).
		DecisionSent { id: SettlementId, leg: u8, chain: ChainId, nonce: u64 },
		/// A decision order was not delivered (failed or timed out): it will be sent again.
		DecisionUndelivered { id: SettlementId, leg: u8 },
		/// A leg is settled: paid to `to` on commit, back to `from` (or never locked) on abort.
		LegSettled { id: SettlementId, leg: u8, paid_to: H256 },
		/// Every leg is settled; the record is gone and the deposit released.
		Concluded { id: SettlementId, committed: bool },
		/// A hub-leg payment could not be made now; its owner can claim it.
		PayoutDeferred { owner: T::AccountId, token: TokenRef, amount: u128 },
		/// A deferred payment was claimed.
		PayoutClaimed { owner: T::AccountId, token: TokenRef, amount: u128 },
		/// A receipt or proof about a settlement order changed nothing: not an answer the
		/// settlement waits for (`error` says why).
		AnswerIgnored { destination: ChainId, nonce: u64, error: DispatchError },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// A settlement with this id is in progress.
		SettlementExists,
		/// No settlement with this id is in progress.
		UnknownSettlement,
		/// A settlement needs at least two legs.
		TooFewLegs,
		/// The deadline has passed already.
		DeadlineInPast,
		/// The deadline is further than `MaxDeadlineMillis` from now.
		DeadlineTooFar,
		/// A leg moves nothing.
		ZeroAmount,
		/// A leg's giver and receiver are the same party.
		SameParty,
		/// A hub leg's token is neither the native token nor a wrapped asset the hub holds.
		UnknownToken,
		/// A hub leg's amount is below the token's minimum balance.
		BelowMinimum,
		/// A hub leg's party is not an account of the hub.
		InvalidParty,
		/// A leg's chain is not an active peer.
		ChainNotActive,
		/// A peer leg's token is not that chain's own.
		TokenNotOnChain,
		/// The proposer cannot pay the deposit.
		DepositUnavailable,
		/// The settlement is not in the phase this needs.
		WrongPhase,
		/// The terms signed up to are not the settlement's.
		TermsMismatch,
		/// The deadline has passed: too late to sign up.
		DeadlinePassed,
		/// The party gives no leg of the settlement on this chain.
		NotAParty,
		/// The party has signed up already.
		AlreadySignedUp,
		/// Not every giving party has signed up, and the deadline has not passed.
		AwaitingSignUps,
		/// The prepare orders are out; the decision waits for every leg's answer.
		AwaitingAnswers,
		/// Decided, and every decision order is sent or delivered: nothing to do.
		NothingDue,
		/// The payload is not a settlement payload this needs.
		InvalidPayload,
		/// Settlement orders come from the hub only; no peer may route one to another.
		NotFromHub,
		/// The order names a leg the settlement does not have, or on another chain.
		UnknownLeg,
		/// The answer is not for the order the leg waits on (another settlement's, an older
		/// order, or one answered already).
		StaleAnswer,
		/// An amount overflowed.
		Overflow,
		/// The escrow holds less of the token than the hub legs say (never, by the books).
		EscrowShortfall,
		/// The caller has no deferred payment of this token.
		NoPayoutDue,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(
			_: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Proposes settlement `id`: `legs` (2 to `MaxLegs`), to be signed up to by every giver
		/// and prepared on every chain by `deadline` (ms since the Unix epoch, each chain's
		/// clock). Holds the deposit until the settlement concludes.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::propose(legs.len() as u32))]
		pub fn propose(
			origin: OriginFor<T>,
			id: SettlementId,
			legs: BoundedVec<Leg, T::MaxLegs>,
			deadline: u64,
		) -> DispatchResult {
			let proposer = ensure_signed(origin)?;
			Self::do_propose(proposer, id, legs, deadline)
		}

		/// Signs the caller up to settlement `id`, whose terms hash is `terms`: every hub leg it
		/// gives is locked in escrow now.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::sign_up(T::MaxLegs::get()))]
		pub fn sign_up(
			origin: OriginFor<T>,
			id: SettlementId,
			terms: H256,
		) -> DispatchResultWithPostInfo {
			let party = ensure_signed(origin)?;
			let legs = Self::do_sign_up(party, id, terms)?;
			Ok(Some(T::WeightInfo::sign_up(legs)).into())
		}

		/// Takes settlement `id` its next step, whoever calls: sends the prepare orders once
		/// every giver has signed up (or aborts if the deadline passed first), and sends each
		/// decision order that is due. The caller pays each order's message deposit (returned
		/// when it completes) and offers `fee` to the relayer of each.
		#[pallet::call_index(2)]
		#[pallet::weight(Pallet::<T>::advance_weight(T::MaxLegs::get()))]
		pub fn advance(
			origin: OriginFor<T>,
			id: SettlementId,
			fee: u128,
		) -> DispatchResultWithPostInfo {
			let payer = ensure_signed(origin)?;
			let legs = Self::do_advance(&payer, id, fee)?;
			Ok(Some(Self::advance_weight(legs)).into())
		}

		/// Pays the caller a hub-leg payment that could not be made when decided.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::claim_payout())]
		pub fn claim_payout(origin: OriginFor<T>, token: TokenRef) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_claim_payout(owner, token)
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Settlement `id` as the runtime API shows it.
	pub fn settlement_view(
		id: SettlementId,
	) -> Option<fusion_hub_primitives::settlement::SettlementView> {
		use fusion_hub_primitives::{
			message::account_to_bytes32,
			settlement::{LegView, SettlementView},
		};
		let settlement = Settlements::<T>::get(id)?;
		Some(SettlementView {
			id,
			proposer: account_to_bytes32(&settlement.proposer),
			deadline: settlement.deadline,
			terms: settlement.terms,
			phase: settlement.phase,
			legs: settlement
				.legs
				.iter()
				.map(|record| LegView {
					leg: record.leg,
					state: record.state,
					prepare_nonce: record.prepare_nonce,
					decision_nonce: record.decision_nonce,
				})
				.collect(),
		})
	}
}
