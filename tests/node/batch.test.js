// Batch registration through createHandler: `{ "assets": [...], "secret" }` answers 207 with one
// result per item, in order; valid items are stored even when others fail; authentication,
// size and JSON errors reject the whole batch; batch writes go through `batchSet`.

import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { kvs } from '@forge/kvs';
import { Miniflare } from 'miniflare';
import { createHandler, memoryStorage } from '../../js/index.js';
import { BATCH_SET_CHUNK, forgeKvsStorage } from '../../js/storage/forge-kvs.js';
import { workersKvStorage } from '../../js/storage/workers-kv.js';
import { post, SEED_ASSET } from './helpers/fixtures.js';
import { installForgeFetchFake } from './helpers/forge-fetch-fake.js';
import { assertMatchesOpenapi } from './helpers/openapi.js';

const SECRET = 'batch-secret-91c4';
const MAX_BATCH = 100;
/** Just over the handler's body limit (256 KiB). */
const OVERSIZED_BYTES = 256 * 1024 + 1;
const ID_PATTERN = /^asset_[0-9a-hjkmnp-tv-z]{29}$/;
/** A Workers KV batch of three rounds of concurrent puts, the second of which fails. */
const KV_BATCH = 30;
const KV_FAILING_PUT = 13;
/** A valid batch item: the seed example, without a secret. */
const VALID = SEED_ASSET;

const batchOf = (assets, secret = SECRET) => post({ assets, secret });
const parse = (response) => JSON.parse(response.body);
const numbered = (count) => Array.from({ length: count }, (_, i) => ({
  ...VALID, name: `asset-${i}.svg`, sizeBytes: i,
}));

/** A memory store that records every write; `batchSet` can be left out or made to fail. */
function recordingStorage({ withBatchSet = true, failBatchSet = false } = {}) {
  const inner = memoryStorage();
  const writes = { set: [], batchSet: [] };
  const storage = {
    writes,
    get: (key) => inner.get(key),
    set: (key, value, options) => {
      writes.set.push(key);
      return inner.set(key, value, options);
    },
    delete: (key) => inner.delete(key),
    setIfAbsent: (key, value, options) => inner.setIfAbsent(key, value, options),
    list: (prefix, options) => inner.list(prefix, options),
  };
  if (withBatchSet) {
    storage.batchSet = async (items) => {
      writes.batchSet.push(items.map(({ key }) => key));
      if (failBatchSet) throw new Error('injected batchSet failure');
      return inner.batchSet(items);
    };
  }
  return storage;
}

async function assetKeys(storage) {
  const keys = [];
  let cursor;
  do {
    const page = await storage.list('asset:', { limit: 100, cursor });
    keys.push(...page.items.map((item) => item.key));
    cursor = page.cursor;
  } while (cursor);
  return keys.sort();
}

describe('a batch with valid and invalid items', () => {
  let storage;
  let response;
  let results;
  const items = [
    { ...VALID, tags: [' Logo ', 'LOGO', 'brand'] },
    { name: 'no-url.png', mimeType: 'image/png' },
    { ...VALID, sizeBytes: '4096', cdnUrl: 'launch/hero.jpg' },
    'not an object',
    { ...VALID, name: 'deck.pdf', mimeType: 'application/pdf', approved: true },
    null,
    { ...VALID, tags: 'logo,brand' },
  ];
  beforeEach(async () => {
    storage = recordingStorage();
    const handle = await createHandler({ secret: SECRET, storage });
    response = await handle(batchOf(items));
    results = parse(response).results;
  });

  test('answers 207 with one result per item, in request order', () => {
    assert.equal(response.statusCode, 207);
    assert.deepEqual(results.map((r) => r.index), items.map((_, i) => i));
    assert.deepEqual(results.map((r) => r.statusCode), [201, 400, 400, 400, 201, 400, 400]);
    assertMatchesOpenapi(response);
  });

  test('each failed item says why, with details for invalid fields', () => {
    assert.deepEqual(results[1], {
      index: 1, statusCode: 400, error: 'Missing required fields: cdnUrl, sizeBytes',
    });
    assert.equal(results[2].error, 'Invalid fields: cdnUrl, sizeBytes');
    assert.deepEqual(results[2].details.map((d) => d.field), ['cdnUrl', 'sizeBytes']);
    for (const detail of results[2].details) assert.ok(detail.message.length > 0);
    assert.deepEqual(results[3], {
      index: 3, statusCode: 400, error: 'Asset must be a JSON object',
    });
    assert.equal(results[5].error, 'Asset must be a JSON object');
    assert.equal(results[6].error, 'Invalid field: tags');
    assert.deepEqual(results[6].details.map((d) => d.field), ['tags']);
    for (const failed of [1, 2, 3, 5, 6]) assert.equal(results[failed].assetId, undefined);
  });

  test('valid items are stored, normalised, under the ids the results give', async () => {
    const ids = [results[0].assetId, results[4].assetId];
    for (const id of ids) assert.match(id, ID_PATTERN);
    assert.deepEqual(await assetKeys(storage), ids.map((id) => `asset:${id}`).sort());
    const first = await storage.get(`asset:${ids[0]}`);
    assert.deepEqual(first.tags, ['logo', 'brand']);
    assert.equal(first.type, 'image');
    const second = await storage.get(`asset:${ids[1]}`);
    assert.equal(second.type, 'document');
    assert.equal(second.approved, false, 'a caller-chosen approval is ignored');
    assert.equal(second.uploadedBy, 'external-webhook');
  });

  test('the valid items are written in one batchSet call, never one by one', () => {
    assert.equal(storage.writes.batchSet.length, 1);
    assert.deepEqual(storage.writes.batchSet[0],
      [results[0].assetId, results[4].assetId].map((id) => `asset:${id}`));
    assert.deepEqual(storage.writes.set.filter((key) => key.startsWith('asset:')), []);
  });
});

