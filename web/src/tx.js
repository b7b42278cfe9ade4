// Signs a call with the browser wallet and follows it into a block; a refused call rejects with
// the pallet's named error in words.

import { describeDispatchError, describeFailure } from './errors.js';
import { signerFor } from './wallet.js';

export class TxError extends Error {
  constructor(message, name) {
    super(message);
    this.errorName = name;
  }
}

/// Signs `tx` as `address` and resolves with `{ blockHash, blockNumber, events }` once it is in a
/// block. `onStatus(text)` hears each step. Rejects with a `TxError` whose message names the
/// pallet's error when the call fails in the block.
export async function signAndWatch(api, tx, address, onStatus = () => {}) {
  onStatus('waiting for the wallet to sign…');
  const signer = await signerFor(address);
  return new Promise((resolve, reject) => {
    let unsub = null;
    let done = false;
    const finish = (fn, value) => {
      if (done) return;
      done = true;
      unsub?.();
      fn(value);
    };
    tx.signAndSend(address, { signer }, (result) => {
      const { status, dispatchError, events } = result;
      if (status.isReady || status.isBroadcast) onStatus('in the node\'s transaction pool…');
      if (dispatchError) {
        const { name, text } = describeDispatchError(api.registry, dispatchError);
        finish(reject, new TxError(text, name));
      } else if (status.isInBlock || status.isFinalized) {
        const blockHash = (status.isInBlock ? status.asInBlock : status.asFinalized).toHex();
        api.rpc.chain.getHeader(blockHash).then(
          (header) => finish(resolve, { blockHash, blockNumber: header.number.toNumber(), events }),
          () => finish(resolve, { blockHash, blockNumber: null, events }),
        );
      } else if (status.isInvalid || status.isDropped || status.isUsurped) {
        finish(reject, new TxError(`The transaction was ${status.type.toLowerCase()} by the node's pool.`, status.type));
      }
    }).then((u) => {
      unsub = u;
      if (done) u();
      else onStatus('submitted; waiting for a block…');
    }, (error) => finish(reject, new TxError(describeFailure(error), 'Submit')));
  });
}
