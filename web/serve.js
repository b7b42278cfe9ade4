// Serves the built console (web/dist) over HTTP with node:http alone, and `config.js` with the
// node's RPC URL it was given. Used by scripts/run-console.sh and the browser test.
//
//   node web/serve.js [--port 8080] [--host 127.0.0.1] [--rpc ws://127.0.0.1:9944]

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/// Sent with every answer: no page may frame the console (clickjacking a signature), and no
/// browser may guess a type other than the one given. Scripts, styles and connections are not
/// restricted: the console connects to whatever ws:// or wss:// node it is pointed at.
const SECURITY_HEADERS = {
  'content-security-policy': "frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
};

/// Starts the server on `host:port` (port 0: a free one); resolves with `{ url, port, close }`.
export function serveConsole({ dir = join(here, 'dist'), host = '127.0.0.1', port = 0, rpc = null } = {}) {
  const root = resolve(dir);
  const config = `window.FUSION_CONSOLE = ${JSON.stringify(rpc ? { rpc } : {})};\n`;
  const answer = (res, status, headers, body) => {
    res.writeHead(status, { ...SECURITY_HEADERS, ...headers });
    res.end(body);
  };
  const server = createServer(async (req, res) => {
    try {
      let path;
      try {
        path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      } catch {
        throw Object.assign(new Error('malformed path'), { status: 400 }); // e.g. a stray `%`
      }
      if (path === '/config.js') {
        answer(res, 200, { 'content-type': TYPES['.js'], 'cache-control': 'no-store' }, config);
        return;
      }
      let file = normalize(join(root, path));
      if (file !== root && !file.startsWith(root + sep)) throw Object.assign(new Error('outside'), { status: 403 });
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      answer(res, 200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }, body);
    } catch (error) {
      const status = error.status ?? (error.code === 'ENOENT' ? 404 : 500);
      const words = { 400: 'bad request', 403: 'forbidden', 404: 'not found' }[status] ?? 'error';
      answer(res, status, { 'content-type': 'text/plain; charset=utf-8' }, words);
    }
  });
  return new Promise((resolveStart, reject) => {
    server.on('error', reject);
    server.listen(port, host, () => {
      const actual = server.address().port;
      resolveStart({ url: `http://${host}:${actual}/`, port: actual, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const { url } = await serveConsole({
    port: Number(option('port', 8080)),
    host: option('host', '127.0.0.1'),
    rpc: option('rpc', null),
    dir: option('dir', join(here, 'dist')),
  });
  console.log(`Fusion Hub console: ${url} (node ${option('rpc', 'ws://127.0.0.1:9944')}; ?rpc=ws://… in the URL overrides)`);
}
