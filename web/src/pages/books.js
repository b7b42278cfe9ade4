// Books: per token, what is locked at home, each chain's claim, what is in flight and the wrapped
// supply, whether the invariant holds, and a chart of the same over recent blocks.

import { h, replace, table, note } from '../dom.js';
import { formatAmount, shortHex } from '../format.js';
import { lineChart } from '../chart.js';
import { booksAt } from '../books.js';
import { hubTokensByKey } from '../tokens.js';

/// How many recent blocks the chart shows (and reads back at start, if the node keeps them).
const WINDOW = 30;

const NATIVE_SERIES = [
  { name: 'escrowBalance', label: 'escrow account', color: '#1f6feb' },
  { name: 'owed', label: 'owed (ED + claims + HTLCs + in flight + refunds)', color: '#8250df' },
  { name: 'inFlight', label: 'in flight', color: '#d4a72c' },
  { name: 'claimsTotal', label: 'chains\' claims', color: '#2da44e' },
];
const PEER_SERIES = [
  { name: 'locked', label: 'locked at home', color: '#1f6feb' },
  { name: 'supply', label: 'wrapped supply', color: '#2da44e' },
  { name: 'claimsTotal', label: 'other chains\' claims', color: '#8250df' },
  { name: 'inFlight', label: 'in flight', color: '#d4a72c' },
];

export function booksPage(ctx) {
  const samples = new Map(); // token key -> [{ block, hash, values, ok }], by block number
  const sampled = new Map(); // block number -> hash of the block read (or tried) at that number
  let genesis = null; // the chain the samples are of
  const body = h('div', { id: 'books' }, note('pending', 'reading the books…'));
  const el = h('section', { class: 'page', id: 'page-books' },
    h('h2', {}, 'Asset-lock books'),
    h('p', { class: 'hint' }, `From assetLock and assets storage, read at each of the last ${WINDOW} blocks (api.at) and then at every new block.`),
    body);

  async function sample(number, hash) {
    const at = await ctx.hub.api.at(hash);
    const books = await booksAt(ctx.hub.api, at);
    for (const [key, book] of books) {
      if (!samples.has(key)) samples.set(key, []);
      // A block of another fork at the same height replaces the one sampled before.
      const list = samples.get(key).filter((s) => s.block !== number);
      list.push({ block: number, hash, values: book, ok: book.ok });
      list.sort((a, b) => a.block - b.block);
      if (list.length > WINDOW) list.splice(0, list.length - WINDOW);
      samples.set(key, list);
    }
  }

  async function refresh() {
    const { api } = ctx.hub;
    // Another chain at the node's URL (a restarted `--tmp` node): its blocks are not these.
    if (ctx.hub.genesis !== genesis) {
      samples.clear();
      sampled.clear();
      genesis = ctx.hub.genesis;
    }
    const best = ctx.hub.best ?? { number: (await api.rpc.chain.getHeader()).number.toNumber() };
    const from = Math.max(0, best.number - WINDOW + 1);
    for (const number of sampled.keys()) if (number < from) sampled.delete(number);
    for (let number = from; number <= best.number; number += 1) {
      // Each block once, by hash: the best block is checked again, as another fork's block
      // at its height replaces it.
      if (sampled.has(number) && number !== best.number) continue;
      try {
        const hash = number === best.number && best.hash ? best.hash : (await api.rpc.chain.getBlockHash(number)).toHex();
        if (sampled.get(number) === hash) continue;
        sampled.set(number, hash);
        await sample(number, hash);
      } catch {
        // The node no longer keeps that block's state: the chart starts later.
      }
    }
    const current = await booksAt(api, api);
    const tokens = await hubTokensByKey(ctx.hub);
    const sections = [...current.entries()].map(([key, book]) => tokenSection(ctx, key, book, tokens.get(key), samples.get(key) ?? []));
    replace(body, ...sections);
  }

  return { el, refresh };
}

function tokenSection(ctx, key, book, meta, history) {
  const decimals = meta?.decimals ?? (book.token.home === 0 ? ctx.hub.token.decimals : 0);
  const symbol = meta?.symbol ?? '';
  const fmt = (v) => formatAmount(v, decimals, symbol);
  const native = book.token.home === 0;
  const title = native ? `${ctx.hub.token.symbol} (the hub's native token)`
    : `${symbol || 'token'} of chain ${book.token.home} (${shortHex(book.token.id, 6)})${book.assetId != null ? `, asset ${book.assetId}` : ''}`;
  const claims = [...book.claims.entries()].map(([chain, amount]) => `chain ${chain}: ${fmt(amount)}`);
  const rows = native
    ? [
      ['escrow account holds', fmt(book.escrowBalance)],
      ['chains\' claims (escrowed)', claims.length ? claims.join('; ') : fmt(0n)],
      ['in flight', fmt(book.inFlight)],
      ['HTLCs hold', fmt(book.htlcHeld)],
      ['refunds due', fmt(book.refundsDue)],
      ['owed in all (with the existential deposit)', fmt(book.owed)],
    ]
    : [
      ['locked at home', fmt(book.locked)],
      ['chains\' claims (escrowed)', claims.length ? claims.join('; ') : fmt(0n)],
      ['in flight', fmt(book.inFlight)],
      ['wrapped supply on the hub', fmt(book.supply)],
      ['refunds due', fmt(book.refundsDue)],
      ['HTLCs hold', fmt(book.htlcHeld)],
      ['escrow account holds (wrapped)', fmt(book.escrowBalance)],
    ];
  const series = native ? NATIVE_SERIES : PEER_SERIES;
  const broken = history.filter((s) => !s.ok).length;
  return h('div', { class: 'card token', 'data-token': key },
    h('h3', {}, title, ' ', h('span', { class: `badge ${book.ok ? 'ok' : 'broken'}`, 'data-invariant': book.ok ? 'holds' : 'broken' },
      book.ok ? 'invariant holds' : 'INVARIANT BROKEN')),
    h('p', { class: 'muted' }, book.rule),
    h('div', { class: 'columns' },
      h('div', { class: 'column' }, table(['book', 'amount'], rows.map(([a, b]) => [a, { cell: b, class: 'num' }]), { class: 'book' })),
      h('div', { class: 'column wide' },
        lineChart(history.map((s) => ({ block: s.block, values: s.values, ok: s.ok })), series, { format: fmt }),
        h('ul', { class: 'legend' }, series.map((s) => h('li', {}, h('span', { class: 'swatch', style: `background:${s.color}` }), s.label))),
        h('p', { class: 'muted' }, `${history.length} blocks sampled; ${broken ? `${broken} where the invariant failed (red)` : 'the invariant held at every one'}.`))),
  );
}
