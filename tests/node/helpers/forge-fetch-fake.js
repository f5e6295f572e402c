// An in-memory stand-in for the transport the Forge runtime gives @forge/kvs:
// `global.__forge_fetch__(target, path, init)`. It answers the KVS REST calls the SDK makes
// with the shapes the SDK parses, keeps TTLs on an injectable clock, and can be told to fail.

const KEY_PATTERN = /^(?!\s+$)[a-zA-Z0-9:._\s#-]+$/;
const MAX_KEY_LENGTH = 500;
const MAX_VALUE_BYTES = 240 * 1024;
const MAX_BATCH_ITEMS = 25;
const MAX_QUERY_LIMIT = 100;
const DEFAULT_QUERY_LIMIT = 10;
const SECONDS_PER_UNIT = { SECONDS: 1, MINUTES: 60, HOURS: 3600, DAYS: 86400 };

const json = (status, body) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const noContent = () => new Response(null, { status: 204 });
const forgeError = (status, code, message) => json(status, { code, message });

/**
 * Installs the fake on globalThis and returns its controls.
 * @param {{ now?: () => number }} [options]
 */
export function installForgeFetchFake({ now = Date.now } = {}) {
  /** @type {Map<string, { value: unknown, expiresAt: number | null }>} */
  const store = new Map();
  /** @type {{ path: string, body: any }[]} */
  const calls = [];
  /** @type {((path: string, body: any) => Response | undefined)[]} */
  const failures = [];

  const live = (key) => {
    const entry = store.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= now()) {
      store.delete(key);
      return undefined;
    }
    return entry;
  };

  const invalid = (key, value) => {
    if (typeof key !== 'string' || key.length === 0) return 'EMPTY_KEY';
    if (key.length > MAX_KEY_LENGTH) return 'KEY_TOO_LONG';
    if (!KEY_PATTERN.test(key)) return 'INVALID_KEY';
    if (value !== undefined && Buffer.byteLength(JSON.stringify(value)) >= MAX_VALUE_BYTES) {
      return 'MAX_SIZE';
    }
    return undefined;
  };

  const expiryOf = (options) => {
    const ttl = options?.ttl;
    if (!ttl) return null;
    const unit = SECONDS_PER_UNIT[ttl.unit];
    if (!unit || !Number.isInteger(ttl.value) || ttl.value <= 0) return 'INVALID_TTL';
    return now() + ttl.value * unit * 1000;
  };

  const routes = {
    '/api/v1/get': ({ key }) => {
      const entry = live(key);
      if (!entry) return forgeError(404, 'KEY_NOT_FOUND', 'Provided key does not exist');
      return json(200, { key, value: structuredClone(entry.value) });
    },
    '/api/v1/set': ({ key, value, options }) => {
      const problem = invalid(key, value);
      if (problem) return forgeError(400, problem, 'Invalid request');
      const expiresAt = expiryOf(options);
      if (expiresAt === 'INVALID_TTL') return forgeError(400, 'INVALID_TTL', 'Invalid TTL');
      if (options?.keyPolicy === 'FAIL_IF_EXISTS' && live(key)) {
        return forgeError(409, 'KEY_ALREADY_EXISTS', 'Provided key already exists');
      }
      store.set(key, { value: structuredClone(value), expiresAt });
      return noContent();
    },
    '/api/v1/delete': ({ key }) => {
      if (!live(key)) return forgeError(404, 'KEY_NOT_FOUND', 'Provided key does not exist');
      store.delete(key);
      return noContent();
    },
    '/api/v1/batch/set': (items) => {
      if (!Array.isArray(items) || items.length > MAX_BATCH_ITEMS) {
        return forgeError(400, 'BAD_REQUEST', 'Too many items in one batch');
      }
      const successfulKeys = [];
      const failedKeys = [];
      for (const { key, value, options } of items) {
        const problem = invalid(key, value);
        const expiresAt = expiryOf(options);
        if (problem || expiresAt === 'INVALID_TTL') {
          failedKeys.push({ key, error: { code: problem ?? 'INVALID_TTL', message: 'Invalid' } });
          continue;
        }
        store.set(key, { value: structuredClone(value), expiresAt });
        successfulKeys.push({ key });
      }
      return json(200, { successfulKeys, failedKeys });
    },
    '/api/v1/query': ({ limit, after, where }) => {
      const prefix = where?.find((w) => w.property === 'key' && w.condition === 'BEGINS_WITH')
        ?.values?.[0] ?? '';
      const size = limit ?? DEFAULT_QUERY_LIMIT;
      if (size < 1 || size > MAX_QUERY_LIMIT) {
        return forgeError(400, 'QUERY_PAGE_LIMIT_NOT_IN_RANGE', 'Limit out of range');
      }
      const start = after ? Buffer.from(after, 'base64url').toString() : undefined;
      const keys = [...store.keys()]
        .filter((key) => key.startsWith(prefix) && (!start || key > start) && live(key))
        .sort();
      const page = keys.slice(0, size);
      const data = page.map((key) => ({ key, value: structuredClone(store.get(key).value) }));
      const more = keys.length > size;
      const cursor = more ? Buffer.from(page[page.length - 1]).toString('base64url') : undefined;
      return json(200, { data, ...(cursor ? { cursor } : {}) });
    },
  };

  globalThis.__forge_fetch__ = async (target, path, init) => {
    const body = init?.body ? JSON.parse(init.body) : undefined;
    calls.push({ target, path, body });
    for (const failure of failures) {
      const answer = failure(path, body);
      if (answer) return answer;
    }
    const route = routes[path];
    if (!route) return forgeError(404, 'NOT_FOUND', `no route ${path}`);
    return route(body);
  };

  return {
    store,
    calls,
    /**
     * Answers matching calls with `status` and a Forge error body until `clear()`.
     * @param {number} status
     * @param {{ code?: string, path?: string, times?: number }} [options]
     */
    failWith(status, { code = 'FAILED', path, times = Infinity } = {}) {
      let left = times;
      failures.push((calledPath) => {
        if ((path && calledPath !== path) || left <= 0) return undefined;
        left -= 1;
        return forgeError(status, code, `injected ${status}`);
      });
    },
    clearFailures() {
      failures.length = 0;
    },
    uninstall() {
      delete globalThis.__forge_fetch__;
    },
  };
}
