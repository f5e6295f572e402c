// The targets, and how each is read from the results.

import {
  BYTES_PER_KB, BYTES_PER_MB, bytes, fixed, grouped, kb, ratio, signedMb,
} from './stats.js';

/** Warm, seed's example: this project's time over the peer's, at most. */
export const WARM_VS_PEER_MAX = 0.8;
/** Warm, seed's example: this project's time over the floor's, at most. */
export const WARM_VS_FLOOR_MAX = 2;
/** Cold start, import to first 201: this project's over the peer's, at most. */
export const COLD_VS_PEER_MAX = 1.5;
/** The shipped .wasm, raw and gzipped, at most (1 KB = 1000 bytes). */
export const WASM_RAW_MAX_BYTES = 80 * BYTES_PER_KB;
export const WASM_GZIP_MAX_BYTES = 32 * BYTES_PER_KB;
/** RSS growth from after warm-up to after the million requests, at most (1 MB = 10^6 B). */
export const RSS_GROWTH_MAX_BYTES = 10 * BYTES_PER_MB;
/** Wasm linear memory growth over the same run: none. */
export const WASM_GROWTH_MAX_BYTES = 0;
/** Scale: the last block's time over the first's, at most. */
export const SCALE_LAST_OVER_FIRST_MAX = 1.2;

/**
 * @typedef {{ measure: string, target: string, measured: string, pass: boolean,
 *   invalid?: string }} TargetRow
 */

/**
 * Every target with its measured value. A measure whose responses had a wrong status is
 * invalid, and fails.
 * @param {object} results What the sections returned.
 * @param {{ warm: string[], memory: string[], scale: string[] }} invalid Problems by section.
 * @param {{ memory: { requests: number }, scale: { blocks: number, perBlock: number } }} plan
 * @returns {TargetRow[]}
 */
export function evaluateTargets(results, invalid, plan) {
  const { warm, cold, size, memory, scale } = results;
  const rows = [];
  const add = (measure, target, value, shown, pass, problems = []) => {
    const bad = problems.length > 0 || !Number.isFinite(value);
    rows.push({
      measure,
      target,
      measured: bad ? 'invalid' : shown,
      pass: !bad && pass,
      invalid: problems.length ? problems.join('; ') : undefined,
    });
  };

  const seed = warm.samples?.seed;
  const overPeer = seed ? seed.project.usPerRequest / seed.peer.usPerRequest : NaN;
  const overFloor = seed ? seed.project.usPerRequest / seed.floor.usPerRequest : NaN;
  add('warm, seed example: this project / peer', `≤ ${fixed(WARM_VS_PEER_MAX)}×`,
    overPeer, ratio(overPeer), overPeer <= WARM_VS_PEER_MAX, invalid.warm);
  add('warm, seed example: this project / floor', `≤ ${fixed(WARM_VS_FLOOR_MAX)}×`,
    overFloor, ratio(overFloor), overFloor <= WARM_VS_FLOOR_MAX, invalid.warm);

  const coldRatio = cold.project.importToFirstMs / cold.peer.importToFirstMs;
  add('cold start, import to first 201: this project / peer', `≤ ${fixed(COLD_VS_PEER_MAX)}×`,
    coldRatio, ratio(coldRatio), coldRatio <= COLD_VS_PEER_MAX);

  add('.wasm shipped, raw', `≤ ${kb(WASM_RAW_MAX_BYTES)} (${bytes(WASM_RAW_MAX_BYTES)} B)`,
    size.wasm.raw, `${kb(size.wasm.raw)} (${bytes(size.wasm.raw)} B)`,
    size.wasm.raw <= WASM_RAW_MAX_BYTES);
  add('.wasm shipped, gzip -9', `≤ ${kb(WASM_GZIP_MAX_BYTES)} (${bytes(WASM_GZIP_MAX_BYTES)} B)`,
    size.wasm.gzip, `${kb(size.wasm.gzip)} (${bytes(size.wasm.gzip)} B)`,
    size.wasm.gzip <= WASM_GZIP_MAX_BYTES);

  const project = memory.project;
  const rssGrowth = project.afterRun.rss - project.afterWarmup.rss;
  const requests = grouped(plan.memory.requests);
  add(`memory, ${requests} requests: RSS growth after warm-up`,
    `≤ +${fixed(RSS_GROWTH_MAX_BYTES / BYTES_PER_MB)} MB`,
    rssGrowth, signedMb(rssGrowth), rssGrowth <= RSS_GROWTH_MAX_BYTES, invalid.memory);
  const wasmGrowth = project.afterRun.wasm - project.afterWarmup.wasm;
  add(`memory, ${requests} requests: wasm memory growth after warm-up`,
    `${bytes(WASM_GROWTH_MAX_BYTES)} B`,
    wasmGrowth, `${wasmGrowth >= 0 ? '+' : ''}${bytes(wasmGrowth)} B`,
    wasmGrowth <= WASM_GROWTH_MAX_BYTES, invalid.memory);

  const scaleRatio = scale.project.lastOverFirst;
  const registrations = grouped(plan.scale.blocks * plan.scale.perBlock);
  add(`scale, ${registrations} registrations: last block / first block`,
    `≤ ${fixed(SCALE_LAST_OVER_FIRST_MAX)}×`,
    scaleRatio, ratio(scaleRatio), scaleRatio <= SCALE_LAST_OVER_FIRST_MAX, invalid.scale);
  return rows;
}
