// Renders the results as BENCHMARKS.md: the context, the targets, then a table per section
// with this project, the peer and the floor side by side.

import { CASES } from './fixtures.js';
import { CONTESTANT_IDS, CONTESTANT_LABELS } from './contestants.js';
import { MEMORY_FLAGS, SCALE_FLAGS, SEMI_SPACE_MB } from './child.js';
import {
  BYTES_PER_MB, bytes, fixed, grouped, kb, ratio, signedMb,
} from './stats.js';

/** Shown where a contestant has nothing to measure. */
const NONE = '—';

/**
 * A Markdown table.
 * @param {string[]} head
 * @param {Array<Array<string | number>>} rows
 * @returns {string[]} Lines.
 */
function table(head, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)];
}

/**
 * A first column's title, then the contestants'.
 * @param {string} first
 * @param {string} [unit] Appended to the contestants' titles, e.g. `ms`.
 */
function contestantHead(first, unit) {
  const suffix = unit ? ` (${unit})` : '';
  return [first, ...CONTESTANT_IDS.map((id) => `${CONTESTANT_LABELS[id]}${suffix}`)];
}

/** MB with two decimals. */
function mb(n) {
  return Number.isFinite(n) ? `${(n / BYTES_PER_MB).toFixed(2)} MB` : NONE;
}

function contextLines(run) {
  const { machine, plan } = run;
  const lines = [
    '# Benchmarks',
    '',
    'Reproduce: `npm run bench` (runs `scripts/setup.sh`, then `node bench/run.js`). The peer '
      + 'is `PEER_HANDLER` if set, else `../shared/peers/plain-js/handler.mjs` beside the '
      + 'repository.',
    '',
    `- Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, `
      + `${machine.platform}; load average ${machine.loadStart} at the start, `
      + `${machine.loadEnd} at the end.`,
    `- Date: ${run.date}; the whole run took ${fixed(run.seconds, 0)} s.`,
    `- Build measured: sha256 \`${run.build.hashStart.slice(0, 16)}\` over the \`.wasm\` `
      + 'and every module `js/index.js` loads.',
    '- Units: 1 KB = 1,000 bytes and 1 MB = 1,000,000 bytes (the issue does not define '
      + 'them; decimal is the stricter reading of "80 KB").',
    '- Every contestant runs in the same run, side by side, so the machine\'s noise (it is '
      + 'shared) mostly cancels in the ratios; absolute times are noisy, ratios less so.',
    '- The floor is the work no handler avoids: `JSON.parse` of the body, one '
      + '`await storage.set`, `JSON.stringify` of a small answer. It does not authenticate, '
      + 'so it answers 201 even to the wrong secret.',
  ];
  if (run.quick) {
    lines.push('- **Quick run** (`BENCH_QUICK=1`): counts reduced; not a reading of the '
      + 'targets.');
  }
  if (run.build.hashEnd !== run.build.hashStart) {
    lines.push('- **Warning: the build changed during the run** (sha256 '
      + `\`${run.build.hashEnd.slice(0, 16)}\` at the end); the sections measured different `
      + 'builds. Run again.');
  }
  for (const problem of run.problems) lines.push(`- **Invalid:** ${problem}`);
  return [...lines, '', `Plan: ${plan.summary}`];
}

function targetLines(rows) {
  return [
    '## Targets',
    '',
    ...table(['measure', 'target', 'measured', 'result'],
      rows.map((r) => [r.measure, r.target, r.measured, r.pass ? 'PASS' : '**FAIL**'])),
  ];
}

function warmLines(warm, plan) {
  const head = [...contestantHead('request', 'µs'),
    'this project / peer', 'this project / floor', 'peer / floor'];
  const rows = warm.samples
    ? CASES.map((c) => {
      const cell = warm.samples[c.id];
      const us = (id) => cell[id].usPerRequest;
      return [
        `${c.label} (${c.status})`,
        ...CONTESTANT_IDS.map((id) => fixed(us(id))),
        ratio(us('project') / us('peer')),
        ratio(us('project') / us('floor')),
        ratio(us('peer') / us('floor')),
      ];
    })
    : [];
  return [
    '## 1. Warm',
    '',
    `Time per request, median of ${plan.rounds} rounds of ${grouped(plan.perRound)} `
      + `requests after ${grouped(plan.warmup)} of warm-up, each awaited before the next. `
      + 'Within a round the contestants take turns (the order rotates every round) on the '
      + 'same request object, each with its own Map-backed storage that keeps values as '
      + 'given and is emptied before every batch. Every status is checked (expected in '
      + 'brackets; the floor always answers 201).',
    '',
    ...table(head, rows),
  ];
}

