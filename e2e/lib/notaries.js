// Hub notary checkpoints as docs/protocol.md specifies them ("Hub notary checkpoints"): the
// payloads, big-endian, and the members' EIP-191 signatures.

import { Wallet, concat, getBytes, keccak256, toBeHex, toUtf8Bytes, zeroPadValue } from 'ethers';

const u32 = (n) => toBeHex(n, 4);
const u64 = (n) => toBeHex(n, 8);

/// Wallets sorted by address, as signatures and sets must be.
export const sortedWallets = (wallets) => [...wallets].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));

/// `count` deterministic notary keys from `seed`, sorted by address.
export const notaryWallets = (seed, count) =>
  sortedWallets(Array.from({ length: count }, (_, i) => new Wallet(toBeHex(BigInt(seed) + BigInt(i + 1), 32))));

/// The 136-byte checkpoint payload.
export function checkpointPayload(genesis, c) {
  return concat([toUtf8Bytes('FUSION-HUB/CKP/1'), genesis, u32(c.destination), u64(c.setId), u32(c.hubBlock), c.hubBlockHash, u64(c.hubTimestamp), c.root]);
}

/// The payload of a handover from `currentSetId` to (`nextSetId`, `threshold`, `members`).
export function handoverPayload(genesis, currentSetId, nextSetId, threshold, members) {
  return concat([
    toUtf8Bytes('FUSION-HUB/NHO/1'), genesis, u64(currentSetId), u64(nextSetId), u32(threshold), u32(members.length),
    ...members.map((m) => zeroPadValue(m, 32)),
  ]);
}

/// Each wallet signs the EIP-191 message of keccak256(payload), in the wallets' order.
export const signAll = (wallets, payload) => Promise.all(wallets.map((w) => w.signMessage(getBytes(keccak256(payload)))));
