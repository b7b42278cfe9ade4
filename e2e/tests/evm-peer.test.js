// A real EVM peer, end to end, with the processes an operator runs: a dev hub node, anvil with
// the gateway, four committee signers and four notary signers (3 of 4 each) and the relayer.
// The chain is admitted by a Council motion. Then value moves both ways by proof only, the
// relayer survives `kill -9` in the middle of a batch, and after every step the supply of each
// token over both chains is unchanged. Last, trades settle atomically across both chains: a DvP
// of an ERC-20 against FUSE commits; one whose payer holds too little, and one whose EVM leg never
// answers by its deadline, abort and give every party its value back.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Contract, JsonRpcProvider, SigningKey, Wallet, getBytes, zeroPadValue } from 'ethers';
import { Keyring } from '@polkadot/keyring';
import { blake2AsU8a, cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { startDevNode, connect, submitInBlock } from '../lib/node.js';
import { ANVIL_CHAIN_ID, ANVIL_DEFAULT_KEY, startAnvil } from '../lib/anvil.js';
import {
  DEV_COMMITTEE_SECRETS, DEV_NOTARY_SECRETS, THRESHOLD, admitEvmChain, deployGateway, hubNotarySet, wallets,
} from '../lib/evm-peer.js';
import { keyFile, startProcess, startSigner, workDir, wsCall } from '../lib/processes.js';
import { councilMotion } from '../lib/council.js';
import { committeeVerifier, submitCommitteeHeader } from '../lib/committee.js';
import {
  ASSET_TRANSFER_APP, MESSAGE_ABI_TYPES, findEvent, messageValues, standardLeaf, transferPayload,
} from '../lib/messages.js';
import { sortedWallets } from '../lib/notaries.js';
import { freePort } from '../lib/node.js';

const CHAIN_ID = 31;
// A permissioned ledger simulated here (its committee's signatures made by the test).
const LEDGER = 41;
const HUB = 0;
// The relayer pays EVM gas with anvil's second default account; a user holds wrapped FUSE with
// the third.
const RELAYER_EVM_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const HOLDER_EVM_KEY = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let node; let api; let keyring; let anvil; let admin; let provider;
let gateway; let token; let startBlock;
let alice; let bob;
const signers = [];
let relayer; let relayerArgs; let dir; let metricsPort; let gatewayAddress; let relayerHubAccount;
const latency = { evmToHub: [], hubToEvm: [] };

before(async () => {
  await cryptoWaitReady();
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  [alice, bob] = ['//Alice', '//Bob'].map((uri) => keyring.addFromUri(uri));
  node = await startDevNode({ name: 'evm-peer', extraArgs: ['--dev-block-time', '1000'] });
  api = await connect(node.url);
  anvil = await startAnvil({ extraArgs: ['--block-time', '1'] });
  provider = new JsonRpcProvider(anvil.url, ANVIL_CHAIN_ID, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
  admin = new Wallet(ANVIL_DEFAULT_KEY, provider);

  ({ gateway, token, startBlock } = await deployGateway(admin, CHAIN_ID, api.genesisHash.toHex(), await hubNotarySet(api)));
  await admitEvmChain(api, {
    chainId: CHAIN_ID, evmChainId: ANVIL_CHAIN_ID, gateway: await gateway.getAddress(), committee: wallets(DEV_COMMITTEE_SECRETS),
    operator: keyring.addFromUri('//Dave'), proposer: alice, voters: [alice, bob],
  });

  dir = workDir('evm-peer');
  gatewayAddress = await gateway.getAddress();
  for (const [i, secret] of DEV_NOTARY_SECRETS.entries()) {
    signers.push(await startSigner({ label: `notary-${i}`, role: 'notary', secret, hubUrl: node.url, dir }));
  }
  for (const [i, secret] of DEV_COMMITTEE_SECRETS.entries()) {
    signers.push(await startSigner({
      label: `committee-${i}`, role: 'committee', secret, hubUrl: node.url, dir,
      extra: ['--evm', anvil.url, '--gateway', gatewayAddress, '--chain-id', String(CHAIN_ID), '--confirmations', '0'],
    }));
  }
  // The relayer signs on the hub with its EVM key (an ECDSA hub account), so the fees a gateway
  // holds for it can be paid to that key; the account pays hub fees in FUSE.
  const compressed = getBytes(SigningKey.computePublicKey(RELAYER_EVM_KEY, true));
  relayerHubAccount = keyring.encodeAddress(blake2AsU8a(compressed, 256));
  await submitInBlock(api.tx.balances.transferKeepAlive(relayerHubAccount, 1_000n * 10n ** 12n), alice);
  metricsPort = await freePort();
  relayerArgs = currentRelayerArgs();
  relayer = await startProcess('fusion-relayer', 'relayer', relayerArgs);
});

// The relayer's flags, naming every signer running now.
function currentRelayerArgs() {
  const of = (role) => signers.filter((s) => s.args.includes(role));
  return [
    '--hub', node.url, '--hub-key-from-evm-key',
    '--evm', anvil.url, '--evm-key-file', keyFile(dir, 'relayer-evm', RELAYER_EVM_KEY),
    '--gateway', gatewayAddress, '--chain-id', String(CHAIN_ID), '--evm-start', String(startBlock),
    ...of('committee').flatMap((s) => ['--committee', s.url]),
    '--committee-threshold', String(THRESHOLD),
    ...of('notary').flatMap((s) => ['--notary', s.url]),
    '--confirmations', '0', '--interval-ms', '500', '--metrics', `127.0.0.1:${metricsPort}`,
  ];
}

after(async () => {
  await relayer?.stop();
  for (const signer of signers) await signer.stop();
  await api?.disconnect();
  await node?.stop();
  await anvil?.stop();
  const median = (xs) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  };
  for (const [direction, xs] of Object.entries(latency)) {
    console.log(`latency ${direction}: median ${median(xs)} ms of ${xs.length} (min ${Math.min(...xs)}, max ${Math.max(...xs)})`);
  }
});

const padded = (address) => zeroPadValue(address, 32);
const tokenRef = async () => ({ home: CHAIN_ID, id: padded(await token.getAddress()) });

async function until(what, predicate, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function wrappedOnHub(who) {
  const id = await api.query.assetLock.wrappedIds(await tokenRef());
  if (id.isNone) return 0n;
  const account = await api.query.assets.account(id.unwrap(), who.address);
  return account.isSome ? account.unwrap().balance.toBigInt() : 0n;
}

// A timeout an hour ahead on the hub's clock; the gateway also wants it ahead of its own (the
// dev hub's clock need not agree with anvil's).
async function hubTimeout() {
  const hubNow = (await api.query.timestamp.now()).toBigInt();
  const evmNow = BigInt((await provider.getBlock('latest')).timestamp) * 1000n;
  return { height: 0, timestamp: (hubNow > evmNow ? hubNow : evmNow) + 3_600_000n };
}

async function evmTimeout() {
  const { timestamp } = await provider.getBlock('latest');
  return { height: 0, timestamp: BigInt(timestamp + 3600) * 1000n };
}

// Supply over both chains: the ERC-20's total never changes; what the gateway holds equals what
// the hub can still redeem (wrapped supply on the hub) plus what is in flight.
// Checked when nothing is in flight.
async function assertErc20Books() {
  const locked = BigInt(await gateway.lockedAmount(await token.getAddress()));
  const lockedAtHome = (await api.query.assetLock.lockedAtHome(await tokenRef())).toBigInt();
  const id = await api.query.assetLock.wrappedIds(await tokenRef());
  const wrapped = id.isNone ? 0n : (await api.query.assets.asset(id.unwrap())).unwrap().supply.toBigInt();
  const inFlight = (await api.query.assetLock.inFlight(await tokenRef())).toBigInt();
  assert.equal(inFlight, 0n);
  assert.equal(locked, lockedAtHome, `the gateway holds ${locked}, the hub counts ${lockedAtHome} locked`);
  assert.equal(lockedAtHome, wrapped, `locked ${lockedAtHome}, wrapped on the hub ${wrapped}`);
}

const FUSE = { home: HUB, id: '0x' + '00'.repeat(32) };
const escrowedFuse = async () => (await api.query.assetLock.escrowed(CHAIN_ID, FUSE)).toBigInt();

test('1. an ERC-20 locked on the EVM chain arrives on the hub wrapped; part of it goes back', async () => {
  const amount = 1_000n * 10n ** 18n;
  await (await token.approve(await gateway.getAddress(), amount)).wait();
  const started = Date.now();
  await (await gateway.sendToken(await token.getAddress(), amount, HUB, u8aToHex(bob.publicKey), await hubTimeout(), 0)).wait();
  await until('the wrapped token on the hub', async () => (await wrappedOnHub(bob)) === amount);
  latency.evmToHub.push(Date.now() - started);
  await assertErc20Books();

  const back = 400n * 10n ** 18n;
  const before = await token.balanceOf(admin.address);
  const sentAt = Date.now();
  await submitInBlock(api.tx.assetLock.transferOut(await tokenRef(), back, CHAIN_ID, padded(admin.address), await evmTimeout(), 0), bob);
  await until('the release on the EVM chain', async () => (await token.balanceOf(admin.address)) === before + back);
  latency.hubToEvm.push(Date.now() - sentAt);
  assert.equal(await wrappedOnHub(bob), amount - back);
  // The gateway's receipt comes back: the hub's message completes.
  await until('the hub message completed', async () => (await api.query.crossChainMessages.pendingCount(CHAIN_ID)).toNumber() === 0);
  await assertErc20Books();
});

test('2. FUSE sent from the hub arrives wrapped on the EVM chain, is burned there and released on the hub', async () => {
  const amount = 5n * 10n ** 12n;
  const beneficiary = new Wallet(HOLDER_EVM_KEY, provider).address;
  const sentAt = Date.now();
  await submitInBlock(api.tx.assetLock.transferOut(FUSE, amount, CHAIN_ID, padded(beneficiary), await evmTimeout(), 0), alice);
  const wrappedAddress = await until('the wrapped FUSE on the EVM chain', async () => {
    const address = await gateway.wrappedToken(HUB, FUSE.id);
    return address !== '0x0000000000000000000000000000000000000000' ? address : null;
  });
  const wrapped = new Contract(wrappedAddress, [
    'function balanceOf(address) view returns (uint256)', 'function totalSupply() view returns (uint256)', 'function approve(address, uint256) returns (bool)',
  ], provider);
  await until('the minted balance', async () => (await wrapped.balanceOf(beneficiary)) === amount);
  latency.hubToEvm.push(Date.now() - sentAt);
  // Once the gateway's receipt is acknowledged, the chain can redeem exactly what it minted.
  await until('the escrow credited to the chain', async () => (await escrowedFuse()) === amount);
  assert.equal(await wrapped.totalSupply(), await escrowedFuse());

  const holder = new Wallet(HOLDER_EVM_KEY, provider);
  const aliceBefore = (await api.query.system.account(alice.address)).data.free.toBigInt();
  await (await wrapped.connect(holder).approve(await gateway.getAddress(), amount)).wait();
  const started = Date.now();
  await (await gateway.connect(holder).sendToken(wrappedAddress, amount, HUB, u8aToHex(alice.publicKey), await hubTimeout(), 0)).wait();
  assert.equal(await wrapped.totalSupply(), 0n, 'burned on the EVM chain');
  assert.equal(await escrowedFuse(), amount, 'redeemable until the hub has the message');
  await until('the release from escrow on the hub', async () => (await api.query.system.account(alice.address)).data.free.toBigInt() === aliceBefore + amount);
  latency.evmToHub.push(Date.now() - started);
  assert.equal(await escrowedFuse(), 0n);
  assert.equal(await wrapped.totalSupply(), 0n);
});

test('3. a transfer each way left undelivered past its timeout is refunded exactly once, by proof', async () => {
  // The relayer is down while both messages time out on their destinations' clocks.
  await relayer.stop();
  const amount = 7n * 10n ** 18n;
  const tokenAddress = await token.getAddress();
  await (await token.approve(await gateway.getAddress(), amount)).wait();
  const adminBefore = await token.balanceOf(admin.address);
  const lockedBefore = await gateway.lockedAmount(tokenAddress);
  // Expires after two hub blocks (the timestamp also bounds it, an hour ahead of both clocks).
  const hubHeight = (await api.rpc.chain.getHeader()).number.toNumber();
  const evmToHub = { ...(await hubTimeout()), height: hubHeight + 2 };
  await (await gateway.sendToken(tokenAddress, amount, HUB, u8aToHex(bob.publicKey), evmToHub, 0)).wait();
  const evmNonce = await gateway.outboundNonce(HUB);
  assert.equal(await token.balanceOf(admin.address), adminBefore - amount);

  const fuse = 3n * 10n ** 12n;
  const aliceBefore = (await api.query.system.account(alice.address)).data.free.toBigInt();
  const anvilHeight = await provider.getBlockNumber();
  const hubToEvm = { height: anvilHeight + 2, timestamp: (await api.query.timestamp.now()).toBigInt() + 3_600_000n };
  const { events } = await submitInBlock(api.tx.assetLock.transferOut(FUSE, fuse, CHAIN_ID, padded(admin.address), hubToEvm, 0), alice);
  const fee = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event)).event.data.actualFee.toBigInt();
  const hubNonce = (await api.query.crossChainMessages.outboundNonces(CHAIN_ID)).toNumber();
  await until('both timeouts passed', async () => (await api.rpc.chain.getHeader()).number.toNumber() > hubHeight + 2
    && (await provider.getBlockNumber()) > anvilHeight + 2);

  relayer = await startProcess('fusion-relayer', 'relayer-after-timeouts', relayerArgs);
  // EVM -> hub: the hub finds it expired by its own clock and says so in a receipt; the gateway
  // refunds on that proven receipt.
  await until('the refund on the EVM chain', async () => (await token.balanceOf(admin.address)) === adminBefore);
  assert.equal(await gateway.lockedAmount(tokenAddress), lockedBefore);
  assert.equal((await gateway.sentMessage(HUB, evmNonce)).leaf, '0x' + '00'.repeat(32));
  // Hub -> EVM: the gateway finds it expired by its own clock; the hub refunds on that receipt.
  await until('the refund on the hub', async () => (await api.query.crossChainMessages.pendingMessages(HUB, CHAIN_ID, hubNonce)).isNone);
  assert.equal((await api.query.system.account(alice.address)).data.free.toBigInt(), aliceBefore - fee);
  assert.equal(await escrowedFuse(), 0n);
  assert.equal(await gateway.wrappedToken(HUB, FUSE.id).then((a) => new Contract(a, ['function totalSupply() view returns (uint256)'], provider).totalSupply()), 0n);

  // A second refund: the hub's receipt again, to the gateway, finds nothing pending.
  const found = await api.call.crossChainMessagesApi.receiptProof(CHAIN_ID, HUB, evmNonce);
  assert.ok(found.isSome, 'the hub still proves its receipt');
  const [receipt, proof] = found.unwrap();
  assert.equal(receipt.outcome.toString(), 'Expired');
  await assert.rejects(
    gateway.acknowledge.staticCall(HUB, evmNonce, receipt.messageLeaf.toHex(), 2, receipt.relayer.toHex(), proof.block.toNumber(), proof.proof.map((p) => p.toHex())),
    (error) => gateway.interface.parseError(error.data)?.name === 'UnknownMessage',
  );
  await assertErc20Books();
});

