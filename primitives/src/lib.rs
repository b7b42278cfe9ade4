//! Types and pure logic shared by the Fusion Hub runtime, its node and off-chain relayers.
//!
//! Everything here is `no_std`, deterministic and free of storage access, so a relayer can run
//! the same checks off-chain that the hub runs on-chain.

#![cfg_attr(not(feature = "std"), no_std)]

/// Identifier of a peer chain in the hub's registry, chosen by the applicant.
pub type ChainId = u32;
