// Fault injection: storage that throws, rejects, rate-limits, stalls or never answers, and a
// `get` that returns garbage on the idempotency path. Each fault gets a clear 5xx within the
// handler's deadline, never a 201 for an asset that was not stored, and the next request on
// the same handler is served normally. Last, a WebAssembly trap inside a handler call: the
// shim starts a fresh instance and the next request is a 201 again.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { existsSync } from 'node:fs';
import { createHandler } from '../../js/index.js';
import { makeCreateHandler } from '../../js/core.js';
import { memoryStorage } from '../../js/storage/memory.js';
import { post } from './helpers/fixtures.js';

const SECRET = 'faults-secret-Qv81';
/** Short, so a stalled store is cut off quickly. */
const DEADLINE_MS = 200;
/** Time a timer may fire late on a busy two-core machine. */
const SLACK_MS = 400;
/** Longer than the deadline: a store this slow must not keep the caller waiting. */
const STALL_MS = 1_500;
const STORAGE_FAILED = 'Storage failed: the asset was not registered';
const RATE_LIMITED = 'Storage is rate limited: the asset was not registered, retry later';
const INTERNAL_ERROR = 'Internal error: the asset was not registered';

const VALID = {
  name: 'fault.png',
  cdnUrl: 'https://cdn.example.com/fault.png',
  mimeType: 'image/png',
  sizeBytes: 10,
  secret: SECRET,
};

/** A registration of VALID with `extra` fields over it, as a web trigger POST. */
function request(extra = {}, headers = {}) {
  return post({ ...VALID, ...extra }, headers);
}

/**
 * A memory store whose methods can be replaced one at a time; `healthy()` undoes it.
 * `inner` is the real store, to see what was stored.
 */
function faultyStorage() {
  const inner = memoryStorage();
  const faults = {};
  const storage = {};
  for (const method of ['get', 'set', 'delete', 'setIfAbsent', 'batchSet', 'list']) {
    storage[method] = (...args) => (faults[method] ?? inner[method]).apply(inner, args);
  }
  return {
    inner,
    storage,
    fail(method, implementation) {
      faults[method] = implementation;
    },
    healthy() {
      for (const method of Object.keys(faults)) delete faults[method];
    },
  };
}

/** A handler over the store, with the short deadline. */
function handlerOver(store) {
  return createHandler({ secret: SECRET, storage: store.storage, deadlineMs: DEADLINE_MS });
}

async function assets(inner) {
  return (await inner.list('asset:')).items;
}

/** Sends one request and measures it. */
async function timed(handler, req) {
  const started = performance.now();
  const response = await handler(req);
  return { response, elapsed: performance.now() - started };
}

/** The next request, on healthy storage, registers and stores its asset. */
async function assertServedNormally(handler, store, req = request({ name: 'after.png' })) {
  store.healthy();
  const before = (await assets(store.inner)).length;
  const { response } = await timed(handler, req);
  assert.equal(response.statusCode, 201, response.body);
  const { assetId, asset } = JSON.parse(response.body);
  assert.deepEqual(await store.inner.get(`asset:${assetId}`), asset);
  assert.equal((await assets(store.inner)).length, before + 1);
}

/** A 5xx with a JSON error, within the deadline, and no 201 for an asset not stored. */
function assertClearFailure(response, elapsed, { status, error }) {
  assert.equal(response.statusCode, status, response.body);
  const body = JSON.parse(response.body);
  assert.equal(body.error, error);
  assert.equal(body.assetId, undefined);
  assert.equal(body.asset, undefined);
  assert.ok(elapsed < DEADLINE_MS + SLACK_MS, `answered after ${Math.round(elapsed)} ms`);
}

const never = () => new Promise(() => {});
const later = (ms, value) => new Promise((resolve) => {
  setTimeout(resolve, ms, value);
});
const rejectWith = (value) => async () => {
  throw value;
};

