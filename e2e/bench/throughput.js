// Throughput of one dev hub node, in one run: pre-signed plain transfers, asset transfers out
// submitted all at once (no pacing), and deliveries of peer messages in batches of 16, with one
// and with four peer chains. For each scenario it prints items per second (wall clock, from the
// first submission to the arrival of the block with the last item), the most items in one
// block, the failed transactions (included and failed on chain, paid for) and the ratio to plain
// transfers.
//
//   node bench/throughput.js [--items 2000] [--json out.json]
//
// Run by scripts/throughput.sh, which builds and names the node (FUSION_HUB_BIN).

import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { Wallet, zeroPadValue } from 'ethers';
import { startDevNode, connect } from '../lib/node.js';
import { submitCommitteeHeader } from '../lib/committee.js';
import { admitEvmChain } from '../lib/evm-peer.js';
import { MESSAGE_ABI_TYPES, messageValues, HUB_CHAIN_ID } from '../lib/messages.js';
import { presign, floodAndFollow } from '../lib/flood.js';

const { values: options } = parseArgs({
  options: {
    items: { type: 'string', default: '2000' },
    json: { type: 'string' },
  },
});
const ITEMS = Number(options.items);
const BATCH = 16;
const DATA_RECORD_APP = 2;
const SENDERS = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie'];
const PEERS = [101, 102, 103, 104];
const FAR_FUTURE_MS = 4_102_444_800_000n; // 2100-01-01
const log = (...args) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...args);

await cryptoWaitReady();
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const senders = SENDERS.map((uri) => keyring.addFromUri(uri));
const [alice, bob, charlie, dave] = senders;
const committee = { ecdsa: ['c1', 'c2', 'c3'].map((b) => new Wallet('0x' + b.repeat(32))) };

const node = await startDevNode({ name: 'throughput' });
const api = await connect(node.url);
log(`dev node ${node.url} (${process.env.FUSION_HUB_BIN ?? 'target/debug/fusion-hub'}), ${ITEMS} items per scenario`);

/// Admits the peers by Council motions: EVM chains whose committee attests their headers.
async function admitPeers() {
  for (const chainId of PEERS) {
    await admitEvmChain(api, {
      chainId, evmChainId: chainId, gateway: '0x' + chainId.toString(16).padStart(40, '0'),
      committee: committee.ecdsa, operator: dave, proposer: alice, voters: [alice, bob],
    });
  }
  log(`admitted peers ${PEERS.join(', ')}`);
}

const transferAmount = 10n ** 10n; // 0.01 FUSE
const recipients = Array.from({ length: 64 }, (_, i) => keyring.addFromUri(`//Bench//recipient//${i}`).address);

async function plainTransfers() {
  const signed = await presign(api, ITEMS, senders, (i) => api.tx.balances.transferKeepAlive(recipients[i % recipients.length], transferAmount));
  return floodAndFollow(api, 'balances.transferKeepAlive', signed, { section: 'balances', method: 'transferKeepAlive', itemsOf: () => 1 });
}

async function transfersOut(peers) {
  const timeout = { height: 0, timestamp: (await api.query.timestamp.now()).toBigInt() + 3_600_000n };
  const token = { home: HUB_CHAIN_ID, id: '0x' + '00'.repeat(32) };
  const signed = await presign(api, ITEMS, senders, (i) => api.tx.assetLock.transferOut(
    token, transferAmount, peers[i % peers.length], u8aToHex(decodeAddress(recipients[i % recipients.length])), timeout, 0,
  ));
  return floodAndFollow(api, `assetLock.transferOut, ${peers.length} peer(s), at once`, signed, { section: 'assetLock', method: 'transferOut', itemsOf: () => 1 });
}

const nextNonce = new Map(PEERS.map((peer) => [peer, 1]));
let nextHeight = 1;

/// Each peer's committee attests a header whose message root holds its next messages to the
/// hub (data records); its relayer delivers them in batches of 16, in nonce order.
async function deliveries(peers) {
  const perPeer = Math.ceil(ITEMS / peers.length);
  const relayers = [charlie, dave, senders[4], senders[5]];
  const signed = [];
  for (const [p, peer] of peers.entries()) {
    const first = nextNonce.get(peer);
    const messages = Array.from({ length: perPeer }, (_, i) => ({
      source: peer,
      destination: HUB_CHAIN_ID,
      nonce: first + i,
      sender: zeroPadValue('0x' + (i % 200 + 1).toString(16).padStart(2, '0'), 32),
      appId: DATA_RECORD_APP,
      payload: '0x' + 'ab'.repeat(32),
      timeout: { height: 0, timestamp: FAR_FUTURE_MS },
      fee: 0n,
    }));
    nextNonce.set(peer, first + perPeer);
    const tree = StandardMerkleTree.of(messages.map(messageValues), MESSAGE_ABI_TYPES);
    const height = nextHeight++;
    await submitCommitteeHeader(api, peer, 0n, {
      number: height,
      hash: '0x' + height.toString(16).padStart(64, '0'),
      stateRoot: '0x' + 'a2'.repeat(32),
      messageRoot: tree.root,
      timestamp: 1_732_000_000_000n + BigInt(height),
    }, committee, alice);
    const batches = [];
    for (let i = 0; i < perPeer; i += BATCH) {
      batches.push(messages.slice(i, i + BATCH).map((message, j) => [
        message, { KeccakMerkle: { leaf: tree.leafHash(messageValues(message)), proof: tree.getProof(i + j) } },
      ]));
    }
    signed.push(...(await presign(api, batches.length, [relayers[p]], (i) => api.tx.crossChainMessages.deliverMessages(peer, height, batches[i]))));
  }
  return floodAndFollow(api, `crossChainMessages.deliverMessages (batches of ${BATCH}), ${peers.length} peer(s)`, signed, {
    section: 'crossChainMessages',
    method: 'deliverMessages',
    itemsOf: (_, events) => events.filter(({ event }) => api.events.crossChainMessages.MessageDelivered.is(event)).length,
  });
}

let results;
try {
  await admitPeers();
  const plain = await plainTransfers();
  results = [
    plain,
    await transfersOut(PEERS.slice(0, 1)),
    await deliveries(PEERS.slice(0, 1)),
    await transfersOut(PEERS),
    await deliveries(PEERS),
  ].map((r) => ({ ...r, ratioToPlain: plain.itemsPerSecond > 0 ? r.itemsPerSecond / plain.itemsPerSecond : 0 }));
} finally {
  await api.disconnect();
  await node.stop();
}

const table = [
  '| scenario | items/s | per block (max) | blocks | blocks skipped | failed | ratio to plain |',
  '|---|---|---|---|---|---|---|',
  ...results.map((r) => `| ${r.scenario} | ${r.itemsPerSecond.toFixed(1)} | ${r.maxPerBlock} | ${r.blocks} | ${r.skippedBlocks} | ${r.failed}${r.failed ? ' ' + JSON.stringify(r.failures) : ''}${r.refusedByPool ? `, ${r.refusedByPool} refused by the pool` : ''} | ${r.ratioToPlain.toFixed(2)} |`),
];
console.log(table.join('\n'));
if (options.json) writeFileSync(options.json, JSON.stringify(results, null, 2));