test('4. the relayer and two signers killed with kill -9 in the middle of the work deliver everything once after a restart', async () => {
  const count = 6;
  const each = 10n * 10n ** 18n;
  const tokenAddress = await token.getAddress();
  await (await token.approve(await gateway.getAddress(), each * BigInt(count))).wait();
  const before = await wrappedOnHub(bob);
  const timeout = await hubTimeout();
  // Two batches of three messages, each batch in one EVM block.
  for (const batch of [0, 1]) {
    const nonce = await provider.getTransactionCount(admin.address, 'pending');
    const sent = await Promise.all([0, 1, 2].map((i) =>
      gateway.sendToken(tokenAddress, each, HUB, u8aToHex(bob.publicKey), timeout, 0, { nonce: nonce + i })));
    await Promise.all(sent.map((tx) => tx.wait()));
    if (batch === 0) await sleep(300);
  }
  // Kill the relayer, a notary and a committee member while they work through them.
  await until('the first delivery', async () => (await wrappedOnHub(bob)) > before, 60_000);
  const [notary, member] = [signers[0], signers[DEV_NOTARY_SECRETS.length]];
  await Promise.all([relayer.kill9(), notary.kill9(), member.kill9()]);
  relayer = await startProcess('fusion-relayer', 'relayer-restarted', relayerArgs);
  await until('every transfer', async () => (await wrappedOnHub(bob)) === before + each * BigInt(count));
  // The killed signers come back with their journals.
  signers[0] = { ...notary, ...(await startProcess('fusion-signer', 'notary-0-restarted', notary.args)) };
  signers[DEV_NOTARY_SECRETS.length] = { ...member, ...(await startProcess('fusion-signer', 'committee-0-restarted', member.args)) };
  await sleep(3_000);
  assert.equal(await wrappedOnHub(bob), before + each * BigInt(count), 'nothing delivered twice');
  const inbound = (await api.query.crossChainMessages.inboundNonces(CHAIN_ID, HUB)).toNumber();
  assert.equal(BigInt(inbound), await gateway.outboundNonce(HUB));
  await assertErc20Books();

  // The restarted relayer reports its rounds and what it relayed.
  const metrics = await until('a finished round in the metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    return /fusion_relayer_rounds_total\{result="ok"\} [1-9]/.test(text) ? text : null;
  });
  assert.match(metrics, /fusion_relayer_relayed_total\{direction="evm_to_hub",kind="header"\} [1-9]/);
});