describe('storage faults', () => {
  const writeFaults = [
    {
      name: 'set throws synchronously',
      method: 'set',
      fault: () => {
        throw new Error('disk on fire');
      },
      status: 500,
      error: STORAGE_FAILED,
    },
    {
      name: 'set rejects',
      method: 'set',
      fault: rejectWith(new Error('connection reset')),
      status: 500,
      error: STORAGE_FAILED,
    },
    {
      name: 'set rejects with a non-Error value',
      method: 'set',
      fault: rejectWith(undefined),
      status: 500,
      error: STORAGE_FAILED,
    },
    {
      name: 'set rejects with { status: 429 }',
      method: 'set',
      fault: rejectWith({ status: 429 }),
      status: 503,
      error: RATE_LIMITED,
      retryAfter: true,
    },
    {
      name: 'set throws { statusCode: 429 } synchronously',
      method: 'set',
      fault: () => {
        throw Object.assign(new Error('Too Many Requests'), { statusCode: 429 });
      },
      status: 503,
      error: RATE_LIMITED,
      retryAfter: true,
    },
    {
      name: 'set is not a function any more',
      method: 'set',
      fault: undefined,
      replaceWith: 'not a function',
      status: 500,
      error: STORAGE_FAILED,
    },
  ];

  for (const { name, method, fault, replaceWith, status, error, retryAfter } of writeFaults) {
    it(`${name}: ${status}, then a normal 201`, async () => {
      const store = faultyStorage();
      const handler = await handlerOver(store);
      if (replaceWith !== undefined) {
        store.storage[method] = replaceWith;
      } else {
        store.fail(method, fault);
      }
      const { response, elapsed } = await timed(handler, request());
      assertClearFailure(response, elapsed, { status, error });
      if (retryAfter) assert.deepEqual(response.headers['Retry-After'], ['5']);
      assert.deepEqual(await assets(store.inner), [], 'nothing was stored');
      if (replaceWith !== undefined) store.storage[method] = (...a) => store.inner[method](...a);
      await assertServedNormally(handler, store);
    });
  }

  it('set resolves only after the deadline: 503 within it, then a normal 201', async () => {
    const store = faultyStorage();
    const handler = await handlerOver(store);
    store.fail('set', async function slow(...args) {
      await later(STALL_MS);
      return this.set(...args);
    });
    const { response, elapsed } = await timed(handler, request());
    assert.equal(response.statusCode, 503, response.body);
    assert.deepEqual(response.headers['Retry-After'], ['5']);
    assert.match(JSON.parse(response.body).error, /did not answer in time/);
    assert.ok(elapsed >= DEADLINE_MS - 5 && elapsed < DEADLINE_MS + SLACK_MS, `${elapsed} ms`);
    await assertServedNormally(handler, store);
    // The stalled write lands later; the caller was told it may have: never a false 201.
    await later(STALL_MS);
    assert.equal((await assets(store.inner)).length, 2);
  });

  it('set never resolves: 503 within the deadline, then a normal 201', async () => {
    const store = faultyStorage();
    const handler = await handlerOver(store);
    store.fail('set', never);
    const { response, elapsed } = await timed(handler, request());
    assert.equal(response.statusCode, 503, response.body);
    assert.ok(elapsed < DEADLINE_MS + SLACK_MS, `answered after ${Math.round(elapsed)} ms`);
    assert.deepEqual(await assets(store.inner), []);
    await assertServedNormally(handler, store);
  });

  it('batchSet rejects: 500 for the whole batch, then a normal 201', async () => {
    const store = faultyStorage();
    const handler = await handlerOver(store);
    store.fail('batchSet', rejectWith(new Error('batch refused')));
    const batch = {
      method: 'POST',
      headers: {},
      body: JSON.stringify({ secret: SECRET, assets: [VALID, VALID] }),
    };
    const { response, elapsed } = await timed(handler, batch);
    assertClearFailure(response, elapsed, { status: 500, error: STORAGE_FAILED });
    assert.deepEqual(await assets(store.inner), []);
    await assertServedNormally(handler, store);
  });

  it('a failed write frees its Idempotency-Key: the retry with that key is a 201', async () => {
    const store = faultyStorage();
    const handler = await handlerOver(store);
    const keyed = request({}, { 'Idempotency-Key': ['retry-after-failure'] });
    store.fail('set', rejectWith(new Error('write failed')));
    const { response, elapsed } = await timed(handler, keyed);
    assertClearFailure(response, elapsed, { status: 500, error: STORAGE_FAILED });
    assert.deepEqual((await store.inner.list('')).items, [], 'no asset and no held key');
    await assertServedNormally(handler, store, keyed);
  });
});

