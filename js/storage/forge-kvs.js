// Storage through the Forge Key-Value Store SDK (@forge/kvs). Keys and values are checked
// against the KVS limits before any call, and every SDK failure is rethrown as a StorageError
// that carries the HTTP status KVS answered (429 for a rate limit).

import { kvs as defaultKvs, WhereConditions } from '@forge/kvs';
import { StorageError, assertKey, listOptions, toJson } from './common.js';

/** Characters KVS accepts in a key (its documented pattern). */
const KEY_PATTERN = /^(?!\s+$)[a-zA-Z0-9:._\s#-]+$/;
/** Longest key KVS accepts. */
export const MAX_KEY_LENGTH = 500;
/** Largest value KVS accepts, as UTF-8 JSON. */
export const MAX_VALUE_BYTES = 240 * 1024;
/** Most keys one `kvs.batchSet` call takes. */
export const BATCH_SET_CHUNK = 25;
/** The HTTP status KVS answers when a FAIL_IF_EXISTS write meets an existing key. */
const CONFLICT_STATUS = 409;
/** Error codes that mean "the key is already there". */
const EXISTS_CODE = /EXISTS|CONFLICT/;
/** Batch item error codes that mean the caller is being rate limited. */
const RATE_LIMIT_CODE = /RATE_LIMIT|TOO_MANY_REQUESTS/;
const RATE_LIMITED_STATUS = 429;

const utf8 = new TextEncoder();

/**
 * @typedef {import('../index.js').Storage} Storage
 */

/**
 * A store backed by Forge KVS.
 * @param {typeof defaultKvs} [client] the SDK's `kvs` object (the default import).
 * @returns {Storage}
 */
export function forgeKvsStorage(client = defaultKvs) {
  const call = async (operation, key, run) => {
    try {
      return await run();
    } catch (error) {
      throw fromSdkError(operation, key, error);
    }
  };

  return {
    async get(key) {
      checkKey(key);
      const value = await call('get', key, () => client.get(key));
      return value ?? undefined;
    },
    async set(key, value, options = {}) {
      checkEntry(key, value);
      const ttl = setOptions(options.ttlSeconds);
      await call('set', key, () => client.set(key, value, ttl));
    },
    async delete(key) {
      checkKey(key);
      await call('delete', key, () => client.delete(key));
    },
    async setIfAbsent(key, value, options = {}) {
      checkEntry(key, value);
      const policy = { ...setOptions(options.ttlSeconds), keyPolicy: 'FAIL_IF_EXISTS' };
      try {
        await client.set(key, value, policy);
        return true;
      } catch (error) {
        if (isKeyExists(error)) return false;
        throw fromSdkError('setIfAbsent', key, error);
      }
    },
    async batchSet(items) {
      for (const { key, value } of items) checkEntry(key, value);
      for (let start = 0; start < items.length; start += BATCH_SET_CHUNK) {
        const chunk = items.slice(start, start + BATCH_SET_CHUNK).map((item) => ({
          key: item.key,
          value: item.value,
          ...(item.ttlSeconds ? { options: setOptions(item.ttlSeconds) } : {}),
        }));
        try {
          const result = await call('batchSet', chunk[0].key, () => client.batchSet(chunk));
          throwIfAnyFailed(result);
        } catch (error) {
          // KVS has no transaction across chunks: undo what this call wrote, so that a
          // batch the caller is told failed leaves nothing behind. Best effort: the undo
          // itself can fail, and then the error still reports the batch as failed.
          await Promise.allSettled(items.slice(0, start + BATCH_SET_CHUNK)
            .map((item) => client.delete(item.key)));
          throw error;
        }
      }
    },
    async list(prefix, options) {
      const { limit, cursor } = listOptions(options);
      let query = client.query().where('key', WhereConditions.beginsWith(prefix)).limit(limit);
      if (cursor) query = query.cursor(cursor);
      const page = await call('list', prefix, () => query.getMany());
      const items = (page.results ?? []).map(({ key, value }) => ({ key, value }));
      return { items, cursor: page.nextCursor || undefined };
    },
  };
}

/** SDK options for a write with an optional TTL. */
function setOptions(ttlSeconds) {
  if (ttlSeconds === undefined || ttlSeconds === null) return undefined;
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive number, got ${ttlSeconds}`);
  }
  return { ttl: { value: Math.ceil(ttlSeconds), unit: 'SECONDS' } };
}

function checkKey(key) {
  assertKey(key);
  if (key.length > MAX_KEY_LENGTH || !KEY_PATTERN.test(key)) {
    throw new StorageError(`key is not a valid Forge KVS key: ${key.slice(0, 80)}`, {
      code: 'INVALID_KEY',
    });
  }
}

function checkEntry(key, value) {
  checkKey(key);
  const bytes = utf8.encode(toJson(value)).length;
  if (bytes >= MAX_VALUE_BYTES) {
    throw new StorageError(`value for ${key} is ${bytes} bytes; Forge KVS takes under 240 KiB`, {
      code: 'VALUE_TOO_LARGE',
    });
  }
}

/** The status of an SDK error (ForgeKvsAPIError keeps it in responseDetails). */
function statusOf(error) {
  return error?.responseDetails?.status ?? error?.status ?? error?.statusCode;
}

// Unverified against live KVS: the SDK documents no error for a FAIL_IF_EXISTS conflict;
// this reads HTTP 409 or an EXISTS/CONFLICT code as one (no Forge login here to check).
function isKeyExists(error) {
  return statusOf(error) === CONFLICT_STATUS || EXISTS_CODE.test(String(error?.code ?? ''));
}

function fromSdkError(operation, key, error) {
  const status = statusOf(error);
  const code = error?.code;
  const detail = [status, code].filter(Boolean).join(' ');
  const message = `Forge KVS ${operation} failed for ${key}${detail ? ` (${detail})` : ''}`;
  return new StorageError(message, { status, code, cause: error });
}

function throwIfAnyFailed(result) {
  const failed = result?.failedKeys ?? [];
  if (failed.length === 0) return;
  const codes = failed.map((item) => item.error?.code ?? 'UNKNOWN');
  const limited = codes.some((code) => RATE_LIMIT_CODE.test(code));
  const keys = failed.map((item) => item.key).join(', ');
  throw new StorageError(`Forge KVS batchSet failed for ${keys} (${codes.join(', ')})`, {
    status: limited ? RATE_LIMITED_STATUS : undefined,
    code: codes[0],
  });
}
