// The web console (web/, issue 17) in headless Chromium against a fresh dev node: the Council
// admits chain 7, which delivers a transfer of its token to Bob (a wrapped asset on the hub, part
// of it in an HTLC), and has a motion open for chain 8; a settlement waits for sign-ups. The
// console warns that `?rpc=` points it at another node than the one it is served for, lists the
// chain and the motion (checked against its hash), refuses a malformed form before anything is
// signed, sends a transfer signed through a wallet injected into the page and tracks it into the
// hub's outbound commitment, shows a refused call's named error, finds the transfer again after a
// reload by its payer alone, shows the books of both tokens and the settlement; then it says the
// node is down when its connection is cut (a TCP proxy stands between the page and the node), and
// reconnects when it is back, with the events of every block made meanwhile. Screenshots of every
// page go to e2e/.screenshots/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { Wallet, zeroPadValue } from 'ethers';
import { startDevNode, connect, submitInBlock } from '../lib/node.js';
import { wsCall } from '../lib/processes.js';
import { councilMotion } from '../lib/council.js';
import { committeeVerifier, submitCommitteeHeader } from '../lib/committee.js';
import {
  MESSAGE_ABI_TYPES, ASSET_TRANSFER_APP, HUB_CHAIN_ID, messageValues, transferPayload, findEvent,
} from '../lib/messages.js';
import { startTcpProxy } from '../lib/proxy.js';
import { buildConsole, injectTestWallet, launchChromium, screenshot } from '../lib/browser.js';
import { serveConsole } from '../../web/serve.js';

const PEER = 7;
const APPLICANT = 8;
const FUSE = 10n ** 12n;
const BENEFICIARY = '0x' + '5a'.repeat(20); // an EVM address on chain 7
const SETTLEMENT_ID = '0x' + '17'.repeat(32);
const STEP_TIMEOUT = 30_000;
// Chain 7's ERC-20, sent to Bob on the hub: 1,000 of its 18-decimal units; 10 of them then in an
// HTLC, held by the asset-lock escrow account.
const TOKEN = { home: PEER, id: zeroPadValue('0x' + '7e'.repeat(20), 32) };
const WRAPPED = 1_000n * 10n ** 18n;
const IN_HTLC = 10n * 10n ** 18n;
const FAR_FUTURE_MS = 4_102_444_800_000n; // 2100-01-01

let node;
let api;
let keyring;
let alice;
let server;
let proxy; // the page's way to the node
let browser;
let page;
let signed;
let outDir; // the console built for this test, not web/dist

// Chain 7's committee: one ethers wallet, which attests its header 100.
const signers = { ecdsa: [new Wallet('0x' + '44'.repeat(32))] };

before(async () => {
  const startedAt = Date.now();
  await cryptoWaitReady();
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  alice = keyring.addFromUri('//Alice', { name: 'Alice (test wallet)' });
  outDir = mkdtempSync(join(tmpdir(), 'fusion-console-'));
  // Vite builds while the node starts. Both are awaited (no stray rejection, and no node left
  // starting unseen by after()), then either failure fails the set-up.
  const failed = (await Promise.allSettled([buildConsole(outDir), startChain()])).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  proxy = await startTcpProxy(node.rpcPort);
  server = await serveConsole({ dir: outDir });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  signed = await injectTestWallet(context, api.registry, [alice]);
  page = await context.newPage();
  page.on('pageerror', (error) => console.log('page error:', error.message));
  console.log(`set up in ${Date.now() - startedAt} ms (node RPC ready after ${node.rpcReadyMs} ms)`);
});

