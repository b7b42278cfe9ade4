// An EVM peer for e2e tests and test vectors: anvil (from npm) on a free port, contracts of
// contracts/ compiled with solc-js, and the gateway's inbound storage layout computed in JS.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AbiCoder, keccak256, toBeHex, toUtf8Bytes } from 'ethers';
import solc from 'solc';
import { freePort } from './node.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/// The Solidity sources' root: imports and source paths are relative to it.
export const CONTRACTS_DIR = join(here, '..', '..', 'contracts');

/// One EVM version for the compiler and the node, so that what is deployed is what was compiled for.
export const EVM_VERSION = 'cancun';

/// The first of anvil's default accounts (mnemonic "test test ... junk"), funded at genesis.
export const ANVIL_DEFAULT_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
export const ANVIL_CHAIN_ID = 31337;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/// The anvil binary of the platform package that @foundry-rs/anvil installs as an optional
/// dependency. Spawned directly, not through its node wrapper, so that `stop` signals anvil itself.
export function anvilBinary() {
  if (process.env.ANVIL_BIN) return process.env.ANVIL_BIN;
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch];
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch}`;
  try {
    return require.resolve(`${pkg}/bin/anvil`);
  } catch {
    throw new Error(`anvil binary not found (${pkg}): run npm install in e2e/`);
  }
}

/// Minimal JSON-RPC over fetch, for the calls ethers has no method for (`eth_getProof`).
export async function rpc(url, method, params = []) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 1, jsonrpc: '2.0', method, params }),
  });
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status}`);
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error.message ?? JSON.stringify(body.error)}`);
  return body.result;
}

/// Starts anvil on 127.0.0.1 and resolves once its JSON-RPC answers. Accounts come from the
/// default mnemonic and the chain id is fixed, so addresses and keys are the same on every run.
export async function startAnvil({ extraArgs = [], readyTimeoutMs = 30_000 } = {}) {
  const port = await freePort();
  const args = [
    '--host', '127.0.0.1', '--port', String(port),
    '--chain-id', String(ANVIL_CHAIN_ID), '--hardfork', EVM_VERSION,
    '--silent',
    ...extraArgs,
  ];
  const child = spawn(anvilBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  // --silent leaves only errors on stderr: kept to explain an early exit.
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-4096); });
  let exited = null;
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => {
    exited = { code, signal };
    resolve(exited);
  }));

  const stop = async () => {
    if (exited) return exited;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exit;
    clearTimeout(killer);
    return exited;
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) throw new Error(`anvil exited early (${JSON.stringify(exited)}): ${stderr.trim()}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`anvil RPC not ready after ${readyTimeoutMs} ms`);
    }
    try {
      await rpc(url, 'eth_chainId');
      break;
    } catch {
      await sleep(100);
    }
  }
  return { url, port, pid: child.pid, stop };
}

/// Compiles `sourcePaths` (relative to contracts/) with solc-js and returns `contractName`'s
/// ABI and creation bytecode. Imports resolve relative to contracts/ too.
export function compileContract(sourcePaths, contractName) {
  const sources = Object.fromEntries(
    sourcePaths.map((p) => [p, { content: readFileSync(join(CONTRACTS_DIR, p), 'utf8') }]),
  );
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      // Through the IR: the gateway (with its settlement legs) must stay under EIP-170's
      // 24,576-byte code limit; the legacy pipeline made it 24,816 bytes, the IR 23,081.
      optimizer: { enabled: true, runs: 200 },
      viaIR: true,
      evmVersion: EVM_VERSION,
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
  // Our sources from contracts/, libraries (`@openzeppelin/contracts/...`) from node_modules.
  const findImports = (path) => {
    try {
      const file = path.startsWith('@') ? require.resolve(path) : join(CONTRACTS_DIR, path);
      return { contents: readFileSync(file, 'utf8') };
    } catch (e) {
      return { error: `${path}: ${e.message}` };
    }
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length) {
    throw new Error(`solc: ${errors.map((e) => e.formattedMessage ?? e.message).join('\n')}`);
  }
  const found = sourcePaths.map((p) => output.contracts?.[p]?.[contractName]).filter(Boolean);
  if (found.length !== 1) {
    throw new Error(`contract ${contractName}: ${found.length} found in ${sourcePaths.join(', ')}`);
  }
  const [{ abi, evm }] = found;
  return {
    abi,
    bytecode: `0x${evm.bytecode.object}`,
    deployedBytecode: `0x${evm.deployedBytecode.object}`,
  };
}

/// The compiler's version, e.g. `0.8.37+commit.f401782d.Emscripten.clang`.
export const solcVersion = () => solc.version();

const abi = AbiCoder.defaultAbiCoder();

/// ERC-7201 location of namespace `id`:
/// `keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~bytes32(uint256(0xff))`.
export function erc7201Location(id) {
  const inner = BigInt(keccak256(toUtf8Bytes(id))) - 1n;
  return toBeHex(BigInt(keccak256(abi.encode(['uint256'], [inner]))) & ~0xffn, 32);
}

/// Base slot of the gateway's `InboundStorage` (contracts/src/GatewayInboundStorage.sol), which
/// is also the slot of its `delivered` mapping, the struct's first member.
export const INBOUND_STORAGE_LOCATION = erc7201Location('fusion-hub.gateway.inbound');

/// Storage slot of `delivered[source]`: `keccak256(abi.encode(uint256(source), base))`.
export const inboundSlot = (source) =>
  keccak256(abi.encode(['uint256', 'uint256'], [source, INBOUND_STORAGE_LOCATION]));
