// Measures a dev node: start to RPC ready, start to first block, RSS after N blocks.
// Usage: node measure.js [blocks=100] [blockTimeMs=500]

import { readFileSync } from 'node:fs';
import { startDevNode, connect } from './lib/node.js';

const blocks = Number(process.argv[2] ?? 100);
const blockTimeMs = Number(process.argv[3] ?? 500);

function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]);
  return (kib / 1024).toFixed(1);
}

const node = await startDevNode({ name: 'measure', extraArgs: ['--dev-block-time', String(blockTimeMs)] });
const api = await connect(node.url);
let firstBlockMs = null;
await new Promise((resolve) => {
  api.rpc.chain.subscribeNewHeads((header) => {
    const n = header.number.toNumber();
    if (n >= 1 && firstBlockMs === null) firstBlockMs = Date.now() - node.startedAt;
    if (n >= blocks) resolve();
  });
});
const rss = rssMiB(node.pid);
await api.disconnect();
await node.stop();
console.log(JSON.stringify({
  rpcReadyMs: node.rpcReadyMs,
  firstBlockMs,
  blocks,
  blockTimeMs,
  rssMiBAfterBlocks: Number(rss),
}));
