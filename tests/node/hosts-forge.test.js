// The Forge host, proven with Forge's own tooling: manifest.yml through the real
// @forge/manifest validator, src/index.js through the real @forge/bundler, and the handler
// imported FROM THE BUNDLE storing through the real @forge/kvs SDK over a fake transport.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { validate } from '@forge/manifest';
import { JSON_MEDIA_TYPE, post, seedBody } from './helpers/fixtures.js';
import { installForgeFetchFake } from './helpers/forge-fetch-fake.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUNDLE_HELPER = fileURLToPath(new URL('./helpers/forge-bundle.cjs', import.meta.url));
const SECRET = 'forge-host-test-secret';
const BUNDLE_TIMEOUT_MS = 120_000;
const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** Forge hands the function lower-case header names. */
const FORGE_HEADERS = { 'content-type': [JSON_MEDIA_TYPE] };

const seedExample = (extra = {}) => ({ ...seedBody(SECRET), ...extra });
const webTrigger = (body, headers = {}) => post(body, headers, { defaults: FORGE_HEADERS });

describe('Forge manifest', () => {
  it('manifest.yml passes the real @forge/manifest validation', async () => {
    const cwd = process.cwd();
    process.chdir(ROOT);
    try {
      const result = await validate(false, join(ROOT, 'manifest.yml'));
      assert.deepEqual(result.errors ?? [], []);
      assert.equal(result.success, true);
      const { modules, app, permissions } = result.manifestObject.typedContent;
      assert.equal(modules.webtrigger[0].response.type, 'dynamic');
      assert.equal(modules.function[0].handler, 'index.handler');
      assert.equal(app.runtime.name, 'nodejs22.x');
      assert.ok(permissions.scopes.includes('storage:app'));
    } finally {
      process.chdir(cwd);
    }
  });

  it('the validator is not a rubber stamp: a broken copy fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clarento-manifest-'));
    try {
      const broken = readFileSync(join(ROOT, 'manifest.yml'), 'utf8')
        .replace('function: asset-upload-webhook-fn', 'function: no-such-function');
      writeFileSync(join(dir, 'manifest.yml'), broken);
      const result = await validate(false, join(dir, 'manifest.yml'));
      assert.equal(result.success, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Forge bundle (real @forge/bundler) invoked in Node', () => {
  let work;
  let handler;
  let fake;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'clarento-forge-'));
    const runtime = join(work, 'runtime', 'dist');
    mkdirSync(runtime, { recursive: true });
    for (const stub of ['wrapper.js', 'loader.js']) {
      writeFileSync(join(runtime, stub), '// stand-in for the Forge node runtime\n');
    }
    const out = join(work, 'bundle');
    const { stdout } = await run(process.execPath, [BUNDLE_HELPER, out], {
      cwd: ROOT,
      env: { ...process.env, FORGE_RUNTIME_PATH: join(work, 'runtime') },
      timeout: BUNDLE_TIMEOUT_MS,
    });
    const { files } = JSON.parse(stdout);
    assert.ok(files.includes('index.cjs'), `bundle output: ${files}`);
    assert.ok(files.includes('__forge__.cjs'), 'the runtime loader is packaged');
    // Loaded from a folder outside the repository, so nothing resolves back to js/ or
    // node_modules: everything the handler needs must be inside the bundle.
    const isolated = join(work, 'isolated');
    mkdirSync(isolated);
    copyFileSync(join(out, 'index.cjs'), join(isolated, 'index.cjs'));
    process.env.WEBHOOK_SECRET = SECRET;
    handler = require(join(isolated, 'index.cjs')).handler;
    assert.equal(typeof handler, 'function');
  });

  after(() => {
    delete process.env.WEBHOOK_SECRET;
    rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => {
    fake = installForgeFetchFake();
  });
  afterEach(() => fake.uninstall());

  const storedAssets = () => [...fake.store.keys()].filter((key) => key.startsWith('asset:'));

  it('registers the seed example: 201, and the asset went through KVS', async () => {
    const response = await handler(webTrigger(seedExample()));
    assert.equal(response.statusCode, 201, response.body);
    assert.deepEqual(response.headers['Content-Type'], ['application/json']);
    const body = JSON.parse(response.body);
    assert.equal(body.success, true);
    const key = `asset:${body.assetId}`;
    assert.deepEqual(storedAssets(), [key]);
    assert.deepEqual(fake.store.get(key).value, body.asset);
    assert.ok(fake.calls.some((c) => c.path === '/api/v1/set' && c.body.key === key));
    assert.ok(!JSON.stringify([...fake.store.values()]).includes(SECRET), 'secret not stored');
  });

  it('a KVS 429 answers 503 with Retry-After and reports nothing created', async () => {
    fake.failWith(429, { code: 'RATE_LIMIT_EXCEEDED' });
    const response = await handler(webTrigger(seedExample()));
    assert.equal(response.statusCode, 503, response.body);
    assert.ok(response.headers['Retry-After']?.[0], 'Retry-After is set');
    const body = JSON.parse(response.body);
    assert.equal(body.assetId, undefined);
    assert.equal(body.success, undefined);
    assert.deepEqual(storedAssets(), []);
  });

  it('any other KVS failure answers 500, reports nothing created, and the next call works',
    async () => {
      fake.failWith(500, { code: 'INTERNAL_SERVER_ERROR' });
      const failed = await handler(webTrigger(seedExample()));
      assert.equal(failed.statusCode, 500, failed.body);
      assert.equal(JSON.parse(failed.body).assetId, undefined);
      assert.equal(failed.headers['Retry-After'], undefined);
      assert.deepEqual(storedAssets(), []);

      fake.clearFailures();
      const next = await handler(webTrigger(seedExample()));
      assert.equal(next.statusCode, 201, next.body);
    });

  it('an Idempotency-Key replay is served from KVS without storing a second asset',
    async () => {
      const headers = { 'idempotency-key': ['forge-host-retry-1'] };
      const first = await handler(webTrigger(seedExample(), headers));
      const second = await handler(webTrigger(seedExample(), headers));
      assert.equal(first.statusCode, 201, first.body);
      assert.equal(second.statusCode, 201, second.body);
      assert.equal(JSON.parse(second.body).assetId, JSON.parse(first.body).assetId);
      assert.deepEqual(second.headers['Idempotent-Replayed'], ['true']);
      assert.equal(storedAssets().length, 1);
      const claim = fake.calls.find((c) => c.path === '/api/v1/set'
        && c.body.options?.keyPolicy === 'FAIL_IF_EXISTS');
      assert.ok(claim, 'the idempotency record is claimed with FAIL_IF_EXISTS');
      assert.equal(claim.body.options.ttl.unit, 'SECONDS');
    });

  it('answers a GET with 405 and Allow: POST', async () => {
    const response = await handler({ ...webTrigger({}), method: 'GET', body: '' });
    assert.equal(response.statusCode, 405);
    assert.deepEqual(response.headers.Allow, ['POST']);
  });
});
