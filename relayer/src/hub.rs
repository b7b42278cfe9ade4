//! The hub, as signers and the relayer read it: finalized blocks, and what a checkpoint or a
//! handover is made of, read from one block's state.

use anyhow::{anyhow, Context, Result};
use codec::{Decode, Encode};
use fusion_hub_primitives::{
	notary::{Checkpoint, NotarySet},
	ChainId,
};
use polkadot_sdk::sp_core::{ConstU32, H256};
use polkadot_sdk::sp_crypto_hashing::{blake2_128, twox_128, twox_64};
use subxt::{
	config::RpcConfigFor,
	rpcs::{LegacyRpcMethods, RpcClient},
	OnlineClient, PolkadotConfig,
};

/// The runtime's notary set (`MaxNotaries` = 64, the gateway's bound).
pub type HubNotarySet = NotarySet<ConstU32<64>>;

/// A connection to a hub node.
#[derive(Clone)]
pub struct Hub {
	api: OnlineClient<PolkadotConfig>,
	rpc: RpcClient,
	legacy: LegacyRpcMethods<RpcConfigFor<PolkadotConfig>>,
}

/// The key the relayer signs hub extrinsics with: a secret URI's sr25519 key, or the EVM key as
/// an ECDSA hub account (`blake2_256` of its compressed public key), the account whose fees a
/// gateway pays out to that same key (`claimRewards`).
pub enum HubSigner {
	Sr25519(subxt_signer::sr25519::Keypair),
	Ecdsa(subxt_signer::ecdsa::Keypair),
}

impl HubSigner {
	/// The hub account.
	pub fn account_id(&self) -> subxt::utils::AccountId32 {
		match self {
			Self::Sr25519(pair) => pair.public_key().to_account_id(),
			Self::Ecdsa(pair) => pair.public_key().to_account_id(),
		}
	}
}

impl subxt::transactions::Signer<PolkadotConfig> for HubSigner {
	fn account_id(&self) -> subxt::utils::AccountId32 {
		HubSigner::account_id(self)
	}

	fn sign(&self, payload: &[u8]) -> subxt::utils::MultiSignature {
		match self {
			Self::Sr25519(pair) => pair.sign(payload).into(),
			Self::Ecdsa(pair) => pair.sign(payload).into(),
		}
	}
}

/// A final hub block.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct FinalBlock {
	pub number: u32,
	pub hash: H256,
}

impl Hub {
	/// Whether raw storage `key` holds anything at `block`.
	pub async fn exists_at(&self, block: H256, key: &[u8]) -> Result<bool> {
		let at = subxt::utils::H256(block.0);
		Ok(self.legacy.state_get_storage(key, Some(at)).await?.is_some())
	}

	/// Connects to the node at `url` (`ws://…`).
	pub async fn connect(url: &str) -> Result<Self> {
		let rpc = RpcClient::from_insecure_url(url)
			.await
			.with_context(|| format!("connecting to the hub at {url}"))?;
		let api = OnlineClient::<PolkadotConfig>::from_rpc_client(rpc.clone()).await?;
		Ok(Self { api, legacy: LegacyRpcMethods::new(rpc.clone()), rpc })
	}

	/// The hub's genesis hash, which every notary payload names.
	pub fn genesis(&self) -> H256 {
		H256(self.api.genesis_hash().0)
	}

	/// The registry's record of `chain_id` as `fusion_chain` shows it, if there is one.
	pub async fn chain(&self, chain_id: ChainId) -> Result<Option<serde_json::Value>> {
		let record: serde_json::Value =
			self.rpc.request("fusion_chain", subxt::rpcs::rpc_params![chain_id]).await?;
		Ok((!record.is_null()).then_some(record))
	}

	/// The ids of every chain in the registry, whatever its status.
	pub async fn chain_ids(&self) -> Result<Vec<ChainId>> {
		let records: Vec<serde_json::Value> =
			self.rpc.request("fusion_chains", subxt::rpcs::rpc_params![]).await?;
		records
			.iter()
			.map(|record| {
				serde_json::from_value(record["chainId"].clone()).context("a registry record's id")
			})
			.collect()
	}

	/// The latest finalized block.
	pub async fn finalized(&self) -> Result<FinalBlock> {
		let hash = self.legacy.chain_get_finalized_head().await?;
		let header = self
			.legacy
			.chain_get_header(Some(hash))
			.await?
			.ok_or_else(|| anyhow!("the hub has no header for its finalized head"))?;
		Ok(FinalBlock {
			number: u32::try_from(header.number).context("hub block number above u32")?,
			hash: H256(hash.0),
		})
	}

