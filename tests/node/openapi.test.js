// openapi.yaml against itself and against the handler: it lints clean with redocly; every
// shared contract case, and every response shape it documents, validates against it with Ajv;
// its examples are what the handler really sends and accepts; and the validator can fail.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { createHmac } from 'node:crypto';
import { stringify as toYaml } from 'yaml';
import { createHandler, memoryStorage } from '../../js/index.js';
import { loadCases, REPO_ROOT } from './helpers/cases.js';
import { post } from './helpers/fixtures.js';
import {
  assertMatchesOpenapi, openapi, openapiProblems, OPENAPI_PATH, validatorAt,
} from './helpers/openapi.js';

const SECRET = 'openapi-secret-3d8e';
/** The placeholder the seed contract's examples use for the secret. */
const SEED_SECRET = 'YOUR_WEBHOOK_SECRET';
const SIGNING_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const LINT_TIMEOUT_MS = 60_000;
const REQUEST_SCHEMA = '#/components/schemas/RegistrationRequest';
const BOM = '\ufeff';
const examples = openapi.components.examples;
const responses = openapi.components.responses;

const parse = (response) => JSON.parse(response.body);
const withSecret = (value) => JSON.parse(JSON.stringify(value).replaceAll(SEED_SECRET, SECRET));
const handler = (options = {}) => createHandler({ secret: SECRET, storage: memoryStorage(),
  ...options });

