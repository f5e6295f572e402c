// Runs a measurement in a fresh Node process, so that each contestant's heap is its own, and
// reads the one JSON object it prints.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * V8's young generation, fixed at its usual maximum (16 MB per semi-space on 64-bit Node
 * 20) from the start. Left to itself V8 grows it in steps under a steady allocation rate, to
 * about 34 MB, long after any warm-up, and shrinks it again after a full gc: the floor, which
 * keeps nothing, then "grows" 30 MB of RSS over a million requests, and the first block of a
 * timed run pays for scavenges a later block does not. Fixed, what changes is the code's.
 */
export const SEMI_SPACE_MB = 16;
/** Flags of the scale children. */
export const SCALE_FLAGS = [
  `--min-semi-space-size=${SEMI_SPACE_MB}`,
  `--max-semi-space-size=${SEMI_SPACE_MB}`,
];
/**
 * Flags of the memory children: gc on demand, the same young generation, and gc on the main
 * thread only. With V8's helper threads, RSS after gc() flips between two levels about
 * 9.5 MB apart from one reading to the next (the helpers' own allocations, not the heap's),
 * which is the size of the target itself.
 */
export const MEMORY_FLAGS = ['--expose-gc', ...SCALE_FLAGS, '--single-threaded-gc'];

/**
 * Runs `bench/<script>` with `flags` and `args`, and parses its stdout.
 * @param {string} script A file name in `bench/`.
 * @param {string[]} flags Node and V8 flags.
 * @param {string[]} args
 * @returns {any}
 */
export function runChild(script, flags, args) {
  const path = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const child = spawnSync(process.execPath, [...flags, path, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (child.status !== 0) {
    throw new Error(`${script} ${args.join(' ')} failed (exit ${child.status}): `
      + `${child.stderr.trim()}`);
  }
  return JSON.parse(child.stdout);
}
