// The hub notaries as an EVM chain verifies them (contracts/src/HubNotaries.sol) against a real
// anvil: a 3-of-4 set's checkpoint passes; below-threshold, unsorted, duplicate, outsider,
// malleable, another set's, another destination's and another hub's signatures are refused by
// name; the set changes only by a handover the current set signed; the payload is the one
// docs/protocol.md specifies.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ContractFactory, JsonRpcProvider, Wallet, concat, getBytes, keccak256, toBeHex, Signature } from 'ethers';
import { ANVIL_CHAIN_ID, ANVIL_DEFAULT_KEY, compileContract, startAnvil } from '../lib/anvil.js';
import { checkpointPayload, handoverPayload, notaryWallets, signAll, sortedWallets as sorted } from '../lib/notaries.js';

const GENESIS = '0x' + 'a1'.repeat(32);
const OTHER_GENESIS = '0x' + 'b2'.repeat(32);
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const notaries = notaryWallets(0x1000, 4);
const successors = notaryWallets(0x1004, 4);
const outsider = new Wallet(toBeHex(0x2000n, 32));

let anvil;
let admin;
let compiled;
let hub; // notaries of GENESIS
let otherHub; // the same keys, for OTHER_GENESIS
const gas = {};

const CHECKPOINT = {
  destination: 11, setId: 0n, hubBlock: 1234, hubBlockHash: '0x' + 'cd'.repeat(32), hubTimestamp: 1_700_000_000_000n, root: '0x' + 'ef'.repeat(32),
};

