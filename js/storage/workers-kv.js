// Storage in a Cloudflare Workers KV namespace binding. KV is eventually consistent and has
// no compare-and-set, so `setIfAbsent` here is best effort (see below).

import { StorageError, assertKey, listOptions, toJson } from './common.js';

/** The shortest `expirationTtl` Workers KV accepts. */
export const MIN_TTL_SECONDS = 60;
/** Writes in flight at once during `batchSet` (a binding has no batch write). */
const BATCH_CONCURRENCY = 10;
/** An HTTP status named in a KV error message, e.g. "KV PUT failed: 429 Too Many Requests". */
const STATUS_IN_MESSAGE = /\b([45]\d\d)\b/;

/**
 * @typedef {import('../index.js').Storage} Storage
 * @typedef {{
 *   get(key: string, type: 'json'): Promise<unknown>,
 *   put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>,
 *   delete(key: string): Promise<void>,
 *   list(options: { prefix?: string, limit?: number, cursor?: string }): Promise<{
 *     keys: { name: string }[], list_complete: boolean, cursor?: string }>,
 * }} KvNamespace
 */

/**
 * A store in a Workers KV namespace.
 * @param {KvNamespace} namespace the binding, e.g. `env.ASSETS`.
 * @returns {Storage}
 */
export function workersKvStorage(namespace) {
  if (!namespace) throw new TypeError('workersKvStorage needs a KV namespace binding');

  const call = async (operation, key, run) => {
    try {
      return await run();
    } catch (error) {
      const status = Number(STATUS_IN_MESSAGE.exec(String(error?.message))?.[1]) || undefined;
      throw new StorageError(`Workers KV ${operation} failed for ${key}: ${error?.message}`, {
        status,
        cause: error,
      });
    }
  };

  const get = async (key) => {
    assertKey(key);
    const value = await call('get', key, () => namespace.get(key, 'json'));
    return value === null ? undefined : value;
  };

  const put = (key, value, ttlSeconds) => {
    assertKey(key);
    const text = toJson(value);
    const options = putOptions(ttlSeconds);
    return call('put', key, () => namespace.put(key, text, options));
  };

  return {
    get,
    async set(key, value, options = {}) {
      await put(key, value, options.ttlSeconds);
    },
    async delete(key) {
      assertKey(key);
      await call('delete', key, () => namespace.delete(key));
    },
    // No compare-and-set in KV: two racing writers can both see the key absent and both write.
    async setIfAbsent(key, value, options = {}) {
      if ((await get(key)) !== undefined) return false;
      await put(key, value, options.ttlSeconds);
      return true;
    },
    async batchSet(items) {
      for (let start = 0; start < items.length; start += BATCH_CONCURRENCY) {
        const chunk = items.slice(start, start + BATCH_CONCURRENCY);
        const results = await Promise.allSettled(
          chunk.map(({ key, value, ttlSeconds }) => put(key, value, ttlSeconds)),
        );
        const failed = results.find((result) => result.status === 'rejected');
        if (failed) {
          // KV has no transaction: undo what this call wrote, so that a batch the caller is
          // told failed leaves nothing behind. Best effort: an undo can fail too.
          await Promise.allSettled(items.slice(0, start + BATCH_CONCURRENCY)
            .map(({ key }) => namespace.delete(key)));
          throw failed.reason;
        }
      }
    },
    async list(prefix, options) {
      const { limit, cursor } = listOptions(options);
      const page = await call('list', prefix, () => namespace.list({ prefix, limit, cursor }));
      const values = await Promise.all(page.keys.map(({ name }) => get(name)));
      const items = page.keys
        .map(({ name }, index) => ({ key: name, value: values[index] }))
        .filter((item) => item.value !== undefined);
      return { items, cursor: page.list_complete ? undefined : page.cursor };
    },
  };
}

/** KV put options for a TTL, raised to KV's minimum. */
function putOptions(ttlSeconds) {
  if (ttlSeconds === undefined || ttlSeconds === null) return undefined;
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive number, got ${ttlSeconds}`);
  }
  return { expirationTtl: Math.max(MIN_TTL_SECONDS, Math.ceil(ttlSeconds)) };
}
