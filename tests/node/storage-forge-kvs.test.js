import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { kvs } from '@forge/kvs';
import { BATCH_SET_CHUNK, forgeKvsStorage } from '../../js/storage/forge-kvs.js';
import { installForgeFetchFake } from './helpers/forge-fetch-fake.js';
import { manualClock, storageConformance } from './helpers/storage-conformance.js';

const DAY_SECONDS = 86400;

storageConformance('forge-kvs (real @forge/kvs SDK, fake transport)', async () => {
  const clock = manualClock();
  const fake = installForgeFetchFake({ now: clock.now });
  return { storage: forgeKvsStorage(kvs), clock, cleanup: () => fake.uninstall() };
});

describe('forge-kvs adapter on the wire', () => {
  let fake;
  let storage;
  beforeEach(() => {
    fake = installForgeFetchFake();
    storage = forgeKvsStorage();
  });
  afterEach(() => fake.uninstall());

  it('sends a TTL in seconds and FAIL_IF_EXISTS for setIfAbsent', async () => {
    await storage.setIfAbsent('idem:abc', { state: 'pending' }, { ttlSeconds: DAY_SECONDS });
    const call = fake.calls.find((c) => c.path === '/api/v1/set');
    assert.deepEqual(call.body.options, {
      ttl: { value: DAY_SECONDS, unit: 'SECONDS' },
      keyPolicy: 'FAIL_IF_EXISTS',
    });
    await storage.set('asset:plain', { a: 1 });
    const plain = fake.calls.filter((c) => c.path === '/api/v1/set').at(-1);
    assert.equal(plain.body.options, undefined);
  });

  it('writes a batch in chunks of at most 25 keys', async () => {
    const entries = Array.from({ length: 2 * BATCH_SET_CHUNK + 3 }, (_, i) => ({
      key: `asset:k${i}`,
      value: { i },
      ttlSeconds: i === 0 ? 60 : undefined,
    }));
    await storage.batchSet(entries);
    const batches = fake.calls.filter((c) => c.path === '/api/v1/batch/set');
    assert.deepEqual(batches.map((b) => b.body.length), [25, 25, 3]);
    assert.deepEqual(batches[0].body[0].options, { ttl: { value: 60, unit: 'SECONDS' } });
    assert.equal(fake.store.size, entries.length);
  });

  it('lists through a BEGINS_WITH key query', async () => {
    await storage.set('asset:one', { n: 1 });
    await storage.list('asset:', { limit: 10 });
    const query = fake.calls.find((c) => c.path === '/api/v1/query');
    assert.deepEqual(query.body.where, [
      { property: 'key', condition: 'BEGINS_WITH', values: ['asset:'] },
    ]);
    assert.equal(query.body.limit, 10);
  });

  for (const [operation, run] of [
    ['get', (s) => s.get('asset:x')],
    ['set', (s) => s.set('asset:x', { a: 1 })],
    ['setIfAbsent', (s) => s.setIfAbsent('idem:x', { a: 1 })],
    ['delete', (s) => s.delete('asset:x')],
    ['batchSet', (s) => s.batchSet([{ key: 'asset:x', value: {} }])],
    ['list', (s) => s.list('asset:')],
  ]) {
    it(`${operation}: a 429 surfaces as an error whose status is 429`, async () => {
      fake.failWith(429, { code: 'RATE_LIMIT_EXCEEDED' });
      await assert.rejects(run(storage), (error) => {
        assert.equal(error.status, 429);
        assert.equal(error.statusCode, 429);
        assert.equal(error.code, 'RATE_LIMIT_EXCEEDED');
        return true;
      });
    });
  }

  it('a 500 surfaces with status 500, and setIfAbsent does not mistake it for a conflict',
    async () => {
      fake.failWith(500, { code: 'INTERNAL_SERVER_ERROR' });
      await assert.rejects(storage.setIfAbsent('idem:y', { a: 1 }), { status: 500 });
      await assert.rejects(storage.get('asset:y'), { status: 500 });
    });

  it('a failed key inside a batch rejects the batch; a rate-limited one gives 429', async () => {
    await storage.batchSet([{ key: 'asset:ok', value: {} }]);
    const original = globalThis.__forge_fetch__;
    globalThis.__forge_fetch__ = async (target, path, init) => {
      if (path !== '/api/v1/batch/set') return original(target, path, init);
      const items = JSON.parse(init.body);
      return new Response(JSON.stringify({
        successfulKeys: items.slice(1).map(({ key }) => ({ key })),
        failedKeys: [{ key: items[0].key, error: { code: 'RATE_LIMIT_EXCEEDED', message: 'x' } }],
      }), { status: 200 });
    };
    await assert.rejects(storage.batchSet([{ key: 'asset:a', value: {} }]), { status: 429 });
  });

  it('refuses keys and values KVS would reject, before any call', async () => {
    await assert.rejects(storage.set('asset:bad/slash', {}), { code: 'INVALID_KEY' });
    await assert.rejects(storage.set(`asset:${'a'.repeat(500)}`, {}), { code: 'INVALID_KEY' });
    await assert.rejects(storage.set('asset:big', { blob: 'x'.repeat(240 * 1024) }),
      { code: 'VALUE_TOO_LARGE' });
    assert.equal(fake.calls.length, 0);
  });
});
