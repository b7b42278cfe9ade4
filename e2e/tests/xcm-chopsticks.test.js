// XCM between two real runtimes on the built wasm: the hub (para 2000) and a sibling parachain
// (the hub's runtime again, as para 2001), run by chopsticks with no relay chain. Each chain's
// registry gates the other: a sibling in no record cannot make the hub execute anything, and the
// hub sends nothing to it; once each admits the other, FUSE goes hub -> sibling by reserve
// transfer (the sibling holds it as a foreign asset, the hub's books count the sibling's claim)
// and back, and the sibling's own token comes to the hub as a foreign asset.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { u8aConcat, u8aToHex, stringToU8a, bnToU8a } from '@polkadot/util';
import { connect, submitInBlock } from '../lib/node.js';
import { startXcmPair } from '../lib/chopsticks.js';

const HUB_PARA = 2000;
const SIBLING_PARA = 2001;
// Registry chain ids: the sibling in the hub's registry, the hub in the sibling's.
const SIBLING_CHAIN = 21;
const HUB_CHAIN = 20;
const FUSE = 10n ** 12n;
const HUB_NATIVE = { home: 0, id: '0x' + '00'.repeat(32) };

let network;
let hub;
let sibling;
let keyring;
let alice;
let charlie;
let dave;
let eve;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const paraLocation = (paraId) => ({ parents: 1, interior: { X1: [{ Parachain: paraId }] } });
const accountLocation = (pair) => ({ parents: 0, interior: { X1: [{ AccountId32: { network: null, id: u8aToHex(pair.publicKey) } }] } });
/// A sibling's sovereign account on a parachain: "sibl", its para id, zeros.
const siblingSovereign = (paraId) => u8aConcat(stringToU8a('sibl'), bnToU8a(paraId, { bitLength: 32 }), new Uint8Array(24));

/// Every event of the blocks after `fromNumber`, waiting up to `timeoutMs` for `until` to hold.
async function eventsAfter(api, fromNumber, until, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    const events = [];
    for (let n = fromNumber + 1; n <= best; n++) {
      const hash = await api.rpc.chain.getBlockHash(n);
      events.push(...(await api.query.system.events.at(hash)).map(({ event }) => event));
    }
    if (until(events)) return events;
    if (Date.now() > deadline) {
      throw new Error(`condition not met after ${timeoutMs} ms; events: ${events.map((e) => `${e.section}.${e.method}`).join(', ')}`);
    }
    await sleep(500);
  }
}

const bestNumber = async (api) => (await api.rpc.chain.getHeader()).number.toNumber();

/// The id of the XCM that `events` (of the sending chain) record as sent.
function sentMessageId(api, events) {
  const sent = events.find(({ event }) => api.events.polkadotXcm.Sent.is(event));
  assert.ok(sent, `an XCM was sent: ${events.map(({ event }) => `${event.section}.${event.method}`)}`);
  return sent.event.data.messageId.toHex();
}

/// Waits until `api`'s chain has processed the XCM `messageId` (after block `fromNumber`);
/// resolves with its `messageQueue.Processed` event and every event of those blocks.
async function processed(api, fromNumber, messageId) {
  const isIt = (e) => api.events.messageQueue.Processed.is(e) && e.data.id.toHex() === messageId;
  const events = await eventsAfter(api, fromNumber, (events) => events.some(isIt));
  return { processed: events.find(isIt), events };
}

/// Signs `tx` with the signer's nonce at the best block, and resolves once it is in the best
/// block. (Chopsticks may announce a block before its head moves, and its `accountNextIndex`
/// then reads the old head: the nonce is read here, after the head has moved.)
async function submit(api, tx, signer) {
  const { nonce } = await api.query.system.account(signer.address);
  const result = await submitInBlock(tx, signer, { nonce });
  const { number } = await api.rpc.chain.getHeader(result.blockHash);
  const deadline = Date.now() + 30_000;
  while ((await bestNumber(api)) < number.toNumber()) {
    if (Date.now() > deadline) throw new Error(`block ${number} never became the best block`);
    await sleep(100);
  }
  return result;
}

const sudo = (api, call) => submit(api, api.tx.sudo.sudo(call), alice);