/// A dev node with chain 7 admitted, a transfer of its token delivered to Bob and partly put in an
/// HTLC, chain 8's motion open with no vote yet, and a settlement waiting for sign-ups.
async function startChain() {
  node = await startDevNode({ name: 'console', extraArgs: ['--dev-block-time', '1000'] });
  api = await connect(node.url);
  const [bob, charlie, dave, eve] = ['//Bob', '//Charlie', '//Dave', '//Eve'].map((uri) => keyring.addFromUri(uri));

  // Chain 7's block 100 commits a transfer of 1,000 of its token to Bob (and a message to another
  // chain); its committee attests the header, a relayer delivers the transfer with its proof.
  const transfer = {
    source: PEER, destination: HUB_CHAIN_ID, nonce: 1, sender: '0x' + '9d'.repeat(32), appId: ASSET_TRANSFER_APP,
    payload: transferPayload(TOKEN, WRAPPED, u8aToHex(bob.publicKey), 18), timeout: { height: 0, timestamp: FAR_FUTURE_MS }, fee: 0n,
  };
  const elsewhere = { ...transfer, destination: 99, appId: 2, payload: '0x68656c6c6f' };
  const tree = StandardMerkleTree.of([transfer, elsewhere].map(messageValues), MESSAGE_ABI_TYPES);
  await submitInBlock(api.tx.chainRegistry.proposeChain(PEER, 'Acme EVM', { EvmChain: { chainId: 1, gateway: '0x' + '9a'.repeat(20) } }, committeeVerifier(signers, 1)), dave);
  await councilMotion(api, api.tx.chainRegistry.approveChain(PEER), alice, [alice, bob]);
  await submitCommitteeHeader(api, PEER, 0n, {
    number: 100, hash: '0x' + 'a1'.repeat(32), stateRoot: '0x' + 'a2'.repeat(32), messageRoot: tree.root, timestamp: BigInt(Date.now() - 60_000),
  }, signers, charlie);
  const { events } = await submitInBlock(api.tx.crossChainMessages.deliverMessages(PEER, 100, [
    [transfer, { KeccakMerkle: { leaf: tree.leafHash(messageValues(transfer)), proof: tree.getProof(messageValues(transfer)) } }],
  ]), charlie);
  assert.ok(findEvent(api, events, 'assetLock', 'WrappedAssetCreated'), 'chain 7\'s token wrapped on the hub');
  await submitInBlock(api.tx.assetLock.createHtlc(TOKEN, IN_HTLC, eve.address, '0x' + '4c'.repeat(32), 1_000), bob);

  await submitInBlock(api.tx.chainRegistry.proposeChain(APPLICANT, 'Beta EVM', { EvmChain: { chainId: 2, gateway: '0x' + '9b'.repeat(20) } }, committeeVerifier({ ecdsa: [new Wallet('0x' + '55'.repeat(32))] }, 1)), eve);
  const approve = api.tx.chainRegistry.approveChain(APPLICANT);
  await submitInBlock(api.tx.council.propose(2, approve, approve.method.encodedLength), bob);
  // A DvP of FUSE between Alice and Bob on the hub, waiting for both to sign up.
  const deadline = (await api.query.timestamp.now()).toBigInt() + 3_600_000n;
  const native = { home: 0, id: '0x' + '00'.repeat(32) };
  await submitInBlock(api.tx.settlement.propose(SETTLEMENT_ID, [
    { chain: 0, token: native, from: u8aToHex(alice.publicKey), to: u8aToHex(bob.publicKey), amount: 3n * FUSE },
    { chain: 0, token: native, from: u8aToHex(bob.publicKey), to: u8aToHex(alice.publicKey), amount: 2n * FUSE },
  ], deadline), charlie);
}

