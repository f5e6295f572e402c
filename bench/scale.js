// Scale: registrations one after another into a Map that keeps every asset, timed per block.
// Each run is a fresh process for one contestant (so the heap it walks is its own); the
// contestants take turns over several repetitions, and each block's time is the median over
// the repetitions.

import { CONTESTANT_IDS } from './contestants.js';
import { SCALE_FLAGS, runChild } from './child.js';
import { fittedLastOverFirst, median } from './stats.js';

/**
 * @typedef {{ blocks: number, perBlock: number, repetitions: number, warmup: number }}
 *   ScalePlan
 * @typedef {{ blockMs: number[], lastOverFirst: number, fittedLastOverFirst: number,
 *   wrong: number, kept: number }} ScaleCell
 */

/**
 * Runs the scale section.
 * @param {string} peer The peer's module path.
 * @param {ScalePlan} plan
 * @returns {Record<string, ScaleCell>}
 */
export function runScale(peer, plan) {
  const runs = Object.fromEntries(CONTESTANT_IDS.map((id) => [id, []]));
  const args = [plan.warmup, plan.blocks, plan.perBlock].map(String);
  for (let rep = 0; rep < plan.repetitions; rep += 1) {
    for (let k = 0; k < CONTESTANT_IDS.length; k += 1) {
      const id = CONTESTANT_IDS[(rep + k) % CONTESTANT_IDS.length];
      runs[id].push(runChild('scale-child.js', SCALE_FLAGS, [id, peer, ...args]));
    }
  }
  return Object.fromEntries(CONTESTANT_IDS.map((id) => {
    const blockMs = runs[id][0].blockMs.map((_, b) => median(runs[id].map((r) => r.blockMs[b])));
    return [id, {
      blockMs,
      lastOverFirst: blockMs[blockMs.length - 1] / blockMs[0],
      fittedLastOverFirst: fittedLastOverFirst(blockMs),
      // Every run must answer right and keep every asset; report the worst.
      wrong: runs[id].reduce((sum, r) => sum + r.wrong, 0),
      kept: Math.min(...runs[id].map((r) => r.kept)),
    }];
  }));
}