describe('batch limits and batch-level errors', () => {
  let storage;
  let handle;
  beforeEach(async () => {
    storage = recordingStorage();
    handle = await createHandler({ secret: SECRET, storage });
  });

  test(`${MAX_BATCH} assets are accepted; ids are distinct and in order`, async () => {
    const response = await handle(batchOf(numbered(MAX_BATCH)));
    assert.equal(response.statusCode, 207);
    const ids = parse(response).results.map((r) => r.assetId);
    assert.equal(new Set(ids).size, MAX_BATCH);
    assert.deepEqual([...ids].sort(), ids, 'ids sort in item order');
    assert.equal((await assetKeys(storage)).length, MAX_BATCH);
    assertMatchesOpenapi(response);
  });

  for (const [name, assets] of [
    [`${MAX_BATCH + 1} assets`, numbered(MAX_BATCH + 1)],
    ['an empty list', []],
    ['a string', 'assets'],
    ['null', null],
    ['an object', { 0: VALID }],
  ]) {
    test(`assets given as ${name} gets 400 naming the field, and stores nothing`, async () => {
      const response = await handle(batchOf(assets));
      assert.equal(response.statusCode, 400);
      assert.deepEqual(parse(response).details.map((d) => d.field), ['assets']);
      assertMatchesOpenapi(response);
      assert.deepEqual(await assetKeys(storage), []);
    });
  }

  const rejected = [
    ['a wrong secret', () => batchOf([VALID], 'wrong'), 401, 'Invalid webhook secret'],
    ['no secret', () => post({ assets: [VALID] }), 401, 'Invalid webhook secret'],
    ['a secret that is not a string', () => batchOf([VALID], 42), 401, 'Invalid webhook secret'],
    ['a wrong bearer token alongside the right body secret',
      () => post({ assets: [VALID], secret: SECRET }, { Authorization: 'Bearer wrong' }),
      401, 'Invalid webhook secret'],
    ['truncated JSON', () => post('{"assets":[{"name":"a"}'), 400, 'Invalid JSON body'],
    ['a duplicated key', () => post(`{"assets":[],"assets":[${JSON.stringify(VALID)}],`
      + `"secret":"${SECRET}"}`), 400, 'Invalid JSON body'],
    ['a body over 256 KiB', () => batchOf([{ ...VALID, name: 'x'.repeat(OVERSIZED_BYTES) }]),
      413, 'Request body too large'],
  ];
  for (const [name, request, status, error] of rejected) {
    test(`${name} rejects the whole batch with ${status}`, async () => {
      const response = await handle(request());
      assert.equal(response.statusCode, status);
      assert.deepEqual(parse(response), { error });
      assertMatchesOpenapi(response);
      assert.deepEqual(await assetKeys(storage), []);
      assert.deepEqual(storage.writes, { set: [], batchSet: [] }, 'storage was not touched');
    });
  }

  test('the secret may come as a bearer token instead of in the body', async () => {
    const response = await handle(post({ assets: [VALID] }, {
      Authorization: `Bearer ${SECRET}`,
    }));
    assert.equal(response.statusCode, 207);
    assert.equal(parse(response).results[0].statusCode, 201);
  });

  test('a batch where every item fails is still 207, and writes nothing', async () => {
    const response = await handle(batchOf([{ name: 'a' }, 7]));
    assert.equal(response.statusCode, 207);
    assert.deepEqual(parse(response).results.map((r) => r.statusCode), [400, 400]);
    assert.deepEqual(storage.writes, { set: [], batchSet: [] });
  });

  test('a body without `assets` is a single registration, as before', async () => {
    const response = await handle(post({ ...VALID, secret: SECRET }));
    assert.equal(response.statusCode, 201);
    assert.equal(parse(response).success, true);
  });
});

