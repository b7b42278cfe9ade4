// What the console knows of each message: the events of the blocks it has seen (live, plus the
// last ones read back at each connection), and the state the node keeps now. Together they give each step
// of a message with its block; what happened before the node's kept window needs an indexer
// (docs/web-console.md).

import { HUB } from './tokens.js';
import { describeDispatchError } from './errors.js';

export const messageKey = ({ source, destination, nonce }) => `${Number(source)}/${Number(destination)}/${BigInt(nonce)}`;

/// The message events of every block the console has seen, by message.
export class MessageLog {
  constructor() {
    this.clear();
  }

  /// Forgets everything: the node runs another chain (a restarted `--tmp` node).
  clear() {
    this.byKey = new Map(); // key -> [{ kind, block, ...data }]
    this.sentBy = new Map(); // SS58 address -> Set of keys
    this.blocks = new Set(); // hashes of the blocks read
  }

  /// Records the message events of block `number` whose hash is `hash`, once per block.
  ingest(api, { number, hash, events }) {
    if (this.blocks.has(hash)) return;
    this.blocks.add(hash);
    for (const { event } of events) {
      const { section, method, data } = event;
      if (section === 'crossChainMessages') this.#messageEvent(api, method, data, number);
      if (section === 'assetLock' && method === 'TransferSent') {
        const key = messageKey({ source: HUB, destination: data.destination.toNumber(), nonce: data.nonce.toBigInt() });
        const sender = data.sender.toString();
        if (!this.sentBy.has(sender)) this.sentBy.set(sender, new Set());
        this.sentBy.get(sender).add(key);
        this.#add(key, { kind: 'transfer', block: number, amount: data.amount.toBigInt(), sender });
      }
    }
  }

  #messageEvent(api, method, data, block) {
    const channel = (source) => messageKey({ source, destination: data.destination.toNumber(), nonce: data.nonce.toBigInt() });
    switch (method) {
      case 'MessageSent':
        this.#add(channel(HUB), { kind: 'sent', block, leaf: data.leaf.toHex() });
        break;
      case 'MessageRouted':
        this.#add(channel(data.source.toNumber()), { kind: 'sent', block, routed: true });
        break;
      case 'MessageDelivered': {
        const error = data.error.isSome ? describeDispatchError(api.registry, data.error.unwrap()).name : null;
        this.#add(channel(data.source.toNumber()), { kind: 'delivered', block, outcome: data.outcome.type, error });
        break;
      }
      case 'MessageAcknowledged':
        this.#add(channel(data.source.toNumber()), { kind: 'acknowledged', block, outcome: data.outcome.type });
        break;
      case 'MessageTimedOut':
        this.#add(channel(data.source.toNumber()), { kind: 'timedOut', block, height: data.height.toNumber() });
        break;
      case 'MessageForceCompleted':
        this.#add(channel(data.source.toNumber()), { kind: 'forced', block, outcome: data.outcome.type });
        break;
      default:
    }
  }

  #add(key, entry) {
    if (!this.byKey.has(key)) this.byKey.set(key, []);
    this.byKey.get(key).push(entry);
  }

  get(key) {
    return this.byKey.get(key) ?? [];
  }
}

/// A step of a message: `state` is 'done', 'waiting', 'failed' or 'skipped'.
const step = (id, label, state, block, detail) => ({ id, label, state, block: block ?? null, detail: detail ?? '' });

/// Every step of message (source, destination, nonce) as the node and the log know it now.
export async function messageSteps(hub, log, message) {
  return Number(message.destination) === HUB ? inboundSteps(hub, log, message) : outboundSteps(hub, log, message);
}

