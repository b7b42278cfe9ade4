// A TCP proxy on 127.0.0.1 in front of a node's RPC port, that a test can cut (every connection
// dropped, new ones refused, as when the node goes down) and restore, without restarting the
// node (a dev node takes a minute or more to start on a small machine).

import { createServer, connect } from 'node:net';

/// Proxies a free port (or `port`) to 127.0.0.1:`targetPort`; resolves with `{ port, url, cut,
/// restore }`. `cut` also shuts it down for good at the end of a test.
export async function startTcpProxy(targetPort, port = 0) {
  const sockets = new Set();
  let server = null;
  const listen = (at) => new Promise((resolve, reject) => {
    server = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    server.on('error', reject);
    server.listen(at, '127.0.0.1', () => resolve(server.address().port));
  });
  const actual = await listen(port);
  return {
    port: actual,
    url: `ws://127.0.0.1:${actual}`,
    /// Drops every connection and stops listening: the node looks down. Resolves once the
    /// server is closed (at once when it was cut already).
    cut: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
    /// Listens again on the same port.
    restore: () => listen(actual),
  };
}