before(async () => {
  compiled = compileContract(['test/HubNotariesHarness.sol'], 'HubNotariesHarness');
  anvil = await startAnvil();
  const provider = new JsonRpcProvider(anvil.url, ANVIL_CHAIN_ID, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
  admin = new Wallet(ANVIL_DEFAULT_KEY, provider);
  hub = await deploy(GENESIS, 0, 3, notaries.map((w) => w.address));
  otherHub = await deploy(OTHER_GENESIS, 0, 3, notaries.map((w) => w.address));
});

after(async () => {
  console.log(`gas: ${JSON.stringify(gas)}`);
  await anvil?.stop();
});

async function deploy(genesis, setId, threshold, members) {
  const contract = await new ContractFactory(compiled.abi, compiled.bytecode, admin).deploy(genesis, setId, threshold, members);
  await contract.waitForDeployment();
  return contract;
}

async function expectRevert(promise, name) {
  await assert.rejects(promise, (error) => {
    const data = error.data ?? error.info?.error?.data;
    const decoded = error.revert?.name ?? (data ? hub.interface.parseError(data)?.name : undefined);
    assert.equal(decoded, name, `expected ${name}, got ${decoded ?? error.message}`);
    return true;
  });
}

test('the checkpoint payload is the one docs/protocol.md specifies', async () => {
  const payload = checkpointPayload(GENESIS, CHECKPOINT);
  assert.equal(getBytes(payload).length, 136);
  assert.equal(await hub.checkpointPayload(CHECKPOINT), payload);
  // The vector in docs/protocol.md.
  assert.equal(keccak256(payload), '0x2fe6d753af9e530920d64550fd16fb85dcafe9a2218b35b8dadaadf4898c5dd5');
});

test('three of four notaries, in ascending order, certify a checkpoint', async () => {
  const signatures = await signAll(notaries.slice(0, 3), checkpointPayload(GENESIS, CHECKPOINT));
  await hub.verifyCheckpoint(CHECKPOINT, signatures);
  gas.verifyCheckpoint3of4 = Number(await hub.verifyCheckpoint.estimateGas(CHECKPOINT, signatures));
  const all = await signAll(notaries, checkpointPayload(GENESIS, CHECKPOINT));
  await hub.verifyCheckpoint(CHECKPOINT, all);
});

test('signatures that do not make a quorum of this set, for this checkpoint of this hub, are refused', async () => {
  const payload = checkpointPayload(GENESIS, CHECKPOINT);
  const [a, b, c] = await signAll(notaries.slice(0, 3), payload);
  await expectRevert(hub.verifyCheckpoint(CHECKPOINT, [a, b]), 'BelowThreshold');
  await expectRevert(hub.verifyCheckpoint(CHECKPOINT, [b, a, c]), 'SignersNotSorted');
  await expectRevert(hub.verifyCheckpoint(CHECKPOINT, [a, a, b]), 'SignersNotSorted');
  const [stranger] = await signAll([outsider], payload);
  const withOutsider = sorted([notaries[0], notaries[1], outsider]);
  const bySigner = new Map([[notaries[0].address, a], [notaries[1].address, b], [outsider.address, stranger]]);
  await expectRevert(hub.verifyCheckpoint(CHECKPOINT, withOutsider.map((w) => bySigner.get(w.address))), 'UnknownNotary');

  // The malleable twin of a valid signature: (r, n - s, v flipped).
  const sig = Signature.from(c);
  const twin = concat([sig.r, toBeHex(SECP256K1_N - BigInt(sig.s), 32), toBeHex(sig.v === 27 ? 28 : 27, 1)]);
  await expectRevert(hub.verifyCheckpoint(CHECKPOINT, [a, b, twin]), 'InvalidSignature');

  // Another set id, another destination, another hub.
  await expectRevert(hub.verifyCheckpoint({ ...CHECKPOINT, setId: 1n }, [a, b, c]), 'WrongNotarySet');
  await expectRevert(hub.verifyCheckpoint({ ...CHECKPOINT, destination: 12 }, [a, b, c]), 'UnknownNotary');
  await expectRevert(otherHub.verifyCheckpoint(CHECKPOINT, [a, b, c]), 'UnknownNotary');
});

test('sets must be Byzantine supermajorities of sorted, distinct keys', async () => {
  const members = notaries.map((w) => w.address);
  await expectRevert(deploy(GENESIS, 0, 2, members), 'InvalidNotarySet'); // 2 of 4
  await expectRevert(deploy(GENESIS, 0, 5, members), 'InvalidNotarySet'); // more than n
  await expectRevert(deploy(GENESIS, 0, 3, [...members].reverse()), 'InvalidNotarySet');
  await expectRevert(deploy(GENESIS, 0, 1, []), 'InvalidNotarySet');
  await deploy(GENESIS, 0, 3, members.slice(0, 3)); // 3 of 3
});

test('the set changes only by a handover the current set signed, once, forward', async () => {
  const next = successors.map((w) => w.address);
  const payload = handoverPayload(GENESIS, 0n, 1n, 3, next);
  assert.equal(await hub.handoverPayload(0n, 1n, 3, next), payload);
  const signatures = await signAll(notaries.slice(0, 3), payload);
  await expectRevert(hub.rotateNotaries(1n, 3, next, signatures.slice(0, 2)), 'BelowThreshold');
  const forged = await signAll(successors.slice(0, 3), payload);
  await expectRevert(hub.rotateNotaries(1n, 3, next, forged), 'UnknownNotary');
  await expectRevert(hub.rotateNotaries(1n, 2, next, signatures), 'UnknownNotary'); // signed for threshold 3

  const rotated = await (await hub.rotateNotaries(1n, 3, next, signatures)).wait();
  gas.rotateNotaries4 = Number(rotated.gasUsed);
  assert.equal(await hub.notarySetId(), 1n);
  assert.deepEqual([...(await hub.notaries())], next);
  await expectRevert(hub.rotateNotaries(1n, 3, next, signatures), 'SetIdNotIncreased');

  // The old set no longer certifies; the new one does.
  const checkpoint = { ...CHECKPOINT, setId: 1n };
  const old = await signAll(notaries.slice(0, 3), checkpointPayload(GENESIS, checkpoint));
  await expectRevert(hub.verifyCheckpoint(checkpoint, old), 'UnknownNotary');
  await hub.verifyCheckpoint(checkpoint, await signAll(successors.slice(1), checkpointPayload(GENESIS, checkpoint)));
});