function coldLines(cold, processes) {
  const row = (label, key) => [
    label,
    ...CONTESTANT_IDS.map((id) => fixed(cold[id][key])),
    ratio(cold.project[key] / cold.peer[key]),
  ];
  return [
    '## 2. Cold',
    '',
    `Medians over ${processes} fresh \`node\` processes per contestant, run one at a time `
      + 'and taking turns. Each imports the handler module, creates the handler with a '
      + 'Map-backed storage and handles the seed\'s example, which must answer 201. The '
      + 'floor\'s process imports only `bench/floor.js`: it is Node\'s own start-up.',
    '',
    ...table([...contestantHead('measure', 'ms'), 'this project / peer'], [
      row('import → first 201', 'importToFirstMs'),
      row('process start → first 201', 'sinceStartMs'),
      row('whole process, spawn → exit (wall)', 'wallMs'),
    ]),
  ];
}

function sizeLines(size) {
  const row = (label, r) => [label, bytes(r.raw), bytes(r.gzip), kb(r.raw), kb(r.gzip)];
  return [
    '## 3. Size',
    '',
    'Bytes on disk, and gzipped at zlib level 9 (each file alone; totals as one stream). '
      + 'The JS glue is every module `js/index.js` imports, found by following its imports, '
      + 'less the storage adapter it re-exports (listed apart). Node reads the `.wasm` file; '
      + 'bundles (Forge\'s) load `js/inline.js` and the inline module instead. The floor '
      + 'ships nothing.',
    '',
    ...table(['file', 'raw (B)', 'gzip -9 (B)', 'raw', 'gzip -9'], [
      row(`this project: \`${size.wasm.file}\``, size.wasm),
      ...size.glue.map((r) => row(`this project: \`${r.file}\``, r)),
      row('this project: **JS glue, total**', size.glueTotal),
      row(`this project, bundles only: \`${size.inline.file}\` (the wasm as base64)`,
        size.inline),
      ...(size.storage
        ? [row(`this project, storage re-exported: ${size.storage.file}`, size.storage)]
        : []),
      row('peer: `handler.mjs`', size.peer),
      ['floor', NONE, NONE, NONE, NONE],
    ]),
  ];
}

