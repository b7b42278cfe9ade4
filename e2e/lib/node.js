// Starts a fresh `fusion-hub --dev --tmp` on free ports for one test file, and stops it.
// Tests never reuse a node the user left running: every port is chosen free here.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, createWriteStream } from 'node:fs';
import { homedir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider } from '@polkadot/api';

const here = dirname(fileURLToPath(import.meta.url));

export function nodeBinary() {
  const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/fusion-hub/target');
  const bin = process.env.FUSION_HUB_BIN || join(target, 'debug/fusion-hub');
  if (!existsSync(bin)) {
    throw new Error(`fusion-hub binary not found at ${bin}: run scripts/build.sh first`);
  }
  return bin;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/// Starts a dev node and resolves once its RPC answers. `extraArgs` go to the node.
export async function startDevNode({ name = 'dev', extraArgs = [], readyTimeoutMs = 300_000 } = {}) {
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const logDir = join(here, '..', '.node-logs');
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `${name}-${rpcPort}.log`);
  const logFile = createWriteStream(logPath);
  const args = [
    '--dev', '--tmp',
    '--rpc-port', String(rpcPort),
    '--listen-addr', `/ip4/127.0.0.1/tcp/${p2pPort}`,
    '--no-prometheus', '--no-telemetry', '--no-mdns',
    ...extraArgs,
  ];
  const startedAt = Date.now();
  const child = spawn(nodeBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(logFile);
  child.stderr.pipe(logFile);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });

  const url = `ws://127.0.0.1:${rpcPort}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      throw new Error(`fusion-hub exited early (${JSON.stringify(exited)}); log: ${logPath}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`fusion-hub RPC not ready after ${readyTimeoutMs} ms; log: ${logPath}`);
    }
    if (await rpcAnswers(rpcPort)) break;
    await sleep(500);
  }
  const rpcReadyMs = Date.now() - startedAt;

  const stop = async () => {
    if (exited) return exited;
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    while (!exited) await sleep(100);
    clearTimeout(killer);
    return exited;
  };
  return { url, rpcPort, pid: child.pid, logPath, startedAt, rpcReadyMs, stop };
}

/// Whether the JSON-RPC server on `port` answers `method` without an error.
export async function rpcAnswers(port, method = 'system_health') {
  try {
    const res = await fetch(`http://127.0.0.1:${port}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 1, jsonrpc: '2.0', method, params: [] }),
    });
    return res.ok && !(await res.json()).error;
  } catch {
    return false;
  }
}

export async function connect(url) {
  const provider = new WsProvider(url, 1000, {}, 60_000);
  return ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
}

/// A dispatch error by name: `pallet.Error` for module errors (e.g. `proofVerifier.BadSignature`),
/// the error itself otherwise (e.g. `BadOrigin`).
export function describeDispatchError(registry, dispatchError) {
  if (dispatchError.isModule) {
    const { section, name } = registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}`;
  }
  return dispatchError.toString();
}

/// Signs and submits `tx`, resolving with the block hash and events once it is in a block.
/// The dev node finalizes every block it seals, and the pool may then report `Finalized`
/// without an `InBlock` first: both count. `options` go to `signAndSend` (e.g. `{ nonce }`).
export function submitInBlock(tx, signer, options = {}) {
  return new Promise((resolve, reject) => {
    let unsub = null;
    tx.signAndSend(signer, options, (result) => {
      if (result.dispatchError) {
        unsub?.();
        reject(new Error(`dispatch failed: ${describeDispatchError(tx.registry, result.dispatchError)}`));
      } else if (result.status.isInBlock || result.status.isFinalized) {
        unsub?.();
        const blockHash = result.status.isInBlock ? result.status.asInBlock : result.status.asFinalized;
        resolve({ blockHash, events: result.events });
      } else if (result.isError) {
        unsub?.();
        reject(new Error(`transaction failed: ${result.status.toString()}`));
      }
    }).then((u) => { unsub = u; }, reject);
  });
}

/// Resolves with the best block number once it is at least `number`.
export async function waitForBlock(api, number, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    if (best >= number) return best;
    if (Date.now() > deadline) throw new Error(`best block still ${best} after ${timeoutMs} ms, waiting for ${number}`);
    await sleep(250);
  }
}
