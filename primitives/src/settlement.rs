//! Atomic multi-chain settlement (delivery versus payment): the legs of a settlement, the hash of
//! its terms that every giving party signs up to, and the payloads of the settlement application
//! ([`SETTLEMENT_APP`]).
//!
//! A settlement is 2 to N legs, each a transfer of a token from one party to another on one chain
//! (a peer or the hub), with a deadline. The hub asks each peer leg's chain to lock the leg's
//! value ([`OrderKind::Prepare`]); the chain's receipt answers (`Delivered` = prepared, anything
//! else = refused). When every leg is prepared the hub orders [`OrderKind::Commit`] on every leg,
//! otherwise [`OrderKind::Abort`]: a chain releases a locked leg once, to its counterparty on
//! commit or back to its owner on abort, and only on the hub's order, proven by the hub's
//! outbound commitment. A party on a peer signs up with a [`SignUp`] message from its gateway.
//!
//! Payloads are ABI-encoded static words, as `abi.encode` gives them, so a Solidity gateway reads
//! them with `abi.decode`; `docs/protocol.md` specifies them byte for byte.

pub use crate::message::SETTLEMENT_APP;
use crate::{
	message::{abi_uint, abi_word},
	ChainId, TokenRef,
};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	sp_core::H256,
	sp_io::hashing::keccak_256,
	sp_runtime::{DispatchError, DispatchResult},
};
use scale_info::TypeInfo;

/// A settlement's id, chosen by its proposer (a trade reference, say). The hub refuses an id it
/// holds already; gateways refuse to lock a leg they have seen before.
pub type SettlementId = H256;

/// One transfer of a settlement.
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
#[cfg_attr(feature = "std", derive(serde::Serialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct Leg {
	/// The chain the value moves on: a peer, or the hub ([`crate::HUB_CHAIN_ID`]).
	pub chain: ChainId,
	/// The token moved. On a peer it is the peer's own token (its home is `chain`).
	pub token: TokenRef,
	/// The party that gives the value, as 32 bytes (an Ethereum address is left-padded, a hub
	/// account is its SCALE encoding).
	pub from: H256,
	/// The party that receives it on commit.
	pub to: H256,
	/// How much, in the token's smallest unit (a decimal string in JSON: JavaScript numbers
	/// cannot hold every `u128`).
	#[cfg_attr(
		feature = "std",
		serde(serialize_with = "crate::runtime_api::serialize_u128_as_string")
	)]
	pub amount: u128,
}

impl Leg {
	/// The leg's six ABI words: chain, token home, token id, from, to, amount.
	fn abi_encode_into(&self, out: &mut Vec<u8>) {
		abi_word(out, &self.chain.to_be_bytes());
		abi_word(out, &self.token.home.to_be_bytes());
		out.extend_from_slice(self.token.id.as_bytes());
		out.extend_from_slice(self.from.as_bytes());
		out.extend_from_slice(self.to.as_bytes());
		abi_word(out, &self.amount.to_be_bytes());
	}
}

/// The hash of a settlement's terms, which each giving party signs up to: consent to one's own
/// leg is consent to the whole trade, counter legs and deadline included.
///
/// `keccak256(abi.encode(id, deadline, legs.length, legs[0].chain, legs[0].token.home,
/// legs[0].token.id, legs[0].from, legs[0].to, legs[0].amount, legs[1].chain, ...))`: 32-byte
/// words only, so Solidity computes it with `abi.encode` or `abi.encodePacked` of the words.
pub fn terms_hash(id: &SettlementId, deadline: u64, legs: &[Leg]) -> H256 {
	let mut out = Vec::with_capacity(32 * (3 + 6 * legs.len()));
	out.extend_from_slice(id.as_bytes());
	abi_word(&mut out, &deadline.to_be_bytes());
	abi_word(&mut out, &(legs.len() as u64).to_be_bytes());
	for leg in legs {
		leg.abi_encode_into(&mut out);
	}
	H256(keccak_256(&out))
}

