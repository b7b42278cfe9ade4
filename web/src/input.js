// What a person types into the transfer form, checked before anything is signed.

import { isHex, hexToU8a, u8aToHex } from '@polkadot/util';
import { decodeAddress } from '@polkadot/util-crypto';

/// A message's beneficiary as the 32 bytes it carries: `0x` and 64 hex digits as they are, an
/// Ethereum address (`0x` and 40 hex digits) left-padded with zeros, or an SS58 address (a hub or
/// Substrate account) as its account id. Throws an Error that says what it expected.
export function parseBeneficiary(text) {
  const value = String(text ?? '').trim();
  if (value === '') throw new Error('Enter the beneficiary on the destination chain.');
  if (value.startsWith('0x')) {
    if (!isHex(value)) throw new Error(`"${value}" is not hex: use 0x and hex digits only.`);
    const bytes = hexToU8a(value);
    if (bytes.length === 32) return u8aToHex(bytes);
    if (bytes.length === 20) return u8aToHex(new Uint8Array([...new Uint8Array(12), ...bytes]));
    throw new Error(`A hex beneficiary is 20 bytes (an EVM address) or 32 bytes; this one is ${bytes.length}.`);
  }
  try {
    const bytes = decodeAddress(value);
    if (bytes.length !== 32) throw new Error('not 32 bytes');
    return u8aToHex(bytes);
  } catch {
    throw new Error(`"${value}" is neither an SS58 address nor a 0x-prefixed 20- or 32-byte hex value.`);
  }
}

/// A timeout in whole minutes from now, between 1 and `maxMinutes`.
export function parseTimeoutMinutes(text, maxMinutes) {
  const value = String(text ?? '').trim();
  if (!/^\d+$/.test(value)) throw new Error('The timeout is a whole number of minutes.');
  const minutes = Number(value);
  if (minutes < 1) throw new Error('The timeout must be at least 1 minute.');
  if (minutes > maxMinutes) throw new Error(`The timeout can be at most ${maxMinutes} minutes ahead (the hub's limit).`);
  return minutes;
}

/// A chain id: a whole number within u32.
export function parseChainId(text, what = 'chain id') {
  const value = String(text ?? '').trim();
  if (!/^\d+$/.test(value) || Number(value) > 0xffff_ffff) throw new Error(`The ${what} is a whole number (u32).`);
  return Number(value);
}

/// A message nonce: a whole number above zero within u64.
export function parseNonce(text) {
  const value = String(text ?? '').trim();
  if (!/^\d+$/.test(value) || BigInt(value) === 0n || BigInt(value) >= 2n ** 64n) {
    throw new Error('The nonce is a whole number from 1 (u64).');
  }
  return BigInt(value);
}
