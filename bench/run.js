// `npm run bench`: measures this project's handler beside the plain-JavaScript peer and the
// floor, in one run, and writes BENCHMARKS.md. See the issue "Performance" for the targets.
//
// Exits 0 when every measurement is valid, whether or not the targets are met (it is a
// measurement); exits 1 when a handler answered with a wrong status (then the numbers would
// measure errors) or could not be run. BENCH_QUICK=1 runs reduced counts, prints, and writes
// nothing.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { runCold } from './cold.js';
import {
  CONTESTANT_IDS, PROJECT_ENTRY, REPO_ROOT, loadFactories, peerPath,
} from './contestants.js';
import { runMemory } from './memory.js';
import { renderReport } from './report.js';
import { runScale } from './scale.js';
import { moduleGraph, runSize, WASM_FILE } from './size.js';
import { grouped } from './stats.js';
import { evaluateTargets } from './targets.js';
import { runWarm } from './warm.js';

/** Where the report goes. */
const REPORT_FILE = resolve(REPO_ROOT, 'BENCHMARKS.md');
/** Milliseconds in a second. */
const MS_PER_S = 1000;
/** Exit status when a measurement is invalid. */
const EXIT_INVALID = 1;

/** The counts of a full run: a few minutes on two busy cores. */
const FULL_PLAN = {
  warm: { rounds: 7, perRound: 5_000, warmup: 5_000 },
  coldProcesses: 21,
  memory: { warmup: 100_000, requests: 1_000_000 },
  scale: { blocks: 10, perBlock: 10_000, repetitions: 5, warmup: 10_000 },
};
/** Reduced counts, to check the harness itself. */
const QUICK_PLAN = {
  warm: { rounds: 3, perRound: 500, warmup: 500 },
  coldProcesses: 3,
  memory: { warmup: 1_000, requests: 20_000 },
  scale: { blocks: 10, perBlock: 500, repetitions: 1, warmup: 200 },
};

/** Progress, on stderr so that stdout is the report. */
function say(text) {
  process.stderr.write(`[bench] ${text}\n`);
}

/**
 * The sha256 of what Node loads from this project (the .wasm, then every module of
 * `js/index.js`), to tell whether a build landed during the run.
 */
function buildHash() {
  const hash = createHash('sha256');
  for (const file of [WASM_FILE, ...moduleGraph(PROJECT_ENTRY)]) {
    hash.update(readFileSync(resolve(REPO_ROOT, file)));
  }
  return hash.digest('hex');
}

/** CPU, cores, Node, OS, load. */
function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: os.availableParallelism?.() ?? cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    loadStart: os.loadavg().map((n) => n.toFixed(2)).join(' '),
  };
}

/** The sections' problems: wrong statuses, a store that did not keep what it should. */
function findProblems(results, plan) {
  const problems = { warm: [...(results.warm.problems ?? [])], memory: [], scale: [] };
  for (const [caseId, byContestant] of Object.entries(results.warm.samples ?? {})) {
    for (const [id, cell] of Object.entries(byContestant)) {
      if (cell.wrong) {
        problems.warm.push(`warm, ${caseId}, ${id}: ${cell.wrong} answers with status `
          + `${cell.statuses.join(', ')}`);
      }
    }
  }
  for (const id of CONTESTANT_IDS) {
    const m = results.memory[id];
    if (m.wrong) problems.memory.push(`memory, ${id}: ${grouped(m.wrong)} wrong statuses`);
    const s = results.scale[id];
    const expected = plan.scale.blocks * plan.scale.perBlock;
    if (s.wrong) problems.scale.push(`scale, ${id}: ${grouped(s.wrong)} wrong statuses`);
    if (s.kept !== expected) {
      problems.scale.push(`scale, ${id}: the Map kept ${grouped(s.kept)} assets, not `
        + `${grouped(expected)}`);
    }
  }
  return problems;
}

function summary(plan) {
  const { warm, memory, scale } = plan;
  return `warm ${warm.rounds} × ${grouped(warm.perRound)} requests per contestant and `
    + `request; cold ${plan.coldProcesses} processes each; memory `
    + `${grouped(memory.requests)} requests each; scale ${scale.repetitions} × `
    + `${grouped(scale.blocks * scale.perBlock)} registrations each.`;
}

async function main() {
  const started = performance.now();
  const quick = Boolean(process.env.BENCH_QUICK);
  const counts = quick ? QUICK_PLAN : FULL_PLAN;
  const plan = { ...counts, summary: summary(counts) };
  const peer = peerPath();
  const hashStart = buildHash();
  const context = machine();
  say(`peer: ${peer}`);

  const results = {};
  say('size');
  results.size = runSize(peer);
  const factories = await loadFactories(peer);
  say('warm');
  results.warm = await runWarm(factories, plan.warm);
  if (results.warm.problems.length) {
    for (const problem of results.warm.problems) say(`INVALID: ${problem}`);
  }
  say('scale');
  results.scale = runScale(peer, plan.scale);
  say('cold');
  results.cold = runCold(peer, plan.coldProcesses);
  say(`memory (${grouped(plan.memory.requests)} requests per contestant, the long part)`);
  results.memory = runMemory(peer, plan.memory);

  const problems = findProblems(results, plan);
  const targets = evaluateTargets(results, problems, plan);
  const run = {
    date: new Date().toISOString(),
    seconds: (performance.now() - started) / MS_PER_S,
    machine: { ...context, loadEnd: os.loadavg().map((n) => n.toFixed(2)).join(' ') },
    build: { hashStart, hashEnd: buildHash() },
    quick,
    plan,
    results,
    targets,
    problems: [...problems.warm, ...problems.memory, ...problems.scale],
  };
  const report = renderReport(run);
  process.stdout.write(report);
  process.stdout.write('\n');
  for (const row of targets) {
    const verdict = row.pass ? 'PASS' : 'FAIL';
    process.stdout.write(`${verdict}  ${row.measure}: ${row.measured} (target ${row.target})`
      + `${row.invalid ? ` — ${row.invalid}` : ''}\n`);
  }
  if (run.build.hashEnd !== hashStart) say('WARNING: the build changed during the run');
  if (quick) {
    say('quick run: BENCHMARKS.md not written');
  } else {
    writeFileSync(REPORT_FILE, report);
    say(`wrote ${REPORT_FILE}`);
  }
  if (run.problems.length) process.exitCode = EXIT_INVALID;
}

try {
  await main();
} catch (error) {
  // A contestant that cannot start or answer leaves nothing to measure.
  console.error(`bench: ${error.message}`);
  process.exitCode = EXIT_INVALID;
}
