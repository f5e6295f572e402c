// Idempotency keys through createHandler: replay, 422, 409, expiry and a freed key after a
// storage failure, against every storage adapter that runs here; then the rules that do not
// depend on the store (key format, signed requests, batches, leases, the shim's deadline).

import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import { kvs } from '@forge/kvs';
import { Miniflare } from 'miniflare';
import { createHandler, memoryStorage } from '../../js/index.js';
import { forgeKvsStorage } from '../../js/storage/forge-kvs.js';
import { sqliteStorage } from '../../js/storage/sqlite.js';
import { workersKvStorage } from '../../js/storage/workers-kv.js';
import { post } from './helpers/fixtures.js';
import { installForgeFetchFake } from './helpers/forge-fetch-fake.js';
import { assertMatchesOpenapi } from './helpers/openapi.js';
import { manualClock } from './helpers/storage-conformance.js';

const SECRET = 'idempotency-secret-5b1e';
const DAY_SECONDS = 24 * 60 * 60;
const DAY_MS = DAY_SECONDS * 1000;
const SECOND_MS = 1000;
/** How long a pending record holds its key before a retry may take it over. */
const LEASE_MS = 60_000;
const MAX_KEY_BYTES = 255;
/** A handler deadline short enough that a held storage write passes it. */
const DEADLINE_MS = 50;
const POLL_MS = 10;
/** How long a test waits for a request that should already have answered. */
const SETTLE_MS = 5000;
const REPLAYED = 'Idempotent-Replayed';
const ASSET = Object.freeze({
  name: 'campaign-banner-2026.png',
  cdnUrl: 'https://assets.example.com/campaign-banner-2026.png',
  mimeType: 'image/png',
  sizeBytes: 524288,
  tags: ['campaign', 'banner'],
});
const MESSAGES = {
  reused: 'Idempotency-Key was already used with a different payload',
  inFlight: 'A request with this Idempotency-Key is still being processed',
  invalidKey: 'Invalid Idempotency-Key header',
};

const withKey = (key, asset = ASSET) => post({ ...asset, secret: SECRET }, {
  'Idempotency-Key': key,
});
const header = (response, name) => response.headers[name]?.[0];
const parse = (response) => JSON.parse(response.body);

/** Every key under a prefix, through the adapter's own paging. */
async function keysUnder(storage, prefix) {
  const keys = [];
  let cursor;
  do {
    const page = await storage.list(prefix, { limit: 100, cursor });
    keys.push(...page.items.map((item) => item.key));
    cursor = page.cursor;
  } while (cursor);
  return keys.sort();
}

