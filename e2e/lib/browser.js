// Headless Chromium for the web console's test: Debian's /usr/bin/chromium driven by
// playwright-core (no browser is ever downloaded), a wallet injected into the page as a browser
// extension would be (window.injectedWeb3), signing in Node with @polkadot/keyring pairs.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const WEB_DIR = join(here, '..', '..', 'web');
export const SCREENSHOTS = join(here, '..', '.screenshots');
export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

/// Launches headless Chromium from the system's package.
export async function launchChromium() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run scripts/setup.sh (apt package chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/// Builds web/ with its own Vite (web/node_modules, installed by scripts/setup.sh) into `outDir`
/// (absolute; a temporary directory for the test, so that web/dist, which a running
/// scripts/run-console.sh may be serving, is left alone).
export function buildConsole(outDir) {
  if (!existsSync(join(WEB_DIR, 'node_modules', '.bin', 'vite'))) {
    return Promise.reject(new Error('web/node_modules is missing: run scripts/setup.sh (npm ci in web/)'));
  }
  return new Promise((resolve, reject) => {
    const args = ['build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'];
    const child = spawn(join(WEB_DIR, 'node_modules', '.bin', 'vite'), args, { cwd: WEB_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(outDir) : reject(new Error(`vite build failed (${code}):\n${output}`))));
  });
}

/// Injects a wallet named `fusion-test-wallet` holding `pairs` into every page of `context`.
/// Each payload the page asks it to sign is signed in Node by the pair of its address, with
/// `registry` (the node's types); `signed` lists what was signed, for the test to count.
export async function injectTestWallet(context, registry, pairs) {
  const byAddress = new Map(pairs.map((pair) => [pair.address, pair]));
  const signed = [];
  await context.exposeFunction('fusionTestSign', (payload) => {
    const pair = byAddress.get(payload.address);
    if (!pair) throw new Error(`the test wallet has no key for ${payload.address}`);
    const extrinsicPayload = registry.createType('ExtrinsicPayload', payload, { version: payload.version });
    signed.push(payload);
    return extrinsicPayload.sign(pair).signature;
  });
  const accounts = pairs.map((pair) => ({ address: pair.address, name: pair.meta?.name ?? 'test', type: 'sr25519' }));
  await context.addInitScript((list) => {
    let id = 0;
    window.injectedWeb3 = {
      'fusion-test-wallet': {
        version: '0.0.1',
        enable: async () => ({
          accounts: {
            get: async () => list,
            subscribe: (callback) => { callback(list); return () => {}; },
          },
          signer: {
            signPayload: async (payload) => ({ id: ++id, signature: await window.fusionTestSign(payload) }),
          },
        }),
      },
    };
  }, accounts);
  return signed;
}

/// Saves a full-page screenshot as e2e/.screenshots/<name>.png; returns its path.
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
