// The requests every section sends, and the storages they are sent with. Both contestants
// and the floor get the same request objects and the same kind of storage.

/** The shared secret configured in every contestant. */
export const SECRET = 'bench-secret-4c1d9e';
/** A secret that is not the configured one, for the rejected request. */
export const WRONG_SECRET = 'bench-secret-wrong';
/** How many tags the large request carries: the contract's maximum. */
export const MANY_TAGS = 50;
/** Status of an accepted registration. */
export const STATUS_CREATED = 201;
/** Status of a request with the wrong secret. */
export const STATUS_UNAUTHORIZED = 401;
/** Slots of the bounded storage: the memory run overwrites these instead of growing. */
const BOUNDED_SLOTS = 64;

/** The seed's example body, with the configured secret. */
const SEED_BODY = {
  name: 'logo.svg',
  cdnUrl: 'https://cdn.example.com/logo.svg',
  mimeType: 'image/svg+xml',
  sizeBytes: 4096,
  tags: ['logo', 'brand'],
  secret: SECRET,
};

/**
 * @typedef {{ method: string, path: string, headers: Record<string, string[]>, body: string }}
 *   BenchRequest
 * @typedef {{ id: string, label: string, request: BenchRequest, status: number }} Case
 */

/**
 * A web trigger POST carrying `body` as JSON.
 * @param {object} body
 * @returns {BenchRequest}
 */
function post(body) {
  return {
    method: 'POST',
    path: '/',
    headers: { 'Content-Type': ['application/json'] },
    body: JSON.stringify(body),
  };
}

/** Tags in mixed case, so normalisation has work to do, all distinct. */
const manyTags = Array.from({ length: MANY_TAGS }, (_, i) => `Campaign-Tag-${i}`);

/** @type {Case} */
export const SEED = {
  id: 'seed',
  label: "seed's example",
  request: post(SEED_BODY),
  status: STATUS_CREATED,
};

/** @type {Case[]} The warm section's requests, in the order they are reported. */
export const CASES = [
  SEED,
  {
    id: 'tags50',
    label: `${MANY_TAGS} tags`,
    request: post({ ...SEED_BODY, tags: manyTags }),
    status: STATUS_CREATED,
  },
  {
    id: 'rejected',
    label: 'wrong secret',
    request: post({ ...SEED_BODY, secret: WRONG_SECRET }),
    status: STATUS_UNAUTHORIZED,
  },
];

/**
 * A cheap store: a Map, values kept as given (no copy), so storage costs every contestant
 * the same, and little. Not `js/storage/memory.js`, which deep-copies on every write.
 * @param {Map<string, unknown>} [map]
 */
export function mapStorage(map = new Map()) {
  return {
    map,
    async get(key) {
      return map.get(key);
    },
    async set(key, value) {
      map.set(key, value);
    },
    async delete(key) {
      map.delete(key);
    },
  };
}

/**
 * A store that keeps only the last {@link BOUNDED_SLOTS} values, whatever their keys, so
 * that a million writes do not grow it. `get` finds nothing.
 */
export function boundedStorage() {
  const slots = new Array(BOUNDED_SLOTS).fill(undefined);
  let next = 0;
  return {
    async get() {
      return undefined;
    },
    async set(key, value) {
      slots[next] = value;
      next = (next + 1) % BOUNDED_SLOTS;
    },
    async delete() {},
  };
}
