// Transfers: a form that sends a token to a peer (assetLock.transferOut, signed in the browser
// wallet), and a tracker that follows messages step by step as blocks arrive.

import { decodeAddress } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { h, replace, note } from '../dom.js';
import { formatAmount, parseAmount, shortHex } from '../format.js';
import { parseBeneficiary, parseChainId, parseNonce, parseTimeoutMinutes } from '../input.js';
import { hubTokens, HUB } from '../tokens.js';
import { signAndWatch } from '../tx.js';
import { messageKey, messageSteps, messagesOf } from '../messages.js';

export function transfersPage(ctx) {
  const form = transferForm(ctx);
  const tracker = trackerPanel(ctx);
  ctx.trackMessage = tracker.track;
  const el = h('section', { class: 'page', id: 'page-transfers' },
    h('div', { class: 'columns' },
      h('div', { class: 'column' }, h('h2', {}, 'Send a token to a peer'), form.el),
      h('div', { class: 'column wide' }, h('h2', {}, 'Message tracker'), tracker.el)),
  );
  return {
    el,
    async refresh() {
      await form.refresh();
      await tracker.refresh();
    },
  };
}

function field(label, input, help) {
  const error = h('span', { class: 'field-error', role: 'alert' });
  return { el: h('label', { class: 'field' }, h('span', { class: 'label' }, label), input, help ? h('span', { class: 'help' }, help) : null, error), input, error };
}

