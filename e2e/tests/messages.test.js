// A token of an EVM peer crosses to the hub and back, as docs/transfer-walkthrough.md tells it:
// the Council admits chain 11, whose committee (two ethers wallets and an sr25519 key) attests
// headers whose message roots are @openzeppelin/merkle-tree roots; a relayer delivers a
// transfer to //Bob with its proof, Bob sends part of it back (burned on the hub, in flight
// until chain 11's receipt), the relayer proves the hub's commitment in JavaScript and brings
// chain 11's receipt back for its fee; a transfer chain 11 never executed is refunded once, and
// only on its proof of non-receipt: its gateway contract's storage slot (a fixture deployed on a
// real EVM node, anvil) proven with `eth_getProof` against a state root its committee attests,
// past the timeout on chain 11's clock; and a transfer over a Council rate limit fails with its
// receipt saying so. The asset-lock books balance after every step.
//
// Messages, receipts and payloads are built with ethers and @openzeppelin/merkle-tree from
// docs/protocol.md alone, as a relayer in another code base would.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { StandardMerkleTree, SimpleMerkleTree } from '@openzeppelin/merkle-tree';
import { ContractFactory, JsonRpcProvider, Wallet, toBeHex, zeroPadValue } from 'ethers';
import { startDevNode, connect, submitInBlock, waitForBlock } from '../lib/node.js';
import { councilMotion } from '../lib/council.js';
import { committeeVerifier, submitCommitteeHeader } from '../lib/committee.js';
import {
  ANVIL_CHAIN_ID, ANVIL_DEFAULT_KEY, compileContract, inboundSlot, rpc as evmRpc, startAnvil,
} from '../lib/anvil.js';
import {
  MESSAGE_ABI_TYPES, RECEIPT_ABI_TYPES, ASSET_TRANSFER_APP, HUB_CHAIN_ID, standardLeaf,
  messageValues, receiptValues, transferPayload, decodeTransferPayload, findEvent,
} from '../lib/messages.js';

const CHAIN_A = 11;
const SET_ID = 0n;
const FIRST_WRAPPED_ASSET = 2_147_483_648; // 0x8000_0000
const UNIT = 10n ** 18n; // the token has 18 decimals at home
const X = 1_000n * UNIT; // to Bob
const Y = 400n * UNIT; // Bob sends back, delivered
const Z = 100n * UNIT; // Bob sends back, never delivered
const OVER_LIMIT = 50n * UNIT;
const FEE = 10n ** 10n; // 0.01 FUSE
// The token: an ERC-20 of chain A, its address left-padded.
const TOKEN = { home: CHAIN_A, id: zeroPadValue('0x5fbdb2315678afecb367f032d93f642f64180aa3', 32) };
// The account on chain A that locked the tokens, and gets Bob's back.
const USER = zeroPadValue('0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f', 32);
const FAR_FUTURE_MS = 4_102_444_800_000n; // 2100-01-01

let node;
let api;
let keyring;
let rpc;
let alice;
let bob;
let charlie;
let ferdie;
let committee;
let BOB;
let CHARLIE;
let anvil; // chain 11's EVM node
let gateway; // its gateway's inbound storage (the fixture contract)
let GATEWAY; // the gateway's address

