// Sends one registration to the web trigger, retrying what a retry can fix: timeouts, network
// errors, 5xx, 429, and 409 (the same key still in flight). Every attempt carries the same
// Idempotency-Key, so a retry is answered from the first registration and never duplicates
// it. Backoff is exponential with full jitter, and a Retry-After from the server is honoured.

import { messageId, signatureHeaders } from './sign.js';

/** Attempts per request, the first included, unless told otherwise. */
export const DEFAULT_ATTEMPTS = 5;
/** Time one attempt may take, unless told otherwise. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** The backoff's first ceiling; it doubles with every attempt. */
export const BASE_DELAY_MS = 500;
/** The backoff's largest ceiling. */
export const MAX_DELAY_MS = 30_000;
/** The longest Retry-After this client waits for; a longer one is cut to this. */
export const MAX_RETRY_AFTER_MS = 120_000;
const MS_PER_SECOND = 1000;
/** Statuses worth another attempt with the same key. */
const RETRY_STATUSES = new Set([409, 429]);
const FIRST_SERVER_ERROR = 500;
const DELAY_SECONDS = /^\d+$/;

/**
 * @typedef {{
 *   url: string,
 *   secret?: string,
 *   signingKey?: Buffer,
 *   attempts?: number,
 *   timeoutMs?: number,
 *   sleep?: (ms: number) => Promise<void>,
 *   random?: () => number,
 *   onRetry?: (info: { attempt: number, delayMs: number, reason: string }) => void,
 * }} SendOptions
 * @typedef {{ status: number, headers: Headers, body: unknown, text: string }} Answer
 */

/** An attempt that did not get a usable answer. */
export class SendError extends Error {
  /**
   * @param {string} message
   * @param {{ answer?: Answer, cause?: unknown }} [details]
   */
  constructor(message, { answer, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'SendError';
    this.answer = answer;
  }
}

/**
 * The wait before attempt `attempt + 1`: full jitter over an exponential ceiling, but never
 * less than the server's Retry-After.
 * @param {number} attempt the attempt that just failed, from 1
 * @param {string | null | undefined} retryAfter the header's value
 * @param {() => number} random
 * @param {number} [nowMs]
 */
export function backoffMs(attempt, retryAfter, random, nowMs = Date.now()) {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  const jitter = Math.floor(random() * ceiling);
  return Math.max(jitter, Math.min(MAX_RETRY_AFTER_MS, retryAfterMs(retryAfter, nowMs)));
}

/** Retry-After as delay-seconds or an HTTP date, in ms from now; 0 when absent or invalid. */
export function retryAfterMs(value, nowMs = Date.now()) {
  if (!value) return 0;
  const text = value.trim();
  if (DELAY_SECONDS.test(text)) return Number(text) * MS_PER_SECOND;
  const at = Date.parse(text);
  return Number.isNaN(at) ? 0 : Math.max(0, at - nowMs);
}

const sleepFor = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/**
 * POSTs `payload` as JSON with the idempotency key, retrying as described above.
 * @param {unknown} payload
 * @param {string} idempotencyKey
 * @param {SendOptions} options
 * @returns {Promise<Answer>} the first answer that is not worth retrying, or the last one.
 * @throws {SendError} when no attempt got an answer at all.
 */
export async function send(payload, idempotencyKey, options) {
  const {
    attempts = DEFAULT_ATTEMPTS, sleep = sleepFor, random = Math.random, onRetry = () => {},
  } = options;
  const body = JSON.stringify(payload);
  for (let attempt = 1; ; attempt += 1) {
    let answer;
    let failure;
    try {
      answer = await attemptOnce(body, idempotencyKey, options);
    } catch (error) {
      failure = error;
    }
    const reason = failure ? describe(failure) : retryReason(answer.status);
    if (!reason) return answer;
    if (attempt >= attempts) {
      if (answer) return answer;
      throw new SendError(`no answer from ${options.url} after ${attempt} attempts: ${reason}`,
        { cause: failure });
    }
    const delayMs = backoffMs(attempt, answer?.headers.get('retry-after'), random);
    onRetry({ attempt, delayMs, reason });
    await sleep(delayMs);
  }
}

/** Why a status is worth another attempt, or undefined when it is final. */
function retryReason(status) {
  if (status >= FIRST_SERVER_ERROR || RETRY_STATUSES.has(status)) return `HTTP ${status}`;
  return undefined;
}

/** One POST with a fresh signature, bounded by the timeout. */
async function attemptOnce(body, idempotencyKey, options) {
  const headers = {
    'Content-Type': 'application/json',
    'Idempotency-Key': idempotencyKey,
  };
  if (options.secret) headers.Authorization = `Bearer ${options.secret}`;
  if (options.signingKey) {
    Object.assign(headers, signatureHeaders(options.signingKey, messageId(idempotencyKey), body));
  }
  const response = await fetch(options.url, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  });
  const text = await response.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** A short reason for a failed attempt: a timeout, or the network error's code. */
function describe(error) {
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return 'timed out';
  const cause = error?.cause;
  return cause?.code ?? cause?.message ?? error?.message ?? String(error);
}