describe('batch writes', () => {
  test('a store without batchSet gets one set per valid item', async () => {
    const storage = recordingStorage({ withBatchSet: false });
    const handle = await createHandler({ secret: SECRET, storage });
    const response = await handle(batchOf([VALID, { name: 'x' }, VALID]));
    const ids = parse(response).results.filter((r) => r.assetId).map((r) => r.assetId);
    assert.equal(ids.length, 2);
    assert.deepEqual(storage.writes.set.sort(), ids.map((id) => `asset:${id}`).sort());
  });

  test('a failed batchSet answers 500 for the whole batch', async () => {
    const storage = recordingStorage({ failBatchSet: true });
    const handle = await createHandler({ secret: SECRET, storage });
    const response = await handle(batchOf([VALID, VALID]));
    assert.equal(response.statusCode, 500);
    assert.equal(parse(response).results, undefined);
    assertMatchesOpenapi(response);
    assert.deepEqual(await assetKeys(storage), []);
  });

  test('on Forge KVS a batch is written through kvs.batchSet, 25 keys a call', async () => {
    const fake = installForgeFetchFake();
    try {
      const handle = await createHandler({ secret: SECRET, storage: forgeKvsStorage(kvs) });
      const count = 2 * BATCH_SET_CHUNK + 10;
      const response = await handle(batchOf(numbered(count)));
      assert.equal(response.statusCode, 207);
      const batches = fake.calls.filter((c) => c.path === '/api/v1/batch/set');
      assert.deepEqual(batches.map((b) => b.body.length), [25, 25, 10]);
      const single = fake.calls.filter((c) => c.path === '/api/v1/set');
      assert.deepEqual(single, [], 'no asset is written on its own');
      const stored = [...fake.store.keys()].filter((key) => key.startsWith('asset:'));
      assert.equal(stored.length, count);
    } finally {
      fake.uninstall();
    }
  });

  test('a KVS batch that fails part-way leaves no asset behind its 500',
    async () => {
      const fake = installForgeFetchFake();
      try {
        const handle = await createHandler({ secret: SECRET, storage: forgeKvsStorage(kvs) });
        const transport = globalThis.__forge_fetch__;
        let batchCalls = 0;
        // The first chunk is written; the second one fails, once.
        globalThis.__forge_fetch__ = async (target, path, init) => {
          if (path === '/api/v1/batch/set' && ++batchCalls === 2) {
            return new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'x' }),
              { status: 500, headers: { 'content-type': 'application/json' } });
          }
          return transport(target, path, init);
        };
        const request = post({ assets: numbered(2 * BATCH_SET_CHUNK), secret: SECRET }, {
          'Idempotency-Key': 'partial-1',
        });
        const response = await handle(request);
        assert.equal(response.statusCode, 500);
        const stored = () => [...fake.store.keys()].filter((key) => key.startsWith('asset:'));
        assert.deepEqual(stored(), [], 'a 500 says the assets were not registered');
        const retry = await handle(request);
        assert.equal(retry.statusCode, 207);
        assert.equal(stored().length, 2 * BATCH_SET_CHUNK, 'the retry does not duplicate');
      } finally {
        fake.uninstall();
      }
    });

  test('a Workers KV batch that fails part-way leaves no asset behind its 500',
    async () => {
      const miniflare = new Miniflare({
        modules: true,
        script: 'export default { fetch() { return new Response(null, { status: 204 }); } };',
        kvNamespaces: ['BATCH'],
      });
      try {
        const namespace = await miniflare.getKVNamespace('BATCH');
        let assetPuts = 0;
        const failing = {
          get: (...args) => namespace.get(...args),
          delete: (key) => namespace.delete(key),
          list: (options) => namespace.list(options),
          // The 13th asset write fails, once: KV names the status in its message.
          put: async (key, value, options) => {
            if (key.startsWith('asset:') && ++assetPuts === KV_FAILING_PUT) {
              throw new Error('KV PUT failed: 500 Internal Server Error');
            }
            return namespace.put(key, value, options);
          },
        };
        const storage = workersKvStorage(failing);
        const handle = await createHandler({ secret: SECRET, storage });
        const request = post({ assets: numbered(KV_BATCH), secret: SECRET }, {
          'Idempotency-Key': 'partial-kv-1',
        });
        const response = await handle(request);
        assert.equal(response.statusCode, 500);
        assert.deepEqual(await assetKeys(storage), [], 'a 500 says no asset was registered');
        const retry = await handle(request);
        assert.equal(retry.statusCode, 207);
        assert.equal((await assetKeys(storage)).length, KV_BATCH, 'the retry does not duplicate');
      } finally {
        await miniflare.dispose();
      }
    });
});