/// Where a settlement is in its life.
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
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum Phase {
	/// Waiting for every giving party to sign up.
	SigningUp,
	/// Prepare orders sent; waiting for every peer leg's answer.
	Preparing,
	/// Decided: every leg is paid to its counterparty.
	Committed,
	/// Decided: every leg goes back to its owner (or is never locked).
	Aborted,
}

impl Phase {
	/// Whether the decision is taken.
	pub fn is_decided(self) -> bool {
		matches!(self, Self::Committed | Self::Aborted)
	}
}

/// Where one leg is.
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
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum LegState {
	/// Its giver has not signed up.
	AwaitingSignUp,
	/// Its giver has signed up: a hub leg's value is in escrow; a peer leg waits for its prepare
	/// order.
	SignedUp,
	/// Its prepare order is on its way to the leg's chain; the answer is not known.
	Preparing,
	/// Locked for the settlement: in the hub's escrow, or on its chain as the chain's receipt
	/// proves.
	Prepared,
	/// Its chain refused the prepare order, or never executed it before the deadline: nothing
	/// is locked there.
	Refused,
	/// Decided, and the leg holds value: the next `advance` pays it (a hub leg) or sends its
	/// chain the decision order (again).
	DecisionDue,
	/// The decision order is on its way.
	DecisionSent,
	/// Paid to its counterparty (commit), or back to its owner or never locked (abort).
	Settled,
}

/// What the hub orders a leg's chain to do.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum OrderKind {
	/// Lock the leg's value under the settlement: take it from `from` and hold it.
	Prepare,
	/// Pay the locked value to `to`.
	Commit,
	/// Return the locked value to `from`; if nothing was locked, never lock it.
	Abort,
}

impl OrderKind {
	/// The kind's code, the payload's first word.
	pub fn code(self) -> u8 {
		match self {
			Self::Prepare => 1,
			Self::Commit => 2,
			Self::Abort => 3,
		}
	}

	fn from_code(code: u8) -> Option<Self> {
		match code {
			1 => Some(Self::Prepare),
			2 => Some(Self::Commit),
			3 => Some(Self::Abort),
			_ => None,
		}
	}
}

/// The code of a [`SignUp`] payload's first word.
pub const SIGN_UP_CODE: u8 = 4;

/// Length of an encoded [`SettlementOrder`]: eight ABI words.
pub const ORDER_PAYLOAD_LEN: usize = 8 * 32;

/// Length of an encoded [`SignUp`]: three ABI words.
pub const SIGN_UP_PAYLOAD_LEN: usize = 3 * 32;

/// The payload of a settlement message from the hub to a leg's chain.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SettlementOrder {
	/// Prepare, commit or abort.
	pub kind: OrderKind,
	/// The settlement.
	pub id: SettlementId,
	/// The leg's index in the settlement.
	pub leg: u8,
	/// The token's id on the leg's chain (an ERC-20 address, left-padded).
	pub token: H256,
	/// The giving party.
	pub from: H256,
	/// The receiving party.
	pub to: H256,
	/// The amount.
	pub amount: u128,
	/// The settlement's [`terms_hash`]: a gateway locks a leg only for a party that signed up to
	/// exactly these terms, and keys the leg by (id, terms, leg), so that an id used before, or
	/// squatted with other terms, never touches this trade's legs.
	pub terms: H256,
}

impl SettlementOrder {
	/// The order of `kind` for leg `index` of settlement `id`, whose terms hash is `terms`.
	pub fn new(kind: OrderKind, id: SettlementId, index: u8, leg: &Leg, terms: H256) -> Self {
		Self {
			kind,
			id,
			leg: index,
			token: leg.token.id,
			from: leg.from,
			to: leg.to,
			amount: leg.amount,
			terms,
		}
	}

