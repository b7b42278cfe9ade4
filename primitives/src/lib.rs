//! Types and pure logic shared by the Fusion Hub runtime, its node and off-chain relayers.
//!
//! Everything here is `no_std`, deterministic and free of storage access, so a relayer can run
//! the same checks off-chain that the hub runs on-chain.
//!
//! - [`registry`]: what the hub knows about a peer chain (kind, verifier configuration, status),
//!   the checks a verifier configuration must pass, and the [`ChainRegistry`] trait through which
//!   the other pallets consult the registry.
//! - [`runtime_api`]: runtime APIs the node exposes (also as `fusion_*` JSON-RPC methods).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod registry;
pub mod runtime_api;

pub use registry::*;

/// Identifier of a peer chain in the hub's registry, chosen by the applicant.
pub type ChainId = u32;
