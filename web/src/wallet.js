// The browser wallet: accounts and signers from an injected extension (window.injectedWeb3),
// through @polkadot/extension-dapp. Nothing is signed in the page itself.

import { web3Enable, web3Accounts, web3FromAddress } from '@polkadot/extension-dapp';

const APP_NAME = 'Fusion Hub console';

/// The accounts of every wallet that lets the console in, or an explanation of why there are
/// none.
export async function loadAccounts() {
  const extensions = await web3Enable(APP_NAME);
  if (extensions.length === 0) {
    return { accounts: [], problem: 'No browser wallet found (Polkadot.js extension, Talisman, SubWallet…): you can watch but not sign.' };
  }
  const accounts = await web3Accounts({ ss58Format: 42 });
  if (accounts.length === 0) {
    return { accounts: [], problem: 'The wallet shares no account with this page.' };
  }
  return {
    accounts: accounts.map(({ address, meta }) => ({ address, name: meta.name ?? '', source: meta.source })),
    problem: null,
  };
}

/// The signer of the wallet that holds `address`.
export async function signerFor(address) {
  const injected = await web3FromAddress(address);
  return injected.signer;
}
