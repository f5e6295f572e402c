// Memory: each contestant in its own fresh process (so one's garbage is not another's RSS),
// one after another, a million requests each.

import { CONTESTANT_IDS } from './contestants.js';
import { MEMORY_FLAGS, runChild } from './child.js';

/**
 * @typedef {{ rss: number, heapTotal: number, heapUsed: number, wasm: number | null }}
 *   Reading
 * @typedef {{ afterWarmup: Reading, afterRun: Reading, checkpoints: Reading[],
 *   wrong: number, usPerRequest: number }} MemoryCell
 */

/**
 * Runs the memory section.
 * @param {string} peer The peer's module path.
 * @param {{ warmup: number, requests: number }} plan
 * @returns {Record<string, MemoryCell>}
 */
export function runMemory(peer, plan) {
  const counts = [plan.warmup, plan.requests].map(String);
  return Object.fromEntries(CONTESTANT_IDS.map((id) => [
    id,
    runChild('memory-child.js', MEMORY_FLAGS, [id, peer, ...counts]),
  ]));
}
