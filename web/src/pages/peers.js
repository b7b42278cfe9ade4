// Peers: every chain in the registry with its verifier, latest verified header and message
// queues; then the applications waiting for the Council and its open motions, with vote buttons
// for members.

import { h, replace, table, note } from '../dom.js';
import { formatAge, formatAmount, formatTime, shortHex, variantOf } from '../format.js';
import { signAndWatch } from '../tx.js';
import { HUB } from '../tokens.js';

/// The weight bound a `close` offers: enough for any registry or asset-lock call.
const CLOSE_WEIGHT = { refTime: 10_000_000_000n, proofSize: 1_000_000n };

export function peersPage(ctx) {
  const chainsEl = h('div', { id: 'chains' }, note('pending', 'loading the registry…'));
  const motionsEl = h('div', { id: 'motions' });
  const voteStatus = h('div', { id: 'vote-status' });
  const el = h('section', { class: 'page', id: 'page-peers' },
    h('h2', {}, 'Registered chains'),
    h('p', { class: 'hint' }, 'From fusion_chains and fusion_latestHeader; queues from crossChainMessages storage at the best block.'),
    chainsEl,
    h('h2', {}, 'Applications and Council motions'),
    voteStatus,
    motionsEl,
  );

  async function vote(hash, index, approve) {
    const { api } = ctx.hub;
    await submit(api.tx.council.vote(hash, index, approve), approve ? 'aye' : 'nay');
  }

  async function close(hash, index, lengthBound) {
    const { api } = ctx.hub;
    await submit(api.tx.council.close(hash, index, CLOSE_WEIGHT, lengthBound), 'close');
  }

  async function submit(tx, what) {
    const account = ctx.wallet.selected;
    if (!account) {
      replace(voteStatus, note('error', 'Choose an account of your wallet first.'));
      return;
    }
    try {
      const { blockNumber } = await signAndWatch(ctx.hub.api, tx, account, (text) => replace(voteStatus, note('pending', `${what}: ${text}`)));
      replace(voteStatus, note('ok', `${what}: in block #${blockNumber}.`));
    } catch (error) {
      replace(voteStatus, note('error', `${what} refused: ${error.message}`));
    }
    ctx.refresh();
  }

  async function refresh() {
    const { api } = ctx.hub;
    const chains = await ctx.hub.rpc('fusion_chains', []);
    const rows = await Promise.all(chains.map((chain) => chainRow(ctx.hub, chain)));
    replace(chainsEl, table(
      ['id', 'name', 'kind', 'status', 'verifier', 'latest verified header', 'to the peer', 'from the peer', 'deposit'],
      rows,
      { class: 'chains' },
    ));

    const members = (await api.query.council.members()).map((m) => m.toString());
    const hashes = await api.query.council.proposals();
    const motions = await Promise.all(hashes.map(async (hash) => {
      const [proposal, voting] = await Promise.all([api.query.council.proposalOf(hash), api.query.council.voting(hash)]);
      const call = proposal.unwrapOr(null);
      // The node could show one call and have the wallet vote on another motion: the call shown
      // must hash (blake2-256 of its encoding, as pallet-collective does) to the motion's hash.
      const verified = call != null && call.hash.toHex() === hash.toHex();
      return { hash: hash.toHex(), proposal: call, verified, voting: voting.unwrapOr(null) };
    }));
    const applications = chains.filter((c) => c.status === 'Proposed');
    const me = ctx.wallet.selected;
    const isMember = me != null && members.includes(me);
    replace(motionsEl,
      h('h3', {}, 'Applications'),
      table(['id', 'name', 'kind', 'operator', 'applied at block'], applications.map((c) => [
        String(c.chainId), c.name, kindText(c.kind), shortHex(c.operator, 8), `#${c.proposedAt}`,
      ]), { class: 'applications' }),
      h('h3', {}, `Open Council motions (${members.length} members${isMember ? '; you are one' : ''})`),
      table(['motion', 'call', 'ayes', 'nays', 'threshold', 'ends', 'your vote'], motions.map((m) => motionRow(m, me, isMember, { vote, close })), { class: 'motions' }),
    );
  }

  return { el, refresh };
}

