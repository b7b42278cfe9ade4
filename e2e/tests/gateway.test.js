// The EVM gateway's outbound half against a real anvil: tokens locked and data sent, each
// message encoded as the hub encodes it, its leaf the protocol's StandardMerkleTree leaf, a
// block's leaves the root the chain's committee attests; every refusal by its named error, with
// nothing moved; the gas of each call.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { StandardMerkleTree, SimpleMerkleTree } from '@openzeppelin/merkle-tree';
import { AbiCoder, Contract, ContractFactory, JsonRpcProvider, Wallet, getBytes, keccak256, toBeHex, zeroPadValue } from 'ethers';
import {
  ANVIL_CHAIN_ID, ANVIL_DEFAULT_KEY, compileContract, erc7201Location, rpc as evmRpc, startAnvil,
} from '../lib/anvil.js';
import { MESSAGE_ABI_TYPES, RECEIPT_ABI_TYPES, TRANSFER_ABI_TYPES, OUTCOME, standardLeaf } from '../lib/messages.js';
import { checkpointPayload, notaryWallets, signAll } from '../lib/notaries.js';
import { blake2AsHex } from '@polkadot/util-crypto';

// Anvil's second default account: a user who is not the admin.
const USER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const CHAIN = 11; // this EVM chain's id at the hub
const HUB = 0;
const OTHER = 12; // another peer, reached through the hub
const SUPPLY = 10n ** 24n;
const AMOUNT = 5n * 10n ** 18n;
const BENEFICIARY = '0x' + '33'.repeat(32);
const abi = AbiCoder.defaultAbiCoder();
// The hub this gateway trusts, and its 3-of-4 notary set.
const GENESIS = '0x' + 'a1'.repeat(32);
const notaries = notaryWallets(0x1000, 4);

let anvil;
let provider;
let admin;
let gateway;
let token;
let compiled;
const gas = {};