/** Rejects when `promise` has not settled within `ms`, so a wrong guess fails, not hangs. */
function within(promise, ms = SETTLE_MS) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Resolves once `check()` is true; rejects after SETTLE_MS. */
async function eventually(check) {
  const deadline = Date.now() + SETTLE_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${SETTLE_MS} ms`);
    await new Promise((resolve) => { setTimeout(resolve, POLL_MS); });
  }
}

/**
 * Wraps a store: asset writes (set and batchSet of `asset:` keys) can be held at a gate or made
 * to fail, and every setIfAbsent call is recorded. Everything else passes straight through.
 */
function instrumented(inner) {
  const claims = [];
  let gate;
  let failures = 0;
  const beforeAssetWrite = async () => {
    if (failures > 0) {
      failures -= 1;
      throw new Error('injected storage failure');
    }
    if (gate) {
      const { arrived, released } = gate;
      arrived();
      await released;
    }
  };
  return {
    claims,
    /** Holds asset writes until `release()`; `reached` resolves when the first one waits. */
    hold() {
      let open;
      let arrived;
      const reached = new Promise((resolve) => { arrived = resolve; });
      const released = new Promise((resolve) => { open = resolve; });
      gate = { arrived, released };
      return { reached, release: () => { gate = undefined; open(); } };
    },
    failAssetWrites(times = 1) {
      failures = times;
    },
    get: (key) => inner.get(key),
    async set(key, value, options) {
      if (key.startsWith('asset:')) await beforeAssetWrite();
      return inner.set(key, value, options);
    },
    delete: (key) => inner.delete(key),
    setIfAbsent(key, value, options) {
      claims.push({ key, options });
      return inner.setIfAbsent(key, value, options);
    },
    async batchSet(items) {
      if (items.some(({ key }) => key.startsWith('asset:'))) await beforeAssetWrite();
      return inner.batchSet(items);
    },
    list: (prefix, options) => inner.list(prefix, options),
  };
}

/** A store that drops every TTL: records stay until the handler's `expiresAt` says otherwise. */
function withoutTtl(inner) {
  return {
    get: (key) => inner.get(key),
    set: (key, value) => inner.set(key, value),
    delete: (key) => inner.delete(key),
    setIfAbsent: (key, value) => inner.setIfAbsent(key, value),
    batchSet: (items) => inner.batchSet(items.map(({ key, value }) => ({ key, value }))),
    list: (prefix, options) => inner.list(prefix, options),
  };
}

let miniflare;
let kvNamespace;
after(async () => {
  await miniflare?.dispose();
});

/** A Workers KV namespace inside workerd, emptied for each test. */
async function emptyKvNamespace() {
  if (!miniflare) {
    miniflare = new Miniflare({
      modules: true,
      script: 'export default { fetch() { return new Response(null, { status: 204 }); } };',
      kvNamespaces: ['IDEMPOTENCY'],
    });
    kvNamespace = await miniflare.getKVNamespace('IDEMPOTENCY');
  }
  for (;;) {
    const { keys } = await kvNamespace.list();
    if (keys.length === 0) return kvNamespace;
    await Promise.all(keys.map(({ name }) => kvNamespace.delete(name)));
  }
}

/**
 * Every adapter that runs here. `atomic`: setIfAbsent is a real compare-and-set. `clock`: the
 * store's TTL clock can be moved from the test.
 * @type {{ name: string, atomic: boolean,
 *   make: () => Promise<{ storage: object, clock?: ReturnType<typeof manualClock>,
 *     cleanup?: () => void }> }[]}
 */
const ADAPTERS = [
  {
    name: 'memory',
    atomic: true,
    make: async () => {
      const clock = manualClock(Date.now());
      return { storage: memoryStorage({ now: clock.now }), clock };
    },
  },
  {
    name: 'sqlite',
    atomic: true,
    make: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'clarento-idem-'));
      const clock = manualClock(Date.now());
      const storage = sqliteStorage(join(dir, 'assets.sqlite'), { now: clock.now });
      const cleanup = () => {
        storage.close();
        rmSync(dir, { recursive: true, force: true });
      };
      return { storage, clock, cleanup };
    },
  },
  {
    name: 'forge-kvs (real @forge/kvs SDK, fake transport)',
    atomic: true,
    make: async () => {
      const clock = manualClock(Date.now());
      const fake = installForgeFetchFake({ now: clock.now });
      return { storage: forgeKvsStorage(kvs), clock, cleanup: () => fake.uninstall() };
    },
  },
  {
    name: 'workers-kv (miniflare KV binding)',
    atomic: false,
    make: async () => ({ storage: workersKvStorage(await emptyKvNamespace()) }),
  },
];

for (const adapter of ADAPTERS) {
  describe(`idempotency on ${adapter.name}`, () => {
    let fixture;
    let storage;
    let handle;
    beforeEach(async () => {
      fixture = await adapter.make();
      storage = instrumented(fixture.storage);
      handle = await createHandler({ secret: SECRET, storage });
    });
    afterEach(() => fixture.cleanup?.());

    test('a repeat replays the first response and stores nothing new', async () => {
      const first = await handle(withKey('replay-1'));
      assert.equal(first.statusCode, 201);
      assert.equal(header(first, REPLAYED), undefined);
      const { assetId } = parse(first);
      const record = await keysUnder(storage, 'idem:');
      const recordValue = await storage.get(record[0]);

      const again = await handle(withKey('replay-1'));
      assert.equal(again.statusCode, 201);
      assert.equal(header(again, REPLAYED), 'true');
      assert.equal(parse(again).assetId, assetId);
      assert.deepEqual(parse(again), parse(first), 'the very same body, uploadedAt included');
      assert.deepEqual(await keysUnder(storage, 'asset:'), [`asset:${assetId}`]);
      assert.deepEqual(await keysUnder(storage, 'idem:'), record);
      assert.deepEqual(await storage.get(record[0]), recordValue, 'the record is unchanged');
      assertMatchesOpenapi(first);
      assertMatchesOpenapi(again);
    });

    test('the same key with a different payload gets 422 and changes nothing', async () => {
      const first = await handle(withKey('reuse-1'));
      const changed = await handle(withKey('reuse-1', { ...ASSET, name: 'other.png' }));
      assert.equal(changed.statusCode, 422);
      assert.deepEqual(parse(changed), { error: MESSAGES.reused });
      assertMatchesOpenapi(changed);
      assert.deepEqual(await keysUnder(storage, 'asset:'), [`asset:${parse(first).assetId}`]);
      const original = await handle(withKey('reuse-1'));
      assert.equal(parse(original).assetId, parse(first).assetId, 'the first answer still holds');
    });

    test('the same key while the first request is in flight gets 409; one asset is stored',
      async () => {
        const held = storage.hold();
        const one = handle(withKey('race-1'));
        // A store without compare-and-set cannot settle two simultaneous claims (see
        // docs/cli-and-retries.md); there, the retry comes once the key is taken.
        if (!adapter.atomic) await within(held.reached);
        const two = handle(withKey('race-1'));
        const first = await within(Promise.race([one, two]));
        assert.equal(first.statusCode, 409);
        assert.deepEqual(parse(first), { error: MESSAGES.inFlight });
        assertMatchesOpenapi(first);
        const changed = await within(handle(withKey('race-1', { ...ASSET, sizeBytes: 1 })));
        assert.equal(changed.statusCode, 422, 'a different payload is refused even in flight');

        held.release();
        const statuses = (await within(Promise.all([one, two]))).map((r) => r.statusCode);
        assert.deepEqual(statuses.sort(), [201, 409]);
        const stored = await keysUnder(storage, 'asset:');
        assert.equal(stored.length, 1, 'exactly one asset');
        const winner = (await Promise.all([one, two])).find((r) => r.statusCode === 201);
        const retry = await handle(withKey('race-1'));
        assert.equal(retry.statusCode, 201);
        assert.equal(header(retry, REPLAYED), 'true');
        assert.equal(parse(retry).assetId, parse(winner).assetId);
        assert.deepEqual(stored, [`asset:${parse(winner).assetId}`]);
      });

    test('the key is claimed with a 24 h TTL and frees itself when the store expires it',
      async (t) => {
        const first = await handle(withKey('expiry-1'));
        assert.deepEqual(storage.claims.map((c) => c.options), [{ ttlSeconds: DAY_SECONDS }]);
        if (!fixture.clock) return t.skip('this store\'s clock cannot be moved from a test');

        fixture.clock.advance(DAY_MS - SECOND_MS);
        const early = await handle(withKey('expiry-1'));
        assert.equal(header(early, REPLAYED), 'true', 'still replayed just before 24 h');
        assert.equal(parse(early).assetId, parse(first).assetId);

        fixture.clock.advance(2 * SECOND_MS);
        const late = await handle(withKey('expiry-1'));
        assert.equal(late.statusCode, 201);
        assert.equal(header(late, REPLAYED), undefined);
        assert.notEqual(parse(late).assetId, parse(first).assetId, 'processed anew');
        assert.equal((await keysUnder(storage, 'asset:')).length, 2);
      });

    test('on a store without TTL, a record whose expiresAt has passed no longer counts',
      async () => {
        const plain = withoutTtl(fixture.storage);
        const noTtl = await createHandler({ secret: SECRET, storage: plain });
        const before = Date.now();
        const first = await noTtl(withKey('expired-1'));
        const [recordKey] = await keysUnder(plain, 'idem:');
        const record = await plain.get(recordKey);
        assert.equal(record.state, 'done');
        assert.equal(record.expiresAt - record.createdAt, DAY_MS);
        assert.ok(record.createdAt >= before && record.createdAt <= Date.now());

        const replay = await noTtl(withKey('expired-1'));
        assert.equal(header(replay, REPLAYED), 'true', 'an unexpired record replays');
        await plain.set(recordKey, { ...record, expiresAt: Date.now() - 1 });
        const fresh = await noTtl(withKey('expired-1'));
        assert.equal(fresh.statusCode, 201);
        assert.equal(header(fresh, REPLAYED), undefined);
        assert.notEqual(parse(fresh).assetId, parse(first).assetId);
        assert.ok((await plain.get(recordKey)).expiresAt > Date.now(), 'a new record is kept');
        assert.equal((await keysUnder(plain, 'asset:')).length, 2);
      });

    test('a storage failure answers 500 and frees the key, so a retry succeeds', async () => {
      storage.failAssetWrites(1);
      const failed = await handle(withKey('failure-1'));
      assert.equal(failed.statusCode, 500);
      assert.equal(parse(failed).assetId, undefined);
      assertMatchesOpenapi(failed);
      assert.deepEqual(await keysUnder(storage, 'idem:'), [], 'the key was released');
      assert.deepEqual(await keysUnder(storage, 'asset:'), []);

      const retry = await handle(withKey('failure-1'));
      assert.equal(retry.statusCode, 201);
      assert.equal(header(retry, REPLAYED), undefined);
      assert.deepEqual(await keysUnder(storage, 'asset:'), [`asset:${parse(retry).assetId}`]);
    });
  });
}

describe('idempotency rules', () => {
  let storage;
  let handle;
  beforeEach(async () => {
    storage = instrumented(memoryStorage());
    handle = await createHandler({ secret: SECRET, previousSecret: 'old-secret', storage });
  });

  test('keys of 1 to 255 visible ASCII characters are accepted; others get 400', async () => {
    assert.equal((await handle(withKey('k'.repeat(MAX_KEY_BYTES)))).statusCode, 201);
    for (const bad of ['k'.repeat(MAX_KEY_BYTES + 1), 'clé', 'tab\there', '   ', '""']) {
      const response = await handle(withKey(bad));
      assert.equal(response.statusCode, 400, JSON.stringify(bad));
      assert.deepEqual(parse(response), { error: MESSAGES.invalidKey });
      assertMatchesOpenapi(response);
    }
    assert.equal((await keysUnder(storage, 'asset:')).length, 1, 'a bad key stores nothing');
  });

  test('a quoted key is the same key as the bare one', async () => {
    const bare = await handle(withKey('ci-run-42'));
    const quoted = await handle(withKey('"ci-run-42"'));
    assert.equal(header(quoted, REPLAYED), 'true');
    assert.equal(parse(quoted).assetId, parse(bare).assetId);
  });

  test('the payload is compared without its secret: a retry after rotation replays', async () => {
    const before = await handle(post({ ...ASSET, secret: 'old-secret' }, {
      'Idempotency-Key': 'rotation-1',
    }));
    const after = await handle(post(`{ "name": "${ASSET.name}", "cdnUrl": "${ASSET.cdnUrl}",
      "mimeType": "image/png", "sizeBytes": 524288, "tags": ["campaign", "banner"] }`, {
      'Idempotency-Key': 'rotation-1', Authorization: `Bearer ${SECRET}`,
    }));
    assert.equal(before.statusCode, 201);
    assert.equal(header(after, REPLAYED), 'true', 'new secret, header auth, other whitespace');
    assert.equal(parse(after).assetId, parse(before).assetId);
  });

  test('a batch with a key is replayed whole', async () => {
    const batch = { assets: [ASSET, { ...ASSET, sizeBytes: 'big' }], secret: SECRET };
    const first = await handle(post(batch, { 'Idempotency-Key': 'batch-1' }));
    assert.equal(first.statusCode, 207);
    const again = await handle(post(batch, { 'Idempotency-Key': 'batch-1' }));
    assert.equal(again.statusCode, 207);
    assert.equal(header(again, REPLAYED), 'true');
    assert.deepEqual(parse(again), parse(first));
    assert.equal((await keysUnder(storage, 'asset:')).length, 1);
    assertMatchesOpenapi(again);
  });

  test('a pending record holds its key for its lease, then a retry takes it over', async () => {
    const held = storage.hold();
    const first = handle(withKey('lease-1'));
    await within(held.reached);
    const [recordKey] = await keysUnder(storage, 'idem:');
    const pending = await storage.get(recordKey);
    assert.equal(pending.state, 'pending');
    held.release();
    await first;
    // The process that held the key died before it could finish: only its claim is left.
    await storage.set(recordKey, { ...pending, createdAt: Date.now() });
    assert.equal((await handle(withKey('lease-1'))).statusCode, 409, 'a live lease holds');
    await storage.set(recordKey, { ...pending, createdAt: Date.now() - LEASE_MS - SECOND_MS });
    const retry = await handle(withKey('lease-1'));
    assert.equal(retry.statusCode, 201);
    assert.equal(header(retry, REPLAYED), undefined, 'processed, not replayed');
  });

  test('past its deadline a request gets 503 with Retry-After; a retry meanwhile gets 409',
    async () => {
      const hurried = await createHandler({ secret: SECRET, storage, deadlineMs: DEADLINE_MS });
      const held = storage.hold();
      const timedOut = await hurried(withKey('deadline-1'));
      assert.equal(timedOut.statusCode, 503);
      assert.match(header(timedOut, 'Retry-After'), /^\d+$/);
      assertMatchesOpenapi(timedOut);
      const during = await hurried(withKey('deadline-1'));
      assert.equal(during.statusCode, 409);
      held.release();
    });

  test('after a deadline 503 the late write still completes: retries replay, no second asset',
    async (t) => {
      const hurried = await createHandler({ secret: SECRET, storage, deadlineMs: DEADLINE_MS });
      const held = storage.hold();
      assert.equal((await hurried(withKey('deadline-2'))).statusCode, 503);
      held.release();
      await eventually(async () => (await keysUnder(storage, 'asset:')).length === 1);
      const [assetKey] = await keysUnder(storage, 'asset:');
      const retry = await hurried(withKey('deadline-2'));
      assert.equal(retry.statusCode, 201, 'the stored asset is replayed, not held as in flight');
      assert.equal(`asset:${parse(retry).assetId}`, assetKey);
      const now = Date.now();
      t.mock.method(Date, 'now', () => now + LEASE_MS + SECOND_MS);
      await hurried(withKey('deadline-2'));
      assert.deepEqual(await keysUnder(storage, 'asset:'), [assetKey], 'never a second asset');
    });

  test('the order of keys in the body does not make a different payload',
    async () => {
      const first = await handle(withKey('order-1'));
      const reordered = Object.fromEntries(Object.entries({ ...ASSET, secret: SECRET }).reverse());
      const again = await handle(post(reordered, { 'Idempotency-Key': 'order-1' }));
      assert.equal(again.statusCode, 201, 'the same JSON object, members in another order');
      assert.equal(parse(again).assetId, parse(first).assetId);
    });
});

describe('idempotency of signed requests', () => {
  const signingSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const key = Buffer.from(signingSecret.slice('whsec_'.length), 'base64');
  const signed = (id, body, timestamp = Math.floor(Date.now() / 1000), extra = {}) => {
    const text = JSON.stringify(body);
    const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${text}`).digest('base64');
    return post(text, {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': `v1,${mac}`,
      ...extra,
    });
  };
  let storage;
  let handle;
  beforeEach(async () => {
    storage = memoryStorage();
    handle = await createHandler({ signingSecret, storage });
  });

  test('webhook-id is the key: a redelivery replays, a different body gets 422', async () => {
    const first = await handle(signed('msg_1', ASSET));
    assert.equal(first.statusCode, 201);
    const redelivered = await handle(signed('msg_1', ASSET, Math.floor(Date.now() / 1000) - 1));
    assert.equal(header(redelivered, REPLAYED), 'true');
    assert.equal(parse(redelivered).assetId, parse(first).assetId);
    const changed = await handle(signed('msg_1', { ...ASSET, name: 'changed.png' }));
    assert.equal(changed.statusCode, 422);
    assert.equal((await keysUnder(storage, 'asset:')).length, 1);
  });

  test('an Idempotency-Key header takes precedence over webhook-id', async () => {
    const one = await handle(signed('msg_2', ASSET, undefined, { 'Idempotency-Key': 'a' }));
    const two = await handle(signed('msg_2', ASSET, undefined, { 'Idempotency-Key': 'b' }));
    assert.equal(two.statusCode, 201);
    assert.equal(header(two, REPLAYED), undefined);
    assert.notEqual(parse(two).assetId, parse(one).assetId);
  });
});