async function outboundSteps(hub, log, { source, destination, nonce }) {
  const { api } = hub;
  const seen = log.get(messageKey({ source, destination, nonce }));
  const find = (kind) => seen.find((e) => e.kind === kind);
  const [pending, timedOut, found, outbound] = await Promise.all([
    api.query.crossChainMessages.pendingMessages(source, destination, nonce),
    api.query.crossChainMessages.timedOutMessages(source, destination, nonce),
    hub.rpc('fusion_messageProof', [destination, Number(nonce), source]),
    api.query.crossChainMessages.outboundNonces(destination),
  ]);
  const record = pending.isSome ? pending.unwrap() : timedOut.isSome ? timedOut.unwrap() : null;
  const sentEvent = find('sent');
  const ack = find('acknowledged');
  const timedOutEvent = find('timedOut');
  const forced = find('forced');
  // A hub nonce at or below the channel's last one was sent; routed messages we know only while
  // the hub keeps them or from their events.
  const existed = record != null || sentEvent != null || (Number(source) === HUB && BigInt(nonce) <= outbound.toBigInt());
  const completed = existed && pending.isNone;
  const steps = [];

  steps.push(existed
    ? step('sent', Number(source) === HUB ? 'Sent by the hub' : `Routed from chain ${source}`, 'done',
      record?.block.toNumber() ?? sentEvent?.block, record ? `leaf ${record.leaf.toHex()}` : '')
    : step('sent', 'Sent', 'waiting', null, 'the hub has no such message (yet)'));

  if (found) {
    const { block, root, leaf, proof } = found.proof;
    const stored = await api.query.crossChainMessages.outboundRoots(destination, block);
    const matches = stored.isSome && stored.unwrap().toHex() === root;
    steps.push(step('committed', `In the outbound commitment for chain ${destination}`, matches ? 'done' : 'failed', block,
      `root ${root}; leaf ${leaf}; proof of ${proof.length} sibling${proof.length === 1 ? '' : 's'}; ${matches ? 'the root is the one stored in OutboundRoots' : 'the root does NOT match OutboundRoots'}`));
  } else if (record) {
    steps.push(step('committed', 'In the outbound commitment', 'waiting', null, 'no proof served: its commitment aged out (crossChainMessages.recommitMessage commits it again)'));
  } else if (completed) {
    steps.push(step('committed', 'In the outbound commitment', 'done', sentEvent?.block, 'committed when sent; completed since'));
  } else {
    steps.push(step('committed', 'In the outbound commitment', 'waiting'));
  }

  if (ack) {
    steps.push(step('delivered', `Delivered at chain ${destination}`, ack.outcome === 'Delivered' ? 'done' : 'failed', ack.block,
      ack.outcome === 'Delivered' ? 'its receipt says Delivered' : `its receipt says ${ack.outcome}: refunded`));
    steps.push(step('completed', 'Acknowledged: the receipt proven to the hub', 'done', ack.block, `outcome ${ack.outcome}`));
  } else if (timedOutEvent || timedOut.isSome) {
    steps.push(step('delivered', `Delivered at chain ${destination}`, 'skipped', null, 'not delivered before its timeout'));
    steps.push(step('completed', 'Refunded by proof of non-receipt', 'done', timedOutEvent?.block,
      timedOutEvent ? `chain ${destination}'s header ${timedOutEvent.height} is past the timeout and shows the nonce undelivered` : 'timed out; its destination has yet to take it as Expired'));
  } else if (forced) {
    steps.push(step('delivered', `Delivered at chain ${destination}`, forced.outcome === 'Delivered' ? 'done' : 'skipped', forced.block, `decreed ${forced.outcome} by governance`));
    steps.push(step('completed', 'Force-completed by the Council', 'done', forced.block));
  } else if (completed) {
    steps.push(step('delivered', `Delivered at chain ${destination}`, 'done', null, 'completed before the console was watching'));
    steps.push(step('completed', 'Acknowledged or refunded', 'done', null, 'its events are older than what the console read: an indexer would know which'));
  } else {
    steps.push(step('delivered', `Delivered at chain ${destination}`, 'waiting', null, existed ? 'waiting for the destination\'s receipt' : ''));
    steps.push(step('completed', 'Acknowledged (or refunded by proof)', 'waiting'));
  }
  return { steps, record, proof: found };
}

async function inboundSteps(hub, log, { source, destination, nonce }) {
  const { api } = hub;
  const seen = log.get(messageKey({ source, destination, nonce }));
  const delivered = seen.find((e) => e.kind === 'delivered');
  const [lastNonce, receipt, receiptProof] = await Promise.all([
    api.query.crossChainMessages.inboundNonces(source, destination),
    api.query.crossChainMessages.receipts(source, destination, nonce),
    hub.rpc('fusion_receiptProof', [source, destination, Number(nonce)]),
  ]);
  const arrived = lastNonce.toBigInt() >= BigInt(nonce);
  const stored = receipt.isSome ? receipt.unwrap() : null;
  const outcome = delivered?.outcome ?? stored?.receipt.outcome.type;
  const steps = [
    step('sent', `Sent by chain ${source}`, arrived ? 'done' : 'waiting', null, 'committed in a header of its chain'),
    step('delivered', 'Delivered to the hub', arrived ? (outcome && outcome !== 'Delivered' ? 'failed' : 'done') : 'waiting',
      delivered?.block ?? stored?.block.toNumber(),
      arrived ? `outcome ${outcome ?? 'unknown'}${delivered?.error ? ` (${delivered.error})` : ''}` : `the hub's last delivered nonce is ${lastNonce.toString()}`),
  ];
  steps.push(receiptProof
    ? step('committed', `Receipt in the outbound commitment for chain ${source}`, 'done', receiptProof.proof.block,
      `root ${receiptProof.proof.root}; proof of ${receiptProof.proof.proof.length} siblings`)
    : step('committed', `Receipt in the outbound commitment for chain ${source}`, arrived ? 'skipped' : 'waiting', null, arrived ? 'no longer kept' : ''));
  return { steps, record: stored, proof: receiptProof };
}

/// The messages of `address` (SS58) the hub still keeps or the console saw it send.
export async function messagesOf(hub, log, address, accountHex) {
  const { api } = hub;
  const keys = new Set(log.sentBy.get(address) ?? []);
  for (const storage of [api.query.crossChainMessages.pendingMessages, api.query.crossChainMessages.timedOutMessages]) {
    for (const [key, value] of await storage.entries()) {
      const record = value.unwrap();
      const payer = record.payer.isSome ? record.payer.unwrap().toString() : null;
      if (payer === address || record.message.sender.toHex() === accountHex) {
        const [source, destination, nonce] = key.args;
        keys.add(messageKey({ source: source.toNumber(), destination: destination.toNumber(), nonce: nonce.toBigInt() }));
      }
    }
  }
  return [...keys].map((key) => {
    const [source, destination, nonce] = key.split('/');
    return { source: Number(source), destination: Number(destination), nonce: BigInt(nonce) };
  });
}