// Latency, one transfer at a time: from the source chain's transaction in a block to the value
// at the beneficiary on the other chain. EVM_PEER_SAMPLES=20 for the figures in the note.
test('transfers each way, one at a time, for their latency', async () => {
  const samples = Number(process.env.EVM_PEER_SAMPLES ?? 2);
  const unit = 10n ** 18n;
  const tokenAddress = await token.getAddress();
  await (await token.approve(await gateway.getAddress(), unit * BigInt(samples))).wait();
  latency.evmToHub.length = 0;
  latency.hubToEvm.length = 0;
  for (let i = 0; i < samples; i++) {
    const onHub = await wrappedOnHub(bob);
    await (await gateway.sendToken(tokenAddress, unit, HUB, u8aToHex(bob.publicKey), await hubTimeout(), 0)).wait();
    const sent = Date.now();
    await until('the transfer on the hub', async () => (await wrappedOnHub(bob)) === onHub + unit);
    latency.evmToHub.push(Date.now() - sent);

    const onEvm = await token.balanceOf(admin.address);
    await submitInBlock(api.tx.assetLock.transferOut(await tokenRef(), unit, CHAIN_ID, padded(admin.address), await evmTimeout(), 0), bob);
    const back = Date.now();
    await until('the transfer on the EVM chain', async () => (await token.balanceOf(admin.address)) === onEvm + unit);
    latency.hubToEvm.push(Date.now() - back);
  }
  await until('every message completed', async () => (await api.query.crossChainMessages.pendingCount(CHAIN_ID)).toNumber() === 0);
  await assertErc20Books();
});

