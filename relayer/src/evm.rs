//! The EVM chain, as a committee member reads it: a block's header, with the `message_root` of
//! the gateway's `MessageSent` and `ReceiptWritten` leaves in log order (docs/protocol.md, "EVM
//! chains: the gateway contract").

use alloy::{
	primitives::{Address, B256},
	providers::{DynProvider, Provider, ProviderBuilder},
	rpc::types::{BlockNumberOrTag, Filter, Log},
	sol_types::SolEvent,
};
use anyhow::{anyhow, bail, Context, Result};
use fusion_hub_primitives::{header::PeerHeader, merkle::keccak_merkle_root};
use polkadot_sdk::sp_core::H256;

alloy::sol! {
	/// The gateway's events a committee member reads (contracts/src/FusionGateway.sol).
	interface IFusionGatewayEvents {
		event MessageSent(uint32 indexed destination, uint64 indexed nonce, bytes32 leaf, bytes message);
		event ReceiptWritten(uint32 indexed source, uint64 indexed nonce, uint8 outcome, bytes32 leaf, bytes receipt, bytes error);
	}
}

/// An EVM chain's JSON-RPC endpoint and its gateway.
pub struct EvmChain {
	provider: DynProvider,
	gateway: Address,
}

impl EvmChain {
	/// Reads `url` (no signing key: a committee member only reads).
	pub fn connect(url: &str, gateway: Address) -> Result<Self> {
		let provider = ProviderBuilder::new()
			.connect_http(url.parse().with_context(|| format!("the EVM URL {url}"))?)
			.erased();
		Ok(Self { provider, gateway })
	}

	/// The gateway on a chain the caller already has a provider for.
	pub fn new(provider: DynProvider, gateway: Address) -> Self {
		Self { provider, gateway }
	}

	/// The hash of the chain's block 0: what tells one chain from another with the same id (a
	/// development chain restarted, say).
	pub async fn genesis(&self) -> Result<H256> {
		let block = self
			.provider
			.get_block_by_number(BlockNumberOrTag::Number(0))
			.await?
			.ok_or_else(|| anyhow!("the EVM chain has no block 0"))?;
		Ok(H256(block.header.hash.0))
	}

	/// The chain's latest block number.
	pub async fn head(&self) -> Result<u64> {
		Ok(self.provider.get_block_number().await?)
	}

	/// The header of block `number` as the hub's committee attests it.
	pub async fn peer_header(&self, number: u64) -> Result<PeerHeader> {
		let block = self
			.provider
			.get_block_by_number(BlockNumberOrTag::Number(number))
			.await?
			.ok_or_else(|| anyhow!("the EVM chain has no block {number}"))?;
		let filter = Filter::new()
			.address(self.gateway)
			.event_signature(vec![
				IFusionGatewayEvents::MessageSent::SIGNATURE_HASH,
				IFusionGatewayEvents::ReceiptWritten::SIGNATURE_HASH,
			])
			.from_block(number)
			.to_block(number);
		let logs = self.provider.get_logs(&filter).await?;
		let leaves = leaves_in_log_order(block.header.hash, logs)?;
		Ok(PeerHeader {
			number: u32::try_from(number)
				.context("EVM block numbers above u32 are not supported")?,
			hash: H256(block.header.hash.0),
			state_root: H256(block.header.state_root.0),
			message_root: message_root(&leaves),
			timestamp: block
				.header
				.timestamp
				.checked_mul(1_000)
				.ok_or_else(|| anyhow!("timestamp overflow"))?,
		})
	}
}

/// The leaves of the gateway's logs of one block, in log order; every log must be of that block
/// (a reorg between the two reads is refused, not mixed).
pub fn leaves_in_log_order(block_hash: B256, mut logs: Vec<Log>) -> Result<Vec<H256>> {
	logs.sort_by_key(|log| log.log_index);
	let mut leaves = Vec::with_capacity(logs.len());
	for log in logs {
		if log.block_hash != Some(block_hash) {
			bail!("a log of another block: the chain reorganised while it was read");
		}
		let leaf = match log.topic0() {
			Some(topic) if *topic == IFusionGatewayEvents::MessageSent::SIGNATURE_HASH => {
				log.log_decode::<IFusionGatewayEvents::MessageSent>()?.inner.data.leaf
			},
			Some(topic) if *topic == IFusionGatewayEvents::ReceiptWritten::SIGNATURE_HASH => {
				log.log_decode::<IFusionGatewayEvents::ReceiptWritten>()?.inner.data.leaf
			},
			_ => continue,
		};
		leaves.push(H256(leaf.0));
	}
	Ok(leaves)
}

/// The block's `message_root`: the keccak sorted-pair root of its leaves, zero for none.
pub fn message_root(leaves: &[H256]) -> H256 {
	keccak_merkle_root(leaves).unwrap_or_default()
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloy::primitives::{Bytes, LogData};

	fn log(block_hash: B256, index: u64, data: LogData) -> Log {
		Log {
			inner: alloy::primitives::Log { address: Address::ZERO, data },
			block_hash: Some(block_hash),
			block_number: Some(1),
			block_timestamp: None,
			transaction_hash: None,
			transaction_index: None,
			log_index: Some(index),
			removed: false,
		}
	}

	fn sent(leaf: u8) -> LogData {
		IFusionGatewayEvents::MessageSent {
			destination: 0,
			nonce: u64::from(leaf),
			leaf: B256::repeat_byte(leaf),
			message: Bytes::new(),
		}
		.encode_log_data()
	}

	fn receipt(leaf: u8) -> LogData {
		IFusionGatewayEvents::ReceiptWritten {
			source: 0,
			nonce: u64::from(leaf),
			outcome: 0,
			leaf: B256::repeat_byte(leaf),
			receipt: Bytes::new(),
			error: Bytes::new(),
		}
		.encode_log_data()
	}

	#[test]
	fn leaves_follow_log_order_across_both_events() {
		let block = B256::repeat_byte(0xbb);
		let logs = vec![log(block, 7, receipt(3)), log(block, 2, sent(1)), log(block, 5, sent(2))];
		let leaves = leaves_in_log_order(block, logs).unwrap();
		assert_eq!(leaves, vec![H256::repeat_byte(1), H256::repeat_byte(2), H256::repeat_byte(3)]);
		assert_eq!(message_root(&leaves), keccak_merkle_root(&leaves).unwrap());
		assert_eq!(message_root(&[]), H256::zero());
	}

	#[test]
	fn a_log_of_another_block_is_refused() {
		let block = B256::repeat_byte(0xbb);
		let logs = vec![log(block, 1, sent(1)), log(B256::repeat_byte(0xcc), 2, sent(2))];
		assert!(leaves_in_log_order(block, logs).is_err());
	}
}
