// The off-chain processes an EVM peer runs (relayer/): fusion-signer and fusion-relayer, started
// with their key files in a temporary directory, logs in e2e/.node-logs/, stopped or killed (-9).

import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { freePort } from './node.js';

const here = dirname(fileURLToPath(import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/// The path of a relayer binary in the shared target dir.
export function relayerBinary(name) {
  const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/fusion-hub/target');
  const bin = join(target, 'debug', name);
  if (!existsSync(bin)) throw new Error(`${name} not found at ${bin}: run scripts/build.sh first`);
  return bin;
}

/// A fresh directory for keys and journals.
export const workDir = (name) => mkdtempSync(join(tmpdir(), `fusion-${name}-`));

/// Writes `secret` to a key file in `dir`.
export function keyFile(dir, name, secret) {
  const path = join(dir, `${name}.key`);
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return path;
}

/// Starts `name` (a relayer binary) with `args`; `ready` is awaited before returning.
export async function startProcess(name, label, args, ready) {
  const logs = join(here, '..', '.node-logs');
  mkdirSync(logs, { recursive: true });
  const log = createWriteStream(join(logs, `${label}.log`), { flags: 'a' });
  const child = spawn(relayerBinary(name), args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'info' } });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); }));
  const handle = {
    pid: child.pid,
    exited: () => exited,
    async stop() {
      if (exited) return exited;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(killer);
      return exited;
    },
    async kill9() {
      if (exited) return exited;
      child.kill('SIGKILL');
      return exit;
    },
  };
  if (ready) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exited) throw new Error(`${label} exited early: ${JSON.stringify(exited)} (see e2e/.node-logs/${label}.log)`);
      if (await ready().catch(() => false)) break;
      if (Date.now() > deadline) throw new Error(`${label} not ready after 60 s`);
      await sleep(200);
    }
  }
  return handle;
}

/// One JSON-RPC call over WebSocket (what the relayer does with a signer).
export function wsCall(url, method, params = []) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.on('error', reject);
    socket.on('open', () => socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params })));
    socket.on('message', (data) => {
      socket.close();
      const reply = JSON.parse(String(data));
      if (reply.error) reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
      else resolve(reply.result);
    });
  });
}

/// Starts a signer for `role` with `secret`; resolves with its handle and URL.
export async function startSigner({ label, role, secret, hubUrl, dir, extra = [] }) {
  const port = await freePort();
  const url = `ws://127.0.0.1:${port}`;
  const args = [
    '--role', role, '--key-file', keyFile(dir, label, secret), '--journal', join(dir, `${label}.journal`),
    '--hub', hubUrl, '--listen', `127.0.0.1:${port}`, ...extra,
  ];
  const handle = await startProcess('fusion-signer', label, args, async () => Boolean(await wsCall(url, 'signer_address')));
  return { ...handle, url, args };
}
