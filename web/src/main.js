// The console's shell: the status bar, the wallet's account picker, and the four pages, each
// refreshed at every new block while it is shown.

import { Hub } from './api.js';
import { rpcChoice } from './config.js';
import { h, replace } from './dom.js';
import { loadAccounts } from './wallet.js';
import { MessageLog } from './messages.js';
import { peersPage } from './pages/peers.js';
import { transfersPage } from './pages/transfers.js';
import { booksPage } from './pages/books.js';
import { settlementsPage } from './pages/settlements.js';

const PAGES = { peers: peersPage, transfers: transfersPage, books: booksPage, settlements: settlementsPage };

const statusEl = document.getElementById('status');
const pageEl = document.getElementById('page');
const walletEl = document.getElementById('wallet');

let url;
try {
  const choice = rpcChoice();
  url = choice.url;
  if (choice.overridden) {
    // Someone else's link can point the console at a node of their own, which shows what it
    // likes and asks the wallet to sign what it likes.
    document.getElementById('rpc-warning').replaceChildren(h('strong', {}, 'Another node: '),
      `this tab reads ${choice.url}, set by ?rpc= in the page's address, not the node this console is served for (${choice.served}). `
      + 'Sign nothing unless you trust that node.');
    document.getElementById('rpc-warning').hidden = false;
  }
} catch (error) {
  statusEl.className = 'status status-down';
  statusEl.textContent = error.message;
  throw error;
}

const hub = new Hub(url);
const log = new MessageLog();
const wallet = { selected: null, accounts: [] };
const ctx = { hub, log, wallet, refresh: () => refreshPage() };
const pages = {};
let current = null;

function showStatus() {
  const { status, statusDetail, best, nodeInfo } = hub;
  statusEl.className = `status status-${status}`;
  statusEl.dataset.status = status;
  const words = {
    connecting: `connecting to ${url}…`,
    connected: `connected to ${url}`,
    reconnecting: `connection to ${url} lost: reconnecting`,
    down: 'node down',
  }[status];
  const parts = [words];
  if (status === 'connected' && nodeInfo) parts.push(`${nodeInfo.chainName} (spec ${nodeInfo.specVersion}, ${nodeInfo.mode})`);
  if (status === 'connected' && best) parts.push(`best block #${best.number}, ${Math.round((Date.now() - best.at) / 1000)} s ago`);
  if (statusDetail) parts.push(statusDetail);
  statusEl.textContent = parts.join(' · ');
}

function route() {
  const name = (window.location.hash.replace('#', '') || 'peers').split('?')[0];
  const page = PAGES[name] ? name : 'peers';
  for (const a of document.querySelectorAll('#tabs a')) a.classList.toggle('active', a.dataset.page === page);
  if (!pages[page]) pages[page] = PAGES[page](ctx);
  current = pages[page];
  replace(pageEl, current.el);
  refreshPage();
}

let refreshing = false;
let again = false;
async function refreshPage() {
  if (!current || !hub.api?.isConnected || hub.status !== 'connected') return;
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  const page = current;
  try {
    await page.refresh();
    page.el.querySelector(':scope > .page-error')?.remove();
  } catch (error) {
    if (!page.el.querySelector(':scope > .page-error')) {
      page.el.prepend(h('p', { class: 'note note-error page-error', role: 'alert' }, `Could not read the chain: ${error.message}`));
    }
  } finally {
    refreshing = false;
    if (again) {
      again = false;
      refreshPage();
    }
  }
}

async function setupWallet() {
  const { accounts, problem } = await loadAccounts().catch((e) => ({ accounts: [], problem: `The wallet failed: ${e.message}` }));
  wallet.accounts = accounts;
  if (!accounts.length) {
    replace(walletEl, h('span', { class: 'muted', id: 'wallet-problem' }, problem));
    return;
  }
  wallet.selected = accounts[0].address;
  const select = h('select', { id: 'account', onchange: (e) => { wallet.selected = e.target.value; refreshPage(); } },
    accounts.map((a) => h('option', { value: a.address }, `${a.name || 'account'} · ${a.address.slice(0, 6)}…${a.address.slice(-4)}`)));
  replace(walletEl, h('label', {}, 'Account ', select));
}

hub.addEventListener('status', () => { showStatus(); if (hub.status === 'connected') refreshPage(); });
hub.addEventListener('head', showStatus);
// At each (re)connection; the hub hands on the blocks it missed as `block` events.
hub.addEventListener('ready', () => refreshPage());
// A restarted `--tmp` node: the messages seen belong to the chain that is gone.
hub.addEventListener('genesis', () => log.clear());
hub.addEventListener('block', (e) => {
  log.ingest(hub.api, e.detail);
  refreshPage();
});
setInterval(showStatus, 1000);
window.addEventListener('hashchange', route);

window.fusionConsole = ctx; // for the browser test and curious operators
showStatus();
setupWallet();
hub.start();
route();
