// A runtime upgrade on a chain with no Sudo, the way a production hub gets one: the Council
// whitelists the Root call by majority, dispatches it by supermajority, and anyone applies the
// authorised code. The chain is the `local` preset (no Sudo key) run relay-free by the dev node;
// the new code is the same runtime built one spec version later (scripts/build-upgrade-wasm.sh).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import {
  startDevNode, connect, submitInBlock, waitForBlock, nodeBinary, describeDispatchError,
} from '../lib/node.js';
import { councilMotion } from '../lib/council.js';

const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/fusion-hub/target');
const upgradeWasmPath = join(target, 'fusion_hub_runtime.next.compressed.wasm');

let node;
let api;
let keyring;
let specDir;

before(async () => {
  if (!existsSync(upgradeWasmPath)) {
    throw new Error(`${upgradeWasmPath} not found: run scripts/build-upgrade-wasm.sh first`);
  }
  await cryptoWaitReady();
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  // The `local` chain spec, run by the relay-free dev service: its genesis has no Sudo key.
  const spec = JSON.parse(execFileSync(nodeBinary(), ['build-spec', '--chain', 'local'], {
    maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'],
  }));
  spec.chainType = 'Development';
  specDir = mkdtempSync(join(tmpdir(), 'fusion-hub-upgrade-'));
  const specPath = join(specDir, 'local-as-dev.json');
  writeFileSync(specPath, JSON.stringify(spec));
  node = await startDevNode({
    name: 'runtime-upgrade', extraArgs: ['--chain', specPath, '--dev-block-time', '1000'],
  });
  api = await connect(node.url);
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
  if (specDir) rmSync(specDir, { recursive: true, force: true });
});

/// A motion of the Council that passes at once with the proposer's aye alone (threshold 1): its
/// origin is one member of three, a third. Resolves with the result of the dispatched call.
async function motionOfOne(call, proposer) {
  const { events } = await submitInBlock(
    api.tx.council.propose(1, call, call.method.encodedLength), proposer,
  );
  const executed = events.find(({ event }) => api.events.council.Executed.is(event));
  assert.ok(executed, 'Council.Executed emitted');
  return executed.event.data.result;
}

function dispatchedResult(events) {
  const dispatched = events.find(({ event }) => api.events.whitelist.WhitelistedCallDispatched.is(event));
  assert.ok(dispatched, 'Whitelist.WhitelistedCallDispatched emitted');
  return dispatched.event.data.result;
}

test('the Council authorises and applies a runtime upgrade on the local chain; no signed account can', async () => {
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');
  const charlie = keyring.addFromUri('//Charlie');
  const dave = keyring.addFromUri('//Dave');

  assert.ok((await api.query.sudo.key()).isNone, 'the local chain has no Sudo key');
  const before = await api.rpc.state.getRuntimeVersion();
  assert.equal(before.specName.toString(), 'fusion-hub');

  const code = readFileSync(upgradeWasmPath);
  const codeHash = blake2AsHex(code, 256);
  const authorize = api.tx.system.authorizeUpgrade(codeHash);
  const authorizeHash = blake2AsHex(authorize.method.toU8a(), 256);

  // A signed account reaches Root by none of the ways.
  await assert.rejects(submitInBlock(authorize, dave), /dispatch failed: BadOrigin/);
  await assert.rejects(
    submitInBlock(api.tx.whitelist.whitelistCall(authorizeHash), dave),
    /dispatch failed: BadOrigin/,
  );
  await assert.rejects(
    submitInBlock(api.tx.whitelist.dispatchWhitelistedCallWithPreimage(authorize), dave),
    /dispatch failed: whitelist.DeferredDispatchNotFound/,
  );
  // A third of the Council is the emergency origin, not Root: it can neither whitelist nor
  // dispatch.
  let result = await motionOfOne(api.tx.whitelist.whitelistCall(authorizeHash), alice);
  assert.ok(result.isErr && describeDispatchError(api.registry, result.asErr) === 'BadOrigin');
  assert.equal((await api.query.system.authorizedUpgrade()).isNone, true);

  // A majority whitelists the Root call: its hash is public before anything runs.
  let events = await councilMotion(api, api.tx.whitelist.whitelistCall(authorizeHash), alice, [alice, bob]);
  assert.ok(events.some(({ event }) => api.events.whitelist.CallWhitelisted.is(event)));
  assert.ok((await api.query.whitelist.whitelistedCall(authorizeHash)).isSome);

  result = await motionOfOne(api.tx.whitelist.dispatchWhitelistedCallWithPreimage(authorize), alice);
  assert.ok(result.isErr && describeDispatchError(api.registry, result.asErr) === 'BadOrigin');
  assert.equal((await api.query.system.authorizedUpgrade()).isNone, true, 'nothing authorised');

  // Two thirds dispatch it as Root: the upgrade is authorised.
  events = await councilMotion(
    api, api.tx.whitelist.dispatchWhitelistedCallWithPreimage(authorize), alice, [alice, charlie],
  );
  assert.ok(dispatchedResult(events).isOk, 'the whitelisted call succeeded as Root');
  assert.ok(events.some(({ event }) => api.events.system.UpgradeAuthorized.is(event)));
  const authorized = await api.query.system.authorizedUpgrade();
  assert.equal(authorized.unwrap().codeHash.toHex(), codeHash);
  assert.ok((await api.query.whitelist.whitelistedCall(authorizeHash)).isNone, 'whitelist entry used up');

  // Code other than the authorised one is refused; then anyone applies the authorised code.
  const other = Uint8Array.from(code);
  other[other.length - 1] ^= 0xff;
  await assert.rejects(
    submitInBlock(api.tx.system.applyAuthorizedUpgrade(u8aToHex(other)), dave),
    /Unauthorized|1010|Invalid/,
  );
  const startedAt = Date.now();
  events = (await submitInBlock(api.tx.system.applyAuthorizedUpgrade(u8aToHex(code)), dave)).events;
  assert.ok(
    events.some(({ event }) => api.events.parachainSystem.ValidationFunctionStored.is(event)),
    'the new code waits for the relay chain\'s go-ahead',
  );

  // The dev node gives the go-ahead; the new runtime is enacted and reports its version.
  let now = before;
  while (now.specVersion.toNumber() === before.specVersion.toNumber()) {
    assert.ok(Date.now() - startedAt < 60_000, 'the upgrade is enacted within a minute');
    await new Promise((r) => setTimeout(r, 500));
    now = await api.rpc.state.getRuntimeVersion();
  }
  assert.equal(now.specVersion.toNumber(), before.specVersion.toNumber() + 1);
  assert.equal(now.specName.toString(), 'fusion-hub');
  assert.ok((await api.query.system.authorizedUpgrade()).isNone, 'the authorisation is used up');
  const enactedMs = Date.now() - startedAt;

  // The chain goes on under the new runtime, and takes transactions signed for its version.
  const best = (await api.rpc.chain.getHeader()).number.toNumber();
  await waitForBlock(api, best + 3);
  const { events: transferEvents } = await submitInBlock(
    api.tx.balances.transferKeepAlive(charlie.address, 1_000_000_000n), dave,
  );
  assert.ok(transferEvents.some(({ event }) => api.events.balances.Transfer.is(event)));
  console.log(`runtime upgrade: spec ${before.specVersion} -> ${now.specVersion}, `
    + `${code.length} bytes of code, enacted ${enactedMs} ms after apply_authorized_upgrade was sent`);
});
