// Deploys the gateway (and a test ERC-20) on an EVM chain for the hub at HUB_URL and admits the
// chain at the hub by a Council motion of the development Council. Prints the settings the
// signers and the relayer need as JSON. Used by scripts/run-evm-peer.sh.
//
//   node scripts/evm-peer.js <hub ws url> <evm http url> <chain id>

import { JsonRpcProvider, Wallet } from 'ethers';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { connect } from '../lib/node.js';
import { ANVIL_DEFAULT_KEY } from '../lib/anvil.js';
import { DEV_COMMITTEE_SECRETS, admitEvmChain, deployGateway, hubNotarySet, wallets } from '../lib/evm-peer.js';

const [hubUrl, evmUrl, chainIdText] = process.argv.slice(2);
if (!hubUrl || !evmUrl || !chainIdText) {
  console.error('usage: node scripts/evm-peer.js <hub ws url> <evm http url> <chain id>');
  process.exit(2);
}
const chainId = Number(chainIdText);

await cryptoWaitReady();
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const [alice, bob, dave] = ['//Alice', '//Bob', '//Dave'].map((uri) => keyring.addFromUri(uri));
const api = await connect(hubUrl);
const provider = new JsonRpcProvider(evmUrl);
const evmChainId = Number((await provider.getNetwork()).chainId);
const admin = new Wallet(ANVIL_DEFAULT_KEY, provider);
const { gateway, token, startBlock } = await deployGateway(admin, chainId, api.genesisHash.toHex(), await hubNotarySet(api));
const gatewayAddress = await gateway.getAddress();
await admitEvmChain(api, {
  chainId, evmChainId, gateway: gatewayAddress, committee: wallets(DEV_COMMITTEE_SECRETS), operator: dave, proposer: alice, voters: [alice, bob],
});
console.log(JSON.stringify({ chainId, evmChainId, gateway: gatewayAddress, token: await token.getAddress(), startBlock }));
await api.disconnect();
