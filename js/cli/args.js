// The command line of `clarento-webhook`: options, environment and usage text, read into one
// plain settings object. Everything wrong with them is a UsageError (exit code 2).

import { parseArgs } from 'node:util';
import { DEFAULT_ATTEMPTS, DEFAULT_TIMEOUT_MS } from './send.js';

/** Environment variables the CLI reads. */
export const ENV = Object.freeze({
  url: 'CLARENTO_WEBHOOK_URL',
  secret: 'CLARENTO_WEBHOOK_SECRET',
  signingSecret: 'CLARENTO_WEBHOOK_SIGNING_SECRET',
});
/** The one command. */
export const COMMAND = 'register';
/** Most assets the webhook takes in one batch. */
export const MAX_BATCH_SIZE = 100;
const MS_PER_SECOND = 1000;
const WHOLE_NUMBER = /^\d+$/;

export const USAGE = `Usage:
  clarento-webhook register --cdn-url URL (--file PATH | --size BYTES --mime-type TYPE)
                            [--name NAME] [--thumbnail-url URL] [--tag TAG]...
                            [--campaign-id ID] [--uploaded-by WHO]
                            [--idempotency-key KEY] [--json]
  clarento-webhook register --manifest assets.jsonl [--batch-size N] [--json]

Registers assets whose files are already on a CDN. Prints the asset id (one line per manifest
line in batch mode: <line><TAB><assetId or error>) and exits 0; exits 1 when a registration
failed, 2 on a usage error.

Options:
  --cdn-url URL          where the file is served (required for one asset)
  --file PATH            local copy of the file: gives sizeBytes, the MIME type (guessed from
                         the extension) and the default name
  --size BYTES           file size, when there is no --file
  --mime-type TYPE       MIME type, when there is no --file (or to override the guess)
  --name NAME            asset name (default: the file's or the URL's last path segment)
  --thumbnail-url URL    thumbnail (default: the CDN URL)
  --tag TAG              a tag; repeat for more
  --campaign-id ID       campaign identifier
  --uploaded-by WHO      who registers it (default on the server: external-webhook)
  --idempotency-key KEY  key for this registration (default: a random UUID, kept for every
                         retry); reuse it to make a re-run safe
  --manifest PATH        JSON lines, one asset object per line, sent in batches
  --batch-size N         assets per batch, 1 to ${MAX_BATCH_SIZE} (default ${MAX_BATCH_SIZE})
  --attempts N           attempts per request, first included (default ${DEFAULT_ATTEMPTS})
  --timeout SECONDS      time one attempt may take (default ${DEFAULT_TIMEOUT_MS / MS_PER_SECOND})
  --json                 print the server's full answer as JSON instead
  -h, --help             show this text
  -v, --version          show the version

Environment:
  ${ENV.url}              the web trigger URL (required)
  ${ENV.secret}           the webhook secret, sent as Authorization: Bearer
  ${ENV.signingSecret}   whsec_... : sign each request (Standard Webhooks)
At least one of the two secrets is required.`;

const OPTIONS = {
  'cdn-url': { type: 'string' },
  file: { type: 'string' },
  size: { type: 'string' },
  'mime-type': { type: 'string' },
  name: { type: 'string' },
  'thumbnail-url': { type: 'string' },
  tag: { type: 'string', multiple: true },
  'campaign-id': { type: 'string' },
  'uploaded-by': { type: 'string' },
  'idempotency-key': { type: 'string' },
  manifest: { type: 'string' },
  'batch-size': { type: 'string' },
  attempts: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
};
/** Options that describe one asset, and so cannot go with --manifest. */
const SINGLE_ONLY = ['cdn-url', 'file', 'size', 'mime-type', 'name', 'thumbnail-url', 'tag',
  'campaign-id', 'uploaded-by', 'idempotency-key'];

/** A mistake on the command line or in the environment. */
export class UsageError extends Error {
  constructor(message) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * @typedef {{
 *   mode: 'help' | 'version' | 'single' | 'batch',
 *   url?: string, secret?: string, signingSecret?: string,
 *   attempts: number, timeoutMs: number, json: boolean,
 *   single?: Record<string, any>, manifest?: string, batchSize: number,
 * }} Settings
 */

/**
 * Reads the command line and the environment.
 * @param {string[]} argv the arguments after the program name
 * @param {Record<string, string | undefined>} env
 * @returns {Settings}
 * @throws {UsageError}
 */
export function readSettings(argv, env) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error.message);
  }
  const { values, positionals } = parsed;
  const common = {
    attempts: wholeNumber(values.attempts, '--attempts', DEFAULT_ATTEMPTS, 1),
    timeoutMs: wholeNumber(values.timeout, '--timeout', DEFAULT_TIMEOUT_MS / MS_PER_SECOND, 1)
      * MS_PER_SECOND,
    json: Boolean(values.json),
    batchSize: wholeNumber(values['batch-size'], '--batch-size', MAX_BATCH_SIZE, 1),
  };
  if (values.help) return { mode: 'help', ...common };
  if (values.version) return { mode: 'version', ...common };
  if (positionals.length !== 1 || positionals[0] !== COMMAND) {
    throw new UsageError(`expected the command "${COMMAND}"`);
  }
  if (common.batchSize > MAX_BATCH_SIZE) {
    throw new UsageError(`--batch-size must be at most ${MAX_BATCH_SIZE}`);
  }
  const connection = readConnection(env);
  if (values.manifest !== undefined) {
    const mixed = SINGLE_ONLY.filter((name) => values[name] !== undefined);
    if (mixed.length > 0) {
      throw new UsageError(`--manifest cannot be combined with --${mixed.join(', --')}`);
    }
    return { mode: 'batch', ...common, ...connection, manifest: values.manifest };
  }
  return { mode: 'single', ...common, ...connection, single: readSingle(values) };
}

function readConnection(env) {
  const url = env[ENV.url];
  if (!url) throw new UsageError(`${ENV.url} is not set`);
  try {
    const { protocol } = new URL(url);
    if (protocol !== 'http:' && protocol !== 'https:') throw new Error(protocol);
  } catch {
    throw new UsageError(`${ENV.url} is not an http(s) URL`);
  }
  const secret = env[ENV.secret] || undefined;
  const signingSecret = env[ENV.signingSecret] || undefined;
  if (!secret && !signingSecret) {
    throw new UsageError(`set ${ENV.secret} (or ${ENV.signingSecret} to sign requests)`);
  }
  return { url, secret, signingSecret };
}

function readSingle(values) {
  if (!values['cdn-url']) throw new UsageError('--cdn-url is required');
  if (values.file === undefined) {
    if (values.size === undefined || values['mime-type'] === undefined) {
      throw new UsageError('give --file, or both --size and --mime-type');
    }
  } else if (values.size !== undefined) {
    throw new UsageError('--size cannot be combined with --file: the size is the file\'s');
  }
  return {
    cdnUrl: values['cdn-url'],
    file: values.file,
    sizeBytes: values.size === undefined ? undefined : wholeNumber(values.size, '--size'),
    mimeType: values['mime-type'],
    name: values.name,
    thumbnailUrl: values['thumbnail-url'],
    tags: values.tag,
    campaignId: values['campaign-id'],
    uploadedBy: values['uploaded-by'],
    idempotencyKey: values['idempotency-key'],
  };
}

function wholeNumber(text, option, fallback, minimum = 0) {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!WHOLE_NUMBER.test(text) || !Number.isSafeInteger(value) || value < minimum) {
    throw new UsageError(`${option} must be a whole number${minimum ? ` from ${minimum}` : ''}`);
  }
  return value;
}
