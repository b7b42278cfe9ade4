// Where the console connects: `?rpc=` in the page's URL, else what the server put in
// `config.js` (scripts/run-console.sh sets it from FUSION_CONSOLE_RPC), else the dev node.

export const DEFAULT_RPC = 'ws://127.0.0.1:9944';

/// The node's WebSocket URL for the page at `location`, with `served` the server's setting:
/// `{ url, served, overridden }`, `served` the URL the server meant (or the default) and
/// `overridden` true when `?rpc=` chose another one, which the page warns about.
export function rpcChoice(location = window.location, served = window.FUSION_CONSOLE?.rpc) {
  const fromQuery = new URLSearchParams(location.search).get('rpc');
  const meant = served || DEFAULT_RPC;
  const url = fromQuery || meant;
  if (!/^wss?:\/\//.test(url)) throw new Error(`The RPC URL must start with ws:// or wss://, not "${url}".`);
  return { url, served: meant, overridden: Boolean(fromQuery) && fromQuery !== meant };
}