before(async () => {
  compiled = {
    gateway: compileContract(['src/FusionGateway.sol'], 'FusionGateway'),
    token: compileContract(['test/TestToken.sol'], 'TestToken'),
    feeToken: compileContract(['test/TestToken.sol'], 'FeeOnTransferToken'),
    blockingToken: compileContract(['test/TestToken.sol'], 'BlockingToken'),
    wrapped: compileContract(['src/WrappedHubToken.sol'], 'WrappedHubToken'),
  };
  anvil = await startAnvil();
  provider = new JsonRpcProvider(anvil.url, ANVIL_CHAIN_ID, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
  admin = new Wallet(ANVIL_DEFAULT_KEY, provider);
  gateway = await deployGateway(CHAIN);
  token = await deploy(compiled.token, SUPPLY);
});

after(async () => {
  console.log(`gas: ${JSON.stringify(gas)}`);
  await anvil?.stop();
});

function deployGateway(chainId) {
  return deploy(compiled.gateway, chainId, admin.address, GENESIS, 0, 3, notaries.map((w) => w.address));
}

async function deploy({ abi: contractAbi, bytecode }, ...args) {
  const contract = await new ContractFactory(contractAbi, bytecode, admin).deploy(...args);
  await contract.waitForDeployment();
  return contract;
}

/// A timeout an hour ahead of the EVM chain's clock, in ms.
async function timeoutAhead() {
  const { timestamp } = await provider.getBlock('latest');
  return { height: 0, timestamp: BigInt(timestamp + 3600) * 1000n };
}

/// The MessageSent events of a receipt, decoded.
function sentMessages(receipt) {
  return receipt.logs
    .map((log) => { try { return gateway.interface.parseLog(log); } catch { return null; } })
    .filter((parsed) => parsed?.name === 'MessageSent')
    .map(({ args }) => ({ destination: Number(args.destination), nonce: args.nonce, leaf: args.leaf, message: args.message }));
}

async function expectRevert(promise, name) {
  await assert.rejects(promise, (error) => {
    const data = error.data ?? error.info?.error?.data;
    // The gateway's own errors, or the token's it passes on.
    const decoded = error.revert?.name ??
      (data ? (gateway.interface.parseError(data) ?? token.interface.parseError(data))?.name : undefined);
    const reason = decoded ?? error.shortMessage ?? error.message;
    if (!decoded) console.error(JSON.stringify({ code: error.code, data, info: error.info }).slice(0, 600));
    assert.ok(String(reason).includes(name), `expected ${name}, got ${reason}`);
    return true;
  });
}

test('the outbound namespace is where the ERC-7201 formula puts it', async () => {
  // Read nonce 1 of destination 0 from the slot the formula gives, after a send.
  const location = erc7201Location('fusion-hub.gateway.outbound');
  const gatewayAddress = await gateway.getAddress();
  await (await token.approve(gatewayAddress, AMOUNT)).wait();
  await (await gateway.sendToken(await token.getAddress(), AMOUNT, HUB, BENEFICIARY, await timeoutAhead(), 0)).wait();
  const slot = keccak256(abi.encode(['uint256', 'uint256'], [HUB, location]));
  const word = await evmRpc(anvil.url, 'eth_getStorageAt', [gatewayAddress, slot, 'latest']);
  assert.equal(BigInt(word), 1n);
  assert.equal(await gateway.outboundNonce(HUB), 1n);
  // sent[0][1]: the leaf at s, the amount in the low half of s+3 (the fee, 0, in the high half).
  const inner = keccak256(abi.encode(['uint256', 'uint256'], [HUB, BigInt(location) + 1n]));
  const s = BigInt(keccak256(abi.encode(['uint256', 'uint256'], [1, inner])));
  const at = (offset) => evmRpc(anvil.url, 'eth_getStorageAt', [gatewayAddress, toBeHex(s + offset, 32), 'latest']);
  assert.equal(await at(0n), (await gateway.sentMessage(HUB, 1n)).leaf);
  assert.equal(BigInt(await at(3n)), AMOUNT);
});

test('sendToken locks the token and emits the message the hub decodes, with its StandardMerkleTree leaf', async () => {
  const tokenAddress = await token.getAddress();
  const gatewayAddress = await gateway.getAddress();
  const sender = await admin.getAddress();
  const timeout = await timeoutAhead();
  const fee = 10n ** 15n;
  await (await token.approve(gatewayAddress, AMOUNT)).wait();
  const lockedBefore = await token.balanceOf(gatewayAddress);
  const tx = await gateway.sendToken(tokenAddress, AMOUNT, HUB, BENEFICIARY, timeout, fee, { value: fee });
  const receipt = await tx.wait();
  gas.sendToken = Number(receipt.gasUsed);
  assert.equal(await token.balanceOf(gatewayAddress), lockedBefore + AMOUNT);
  assert.equal(await provider.getBalance(gatewayAddress), fee);

  const [sent] = sentMessages(receipt);
  assert.equal(sent.destination, HUB);
  assert.equal(sent.nonce, 2n);
  const payload = abi.encode(TRANSFER_ABI_TYPES, [CHAIN, zeroPadValue(tokenAddress, 32), AMOUNT, BENEFICIARY, 18]);
  const values = [CHAIN, HUB, 2n, zeroPadValue(sender, 32), 1, payload, timeout.height, timeout.timestamp, fee];
  assert.equal(sent.message, abi.encode(MESSAGE_ABI_TYPES, values));
  assert.equal(sent.leaf, standardLeaf(MESSAGE_ABI_TYPES, values));
  assert.equal(sent.leaf, StandardMerkleTree.of([values], MESSAGE_ABI_TYPES).leafHash(values));

  // What a refund needs is kept under the channel and nonce.
  const kept = await gateway.sentMessage(HUB, 2n);
  assert.equal(kept.leaf, sent.leaf);
  assert.equal(kept.payer, sender);
  assert.equal(kept.token, tokenAddress);
  assert.equal(kept.amount, AMOUNT);
  assert.equal(kept.fee, fee);
});

test('sendData sends bytes to a data-record application; channels count their own nonces', async () => {
  const timeout = await timeoutAhead();
  const receipt = await (await gateway.sendData(OTHER, '0x0102', timeout, 0)).wait();
  gas.sendData = Number(receipt.gasUsed);
  const [sent] = sentMessages(receipt);
  assert.equal(sent.destination, OTHER);
  assert.equal(sent.nonce, 1n);
  const values = [CHAIN, OTHER, 1n, zeroPadValue(await admin.getAddress(), 32), 2, '0x0102', 0, timeout.timestamp, 0n];
  assert.equal(sent.message, abi.encode(MESSAGE_ABI_TYPES, values));
  assert.equal((await gateway.sentMessage(OTHER, 1n)).token, '0x0000000000000000000000000000000000000000');
  assert.equal(await gateway.outboundNonce(HUB), 2n);
  assert.equal(await gateway.outboundNonce(OTHER), 1n);
});

test("a block's messages form the root its committee attests, and each proves against it", async () => {
  await evmRpc(anvil.url, 'evm_setAutomine', [false]);
  const timeout = await timeoutAhead();
  const sends = [];
  for (let i = 0; i < 3; i += 1) {
    sends.push(await gateway.sendData(HUB, `0x0${i + 1}`, timeout, 0));
  }
  await evmRpc(anvil.url, 'evm_mine', []);
  await evmRpc(anvil.url, 'evm_setAutomine', [true]);
  const receipts = await Promise.all(sends.map((tx) => tx.wait()));
  assert.equal(new Set(receipts.map((r) => r.blockNumber)).size, 1, 'one block');
  const leaves = receipts.flatMap(sentMessages).map((m) => m.leaf);
  assert.equal(leaves.length, 3);
  // The hub's keccak sorted-pair tree over the leaves, as SimpleMerkleTree builds it.
  const tree = SimpleMerkleTree.of(leaves, { sortLeaves: false });
  for (const [index, leaf] of leaves.entries()) {
    assert.ok(SimpleMerkleTree.verify(tree.root, leaf, tree.getProof(index)));
  }
});

test('refusals are named and move nothing', async () => {
  const tokenAddress = await token.getAddress();
  const gatewayAddress = await gateway.getAddress();
  const timeout = await timeoutAhead();
  const nonce = await gateway.outboundNonce(HUB);
  const locked = await token.balanceOf(gatewayAddress);
  await (await token.approve(gatewayAddress, AMOUNT)).wait();

  await expectRevert(gateway.sendToken(tokenAddress, 0, HUB, BENEFICIARY, timeout, 0), 'ZeroAmount');
  await expectRevert(gateway.sendToken(tokenAddress, AMOUNT, CHAIN, BENEFICIARY, timeout, 0), 'InvalidDestination');
  await expectRevert(gateway.sendToken(tokenAddress, AMOUNT, HUB, BENEFICIARY, timeout, 5, { value: 4 }), 'FeeMismatch');
  await expectRevert(gateway.sendToken(tokenAddress, AMOUNT, HUB, BENEFICIARY, { height: 9, timestamp: 0 }, 0), 'InvalidTimeout');
  const { timestamp } = await provider.getBlock('latest');
  await expectRevert(gateway.sendToken(tokenAddress, AMOUNT, HUB, BENEFICIARY, { height: 0, timestamp: BigInt(timestamp) * 1000n }, 0), 'InvalidTimeout');
  await expectRevert(gateway.sendToken(tokenAddress, AMOUNT + 1n, HUB, BENEFICIARY, timeout, 0), 'ERC20InsufficientAllowance');
  await expectRevert(gateway.sendToken(gatewayAddress, AMOUNT, HUB, BENEFICIARY, timeout, 0), 'TokenWithoutDecimals');
  await expectRevert(gateway.sendData(HUB, '0x', timeout, 0), 'InvalidPayload');
  await expectRevert(gateway.sendData(HUB, '0x' + '00'.repeat(1025), timeout, 0), 'InvalidPayload');

  const feeToken = await deploy(compiled.feeToken, SUPPLY);
  await (await feeToken.approve(gatewayAddress, AMOUNT)).wait();
  await expectRevert(gateway.sendToken(await feeToken.getAddress(), AMOUNT, HUB, BENEFICIARY, timeout, 0), 'TransferAmountMismatch');

  // Paused by its admin, and only by its admin.
  const user = new Wallet(USER_KEY, provider);
  await expectRevert(gateway.connect(user).pause(), 'OwnableUnauthorizedAccount');
  await (await gateway.pause()).wait();
  await expectRevert(gateway.sendToken(tokenAddress, AMOUNT, HUB, BENEFICIARY, timeout, 0), 'EnforcedPause');
  await expectRevert(gateway.sendData(HUB, '0x01', timeout, 0), 'EnforcedPause');
  await (await gateway.unpause()).wait();

  assert.equal(await gateway.outboundNonce(HUB), nonce);
  assert.equal(await token.balanceOf(gatewayAddress), locked);
  await (await token.approve(gatewayAddress, 0)).wait();
});

test('the message encoding matches the vector of docs/protocol.md', async () => {
  // docs/protocol.md, "Transfer payload": chain 7 to the hub, nonce 1, sender 0x9d8a…5a4f.
  const payload = abi.encode(TRANSFER_ABI_TYPES, [7, zeroPadValue('0x01', 32), 1000n, '0x' + '33'.repeat(32), 18]);
  const encoded = await gateway.encodeMessage({
    source: 7, destination: HUB, nonce: 1n, sender: zeroPadValue('0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f', 32),
    appId: 1, payload, timeout: { height: 0, timestamp: 1_700_000_000_000n }, fee: 0n,
  });
  const words = getBytes(encoded).length / 32;
  assert.equal(words, 15);
  assert.equal(encoded.slice(2 + 64 * 7, 2 + 64 * 8), '0000000000000000000000000000000000000000000000000000018bcfe56800');
  assert.equal(encoded.slice(2 + 64 * 5, 2 + 64 * 6), '0000000000000000000000000000000000000000000000000000000000000120');
});

// ----- Inbound: the hub's messages, certified by its notaries -----

const RELAYER = '0x' + '77'.repeat(32); // the relayer's hub account
const FUSE = { home: HUB, id: '0x' + '00'.repeat(32) };

/// A message from the hub to this chain.
function hubMessage(nonce, appId, payload, timeout) {
  return { source: HUB, destination: CHAIN, nonce, sender: '0x' + '99'.repeat(32), appId, payload, timeout, fee: 0n };
}
const messageValues = (m) => [m.source, m.destination, m.nonce, m.sender, m.appId, m.payload, m.timeout.height, m.timeout.timestamp, m.fee];
const leafOf = (m) => standardLeaf(MESSAGE_ABI_TYPES, messageValues(m));

/// Commits `messages` in hub block `hubBlock` (a keccak sorted-pair tree, as the hub builds it),
/// has three notaries certify the root, and submits the checkpoint; returns each message's proof.
const certify = (hubBlock, messages) => certifyLeaves(hubBlock, messages.map(leafOf));

async function certifyLeaves(hubBlock, leaves) {
  const tree = SimpleMerkleTree.of(leaves, { sortLeaves: false });
  const checkpoint = { destination: CHAIN, setId: 0n, hubBlock, hubBlockHash: '0x' + 'cd'.repeat(32), hubTimestamp: 1_700_000_000_000n, root: tree.root };
  const signatures = await signAll(notaries.slice(0, 3), checkpointPayload(GENESIS, checkpoint));
  const receipt = await (await gateway.submitCheckpoint(checkpoint, signatures)).wait();
  gas.submitCheckpoint3of4 ??= Number(receipt.gasUsed);
  return { checkpoint, signatures, proofs: leaves.map((_, i) => tree.getProof(i)) };
}

function receiptEvent(receipt) {
  const parsed = receipt.logs.map((log) => { try { return gateway.interface.parseLog(log); } catch { return null; } });
  return parsed.find((p) => p?.name === 'ReceiptWritten')?.args;
}

test("the hub's certified messages are delivered in order: tokens released and minted, data received, receipts naming the relayer", async () => {
  const user = new Wallet(USER_KEY, provider);
  const tokenAddress = await token.getAddress();
  const gatewayAddress = await gateway.getAddress();
  const later = await timeoutAhead();
  const locked = await gateway.lockedAmount(tokenAddress);
  assert.ok(locked >= AMOUNT, 'sends above locked the token');
  const messages = [
    // The chain's own token comes back: released from what is locked.
    hubMessage(1n, 1, abi.encode(TRANSFER_ABI_TYPES, [CHAIN, zeroPadValue(tokenAddress, 32), AMOUNT, zeroPadValue(user.address, 32), 18]), later),
    // FUSE arrives: minted as the gateway's wrapped token.
    hubMessage(2n, 1, abi.encode(TRANSFER_ABI_TYPES, [FUSE.home, FUSE.id, 7_000n, zeroPadValue(user.address, 32), 12]), later),
    hubMessage(3n, 2, '0xc0ffee', later),
  ];
  const { proofs } = await certify(500, messages);
  assert.equal(await gateway.hubRoot(500), SimpleMerkleTree.of(messages.map(leafOf), { sortLeaves: false }).root);

  const before = await token.balanceOf(user.address);
  const first = await (await gateway.deliverMessage(messages[0], 500, proofs[0], RELAYER)).wait();
  gas.deliverReleasingToken = Number(first.gasUsed);
  assert.equal(await token.balanceOf(user.address), before + AMOUNT);
  assert.equal(await gateway.lockedAmount(tokenAddress), locked - AMOUNT);
  const written = receiptEvent(first);
  assert.equal(Number(written.outcome), OUTCOME.Delivered);
  const receiptValues = [HUB, CHAIN, 1n, leafOf(messages[0]), OUTCOME.Delivered, RELAYER];
  assert.equal(written.receipt, abi.encode(RECEIPT_ABI_TYPES, receiptValues));
  assert.equal(written.leaf, standardLeaf(RECEIPT_ABI_TYPES, receiptValues));
  assert.equal(await gateway.receiptLeaf(HUB, 1n), written.leaf);
  assert.equal(await gateway.inboundNonce(HUB), 1n);

  const second = await (await gateway.deliverMessage(messages[1], 500, proofs[1], RELAYER)).wait();
  gas.deliverMintingNewWrappedToken = Number(second.gasUsed);
  const wrappedAddress = await gateway.wrappedToken(FUSE.home, FUSE.id);
  const wrapped = new Contract(wrappedAddress, compiled.wrapped.abi, user);
  assert.equal(await wrapped.balanceOf(user.address), 7_000n);
  assert.equal(await wrapped.decimals(), 12n);
  assert.equal(await wrapped.symbol(), 'fh0-0x00000000');

  const third = await (await gateway.deliverMessage(messages[2], 500, proofs[2], RELAYER)).wait();
  gas.deliverData = Number(third.gasUsed);
  const data = third.logs.map((log) => { try { return gateway.interface.parseLog(log); } catch { return null; } }).find((p) => p?.name === 'DataReceived');
  assert.equal(data.args.payload, '0xc0ffee');
  assert.equal(await gateway.inboundNonce(HUB), 3n);

  // The wrapped FUSE goes home: burned here, the message names FUSE.
  await (await wrapped.approve(gatewayAddress, 3_000n)).wait();
  const back = await (await gateway.connect(user).sendToken(wrappedAddress, 3_000n, HUB, BENEFICIARY, later, 0)).wait();
  gas.sendTokenBurningWrapped = Number(back.gasUsed);
  assert.equal(await wrapped.balanceOf(user.address), 4_000n);
  assert.equal(await wrapped.totalSupply(), 4_000n);
  const [sent] = sentMessages(back);
  const payload = abi.decode(MESSAGE_ABI_TYPES, sent.message)[5];
  assert.deepEqual([...abi.decode(TRANSFER_ABI_TYPES, payload)], [0n, FUSE.id, 3_000n, BENEFICIARY, 12n]);
});

test('a message past its timeout by this chain\'s clock expires, and a failing one fails: nothing moves, the receipt says so', async () => {
  const user = new Wallet(USER_KEY, provider);
  const tokenAddress = await token.getAddress();
  const { timestamp } = await provider.getBlock('latest');
  const past = { height: 0, timestamp: BigInt(timestamp) * 1000n - 1n };
  const later = await timeoutAhead();
  const locked = await gateway.lockedAmount(tokenAddress);
  const messages = [
    hubMessage(4n, 1, abi.encode(TRANSFER_ABI_TYPES, [CHAIN, zeroPadValue(tokenAddress, 32), 1n, zeroPadValue(user.address, 32), 18]), past),
    // More than is locked: the hub's books would never send it; the gateway refuses anyway.
    hubMessage(5n, 1, abi.encode(TRANSFER_ABI_TYPES, [CHAIN, zeroPadValue(tokenAddress, 32), locked + 1n, zeroPadValue(user.address, 32), 18]), later),
    hubMessage(6n, 9, '0x01', later),
    hubMessage(7n, 1, abi.encode(TRANSFER_ABI_TYPES, [CHAIN, zeroPadValue(tokenAddress, 32), 1n, '0x' + 'ff'.repeat(32), 18]), later),
  ];
  const { proofs } = await certify(501, messages);
  const balance = await token.balanceOf(user.address);
  const outcomes = [];
  const errors = [];
  for (const [i, message] of messages.entries()) {
    const written = receiptEvent(await (await gateway.deliverMessage(message, 501, proofs[i], RELAYER)).wait());
    outcomes.push(Number(written.outcome));
    errors.push(written.error === '0x' ? null : gateway.interface.parseError(written.error)?.name);
  }
  assert.deepEqual(outcomes, [OUTCOME.Expired, OUTCOME.Failed, OUTCOME.Failed, OUTCOME.Failed]);
  assert.deepEqual(errors, [null, 'ExceedsLocked', 'UnknownApplication', 'NotAnAddress']);
  assert.equal(await token.balanceOf(user.address), balance);
  assert.equal(await gateway.lockedAmount(tokenAddress), locked);
  assert.equal(await gateway.inboundNonce(HUB), 7n);
});

test('checkpoints and deliveries that prove nothing are refused by name, and change nothing', async () => {
  const later = await timeoutAhead();
  const next = hubMessage(8n, 2, '0x01', later);
  const { checkpoint, signatures, proofs } = await certify(502, [next, hubMessage(9n, 2, '0x02', later)]);
  // A checkpoint again: a no-op; another root for the block: refused (evidence for the hub).
  await (await gateway.submitCheckpoint(checkpoint, signatures)).wait();
  const other = { ...checkpoint, root: '0x' + '01'.repeat(32) };
  await expectRevert(gateway.submitCheckpoint(other, await signAll(notaries.slice(0, 3), checkpointPayload(GENESIS, other))), 'ConflictingCheckpoint');
  const elsewhere = { ...checkpoint, destination: OTHER, hubBlock: 503 };
  await expectRevert(gateway.submitCheckpoint(elsewhere, await signAll(notaries.slice(0, 3), checkpointPayload(GENESIS, elsewhere))), 'WrongDestination');
  const fresh = { ...checkpoint, hubBlock: 504 };
  await expectRevert(gateway.submitCheckpoint(fresh, signatures), 'UnknownNotary'); // signed for block 502
  await expectRevert(gateway.submitCheckpoint(fresh, (await signAll(notaries.slice(0, 3), checkpointPayload(GENESIS, fresh))).slice(0, 2)), 'BelowThreshold');
  assert.equal(await gateway.hubRoot(504), '0x' + '00'.repeat(32));

  await expectRevert(gateway.deliverMessage(hubMessage(7n, 2, '0x01', later), 502, proofs[0], RELAYER), 'NonceReplayed');
  await expectRevert(gateway.deliverMessage(hubMessage(9n, 2, '0x02', later), 502, proofs[1], RELAYER), 'NonceGap');
  await expectRevert(gateway.deliverMessage(next, 504, proofs[0], RELAYER), 'UnknownCheckpoint');
  await expectRevert(gateway.deliverMessage(next, 502, proofs[1], RELAYER), 'NotIncluded');
  await expectRevert(gateway.deliverMessage({ ...next, payload: '0x02' }, 502, proofs[0], RELAYER), 'NotIncluded');
  await expectRevert(gateway.deliverMessage({ ...next, destination: OTHER }, 502, proofs[0], RELAYER), 'WrongDestination');
  await expectRevert(gateway.executeMessage(next), 'OnlySelf');
  await (await gateway.pause()).wait();
  await expectRevert(gateway.deliverMessage(next, 502, proofs[0], RELAYER), 'EnforcedPause');
  await (await gateway.unpause()).wait();
  assert.equal(await gateway.inboundNonce(HUB), 7n);
  await (await gateway.deliverMessage(next, 502, proofs[0], RELAYER)).wait();
  assert.equal(await gateway.inboundNonce(HUB), 8n);
});

// ----- Completion: the hub's receipts of what this chain sent -----

const receiptLeaf = (r) => standardLeaf(RECEIPT_ABI_TYPES, [r.source, r.destination, r.nonce, r.messageLeaf, r.outcome, r.relayer]);
const acknowledge = (r, hubBlock, proof) =>
  gateway.acknowledge(r.destination, r.nonce, r.messageLeaf, r.outcome, r.relayer, hubBlock, proof);

test("the hub's receipts complete what was sent exactly once: delivered value stays, failed and expired value comes back, fees to the named relayer or back to the payer", async () => {
  const user = new Wallet(USER_KEY, provider);
  const relayerKey = Wallet.createRandom().connect(provider);
  // The relayer's hub account: its secp256k1 key's account on the hub, blake2_256 of the
  // compressed public key.
  const RELAYER_ACCOUNT = blake2AsHex(getBytes(relayerKey.signingKey.compressedPublicKey), 256);
  const publicKey = '0x' + relayerKey.signingKey.publicKey.slice(4);
  assert.equal(await gateway.hubAccountOf(publicKey), RELAYER_ACCOUNT);

  const tokenAddress = await token.getAddress();
  const gatewayAddress = await gateway.getAddress();
  const later = await timeoutAhead();
  const fee = 10n ** 15n;
  await (await token.transfer(user.address, 3n * AMOUNT)).wait();
  await (await token.connect(user).approve(gatewayAddress, 3n * AMOUNT)).wait();
  const send = async () => sentMessages(await (await gateway.connect(user).sendToken(tokenAddress, AMOUNT, HUB, BENEFICIARY, later, fee, { value: fee })).wait())[0];
  const delivered = await send();
  const failed = await send();
  const expired = await send();
  const wrappedAddress = await gateway.wrappedToken(FUSE.home, FUSE.id);
  const wrapped = new Contract(wrappedAddress, compiled.wrapped.abi, user);
  await (await wrapped.approve(gatewayAddress, 1_000n)).wait();
  const burned = sentMessages(await (await gateway.connect(user).sendToken(wrappedAddress, 1_000n, HUB, BENEFICIARY, later, 0)).wait())[0];
  const locked = await gateway.lockedAmount(tokenAddress);
  const balance = await token.balanceOf(user.address);
  assert.equal(await wrapped.balanceOf(user.address), 3_000n);

  const receipt = (sent, outcome) => ({ source: CHAIN, destination: HUB, nonce: sent.nonce, messageLeaf: sent.leaf, outcome, relayer: RELAYER_ACCOUNT });
  const receipts = [
    receipt(delivered, OUTCOME.Delivered), receipt(failed, OUTCOME.Failed), receipt(expired, OUTCOME.Expired), receipt(burned, OUTCOME.Failed),
    { ...receipt(delivered, 3) }, // not an outcome the hub writes
    { ...receipt(failed, OUTCOME.Delivered), messageLeaf: '0x' + '42'.repeat(32) }, // another message's
  ];
  const { proofs } = await certifyLeaves(600, receipts.map(receiptLeaf));

  const first = await (await acknowledge(receipts[0], 600, proofs[0])).wait();
  gas.acknowledgeDelivered = Number(first.gasUsed);
  assert.equal(await gateway.lockedAmount(tokenAddress), locked);
  assert.equal(await gateway.relayerReward(RELAYER_ACCOUNT), fee);
  await expectRevert(acknowledge(receipts[0], 600, proofs[0]), 'UnknownMessage');

  const refunded = await (await acknowledge(receipts[1], 600, proofs[1])).wait();
  gas.acknowledgeFailedRefund = Number(refunded.gasUsed);
  assert.equal(await token.balanceOf(user.address), balance + AMOUNT);
  assert.equal(await gateway.lockedAmount(tokenAddress), locked - AMOUNT);
  assert.equal(await gateway.relayerReward(RELAYER_ACCOUNT), 2n * fee);

  await (await acknowledge(receipts[2], 600, proofs[2])).wait();
  assert.equal(await token.balanceOf(user.address), balance + 2n * AMOUNT);
  assert.equal(await gateway.feeRefund(user.address), fee);
  await (await acknowledge(receipts[3], 600, proofs[3])).wait();
  assert.equal(await wrapped.balanceOf(user.address), 4_000n);
  assert.equal(await gateway.lockedAmount(tokenAddress), locked - 2n * AMOUNT);

  await expectRevert(acknowledge(receipts[4], 600, proofs[4]), 'InvalidOutcome');
  await expectRevert(acknowledge(receipts[5], 600, proofs[5]), 'UnknownMessage'); // failed: completed already
  await expectRevert(acknowledge(receipts[0], 601, proofs[0]), 'UnknownCheckpoint');
  await expectRevert(acknowledge({ ...receipts[1], outcome: OUTCOME.Expired }, 600, proofs[1]), 'NotIncluded');

  // The payer takes its expired fee back; the relayer claims with its key, nobody else can.
  const before = await provider.getBalance(user.address);
  const withdrawn = await (await gateway.connect(user).withdrawFeeRefund()).wait();
  assert.equal(await provider.getBalance(user.address), before + fee - withdrawn.gasUsed * withdrawn.gasPrice);
  await expectRevert(gateway.connect(user).withdrawFeeRefund(), 'NothingToClaim');
  await expectRevert(gateway.connect(user).claimRewards(publicKey), 'NotYourKey');
  await (await admin.sendTransaction({ to: relayerKey.address, value: 10n ** 17n })).wait();
  const claimed = await (await gateway.connect(relayerKey).claimRewards(publicKey)).wait();
  gas.claimRewards = Number(claimed.gasUsed);
  assert.equal(await gateway.relayerReward(RELAYER_ACCOUNT), 0n);
  assert.equal(await provider.getBalance(relayerKey.address), 10n ** 17n + 2n * fee - claimed.gasUsed * claimed.gasPrice);
  await expectRevert(gateway.connect(relayerKey).claimRewards(publicKey), 'NothingToClaim');
});

test('a receipt for a message in flight the other way round, or of another gateway, proves nothing', async () => {
  const later = await timeoutAhead();
  const sent = sentMessages(await (await gateway.sendData(HUB, '0x05', later, 0)).wait())[0];
  const foreign = { source: OTHER, destination: HUB, nonce: sent.nonce, messageLeaf: sent.leaf, outcome: OUTCOME.Failed, relayer: RELAYER };
  const { proofs } = await certifyLeaves(602, [receiptLeaf(foreign)]);
  // The gateway encodes its own chain as the receipt's source: another chain's receipt is not in the root.
  await expectRevert(acknowledge(foreign, 602, proofs[0]), 'NotIncluded');
  assert.equal((await gateway.sentMessage(HUB, sent.nonce)).leaf, sent.leaf);
});

const SETTLEMENT_APP = 3;
const ORDER_TYPES = ['uint8', 'bytes32', 'uint8', 'bytes32', 'bytes32', 'bytes32', 'uint128', 'bytes32'];
const LEG = { None: 0n, Locked: 1n, Released: 2n, Returned: 3n, Closed: 4n };
const ORDER = { Prepare: 1, Commit: 2, Abort: 3 };

test("settlement legs: locked on the hub's prepare only for a party that signed up to its terms, paid once on commit, returned or closed on abort; any other order fails and moves nothing", async () => {
  const seller = new Wallet(USER_KEY, provider);
  const buyer = '0x' + '5b'.repeat(20);
  const tokenAddress = await token.getAddress();
  const gatewayAddress = await gateway.getAddress();
  const later = await timeoutAhead();
  const [trade, other] = ['0x' + '71'.repeat(32), '0x' + '72'.repeat(32)];
  const terms = '0x' + '7e'.repeat(32);
  await (await token.transfer(seller.address, 3n * AMOUNT)).wait();
  await (await token.connect(seller).approve(gatewayAddress, 3n * AMOUNT)).wait();

  // The seller signs up through the gateway: a three-word message to the hub's app 3.
  const signed = await (await gateway.connect(seller).signUpForSettlement(trade, terms, later, 0)).wait();
  gas.signUpForSettlement = Number(signed.gasUsed);
  const [sent] = sentMessages(signed);
  const fields = abi.decode(MESSAGE_ABI_TYPES, sent.message);
  assert.deepEqual([sent.destination, fields[3], fields[4]], [HUB, zeroPadValue(seller.address, 32), BigInt(SETTLEMENT_APP)]);
  assert.equal(fields[5], abi.encode(['uint8', 'bytes32', 'bytes32'], [4, trade, terms]));
  assert.equal(await gateway.settlementSignUp(trade, seller.address), terms);
  await (await gateway.connect(seller).signUpForSettlement(other, terms, later, 0)).wait();

  const order = (kind, id, leg, from, orderTerms = terms) => abi.encode(ORDER_TYPES, [
    kind, id, leg, zeroPadValue(tokenAddress, 32), zeroPadValue(from, 32), zeroPadValue(buyer, 32), AMOUNT, orderTerms,
  ]);
  const first = (await gateway.inboundNonce(HUB)) + 1n;
  const orders = [
    [order(ORDER.Prepare, trade, 0, seller.address), 'Delivered'],
    [order(ORDER.Prepare, trade, 1, admin.address), 'NotSignedUp'], // the admin never signed up
    [order(ORDER.Prepare, trade, 1, seller.address, '0x' + '0e'.repeat(32)), 'NotSignedUp'], // to other terms
    [order(ORDER.Prepare, trade, 0, seller.address), 'WrongLegState'], // locked already
    [order(ORDER.Commit, trade, 0, seller.address), 'Delivered'],
    [order(ORDER.Commit, trade, 0, seller.address), 'WrongLegState'], // paid already
    [order(ORDER.Abort, trade, 0, seller.address), 'WrongLegState'],
    [order(ORDER.Prepare, other, 0, seller.address), 'Delivered'],
    [order(ORDER.Abort, other, 0, seller.address), 'Delivered'], // returned
    [order(ORDER.Abort, other, 1, seller.address), 'Delivered'], // never locked: closed
    [order(ORDER.Prepare, other, 1, seller.address), 'WrongLegState'], // closed for good
    [order(9, other, 2, seller.address), 'UnknownOrder'],
    [abi.encode(['uint8', 'bytes32'], [ORDER.Prepare, other]), 'InvalidPayload'],
  ].map(([payload, expected], i) => ({ message: hubMessage(first + BigInt(i), SETTLEMENT_APP, payload, later), expected }));
  // A peer's "order" routed through the hub is no order.
  orders.push({ message: { ...hubMessage(first + BigInt(orders.length), SETTLEMENT_APP, order(ORDER.Commit, trade, 0, seller.address), later), source: OTHER, nonce: (await gateway.inboundNonce(OTHER)) + 1n }, expected: 'NotFromHub' });
  const { proofs } = await certify(9_000, orders.map((o) => o.message));

  const sellerStart = await token.balanceOf(seller.address);
  const legs = [];
  for (const [i, { message, expected }] of orders.entries()) {
    const before = [await token.balanceOf(seller.address), await token.balanceOf(buyer), await token.balanceOf(gatewayAddress)];
    const receipt = await (await gateway.deliverMessage(message, 9_000, proofs[i], RELAYER)).wait();
    const written = receiptEvent(receipt);
    if (expected === 'Delivered') {
      assert.equal(Number(written.outcome), OUTCOME.Delivered, `order ${i}`);
      gas[`deliverSettlement${['', 'Prepare', 'Commit', 'Abort'][abi.decode(['uint8'], message.payload.slice(0, 66))[0]]}`] ??= Number(receipt.gasUsed);
    } else {
      assert.equal(Number(written.outcome), OUTCOME.Failed, `order ${i}`);
      assert.equal(gateway.interface.parseError(written.error).name, expected, `order ${i}`);
      const after = [await token.balanceOf(seller.address), await token.balanceOf(buyer), await token.balanceOf(gatewayAddress)];
      assert.deepEqual(after, before, `order ${i} moved nothing`);
    }
    legs.push([(await gateway.settlementLeg(trade, terms, 0)).state, (await gateway.settlementLeg(other, terms, 0)).state, (await gateway.settlementLeg(other, terms, 1)).state]);
  }
  // Leg 0 of the trade: locked, then paid to the buyer; leg 0 of the other: locked, then back.
  assert.deepEqual(legs[0], [LEG.Locked, LEG.None, LEG.None]);
  assert.deepEqual(legs[4], [LEG.Released, LEG.None, LEG.None]);
  assert.deepEqual(legs[7], [LEG.Released, LEG.Locked, LEG.None]);
  assert.deepEqual(legs[9], [LEG.Released, LEG.Returned, LEG.Closed]);
  assert.equal(await token.balanceOf(buyer), AMOUNT);
  assert.equal(await token.balanceOf(seller.address), sellerStart - AMOUNT);
  const held = await gateway.settlementLeg(trade, terms, 0);
  assert.deepEqual([held.token, held.from, held.to.toLowerCase(), held.amount], [tokenAddress, seller.address, buyer, AMOUNT]);
});

test('a settled leg whose token refuses the payment is owed to its recipient, who claims it: the decision is not retried', async () => {
  const seller = new Wallet(USER_KEY, provider);
  const blocking = await deploy(compiled.blockingToken, SUPPLY);
  const blockingAddress = await blocking.getAddress();
  const later = await timeoutAhead();
  const [id, terms] = ['0x' + '73'.repeat(32), '0x' + '7f'.repeat(32)];
  await (await blocking.transfer(seller.address, AMOUNT)).wait();
  await (await blocking.connect(seller).approve(await gateway.getAddress(), AMOUNT)).wait();
  await (await gateway.connect(seller).signUpForSettlement(id, terms, later, 0)).wait();
  const order = (kind) => abi.encode(ORDER_TYPES, [
    kind, id, 0, zeroPadValue(blockingAddress, 32), zeroPadValue(seller.address, 32), zeroPadValue(admin.address, 32), AMOUNT, terms,
  ]);
  const first = (await gateway.inboundNonce(HUB)) + 1n;
  const messages = [order(ORDER.Prepare), order(ORDER.Commit)].map((payload, i) => hubMessage(first + BigInt(i), SETTLEMENT_APP, payload, later));
  const { proofs } = await certify(9_001, messages);
  await (await gateway.deliverMessage(messages[0], 9_001, proofs[0], RELAYER)).wait();
  // The buyer's account is blocked by the token when the commit arrives.
  await (await blocking.setBlocked(admin.address, true)).wait();
  const committed = receiptEvent(await (await gateway.deliverMessage(messages[1], 9_001, proofs[1], RELAYER)).wait());
  assert.equal(Number(committed.outcome), OUTCOME.Delivered, 'the leg is settled: the hub need not send it again');
  assert.equal((await gateway.settlementLeg(id, terms, 0)).state, LEG.Released);
  assert.equal(await gateway.settlementOwed(blockingAddress, admin.address), AMOUNT);
  // Still blocked: the claim fails (the token's own revert) and the debt stays.
  await assert.rejects(gateway.claimSettlementPayment(blockingAddress), (error) => error.revert?.args?.[0] === 'blocked');
  assert.equal(await gateway.settlementOwed(blockingAddress, admin.address), AMOUNT);
  await (await blocking.setBlocked(admin.address, false)).wait();
  const before = await blocking.balanceOf(admin.address);
  await (await gateway.claimSettlementPayment(blockingAddress)).wait();
  assert.equal(await blocking.balanceOf(admin.address), before + AMOUNT);
  assert.equal(await gateway.settlementOwed(blockingAddress, admin.address), 0n);
  await expectRevert(gateway.claimSettlementPayment(blockingAddress), 'NothingToClaim');
});
