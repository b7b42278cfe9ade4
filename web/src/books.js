// The asset-lock books of every token at one block, and whether each balances
// (docs/protocol.md, "The asset-lock books").

import { NATIVE, tokenFromCodec, tokenKey, escrowAccount } from './tokens.js';

/// The books at `at` (an `api.at(hash)` or `api` itself): per token key, `{ token, locked,
/// inFlight, claims: Map(chain -> amount), claimsTotal, supply, refundsDue, htlcHeld, assetId,
/// escrowBalance, ok, rule }`; `ok` is what the pallet's `do_try_state` checks
/// (pallets/asset-lock/src/functions.rs).
export async function booksAt(api, at) {
  const q = at.query;
  const [locked, inFlight, escrowed, refunds, htlc, wrapped] = await Promise.all([
    q.assetLock.lockedAtHome.entries(),
    q.assetLock.inFlight.entries(),
    q.assetLock.escrowed.entries(),
    q.assetLock.refundsDue.entries(),
    q.assetLock.htlcHeld.entries(),
    q.assetLock.wrappedIds.entries(),
  ]);
  const books = new Map();
  const entry = (token) => {
    const key = tokenKey(token);
    if (!books.has(key)) {
      books.set(key, { token, locked: 0n, inFlight: 0n, claims: new Map(), claimsTotal: 0n, supply: 0n, refundsDue: 0n, htlcHeld: 0n, assetId: null });
    }
    return books.get(key);
  };
  entry(NATIVE);
  for (const [k, v] of locked) entry(tokenFromCodec(k.args[0])).locked = v.toBigInt();
  for (const [k, v] of inFlight) entry(tokenFromCodec(k.args[0])).inFlight = v.toBigInt();
  for (const [k, v] of escrowed) {
    const book = entry(tokenFromCodec(k.args[1]));
    book.claims.set(k.args[0].toNumber(), v.toBigInt());
    book.claimsTotal += v.toBigInt();
  }
  for (const [k, v] of refunds) entry(tokenFromCodec(k.args[1])).refundsDue += v.toBigInt();
  for (const [k, v] of htlc) entry(tokenFromCodec(k.args[0])).htlcHeld = v.toBigInt();
  const escrow = escrowAccount(api);
  await Promise.all(wrapped.map(async ([k, v]) => {
    // `wrappedIds` has no default: its values are `Option<u32>`, and every entry is a `Some`.
    if (v.isNone) return;
    const book = entry(tokenFromCodec(k.args[0]));
    book.assetId = v.unwrap().toNumber();
    const [asset, account] = await Promise.all([q.assets.asset(book.assetId), q.assets.account(book.assetId, escrow)]);
    book.supply = asset.isSome ? asset.unwrap().supply.toBigInt() : 0n;
    // What the escrow account holds of the wrapped token: the HTLCs' tokens.
    book.escrowBalance = account.isSome ? account.unwrap().balance.toBigInt() : 0n;
  }));
  for (const book of books.values()) {
    if (book.token.home === 0) {
      // The native token: the escrow account must hold everything it owes.
      const account = await q.system.account(escrow);
      const ed = api.consts.balances.existentialDeposit.toBigInt();
      book.escrowBalance = account.data.free.toBigInt();
      book.owed = ed + book.claimsTotal + book.htlcHeld + book.inFlight + book.refundsDue;
      book.ok = book.escrowBalance >= book.owed;
      book.rule = 'escrow account ≥ existential deposit + claims + HTLCs + in flight + refunds due';
    } else {
      const balanced = book.locked === book.supply + book.claimsTotal + book.inFlight + book.refundsDue;
      book.rule = 'locked at home = wrapped supply + claims + in flight + refunds due';
      if (book.assetId != null) {
        // A wrapped token's HTLCs are held by the escrow account, in the wrapped asset.
        book.ok = balanced && book.escrowBalance >= book.htlcHeld;
        book.rule += '; escrow account\'s wrapped balance ≥ HTLCs';
      } else {
        book.escrowBalance = 0n;
        book.ok = balanced;
      }
    }
  }
  return books;
}
