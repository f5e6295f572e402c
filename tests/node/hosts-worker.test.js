// The edge worker in real workerd (through miniflare): js/worker.js with its .wasm imported by
// a CompiledWasm module rule, and assets stored in a real KV namespace binding.

import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Miniflare } from 'miniflare';
import { seedBody } from './helpers/fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'worker-host-test-secret';
const ORIGIN = 'http://webhook.test';

const seedExample = seedBody(SECRET);

const workerOptions = (bindings) => ({
  modules: true,
  scriptPath: `${ROOT}js/worker.js`,
  modulesRoot: ROOT,
  modulesRules: [
    { type: 'ESModule', include: ['**/*.js'] },
    { type: 'CompiledWasm', include: ['**/*.wasm'] },
  ],
  compatibilityDate: '2026-04-26',
  kvNamespaces: ['ASSETS'],
  bindings,
});

describe('edge worker in workerd (miniflare)', () => {
  let mf;
  let kv;

  before(async () => {
    mf = new Miniflare(workerOptions({ WEBHOOK_SECRET: SECRET }));
    await mf.ready;
    kv = await mf.getKVNamespace('ASSETS');
  });
  after(async () => {
    await mf?.dispose();
  });

  it('registers the seed example: 201, and the asset is in KV', async () => {
    const response = await mf.dispatchFetch(`${ORIGIN}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(seedExample),
    });
    const text = await response.text();
    assert.equal(response.status, 201, text);
    assert.equal(response.headers.get('content-type'), 'application/json');
    const body = JSON.parse(text);
    assert.equal(body.success, true);
    assert.deepEqual(await kv.get(`asset:${body.assetId}`, 'json'), body.asset);
    const { keys } = await kv.list({ prefix: 'asset:' });
    assert.deepEqual(keys.map((k) => k.name), [`asset:${body.assetId}`]);
  });

  it('answers a GET with 405 and Allow: POST', async () => {
    const response = await mf.dispatchFetch(`${ORIGIN}/`);
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'POST');
    assert.deepEqual(await response.json(), { error: 'Method not allowed' });
  });

  it('answers a wrong secret with 401 and stores nothing', async () => {
    const before = (await kv.list({ prefix: 'asset:' })).keys.length;
    const response = await mf.dispatchFetch(`${ORIGIN}/`, {
      method: 'POST',
      body: JSON.stringify({ ...seedExample, secret: 'wrong' }),
    });
    assert.equal(response.status, 401);
    await response.arrayBuffer();
    assert.equal((await kv.list({ prefix: 'asset:' })).keys.length, before);
  });

  it('replays an Idempotency-Key request from KV with Idempotent-Replayed', async () => {
    const send = () => mf.dispatchFetch(`${ORIGIN}/`, {
      method: 'POST',
      headers: { 'Idempotency-Key': 'worker-retry-1' },
      body: JSON.stringify(seedExample),
    });
    const first = await send();
    const firstBody = await first.json();
    const second = await send();
    const secondBody = await second.json();
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.equal(secondBody.assetId, firstBody.assetId);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
  });

  it('refuses a body over 1 MiB with 413 before the handler runs', async () => {
    const response = await mf.dispatchFetch(`${ORIGIN}/`, {
      method: 'POST',
      body: 'x'.repeat(1024 * 1024 + 1),
    });
    assert.equal(response.status, 413);
    assert.deepEqual(await response.json(), { error: 'Request body too large' });
  });
});

describe('edge worker without configuration', () => {
  it('answers 503 when WEBHOOK_SECRET is unset', async () => {
    const mf = new Miniflare(workerOptions({}));
    try {
      const response = await mf.dispatchFetch(`${ORIGIN}/`, {
        method: 'POST',
        body: JSON.stringify(seedExample),
      });
      assert.equal(response.status, 503);
      assert.match((await response.json()).error, /^Webhook not configured/);
    } finally {
      await mf.dispose();
    }
  });
});