test('fees go to the relayer the receipts name, on both chains, and the relayer claims them with its one key', async () => {
  const account = u8aToHex(decodeAddress(relayerHubAccount));
  const claims = [];
  const unsubscribe = await api.query.system.events((events) => {
    for (const { event } of events) {
      if (api.events.crossChainMessages.RewardsClaimed.is(event) && event.data.relayer.toString() === relayerHubAccount) {
        claims.push(event.data.amount.toBigInt());
      }
    }
  });
  try {
    // Paid on the hub for a message to the EVM chain: the gateway's receipt names the relayer's
    // hub account, and the hub pays it there.
    const hubFee = 7n * 10n ** 9n;
    const { events } = await submitInBlock(api.tx.assetLock.transferOut(FUSE, 10n ** 12n, CHAIN_ID, padded(admin.address), await evmTimeout(), hubFee), alice);
    const nonce = events.find(({ event }) => api.events.crossChainMessages.MessageSent.is(event)).event.data.nonce.toNumber();
    await until('the receipt naming the relayer', async () => {
      const [written] = await gateway.queryFilter(gateway.filters.ReceiptWritten(HUB, nonce));
      return written && written.args.receipt.toLowerCase().endsWith(account.slice(2));
    });
    await until('the relayer claimed its fee on the hub', async () => claims.includes(hubFee));
    assert.equal((await api.query.crossChainMessages.relayerRewards(relayerHubAccount)).toBigInt(), 0n);

    // Paid on the EVM chain for a message to the hub: the hub's receipt names the same account,
    // and the gateway pays the key behind it.
    const evmFee = 3n * 10n ** 15n;
    const amount = 5n * 10n ** 18n;
    await (await token.approve(await gateway.getAddress(), amount)).wait();
    const relayerAddress = new Wallet(RELAYER_EVM_KEY).address;
    await (await gateway.sendToken(await token.getAddress(), amount, HUB, u8aToHex(bob.publicKey), await hubTimeout(), evmFee, { value: evmFee })).wait();
    const claimed = await until('the relayer claimed its fee on the EVM chain', async () => {
      const [event] = await gateway.queryFilter(gateway.filters.RewardsClaimed(account));
      return event ?? null;
    });
    assert.equal(claimed.args.to, relayerAddress);
    assert.equal(claimed.args.amount, evmFee);
    assert.equal(await gateway.relayerReward(account), 0n);
    // The relayer counts a claim once its transaction's receipt is back.
    const metrics = await until('the claims counted', async () => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return /fusion_relayer_relayed_total\{direction="evm",kind="rewards"\} 1\b/.test(text) ? text : null;
    });
    assert.match(metrics, /fusion_relayer_relayed_total\{direction="hub",kind="rewards"\} [1-9]/);
    await until('every message completed', async () => (await api.query.crossChainMessages.pendingCount(CHAIN_ID)).toNumber() === 0);
    await assertErc20Books();
  } finally {
    unsubscribe();
  }
});

