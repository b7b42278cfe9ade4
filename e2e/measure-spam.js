// Measures what it costs one account to fill one destination's queue with `sendData` (1-byte
// records, fee 0) on a dev node: the transaction fees paid, the deposits held, how many sends
// the queue took, and how long it took. Prints one JSON line.
// Usage: node measure-spam.js [extra sends past the queue's share = 20]

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode, connect, submitInBlock } from './lib/node.js';
import { councilMotion } from './lib/council.js';
import { committeeVerifier } from './lib/committee.js';

const CHAIN = 21;
const extra = Number(process.argv[2] ?? 20);

await cryptoWaitReady();
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const [alice, bob, dave, eve] = ['//Alice', '//Bob', '//Dave', '//Eve'].map((uri) => keyring.addFromUri(uri));
const node = await startDevNode({ name: 'spam', extraArgs: ['--dev-block-time', '1000'] });
const api = await connect(node.url);
const log = (...args) => console.error(new Date().toISOString(), ...args);

try {
  const committee = { sr: [1, 2, 3].map((i) => keyring.addFromUri(`//Spam//committee//${i}`)) };
  await submitInBlock(
    api.tx.chainRegistry.proposeChain(CHAIN, 'Spam target', { PermissionedLedger: { platform: 'Fabric' } }, committeeVerifier(committee, 3)),
    dave,
  );
  await councilMotion(api, api.tx.chainRegistry.approveChain(CHAIN), alice, [alice, bob]);
  const share = api.consts.crossChainMessages.maxPendingSendsPerDestination.toNumber();
  const total = share + extra;
  log(`chain ${CHAIN} active; sending ${total} records (the senders' share is ${share})`);

  // Why Eve's sends failed (she is the only one sending), from the blocks' events.
  let failed = 0;
  const failures = {};
  const unsubscribe = await api.query.system.events((events) => {
    for (const { event, phase } of events) {
      if (api.events.system.ExtrinsicFailed.is(event) && phase.isApplyExtrinsic) {
        failed += 1;
        const error = event.data.dispatchError;
        const name = error.isModule ? api.registry.findMetaError(error.asModule).name : error.toString();
        failures[name] = (failures[name] ?? 0) + 1;
      }
    }
  });

  const before = (await api.query.system.account(eve.address)).data;
  const now = (await api.query.timestamp.now()).toBigInt();
  const timeout = { height: 0, timestamp: now + 23n * 3600n * 1000n };
  const first = (await api.rpc.system.accountNextIndex(eve.address)).toNumber();
  const started = Date.now();
  // Paced: a block's worth of the senders' share at a time, the next batch once the last one is
  // in a block (a flooded dev pool drops transactions; see the throughput issue).
  const perBlock = api.consts.crossChainMessages.maxSendLeavesPerBlock.toNumber();
  let nonce = first;
  while (nonce < first + total) {
    const count = Math.min(perBlock, first + total - nonce);
    const signed = [];
    for (let i = 0; i < count; i += 1) {
      signed.push(await api.tx.crossChainMessages.sendData(CHAIN, [1], timeout, 0).signAsync(eve, { nonce: nonce + i, era: 0 }));
    }
    // A transaction the pool refuses or drops would stall the nonces after it: stop, loudly.
    await Promise.all(signed.map((tx) => api.rpc.author.submitExtrinsic(tx)));
    nonce += count;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if ((await api.query.system.account(eve.address)).nonce.toNumber() >= nonce) break;
      if (Date.now() > deadline) throw new Error(`nonce ${nonce} not reached in 60 s: a transaction was dropped`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if ((nonce - first) % (perBlock * 10) < perBlock) {
      log(`sent ${nonce - first}; pending sends to chain ${CHAIN}: ${(await api.query.crossChainMessages.pendingSends(CHAIN)).toNumber()}`);
    }
  }
  // The last block's events.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  unsubscribe();
  const elapsedS = (Date.now() - started) / 1000;

  const after = (await api.query.system.account(eve.address)).data;
  const holds = await api.query.balances.holds(eve.address);
  const held = holds
    .filter((hold) => hold.id.isCrossChainMessages)
    .reduce((sum, hold) => sum + hold.amount.toBigInt(), 0n);
  const queued = (await api.query.crossChainMessages.pendingSends(CHAIN)).toNumber();
  const pendingAll = (await api.query.crossChainMessages.pendingCount(CHAIN)).toNumber();
  // Fees: what left Eve's free balance and is not held.
  const fees = before.free.toBigInt() - after.free.toBigInt() - held;
  const FUSE = 10 ** 12;
  console.log(JSON.stringify({
    sends: total,
    queued,
    pendingToChain: pendingAll,
    maxPendingPerDestination: api.consts.crossChainMessages.maxPendingPerDestination.toNumber(),
    failed,
    failures,
    feesFuse: Number(fees) / FUSE,
    depositsHeldFuse: Number(held) / FUSE,
    depositPerSendMilliFuse: queued ? Number(held) / queued / 1e9 : 0,
    freeSpentFuse: Number(before.free.toBigInt() - after.free.toBigInt()) / FUSE,
    elapsedS,
  }));
} finally {
  await api.disconnect();
  await node.stop();
}
