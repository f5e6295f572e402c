// The Workers KV adapter against a real KV namespace binding inside workerd (miniflare).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Miniflare } from 'miniflare';
import { MIN_TTL_SECONDS, workersKvStorage } from '../../js/storage/workers-kv.js';
import { storageConformance } from './helpers/storage-conformance.js';

let mf;
let namespace;

before(async () => {
  mf = new Miniflare({
    modules: true,
    script: 'export default { fetch() { return new Response(null, { status: 204 }); } };',
    kvNamespaces: ['ASSETS'],
  });
  namespace = await mf.getKVNamespace('ASSETS');
});
after(async () => {
  await mf?.dispose();
});

async function emptied(ns) {
  for (;;) {
    const { keys } = await ns.list();
    if (keys.length === 0) return ns;
    await Promise.all(keys.map(({ name }) => ns.delete(name)));
  }
}

// KV has no compare-and-set, so the concurrent-claims case does not apply; and workerd's
// clock cannot be moved from a test, so the expiry cases are skipped (TTLs are checked below).
storageConformance('workers-kv (miniflare KV binding)', async () => ({
  storage: workersKvStorage(await emptied(namespace)),
}), { atomicSetIfAbsent: false });

describe('workers-kv adapter details', () => {
  it('passes TTLs as expirationTtl, raised to the KV minimum of 60 s', async () => {
    const puts = [];
    const recording = {
      get: (...args) => namespace.get(...args),
      put: (key, value, options) => {
        puts.push({ key, options });
        return namespace.put(key, value, options);
      },
      delete: (key) => namespace.delete(key),
      list: (options) => namespace.list(options),
    };
    const storage = workersKvStorage(recording);
    await storage.set('idem:short', { a: 1 }, { ttlSeconds: 5 });
    await storage.setIfAbsent('idem:day', { a: 1 }, { ttlSeconds: 86400 });
    await storage.set('asset:forever', { a: 1 });
    assert.deepEqual(puts.map((p) => p.options), [
      { expirationTtl: MIN_TTL_SECONDS },
      { expirationTtl: 86400 },
      undefined,
    ]);
    const listed = await namespace.list({ prefix: 'idem:short' });
    assert.ok(listed.keys[0].expiration > Date.now() / 1000, 'KV recorded an expiry');
  });

  it('surfaces the HTTP status in a KV error message as error.status', async () => {
    const limited = {
      get: async () => {
        throw new Error('KV GET failed: 429 Too Many Requests');
      },
      put: async () => {
        throw new Error('KV PUT failed: 503 Service Unavailable');
      },
      delete: async () => {},
      list: async () => ({ keys: [], list_complete: true }),
    };
    const storage = workersKvStorage(limited);
    await assert.rejects(storage.get('asset:x'), { status: 429, statusCode: 429 });
    await assert.rejects(storage.set('asset:x', {}), { status: 503 });
  });

  it('requires a binding', () => {
    assert.throws(() => workersKvStorage(undefined), TypeError);
  });
});