test('a ledger peer sends its token through the hub to the EVM chain: routed, delivered by the relayer, and the receipt goes back', async () => {
  const charlie = keyring.addFromUri('//Charlie');
  const ledgerCommittee = ['d1', 'd2', 'd3', 'd4'].map((b) => new Wallet('0x' + b.repeat(32)));
  await submitInBlock(
    api.tx.chainRegistry.proposeChain(LEDGER, 'Ledger peer', { PermissionedLedger: { platform: 'Other' } }, committeeVerifier({ ecdsa: ledgerCommittee }, THRESHOLD)),
    charlie,
  );
  await councilMotion(api, api.tx.chainRegistry.approveChain(LEDGER), alice, [alice, bob]);

  // The ledger's message for the EVM chain, in its block 1 attested by its committee.
  const ledgerToken = { home: LEDGER, id: '0x' + 'be'.repeat(32) };
  const amount = 25n * 10n ** 18n;
  const beneficiary = new Wallet(HOLDER_EVM_KEY).address;
  const { timestamp: evmNow } = await provider.getBlock('latest');
  const message = {
    source: LEDGER, destination: CHAIN_ID, nonce: 1, sender: '0x' + '5e'.repeat(32), appId: ASSET_TRANSFER_APP,
    payload: transferPayload(ledgerToken, amount, padded(beneficiary), 18),
    timeout: { height: 0, timestamp: BigInt(evmNow + 3600) * 1000n }, fee: 0n,
  };
  const leaf = standardLeaf(MESSAGE_ABI_TYPES, messageValues(message));
  const header = { number: 1, hash: '0x' + '41'.repeat(32), stateRoot: '0x' + '42'.repeat(32), messageRoot: leaf, timestamp: Date.now() };
  await submitCommitteeHeader(api, LEDGER, 0, header, { ecdsa: ledgerCommittee }, charlie);
  const { events } = await submitInBlock(api.tx.crossChainMessages.deliverMessages(LEDGER, 1, [[message, { KeccakMerkle: { leaf, proof: [] } }]]), charlie);
  assert.ok(findEvent(api, events, 'crossChainMessages', 'MessageRouted'), 'routed to the EVM chain');
  assert.equal((await api.query.assetLock.lockedAtHome(ledgerToken)).toBigInt(), amount);

  // The relayer takes it from the hub to the gateway, which mints the ledger's token wrapped.
  const wrappedAddress = await until('the wrapped ledger token', async () => {
    const address = await gateway.wrappedToken(LEDGER, ledgerToken.id);
    return address !== '0x0000000000000000000000000000000000000000' ? address : null;
  });
  const wrapped = new Contract(wrappedAddress, ['function balanceOf(address) view returns (uint256)', 'function totalSupply() view returns (uint256)'], provider);
  await until('the minted balance', async () => (await wrapped.balanceOf(beneficiary)) === amount);
  assert.equal(await gateway.inboundNonce(LEDGER), 1n);

  // The gateway's receipt completes the route on the hub, which forwards it to the ledger; the
  // EVM chain's claim on the ledger's token is what it minted.
  const forwarded = await until('the receipt forwarded to the ledger', async () => {
    const record = await api.query.crossChainMessages.receipts(LEDGER, CHAIN_ID, 1);
    return record.isSome ? record.unwrap().receipt : null;
  });
  assert.equal(forwarded.outcome.toString(), 'Delivered');
  assert.equal(forwarded.messageLeaf.toHex(), leaf);
  assert.ok((await api.query.crossChainMessages.pendingMessages(LEDGER, CHAIN_ID, 1)).isNone);
  assert.equal((await api.query.assetLock.escrowed(CHAIN_ID, ledgerToken)).toBigInt(), amount);
  assert.equal(await wrapped.totalSupply(), amount);
  assert.equal((await api.query.assetLock.inFlight(ledgerToken)).toBigInt(), 0n);
});

