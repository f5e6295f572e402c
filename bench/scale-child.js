// One contestant's scale run, in its own process: warm up on a throwaway store, then
// register into a Map that keeps every asset, timing each block.
// Usage: node [V8 flags] bench/scale-child.js <contestant> <peer> <warm-up> <blocks> <per block>
// Prints `{ blockMs, wrong, kept }` as JSON on stdout.

import { SECRET, SEED, mapStorage } from './fixtures.js';
import { loadFactory } from './contestants.js';
import { NS_PER_MS } from './stats.js';
import { expectedStatus, timeBatch } from './warm.js';

const [id, peer, warmupText, blocksText, perBlockText] = process.argv.slice(2);
const perBlock = Number(perBlockText);
const factory = await loadFactory(id, peer);
const expected = expectedStatus(id, SEED);

const warm = await timeBatch(await factory({ secret: SECRET, storage: mapStorage() }),
  SEED.request, expected, Number(warmupText));
const storage = mapStorage();
const handle = await factory({ secret: SECRET, storage });
const blockMs = [];
let wrong = warm.wrong;
for (let block = 0; block < Number(blocksText); block += 1) {
  const batch = await timeBatch(handle, SEED.request, expected, perBlock);
  blockMs.push(batch.ns / NS_PER_MS);
  wrong += batch.wrong;
}
process.stdout.write(JSON.stringify({ blockMs, wrong, kept: storage.map.size }));