/// `api`'s chain admits the parachain `paraId` as registry chain `chainId` (Dave applies, Root
/// approves), and declares that parachain's native token a foreign asset.
async function admit(api, chainId, paraId, name) {
  await submit(
    api,
    api.tx.chainRegistry.proposeChain(chainId, name, { PolkadotParachain: { paraId } }, 'RelayChain'),
    dave,
  );
  await sudo(api, api.tx.chainRegistry.approveChain(chainId));
  const { events } = await sudo(
    api,
    api.tx.foreignAssets.forceCreate(paraLocation(paraId), { Id: siblingSovereign(paraId) }, true, FUSE / 1000n),
  );
  assert.ok(events.some(({ event }) => event.section === 'foreignAssets' && event.method === 'ForceCreated'));
}

const foreignBalance = async (api, paraId, who) => {
  const account = await api.query.foreignAssets.account(paraLocation(paraId), who.address);
  return account.isSome ? account.unwrap().balance.toBigInt() : 0n;
};
const freeBalance = async (api, who) => (await api.query.system.account(who.address)).data.free.toBigInt();
const claimOf = async (api, chainId) => (await api.query.assetLock.escrowed(chainId, HUB_NATIVE)).toBigInt();

/// `from` signs a reserve transfer of `assets` on `api`'s chain to `beneficiary` on `paraId`.
const transferAssets = (api, from, paraId, beneficiary, assets) => submit(
  api,
  api.tx.polkadotXcm.transferAssets(
    { V5: paraLocation(paraId) },
    { V5: accountLocation(beneficiary) },
    { V5: assets },
    0,
    'Unlimited',
  ),
  from,
);

before(async () => {
  await cryptoWaitReady();
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  // Alice and Bob are the dev collators, who are paid XCM fees as block authors: the
  // beneficiaries are others, so that what they receive is net of fees.
  [alice, charlie, dave, eve] = ['//Alice', '//Charlie', '//Dave', '//Eve'].map((uri) => keyring.addFromUri(uri));
  network = await startXcmPair({ paraIds: [HUB_PARA, SIBLING_PARA] });
  console.log(`chopsticks: hub and sibling ready in ${network.readyMs} ms`);
  [hub, sibling] = await Promise.all(network.chains.map(({ url }) => connect(url)));
  assert.equal((await hub.query.parachainInfo.parachainId()).toNumber(), HUB_PARA);
  assert.equal((await sibling.query.parachainInfo.parachainId()).toNumber(), SIBLING_PARA);
});

after(async () => {
  await hub?.disconnect();
  await sibling?.disconnect();
  await network?.stop();
});

test('a sibling in no registry record cannot make the hub execute XCM, and the hub sends it nothing', async () => {
  // The sibling admits the hub, so that the sibling itself lets the transfer go.
  await admit(sibling, HUB_CHAIN, HUB_PARA, 'Fusion Hub');

  // The sibling's root sends the hub a paid program: refused at the hub's barrier.
  const from = await bestNumber(hub);
  const program = [
    { WithdrawAsset: [{ id: { parents: 0, interior: 'Here' }, fun: { Fungible: FUSE } }] },
    { BuyExecution: { fees: { id: { parents: 0, interior: 'Here' }, fun: { Fungible: FUSE } }, weightLimit: 'Unlimited' } },
    { DepositAsset: { assets: { Wild: { AllCounted: 1 } }, beneficiary: accountLocation(charlie) } },
  ];
  const charlieBefore = await freeBalance(hub, charlie);
  const { events: sent } = await sudo(sibling, sibling.tx.polkadotXcm.send({ V5: paraLocation(HUB_PARA) }, { V5: program }));
  sentMessageId(sibling, sent);
  // Processed without success: the barrier stopped it before its first instruction (and any
  // version subscription the sibling sent with it).
  const fromSibling = (e) => hub.events.messageQueue.Processed.is(e) &&
    e.data.origin.toJSON()?.sibling === SIBLING_PARA;
  const events = await eventsAfter(hub, from, (events) => events.some(fromSibling));
  const refused = events.filter(fromSibling);
  assert.ok(refused.every((e) => e.data.success.isFalse), `${refused.map((e) => e.data.toString())}`);
  assert.equal(await freeBalance(hub, charlie), charlieBefore);

  // Alice's reserve transfer from the hub to it fails before anything moves.
  const escrowBefore = await claimOf(hub, SIBLING_CHAIN);
  await assert.rejects(
    transferAssets(hub, alice, SIBLING_PARA, charlie, [{ id: { parents: 0, interior: 'Here' }, fun: { Fungible: 10n * FUSE } }]),
    /polkadotXcm\.LocalExecutionIncompleteWithError/,
  );
  assert.equal(await claimOf(hub, SIBLING_CHAIN), escrowBefore);
  assert.equal(await foreignBalance(sibling, HUB_PARA, charlie), 0n);
});