describe('a write that lands after the deadline', () => {
  /** IDEMPOTENCY_LEASE_MS of src/contract.rs, and a second more. */
  const PAST_THE_LEASE_MS = 60_000 + 1_000;

  it('is not registered a second time by the retry the 503 asks for', async () => {
    const store = faultyStorage();
    const handler = await handlerOver(store);
    let stalls = 1;
    store.fail('set', async function slowOnce(key, ...rest) {
      if (key.startsWith('asset:') && stalls > 0) {
        stalls -= 1;
        await later(STALL_MS);
      }
      return this.set(key, ...rest);
    });
    const keyed = request({}, { 'Idempotency-Key': ['lands-late'] });
    const first = await handler(keyed);
    assert.equal(first.statusCode, 503, first.body);
    assert.match(JSON.parse(first.body).error, /retry with the same Idempotency-Key/);
    await later(STALL_MS + 100);
    const landed = await assets(store.inner);
    assert.equal(landed.length, 1, 'the stalled write landed');

    // The caller retries as told, with the same key; by now any lease has run out.
    const realNow = Date.now;
    Date.now = () => realNow() + PAST_THE_LEASE_MS;
    let retry;
    try {
      retry = await handler(keyed);
    } finally {
      Date.now = realNow;
    }
    assert.ok(retry.statusCode < 500, retry.body);
    assert.deepEqual(
      (await assets(store.inner)).map((item) => item.key),
      landed.map((item) => item.key),
      'one request with one Idempotency-Key registered two assets',
    );
  });
});

describe('garbage from get on the idempotency path', () => {
  const circular = { state: 'done' };
  circular.self = circular;
  const garbage = [
    ['a function', () => 'record'],
    ['a BigInt', 10n ** 30n],
    ['a circular object', circular],
    ['a string that is not a record', 'not a record'],
    ['a string holding JSON that is not a record', '{"state":"done"}'],
    ['a number', 42],
    ['an array', [1, 2, 3]],
    ['a record of the wrong shape', { state: 'done', fingerprint: 7, statusCode: '201' }],
    ['a symbol', Symbol('record')],
  ];

  for (const [name, value] of garbage) {
    it(`get returns ${name}: 500, then a normal 201`, async () => {
      const store = faultyStorage();
      const handler = await handlerOver(store);
      const keyed = request({}, { 'Idempotency-Key': [`garbage-${name}`] });
      // The key looks taken, and what is stored under it is garbage.
      store.fail('setIfAbsent', async () => false);
      store.fail('get', async () => value);
      const { response, elapsed } = await timed(handler, keyed);
      assertClearFailure(response, elapsed, { status: 500, error: STORAGE_FAILED });
      assert.deepEqual(await assets(store.inner), []);
      await assertServedNormally(handler, store, keyed);
    });
  }

  for (const [name, fault] of [
    ['get rejects', rejectWith(new Error('read failed'))],
    ['get throws synchronously', () => {
      throw new Error('read failed');
    }],
  ]) {
    it(`${name} on a taken key: 500, then a normal 201`, async () => {
      const store = faultyStorage();
      const handler = await handlerOver(store);
      const keyed = request({}, { 'Idempotency-Key': ['read-fails'] });
      store.fail('setIfAbsent', async () => false);
      store.fail('get', fault);
      const { response, elapsed } = await timed(handler, keyed);
      assertClearFailure(response, elapsed, { status: 500, error: STORAGE_FAILED });
      await assertServedNormally(handler, store, keyed);
    });
  }

  it('get never resolves on a taken key: 503 within the deadline, then a 201', async () => {
    const store = faultyStorage();
    const handler = await handlerOver(store);
    const keyed = request({}, { 'Idempotency-Key': ['read-hangs'] });
    store.fail('setIfAbsent', async () => false);
    store.fail('get', never);
    const { response, elapsed } = await timed(handler, keyed);
    assert.equal(response.statusCode, 503, response.body);
    assert.ok(elapsed < DEADLINE_MS + SLACK_MS, `answered after ${Math.round(elapsed)} ms`);
    await assertServedNormally(handler, store, keyed);
  });
});

