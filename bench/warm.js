// Warm: per-request time of each contestant on the same requests, round by round, with the
// contestants interleaved (and their order rotated) so the machine's noise hits all alike.

import { CASES, SECRET, STATUS_CREATED, mapStorage } from './fixtures.js';
import { CONTESTANT_IDS } from './contestants.js';
import { NS_PER_US, elapsedNs, median } from './stats.js';

/**
 * @typedef {{ rounds: number, perRound: number, warmup: number }} WarmPlan
 * @typedef {{ usPerRequest: number, rounds: number[], wrong: number, statuses: number[] }}
 *   WarmCell
 */

/** The status a contestant should answer: the floor does not authenticate, so always 201. */
export function expectedStatus(id, benchCase) {
  return id === 'floor' ? STATUS_CREATED : benchCase.status;
}

/**
 * Sends `request` `count` times, one after another, awaiting each answer.
 * @returns {Promise<{ ns: number, wrong: number, status: number }>} Total time, how many
 *   answers had another status than `expected`, and the last status seen.
 */
export async function timeBatch(handle, request, expected, count) {
  let wrong = 0;
  let status = expected;
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) {
    const response = await handle(request);
    if (response.statusCode !== expected) {
      wrong += 1;
      status = response.statusCode;
    }
  }
  return { ns: elapsedNs(start), wrong, status };
}

/**
 * One request per contestant and case before anything is timed, so that a broken handler
 * is reported with its answer instead of being measured.
 * @returns {Promise<string[]>} What went wrong, empty when all is well.
 */
export async function sanityCheck(contestants) {
  const problems = [];
  for (const id of CONTESTANT_IDS) {
    for (const benchCase of CASES) {
      const response = await contestants[id].handle(benchCase.request);
      const expected = expectedStatus(id, benchCase);
      if (response.statusCode !== expected) {
        problems.push(`${id}, ${benchCase.label}: status ${response.statusCode}, expected `
          + `${expected}; body ${String(response.body).slice(0, 200)}`);
      } else if (expected === STATUS_CREATED
        && typeof JSON.parse(response.body).assetId !== 'string') {
        problems.push(`${id}, ${benchCase.label}: 201 without an assetId in the body`);
      }
    }
  }
  return problems;
}

/**
 * Runs the warm section.
 * @param {Record<string, Function>} factories Contestant factories by id.
 * @param {WarmPlan} plan
 * @returns {Promise<{ samples?: Record<string, Record<string, WarmCell>>, problems: string[] }>}
 *   The cells by case id, then contestant; or, when a first answer was wrong, what was.
 */
export async function runWarm(factories, plan) {
  const contestants = {};
  for (const id of CONTESTANT_IDS) {
    const storage = mapStorage();
    contestants[id] = { storage, handle: await factories[id]({ secret: SECRET, storage }) };
  }
  const problems = await sanityCheck(contestants);
  if (problems.length) return { problems };

  for (const id of CONTESTANT_IDS) {
    for (const benchCase of CASES) {
      const { handle, storage } = contestants[id];
      await timeBatch(handle, benchCase.request, expectedStatus(id, benchCase), plan.warmup);
      storage.map.clear();
    }
  }

  /** @type {Record<string, Record<string, WarmCell>>} */
  const samples = {};
  for (const benchCase of CASES) {
    samples[benchCase.id] = Object.fromEntries(CONTESTANT_IDS.map((id) => [id, {
      usPerRequest: NaN, rounds: [], wrong: 0, statuses: [],
    }]));
  }
  for (let round = 0; round < plan.rounds; round += 1) {
    for (const benchCase of CASES) {
      for (let k = 0; k < CONTESTANT_IDS.length; k += 1) {
        const id = CONTESTANT_IDS[(round + k) % CONTESTANT_IDS.length];
        const { handle, storage } = contestants[id];
        // Every batch starts from an empty store, so no contestant pays for another's growth.
        storage.map.clear();
        const expected = expectedStatus(id, benchCase);
        const batch = await timeBatch(handle, benchCase.request, expected, plan.perRound);
        const cell = samples[benchCase.id][id];
        cell.rounds.push(batch.ns / plan.perRound / NS_PER_US);
        cell.wrong += batch.wrong;
        if (batch.wrong) cell.statuses.push(batch.status);
      }
    }
  }
  for (const id of CONTESTANT_IDS) contestants[id].storage.map.clear();

  for (const byContestant of Object.values(samples)) {
    for (const cell of Object.values(byContestant)) cell.usPerRequest = median(cell.rounds);
  }
  return { samples, problems: [] };
}
