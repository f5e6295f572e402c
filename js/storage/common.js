// What every storage adapter shares: the error it throws, list paging and expiry arithmetic.

/** Milliseconds in one second, for TTL arithmetic. */
export const MS_PER_SECOND = 1000;
/** Page size of `list` when the caller gives none. */
export const DEFAULT_LIST_LIMIT = 50;
/** Largest page `list` returns; Forge KVS queries answer at most 100 items. */
export const MAX_LIST_LIMIT = 100;

/**
 * An error from a store. `status` (and `statusCode`, its alias) carries the HTTP status the
 * store answered, when there was one, so the handler can answer 503 to a 429 rate limit.
 */
export class StorageError extends Error {
  /**
   * @param {string} message
   * @param {{ status?: number, code?: string, cause?: unknown }} [details]
   */
  constructor(message, { status, code, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'StorageError';
    if (Number.isInteger(status)) {
      this.status = status;
      this.statusCode = status;
    }
    if (code !== undefined) this.code = code;
  }
}

/**
 * The expiry instant for a TTL, or null when there is none.
 * @param {number | undefined} ttlSeconds
 * @param {number} nowMs
 * @returns {number | null}
 */
export function expiryFor(ttlSeconds, nowMs) {
  if (ttlSeconds === undefined || ttlSeconds === null) return null;
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive number, got ${ttlSeconds}`);
  }
  return nowMs + ttlSeconds * MS_PER_SECOND;
}

/**
 * The page size and cursor of a `list` call, with the limit clamped to [1, MAX_LIST_LIMIT].
 * @param {{ limit?: number, cursor?: string }} [options]
 * @returns {{ limit: number, cursor: string | undefined }}
 */
export function listOptions(options = {}) {
  const requested = Number(options.limit ?? DEFAULT_LIST_LIMIT);
  const whole = Number.isFinite(requested) ? Math.trunc(requested) : DEFAULT_LIST_LIMIT;
  const limit = Math.min(MAX_LIST_LIMIT, Math.max(1, whole));
  const cursor = options.cursor ? String(options.cursor) : undefined;
  return { limit, cursor };
}

/**
 * The JSON text of a value, refusing what JSON cannot hold.
 * @param {unknown} value
 * @returns {string}
 */
export function toJson(value) {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('storage values must be JSON-compatible');
  return text;
}

/**
 * Throws unless `key` is a non-empty string.
 * @param {unknown} key
 */
export function assertKey(key) {
  if (typeof key !== 'string' || key.length === 0) {
    throw new TypeError('storage keys must be non-empty strings');
  }
}
