// A chain joins the hub the way a member joins a financial network: its operator applies with a
// deposit, the Council decides by motion (propose, vote, close), and the node reports the result.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode, connect, submitInBlock } from '../lib/node.js';
import { councilMotion } from '../lib/council.js';

const CHAIN_ID = 7;
let node;
let api;
let keyring;
let rpc;

before(async () => {
  await cryptoWaitReady();
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  node = await startDevNode({ name: 'chain-registry', extraArgs: ['--dev-block-time', '1000'] });
  api = await connect(node.url);
  rpc = (method, params = []) => api._rpcCore.provider.send(method, params);
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

const committee = {
  Committee: {
    members: [
      { Ecdsa: '0x' + '11'.repeat(20) },
      { Ecdsa: '0x' + '22'.repeat(20) },
      { Ecdsa: '0x' + '33'.repeat(20) },
    ],
    threshold: 3,
    setId: 0,
  },
};

test('an operator applies with a deposit held', async () => {
  const dave = keyring.addFromUri('//Dave');
  const { events } = await submitInBlock(
    api.tx.chainRegistry.proposeChain(CHAIN_ID, 'Acme EVM', { EvmChain: { chainId: 1, gateway: '0x' + '9a'.repeat(20) } }, committee),
    dave,
  );
  const proposed = events.find(({ event }) => api.events.chainRegistry.ChainProposed.is(event));
  assert.ok(proposed, 'ChainProposed emitted');
  const deposit = api.consts.chainRegistry.chainDeposit.toBigInt();
  assert.equal(proposed.event.data.deposit.toBigInt(), deposit);

  const view = await rpc('fusion_chain', [CHAIN_ID]);
  assert.equal(view.status, 'Proposed');
  assert.equal(view.name, 'Acme EVM');
  assert.equal(view.operator, dave.address);
  assert.equal(BigInt(view.deposit), deposit);
});

test('an account outside the council cannot approve: BadOrigin', async () => {
  const eve = keyring.addFromUri('//Eve');
  await assert.rejects(
    submitInBlock(api.tx.chainRegistry.approveChain(CHAIN_ID), eve),
    /BadOrigin/,
  );
  assert.equal((await rpc('fusion_chain', [CHAIN_ID])).status, 'Proposed');
});

test('a council motion with 2 of 3 ayes approves the chain', async () => {
  const [alice, bob] = ['//Alice', '//Bob'].map((uri) => keyring.addFromUri(uri));
  const events = await councilMotion(api, api.tx.chainRegistry.approveChain(CHAIN_ID), alice, [alice, bob]);
  const executed = events.find(({ event }) => api.events.council.Executed.is(event));
  assert.ok(executed, 'Council.Executed emitted');
  assert.ok(executed.event.data.result.isOk, `motion executed ok: ${executed.event.data.result}`);
  assert.ok(events.some(({ event }) => api.events.chainRegistry.ChainApproved.is(event)));

  const view = await rpc('fusion_chain', [CHAIN_ID]);
  assert.equal(view.status, 'Active');
  const active = await rpc('fusion_chains', ['Active']);
  assert.deepEqual(active.map((c) => c.chainId), [CHAIN_ID]);
  assert.deepEqual(await rpc('fusion_chains', ['Proposed']), []);
});

test('fusion_chains rejects an unknown status and fusion_chain answers null for unknown ids', async () => {
  await assert.rejects(rpc('fusion_chains', ['Sleeping']), /Unknown chain status/);
  assert.equal(await rpc('fusion_chain', [999]), null);
});
