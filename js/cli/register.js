// `clarento-webhook register`: one asset from options, or a manifest in batches. Both print to
// stdout only what a pipeline consumes, and say everything else on stderr.

import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { UsageError } from './args.js';
import { assetFromOptions } from './asset.js';
import { batchesOf, parseManifest } from './manifest.js';
import { progressReporter } from './progress.js';
import { SendError, send } from './send.js';
import { signingKey } from './sign.js';

/** Exit codes. */
export const EXIT = Object.freeze({ OK: 0, FAILED: 1, USAGE: 2 });
const CREATED = 201;
const MULTI_STATUS = 207;
const MS_PER_SECOND = 1000;
/** Characters of a non-JSON answer quoted in an error. */
const QUOTED_CHARS = 200;

/**
 * @typedef {import('./args.js').Settings} Settings
 * @typedef {import('./progress.js').Streams} Streams
 */

/** Options for `send` from the settings; retries are announced on stderr. */
function sendOptions(settings, stderr) {
  let key;
  if (settings.signingSecret) {
    try {
      key = signingKey(settings.signingSecret);
    } catch (error) {
      throw new UsageError(error.message);
    }
  }
  return {
    url: settings.url,
    secret: settings.secret,
    signingKey: key,
    attempts: settings.attempts,
    timeoutMs: settings.timeoutMs,
    onRetry: ({ attempt, delayMs, reason }) => {
      const seconds = (delayMs / MS_PER_SECOND).toFixed(1);
      stderr.write(`retrying in ${seconds} s (attempt ${attempt + 1} of ${settings.attempts})`
        + ` after ${reason}\n`);
    },
  };
}

/** The server's error message with its details, or what was said instead. */
export function errorMessage(answer) {
  const error = answer.body?.error;
  if (typeof error !== 'string') {
    return `HTTP ${answer.status}: ${answer.text.slice(0, QUOTED_CHARS)}`;
  }
  const details = Array.isArray(answer.body.details) ? answer.body.details : [];
  return [error, ...details.map((d) => `${d.field}: ${d.message}`)].join('; ');
}

/**
 * Registers one asset.
 * @param {Settings} settings
 * @param {Streams} streams
 * @returns {Promise<number>} the exit code
 */
export async function registerOne(settings, { stdout, stderr }) {
  const options = sendOptions(settings, stderr);
  const asset = await assetFromOptions(settings.single);
  const key = settings.single.idempotencyKey ?? randomUUID();
  let answer;
  try {
    answer = await send(asset, key, options);
  } catch (error) {
    if (!(error instanceof SendError)) throw error;
    stderr.write(`clarento-webhook: ${error.message}\n`);
    return EXIT.FAILED;
  }
  if (settings.json) {
    stdout.write(`${answer.body === undefined ? answer.text : JSON.stringify(answer.body)}\n`);
  }
  if (answer.status === CREATED && typeof answer.body?.assetId === 'string') {
    if (!settings.json) stdout.write(`${answer.body.assetId}\n`);
    return EXIT.OK;
  }
  stderr.write(`clarento-webhook: ${errorMessage(answer)}\n`);
  return EXIT.FAILED;
}

/**
 * Registers every asset of a manifest, in batches.
 * @param {Settings} settings
 * @param {Streams} streams
 * @returns {Promise<number>} the exit code
 */
export async function registerManifest(settings, streams) {
  const options = sendOptions(settings, streams.stderr);
  let text;
  try {
    text = await readFile(settings.manifest, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --manifest ${settings.manifest}: ${error.code}`);
  }
  const entries = parseManifest(text);
  const batches = batchesOf(text, entries, settings.batchSize);
  if (entries.length === 0) {
    streams.stderr.write('clarento-webhook: the manifest has no assets\n');
    return EXIT.OK;
  }
  const reporter = progressReporter(streams, entries.length, batches.length);
  const outcomes = new Map();
  for (const entry of entries) {
    if (entry.error) outcomes.set(entry.line, { error: `line is ${entry.error}` });
  }
  let printed = 0;
  const printUpTo = (line) => {
    while (printed < entries.length && entries[printed].line <= line) {
      const { line: number } = entries[printed];
      reporter.result(`${formatOutcome(number, outcomes.get(number), settings.json)}\n`);
      printed += 1;
    }
  };
  let failures = entries.filter((entry) => entry.error).length;
  for (const batch of batches) {
    const results = await sendBatch(batch, options);
    let failed = 0;
    batch.entries.forEach((entry, i) => {
      outcomes.set(entry.line, results[i]);
      if (!results[i].assetId) failed += 1;
    });
    failures += failed;
    reporter.batchDone({ registered: batch.entries.length - failed, failures: failed });
    printUpTo(batch.entries.at(-1).line);
  }
  printUpTo(Infinity);
  reporter.finish();
  return failures > 0 ? EXIT.FAILED : EXIT.OK;
}

/** Sends one batch; resolves to one outcome per entry, in order. */
async function sendBatch(batch, options) {
  const everyone = (outcome) => batch.entries.map(() => outcome);
  let answer;
  try {
    answer = await send({ assets: batch.entries.map((e) => e.asset) }, batch.key, options);
  } catch (error) {
    if (!(error instanceof SendError)) throw error;
    return everyone({ error: error.message });
  }
  const results = answer.body?.results;
  if (answer.status !== MULTI_STATUS || !Array.isArray(results)
    || results.length !== batch.entries.length) {
    return everyone({ statusCode: answer.status, error: errorMessage(answer) });
  }
  return results.map(({ statusCode, assetId, error, details }) => (
    assetId ? { statusCode, assetId } : { statusCode, error, details }));
}

/** `<line>\t<assetId>` or `<line>\terror: <message>`; one JSON object with --json. */
function formatOutcome(line, outcome, json) {
  if (json) return JSON.stringify({ line, ...outcome });
  if (outcome.assetId) return `${line}\t${outcome.assetId}`;
  const details = (outcome.details ?? []).map((d) => `${d.field}: ${d.message}`);
  return `${line}\terror: ${[outcome.error, ...details].join('; ')}`;
}