test('5. the Council rotates the hub notaries; the relayer hands the hub and then the gateway over, certifying first what the old set must', async () => {
  const successors = sortedWallets(['55', '66', '77', '88'].map((b) => new Wallet('0x' + b.repeat(32))));
  const wrapped = new Contract(await gateway.wrappedToken(HUB, FUSE.id), ['function totalSupply() view returns (uint256)'], provider);
  const supplyBefore = await wrapped.totalSupply();
  // Sent under the old set while no relayer runs: its root needs the old set's checkpoint.
  await relayer.stop();
  const first = 4n * 10n ** 12n;
  const { events } = await submitInBlock(api.tx.assetLock.transferOut(FUSE, first, CHAIN_ID, padded(admin.address), await evmTimeout(), 0), alice);
  const nonce = events.find(({ event }) => api.events.crossChainMessages.MessageSent.is(event)).event.data.nonce.toNumber();
  const oldSet = (await api.call.hubNotariesApi.currentSet()).unwrap().id.toNumber();
  await councilMotion(api, api.tx.hubNotaries.scheduleRotation(THRESHOLD, successors.map((w) => w.address)), alice, [alice, bob]);
  const nextSet = (await api.call.hubNotariesApi.scheduledSet()).unwrap().id.toNumber();
  assert.ok(nextSet > oldSet);
  for (const [i, wallet] of successors.entries()) {
    signers.push(await startSigner({ label: `notary-next-${i}`, role: 'notary', secret: wallet.privateKey, hubUrl: node.url, dir }));
  }
  relayerArgs = currentRelayerArgs();
  relayer = await startProcess('fusion-relayer', 'relayer-rotation', relayerArgs);

  await until('the hub on the new set', async () => (await api.call.hubNotariesApi.currentSet()).unwrap().id.toNumber() === nextSet);
  await until('the gateway on the new set', async () => (await gateway.notarySetId()) === BigInt(nextSet));
  assert.deepEqual((await gateway.notaries()).map((a) => a.toLowerCase()), successors.map((w) => w.address.toLowerCase()));
  await until('the transfer sent under the old set', async () => (await wrapped.totalSupply()) === supplyBefore + first);
  assert.equal(await gateway.inboundNonce(HUB), BigInt(nonce));

  // Sent under the new set: certified by the new notaries.
  const second = 6n * 10n ** 12n;
  await submitInBlock(api.tx.assetLock.transferOut(FUSE, second, CHAIN_ID, padded(admin.address), await evmTimeout(), 0), alice);
  await until('the transfer sent under the new set', async () => (await wrapped.totalSupply()) === supplyBefore + first + second);
  await until('every message completed', async () => (await api.query.crossChainMessages.pendingCount(CHAIN_ID)).toNumber() === 0);
  assert.equal(await wrapped.totalSupply(), await escrowedFuse());
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  assert.match(metrics, /fusion_relayer_relayed_total\{direction="hub",kind="handover"\} 1\b/);
  assert.match(metrics, /fusion_relayer_relayed_total\{direction="hub_to_evm",kind="handover"\} 1\b/);
});

// Last: it pauses the gateway and times a message out while it is paused.
test('3b. a hub transfer the paused gateway cannot take is refunded on the hub by a proof of non-receipt, once; resumed, the gateway takes it as Expired and the channel moves on', async () => {
  const escrowBefore = await escrowedFuse();
  await (await gateway.pause()).wait();
  const fuse = 2n * 10n ** 12n;
  const aliceBefore = (await api.query.system.account(alice.address)).data.free.toBigInt();
  const timeout = { height: (await provider.getBlockNumber()) + 2, timestamp: (await api.query.timestamp.now()).toBigInt() + 3_600_000n };
  const { events } = await submitInBlock(api.tx.assetLock.transferOut(FUSE, fuse, CHAIN_ID, padded(admin.address), timeout, 0), alice);
  const fee = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event)).event.data.actualFee.toBigInt();
  const nonce = (await api.query.crossChainMessages.outboundNonces(CHAIN_ID)).toNumber();
  const refunded = await until('the refund on the hub', async () => {
    if ((await api.query.crossChainMessages.pendingMessages(HUB, CHAIN_ID, nonce)).isSome) return null;
    return true;
  });
  assert.ok(refunded);
  assert.equal((await api.query.system.account(alice.address)).data.free.toBigInt(), aliceBefore - fee);
  assert.equal(BigInt(nonce), (await gateway.inboundNonce(HUB)) + 1n, 'the gateway never took it');
  assert.equal(await escrowedFuse(), escrowBefore);
  // The hub keeps it provable, and its place in the queue, until the gateway takes it.
  assert.ok((await api.query.crossChainMessages.timedOutMessages(HUB, CHAIN_ID, nonce)).isSome);
  assert.equal((await api.query.crossChainMessages.pendingCount(CHAIN_ID)).toNumber(), 1);
  // Refunded once: the relayer has nothing left to prove (no failure while it waits), and its
  // metrics say one timeout.
  const metricsText = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const failures = async () => (await metricsText()).match(/fusion_relayer_failures_total\{direction="hub_to_evm",kind="(timeout|message)"\} \d+/g)?.join() ?? '';
  const failuresBefore = await failures();
  await sleep(2_000);
  assert.equal((await api.query.system.account(alice.address)).data.free.toBigInt(), aliceBefore - fee);
  assert.match(await metricsText(), /fusion_relayer_relayed_total\{direction="hub_to_evm",kind="timeout"\} 1\b/);
  assert.equal(await failures(), failuresBefore, 'the relayer does not retry a refunded message');

  // Resumed, the gateway takes it as Expired (its clock is past the timeout): nothing is
  // minted, its receipt closes the hub's record, and the next transfer goes through.
  const wrapped = new Contract(await gateway.wrappedToken(HUB, FUSE.id), ['function totalSupply() view returns (uint256)'], provider);
  const supplyBefore = await wrapped.totalSupply();
  await (await gateway.unpause()).wait();
  await until('the gateway took the timed-out message', async () => (await gateway.inboundNonce(HUB)) === BigInt(nonce));
  const [written] = await gateway.queryFilter(gateway.filters.ReceiptWritten(HUB, nonce));
  assert.equal(Number(written.args.outcome), 2, 'Expired');
  assert.equal(await wrapped.totalSupply(), supplyBefore, 'nothing minted for a refunded transfer');
  await until('the record closed on the hub', async () => (await api.query.crossChainMessages.timedOutMessages(HUB, CHAIN_ID, nonce)).isNone);
  assert.equal((await api.query.crossChainMessages.pendingCount(CHAIN_ID)).toNumber(), 0);
  assert.equal((await api.query.system.account(alice.address)).data.free.toBigInt(), aliceBefore - fee, 'not refunded twice');

  const next = 3n * 10n ** 12n;
  await submitInBlock(api.tx.assetLock.transferOut(FUSE, next, CHAIN_ID, padded(admin.address), await evmTimeout(), 0), alice);
  await until('the next transfer on the EVM chain', async () => (await wrapped.totalSupply()) === supplyBefore + next);
  await until('its receipt on the hub', async () => (await escrowedFuse()) === escrowBefore + next);
  assert.equal(await wrapped.totalSupply(), await escrowedFuse());
});