after(async () => {
  await browser?.close();
  await server?.close();
  await proxy?.cut();
  await api?.disconnect();
  await node?.stop();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const open = (hash) => page.goto(`${server.url}?rpc=${encodeURIComponent(proxy.url)}${hash}`);
const status = () => page.locator('#status').getAttribute('data-status');

test('the Peers page lists the admitted chain and the open motion, and a member votes aye from it', async () => {
  await open('#peers');
  const row = page.locator('tr[data-chain="7"]');
  await row.waitFor({ timeout: STEP_TIMEOUT });
  const text = await row.innerText();
  assert.match(text, /Acme EVM/);
  assert.match(text, /Active/);
  assert.match(text, /committee 1 of 1, set 0/);
  assert.match(text, /EVM chain 1/);
  assert.match(text, /#100 .*\n.*\d+ min ago/);
  assert.match(text, /last delivered nonce 1/);
  assert.equal(await status(), 'connected');
  // The page was opened with ?rpc= (the proxy), not the node it is served for: it says so.
  assert.ok(await page.locator('#rpc-warning').isVisible(), 'the ?rpc= warning is shown');
  assert.match(await page.locator('#rpc-warning').innerText(), /set by \?rpc= .*Sign nothing unless you trust that node/);
  const applications = await page.locator('table.applications').innerText();
  assert.match(applications, /Beta EVM/);
  const motion = page.locator('table.motions tbody tr[data-motion]');
  await motion.waitFor({ timeout: STEP_TIMEOUT });
  assert.match(await motion.innerText(), /chainRegistry\.approveChain/);
  assert.equal(await motion.getAttribute('data-verified'), 'true', 'the call shown hashes to the motion hash');
  assert.equal(await motion.locator('button.vote-aye').count(), 1, 'Alice, a member, may vote aye');
  await screenshot(page, 'peers');

  // Alice votes aye from the page: signed in her wallet, counted on chain.
  await motion.locator('button.vote-aye').click();
  await page.locator('#vote-status .note-ok').waitFor({ timeout: STEP_TIMEOUT });
  await page.waitForFunction(() => document.querySelector('table.motions tr[data-motion] td:nth-child(3)')?.textContent === '1', null, { timeout: STEP_TIMEOUT });
  const [hash] = await api.query.council.proposals();
  const voting = (await api.query.council.voting(hash)).unwrap();
  assert.deepEqual(voting.ayes.map((a) => a.toString()), [alice.address]);
  assert.equal(signed.length, 1);
});

test('a malformed amount or beneficiary is refused in the form, and nothing is signed', async () => {
  await open('#transfers');
  const form = page.locator('#transfer-form');
  await form.locator('select[name=destination] option[value="7"]').waitFor({ state: 'attached', timeout: STEP_TIMEOUT });
  await form.locator('input[name=amount]').fill('12,5');
  await form.locator('input[name=beneficiary]').fill('0x1234');
  await form.locator('#send-transfer').click();
  const errors = await form.locator('.field-error').allInnerTexts();
  assert.ok(errors.some((e) => /is not an amount/.test(e)), `amount refused: ${errors}`);
  assert.ok(errors.some((e) => /20 bytes .* or 32 bytes/.test(e)), `beneficiary refused: ${errors}`);
  assert.match(await page.locator('#transfer-result').innerText(), /Nothing was signed/);
  assert.equal(signed.length, 1, 'only the vote was signed');
});

test('a transfer signed through the injected wallet reaches the outbound commitment in the tracker', async () => {
  const form = page.locator('#transfer-form');
  await form.locator('select[name=destination]').selectOption('7');
  await form.locator('input[name=amount]').fill('5');
  await form.locator('input[name=beneficiary]').fill(BENEFICIARY);
  await form.locator('#send-transfer').click();
  const result = page.locator('#transfer-result .note-ok');
  await result.waitFor({ timeout: STEP_TIMEOUT });
  assert.match(await result.innerText(), /Sent 5 FUSE to chain 7 in block #\d+: message nonce 1/);
  assert.equal(signed.length, 2);
  const committed = page.locator('[data-message="0/7/1"] li[data-step="committed"][data-state="done"]');
  await committed.waitFor({ timeout: STEP_TIMEOUT });
  assert.match(await committed.innerText(), /the root is the one stored in OutboundRoots/);
  assert.equal(await page.locator('[data-message="0/7/1"] li[data-step="delivered"]').getAttribute('data-state'), 'waiting');
  // What the page shows is what the node holds.
  const proof = await wsCall(node.url, 'fusion_messageProof', [PEER, 1]);
  assert.match(await committed.innerText(), new RegExp(`block #${proof.proof.block}`));
  assert.match(await committed.innerText(), new RegExp(proof.proof.root));
  await screenshot(page, 'transfers');
});

test("a refused transfer shows the pallet's named error in words", async () => {
  const form = page.locator('#transfer-form');
  await form.locator('input[name=amount]').fill('50000000');
  await form.locator('#send-transfer').click();
  const refused = page.locator('#transfer-result .note-error');
  await refused.waitFor({ timeout: STEP_TIMEOUT });
  assert.match(await refused.innerText(), /assetLock\.InsufficientBalance: The account holds too little of the token/);
  await screenshot(page, 'transfers-refused');
});

test("after a reload, the tracker finds the account's pending transfer by its address", async () => {
  await page.reload();
  // The console reads back the last blocks' events at its connection, the transfer's among them...
  await page.waitForFunction(() => window.fusionConsole.hub.status === 'connected' && window.fusionConsole.hub.lastBlock != null, null, { timeout: STEP_TIMEOUT });
  await page.evaluate(() => window.fusionConsole.hub.blockQueue);
  assert.ok(await page.evaluate((address) => window.fusionConsole.log.sentBy.get(address)?.has('0/7/1') ?? false, alice.address),
    'the events read back name Alice\'s transfer');
  // ...but the tracker finds it without them: in storage, by its payer.
  await page.evaluate(() => window.fusionConsole.log.clear());
  await page.locator('#track-account input[name=account]').fill(alice.address);
  await page.locator('#track-account button').click();
  const card = page.locator('[data-message="0/7/1"] li[data-step="committed"][data-state="done"]');
  await card.waitFor({ timeout: STEP_TIMEOUT });
  assert.equal(await page.evaluate(() => window.fusionConsole.log.sentBy.size), 0, 'found from storage alone');
});

test('the Books page shows the native token in flight, the wrapped token with its HTLC, and the invariants holding', async () => {
  await open('#books');
  const card = page.locator(`[data-token="0:0x${'00'.repeat(32)}"]`);
  await card.waitFor({ timeout: STEP_TIMEOUT });
  await card.locator('svg.chart polyline').first().waitFor({ timeout: STEP_TIMEOUT });
  const text = await card.innerText();
  assert.match(text, /in flight\s+5 FUSE/);
  assert.equal(await card.locator('[data-invariant]').getAttribute('data-invariant'), 'holds');

  // Chain 7's token: wrapped on the hub (asset id from assetLock.wrappedIds, an Option).
  const wrapped = page.locator(`[data-token="${PEER}:${TOKEN.id}"]`);
  await wrapped.waitFor({ timeout: STEP_TIMEOUT });
  // Its lines are flat (nothing moved in the window): attached, with no height to be "visible".
  await wrapped.locator('svg.chart polyline').first().waitFor({ state: 'attached', timeout: STEP_TIMEOUT });
  const assetId = (await api.query.assetLock.wrappedIds(TOKEN)).unwrap().toNumber();
  const books = await wrapped.innerText();
  assert.match(books, new RegExp(`of chain ${PEER} .*, asset ${assetId}`));
  assert.match(books, /locked at home\s+1,000 /);
  assert.match(books, /wrapped supply on the hub\s+1,000 /);
  assert.match(books, /HTLCs hold\s+10 /);
  assert.match(books, /escrow account holds \(wrapped\)\s+10 /);
  assert.equal(await wrapped.locator('[data-invariant]').getAttribute('data-invariant'), 'holds');
  await screenshot(page, 'books');
});

test('the Settlements page shows each leg of the settlement waiting for sign-ups', async () => {
  await open('#settlements');
  const card = page.locator(`[data-settlement="${SETTLEMENT_ID}"]`);
  await card.waitFor({ timeout: STEP_TIMEOUT });
  assert.match(await card.innerText(), /SigningUp/);
  assert.deepEqual(await card.locator('tr[data-leg]').evaluateAll((rows) => rows.map((r) => r.dataset.state)), ['AwaitingSignUp', 'AwaitingSignUp']);
  assert.match(await card.innerText(), /3 FUSE/);
  await screenshot(page, 'settlements');
});

test('the console says the node is down when its connection goes, and reconnects when it is back', async () => {
  await open('#peers');
  await page.locator('tr[data-chain="7"]').waitFor({ timeout: STEP_TIMEOUT });
  await page.waitForFunction(() => window.fusionConsole.hub.lastBlock != null, null, { timeout: STEP_TIMEOUT });
  // Every block handed on from now, and every connection's work done.
  const lastBefore = await page.evaluate(() => {
    const { hub } = window.fusionConsole;
    window.seenBlocks = [];
    window.readies = 0;
    hub.addEventListener('block', (e) => window.seenBlocks.push(e.detail.number));
    hub.addEventListener('ready', () => { window.readies += 1; });
    return hub.lastBlock;
  });
  await proxy.cut();
  await page.waitForFunction(() => document.querySelector('#status').dataset.status === 'down', null, { timeout: STEP_TIMEOUT });
  assert.match(await page.locator('#status').innerText(), /node down.*retrying every 2 s/);
  await screenshot(page, 'node-down');

  await proxy.restore();
  await page.waitForFunction(() => document.querySelector('#status').dataset.status === 'connected', null, { timeout: STEP_TIMEOUT });
  // New blocks come in again and the page follows them.
  const before = await page.evaluate(() => window.fusionConsole.hub.best.number);
  await page.waitForFunction((n) => window.fusionConsole.hub.best.number > n, before, { timeout: STEP_TIMEOUT });
  await page.locator('tr[data-chain="7"]').waitFor({ timeout: STEP_TIMEOUT });
  // The connection's work ran again (node info, blocks read back), and no block was lost: those
  // made while the node was out of reach came as events too.
  await page.waitForFunction(() => window.readies >= 1, null, { timeout: STEP_TIMEOUT });
  const upTo = await page.evaluate(() => window.fusionConsole.hub.best.number);
  assert.ok(upTo - lastBefore > 3, `blocks were made while cut off (${lastBefore} → ${upTo})`);
  await page.waitForFunction(([from, to]) => {
    for (let n = from; n <= to; n += 1) if (!window.seenBlocks.includes(n)) return false;
    return true;
  }, [lastBefore + 1, upTo], { timeout: STEP_TIMEOUT });
  assert.ok(await page.evaluate(() => window.fusionConsole.hub.nodeInfo != null), 'fusion_nodeInfo read again');
  await screenshot(page, 'reconnected');
});
