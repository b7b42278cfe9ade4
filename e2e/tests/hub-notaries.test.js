// The hub's notary set, governed on the hub and handed to an EVM chain: the dev chain starts
// with the documented 3-of-4 set; a Council motion schedules the next set; three current
// notaries sign the handover and anyone submits it; the hub keeps it, and the very handover the
// hub returns moves a real HubNotaries contract on anvil to the new set. A handover below the
// threshold is refused by name and changes nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ContractFactory, JsonRpcProvider, Wallet, getBytes, keccak256 } from 'ethers';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode, connect, submitInBlock } from '../lib/node.js';
import { councilMotion } from '../lib/council.js';
import { ANVIL_CHAIN_ID, ANVIL_DEFAULT_KEY, compileContract, startAnvil } from '../lib/anvil.js';
import { handoverPayload, sortedWallets } from '../lib/notaries.js';

// docs/protocol.md: the dev chains' notaries are the keys 0x11…11 to 0x44…44.
const devNotaries = sortedWallets(['11', '22', '33', '44'].map((b) => new Wallet('0x' + b.repeat(32))));
const successors = sortedWallets(['55', '66', '77', '88'].map((b) => new Wallet('0x' + b.repeat(32))));

let node;
let api;
let keyring;
let anvil;
let admin;

before(async () => {
  await cryptoWaitReady();
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  node = await startDevNode({ name: 'hub-notaries', extraArgs: ['--dev-block-time', '1000'] });
  api = await connect(node.url);
  anvil = await startAnvil();
  const provider = new JsonRpcProvider(anvil.url, ANVIL_CHAIN_ID, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
  admin = new Wallet(ANVIL_DEFAULT_KEY, provider);
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
  await anvil?.stop();
});

const addresses = (wallets) => wallets.map((w) => w.address.toLowerCase());
const setOf = (view) => ({ id: view.id.toNumber(), threshold: view.threshold.toNumber(), members: view.members.map((m) => m.toHex()) });

test('the dev chain starts with the documented 3-of-4 notaries', async () => {
  const set = setOf((await api.call.hubNotariesApi.currentSet()).unwrap());
  assert.deepEqual(set, { id: 0, threshold: 3, members: addresses(devNotaries) });
  assert.ok((await api.call.hubNotariesApi.scheduledSet()).isNone);
});

test('a Council motion schedules the next set and the current set hands over to it', async () => {
  const [alice, bob, eve] = ['//Alice', '//Bob', '//Eve'].map((uri) => keyring.addFromUri(uri));
  // Not a governance call for a single account.
  const schedule = () => api.tx.hubNotaries.scheduleRotation(3, successors.map((w) => w.address));
  await assert.rejects(submitInBlock(schedule(), eve), /BadOrigin/);
  const events = await councilMotion(api, schedule(), alice, [alice, bob]);
  assert.ok(events.some(({ event }) => api.events.hubNotaries.RotationScheduled.is(event)), 'RotationScheduled');
  const scheduled = setOf((await api.call.hubNotariesApi.scheduledSet()).unwrap());
  assert.deepEqual(scheduled, { id: 1, threshold: 3, members: addresses(successors) });

  const genesis = api.genesisHash.toHex();
  const payload = handoverPayload(genesis, 0, 1, 3, successors.map((w) => w.address));
  const sign = (wallets) => Promise.all(wallets.map((w) => w.signMessage(getBytes(keccak256(payload)))));

  // Two signatures are below the threshold: refused, nothing changes.
  await assert.rejects(submitInBlock(api.tx.hubNotaries.submitHandover(await sign(devNotaries.slice(0, 2))), eve), /BelowThreshold/);
  assert.equal((await api.call.hubNotariesApi.currentSet()).unwrap().id.toNumber(), 0);

  const signatures = await sign([devNotaries[0], devNotaries[2], devNotaries[3]]);
  const free = await api.query.system.account(eve.address);
  const { events: installed } = await submitInBlock(api.tx.hubNotaries.submitHandover(signatures), eve);
  assert.ok(installed.some(({ event }) => api.events.hubNotaries.NotarySetInstalled.is(event)), 'NotarySetInstalled');
  // Free for whoever submits a valid handover.
  assert.equal((await api.query.system.account(eve.address)).data.free.toBigInt(), free.data.free.toBigInt());
  assert.equal(setOf((await api.call.hubNotariesApi.currentSet()).unwrap()).id, 1);

  // The hub's record of the handover moves an EVM chain's notary set.
  const handover = (await api.call.hubNotariesApi.handover(1)).unwrap();
  assert.equal(handover.fromSetId.toNumber(), 0);
  const compiled = compileContract(['test/HubNotariesHarness.sol'], 'HubNotariesHarness');
  const contract = await new ContractFactory(compiled.abi, compiled.bytecode, admin).deploy(genesis, 0, 3, devNotaries.map((w) => w.address));
  await contract.waitForDeployment();
  await (await contract.rotateNotaries(
    handover.next.id.toBigInt(),
    handover.next.threshold.toNumber(),
    handover.next.members.map((m) => m.toHex()),
    handover.signatures.map((s) => s.toHex()),
  )).wait();
  assert.equal(await contract.notarySetId(), 1n);
  assert.deepEqual((await contract.notaries()).map((a) => a.toLowerCase()), addresses(successors));
});