async function chainRow(hub, chain) {
  const { api } = hub;
  const id = chain.chainId;
  const [header, pendingTo, sends, routedFrom, inbound, outbound] = await Promise.all([
    hub.rpc('fusion_latestHeader', [id]),
    api.query.crossChainMessages.pendingCount(id),
    api.query.crossChainMessages.pendingSends(id),
    api.query.crossChainMessages.routedPendingFrom(id),
    api.query.crossChainMessages.inboundNonces(id, HUB),
    api.query.crossChainMessages.outboundNonces(id),
  ]);
  return {
    attrs: { 'data-chain': id },
    cells: [
      String(id),
      chain.name,
      kindText(chain.kind),
      { cell: h('span', { class: `badge status-${chain.status.toLowerCase()}` }, chain.status), class: 'status' },
      verifierText(chain.verifier),
      header
        ? h('span', {}, `#${header.number} `, h('span', { class: 'muted', title: header.hash }, shortHex(header.hash, 4)),
          h('br'), header.timestamp != null ? `${formatAge(header.timestamp)} (${formatTime(header.timestamp)})` : 'no timestamp (GRANDPA)',
          h('br'), `set ${header.setId}`)
        : h('span', { class: 'muted' }, 'none yet'),
      h('span', {}, `${pendingTo.toNumber()} pending`, h('br'),
        h('span', { class: 'muted' }, `${sends.toNumber()} sent by the hub; last nonce ${outbound.toString()}`)),
      h('span', {}, `${routedFrom.toNumber()} routed pending`, h('br'),
        h('span', { class: 'muted' }, `last delivered nonce ${inbound.toString()}`)),
      formatAmount(chain.deposit, hub.token.decimals, hub.token.symbol),
    ],
  };
}

/// A chain kind in words: `EVM (chain id 1, gateway 0x9a…)`.
export function kindText(kind) {
  const [name, body] = variantOf(kind);
  switch (name) {
    case 'EvmChain': return `EVM chain ${body.chain_id ?? body.chainId}, gateway ${shortHex(body.gateway, 4)}`;
    case 'PolkadotParachain': return `parachain ${body.para_id ?? body.paraId}`;
    case 'SubstrateChain': return `Substrate, genesis ${shortHex(body.genesis_hash ?? body.genesisHash, 4)}`;
    case 'PermissionedLedger': return `permissioned ledger (${variantOf(body.platform)[0] ?? JSON.stringify(body.platform)})`;
    default: return name ?? '—';
  }
}

/// A verifier in words: committee size, threshold and set id, or GRANDPA's set.
export function verifierText(verifier) {
  const [name, body] = variantOf(verifier);
  switch (name) {
    case 'Committee': return `committee ${body.threshold} of ${body.members.length}, set ${body.setId ?? body.set_id}`;
    case 'Grandpa': return `GRANDPA, ${body.authorities?.length ?? '?'} authorities, set ${body.setId ?? body.set_id}`;
    case 'RelayChain': return 'the relay chain';
    default: return name ?? '—';
  }
}

function motionRow(motion, me, isMember, actions) {
  const { hash, proposal, verified, voting } = motion;
  const shown = proposal ? `${proposal.section}.${proposal.method}(${proposal.args.map((a) => shortHex(a.toString(), 10)).join(', ')})` : 'unknown call';
  const call = verified ? shown
    : h('span', { class: 'mismatch' }, shown, h('br'), h('strong', { class: 'bad' }, 'not the call of this motion (its hash differs): no vote offered'));
  if (!voting) return [shortHex(hash), call, '', '', '', '', ''];
  const ayes = voting.ayes.map((a) => a.toString());
  const nays = voting.nays.map((a) => a.toString());
  const index = voting.index.toNumber();
  const threshold = voting.threshold.toNumber();
  const buttons = [];
  // Only for a call checked against the motion's hash: a vote approves whatever hashes to it.
  if (verified) {
    if (isMember && !ayes.includes(me)) buttons.push(h('button', { class: 'vote-aye', onclick: () => actions.vote(hash, index, true) }, 'Aye'));
    if (isMember && !nays.includes(me)) buttons.push(h('button', { class: 'vote-nay', onclick: () => actions.vote(hash, index, false) }, 'Nay'));
    if (me && ayes.length >= threshold) {
      buttons.push(h('button', { class: 'close', onclick: () => actions.close(hash, index, proposal.encodedLength) }, 'Close'));
    }
  }
  const yours = ayes.includes(me) ? 'aye' : nays.includes(me) ? 'nay' : isMember ? 'not voted' : '—';
  return {
    attrs: { 'data-motion': hash, 'data-verified': String(verified) },
    cells: [`#${index} ${shortHex(hash, 4)}`, call, String(ayes.length), String(nays.length), String(threshold), `block #${voting.end.toString()}`,
      h('span', {}, yours, ' ', ...buttons)],
  };
}