	/// `abi.encode(uint8 kind, bytes32 id, uint8 leg, bytes32 token, bytes32 from, bytes32 to,
	/// uint128 amount, bytes32 terms)`.
	pub fn abi_encode(&self) -> Vec<u8> {
		let mut out = Vec::with_capacity(ORDER_PAYLOAD_LEN);
		abi_word(&mut out, &[self.kind.code()]);
		out.extend_from_slice(self.id.as_bytes());
		abi_word(&mut out, &[self.leg]);
		out.extend_from_slice(self.token.as_bytes());
		out.extend_from_slice(self.from.as_bytes());
		out.extend_from_slice(self.to.as_bytes());
		abi_word(&mut out, &self.amount.to_be_bytes());
		out.extend_from_slice(self.terms.as_bytes());
		out
	}

	/// Decodes exactly eight ABI words of a known kind; `None` otherwise.
	pub fn abi_decode(bytes: &[u8]) -> Option<Self> {
		if bytes.len() != ORDER_PAYLOAD_LEN {
			return None;
		}
		let word = |index: usize| &bytes[index * 32..(index + 1) * 32];
		let [code] = abi_uint::<1>(word(0))?;
		let [leg] = abi_uint::<1>(word(2))?;
		Some(Self {
			kind: OrderKind::from_code(code)?,
			id: H256::from_slice(word(1)),
			leg,
			token: H256::from_slice(word(3)),
			from: H256::from_slice(word(4)),
			to: H256::from_slice(word(5)),
			amount: u128::from_be_bytes(abi_uint::<16>(word(6))?),
			terms: H256::from_slice(word(7)),
		})
	}
}

/// The payload of a message from a peer's gateway by which its sender signs up to a settlement:
/// every leg on that chain that the sender gives.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SignUp {
	/// The settlement.
	pub id: SettlementId,
	/// Its [`terms_hash`], as the party read it.
	pub terms: H256,
}

impl SignUp {
	/// `abi.encode(uint8 4, bytes32 id, bytes32 terms)`.
	pub fn abi_encode(&self) -> Vec<u8> {
		let mut out = Vec::with_capacity(SIGN_UP_PAYLOAD_LEN);
		abi_word(&mut out, &[SIGN_UP_CODE]);
		out.extend_from_slice(self.id.as_bytes());
		out.extend_from_slice(self.terms.as_bytes());
		out
	}

	/// Decodes exactly three ABI words whose first is [`SIGN_UP_CODE`]; `None` otherwise.
	pub fn abi_decode(bytes: &[u8]) -> Option<Self> {
		if bytes.len() != SIGN_UP_PAYLOAD_LEN || abi_uint::<1>(&bytes[..32])? != [SIGN_UP_CODE] {
			return None;
		}
		Some(Self { id: H256::from_slice(&bytes[32..64]), terms: H256::from_slice(&bytes[64..96]) })
	}
}

/// A leg as the runtime API shows it: its terms, where it is, and the nonces of its orders on
/// the channel (hub, leg's chain).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct LegView {
	/// The leg's terms.
	pub leg: Leg,
	/// Where it is.
	pub state: LegState,
	/// Its prepare order's nonce, once sent.
	pub prepare_nonce: Option<u64>,
	/// Its latest decision order's nonce, once sent.
	pub decision_nonce: Option<u64>,
}

/// A settlement in progress as the runtime API shows it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct SettlementView {
	/// Its id.
	pub id: SettlementId,
	/// Its proposer, as 32 bytes.
	pub proposer: H256,
	/// The deadline (ms since the Unix epoch).
	pub deadline: u64,
	/// The terms hash every giver signs up to.
	pub terms: H256,
	/// Where it is.
	pub phase: Phase,
	/// Its legs, in order.
	pub legs: Vec<LegView>,
}

/// The hub's own tokens as the settlement application moves them between hub accounts:
/// implemented by `pallet-asset-lock`, which knows the native token and the wrapped assets.
pub trait HubTokens<AccountId> {
	/// The smallest amount of `token` an account may hold (the existential deposit or the
	/// asset's minimum balance); an error if the hub does not hold the token.
	fn minimum_balance(token: &TokenRef) -> Result<u128, DispatchError>;

