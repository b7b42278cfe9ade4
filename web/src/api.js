// The connection to one hub node: Polkadot.js over WebSocket, its state in words for the status
// bar, reconnection when the node goes down or restarts, the node's `fusion_*` RPC, and a feed of
// every block with its events: the recent ones at each (re)connection, then each new one, with
// any the new-heads subscription skipped.

import { ApiPromise, WsProvider } from '@polkadot/api';

/// After this long without a connection, "reconnecting" becomes "node down".
const DOWN_AFTER_MS = 6_000;
/// How often the provider tries again.
const RETRY_MS = 2_000;
/// The most blocks read back at a (re)connection, or to fill a gap between two new heads.
export const CATCH_UP_BLOCKS = 50;

/// One hub node. Emits `status` (see `status`), `head` (each new best block), `genesis` ({
/// previous, genesis } when the node at the URL now runs another chain, e.g. a restarted `--tmp`
/// dev node), `ready` (once per (re)connection, when the per-connection work is done) and `block`
/// ({ number, hash, events, at }, in order of number, every block once per chain).
export class Hub extends EventTarget {
  constructor(url) {
    super();
    this.url = url;
    this.api = null;
    /// 'connecting' | 'connected' | 'reconnecting' | 'down'
    this.status = 'connecting';
    this.statusDetail = '';
    this.best = null; // { number, hash, at }
    this.genesis = null; // the chain's genesis hash, read at each connection
    this.token = { symbol: 'UNIT', decimals: 12 };
    this.nodeInfo = null;
    this.lostAt = null;
    this.everConnected = false;
    this.downTimer = null;
    this.headsSubscribed = false;
    this.subscribing = false;
    /// The number of the last block handed on (queued as a `block` event); null before any.
    this.lastBlock = null;
    this.lastHash = null;
    this.failedFrom = null; // the lowest block whose read failed, to read again
    /// Blocks are fetched and handed on one after another through this queue.
    this.blockQueue = Promise.resolve();
    this.connection = 0; // counts connections: work of an older one stops
  }

  start() {
    const provider = new WsProvider(this.url, RETRY_MS);
    provider.on('connected', () => this.#onConnected());
    provider.on('disconnected', () => this.#onDisconnected());
    provider.on('error', () => this.#onDisconnected());
    this.provider = provider;
    this.api = new ApiPromise({ provider, noInitWarn: true });
    this.api.on('error', (e) => console.warn('api error', e));
    this.downTimer = setTimeout(() => this.#checkDown(), DOWN_AFTER_MS);
  }

  /// Calls a JSON-RPC method of the node (the `fusion_*` ones have no Polkadot.js decoration).
  rpc(method, params = []) {
    return this.provider.send(method, params);
  }

  #setStatus(status, detail = '') {
    this.status = status;
    this.statusDetail = detail;
    this.dispatchEvent(new CustomEvent('status', { detail: { status, detail } }));
  }

  /// The provider's `connected`: at the first connection and at every reconnection. Polkadot.js
  /// emits its own `ready` only once, so the per-connection work runs from here.
  #onConnected() {
    this.lostAt = null;
    clearTimeout(this.downTimer);
    // "connected" only once the chain is read again (`#onReady`).
    if (this.everConnected) this.#setStatus('reconnecting', 'connection back; loading the chain…');
    const connection = ++this.connection;
    this.#onReady(connection).catch((e) => {
      if (connection === this.connection) this.#setStatus(this.status, e.message);
    });
  }

  #onDisconnected() {
    if (this.lostAt == null) {
      this.lostAt = Date.now();
      clearTimeout(this.downTimer);
      this.downTimer = setTimeout(() => this.#checkDown(), DOWN_AFTER_MS);
    }
    // Each failed retry reports again: "node down" stays until the node answers.
    if (this.status === 'down') return;
    this.#setStatus(this.everConnected ? 'reconnecting' : 'connecting', `retrying every ${RETRY_MS / 1000} s`);
  }

