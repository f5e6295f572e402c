// One contestant's memory run, in its own process started with --expose-gc: RSS (and, for
// this project, the wasm linear memory) after warm-up, then at every tenth of a million
// requests of the seed's example into a store that does not grow.
// Usage: node --expose-gc [V8 flags] bench/memory-child.js <contestant> <peer> <warm-up> <n>
// Prints one JSON object on stdout.

import { SECRET, SEED, boundedStorage } from './fixtures.js';
import { loadFactory, projectWasmMemoryBytes } from './contestants.js';
import { NS_PER_US } from './stats.js';
import { expectedStatus, timeBatch } from './warm.js';

/** Exit status when gc is not exposed. */
const EXIT_NO_GC = 2;
/** Readings taken during the run, evenly spaced; the last one is the final reading. */
const CHECKPOINTS = 10;

const [id, peer, warmupText, countText] = process.argv.slice(2);
if (typeof globalThis.gc !== 'function') {
  console.error('memory-child: run with node --expose-gc');
  process.exit(EXIT_NO_GC);
}

/** Collects garbage, then reads RSS, the JS heap and, for this project, the wasm memory. */
async function reading() {
  globalThis.gc();
  const { rss, heapTotal, heapUsed } = process.memoryUsage();
  const wasm = id === 'project' ? await projectWasmMemoryBytes() : null;
  return { rss, heapTotal, heapUsed, wasm };
}

const factory = await loadFactory(id, peer);
const handle = await factory({ secret: SECRET, storage: boundedStorage() });
const expected = expectedStatus(id, SEED);
const count = Number(countText);
const perCheckpoint = Math.ceil(count / CHECKPOINTS);

let wrong = (await timeBatch(handle, SEED.request, expected, Number(warmupText))).wrong;
const afterWarmup = await reading();
const checkpoints = [];
let ns = 0;
for (let done = 0; done < count; done += perCheckpoint) {
  const batchSize = Math.min(perCheckpoint, count - done);
  const batch = await timeBatch(handle, SEED.request, expected, batchSize);
  wrong += batch.wrong;
  ns += batch.ns;
  checkpoints.push({ requests: done + batchSize, ...(await reading()) });
}

process.stdout.write(JSON.stringify({
  afterWarmup,
  checkpoints,
  afterRun: checkpoints[checkpoints.length - 1],
  wrong,
  usPerRequest: ns / count / NS_PER_US,
}));