// ----- Atomic settlement (delivery versus payment) -----

const SETTLEMENT = { id: (n) => '0x' + n.toString(16).padStart(2, '0').repeat(32) };
const FUSE_UNITS = 10n ** 12n;

/// Proposes settlement `id` with `legs` and `deadline` (alice), and returns its terms hash as the
/// RPC shows it.
async function proposeSettlement(id, legs, deadline) {
  await submitInBlock(api.tx.settlement.propose(id, legs, deadline), alice);
  const view = await wsCall(node.url, 'fusion_settlement', [id]);
  assert.equal(view.phase, 'SigningUp');
  assert.equal(view.legs.length, legs.length);
  return view.terms;
}

const settlementView = (id) => wsCall(node.url, 'fusion_settlement', [id]);
const legStates = async (id) => (await settlementView(id))?.legs.map((leg) => leg.state);
const freeFuse = async (who) => (await api.query.system.account(who.address)).data.free.toBigInt();

/// The deadline `seconds` ahead of the EVM chain's clock (ms): the prepare order's timeout there.
async function evmDeadline(seconds) {
  const { timestamp } = await provider.getBlock('latest');
  return BigInt(timestamp + seconds) * 1000n;
}

/// `holder` (an EVM wallet) signs up to settlement `id` through the gateway; resolves when the hub
/// has the sign-up.
async function signUpOnEvm(holder, id, terms, leg) {
  await (await gateway.connect(holder).signUpForSettlement(id, terms, await hubTimeout(), 0)).wait();
  await until('the sign-up on the hub', async () => (await legStates(id))?.[leg] === 'SignedUp');
}

test('6. a DvP trade of an ERC-20 on the EVM chain against FUSE on the hub commits on both chains', async () => {
  const seller = new Wallet(HOLDER_EVM_KEY, provider);
  const buyerEvm = '0x' + '6b'.repeat(20);
  const [buyer, sellerHub] = [bob, keyring.addFromUri('//Eve')];
  const shares = 250n * 10n ** 18n;
  const price = 40n * FUSE_UNITS;
  const tokenAddress = await token.getAddress();
  await (await token.transfer(seller.address, shares)).wait();
  await (await token.connect(seller).approve(gatewayAddress, shares)).wait();
  const id = SETTLEMENT.id(0x61);
  const legs = [
    { chain: CHAIN_ID, token: await tokenRef(), from: padded(seller.address), to: padded(buyerEvm), amount: shares },
    { chain: HUB, token: FUSE, from: u8aToHex(buyer.publicKey), to: u8aToHex(sellerHub.publicKey), amount: price },
  ];
  const terms = await proposeSettlement(id, legs, await evmDeadline(600));
  const sellerHubBefore = await freeFuse(sellerHub);
  const sellerTokens = await token.balanceOf(seller.address);

  await signUpOnEvm(seller, id, terms, 0);
  await submitInBlock(api.tx.settlement.signUp(id, terms), buyer);
  assert.deepEqual(await legStates(id), ['SignedUp', 'SignedUp']);
  await submitInBlock(api.tx.settlement.advance(id, 0), alice);
  // The gateway locks the seller's shares; its receipt proves it; the hub commits.
  await until('the commit', async () => (await settlementView(id))?.phase === 'Committed');
  assert.equal((await gateway.settlementLeg(id, terms, 0)).state, 1n, 'locked on the EVM chain');
  assert.equal(await token.balanceOf(buyerEvm), 0n, 'nothing released before the decision reaches it');
  // The next advance pays the seller on the hub and sends the commit to the gateway.
  await submitInBlock(api.tx.settlement.advance(id, 0), alice);
  assert.equal(await freeFuse(sellerHub), sellerHubBefore + price);
  await until('the shares with the buyer', async () => (await token.balanceOf(buyerEvm)) === shares);
  await until('the settlement concluded', async () => (await settlementView(id)) === null);
  assert.equal(await token.balanceOf(seller.address), sellerTokens - shares);
  assert.equal((await gateway.settlementLeg(id, terms, 0)).state, 2n, 'released');
  assert.equal(await token.balanceOf(gatewayAddress), await gateway.lockedAmount(tokenAddress), 'no settlement tokens left in the gateway');
  await assertErc20Books();
});

