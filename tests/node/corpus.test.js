// Every malformed or hostile request of tests/corpus/bad-inputs.json, through createHandler:
// the expected status and error, a JSON body, nothing stored unless the answer is a success,
// the secrets in no response and no log line, and no request past its deadline.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createHandler } from '../../js/index.js';
import { loadBadInputs } from '../corpus/bad-inputs.mjs';
import { spyStorage } from './helpers/spy-storage.js';

/** Generous for a healthy in-memory store; a request slower than this counts as hung. */
const DEADLINE_MS = 2_000;
/** The fields of a stored asset, exactly. */
const ASSET_FIELDS = [
  'id', 'name', 'type', 'mimeType', 'sizeBytes', 'cdnUrl', 'thumbnailUrl', 'tags', 'campaignId',
  'uploadedBy', 'uploadedAt', 'approved', 'brandCompliance', 'source',
].sort();
const MIN_CASES = 60;

const { config, cases } = loadBadInputs();
/** What must never be shown: the secrets and the signing key, with and without its prefix. */
const SECRETS = [
  config.secret,
  config.previousSecret,
  config.signingSecret,
  config.signingSecret.replace(/^whsec_/, ''),
];

/** Asserts that none of the secrets occurs in `text`. */
function assertNoSecret(text, where) {
  for (const secret of SECRETS) {
    assert.ok(!text.includes(secret), `${where} contains a secret`);
  }
}

/** Whether `actual` holds every member of `expected` with an equal value. */
function assertIncludes(actual, expected, where) {
  for (const [key, value] of Object.entries(expected)) {
    assert.deepEqual(actual[key], value, `${where}: ${key}`);
  }
}

const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

describe('the bad-input corpus', () => {
  it(`holds at least ${MIN_CASES} cases with distinct names`, () => {
    assert.ok(cases.length >= MIN_CASES, `only ${cases.length} cases`);
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
  });

  for (const { group, name, request, expect } of cases) {
    it(`${group}: ${name} → ${expect.statusCode}`, { timeout: DEADLINE_MS * 3 }, async () => {
      const storage = spyStorage();
      const { inner, writes: written } = storage;
      const lines = [];
      const handler = await createHandler({
        ...config,
        storage,
        deadlineMs: DEADLINE_MS,
        log: (entry) => lines.push(JSON.stringify(entry)),
      });

      const started = performance.now();
      const response = await handler(request);
      const elapsed = performance.now() - started;

      assert.ok(elapsed < DEADLINE_MS, `took ${Math.round(elapsed)} ms`);
      assert.equal(response.statusCode, expect.statusCode, response.body);
      assert.deepEqual(response.headers['Content-Type'], ['application/json']);
      const body = JSON.parse(response.body);
      assert.equal(typeof body, 'object');
      assert.notEqual(body, null);
      if (expect.error !== undefined) assert.equal(body.error, expect.error);
      if (expect.headers) assertIncludes(response.headers, expect.headers, 'headers');

      const stored = (await inner.list('asset:')).items;
      if (response.statusCode < 200 || response.statusCode > 299) {
        assert.equal(typeof body.error, 'string', 'an error answer says why');
        assert.deepEqual(written.filter((key) => key.startsWith('asset:')), []);
        assert.deepEqual((await inner.list('')).items, [], 'a failure leaves the store empty');
      } else if (response.statusCode === 201) {
        assert.equal(stored.length, 1);
        assert.equal(stored[0].key, `asset:${body.assetId}`);
        assert.deepEqual(stored[0].value, body.asset, 'the answer is what was stored');
        assert.deepEqual(Object.keys(stored[0].value).sort(), ASSET_FIELDS);
        assert.equal(stored[0].value.approved, false);
        if (expect.asset) assertIncludes(stored[0].value, expect.asset, 'stored asset');
      } else {
        const created = body.results.filter((item) => item.statusCode === 201);
        assert.deepEqual(
          stored.map((item) => item.key).sort(),
          created.map((item) => `asset:${item.assetId}`).sort(),
        );
      }

      assertNoSecret(response.body, 'the response body');
      assertNoSecret(JSON.stringify(response.headers), 'the response headers');
      assertNoSecret(JSON.stringify(stored), 'the store');
      assert.equal(lines.length, 1, 'one log line per request');
      for (const line of lines) assertNoSecret(line, 'a log line');
    });
  }

  after(() => {
    // `__proto__` and `constructor` keys in bodies and headers must not reach any prototype.
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeBefore);
    assert.equal({}.approved, undefined);
    assert.equal({}.secret, undefined);
  });
});
