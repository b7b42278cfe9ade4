// The hub trusts a peer only through proofs. Here an EVM peer whose committee signs with stock
// Ethereum wallets (ethers) and one sr25519 key (Polkadot.js) is admitted by the Council; a
// relayer submits a committee-signed header whose message root is an @openzeppelin/merkle-tree
// root; the hub then verifies that tree's proofs through `fusion_verifyInclusion`, and a read
// proof that the hub node's own `state_getReadProof` returns.
//
// Every payload and proof is encoded by hand from docs/protocol.md (in e2e/lib/committee.js), so
// this test also checks that the document is enough to write a relayer in another language.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { Wallet, keccak256 } from 'ethers';
import { startDevNode, connect, submitInBlock } from '../lib/node.js';
import { councilMotion } from '../lib/council.js';
import { headerPayload, attest as attestWith, keccakMerkleProof, storageValueProof } from '../lib/committee.js';

const CHAIN_ID = 9;
const SET_ID = 0n;
let node;
let api;
let keyring;
let rpc;
let relayer;
let wallets;
let srMember;

before(async () => {
  await cryptoWaitReady();
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  node = await startDevNode({ name: 'proof-verifier', extraArgs: ['--dev-block-time', '1000'] });
  api = await connect(node.url);
  rpc = (method, params = []) => api._rpcCore.provider.send(method, params);
  relayer = keyring.addFromUri('//Ferdie');
  // Fixed keys: the same committee every run.
  wallets = [
    new Wallet('0x' + '11'.repeat(32)),
    new Wallet('0x' + '22'.repeat(32)),
  ];
  srMember = keyring.addFromUri('//Fusion//committee//0');
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

// ---------------------------------------------------------------- encoding (docs/protocol.md)

/// The committee's signatures: both wallets and the sr25519 key unless told otherwise.
const attest = (payload, { ecdsa = wallets, sr = [srMember] } = {}) => attestWith(payload, { ecdsa, sr });

// ---------------------------------------------------------------- the peer's data

// What chain 9 sends out in block 100: transfers, as a Solidity contract would commit them.
const transfers = [
  ['0x1111111111111111111111111111111111111111', '5000000000000000000'],
  ['0x2222222222222222222222222222222222222222', '2500000000000000000'],
  ['0x3333333333333333333333333333333333333333', '42'],
  ['0x4444444444444444444444444444444444444444', '7'],
  ['0x5555555555555555555555555555555555555555', '1'],
];
const tree = StandardMerkleTree.of(transfers, ['address', 'uint256']);

const header100 = {
  number: 100,
  hash: '0x' + 'ab'.repeat(32),
  stateRoot: '0x' + 'cd'.repeat(32),
  messageRoot: tree.root,
  timestamp: 1_732_000_000_000n,
};

async function submitHeader(header, attestation) {
  return submitInBlock(
    api.tx.proofVerifier.submitHeader(CHAIN_ID, { Committee: { header, attestation } }),
    relayer,
  );
}

// ---------------------------------------------------------------- tests

test('the Council admits an EVM chain whose committee uses Ethereum wallets and sr25519', async () => {
  const dave = keyring.addFromUri('//Dave');
  const committee = {
    Committee: {
      members: [...wallets.map((w) => ({ Ecdsa: w.address })), { Sr25519: srMember.publicKey }],
      // A Byzantine supermajority of three: all three.
      threshold: 3,
      setId: SET_ID,
    },
  };
  await submitInBlock(
    api.tx.chainRegistry.proposeChain(CHAIN_ID, 'Ledger EVM', { EvmChain: { chainId: 1337, gateway: '0x' + '9a'.repeat(20) } }, committee),
    dave,
  );
  const [alice, bob] = ['//Alice', '//Bob'].map((uri) => keyring.addFromUri(uri));
  await councilMotion(api, api.tx.chainRegistry.approveChain(CHAIN_ID), alice, [alice, bob]);
  assert.equal((await rpc('fusion_chain', [CHAIN_ID])).status, 'Active');
  assert.equal(await rpc('fusion_latestHeader', [CHAIN_ID]), null);
});

test('an attestation below the threshold or with a forged signature is refused', async () => {
  const payload = headerPayload(CHAIN_ID, SET_ID, header100);
  await assert.rejects(
    submitHeader(header100, await attest(payload, { ecdsa: wallets, sr: [] })),
    /proofVerifier\.BelowThreshold/,
  );
  // The wallet signs another header's payload.
  const other = headerPayload(CHAIN_ID, SET_ID, { ...header100, number: 101 });
  const forged = await attest(payload);
  forged.signatures[0] = (await attest(other)).signatures[0];
  await assert.rejects(submitHeader(header100, forged), /proofVerifier\.BadSignature/);
  // A wallet outside the committee.
  const outsider = await attest(payload, { ecdsa: [wallets[0], new Wallet('0x' + '33'.repeat(32))] });
  await assert.rejects(submitHeader(header100, outsider), /proofVerifier\.UnknownSigner/);
  assert.equal(await rpc('fusion_latestHeader', [CHAIN_ID]), null);
});

test('a header signed by two ethers wallets and an sr25519 key is verified', async () => {
  const payload = headerPayload(CHAIN_ID, SET_ID, header100);
  assert.equal(payload.length, 136);
  const { events } = await submitHeader(header100, await attest(payload));
  const verified = events.find(({ event }) => api.events.proofVerifier.HeaderVerified.is(event));
  assert.ok(verified, 'HeaderVerified emitted');
  assert.equal(verified.event.data.number.toNumber(), 100);

  const latest = await rpc('fusion_latestHeader', [CHAIN_ID]);
  assert.deepEqual(latest, {
    number: 100,
    hash: header100.hash,
    stateRoot: header100.stateRoot,
    messageRoot: tree.root,
    timestamp: Number(header100.timestamp),
    setId: 0,
  });
  // A height the hub holds is stale (lower heights it does not hold are welcome).
  await assert.rejects(submitHeader(header100, await attest(payload)), /proofVerifier\.StaleHeader/);
});

test('proofs made by @openzeppelin/merkle-tree verify through fusion_verifyInclusion', async () => {
  for (const [index, value] of tree.entries()) {
    const proof = tree.getProof(index);
    assert.ok(StandardMerkleTree.verify(tree.root, ['address', 'uint256'], value, proof));
    const verdict = await rpc('fusion_verifyInclusion', [CHAIN_ID, 100, keccakMerkleProof(tree.leafHash(value), proof)]);
    assert.deepEqual(verdict, { verified: true, error: null }, `leaf ${index}`);
  }
  // A transfer that is not in the tree, with a real proof of another leaf.
  const forged = tree.leafHash(['0x1111111111111111111111111111111111111111', '5000000000000000001']);
  assert.deepEqual(
    await rpc('fusion_verifyInclusion', [CHAIN_ID, 100, keccakMerkleProof(forged, tree.getProof(0))]),
    { verified: false, error: 'NotIncluded' },
  );
  // A height the hub never verified, and bytes that are no proof.
  assert.deepEqual(
    await rpc('fusion_verifyInclusion', [CHAIN_ID, 99, keccakMerkleProof(tree.leafHash(transfers[0]), tree.getProof(0))]),
    { verified: false, error: 'UnknownHeader' },
  );
  await assert.rejects(rpc('fusion_verifyInclusion', [CHAIN_ID, 100, '0x0907']), /not the SCALE encoding of an InclusionProof/);
});

test("a read proof from the hub node's own state_getReadProof verifies against that block's state root", async () => {
  const alice = keyring.addFromUri('//Alice');
  const at = await api.rpc.chain.getBlockHash();
  const { stateRoot } = await api.rpc.chain.getHeader(at);
  const key = api.query.system.account.key(alice.address);
  const value = (await api.rpc.state.getStorage(key, at)).toHex();
  const { proof } = await api.rpc.state.getReadProof([key], at);
  const nodes = proof.map((node) => node.toHex());

  // The committee attests a header of chain 9 whose state root is that block's.
  const header = {
    number: 101,
    hash: at.toHex(),
    stateRoot: stateRoot.toHex(),
    messageRoot: '0x' + '00'.repeat(32),
    timestamp: 1_732_000_006_000n,
  };
  await submitHeader(header, await attest(headerPayload(CHAIN_ID, SET_ID, header)));

  assert.deepEqual(
    await rpc('fusion_verifyInclusion', [CHAIN_ID, 101, storageValueProof(key, value, nodes)]),
    { verified: true, error: null },
  );
  // Another value for the same key, or the proof without its first node, is refused.
  assert.deepEqual(
    await rpc('fusion_verifyInclusion', [CHAIN_ID, 101, storageValueProof(key, '0x00', nodes)]),
    { verified: false, error: 'StorageValueMismatch' },
  );
  const missing = nodes.filter((node) => keccak256(node) !== keccak256(nodes[0]));
  const verdict = await rpc('fusion_verifyInclusion', [CHAIN_ID, 101, storageValueProof(key, value, missing)]);
  assert.equal(verdict.verified, false);
});
