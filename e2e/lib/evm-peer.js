// An EVM peer as an operator sets one up: the gateway deployed on the EVM chain for the hub it
// trusts, the chain admitted at the hub by a Council motion, and the development keys of its
// committee and of the hub's notaries (docs/connecting-an-evm-chain.md).

import { ContractFactory, Wallet } from 'ethers';
import { compileContract } from './anvil.js';
import { committeeVerifier } from './committee.js';
import { councilMotion } from './council.js';
import { submitInBlock } from './node.js';

/// The development notaries of the hub's dev chain (docs/protocol.md): secrets 0x11…11 to 0x44…44.
export const DEV_NOTARY_SECRETS = ['11', '22', '33', '44'].map((b) => '0x' + b.repeat(32));
/// Development committee keys of the EVM chain: secrets 0xc1…c1 to 0xc4…c4. Public: never for value.
export const DEV_COMMITTEE_SECRETS = ['c1', 'c2', 'c3', 'c4'].map((b) => '0x' + b.repeat(32));
export const THRESHOLD = 3;

/// Deploys the gateway (and a test ERC-20 with `supply` for `admin`) for the hub whose genesis
/// is `hubGenesis`, trusting the hub's current notary set `{ id, threshold, members }`.
export async function deployGateway(admin, chainId, hubGenesis, notarySet, supply = 10n ** 24n) {
  const gatewayCode = compileContract(['src/FusionGateway.sol'], 'FusionGateway');
  const tokenCode = compileContract(['test/TestToken.sol'], 'TestToken');
  const gateway = await new ContractFactory(gatewayCode.abi, gatewayCode.bytecode, admin)
    .deploy(chainId, admin.address, hubGenesis, notarySet.id, notarySet.threshold, notarySet.members);
  await gateway.waitForDeployment();
  const deployment = await gateway.deploymentTransaction().wait();
  const token = await new ContractFactory(tokenCode.abi, tokenCode.bytecode, admin).deploy(supply);
  await token.waitForDeployment();
  return { gateway, token, startBlock: deployment.blockNumber, abi: { gateway: gatewayCode.abi, token: tokenCode.abi } };
}

/// The hub's current notary set, as the gateway's constructor takes it.
export async function hubNotarySet(api) {
  const set = (await api.call.hubNotariesApi.currentSet()).unwrap();
  return { id: set.id.toBigInt(), threshold: set.threshold.toNumber(), members: set.members.map((m) => m.toHex()) };
}

/// `operator` applies for `chainId` (an EVM chain with `gateway`, a 3-of-4 committee of
/// `committee` wallets) and the Council (`proposer` and `voters`) admits it.
export async function admitEvmChain(api, { chainId, evmChainId, gateway, committee, operator, proposer, voters }) {
  await submitInBlock(
    api.tx.chainRegistry.proposeChain(chainId, 'EVM peer', { EvmChain: { chainId: evmChainId, gateway } }, committeeVerifier({ ecdsa: committee }, THRESHOLD)),
    operator,
  );
  await councilMotion(api, api.tx.chainRegistry.approveChain(chainId), proposer, voters);
}

export const wallets = (secrets) => secrets.map((secret) => new Wallet(secret));