	/// Block `number`, if it is final: its hash on the finalized chain.
	pub async fn final_block(&self, number: u32) -> Result<Option<FinalBlock>> {
		let finalized = self.finalized().await?;
		if number > finalized.number {
			return Ok(None);
		}
		let hash = self
			.legacy
			.chain_get_block_hash(Some(number.into()))
			.await?
			.ok_or_else(|| anyhow!("the hub has no hash for final block {number}"))?;
		Ok(Some(FinalBlock { number, hash: H256(hash.0) }))
	}

	/// The value under the raw storage `key` at `block`, SCALE-decoded as `V`.
	pub async fn storage_at<V: Decode>(&self, block: H256, key: &[u8]) -> Result<Option<V>> {
		let at = subxt::utils::H256(block.0);
		match self.legacy.state_get_storage(key, Some(at)).await? {
			Some(bytes) => Ok(Some(V::decode(&mut bytes.as_slice()).context("decoding storage")?)),
			None => Ok(None),
		}
	}

	/// The checkpoint of `destination`'s outbound root in final block `block`, all read from
	/// that block's state; `None` when the hub committed nothing for `destination` there or has
	/// no notary set.
	pub async fn checkpoint(
		&self,
		destination: ChainId,
		block: FinalBlock,
	) -> Result<Option<(Checkpoint, HubNotarySet)>> {
		let Some(root) = self
			.storage_at::<H256>(block.hash, &keys::outbound_root(destination, block.number))
			.await?
		else {
			return Ok(None);
		};
		let Some(set) = self
			.storage_at::<HubNotarySet>(block.hash, &keys::value("HubNotaries", "CurrentSet"))
			.await?
		else {
			return Ok(None);
		};
		let timestamp = self
			.storage_at::<u64>(block.hash, &keys::value("Timestamp", "Now"))
			.await?
			.ok_or_else(|| anyhow!("hub block {} has no timestamp", block.number))?;
		let checkpoint = Checkpoint {
			destination,
			set_id: set.id,
			hub_block: block.number,
			hub_block_hash: block.hash,
			hub_timestamp: timestamp,
			root,
		};
		Ok(Some((checkpoint, set)))
	}

	/// Calls runtime API `method` (`"<Trait>_<method>"`) with SCALE `args` at `block`.
	pub async fn runtime_api<R: Decode>(
		&self,
		block: H256,
		method: &str,
		args: impl Encode,
	) -> Result<R> {
		let at = self.api.at_block(subxt::utils::H256(block.0)).await?;
		let bytes = at.runtime_apis().call_raw(method, Some(&args.encode())).await?;
		R::decode(&mut bytes.as_slice()).with_context(|| format!("decoding the result of {method}"))
	}

	/// Submits `pallet.call(args)` signed by `signer` and waits until it is final; the error
	/// names the pallet's error when the call failed.
	pub async fn submit(
		&self,
		signer: &HubSigner,
		pallet: &str,
		call: &str,
		args: impl subxt::ext::scale_encode::EncodeAsFields,
	) -> Result<()> {
		let payload = subxt::dynamic::tx(pallet, call, args);
		let account = signer.account_id();
		// The pool's view of the nonce: right after a restart too, with a transaction pending.
		let nonce = self.legacy.system_account_next_index(&account).await?;
		let params = subxt::config::PolkadotExtrinsicParamsBuilder::<PolkadotConfig>::new()
			.nonce(nonce)
			.build();
		let mut transactions = self.api.tx().await?;
		let progress = transactions.sign_and_submit_then_watch(&payload, signer, params).await?;
		match progress.wait_for_finalized_success().await {
			Ok(_) => Ok(()),
			Err(subxt::error::TransactionFinalizedSuccessError::SuccessError(
				subxt::error::TransactionEventsError::ExtrinsicFailed(error),
			)) => {
				let text = match &error {
					subxt::error::DispatchError::Module(module) => module.details_string(),
					other => other.to_string(),
				};
				Err(anyhow!("{pallet}.{call} failed: {text}"))
			},
			Err(other) => Err(anyhow!("{pallet}.{call}: {other}")),
		}
	}

	/// The current and the scheduled notary sets at final block `block`.
	pub async fn notary_sets(
		&self,
		block: FinalBlock,
	) -> Result<(Option<HubNotarySet>, Option<HubNotarySet>)> {
		let current =
			self.storage_at(block.hash, &keys::value("HubNotaries", "CurrentSet")).await?;
		let scheduled =
			self.storage_at(block.hash, &keys::value("HubNotaries", "ScheduledSet")).await?;
		Ok((current, scheduled))
	}
}