function transferForm(ctx) {
  const token = field('Token', h('select', { name: 'token' }));
  const amount = field('Amount', h('input', { name: 'amount', inputmode: 'decimal', placeholder: 'e.g. 12.5', autocomplete: 'off' }));
  const destination = field('Destination chain', h('select', { name: 'destination' }));
  const beneficiary = field('Beneficiary', h('input', { name: 'beneficiary', placeholder: '0x… (EVM address or 32 bytes) or SS58', autocomplete: 'off', spellcheck: 'false' }),
    'The account on the destination chain: an EVM address is left-padded to 32 bytes.');
  const timeout = field('Timeout (minutes)', h('input', { name: 'timeout', value: '60', inputmode: 'numeric' }),
    'On the destination\'s clock, counted from the hub\'s time now; refundable on proof after it.');
  const fee = field('Relayer fee', h('input', { name: 'fee', value: '0.01', inputmode: 'decimal' }));
  const result = h('div', { class: 'result', id: 'transfer-result' });
  const button = h('button', { type: 'submit', id: 'send-transfer' }, 'Sign and send');
  const fields = { token, amount, destination, beneficiary, timeout, fee };
  const el = h('form', { id: 'transfer-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); send(); } },
    ...Object.values(fields).map((f) => f.el), button, result);
  let tokens = [];

  async function refresh() {
    tokens = await hubTokens(ctx.hub);
    keepOptions(token.input, tokens.map((t) => [t.key, t.name]));
    const chains = await ctx.hub.rpc('fusion_chains', ['Active']);
    keepOptions(destination.input, chains.map((c) => [String(c.chainId), `${c.chainId} · ${c.name}`]));
    const sym = ctx.hub.token.symbol;
    fee.el.querySelector('.label').textContent = `Relayer fee (${sym})`;
    const chosen = tokens.find((t) => t.key === token.input.value);
    amount.el.querySelector('.label').textContent = `Amount${chosen ? ` (${chosen.symbol})` : ''}`;
  }

  /// Checks every field; returns the call's arguments, or null after showing what is wrong.
  function validate() {
    const { hub } = ctx;
    const values = {};
    let ok = true;
    const check = (f, fn) => {
      try {
        f.error.textContent = '';
        f.input.removeAttribute('aria-invalid');
        return fn(f.input.value);
      } catch (error) {
        f.error.textContent = error.message;
        f.input.setAttribute('aria-invalid', 'true');
        ok = false;
        return null;
      }
    };
    const chosen = tokens.find((t) => t.key === token.input.value);
    check(token, () => { if (!chosen) throw new Error('Choose a token.'); });
    values.token = chosen;
    values.amount = check(amount, (v) => parseAmount(v, chosen?.decimals ?? hub.token.decimals));
    values.destination = check(destination, (v) => {
      if (v === '') throw new Error('No active peer chain to send to.');
      const id = parseChainId(v);
      if (id === HUB) throw new Error('A transfer goes to a peer chain, not the hub.');
      return id;
    });
    values.beneficiary = check(beneficiary, parseBeneficiary);
    const maxMinutes = Math.floor(Number(hub.api.consts.crossChainMessages.maxTimeoutMillis?.toString() ?? 86_400_000) / 60_000);
    values.minutes = check(timeout, (v) => parseTimeoutMinutes(v, maxMinutes));
    values.fee = check(fee, (v) => (String(v).trim() === '0' ? 0n : parseAmount(v, hub.token.decimals)));
    if (!ctx.wallet.selected) {
      replace(result, note('error', 'Choose an account of your wallet to sign with.'));
      ok = false;
    }
    return ok ? values : null;
  }

  async function send() {
    replace(result);
    const values = validate();
    if (!values) {
      if (!result.firstChild) replace(result, note('error', 'Nothing was signed: correct the fields marked above.'));
      return;
    }
    const { api } = ctx.hub;
    button.disabled = true;
    try {
      const now = (await api.query.timestamp.now()).toBigInt();
      const timeoutArg = { height: 0, timestamp: now + BigInt(values.minutes) * 60_000n };
      const tx = api.tx.assetLock.transferOut(values.token.token, values.amount, values.destination, values.beneficiary, timeoutArg, values.fee);
      const { blockNumber, events } = await signAndWatch(api, tx, ctx.wallet.selected, (text) => replace(result, note('pending', text)));
      const sent = events.find(({ event }) => api.events.assetLock.TransferSent.is(event));
      if (!sent) {
        replace(result, note('ok', `In block #${blockNumber}.`));
        return;
      }
      const nonce = sent.event.data.nonce.toBigInt();
      const amountText = formatAmount(values.amount, values.token.decimals, values.token.symbol);
      replace(result, note('ok', `Sent ${amountText} to chain ${values.destination} in block #${blockNumber}: message nonce ${nonce}.`));
      ctx.trackMessage({ source: HUB, destination: values.destination, nonce });
    } catch (error) {
      replace(result, note('error', h('strong', {}, 'Refused: '), error.message));
    } finally {
      button.disabled = false;
    }
  }

  token.input.addEventListener('change', () => refresh());
  return { el, refresh };
}

/// Sets a select's options, keeping the chosen one when it is still there.
function keepOptions(select, options) {
  const chosen = select.value;
  const current = [...select.options].map((o) => `${o.value}=${o.textContent}`).join('|');
  if (current === options.map(([v, t]) => `${v}=${t}`).join('|')) return;
  select.replaceChildren(...options.map(([value, text]) => h('option', { value }, text)));
  if (options.some(([value]) => value === chosen)) select.value = chosen;
}

function trackerPanel(ctx) {
  const tracked = new Map(); // key -> message
  let account = null;
  const source = h('input', { name: 'source', value: '0', inputmode: 'numeric', size: 4 });
  const destination = h('input', { name: 'destination', inputmode: 'numeric', size: 4, placeholder: 'chain' });
  const nonce = h('input', { name: 'nonce', inputmode: 'numeric', size: 6, placeholder: 'nonce' });
  const who = h('input', { name: 'account', placeholder: 'SS58 address', size: 30, spellcheck: 'false' });
  const problem = h('div', { class: 'tracker-problem' });
  const list = h('div', { id: 'tracked' }, h('p', { class: 'muted' }, 'Track a message by channel and nonce, or every message of an account.'));

  const byMessage = h('form', { class: 'inline', id: 'track-message', onsubmit: (e) => {
    e.preventDefault();
    try {
      track({ source: parseChainId(source.value, 'source'), destination: parseChainId(destination.value, 'destination'), nonce: parseNonce(nonce.value) });
      replace(problem);
    } catch (error) {
      replace(problem, note('error', error.message));
    }
  } }, 'source ', source, ' → destination ', destination, ' nonce ', nonce, h('button', { type: 'submit' }, 'Track'));
  const byAccount = h('form', { class: 'inline', id: 'track-account', onsubmit: (e) => {
    e.preventDefault();
    const value = who.value.trim() || ctx.wallet.selected || '';
    try {
      decodeAddress(value);
      account = value;
      who.value = value;
      replace(problem);
      refreshHere();
    } catch {
      replace(problem, note('error', `"${value}" is not an SS58 address.`));
    }
  } }, 'or the account ', who, h('button', { type: 'submit' }, 'Track account'));

  /// Shows a failed run under the forms (a run from the page's refresh shows it above the page).
  const refreshHere = () => refresh().catch((error) => replace(problem, note('error', `Could not read the chain: ${error.message}`)));

  function track(message) {
    tracked.set(messageKey(message), message);
    refreshHere();
  }

  // One run at a time; a call during a run (a new block, a message tracked) makes one more run
  // after it, which sees what was asked meanwhile. Resolves when the runs are over.
  let running = null;
  let again = false;
  function refresh() {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          try {
            await render();
          } catch (error) {
            if (!again) throw error;
          }
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  }

  async function render() {
    const messages = new Map(tracked);
    if (account) {
      const accountHex = u8aToHex(decodeAddress(account));
      for (const m of await messagesOf(ctx.hub, ctx.log, account, accountHex)) messages.set(messageKey(m), m);
    }
    const cards = await Promise.all([...messages.values()].map(async (m) => {
      try {
        return messageCard(m, await messageSteps(ctx.hub, ctx.log, m));
      } catch (error) {
        return h('div', { class: 'card' }, note('error', `${messageKey(m)}: ${error.message}`));
      }
    }));
    if (cards.length) replace(list, ...cards.reverse());
    else if (account) replace(list, h('p', { class: 'muted' }, `No message of ${shortHex(account, 8)} is pending at the hub or seen by the console.`));
  }

  return { el: h('div', {}, byMessage, byAccount, problem, list), refresh, track };
}

function messageCard(message, { steps }) {
  const key = messageKey(message);
  return h('div', { class: 'card message', 'data-message': key },
    h('h3', {}, `Message ${message.source} → ${message.destination}, nonce ${message.nonce}`),
    h('ol', { class: 'steps' }, steps.map((s) => h('li', { class: `step step-${s.state}`, 'data-step': s.id, 'data-state': s.state },
      h('span', { class: 'step-mark' }, { done: '✓', waiting: '…', failed: '✗', skipped: '–' }[s.state]),
      h('span', { class: 'step-label' }, s.label),
      s.block != null ? h('span', { class: 'step-block' }, ` block #${s.block}`) : null,
      s.detail ? h('div', { class: 'step-detail' }, s.detail) : null))),
  );
}