function memoryLines(memory, plan) {
  const each = (fn) => CONTESTANT_IDS.map((id) => fn(memory[id]));
  const wasm = (reading) => (reading.wasm === null ? NONE : `${bytes(reading.wasm)} B`);
  const checkpoints = memory.project.checkpoints.map((_, i) => [
    grouped(memory.project.checkpoints[i].requests),
    ...each((m) => mb(m.checkpoints[i].rss)),
  ]);
  return [
    '## 4. Memory',
    '',
    `Each contestant in its own \`node ${MEMORY_FLAGS.join(' ')}\` process (see below): `
      + `${grouped(plan.warmup)} requests of warm-up, then ${grouped(plan.requests)} requests `
      + 'of the seed\'s example, each awaited, into a storage that keeps only its last 64 '
      + 'values. `gc()` runs before every reading. The wasm linear memory is '
      + '`memory.buffer.byteLength` of the live instance. The young generation is fixed at '
      + `${SEMI_SPACE_MB} MB per semi-space (V8's usual maximum): left to itself, V8 `
      + 'enlarges it in steps to about 34 MB under a steady allocation rate, long after any '
      + 'warm-up, and even the floor, which keeps nothing, then shows about +30 MB of RSS. '
      + 'GC runs on the main thread only: with V8\'s helper threads, RSS after `gc()` flips '
      + 'between two levels about 9.5 MB apart from one reading to the next, which is the '
      + 'size of the target itself. "JS heap reserved" is what V8 has committed for the heap '
      + '(`heapTotal`); "outside the JS heap" is RSS less that (code, Node itself, the wasm '
      + 'memory), once warm-up has touched every page of the heap.',
    '',
    ...table(contestantHead('measure'), [
      ['RSS after warm-up', ...each((m) => mb(m.afterWarmup.rss))],
      [`RSS after ${grouped(plan.requests)}`, ...each((m) => mb(m.afterRun.rss))],
      ['RSS growth', ...each((m) => signedMb(m.afterRun.rss - m.afterWarmup.rss))],
      ['RSS growth, largest at any reading', ...each((m) => signedMb(
        Math.max(...m.checkpoints.map((c) => c.rss)) - m.afterWarmup.rss,
      ))],
      ['JS heap reserved after warm-up', ...each((m) => mb(m.afterWarmup.heapTotal))],
      [`JS heap reserved after ${grouped(plan.requests)}`,
        ...each((m) => mb(m.afterRun.heapTotal))],
      ['JS heap used after warm-up', ...each((m) => mb(m.afterWarmup.heapUsed))],
      [`JS heap used after ${grouped(plan.requests)}`, ...each((m) => mb(m.afterRun.heapUsed))],
      ['outside the JS heap, growth', ...each((m) => signedMb(
        (m.afterRun.rss - m.afterRun.heapTotal) - (m.afterWarmup.rss - m.afterWarmup.heapTotal),
      ))],
      ['wasm memory after warm-up', ...each((m) => wasm(m.afterWarmup))],
      [`wasm memory after ${grouped(plan.requests)}`, ...each((m) => wasm(m.afterRun))],
      ['µs per request over the run', ...each((m) => fixed(m.usPerRequest))],
      ['answers with a wrong status', ...each((m) => grouped(m.wrong))],
    ]),
    '',
    'RSS after gc() through the run:',
    '',
    ...table(contestantHead('requests'), checkpoints),
  ];
}

function scaleLines(scale, plan) {
  const rows = scale.project.blockMs.map((_, block) => [
    `${grouped(block * plan.perBlock + 1)}–${grouped((block + 1) * plan.perBlock)}`,
    ...CONTESTANT_IDS.map((id) => fixed(scale[id].blockMs[block], 1)),
  ]);
  rows.push(['**last / first** (the target)',
    ...CONTESTANT_IDS.map((id) => ratio(scale[id].lastOverFirst))]);
  rows.push(['last / first of a straight line fitted to all blocks',
    ...CONTESTANT_IDS.map((id) => ratio(scale[id].fittedLastOverFirst))]);
  return [
    '## 5. Scale',
    '',
    `${grouped(plan.blocks * plan.perBlock)} registrations of the seed's example in a row, `
      + 'each awaited, into a Map that keeps them all; ms per block of '
      + `${grouped(plan.perBlock)}, after ${grouped(plan.warmup)} requests of warm-up on a `
      + `throwaway store. Each run is a fresh \`node ${SCALE_FLAGS.join(' ')}\` process for `
      + `one contestant (young generation fixed as in section 4, so that the first block does `
      + `not pay for V8 growing it); ${plan.repetitions} runs per contestant, taking turns, `
      + 'and each block\'s time is the median of the runs. On a busy machine one block can '
      + 'be off by a third; the fitted line, over all ten blocks, is the steadier reading of '
      + 'a trend.',
    '',
    ...table(contestantHead('registrations', 'ms'), rows),
  ];
}

/**
 * The whole report.
 * @param {object} run Context and results, as assembled by `run.js`.
 * @returns {string} Markdown.
 */
export function renderReport(run) {
  const { results, plan } = run;
  const parts = [
    contextLines(run),
    targetLines(run.targets),
    warmLines(results.warm, plan.warm),
    coldLines(results.cold, plan.coldProcesses),
    sizeLines(results.size),
    memoryLines(results.memory, plan.memory),
    scaleLines(results.scale, plan.scale),
  ];
  return `${parts.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}
