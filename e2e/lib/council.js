// Council motions as the hub's governance runs them: propose, vote, close.

import assert from 'node:assert/strict';
import { submitInBlock } from './node.js';

/// Runs a council motion for `call` with threshold 2 and the ayes of `voters`, then closes it.
/// `propose` records no vote for the proposer: every aye is an explicit vote. Resolves with the
/// events of the closing block.
export async function councilMotion(api, call, proposer, voters) {
  const lengthBound = call.method.encodedLength;
  const { events } = await submitInBlock(api.tx.council.propose(2, call, lengthBound), proposer);
  const proposed = events.find(({ event }) => api.events.council.Proposed.is(event));
  assert.ok(proposed, 'Council.Proposed emitted');
  const { proposalIndex, proposalHash } = proposed.event.data;
  for (const voter of voters) {
    await submitInBlock(api.tx.council.vote(proposalHash, proposalIndex, true), voter);
  }
  const weightBound = { refTime: 10_000_000_000n, proofSize: 1_000_000n };
  const closed = await submitInBlock(
    api.tx.council.close(proposalHash, proposalIndex, weightBound, lengthBound),
    proposer,
  );
  return closed.events;
}
