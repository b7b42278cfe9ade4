// `--dev --instant-seal`: no block until a transaction arrives, then a block for it, at once.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode, connect, submitInBlock } from '../lib/node.js';

let node;
let api;
let keyring;

const best = async () => (await api.rpc.chain.getHeader()).number.toNumber();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  await cryptoWaitReady();
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  node = await startDevNode({ name: 'instant-seal', extraArgs: ['--instant-seal'] });
  api = await connect(node.url);
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

test('the node says it seals a block per transaction, and seals none while idle', async () => {
  const info = await api._rpcCore.provider.send('fusion_nodeInfo', []);
  assert.equal(info.mode, 'dev-instant-seal');
  const before = await best();
  await sleep(3_000);
  assert.equal(await best(), before, 'no block without a transaction');
});

test('one transaction is sealed in a block of its own, at once', async () => {
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');
  const before = await best();
  const started = Date.now();
  const { blockHash, events } = await submitInBlock(
    api.tx.balances.transferKeepAlive(bob.address, 1_000_000_000_000n),
    alice,
  );
  const header = await api.rpc.chain.getHeader(blockHash);
  assert.equal(header.number.toNumber(), before + 1, 'the next block holds it');
  assert.ok(events.some(({ event }) => api.events.balances.Transfer.is(event)), 'Transfer event');
  console.log(`  sealed in ${Date.now() - started} ms`);
  // A second lone transaction: the next block again (the first one was no accident of start-up).
  const second = await submitInBlock(
    api.tx.balances.transferKeepAlive(alice.address, 1_000_000_000_000n),
    bob,
  );
  assert.equal((await api.rpc.chain.getHeader(second.blockHash)).number.toNumber(), before + 2);
});

test('a burst of transactions from several accounts is sealed, none left behind', async () => {
  const senders = ['//Charlie', '//Dave', '//Eve', '//Ferdie'].map((uri) => keyring.addFromUri(uri));
  const to = keyring.addFromUri('//Alice').address;
  const before = await best();
  const results = await Promise.all(
    senders.map((sender) => submitInBlock(api.tx.balances.transferKeepAlive(to, 1_000_000_000_000n), sender)),
  );
  const numbers = await Promise.all(
    results.map(async ({ blockHash }) => (await api.rpc.chain.getHeader(blockHash)).number.toNumber()),
  );
  for (const number of numbers) assert.ok(number > before && number <= before + senders.length, `block ${number}`);
  // An empty block may follow a burst (the pool prunes after the seal asks), but no more.
  await sleep(2_000);
  assert.ok((await best()) <= Math.max(...numbers) + 1, 'no run of empty blocks');
});