/** Runs redocly's linter; resolves to its exit status and output. */
function lint(file, config) {
  const args = ['--no-install', 'redocly', 'lint', file, ...(config ? ['--config', config] : [])];
  const run = spawnSync('npx', args, {
    cwd: REPO_ROOT, encoding: 'utf8', timeout: LINT_TIMEOUT_MS,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

describe('openapi.yaml lints clean', () => {
  test('redocly lint openapi.yaml reports no error and no warning', () => {
    const { status, output } = lint('openapi.yaml');
    assert.equal(status, 0, output);
    assert.match(output, /Your API description is valid/);
    assert.doesNotMatch(output, /You have \d+ warnings?/, output);
  });

  test('the lint fails when an example breaks its schema', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clarento-openapi-'));
    try {
      const broken = structuredClone(openapi);
      broken.components.examples.SeedCurlRequest.value.sizeBytes = '4096';
      writeFileSync(join(dir, 'openapi.yaml'), toYaml(broken));
      copyFileSync(resolve(REPO_ROOT, 'redocly.yaml'), join(dir, 'redocly.yaml'));
      const { status, output } = lint(join(dir, 'openapi.yaml'), join(dir, 'redocly.yaml'));
      assert.notEqual(status, 0, output);
      assert.match(output, /no-invalid-media-type-examples/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('every shared contract case matches openapi.yaml', () => {
  const { secret, cases } = loadCases();
  const isRequestSchema = validatorAt(REQUEST_SCHEMA);
  for (const { name, request, expect } of cases) {
    test(`${name}: ${expect.statusCode}, as documented`, async () => {
      const handle = await createHandler({ secret, storage: memoryStorage() });
      const response = await handle(request);
      assert.equal(response.statusCode, expect.statusCode);
      assertMatchesOpenapi(response, { method: request.method });

      // The request schema agrees with the handler: what it registers is valid, what it
      // refuses for a field is not.
      const text = request.body.startsWith(BOM) ? request.body.slice(1) : request.body;
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        return;
      }
      if (expect.statusCode === 201) {
        assert.ok(isRequestSchema(body), JSON.stringify(isRequestSchema.errors));
      } else if (response.statusCode === 400 && parse(response).error !== 'Invalid JSON body') {
        assert.equal(isRequestSchema(body), false, 'the request schema refuses it too');
      }
    });
  }
});

describe('every documented response is what the handler sends', () => {
  const exampleOf = (response, name) => responses[response].content['application/json']
    .examples[name].value;
  const signed = (body) => {
    const key = Buffer.from(SIGNING_SECRET.slice('whsec_'.length), 'base64');
    const id = 'msg_openapi';
    const timestamp = Math.floor(Date.now() / 1000);
    const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
    return post(body, {
      'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,A${mac}`,
    });
  };
  const seed = withSecret(examples.SeedCurlRequest.value);

  const cases = [
    ['400 invalidJson', () => handler(), post('{'), 'BadRequest', 'invalidJson'],
    ['400 missingFields', () => handler(),
      post({ ...seed, name: undefined, sizeBytes: undefined }), 'BadRequest', 'missingFields'],
    ['400 invalidField', () => handler(), post({ ...seed, sizeBytes: '4096' }),
      'BadRequest', 'invalidField'],
    ['400 invalidKey', () => handler(), post(seed, { 'Idempotency-Key': '' }),
      'BadRequest', 'invalidKey'],
    ['401 wrongSecret', () => handler(), post({ ...seed, secret: 'wrong' }),
      'Unauthorized', 'wrongSecret'],
    ['401 badSignature', () => handler({ signingSecret: SIGNING_SECRET }),
      signed(JSON.stringify(seed)), 'Unauthorized', 'badSignature'],
    ['413 tooLarge', () => handler(), post({ ...seed, name: 'x'.repeat(256 * 1024) }),
      'TooLarge', 'tooLarge'],
    ['500 storageFailed', () => handler({ storage: failing(new Error('disk on fire')) }),
      post(seed), 'StorageFailed', 'storageFailed'],
    ['503 notConfigured', () => handler({ secret: '' }), post(seed),
      'Unavailable', 'notConfigured'],
    ['503 rateLimited', () => handler({ storage: failing(Object.assign(new Error('429'),
      { status: 429 })) }), post(seed), 'Unavailable', 'rateLimited'],
  ];
  for (const [name, make, request, response, example] of cases) {
    test(`${name}: the example's body, valid against the schema`, async () => {
      const answer = await (await make())(request);
      assertMatchesOpenapi(answer);
      assert.equal(answer.statusCode, Number(name.slice(0, 3)));
      assert.deepEqual(parse(answer), exampleOf(response, example));
    });
  }

  test('503 for a rate-limited store carries Retry-After', async () => {
    const handle = await handler({ storage: failing(Object.assign(new Error('slow down'),
      { statusCode: 429 })) });
    const answer = await handle(post(seed));
    assert.match(answer.headers['Retry-After'][0], /^\d+$/);
  });

  test('405 for every other method: the example, with Allow: POST', async () => {
    const handle = await handler();
    const documented = openapi.paths['/']['x-other-methods'].responses['405'];
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']) {
      const answer = await handle({ ...post(seed), method });
      assert.equal(answer.statusCode, 405);
      assertMatchesOpenapi(answer, { method });
      assert.deepEqual(parse(answer),
        documented.content['application/json'].examples.notAllowed.value);
      assert.deepEqual(answer.headers.Allow, ['POST']);
    }
  });

  test('409 and 422: the examples, for a key in flight and a key reused', async () => {
    let release;
    const inner = memoryStorage();
    const held = new Promise((resolve) => { release = resolve; });
    const storage = { ...inner, set: async (key, value, options) => {
      if (key.startsWith('asset:')) await held;
      return inner.set(key, value, options);
    } };
    const handle = await handler({ storage });
    const keyed = (body) => post(body, { 'Idempotency-Key': 'openapi-1' });
    const first = handle(keyed(seed));
    const inFlight = await handle(keyed(seed));
    const reused = await handle(keyed({ ...seed, name: 'other.svg' }));
    release();
    assert.equal((await first).statusCode, 201);
    for (const [answer, response, example] of [
      [inFlight, 'InFlight', 'inFlight'], [reused, 'KeyReused', 'reused'],
    ]) {
      assertMatchesOpenapi(answer);
      assert.deepEqual(parse(answer), exampleOf(response, example));
    }
  });
});

describe('the request examples are accepted as documented', () => {
  test('the seed request registers every field it names', async () => {
    const handle = await handler();
    const sent = withSecret(examples.SeedRequest.value);
    const answer = await handle(post(sent));
    assert.equal(answer.statusCode, 201);
    assertMatchesOpenapi(answer);
    const { asset } = parse(answer);
    for (const field of ['name', 'cdnUrl', 'thumbnailUrl', 'mimeType', 'sizeBytes', 'tags',
      'campaignId', 'uploadedBy']) {
      assert.deepEqual(asset[field], sent[field], field);
    }
  });

  test('the seed curl request answers like the Created example, field for field', async () => {
    const handle = await handler();
    const answer = await handle(post(withSecret(examples.SeedCurlRequest.value)));
    const { asset, assetId } = parse(answer);
    const expected = examples.Created.value.asset;
    assert.deepEqual(Object.keys(asset), Object.keys(expected));
    for (const field of Object.keys(expected)) {
      if (['id', 'uploadedAt'].includes(field)) continue;
      assert.deepEqual(asset[field], expected[field], field);
    }
    assert.equal(asset.id, assetId);
  });

  test('the header-auth request registers with Authorization: Bearer', async () => {
    const handle = await handler();
    const answer = await handle(post(examples.HeaderAuthRequest.value, {
      Authorization: `Bearer ${SECRET}`,
    }));
    assert.equal(answer.statusCode, 201);
  });

  test('the batch request registers both assets; the results example matches a real one',
    async () => {
      const handle = await handler();
      const batch = withSecret(examples.BatchRequest.value);
      const answer = await handle(post(batch));
      assert.equal(answer.statusCode, 207);
      assertMatchesOpenapi(answer);
      assert.deepEqual(parse(answer).results.map((r) => r.statusCode), [201, 201]);

      const documented = examples.BatchResults.value.results[1];
      batch.assets[1].sizeBytes = String(batch.assets[1].sizeBytes);
      const failed = parse(await handle(post(batch))).results[1];
      assert.deepEqual(failed, documented);
    });
});

describe('the validator fails what breaks the contract', () => {
  const created = {
    statusCode: 201,
    headers: { 'Content-Type': ['application/json'] },
    body: JSON.stringify(examples.Created.value),
  };
  const changed = (patch) => ({ ...created, ...patch });
  const withAsset = (extra) => JSON.stringify({
    ...examples.Created.value, asset: { ...examples.Created.value.asset, ...extra },
  });

  test('the Created example passes', () => {
    assert.deepEqual(openapiProblems(created), []);
  });

  for (const [name, response, options, problem] of [
    ['an undocumented status', changed({ statusCode: 418 }), {}, /not a documented/],
    ['a 405 without Allow', { ...changed({ statusCode: 405 }),
      body: '{"error":"Method not allowed"}' }, { method: 'GET' }, /Allow is missing/],
    ['an asset with an extra field', changed({ body: withAsset({ secret: 'x' }) }), {},
      /additional properties/],
    ['an approved asset', changed({ body: withAsset({ approved: true }) }), {}, /constant/],
    ['an id of another shape', changed({ body: withAsset({ id: 'asset_abc123' }) }), {},
      /pattern/],
    ['a replay header that is not "true"', changed({ headers: {
      'Content-Type': ['application/json'], 'Idempotent-Replayed': ['yes'] } }), {},
      /Idempotent-Replayed/],
    ['a body that is not JSON', changed({ body: '<html>' }), {}, /not JSON/],
    ['another content type', changed({ headers: { 'Content-Type': ['text/html'] } }), {},
      /Content-Type/],
    ['a 503 with a Retry-After that is not seconds', {
      statusCode: 503,
      headers: { 'Content-Type': ['application/json'], 'Retry-After': ['soon'] },
      body: '{"error":"Storage is rate limited"}',
    }, {}, /Retry-After/],
  ]) {
    test(`${name} fails`, () => {
      const problems = openapiProblems(response, options);
      assert.ok(problems.some((text) => problem.test(text)), problems.join('\n'));
      assert.throws(() => assertMatchesOpenapi(response, options), assert.AssertionError);
    });
  }

  test('the document the validator reads is the repository\'s openapi.yaml', () => {
    assert.equal(OPENAPI_PATH, resolve(REPO_ROOT, 'openapi.yaml'));
    assert.equal(openapi.openapi, '3.1.0');
  });
});

/** A storage whose every call fails with `error`. */
function failing(error) {
  const fail = async () => {
    throw error;
  };
  return { get: fail, set: fail, delete: fail, setIfAbsent: fail, batchSet: fail, list: fail };
}
