// The tokens the hub holds: its native token and the wrapped assets of peer tokens, with the
// decimals and symbol each is shown with.

import { u8aToHex } from '@polkadot/util';

export const HUB = 0;
export const NATIVE = { home: 0, id: '0x' + '00'.repeat(32) };

/// A stable key for a token reference `{ home, id }`.
export const tokenKey = (token) => `${Number(token.home)}:${String(token.id).toLowerCase()}`;

/// A token reference from its Polkadot.js codec.
export const tokenFromCodec = (codec) => ({ home: codec.home.toNumber(), id: codec.id.toHex() });

/// Every token the hub can send: `{ token, key, assetId, symbol, decimals, name }`, native first.
export async function hubTokens(hub) {
  const { api } = hub;
  const native = { token: NATIVE, key: tokenKey(NATIVE), assetId: null, symbol: hub.token.symbol, decimals: hub.token.decimals, name: `${hub.token.symbol} (native)` };
  const wrapped = await api.query.assetLock.wrappedAssets.entries();
  const list = await Promise.all(wrapped.map(async ([key, value]) => {
    const assetId = key.args[0].toNumber();
    const token = tokenFromCodec(value.unwrap());
    const meta = await api.query.assets.metadata(assetId);
    // A wrapped asset's symbol is its original id in hex (the runtime's metadata): shortened in
    // the middle for tables.
    const full = meta.symbol.toUtf8() || `#${assetId}`;
    const symbol = full.length > 14 ? `${full.slice(0, 6)}…${full.slice(-4)}` : full;
    return {
      token, key: tokenKey(token), assetId, symbol, decimals: meta.decimals.toNumber(),
      name: `${symbol} of chain ${token.home} (asset ${assetId})`,
    };
  }));
  list.sort((a, b) => a.assetId - b.assetId);
  return [native, ...list];
}

/// `hubTokens` by token key.
export async function hubTokensByKey(hub) {
  return new Map((await hubTokens(hub)).map((t) => [t.key, t]));
}

/// The asset-lock escrow account (the pallet id's account: "modl" ++ id, zero-padded).
export function escrowAccount(api) {
  const id = api.consts.assetLock.palletId.toU8a();
  const bytes = new Uint8Array(32);
  bytes.set(new TextEncoder().encode('modl'));
  bytes.set(id, 4);
  return u8aToHex(bytes);
}
