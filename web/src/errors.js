// Failures in words: a pallet's named error with its documentation, or what the node said.

/// A dispatch error as `pallet.Name: its doc comment`, e.g.
/// `assetLock.InsufficientBalance: The account holds too little of the token (keeping itself
/// alive).` Other errors (BadOrigin, token or arithmetic errors) by their variant.
export function describeDispatchError(registry, dispatchError) {
  if (dispatchError.isModule) {
    try {
      const { section, name, docs } = registry.findMetaError(dispatchError.asModule);
      const text = docs.join(' ').trim();
      return { name: `${section}.${name}`, text: text ? `${section}.${name}: ${text}` : `${section}.${name}` };
    } catch {
      return { name: 'Module', text: `a module error: ${dispatchError.toString()}` };
    }
  }
  if (dispatchError.isToken) {
    return { name: `Token.${dispatchError.asToken.type}`, text: `Token error: ${dispatchError.asToken.type}` };
  }
  if (dispatchError.isArithmetic) {
    return { name: `Arithmetic.${dispatchError.asArithmetic.type}`, text: `Arithmetic error: ${dispatchError.asArithmetic.type}` };
  }
  return { name: dispatchError.type, text: dispatchError.type === 'BadOrigin'
    ? 'BadOrigin: this account may not make this call.'
    : String(dispatchError.type) };
}

/// An error thrown by the wallet, the node's transaction pool or the connection, in words.
export function describeFailure(error) {
  const message = error?.message ?? String(error);
  if (/1010|Invalid Transaction/i.test(message)) return `The node refused the transaction: ${message.replace(/^\d+:\s*/, '')}`;
  if (/Cancelled|Rejected/i.test(message)) return `The wallet did not sign: ${message}`;
  if (/disconnected|WebSocket is not connected|No response/i.test(message)) return `The node is not reachable: ${message}`;
  return message;
}
