// A flood of transfers to one peer chain, submitted at once: none fails on chain. Before
// spec 7 a block committed at most 128 leaves per destination, and every transfer past them
// was included to fail with `BlockCapacityReached`, its fee paid. Now the commitment takes
// thousands of leaves; what does not fit a block waits in the pool for the next one. With
// these weights a block takes about 550 transfers out (its proof size binds first), so this
// flood meets `CheckWeight`'s limits, not the commitment's: the runtime test
// `a_block_commits_thousands_of_leaves_and_holds_back_what_does_not_fit` fills a commitment.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { Wallet } from 'ethers';
import { startDevNode, connect } from '../lib/node.js';
import { admitEvmChain } from '../lib/evm-peer.js';
import { presign, floodAndFollow } from '../lib/flood.js';

const PEER = 21;
const TRANSFERS = 1_000;
const AMOUNT = 10n ** 10n; // 0.01 FUSE

let node;
let api;
let senders;

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  senders = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie'].map((uri) => keyring.addFromUri(uri));
  node = await startDevNode({ name: 'capacity' });
  api = await connect(node.url);
  const [alice, bob, , dave] = senders;
  const committee = ['c1', 'c2', 'c3'].map((b) => new Wallet('0x' + b.repeat(32)));
  await admitEvmChain(api, {
    chainId: PEER, evmChainId: PEER, gateway: '0x' + '21'.repeat(20),
    committee, operator: dave, proposer: alice, voters: [alice, bob],
  });
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

test(`${TRANSFERS} transfers to one peer submitted at once are all included, none fails`, async () => {
  const timeout = { height: 0, timestamp: (await api.query.timestamp.now()).toBigInt() + 3_600_000n };
  const beneficiary = u8aToHex(decodeAddress(senders[0].address));
  const token = { home: 0, id: '0x' + '00'.repeat(32) };
  const inFlightBefore = (await api.query.assetLock.inFlight(token)).toBigInt();
  const signed = await presign(api, TRANSFERS, senders, () => api.tx.assetLock.transferOut(token, AMOUNT, PEER, beneficiary, timeout, 0));
  const result = await floodAndFollow(api, 'transfers out', signed, {
    section: 'assetLock', method: 'transferOut', itemsOf: () => 1, timeoutMs: 5 * 60_000,
  });
  assert.equal(result.refusedByPool, 0, 'the pool took every transfer');
  assert.deepEqual(result.failures, {}, 'no transfer failed on chain');
  assert.equal(result.failed, 0);
  assert.equal(result.included, TRANSFERS, 'every transfer was included');
  assert.ok(result.maxPerBlock > 128, `a block took more than the old cap of 128: ${result.perBlock}`);
  // The dev node's timer waits for each block before timing the next: no block is sealed
  // before the pool has caught up with the last one (such blocks came out empty).
  assert.equal(result.skippedBlocks, 0, 'no block without transfers while some waited');
  // Each is pending for the peer, in flight in the books, and committed for the peer.
  assert.equal((await api.query.crossChainMessages.outboundNonces(PEER)).toNumber(), TRANSFERS);
  assert.equal((await api.query.assetLock.inFlight(token)).toBigInt() - inFlightBefore, AMOUNT * BigInt(TRANSFERS));
  console.log(`  ${TRANSFERS} transfers out in ${result.blocks} blocks (${result.perBlock.join(', ')}), ${result.itemsPerSecond.toFixed(1)}/s`);
});

test('2,000 plain transfers submitted at once: no block without them while some wait', async () => {
  // Plain transfers fill blocks fastest, so the pool has the most to revalidate after each one:
  // a block sealed before the pool followed the last one took only the fallback's few and
  // left the rest a block behind (one skipped block per run before the timer waited for it).
  const to = senders[0].address;
  const signed = await presign(api, 2_000, senders.slice(1), () => api.tx.balances.transferKeepAlive(to, AMOUNT));
  const result = await floodAndFollow(api, 'plain transfers', signed, {
    section: 'balances', method: 'transferKeepAlive', itemsOf: () => 1, timeoutMs: 5 * 60_000,
  });
  assert.equal(result.refusedByPool, 0, 'the pool took every transfer');
  assert.equal(result.failed, 0, `no transfer failed: ${JSON.stringify(result.failures)}`);
  assert.equal(result.included, 2_000, 'every transfer was included');
  assert.equal(result.skippedBlocks, 0, `no block without transfers while some waited: ${result.perBlock}`);
  console.log(`  2,000 plain transfers in ${result.blocks} blocks (${result.perBlock.join(', ')}), ${result.itemsPerSecond.toFixed(1)}/s`);
});