/// Raw storage keys of the entries read here, as FRAME builds them: `twox128(pallet) ++
/// twox128(entry)`, then each key hashed by its map's hasher.
pub mod keys {
	use super::*;

	/// A plain value.
	pub fn value(pallet: &str, entry: &str) -> Vec<u8> {
		[twox_128(pallet.as_bytes()), twox_128(entry.as_bytes())].concat()
	}

	/// `Twox64Concat` of `key`.
	fn twox64_concat(key: impl Encode) -> Vec<u8> {
		let encoded = key.encode();
		[twox_64(&encoded).as_slice(), &encoded].concat()
	}

	/// `CrossChainMessages.InboundNonces(source, destination)`.
	pub fn inbound_nonce(source: ChainId, destination: ChainId) -> Vec<u8> {
		[
			value("CrossChainMessages", "InboundNonces"),
			twox64_concat(source),
			twox64_concat(destination),
		]
		.concat()
	}

	/// `CrossChainMessages.Receipts(source, destination, nonce)`: a receipt the hub wrote or
	/// forwarded.
	pub fn receipt(source: ChainId, destination: ChainId, nonce: u64) -> Vec<u8> {
		message_entry("Receipts", source, destination, nonce)
	}

	/// `CrossChainMessages.OutboundNonces(destination)`.
	pub fn outbound_nonce(destination: ChainId) -> Vec<u8> {
		[value("CrossChainMessages", "OutboundNonces"), twox64_concat(destination)].concat()
	}

	/// `CrossChainMessages.PendingMessages(source, destination, nonce)`.
	pub fn pending_message(source: ChainId, destination: ChainId, nonce: u64) -> Vec<u8> {
		message_entry("PendingMessages", source, destination, nonce)
	}

	/// `CrossChainMessages.TimedOutMessages(source, destination, nonce)`: refunded by a proof
	/// of non-receipt, not yet taken by the destination.
	pub fn timed_out_message(source: ChainId, destination: ChainId, nonce: u64) -> Vec<u8> {
		message_entry("TimedOutMessages", source, destination, nonce)
	}

	fn message_entry(entry: &str, source: ChainId, destination: ChainId, nonce: u64) -> Vec<u8> {
		[
			value("CrossChainMessages", entry),
			twox64_concat(source),
			twox64_concat(destination),
			twox64_concat(nonce),
		]
		.concat()
	}

	/// `CrossChainMessages.RelayerRewards(account)`: fees `account` earned and has not claimed.
	pub fn relayer_rewards(account: H256) -> Vec<u8> {
		let encoded = account.encode();
		[value("CrossChainMessages", "RelayerRewards"), blake2_128(&encoded).to_vec(), encoded]
			.concat()
	}

	/// `ProofVerifier.Headers(chain, number)`.
	pub fn verified_header(chain: ChainId, number: u32) -> Vec<u8> {
		[value("ProofVerifier", "Headers"), twox64_concat(chain), twox64_concat(number)].concat()
	}

	/// `CrossChainMessages.OutboundRoots(destination, block)`.
	pub fn outbound_root(destination: ChainId, block: u32) -> Vec<u8> {
		[
			value("CrossChainMessages", "OutboundRoots"),
			twox64_concat(destination),
			twox64_concat(block),
		]
		.concat()
	}

	#[cfg(test)]
	mod tests {
		use super::*;

		/// `System.Number`'s well-known key, as Polkadot.js shows it.
		#[test]
		fn a_value_key_is_the_two_name_hashes() {
			assert_eq!(
				hex::encode(value("System", "Number")),
				"26aa394eea5630e07c48ae0c9558cef702a5c1b19ab7a04f536c519aca4983ac"
			);
		}

		/// `Blake2_128Concat` of an account: the hash of its 32 bytes, then the bytes.
		#[test]
		fn a_rewards_key_is_blake2_128_concat_of_the_account() {
			let account = H256::repeat_byte(0xab);
			let key = relayer_rewards(account);
			assert_eq!(key.len(), 32 + 16 + 32);
			assert_eq!(&key[32..48], &blake2_128(account.as_bytes()));
			assert_eq!(&key[48..], account.as_bytes());
		}

		#[test]
		fn a_double_map_key_appends_each_hashed_key() {
			let key = outbound_root(11, 5);
			assert_eq!(key.len(), 32 + 12 + 12);
			assert_eq!(&key[32 + 8..32 + 12], &11u32.to_le_bytes());
			assert_eq!(&key[32 + 12 + 8..], &5u32.to_le_bytes());
		}
	}
}