  #checkDown() {
    if (this.status === 'connected') return;
    const since = new Date(this.lostAt ?? Date.now()).toLocaleTimeString();
    this.#setStatus('down', `no answer from ${this.url} since ${since}; retrying every ${RETRY_MS / 1000} s`);
  }

  /// The work of each connection: the metadata (first time only), the genesis hash (another
  /// chain resets what was seen), the node's info, the blocks missed, and the heads subscription.
  async #onReady(connection) {
    const { api } = this;
    await api.isReady;
    const current = () => connection === this.connection;
    if (!current()) return;
    const genesis = (await api.rpc.chain.getBlockHash(0)).toHex();
    if (!current()) return;
    if (this.genesis != null && genesis !== this.genesis) {
      const previous = this.genesis;
      this.genesis = genesis;
      this.lastBlock = null;
      this.lastHash = null;
      this.failedFrom = null;
      this.best = null;
      this.dispatchEvent(new CustomEvent('genesis', { detail: { previous, genesis } }));
    } else {
      this.genesis = genesis;
    }
    this.everConnected = true;
    this.token = {
      symbol: api.registry.chainTokens[0] ?? 'UNIT',
      decimals: api.registry.chainDecimals[0] ?? 12,
    };
    this.nodeInfo = await this.rpc('fusion_nodeInfo').catch(() => null);
    if (!current()) return;
    if (this.nodeInfo) {
      this.token = { symbol: this.nodeInfo.tokenSymbol, decimals: this.nodeInfo.tokenDecimals };
    }
    // The blocks produced while the console was away (or all of the last ones, the first time).
    const header = await api.rpc.chain.getHeader();
    if (!current()) return;
    this.best = { number: header.number.toNumber(), hash: header.hash.toHex(), at: Date.now() };
    this.#catchUp(header.number.toNumber(), header.hash.toHex());
    this.#setStatus('connected');
    this.dispatchEvent(new CustomEvent('ready'));
    if (!this.headsSubscribed && !this.subscribing) {
      // Subscribed once: the provider subscribes again by itself after a reconnection. Marked
      // only once it succeeded, so that a failed attempt is made again at the next connection.
      this.subscribing = true;
      try {
        await api.rpc.chain.subscribeNewHeads((h) => this.#onHead(h));
        this.headsSubscribed = true;
      } finally {
        this.subscribing = false;
      }
    }
  }

  #onHead(header) {
    const number = header.number.toNumber();
    const hash = header.hash.toHex();
    this.best = { number, hash, at: Date.now() };
    if (this.status !== 'connected') this.#setStatus('connected');
    this.dispatchEvent(new CustomEvent('head', { detail: this.best }));
    this.#catchUp(number, hash);
  }

  /// Queues every block after the last one handed on up to `number` (whose hash is `hash`), at
  /// most `CATCH_UP_BLOCKS` of them: the subscription may skip heads, none come while the
  /// connection is down, and a block whose read failed is read again. A head at or below the last
  /// one (another fork) is handed on alone.
  #catchUp(number, hash) {
    const last = this.lastBlock;
    if (number === last && hash === this.lastHash && this.failedFrom == null) return; // handed on
    let from;
    if (last == null) from = number - CATCH_UP_BLOCKS + 1;
    else if (number <= last) from = number;
    else from = last + 1;
    if (this.failedFrom != null) from = Math.min(from, this.failedFrom);
    from = Math.max(from, number - CATCH_UP_BLOCKS + 1, 0);
    this.failedFrom = null;
    this.lastBlock = number;
    this.lastHash = hash;
    const genesis = this.genesis;
    for (let n = from; n <= number; n += 1) {
      this.blockQueue = this.blockQueue
        .then(async () => {
          if (genesis !== this.genesis) return; // another chain since: its blocks are not these
          const blockHash = n === number ? hash : (await this.api.rpc.chain.getBlockHash(n)).toHex();
          const events = await this.api.query.system.events.at(blockHash);
          if (genesis !== this.genesis) return;
          this.dispatchEvent(new CustomEvent('block', { detail: { number: n, hash: blockHash, events, at: Date.now() } }));
        })
        .catch((e) => {
          // The connection went, or the node no longer keeps the block: tried again with the
          // next head, as long as it is among the last CATCH_UP_BLOCKS.
          if (genesis === this.genesis) this.failedFrom = Math.min(this.failedFrom ?? n, n);
          console.warn(`events of block ${n}:`, e?.message ?? e);
        });
    }
  }
}
