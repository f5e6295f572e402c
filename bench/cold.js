// Cold: fresh Node processes, taking turns between this project, the peer and the floor, each
// importing its handler and answering the seed's example once. The floor's process is the
// baseline: Node's own start-up plus an import of a tiny module.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CONTESTANT_IDS, entryOf } from './contestants.js';
import { NS_PER_MS, elapsedNs, median } from './stats.js';

/** The script each child runs. */
const CHILD = fileURLToPath(new URL('./cold-child.js', import.meta.url));

/**
 * @typedef {{ importToFirstMs: number, sinceStartMs: number, wallMs: number }} ColdCell
 *   Medians over the processes.
 */

/**
 * Starts one child and waits for it.
 * @returns {{ importToFirstMs: number, sinceStartMs: number, wallMs: number }}
 */
function coldStart(modulePath) {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [CHILD, modulePath], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const wallMs = elapsedNs(start) / NS_PER_MS;
  if (child.status !== 0) {
    throw new Error(`cold start of ${modulePath} failed (exit ${child.status}): `
      + `${child.stderr.trim()}`);
  }
  return { ...JSON.parse(child.stdout), wallMs };
}

/**
 * Runs the cold section.
 * @param {string} peer The peer's module path.
 * @param {number} processes How many processes per contestant.
 * @returns {Record<string, ColdCell & { runs: object[] }>}
 */
export function runCold(peer, processes) {
  const runs = Object.fromEntries(CONTESTANT_IDS.map((id) => [id, []]));
  for (let i = 0; i < processes; i += 1) {
    // Rotate who goes first, so that no contestant always follows the same one.
    for (let k = 0; k < CONTESTANT_IDS.length; k += 1) {
      const id = CONTESTANT_IDS[(i + k) % CONTESTANT_IDS.length];
      runs[id].push(coldStart(entryOf(id, peer)));
    }
  }
  return Object.fromEntries(CONTESTANT_IDS.map((id) => [id, {
    runs: runs[id],
    importToFirstMs: median(runs[id].map((r) => r.importToFirstMs)),
    sinceStartMs: median(runs[id].map((r) => r.sinceStartMs)),
    wallMs: median(runs[id].map((r) => r.wallMs)),
  }]));
}