	/// What `who` holds of `token` (0 for a token the hub does not hold).
	fn balance(token: &TokenRef, who: &AccountId) -> u128;

	/// Moves `amount` of `token` from `from` to `to`. A party's native account is kept alive; an
	/// escrow account may be emptied.
	fn transfer(
		token: &TokenRef,
		from: &AccountId,
		to: &AccountId,
		amount: u128,
		keep_alive: bool,
	) -> DispatchResult;

	/// A hub token of the costlier kind to move (a wrapped asset), with `amount` of it given to
	/// `holder` (an existing account): for the benchmarks of applications. Different `index`es
	/// give different assets, so that legs in several assets are measured on keys of their own.
	#[cfg(feature = "runtime-benchmarks")]
	fn wrapped_token_for_benchmarks(
		index: u32,
		holder: &AccountId,
		amount: u128,
	) -> Result<TokenRef, DispatchError>;
}

#[cfg(test)]
mod tests {
	use super::*;

	fn leg(chain: ChainId, amount: u128) -> Leg {
		Leg {
			chain,
			token: TokenRef { home: chain, id: H256::repeat_byte(0x11) },
			from: H256::repeat_byte(0xaa),
			to: H256::repeat_byte(0xbb),
			amount,
		}
	}

	#[test]
	fn an_order_decodes_from_exactly_its_encoding() {
		let id = H256::repeat_byte(0x42);
		for kind in [OrderKind::Prepare, OrderKind::Commit, OrderKind::Abort] {
			let order = SettlementOrder::new(kind, id, 3, &leg(7, 1_000), H256::repeat_byte(9));
			let bytes = order.abi_encode();
			assert_eq!(bytes.len(), ORDER_PAYLOAD_LEN);
			assert_eq!(SettlementOrder::abi_decode(&bytes), Some(order));
		}
		let bytes =
			SettlementOrder::new(OrderKind::Commit, id, 1, &leg(7, 5), H256::zero()).abi_encode();
		let mut unknown_kind = bytes.clone();
		unknown_kind[31] = 9;
		assert_eq!(SettlementOrder::abi_decode(&unknown_kind), None);
		let mut wide_leg = bytes.clone();
		wide_leg[2 * 32 + 30] = 1;
		assert_eq!(SettlementOrder::abi_decode(&wide_leg), None);
		assert_eq!(SettlementOrder::abi_decode(&bytes[..7 * 32]), None);
	}

	#[test]
	fn a_sign_up_decodes_only_with_its_code() {
		let sign_up = SignUp { id: H256::repeat_byte(1), terms: H256::repeat_byte(2) };
		let bytes = sign_up.abi_encode();
		assert_eq!(SignUp::abi_decode(&bytes), Some(sign_up));
		let mut order_code = bytes.clone();
		order_code[31] = OrderKind::Prepare.code();
		assert_eq!(SignUp::abi_decode(&order_code), None);
		assert_eq!(SignUp::abi_decode(&bytes[..64]), None);
	}

	#[test]
	fn the_terms_hash_binds_every_leg_and_the_deadline() {
		let id = H256::repeat_byte(0x42);
		let legs = [leg(0, 10), leg(7, 20)];
		let terms = terms_hash(&id, 1_000, &legs);
		assert_ne!(terms, terms_hash(&id, 1_001, &legs));
		assert_ne!(terms, terms_hash(&H256::repeat_byte(0x43), 1_000, &legs));
		assert_ne!(terms, terms_hash(&id, 1_000, &[leg(0, 10), leg(7, 21)]));
		assert_ne!(terms, terms_hash(&id, 1_000, &[leg(7, 20), leg(0, 10)]));
		assert_ne!(terms, terms_hash(&id, 1_000, &legs[..1]));
	}
}
