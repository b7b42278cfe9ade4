// A committee peer's side of the protocol, encoded by hand from docs/protocol.md: the header
// payload its members sign, their attestations, and the SCALE `InclusionProof` the
// `fusion_verifyInclusion` RPC takes.

import { compactToU8a, hexToU8a, u8aConcat, u8aToHex, stringToU8a } from '@polkadot/util';
import { getBytes, keccak256 } from 'ethers';
import { submitInBlock } from './node.js';

export function u32le(n) {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, Number(n), true);
  return bytes;
}

export function u64le(n) {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(n), true);
  return bytes;
}

/// `(HEADER_DOMAIN, chain_id, set_id, header)` in SCALE: 136 bytes.
export function headerPayload(chainId, setId, header) {
  return u8aConcat(
    stringToU8a('FUSION-HUB/HDR/1'),
    u32le(chainId),
    u64le(setId),
    u32le(header.number),
    hexToU8a(header.hash),
    hexToU8a(header.stateRoot),
    hexToU8a(header.messageRoot),
    u64le(header.timestamp),
  );
}

/// One signature per signer, in the scheme of each: Ethereum wallets (ethers) `personal_sign`
/// the keccak-256 of the payload; sr25519 key pairs (Polkadot.js) sign the payload.
export async function attest(payload, { ecdsa = [], sr = [] } = {}) {
  const digest = getBytes(keccak256(payload));
  const signatures = [];
  for (const wallet of ecdsa) {
    signatures.push({
      signer: { Ecdsa: wallet.address },
      signature: { Ecdsa: await wallet.signMessage(digest) },
    });
  }
  for (const pair of sr) {
    signatures.push({
      signer: { Sr25519: pair.publicKey },
      signature: { Sr25519: pair.sign(payload) },
    });
  }
  return { signatures };
}

/// The `Committee` verifier a chain applies with: every wallet and sr25519 pair a member.
export function committeeVerifier({ ecdsa = [], sr = [] }, threshold, setId = 0n) {
  return {
    Committee: {
      members: [...ecdsa.map((w) => ({ Ecdsa: w.address })), ...sr.map((p) => ({ Sr25519: p.publicKey }))],
      threshold,
      setId,
    },
  };
}

/// The committee `signers` attest `header` of `chainId` under `setId`; `relayer` submits it
/// with `ProofVerifier.submit_header`. Resolves as `submitInBlock` does.
export async function submitCommitteeHeader(api, chainId, setId, header, signers, relayer) {
  const attestation = await attest(headerPayload(chainId, setId, header), signers);
  return submitInBlock(
    api.tx.proofVerifier.submitHeader(chainId, { Committee: { header, attestation } }),
    relayer,
  );
}

export function bytesWithLength(bytes) {
  return u8aConcat(compactToU8a(bytes.length), bytes);
}

/// `InclusionProof::KeccakMerkle { leaf, proof }` in SCALE: variant 0, the leaf, the siblings.
export function keccakMerkleProof(leaf, siblings) {
  return u8aToHex(u8aConcat(
    new Uint8Array([0]),
    hexToU8a(leaf),
    compactToU8a(siblings.length),
    ...siblings.map((sibling) => hexToU8a(sibling)),
  ));
}

/// `InclusionProof::StorageValue { key, value, nodes }` in SCALE: variant 2.
export function storageValueProof(key, value, nodes) {
  return u8aToHex(u8aConcat(
    new Uint8Array([2]),
    bytesWithLength(hexToU8a(key)),
    value === null ? new Uint8Array([0]) : u8aConcat(new Uint8Array([1]), bytesWithLength(hexToU8a(value))),
    compactToU8a(nodes.length),
    ...nodes.map((node) => bytesWithLength(hexToU8a(node))),
  ));
}
