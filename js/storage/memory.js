// An in-process store for tests and harnesses: a Map, with TTLs and copies on the way in
// and out so that callers never share state with it.

import { assertKey, expiryFor, listOptions, toJson } from './common.js';

/**
 * @typedef {import('../index.js').Storage} Storage
 * @typedef {{ now?: () => number }} MemoryStorageOptions
 */

/**
 * A store kept in memory. Values are deep-copied on every write and read.
 * @param {MemoryStorageOptions} [options] `now` replaces the clock (milliseconds), for tests.
 * @returns {Storage}
 */
export function memoryStorage({ now = Date.now } = {}) {
  /** @type {Map<string, { value: unknown, expiresAt: number | null }>} */
  const entries = new Map();

  const live = (key) => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  const record = (key, value, ttlSeconds) => {
    assertKey(key);
    toJson(value);
    return { value: structuredClone(value), expiresAt: expiryFor(ttlSeconds, now()) };
  };

  return {
    async get(key) {
      const entry = live(key);
      return entry ? structuredClone(entry.value) : undefined;
    },
    async set(key, value, options = {}) {
      entries.set(key, record(key, value, options.ttlSeconds));
    },
    async delete(key) {
      entries.delete(key);
    },
    async setIfAbsent(key, value, options = {}) {
      const fresh = record(key, value, options.ttlSeconds);
      if (live(key)) return false;
      entries.set(key, fresh);
      return true;
    },
    async batchSet(items) {
      const prepared = items.map(({ key, value, ttlSeconds }) => [
        key,
        record(key, value, ttlSeconds),
      ]);
      for (const [key, entry] of prepared) entries.set(key, entry);
    },
    async list(prefix, options) {
      const { limit, cursor } = listOptions(options);
      const keys = [...entries.keys()]
        .filter((key) => key.startsWith(prefix) && (cursor === undefined || key > cursor))
        .sort();
      const items = [];
      for (const key of keys) {
        const entry = live(key);
        if (!entry) continue;
        if (items.length === limit) {
          return { items, cursor: items[items.length - 1].key };
        }
        items.push({ key, value: structuredClone(entry.value) });
      }
      return { items, cursor: undefined };
    },
  };
}
