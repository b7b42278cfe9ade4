// Settlements: every settlement in progress (storage settlement.settlements) with each leg's
// state from fusion_settlement (SettlementApi), and a look-up by id.

import { h, replace, table, note } from '../dom.js';
import { formatAmount, formatTime, formatAge, shortHex } from '../format.js';
import { hubTokensByKey, tokenKey } from '../tokens.js';

export function settlementsPage(ctx) {
  const list = h('div', { id: 'settlements' }, note('pending', 'reading settlements…'));
  const idInput = h('input', { name: 'settlement-id', placeholder: '0x… (32 bytes)', size: 70, spellcheck: 'false' });
  const found = h('div', { id: 'settlement-lookup' });
  const lookup = h('form', { class: 'inline', onsubmit: async (e) => {
    e.preventDefault();
    const id = idInput.value.trim();
    if (!/^0x[0-9a-fA-F]{64}$/.test(id)) {
      replace(found, note('error', 'A settlement id is 0x and 64 hex digits.'));
      return;
    }
    try {
      const view = await ctx.hub.rpc('fusion_settlement', [id]);
      const tokens = await hubTokensByKey(ctx.hub);
      const hubNow = (await ctx.hub.api.query.timestamp.now()).toNumber();
      replace(found, view ? settlementCard(ctx, view, tokens, hubNow)
        : note('info', 'Not in progress: concluded (its record is gone; its history needs an indexer) or never proposed.'));
    } catch (error) {
      replace(found, note('error', error.message));
    }
  } }, 'Look up ', idInput, h('button', { type: 'submit' }, 'Show'));
  const el = h('section', { class: 'page', id: 'page-settlements' },
    h('h2', {}, 'Settlements in progress'),
    h('p', { class: 'hint' }, 'Ids from storage settlement.settlements; each shown by fusion_settlement (the runtime\'s SettlementApi).'),
    lookup, found, list);

  async function refresh() {
    const { api } = ctx.hub;
    const entries = await api.query.settlement.settlements.entries();
    const views = await Promise.all(entries.map(([key]) => ctx.hub.rpc('fusion_settlement', [key.args[0].toHex()])));
    const tokens = await hubTokensByKey(ctx.hub);
    const hubNow = (await api.query.timestamp.now()).toNumber();
    const cards = views.filter(Boolean).sort((a, b) => a.deadline - b.deadline).map((v) => settlementCard(ctx, v, tokens, hubNow));
    replace(list, ...(cards.length ? cards : [h('p', { class: 'muted' }, 'No settlement in progress.')]));
  }

  return { el, refresh };
}

function settlementCard(ctx, view, tokens, hubNow) {
  const amountOf = (leg) => {
    const meta = tokens.get(tokenKey(leg.token));
    if (meta && leg.chain === 0) return formatAmount(leg.amount, meta.decimals, meta.symbol);
    return `${BigInt(leg.amount).toString()} of ${shortHex(leg.token.id, 4)} (chain ${leg.token.home})`;
  };
  return h('div', { class: 'card settlement', 'data-settlement': view.id },
    h('h3', {}, `Settlement ${shortHex(view.id, 6)} `, h('span', { class: `badge phase-${view.phase.toLowerCase()}` }, view.phase)),
    h('p', { class: 'muted' }, `deadline ${formatTime(view.deadline)} (${formatAge(view.deadline, hubNow)} on the hub's clock); terms ${shortHex(view.terms, 8)}; proposer ${shortHex(view.proposer, 6)}`),
    table(['leg', 'chain', 'from', 'to', 'amount', 'state', 'prepare nonce', 'decision nonce'], view.legs.map((l, i) => ({
      attrs: { 'data-leg': i, 'data-state': l.state },
      cells: [String(i), l.leg.chain === 0 ? 'hub' : `chain ${l.leg.chain}`, shortHex(l.leg.from, 6), shortHex(l.leg.to, 6), amountOf(l.leg),
        { cell: h('span', { class: `badge leg-${l.state}` }, l.state), class: 'state' },
        l.prepareNonce ?? '—', l.decisionNonce ?? '—'],
    })), { class: 'legs' }),
  );
}