test('7. a trade whose EVM payer holds too little aborts: the hub seller gets its FUSE back, nothing moves on the EVM chain', async () => {
  const payer = new Wallet(HOLDER_EVM_KEY, provider);
  const [seller, buyerHub] = [bob, keyring.addFromUri('//Eve')];
  const cash = (await token.balanceOf(payer.address)) + 1n;
  await (await token.connect(payer).approve(gatewayAddress, cash)).wait();
  const id = SETTLEMENT.id(0x62);
  const legs = [
    { chain: HUB, token: FUSE, from: u8aToHex(seller.publicKey), to: u8aToHex(buyerHub.publicKey), amount: 7n * FUSE_UNITS },
    { chain: CHAIN_ID, token: await tokenRef(), from: padded(payer.address), to: padded(admin.address), amount: cash },
  ];
  const terms = await proposeSettlement(id, legs, await evmDeadline(600));
  const [sellerBefore, buyerBefore, payerTokens] = [await freeFuse(seller), await freeFuse(buyerHub), await token.balanceOf(payer.address)];
  const { events } = await submitInBlock(api.tx.settlement.signUp(id, terms), seller);
  const fee = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event)).event.data.actualFee.toBigInt();
  assert.equal(await freeFuse(seller), sellerBefore - fee - 7n * FUSE_UNITS, 'the FUSE leg is in escrow');
  await signUpOnEvm(payer, id, terms, 1);
  await submitInBlock(api.tx.settlement.advance(id, 0), alice);
  // The gateway cannot take the cash: a Failed receipt, the hub aborts; the next advance gives
  // the FUSE back, and no abort order is needed (nothing was locked there).
  await until('the abort', async () => (await settlementView(id))?.phase === 'Aborted');
  assert.deepEqual(await legStates(id), ['DecisionDue', 'Settled']);
  await submitInBlock(api.tx.settlement.advance(id, 0), alice);
  assert.equal(await settlementView(id), null, 'concluded');
  assert.equal(await freeFuse(seller), sellerBefore - fee, 'the seller has its FUSE back');
  assert.equal(await freeFuse(buyerHub), buyerBefore);
  assert.equal(await token.balanceOf(payer.address), payerTokens);
  assert.equal((await gateway.settlementLeg(id, terms, 1)).state, 0n, 'never locked');
});

test('8. a trade whose EVM leg is not prepared by its deadline aborts by proof of non-receipt; the late order expires there', async () => {
  const seller = new Wallet(HOLDER_EVM_KEY, provider);
  const [buyer, sellerHub] = [bob, keyring.addFromUri('//Eve')];
  const shares = 10n ** 18n;
  await (await token.connect(seller).approve(gatewayAddress, shares)).wait();
  const id = SETTLEMENT.id(0x63);
  const legs = [
    { chain: CHAIN_ID, token: await tokenRef(), from: padded(seller.address), to: padded(admin.address), amount: shares },
    { chain: HUB, token: FUSE, from: u8aToHex(buyer.publicKey), to: u8aToHex(sellerHub.publicKey), amount: 3n * FUSE_UNITS },
  ];
  const terms = await proposeSettlement(id, legs, await evmDeadline(25));
  await signUpOnEvm(seller, id, terms, 0);
  const { events } = await submitInBlock(api.tx.settlement.signUp(id, terms), buyer);
  const fee = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event)).event.data.actualFee.toBigInt();
  const buyerAfterSignUp = await freeFuse(buyer);
  const [sellerHubBefore, sellerTokens] = [await freeFuse(sellerHub), await token.balanceOf(seller.address)];
  // The gateway is paused: the prepare order cannot be delivered before the deadline.
  await (await gateway.pause()).wait();
  await submitInBlock(api.tx.settlement.advance(id, 0), alice);
  const nonce = (await settlementView(id)).legs[0].prepareNonce;
  await until('the abort by proof', async () => (await settlementView(id))?.phase === 'Aborted', 180_000);
  assert.deepEqual(await legStates(id), ['Settled', 'DecisionDue'], 'refused: no order for the EVM leg');
  await submitInBlock(api.tx.settlement.advance(id, 0), alice);
  assert.equal(await settlementView(id), null, 'concluded');
  assert.equal(await freeFuse(buyer), buyerAfterSignUp + 3n * FUSE_UNITS, 'the buyer has its FUSE back');
  assert.equal(await freeFuse(sellerHub), sellerHubBefore);
  assert.ok(fee > 0n);
  await (await gateway.unpause()).wait();
  await until('the gateway took the late order', async () => (await gateway.inboundNonce(HUB)) >= BigInt(nonce));
  const [written] = await gateway.queryFilter(gateway.filters.ReceiptWritten(HUB, nonce));
  assert.equal(Number(written.args.outcome), 2, 'Expired');
  assert.equal(await token.balanceOf(seller.address), sellerTokens, 'the shares never moved');
  assert.equal((await gateway.settlementLeg(id, terms, 0)).state, 0n);
});
