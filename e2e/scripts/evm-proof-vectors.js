// Writes primitives/tests/vectors/evm_channel_state.json: storage proofs (`eth_getProof`) of the
// gateway's inbound nonces, taken from a real EVM node, for the hub's Merkle-Patricia verifier.
// Usage: npm run vectors:evm (in e2e/)

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ContractFactory, JsonRpcProvider, Wallet, keccak256, toQuantity } from 'ethers';
import {
  ANVIL_CHAIN_ID, ANVIL_DEFAULT_KEY, CONTRACTS_DIR, INBOUND_STORAGE_LOCATION,
  compileContract, inboundSlot, rpc, solcVersion, startAnvil,
} from '../lib/anvil.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const outPath = join(repoRoot, 'primitives', 'tests', 'vectors', 'evm_channel_state.json');

// The JS layout must be the contract's: the constant in the source is the one the proofs rely on.
const storageSource = readFileSync(join(CONTRACTS_DIR, 'src', 'GatewayInboundStorage.sol'), 'utf8');
const solidityLocation = /INBOUND_STORAGE_LOCATION\s*=\s*(0x[0-9a-fA-F]{64})/.exec(storageSource)?.[1];
assert.equal(solidityLocation?.toLowerCase(), INBOUND_STORAGE_LOCATION, 'INBOUND_STORAGE_LOCATION differs from the ERC-7201 formula');

// Nonces set on the fixture; source 3 is never set, so its proof shows absence.
const delivered = [[0, 5n], [7, 1n]];
const proven = [0, 7, 3];

const { abi, bytecode } = compileContract(['test/InboundNoncesFixture.sol'], 'InboundNoncesFixture');
const anvil = await startAnvil();
// No request cache: ethers would otherwise hand back one nonce to transactions sent within 250 ms.
const provider = new JsonRpcProvider(anvil.url, ANVIL_CHAIN_ID, {
  staticNetwork: true, pollingInterval: 100, cacheTimeout: -1,
});
try {
  const anvilVersion = await rpc(anvil.url, 'web3_clientVersion');
  const wallet = new Wallet(ANVIL_DEFAULT_KEY, provider);
  const fixture = await new ContractFactory(abi, bytecode, wallet).deploy();
  await fixture.waitForDeployment();
  const address = await fixture.getAddress();
  for (const [source, nonce] of delivered) {
    await (await fixture.setDelivered(source, nonce)).wait();
    assert.equal(await fixture.inboundNonce(source), nonce);
  }

  const block = await rpc(anvil.url, 'eth_getBlockByNumber', ['latest', false]);
  const slots = proven.map(inboundSlot);
  const proof = await rpc(anvil.url, 'eth_getProof', [address, slots, block.number]);

  // Not a proof check (that is the hub verifier's job), only that the proofs hang from the
  // right roots and the values are the ones set.
  assert.equal(keccak256(proof.accountProof[0]), block.stateRoot, 'account proof root');
  const expected = new Map(delivered);
  const storage = proven.map((source, i) => {
    const entry = proof.storageProof[i];
    assert.equal(BigInt(entry.key), BigInt(slots[i]), `storage key of source ${source}`);
    assert.equal(BigInt(entry.value), expected.get(source) ?? 0n, `value of source ${source}`);
    assert.equal(keccak256(entry.proof[0]), proof.storageHash, `storage proof root of source ${source}`);
    return { source, key: slots[i], value: toQuantity(BigInt(entry.value)), proof: entry.proof };
  });

  const vectors = {
    description: 'eth_getProof of InboundNoncesFixture (contracts/test) on anvil after setDelivered(0, 5) '
      + 'and setDelivered(7, 1): delivered[source] sits at keccak256(abi.encode(uint256(source), '
      + 'inboundStorageLocation)) (ERC-7201 "fusion-hub.gateway.inbound"), the uint64 right-aligned '
      + 'in the word; source 3 was never set, so its proof shows absence (value 0x0).',
    generator: relative(repoRoot, fileURLToPath(import.meta.url)),
    anvil: anvilVersion,
    solc: solcVersion(),
    blockNumber: Number(block.number),
    stateRoot: block.stateRoot,
    address,
    accountProof: proof.accountProof,
    nonce: proof.nonce,
    balance: proof.balance,
    codeHash: proof.codeHash,
    storageHash: proof.storageHash,
    inboundStorageLocation: INBOUND_STORAGE_LOCATION,
    storage,
  };
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, `${JSON.stringify(vectors, null, 2)}\n`);
  console.log(`wrote ${relative(process.cwd(), outPath)} (block ${vectors.blockNumber}, ${address})`);
} finally {
  provider.destroy();
  await anvil.stop();
}