describe('a WebAssembly trap', () => {
  const TEST_PKG = new URL('../../js/pkg-test/', import.meta.url);

  /** The test build's glue, with `__wbg_reset_state` counted, and a handler factory. */
  async function testBuild() {
    assert.ok(
      existsSync(new URL('clarento_webhook.js', TEST_PKG)),
      'js/pkg-test is missing: run FEATURES=test-panic bash scripts/build.sh',
    );
    const module = await import(new URL('clarento_webhook.js', TEST_PKG).href);
    const { default: base64 } = await import(new URL('wasm-inline.js', TEST_PKG).href);
    assert.equal(typeof module.panicForTest, 'function', 'the test build exports panicForTest');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const counts = { resets: 0 };
    const glue = {
      ...module,
      __wbg_reset_state() {
        counts.resets += 1;
        return module.__wbg_reset_state();
      },
    };
    const create = makeCreateHandler(glue, () => new WebAssembly.Module(bytes));
    return { glue, counts, create };
  }

  it('panicForTest traps with a RuntimeError', async () => {
    const { glue, create } = await testBuild();
    await create({ secret: SECRET, storage: memoryStorage() });
    assert.throws(() => glue.panicForTest(), WebAssembly.RuntimeError);
  });

  it('a trap inside a handler call: 500, a fresh instance, then a normal 201', async () => {
    const { glue, counts, create } = await testBuild();
    const inner = memoryStorage();
    const handler = await create({ secret: SECRET, storage: inner, deadlineMs: DEADLINE_MS });
    const other = await create({ secret: SECRET, storage: inner, deadlineMs: DEADLINE_MS });
    assert.equal((await handler(request({ name: 'before.png' }))).statusCode, 201);

    // The wasm lists the header names while it reads the request; this Proxy panics the
    // instance right there, so the trap unwinds through the handler call itself.
    let trapped;
    const headers = new Proxy({}, {
      ownKeys() {
        try {
          glue.panicForTest();
        } catch (error) {
          trapped = error;
          throw error;
        }
        return [];
      },
    });
    const { response } = await timed(handler, { ...request(), headers });
    assert.ok(trapped instanceof WebAssembly.RuntimeError, `trapped with ${trapped}`);
    assert.equal(response.statusCode, 500);
    assert.equal(JSON.parse(response.body).error, INTERNAL_ERROR);
    assert.equal(counts.resets, 1, 'the shim reset the instance');
    assert.deepEqual((await inner.list('asset:')).items.map((i) => i.value.name), ['before.png']);

    for (const [h, name] of [[handler, 'after.png'], [other, 'other.png']]) {
      const next = await h(request({ name }));
      assert.equal(next.statusCode, 201, next.body);
      const { assetId } = JSON.parse(next.body);
      assert.equal((await inner.get(`asset:${assetId}`)).name, name);
    }
    assert.equal(counts.resets, 1, 'one trap, one reset');
  });

  it('a trap outside any handler call leaves later requests working', async () => {
    const { glue, counts, create } = await testBuild();
    const handler = await create({ secret: SECRET, storage: memoryStorage() });
    assert.throws(() => glue.panicForTest(), WebAssembly.RuntimeError);
    const next = await handler(request());
    assert.equal(next.statusCode, 201, next.body);
    assert.equal(counts.resets, 0, 'the shim only resets on a trap it saw');
  });
});
