//! Types and pure logic shared by the Fusion Hub runtime, its node and off-chain relayers.
//!
//! Everything here is `no_std`, deterministic and free of storage access, so a relayer can run
//! the same checks off-chain that the hub runs on-chain.
//!
//! - [`registry`]: what the hub knows about a peer chain (kind, verifier configuration, status),
//!   the checks a verifier configuration must pass, and the [`ChainRegistry`] trait through which
//!   the other pallets consult the registry.
//! - [`header`]: peer headers as committees sign them and as the hub records them.
//! - [`attestation`]: committee attestations (ed25519, sr25519, Ethereum-style ECDSA) over
//!   domain-separated payloads.
//! - [`grandpa`]: GRANDPA finality of Substrate peers, on polkadot-sdk's bridge code.
//! - [`merkle`]: binary Merkle trees, keccak sorted-pair (OpenZeppelin) and blake2
//!   (`binary-merkle-tree`).
//! - [`inclusion`]: inclusion proofs against verified headers and the [`VerifyInclusion`] trait.
//! - [`channel`]: timeouts on the destination's clock, channel state and the proofs of
//!   non-receipt that let a source refund.
//! - [`message`]: cross-chain messages, receipts and transfer payloads, the Merkle leaves that
//!   commit to them, and the traits between the messaging pallet and its applications.
//! - [`settlement`]: atomic multi-chain settlements: legs, their terms hash, and the payloads of
//!   the settlement application (prepare, commit, abort, sign up).
//! - [`runtime_api`]: runtime APIs the node exposes (also as `fusion_*` JSON-RPC methods).
//!
//! Every signed payload and proof encoding is specified byte for byte in `docs/protocol.md`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod attestation;
pub mod channel;
pub mod grandpa;
pub mod header;
pub mod inclusion;
pub mod merkle;
pub mod message;
pub mod notary;
pub mod registry;
pub mod runtime_api;
pub mod settlement;

pub use attestation::{Attestation, AttestedHeader, CommitteeHandover, Misbehaviour};
pub use channel::{ChainClock, ChannelState, ChannelStateProof, NonReceiptProof};
pub use grandpa::GrandpaUpdate;
pub use header::{HeaderUpdate, PeerHeader, VerifiedHeader};
pub use inclusion::{InclusionError, InclusionProof, ProofUse, VerifyInclusion};
pub use message::{
	Message, MessageHandler, Receipt, ReceiptOutcome, SendMessage, Timeout, TokenRef, HUB_CHAIN_ID,
};
pub use registry::*;

/// Identifier of a peer chain in the hub's registry, chosen by the applicant.
pub type ChainId = u32;

/// What the hub committed to each destination, as the messages pallet keeps it: what a hub
/// notary checkpoint is checked against.
pub trait OutboundCommitments {
	/// The root the hub committed for `destination` in hub block `block`: `Some(Some(root))`,
	/// `Some(None)` when it committed nothing for the destination in that block, `None` when the
	/// block is outside the window the hub keeps (or not yet committed), so nothing can be said.
	fn committed_root(
		destination: ChainId,
		block: u32,
	) -> Option<Option<polkadot_sdk::sp_core::H256>>;
}

/// What other pallets still hold for a chain: the registry retires no chain in use, so nothing
/// pending to or through it is stranded.
pub trait ChainUsage {
	/// Whether anything still depends on the chain (messages pending to it or routed from it).
	fn is_in_use(chain_id: ChainId) -> bool;
}

impl ChainUsage for () {
	fn is_in_use(_: ChainId) -> bool {
		false
	}
}

/// What the registry tells the pallets that keep per-chain state when governance changes whom
/// the hub trusts for a chain, so that nothing the old trust proved outlives it.
pub trait ChainTrustReset {
	/// Governance replaced the chain's verifier: forget what the old verifier proved (verified
	/// headers), so that nothing it attested backs a proof any more.
	fn on_verifier_replaced(chain_id: ChainId);
	/// The chain was retired: drop the per-chain records nothing can use any more.
	fn on_retired(chain_id: ChainId);
	/// Upper bound of the weight of [`ChainTrustReset::on_verifier_replaced`].
	fn verifier_replaced_weight() -> polkadot_sdk::frame_support::weights::Weight;
	/// Upper bound of the weight of [`ChainTrustReset::on_retired`].
	fn retired_weight() -> polkadot_sdk::frame_support::weights::Weight;
}

impl ChainTrustReset for () {
	fn on_verifier_replaced(_: ChainId) {}
	fn on_retired(_: ChainId) {}
	fn verifier_replaced_weight() -> polkadot_sdk::frame_support::weights::Weight {
		Default::default()
	}
	fn retired_weight() -> polkadot_sdk::frame_support::weights::Weight {
		Default::default()
	}
}

impl<A: ChainTrustReset, B: ChainTrustReset> ChainTrustReset for (A, B) {
	fn on_verifier_replaced(chain_id: ChainId) {
		A::on_verifier_replaced(chain_id);
		B::on_verifier_replaced(chain_id);
	}
	fn on_retired(chain_id: ChainId) {
		A::on_retired(chain_id);
		B::on_retired(chain_id);
	}
	fn verifier_replaced_weight() -> polkadot_sdk::frame_support::weights::Weight {
		A::verifier_replaced_weight().saturating_add(B::verifier_replaced_weight())
	}
	fn retired_weight() -> polkadot_sdk::frame_support::weights::Weight {
		A::retired_weight().saturating_add(B::retired_weight())
	}
}

/// Whether the counts a pallet keeps in storage (`stored`) are exactly those counted from its
/// records (`counted`): each key's count equal, no counted key missing. For `try_state` checks.
pub fn counts_agree<K: Ord>(
	mut counted: alloc::collections::BTreeMap<K, u32>,
	stored: impl IntoIterator<Item = (K, u32)>,
) -> bool {
	for (key, count) in stored {
		if counted.remove(&key).unwrap_or(0) != count {
			return false;
		}
	}
	counted.is_empty()
}

/// Tops `account` up to the currency's minimum balance. For pallet accounts that hold others'
/// funds (fees, escrow): endowed at genesis, they are never reaped, whatever they pay out. A
/// failed mint leaves the account as it was; its payouts then keep it alive or fail.
pub fn endow_to_minimum<AccountId: Eq, Currency>(account: &AccountId)
where
	Currency: polkadot_sdk::frame_support::traits::fungible::Mutate<AccountId>,
{
	let minimum = Currency::minimum_balance();
	if Currency::balance(account) < minimum {
		let _ = Currency::mint_into(account, minimum);
	}
}
