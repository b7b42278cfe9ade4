// A flood of pre-signed transactions, submitted at once, followed block by block until every
// one is in a block: what the throughput benchmark measures and the capacity test checks.

const log = (...args) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...args);

/// Signs `count` calls (`callOf(i)`), spread over `signers` with consecutive nonces each,
/// immortal so that none expires while the pool holds it.
export async function presign(api, count, signers, callOf) {
  const nonces = new Map();
  for (const signer of signers) {
    nonces.set(signer.address, (await api.rpc.system.accountNextIndex(signer.address)).toNumber());
  }
  // Signed locally with everything given (`signAsync` would ask the node for each one).
  const options = {
    blockHash: api.genesisHash,
    genesisHash: api.genesisHash,
    runtimeVersion: api.runtimeVersion,
    signedExtensions: api.registry.signedExtensions,
    era: 0,
  };
  const signed = [];
  for (let i = 0; i < count; i += 1) {
    const signer = signers[i % signers.length];
    const nonce = nonces.get(signer.address);
    nonces.set(signer.address, nonce + 1);
    signed.push(callOf(i).sign(signer, { ...options, nonce }).toHex());
  }
  log(`signed ${count} transactions`);
  return signed;
}

/// Submits every transaction at once and follows the blocks until each is in one; returns the
/// scenario's figures. `itemsOf(extrinsic, events)` counts the items an included transaction
/// carried (1 for a transfer, the messages delivered for a batch). Gives up after `timeoutMs`.
export async function floodAndFollow(api, name, signed, { section, method, itemsOf, timeoutMs = 20 * 60_000 }) {
  const startBlock = (await api.rpc.chain.getHeader()).number.toNumber();
  const startedAt = Date.now();
  const submissions = await Promise.allSettled(signed.map((tx) => api.rpc.author.submitExtrinsic(tx)));
  const refused = submissions.filter((s) => s.status === 'rejected');
  log(`${name}: ${signed.length - refused.length} submitted in ${Date.now() - startedAt} ms, ${refused.length} refused by the pool`);
  if (refused.length > 0) log(`  first refusal: ${refused[0].reason}`);

  const perBlock = [];
  let included = 0;
  let failed = 0;
  let items = 0;
  const failures = new Map();
  let number = startBlock;
  let lastSeenAt = null;
  let skippedBlocks = 0;
  const deadline = Date.now() + timeoutMs;
  while (included < signed.length - refused.length && Date.now() < deadline) {
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    if (best <= number) {
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    number += 1;
    const seenAt = Date.now();
    const hash = await api.rpc.chain.getBlockHash(number);
    const [block, events] = await Promise.all([
      api.rpc.chain.getBlock(hash),
      api.query.system.events.at(hash),
    ]);
    let inBlock = 0;
    let itemsInBlock = 0;
    block.block.extrinsics.forEach((extrinsic, index) => {
      if (extrinsic.method.section !== section || extrinsic.method.method !== method) return;
      const own = events.filter(({ phase }) => phase.isApplyExtrinsic && phase.asApplyExtrinsic.toNumber() === index);
      const failure = own.find(({ event }) => api.events.system.ExtrinsicFailed.is(event));
      inBlock += 1;
      if (failure) {
        failed += 1;
        const error = failure.event.data.dispatchError;
        const key = error.isModule ? (({ section: s, name: n }) => `${s}.${n}`)(api.registry.findMetaError(error.asModule)) : error.toString();
        failures.set(key, (failures.get(key) ?? 0) + 1);
      } else {
        itemsInBlock += itemsOf(extrinsic, own);
      }
    });
    if (inBlock === 0 && lastSeenAt !== null) {
      // A block with none of them while some were still waiting in the pool.
      skippedBlocks += 1;
    }
    if (inBlock > 0) {
      lastSeenAt = seenAt;
      included += inBlock;
      items += itemsInBlock;
      perBlock.push(itemsInBlock);
      log(`  block ${number}: ${inBlock} included, ${itemsInBlock} items`);
    }
  }
  // Wall-clock time from the first submission to the arrival of the last block with one of
  // them (the dev node's timestamps advance by a 6 s slot per block, whatever its block time).
  const wallMs = (lastSeenAt ?? Date.now()) - startedAt;
  const result = {
    scenario: name,
    submitted: signed.length,
    refusedByPool: refused.length,
    included,
    failed,
    failures: Object.fromEntries(failures),
    items,
    blocks: perBlock.length,
    perBlock,
    skippedBlocks,
    maxPerBlock: Math.max(0, ...perBlock),
    itemsPerSecond: wallMs > 0 ? items / (wallMs / 1000) : 0,
    seconds: wallMs / 1000,
  };
  log(`${name}: ${JSON.stringify(result)}`);
  return result;
}

