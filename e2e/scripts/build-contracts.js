// Compiles the gateway's contracts with the pinned solc-js and writes each one's ABI and
// bytecode to contracts/out/<Name>.json: what an operator deploys. Offline: the compiler and
// OpenZeppelin's sources come from npm packages.
// Usage: node scripts/build-contracts.js

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTRACTS_DIR, EVM_VERSION, compileContract, solcVersion } from '../lib/anvil.js';

const CONTRACTS = [
  ['src/FusionGateway.sol', 'FusionGateway'],
  ['src/WrappedHubToken.sol', 'WrappedHubToken'],
  ['test/TestToken.sol', 'TestToken'],
];

const out = join(CONTRACTS_DIR, 'out');
mkdirSync(out, { recursive: true });
for (const [source, name] of CONTRACTS) {
  const { abi, bytecode, deployedBytecode } = compileContract([source], name);
  const path = join(out, `${name}.json`);
  writeFileSync(path, JSON.stringify({ contractName: name, source, compiler: solcVersion(), evmVersion: EVM_VERSION, abi, bytecode, deployedBytecode }, null, 2));
  console.log(`${path}: ${(deployedBytecode.length - 2) / 2} bytes deployed`);
}