before(async () => {
  await cryptoWaitReady();
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  node = await startDevNode({ name: 'messages', extraArgs: ['--dev-block-time', '1000'] });
  api = await connect(node.url);
  rpc = (method, params = []) => api._rpcCore.provider.send(method, params);
  [alice, bob, charlie, ferdie] = ['//Alice', '//Bob', '//Charlie', '//Ferdie'].map((uri) => keyring.addFromUri(uri));
  // A hub account as a message's bytes32: its AccountId32.
  BOB = u8aToHex(decodeAddress(bob.address));
  CHARLIE = u8aToHex(decodeAddress(charlie.address));
  committee = {
    ecdsa: [new Wallet('0x' + '44'.repeat(32)), new Wallet('0x' + '55'.repeat(32))],
    sr: [keyring.addFromUri('//Fusion//committee//11')],
  };
  anvil = await startAnvil();
  // No request cache: ethers would hand one nonce to transactions sent within 250 ms.
  const provider = new JsonRpcProvider(anvil.url, ANVIL_CHAIN_ID, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
  const { abi, bytecode } = compileContract(['test/InboundNoncesFixture.sol'], 'InboundNoncesFixture');
  gateway = await new ContractFactory(abi, bytecode, new Wallet(ANVIL_DEFAULT_KEY, provider)).deploy();
  await gateway.waitForDeployment();
  GATEWAY = await gateway.getAddress();
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
  await anvil?.stop();
});

// ---------------------------------------------------------------- helpers

async function wrappedBalance(who) {
  const account = await api.query.assets.account(FIRST_WRAPPED_ASSET, who.address);
  return account.isSome ? account.unwrap().balance.toBigInt() : 0n;
}
const inboundNonce = async () => (await api.query.crossChainMessages.inboundNonces(CHAIN_A, HUB_CHAIN_ID)).toNumber();
const lockedAtHome = async () => (await api.query.assetLock.lockedAtHome(TOKEN)).toBigInt();
const inFlight = async () => (await api.query.assetLock.inFlight(TOKEN)).toBigInt();

/// The asset-lock books of the token: what chain A locked, what is in flight (sent by the hub,
/// no outcome yet), and the wrapped supply on the hub; and their invariant (no other chain holds
/// a claim on it here): locked at home = wrapped supply + in flight.
async function books() {
  const asset = await api.query.assets.asset(FIRST_WRAPPED_ASSET);
  const supply = asset.isSome ? asset.unwrap().supply.toBigInt() : 0n;
  const state = { locked: await lockedAtHome(), inFlight: await inFlight(), supply };
  assert.equal(state.locked, state.supply + state.inFlight, `books balance: ${JSON.stringify(state, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
  return state;
}
const freeBalance = async (who) => (await api.query.system.account(who.address)).data.free.toBigInt();
/// What the messaging pallet holds of `who` as message deposits.
const heldDeposit = async (who) => (await api.query.balances.holds(who.address))
  .filter((hold) => hold.id.isCrossChainMessages && hold.id.asCrossChainMessages.isMessageDeposit)
  .reduce((sum, hold) => sum + hold.amount.toBigInt(), 0n);
const hubNow = async () => (await api.query.timestamp.now()).toBigInt();
const blockNumberOf = async (hash) => (await api.rpc.chain.getHeader(hash)).number.toNumber();

/// Chain 11's gateway's inbound channel state from the hub (`delivered[0]`) at its latest block:
/// the block's state root, and the `NonReceiptProof` of `timeout_message` against chain 11's
/// header `height` (which its committee attests with that state root), from `eth_getProof`.
async function gatewayState(height) {
  const block = await evmRpc(anvil.url, 'eth_getBlockByNumber', ['latest', false]);
  const proof = await evmRpc(anvil.url, 'eth_getProof', [GATEWAY, [inboundSlot(HUB_CHAIN_ID)], block.number]);
  const [slot] = proof.storageProof;
  return {
    stateRoot: block.stateRoot,
    proof: {
      height,
      channelState: {
        EvmStorage: {
          account: {
            nonce: BigInt(proof.nonce),
            balance: toBeHex(BigInt(proof.balance), 32),
            storageRoot: proof.storageHash,
            codeHash: proof.codeHash,
          },
          accountProof: proof.accountProof,
          delivered: BigInt(slot.value),
          storageProof: slot.proof,
        },
      },
    },
  };
}

/// Chain A's committee attests `header` and Charlie, the relayer, submits it.
const submitHeaderOfA = (header) => submitCommitteeHeader(api, CHAIN_A, SET_ID, header, committee, charlie);

/// The roots of the `fhmr` digest item of hub block `number`, as [[chain, root], ...].
async function digestRoots(number) {
  const header = await api.rpc.chain.getHeader(await api.rpc.chain.getBlockHash(number));
  const items = header.digest.logs.filter(
    (log) => log.isOther && u8aToHex(log.asOther.toU8a(true).subarray(0, 4)) === '0x66686d72',
  );
  assert.equal(items.length, 1, `one fhmr digest item in block ${number}`);
  const roots = api.createType('Vec<(u32, H256)>', items[0].asOther.toU8a(true).subarray(4));
  return roots.map(([chain, root]) => [chain.toNumber(), root.toHex()]);
}

/// A receipt or message proof from the hub's RPC checks out in JavaScript: the leaf is the
/// values' StandardMerkleTree leaf, the proof leads to the root, and the root is the one the
/// hub stored and put in its block's digest.
async function checkOutboundProof(proof, types, values, destination) {
  assert.equal(proof.leaf, standardLeaf(types, values));
  assert.ok(StandardMerkleTree.verify(proof.root, types, values, proof.proof), 'StandardMerkleTree.verify');
  const stored = await api.query.crossChainMessages.outboundRoots(destination, proof.block);
  assert.equal(stored.unwrap().toHex(), proof.root, 'OutboundRoots');
  assert.ok(
    (await digestRoots(proof.block)).some(([chain, root]) => chain === destination && root === proof.root),
    `root for chain ${destination} in the fhmr digest item of block ${proof.block}`,
  );
}

// ---------------------------------------------------------------- chain A's block 100

// Chain A's gateway commits, in its block 100, its first two messages to the hub (transfers to
// Bob) and one to another chain, which the hub only sees as a leaf.
const inbound = (nonce, amount) => ({
  source: CHAIN_A,
  destination: HUB_CHAIN_ID,
  nonce,
  sender: USER,
  appId: ASSET_TRANSFER_APP,
  payload: null, // set in before(): Bob's key is known then
  timeout: { height: 0, timestamp: FAR_FUTURE_MS },
  fee: 0n,
  amount,
});
const transferToBob = inbound(1, X);
const overTheLimit = inbound(2, OVER_LIMIT);
const elsewhere = {
  source: CHAIN_A, destination: 99, nonce: 1, sender: USER, appId: 2, payload: '0x68656c6c6f',
  timeout: { height: 0, timestamp: FAR_FUTURE_MS }, fee: 0n,
};
let tree100;

function messageOf({ amount, ...message }) {
  return message;
}

/// The message and its `KeccakMerkle` proof against A's block 100, as `deliverMessages` takes them.
function withProof(message) {
  const values = messageValues(message);
  const leaf = tree100.leafHash(values);
  const index = [...tree100.entries()].find(([, v]) => tree100.leafHash(v) === leaf)[0];
  return [messageOf(message), { KeccakMerkle: { leaf, proof: tree100.getProof(index) } }];
}

const deliver = (height, pairs, relayer = charlie) =>
  submitInBlock(api.tx.crossChainMessages.deliverMessages(CHAIN_A, height, pairs), relayer);

// ---------------------------------------------------------------- tests

test('the Council admits chain 11, an EVM chain with a committee of ethers wallets and sr25519', async () => {
  const dave = keyring.addFromUri('//Dave');
  await submitInBlock(
    api.tx.chainRegistry.proposeChain(
      CHAIN_A, 'Gateway EVM', { EvmChain: { chainId: ANVIL_CHAIN_ID, gateway: GATEWAY } }, committeeVerifier(committee, 3, SET_ID),
    ),
    dave,
  );
  await councilMotion(api, api.tx.chainRegistry.approveChain(CHAIN_A), alice, [alice, bob]);
  assert.equal((await rpc('fusion_chain', [CHAIN_A])).status, 'Active');
});

test("a transfer to Bob committed in chain 11's message root is delivered: wrapped asset created and minted", async () => {
  for (const message of [transferToBob, overTheLimit]) {
    message.payload = transferPayload(TOKEN, message.amount, BOB, 18);
  }
  tree100 = StandardMerkleTree.of(
    [transferToBob, overTheLimit, elsewhere].map(messageValues),
    MESSAGE_ABI_TYPES,
  );
  const header100 = {
    number: 100,
    hash: '0x' + 'a1'.repeat(32),
    stateRoot: '0x' + 'a2'.repeat(32),
    messageRoot: tree100.root,
    timestamp: 1_732_000_000_000n,
  };
  await submitHeaderOfA(header100);
  assert.equal((await rpc('fusion_latestHeader', [CHAIN_A])).messageRoot, tree100.root);
  assert.equal(await wrappedBalance(bob), 0n);

  const [message, proof] = withProof(transferToBob);
  assert.equal(proof.KeccakMerkle.proof.length, 2);
  const { blockHash, events } = await deliver(100, [[message, proof]]);

  const delivered = findEvent(api, events, 'crossChainMessages', 'MessageDelivered');
  assert.ok(delivered, 'MessageDelivered emitted');
  assert.equal(delivered.data.source.toNumber(), CHAIN_A);
  assert.equal(delivered.data.destination.toNumber(), HUB_CHAIN_ID);
  assert.equal(delivered.data.nonce.toNumber(), 1);
  assert.equal(delivered.data.outcome.toString(), 'Delivered');
  assert.ok(delivered.data.error.isNone, `no error: ${delivered.data.error.toString()}`);
  assert.equal(delivered.data.relayer.toHex(), CHARLIE);

  const created = findEvent(api, events, 'assetLock', 'WrappedAssetCreated');
  assert.ok(created, 'WrappedAssetCreated emitted');
  assert.equal(created.data.assetId.toNumber(), FIRST_WRAPPED_ASSET);
  assert.equal(created.data.token.home.toNumber(), CHAIN_A);
  assert.equal(created.data.token.id.toHex(), TOKEN.id);
  const received = findEvent(api, events, 'assetLock', 'TransferReceived');
  assert.ok(received, 'TransferReceived emitted');
  assert.equal(received.data.amount.toBigInt(), X);
  assert.equal(received.data.beneficiary.toHex(), BOB);

  assert.equal((await api.query.assetLock.wrappedIds(TOKEN)).unwrap().toNumber(), FIRST_WRAPPED_ASSET);
  assert.equal(await wrappedBalance(bob), X);
  const metadata = await api.query.assets.metadata(FIRST_WRAPPED_ASSET);
  assert.equal(metadata.name.toUtf8(), `Wrapped chain ${CHAIN_A} asset`);
  assert.equal(metadata.symbol.toUtf8(), '0x5fbdb2315678afecb367f032d93f642f64180aa3');
  assert.equal(metadata.decimals.toNumber(), 18);
  assert.deepEqual(await books(), { locked: X, inFlight: 0n, supply: X });
  assert.equal(await inboundNonce(), 1);

  // The hub's receipt, committed for chain A in the same block, names Charlie.
  const { receipt, proof: receiptProof } = await rpc('fusion_receiptProof', [CHAIN_A, HUB_CHAIN_ID, 1]);
  assert.deepEqual(receipt, {
    source: CHAIN_A,
    destination: HUB_CHAIN_ID,
    nonce: 1,
    messageLeaf: proof.KeccakMerkle.leaf,
    outcome: 'Delivered',
    relayer: CHARLIE,
  });
  assert.equal(receiptProof.block, await blockNumberOf(blockHash));
  await checkOutboundProof(receiptProof, RECEIPT_ABI_TYPES, receiptValues(receipt), CHAIN_A);
});

test('delivering the same message again fails with NonceReplayed', async () => {
  await assert.rejects(deliver(100, [withProof(transferToBob)]), /crossChainMessages\.NonceReplayed/);
  // Nor can the second message be proven against the first one's proof.
  const [message] = withProof(overTheLimit);
  const [, proofOfFirst] = withProof(transferToBob);
  await assert.rejects(deliver(100, [[message, proofOfFirst]]), /crossChainMessages\.ProofNotForMessage/);
  assert.equal(await wrappedBalance(bob), X);
  assert.deepEqual(await books(), { locked: X, inFlight: 0n, supply: X });
});

let outbound; // what fusion_messageProof returned for Bob's transfer back

test("Bob sends part back: burned, committed, and the hub's proof verifies with @openzeppelin/merkle-tree", async () => {
  // An hour on chain 11's clock (timestamps are Unix ms on every chain).
  const timeout = { height: 0, timestamp: (await hubNow()) + 3_600_000n };
  const { blockHash, events } = await submitInBlock(
    api.tx.assetLock.transferOut(TOKEN, Y, CHAIN_A, USER, timeout, FEE),
    bob,
  );
  const sent = findEvent(api, events, 'assetLock', 'TransferSent');
  assert.ok(sent, 'TransferSent emitted');
  assert.equal(sent.data.nonce.toNumber(), 1);
  assert.equal(sent.data.amount.toBigInt(), Y);
  assert.equal(sent.data.destination.toNumber(), CHAIN_A);
  assert.equal(sent.data.beneficiary.toHex(), USER);
  // Burned on the hub, but still locked at home: in flight until chain A's receipt.
  assert.equal(await wrappedBalance(bob), X - Y);
  assert.deepEqual(await books(), { locked: X, inFlight: Y, supply: X - Y });
  const sentAt = await blockNumberOf(blockHash);

  await waitForBlock(api, sentAt + 1);
  outbound = await rpc('fusion_messageProof', [CHAIN_A, 1]);
  assert.ok(outbound, 'fusion_messageProof(11, 1) is not null');
  const { message, leaf, proof } = outbound;
  assert.equal(message.source, HUB_CHAIN_ID);
  assert.equal(message.destination, CHAIN_A);
  assert.equal(message.nonce, 1);
  assert.equal(message.sender, BOB);
  assert.equal(message.appId, ASSET_TRANSFER_APP);
  assert.deepEqual(message.timeout, { height: 0, timestamp: Number(timeout.timestamp) });
  assert.equal(message.fee, FEE.toString());
  assert.deepEqual(decodeTransferPayload(message.payload), {
    home: CHAIN_A, id: TOKEN.id, amount: Y, beneficiary: USER, decimals: 18,
  });
  assert.equal(leaf, proof.leaf);
  assert.equal(proof.block, sentAt);
  await checkOutboundProof(proof, MESSAGE_ABI_TYPES, messageValues(message), CHAIN_A);
  assert.ok((await api.query.crossChainMessages.pendingMessages(HUB_CHAIN_ID, CHAIN_A, 1)).isSome);
});

test("chain 11's receipt of Bob's transfer completes it and pays the relayer's fee", async () => {
  // Chain A delivered the message in its block 101 and commits its receipt there, next to a
  // leaf of its own, in one tree of leaf hashes (messages and receipts share it).
  const receipt = {
    source: HUB_CHAIN_ID,
    destination: CHAIN_A,
    nonce: 1,
    messageLeaf: outbound.leaf,
    outcome: 'Delivered',
    relayer: CHARLIE,
  };
  const receiptLeaf = standardLeaf(RECEIPT_ABI_TYPES, receiptValues(receipt));
  const otherLeaf = standardLeaf(MESSAGE_ABI_TYPES, messageValues({ ...elsewhere, nonce: 2 }));
  const tree101 = SimpleMerkleTree.of([receiptLeaf, otherLeaf]);
  await submitHeaderOfA({
    number: 101,
    hash: '0x' + 'b1'.repeat(32),
    stateRoot: '0x' + 'b2'.repeat(32),
    messageRoot: tree101.root,
    timestamp: 1_732_000_006_000n,
  });

  const proof = { KeccakMerkle: { leaf: receiptLeaf, proof: tree101.getProof(receiptLeaf) } };
  const rewardsBefore = (await api.query.crossChainMessages.relayerRewards(charlie.address)).toBigInt();
  assert.equal(rewardsBefore, 0n);
  const { events } = await submitInBlock(
    api.tx.crossChainMessages.acknowledge(CHAIN_A, 101, [[receipt, proof]]),
    charlie,
  );
  const acknowledged = findEvent(api, events, 'crossChainMessages', 'MessageAcknowledged');
  assert.ok(acknowledged, 'MessageAcknowledged emitted');
  assert.equal(acknowledged.data.outcome.toString(), 'Delivered');
  const rewarded = findEvent(api, events, 'crossChainMessages', 'RelayerRewarded');
  assert.ok(rewarded, 'RelayerRewarded emitted');
  assert.equal(rewarded.data.relayer.toHex(), CHARLIE);
  assert.equal(rewarded.data.amount.toBigInt(), FEE);
  assert.equal(findEvent(api, events, 'assetLock', 'TransferRefunded'), undefined);
  assert.equal((await api.query.crossChainMessages.relayerRewards(charlie.address)).toBigInt(), FEE);
  // Complete: nothing pending, nothing refunded, and a second receipt finds nothing.
  assert.ok((await api.query.crossChainMessages.pendingMessages(HUB_CHAIN_ID, CHAIN_A, 1)).isNone);
  assert.equal(await rpc('fusion_messageProof', [CHAIN_A, 1]), null);
  // Delivered: chain A released Y at home, so its lock falls by Y.
  assert.equal(await wrappedBalance(bob), X - Y);
  assert.deepEqual(await books(), { locked: X - Y, inFlight: 0n, supply: X - Y });
  await assert.rejects(
    submitInBlock(api.tx.crossChainMessages.acknowledge(CHAIN_A, 101, [[receipt, proof]]), charlie),
    /crossChainMessages\.UnknownMessage/,
  );

  const before = await freeBalance(charlie);
  const claimed = await submitInBlock(api.tx.crossChainMessages.claimRewards(), charlie);
  const paid = findEvent(api, claimed.events, 'crossChainMessages', 'RewardsClaimed');
  assert.ok(paid, 'RewardsClaimed emitted');
  assert.equal(paid.data.amount.toBigInt(), FEE);
  const txFee = findEvent(api, claimed.events, 'transactionPayment', 'TransactionFeePaid').data.actualFee.toBigInt();
  assert.equal(await freeBalance(charlie), before + FEE - txFee);
  assert.equal((await api.query.crossChainMessages.relayerRewards(charlie.address)).toBigInt(), 0n);
  await assert.rejects(submitInBlock(api.tx.crossChainMessages.claimRewards(), charlie), /crossChainMessages\.NoRewards/);
});

test("a transfer chain 11 never executed is refunded only on its gateway's proof, once", async () => {
  const timeout = { height: 0, timestamp: (await hubNow()) + 60_000n };
  const { events } = await submitInBlock(
    api.tx.assetLock.transferOut(TOKEN, Z, CHAIN_A, USER, timeout, FEE),
    bob,
  );
  assert.equal(findEvent(api, events, 'assetLock', 'TransferSent').data.nonce.toNumber(), 2);
  // Bob's deposit for the pending message is held until it completes.
  const deposit = findEvent(api, events, 'crossChainMessages', 'MessageSent').data.deposit.toBigInt();
  assert.ok(deposit > 0n, 'a deposit is held');
  assert.equal(await heldDeposit(bob), deposit);
  assert.equal(await wrappedBalance(bob), X - Y - Z);
  assert.deepEqual(await books(), { locked: X - Y, inFlight: Z, supply: X - Y - Z });
  const timeoutWith = (proof) => submitInBlock(api.tx.crossChainMessages.timeoutMessage(HUB_CHAIN_ID, CHAIN_A, 2, proof), ferdie);
  const headerOfA = (number, stateRoot, timestamp) => submitHeaderOfA({
    number, hash: '0x' + number.toString(16).padStart(64, '0'), stateRoot, messageRoot: '0x' + 'c3'.repeat(32), timestamp,
  });

  // The hub's clock proves nothing about chain 11: no proof, no refund.
  await assert.rejects(timeoutWith(null), /crossChainMessages\.NonReceiptProofRequired/);

  // Past the timeout, but chain 11's gateway says it delivered nonce 2: it executed the
  // transfer, so no proof of its state can refund it.
  await (await gateway.setDelivered(HUB_CHAIN_ID, 2)).wait();
  const executed = await gatewayState(102);
  assert.equal(executed.proof.channelState.EvmStorage.delivered, 2n);
  await headerOfA(102, executed.stateRoot, timeout.timestamp + 1n);
  await assert.rejects(timeoutWith(executed.proof), /crossChainMessages\.MessageWasReceived/);

  // What chain 11 really did: it delivered nonce 1 (Bob's first transfer back) and no more.
  await (await gateway.setDelivered(HUB_CHAIN_ID, 1)).wait();
  const early = await gatewayState(103);
  await headerOfA(103, early.stateRoot, timeout.timestamp); // the last instant it could execute
  await assert.rejects(timeoutWith(early.proof), /crossChainMessages\.NotTimedOut/);
  assert.deepEqual(await books(), { locked: X - Y, inFlight: Z, supply: X - Y - Z });

  const past = await gatewayState(104);
  await headerOfA(104, past.stateRoot, timeout.timestamp + 1n);
  const bobNative = await freeBalance(bob);
  const timedOut = await timeoutWith(past.proof);
  const event = findEvent(api, timedOut.events, 'crossChainMessages', 'MessageTimedOut');
  assert.ok(event, 'MessageTimedOut emitted');
  assert.equal(event.data.height.toNumber(), 104);
  const refunded = findEvent(api, timedOut.events, 'assetLock', 'TransferRefunded');
  assert.ok(refunded, 'TransferRefunded emitted');
  assert.equal(refunded.data.sender.toHex(), BOB);
  assert.equal(refunded.data.amount.toBigInt(), Z);
  assert.equal(refunded.data.destination.toNumber(), CHAIN_A);
  assert.equal(await wrappedBalance(bob), X - Y);
  assert.deepEqual(await books(), { locked: X - Y, inFlight: 0n, supply: X - Y });
  // The fee goes back to Bob, no relayer having carried the message.
  assert.equal(findEvent(api, timedOut.events, 'crossChainMessages', 'RelayerRewarded'), undefined);
  assert.equal(await freeBalance(bob), bobNative + FEE + deposit);
  assert.equal(await heldDeposit(bob), 0n);
  // Chain 11's channel is ordered: it still has to take nonce 2 (as Expired) before nonce 3,
  // so the hub keeps serving its proof, and its place in the queue, until its receipt comes.
  const served = await rpc('fusion_messageProof', [CHAIN_A, 2]);
  assert.equal(served.message.nonce, 2);
  assert.ok((await api.query.crossChainMessages.timedOutMessages(HUB_CHAIN_ID, CHAIN_A, 2)).isSome);

  await assert.rejects(timeoutWith(past.proof), /crossChainMessages\.AlreadyTimedOut/);
  assert.equal(await wrappedBalance(bob), X - Y);
  assert.deepEqual(await books(), { locked: X - Y, inFlight: 0n, supply: X - Y });
});

test('a transfer over a Council rate limit is delivered as Failed, and changes nothing', async () => {
  const limit = { amount: 10n * UNIT, window: 100 };
  const closed = await councilMotion(api, api.tx.assetLock.setRateLimit(CHAIN_A, TOKEN, limit), alice, [alice, bob]);
  assert.ok(findEvent(api, closed, 'assetLock', 'RateLimitSet'), 'RateLimitSet emitted by the motion');
  const set = (await api.query.assetLock.rateLimits(CHAIN_A, TOKEN)).unwrap();
  assert.equal(set.amount.toBigInt(), limit.amount);

  // Message 2 of A's block 100: 50 tokens to Bob, over the limit of 10.
  const { events } = await deliver(100, [withProof(overTheLimit)]);
  const delivered = findEvent(api, events, 'crossChainMessages', 'MessageDelivered');
  assert.ok(delivered, 'MessageDelivered emitted');
  assert.equal(delivered.data.nonce.toNumber(), 2);
  assert.equal(delivered.data.outcome.toString(), 'Failed');
  const error = delivered.data.error.unwrap();
  assert.ok(error.isModule, `a module error: ${error.toString()}`);
  const { section, name } = api.registry.findMetaError(error.asModule);
  assert.equal(`${section}.${name}`, 'assetLock.RateLimitExceeded');
  assert.equal(findEvent(api, events, 'assetLock', 'TransferReceived'), undefined);
  assert.equal(await wrappedBalance(bob), X - Y);
  assert.deepEqual(await books(), { locked: X - Y, inFlight: 0n, supply: X - Y });

  // The nonce is used, and chain A learns of the failure from the hub's receipt.
  assert.equal(await inboundNonce(), 2);
  const { receipt, proof } = await rpc('fusion_receiptProof', [CHAIN_A, HUB_CHAIN_ID, 2]);
  assert.equal(receipt.outcome, 'Failed');
  assert.equal(receipt.messageLeaf, withProof(overTheLimit)[1].KeccakMerkle.leaf);
  assert.equal(receipt.relayer, CHARLIE);
  await checkOutboundProof(proof, RECEIPT_ABI_TYPES, receiptValues(receipt), CHAIN_A);
});