test('FUSE goes hub -> sibling by reserve transfer and back, the hub\'s books counting the claim', async () => {
  await admit(hub, SIBLING_CHAIN, SIBLING_PARA, 'Sibling');
  const sent = 10n * FUSE;

  // Hub -> sibling: the sibling's claim grows by what was sent; Charlie holds hub FUSE there, less
  // the sibling's execution fee (paid in it, a sufficient foreign asset, to the block author).
  const siblingFrom = await bestNumber(sibling);
  const { events: hubEvents } = await transferAssets(hub, alice, SIBLING_PARA, charlie, [
    { id: { parents: 0, interior: 'Here' }, fun: { Fungible: sent } },
  ]);
  const credited = hubEvents.find(({ event }) => hub.events.assetLock.ParachainClaimCredited.is(event));
  assert.ok(credited, 'the sibling\'s claim is credited in the hub\'s books');
  assert.equal(credited.event.data.chain.toNumber(), SIBLING_CHAIN);
  assert.equal(credited.event.data.amount.toBigInt(), sent);
  assert.equal(await claimOf(hub, SIBLING_CHAIN), sent);
  const there = await processed(sibling, siblingFrom, sentMessageId(hub, hubEvents));
  assert.ok(there.processed.data.success.isTrue, 'the sibling executed it');
  const received = await foreignBalance(sibling, HUB_PARA, charlie);
  assert.ok(received > 0n && received < sent, `Charlie holds ${received} of hub FUSE on the sibling`);
  console.log(`hub -> sibling: ${sent} sent, ${received} received (fee ${sent - received})`);

  // Sibling -> hub: Charlie sends part of it home to Dave; the claim shrinks by exactly that.
  const back = 4n * FUSE;
  const daveBefore = await freeBalance(hub, dave);
  const hubFrom = await bestNumber(hub);
  const { events: backEvents } = await transferAssets(sibling, charlie, HUB_PARA, dave, [
    { id: paraLocation(HUB_PARA), fun: { Fungible: back } },
  ]);
  assert.equal(await foreignBalance(sibling, HUB_PARA, charlie), received - back);
  const home = await processed(hub, hubFrom, sentMessageId(sibling, backEvents));
  assert.ok(home.processed.data.success.isTrue, 'the hub executed it');
  const events = home.events;
  const debited = events.find((e) => hub.events.assetLock.ParachainClaimDebited.is(e));
  assert.ok(debited, `the sibling's claim is debited: ${events.map((e) => `${e.section}.${e.method}`)}`);
  assert.equal(debited.data.amount.toBigInt(), back);
  assert.equal(await claimOf(hub, SIBLING_CHAIN), sent - back);
  const daveGot = (await freeBalance(hub, dave)) - daveBefore;
  assert.ok(daveGot > 0n && daveGot < back, `Dave received ${daveGot} on the hub`);
  console.log(`sibling -> hub: ${back} sent, ${daveGot} received`);
});

test('the sibling\'s own token comes to the hub as a foreign asset, with the sibling as reserve', async () => {
  const sent = 20n * FUSE;
  const hubFrom = await bestNumber(hub);
  const { events: siblingEvents } = await transferAssets(sibling, alice, HUB_PARA, eve, [
    { id: { parents: 0, interior: 'Here' }, fun: { Fungible: sent } },
  ]);
  // On the sibling, the hub's claim on the sibling's token grows, in the sibling's books.
  assert.ok(siblingEvents.some(({ event }) => sibling.events.assetLock.ParachainClaimCredited.is(event)));
  assert.equal(await claimOf(sibling, HUB_CHAIN), sent);
  const arrived = await processed(hub, hubFrom, sentMessageId(sibling, siblingEvents));
  assert.ok(arrived.processed.data.success.isTrue, 'the hub executed it');
  const held = await foreignBalance(hub, SIBLING_PARA, eve);
  assert.ok(held > 0n && held < sent, `Eve holds ${held} of the sibling's token on the hub`);
  const supply = (await hub.query.foreignAssets.asset(paraLocation(SIBLING_PARA))).unwrap().supply.toBigInt();
  assert.equal(supply, sent, 'the derivative supply is what the reserve holds for the hub');
});
