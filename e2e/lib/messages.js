// Cross-chain messages, receipts and transfer payloads as a peer and a relayer build them with
// ethers and @openzeppelin/merkle-tree (docs/protocol.md, "Messages, receipts and transfers").

import { AbiCoder, keccak256 } from 'ethers';

export const MESSAGE_ABI_TYPES = ['uint32', 'uint32', 'uint64', 'bytes32', 'uint32', 'bytes', 'uint32', 'uint64', 'uint128'];
export const RECEIPT_ABI_TYPES = ['uint32', 'uint32', 'uint64', 'bytes32', 'uint8', 'bytes32'];
export const TRANSFER_ABI_TYPES = ['uint32', 'bytes32', 'uint128', 'bytes32', 'uint8'];
export const OUTCOME = { Delivered: 0, Failed: 1, Expired: 2 };
export const ASSET_TRANSFER_APP = 1;
export const HUB_CHAIN_ID = 0;

const abi = AbiCoder.defaultAbiCoder();

/// The `StandardMerkleTree` leaf of `values`: `keccak256(keccak256(abi.encode(values)))`.
export const standardLeaf = (types, values) => keccak256(keccak256(abi.encode(types, values)));

/// A message, as Polkadot.js takes it or as `fusion_messageProof` returns it, as ABI values.
export const messageValues = (m) => [
  Number(m.source), Number(m.destination), BigInt(m.nonce), m.sender, Number(m.appId), m.payload,
  Number(m.timeout.height), BigInt(m.timeout.timestamp), BigInt(m.fee),
];

/// A receipt (`outcome` by name, as Polkadot.js takes it and `fusion_receiptProof` returns it)
/// as ABI values.
export const receiptValues = (r) => [
  Number(r.source), Number(r.destination), BigInt(r.nonce), r.messageLeaf, OUTCOME[r.outcome], r.relayer,
];

/// The payload of an asset-transfer (app 1) message: five ABI words.
export const transferPayload = ({ home, id }, amount, beneficiary, decimals) =>
  abi.encode(TRANSFER_ABI_TYPES, [home, id, amount, beneficiary, decimals]);

export const decodeTransferPayload = (payload) => {
  const [home, id, amount, beneficiary, decimals] = abi.decode(TRANSFER_ABI_TYPES, payload);
  return { home: Number(home), id, amount, beneficiary, decimals: Number(decimals) };
};

/// The first event `section.method` among `events` (as `submitInBlock` returns them), or
/// undefined.
export function findEvent(api, events, section, method) {
  return events.find(({ event }) => api.events[section][method].is(event))?.event;
}
