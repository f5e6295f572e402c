// The documented contract, rule by rule, through createHandler, and every shared case that
// real senders have been seen to send.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { createHandler, memoryStorage } from '../../js/index.js';
import { casesPath, FIXTURE_CASES, loadCases, SHARED_CASES } from './helpers/cases.js';
import { post, seedBody } from './helpers/fixtures.js';
import { spyStorage } from './helpers/spy-storage.js';

const SECRET = 'contract-secret-7f3a';
const SEED = seedBody(SECRET);
const ASSET_FIELDS = [
  'id', 'name', 'type', 'mimeType', 'sizeBytes', 'cdnUrl', 'thumbnailUrl', 'tags', 'campaignId',
  'uploadedBy', 'uploadedAt', 'approved', 'brandCompliance', 'source',
];
const ID_PATTERN = /^asset_[0-9a-hjkmnp-tv-z]{29}$/;

async function setup(options = {}) {
  const storage = spyStorage();
  const handle = await createHandler({ secret: SECRET, storage, ...options });
  return { storage, handle };
}

function json(response) {
  assert.deepEqual(response.headers['Content-Type'], ['application/json']);
  return JSON.parse(response.body);
}

describe('the seed example', () => {
  test('registers with 201, stores under asset:<id>, exactly the documented fields', async () => {
    const { storage, handle } = await setup();
    const before = Date.now();
    const response = await handle(post(SEED));
    assert.equal(response.statusCode, 201);
    const body = json(response);
    assert.equal(body.success, true);
    assert.match(body.assetId, ID_PATTERN);
    assert.deepEqual(Object.keys(body.asset), ASSET_FIELDS);
    assert.deepEqual(body.asset, {
      id: body.assetId,
      name: 'logo.svg',
      type: 'image',
      mimeType: 'image/svg+xml',
      sizeBytes: 4096,
      cdnUrl: SEED.cdnUrl,
      thumbnailUrl: SEED.cdnUrl,
      tags: ['logo', 'brand'],
      campaignId: null,
      uploadedBy: 'external-webhook',
      uploadedAt: body.asset.uploadedAt,
      approved: false,
      brandCompliance: 'pending',
      source: 'webhook',
    });
    const uploadedAt = Date.parse(body.asset.uploadedAt);
    assert.match(body.asset.uploadedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(uploadedAt >= before - 1 && uploadedAt <= Date.now() + 1);
    assert.deepEqual(storage.writes, [`asset:${body.assetId}`]);
    assert.deepEqual(await storage.get(`asset:${body.assetId}`), body.asset);
  });

  test('all optional fields are kept, caller extras are dropped', async () => {
    const { storage, handle } = await setup();
    const response = await handle(post({
      ...SEED,
      thumbnailUrl: 'https://cdn.example.com/t/logo.png',
      campaignId: 'summer-2026',
      uploadedBy: 'ci-pipeline',
      approved: true,
      brandCompliance: 'approved',
      source: 'evil',
      id: 'asset_mine',
      extra: { nested: true },
    }));
    assert.equal(response.statusCode, 201);
    const { asset, assetId } = json(response);
    assert.deepEqual(Object.keys(asset), ASSET_FIELDS);
    assert.equal(asset.id, assetId);
    assert.equal(asset.thumbnailUrl, 'https://cdn.example.com/t/logo.png');
    assert.equal(asset.campaignId, 'summer-2026');
    assert.equal(asset.uploadedBy, 'ci-pipeline');
    assert.equal(asset.approved, false);
    assert.equal(asset.brandCompliance, 'pending');
    assert.equal(asset.source, 'webhook');
    const stored = await storage.get(`asset:${assetId}`);
    assert.equal(stored.extra, undefined);
    assert.equal(JSON.stringify(stored).includes(SECRET), false);
  });
});

describe('rule 1: method', () => {
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'post']) {
    test(`${method} gets 405 with Allow: POST`, async () => {
      const { storage, handle } = await setup();
      const response = await handle({ ...post(SEED), method });
      assert.equal(response.statusCode, 405);
      assert.deepEqual(json(response), { error: 'Method not allowed' });
      assert.deepEqual(response.headers.Allow, ['POST']);
      assert.deepEqual(storage.writes, []);
    });
  }
});

describe('rule 2: no secret configured', () => {
  for (const secret of ['', undefined]) {
    test(`secret ${JSON.stringify(secret)} rejects every request with 503`, async () => {
      const { storage, handle } = await setup({ secret });
      for (const request of [post(SEED), post({ ...SEED, secret: '' }), post('nonsense')]) {
        const response = await handle(request);
        assert.equal(response.statusCode, 503);
        assert.match(json(response).error, /^Webhook not configured: /);
      }
      assert.deepEqual(storage.writes, []);
    });
  }
});

describe('rule 3: body parsing', () => {
  const invalid = {
    'absent body': undefined,
    'null body': null,
    'empty body': '',
    'malformed': '{"name":',
    'an array': '[]',
    'a string': '"x"',
    'a number': '42',
    'null literal': 'null',
    'duplicated key': JSON.stringify(SEED).slice(0, -1) + ',"name":"other.svg"}',
    'duplicated nested key': JSON.stringify({ ...SEED, x: 1 })
      .replace('"x":1', '"x":{"a":1,"a":2}'),
    'too deep': JSON.stringify({ ...SEED, x: 1 })
      .replace('1}', `${'['.repeat(200)}${']'.repeat(200)}}`),
  };
  for (const [name, body] of Object.entries(invalid)) {
    test(`${name} gets 400 Invalid JSON body`, async () => {
      const { storage, handle } = await setup();
      const response = await handle({ ...post(''), body });
      assert.equal(response.statusCode, 400);
      assert.deepEqual(json(response), { error: 'Invalid JSON body' });
      assert.deepEqual(storage.writes, []);
    });
  }

  test('JSON is parsed whatever the Content-Type, and a BOM is tolerated', async () => {
    const { handle } = await setup();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
      const headers = type ? { 'content-type': [type] } : {};
      const request = post(`\ufeff${JSON.stringify(SEED)}`, headers, { defaults: {} });
      assert.equal((await handle(request)).statusCode, 201);
    }
  });

  test('a body over 256 KiB gets 413 before anything else is read', async () => {
    const { storage, handle } = await setup();
    const padded = JSON.stringify({ ...SEED, pad: 'x'.repeat(256 * 1024) });
    const response = await handle(post(padded));
    assert.equal(response.statusCode, 413);
    assert.deepEqual(json(response), { error: 'Request body too large' });
    const noSecret = await handle(post(JSON.stringify({ pad: 'x'.repeat(300 * 1024) })));
    assert.equal(noSecret.statusCode, 413);
    assert.deepEqual(storage.writes, []);
  });
});

describe('rule 4: secret', () => {
  const cases = {
    absent: { ...SEED, secret: undefined },
    'a number': { ...SEED, secret: 12345 },
    null: { ...SEED, secret: null },
    'an array': { ...SEED, secret: [SECRET] },
    wrong: { ...SEED, secret: `${SECRET}x` },
    'a prefix': { ...SEED, secret: SECRET.slice(0, -1) },
    empty: { ...SEED, secret: '' },
  };
  for (const [name, body] of Object.entries(cases)) {
    test(`${name} secret gets 401`, async () => {
      const { storage, handle } = await setup();
      const response = await handle(post(body));
      assert.equal(response.statusCode, 401);
      assert.deepEqual(json(response), { error: 'Invalid webhook secret' });
      assert.deepEqual(storage.writes, []);
    });
  }

  test('the secret is checked before any field', async () => {
    const { handle } = await setup();
    const response = await handle(post({ secret: 'wrong', sizeBytes: 'x' }));
    assert.equal(response.statusCode, 401);
  });
});

describe('rule 5: missing fields', () => {
  const cases = [
    [{ name: undefined }, 'name'],
    [{ name: null, cdnUrl: '' }, 'name, cdnUrl'],
    [{ sizeBytes: null, mimeType: undefined }, 'mimeType, sizeBytes'],
    [
      { sizeBytes: undefined, name: '', cdnUrl: null, mimeType: '' },
      'name, cdnUrl, mimeType, sizeBytes',
    ],
  ];
  for (const [patch, listed] of cases) {
    test(`lists ${listed}`, async () => {
      const { storage, handle } = await setup();
      const response = await handle(post({ ...SEED, ...patch }));
      assert.equal(response.statusCode, 400);
      assert.deepEqual(json(response), { error: `Missing required fields: ${listed}` });
      assert.deepEqual(storage.writes, []);
    });
  }

  test('sizeBytes 0 is a real size', async () => {
    const { handle } = await setup();
    const response = await handle(post({ ...SEED, sizeBytes: 0 }));
    assert.equal(response.statusCode, 201);
    assert.equal(json(response).asset.sizeBytes, 0);
  });
});

describe('rule 6: invalid fields', () => {
  const cases = [
    ['name', { name: 'bad\u0000name' }],
    ['name', { name: 'tab\tname' }],
    ['name', { name: '   ' }],
    ['name', { name: 42 }],
    ['cdnUrl', { cdnUrl: 'launch/hero.jpg' }],
    ['cdnUrl', { cdnUrl: 'ftp://cdn.example.com/a.png' }],
    ['cdnUrl', { cdnUrl: 'https:///a.png' }],
    ['cdnUrl', { cdnUrl: 'data:image/png;base64,iVBORw0KGgo=' }],
    ['thumbnailUrl', { thumbnailUrl: 'javascript:alert(1)' }],
    ['mimeType', { mimeType: 'image' }],
    ['mimeType', { mimeType: 'image/' }],
    ['sizeBytes', { sizeBytes: '6802' }],
    ['sizeBytes', { sizeBytes: 10.25 }],
    ['sizeBytes', { sizeBytes: -1 }],
    ['sizeBytes', { sizeBytes: 2 ** 53 }],
    ['sizeBytes', { sizeBytes: true }],
    ['tags', { tags: 'brand,q3' }],
    ['tags', { tags: ['ok', 7] }],
    ['tags', { tags: [['nested']] }],
    ['campaignId', { campaignId: 12 }],
    ['uploadedBy', { uploadedBy: { who: 'me' } }],
  ];
  for (const [field, patch] of cases) {
    test(`${field} ${JSON.stringify(Object.values(patch)[0])} gets 400 naming it`, async () => {
      const { storage, handle } = await setup();
      const response = await handle(post({ ...SEED, ...patch }));
      assert.equal(response.statusCode, 400);
      const body = json(response);
      assert.equal(body.error, `Invalid field: ${field}`);
      assert.ok(Array.isArray(body.details) && body.details.length >= 1);
      for (const detail of body.details) {
        assert.equal(detail.field, field);
        assert.equal(typeof detail.message, 'string');
        assert.ok(detail.message.length > 0);
      }
      assert.deepEqual(storage.writes, []);
    });
  }

  test('several invalid fields are reported together, in field order', async () => {
    const { handle } = await setup();
    const response = await handle(post({ ...SEED, cdnUrl: 'x', sizeBytes: -1, tags: 'a' }));
    const body = json(response);
    assert.equal(body.error, 'Invalid fields: cdnUrl, sizeBytes, tags');
    assert.deepEqual(body.details.map((d) => d.field), ['cdnUrl', 'sizeBytes', 'tags']);
  });

  test('2^53-1 is the largest size, 1.0 and -0 are whole numbers', async () => {
    const { handle } = await setup();
    const max = await handle(post({ ...SEED, sizeBytes: Number.MAX_SAFE_INTEGER }));
    assert.equal(json(max).asset.sizeBytes, Number.MAX_SAFE_INTEGER);
    const raw = JSON.stringify(SEED).replace('4096', '1.0');
    assert.equal(json(await handle(post(raw))).asset.sizeBytes, 1);
    const negativeZero = JSON.stringify(SEED).replace('4096', '-0');
    assert.equal(json(await handle(post(negativeZero))).asset.sizeBytes, 0);
  });
});

describe('rule 7: normalisation', () => {
  test('mimeType is trimmed and lowercased; tags trimmed, lowercased, deduplicated', async () => {
    const { handle } = await setup();
    const response = await handle(post({
      ...SEED,
      mimeType: '  IMAGE/SVG+XML; Charset=UTF-8 ',
      tags: [' Brand', 'BRAND', '', '  ', 'Été', 'e\u0301te\u0301', 'ÉTÉ ', 'Logo'],
    }));
    const { asset } = json(response);
    assert.equal(asset.mimeType, 'image/svg+xml; charset=utf-8');
    assert.equal(asset.type, 'image');
    assert.deepEqual(asset.tags, ['brand', 'été', 'logo']);
  });

  test('absent, null and empty optional fields take their defaults', async () => {
    const { handle } = await setup();
    for (const patch of [{}, { thumbnailUrl: null, campaignId: null, uploadedBy: null, tags: null },
      { thumbnailUrl: '', campaignId: '', uploadedBy: '' }]) {
      const { asset } = json(await handle(post({ ...SEED, tags: undefined, ...patch })));
      assert.equal(asset.thumbnailUrl, SEED.cdnUrl);
      assert.equal(asset.campaignId, null);
      assert.equal(asset.uploadedBy, 'external-webhook');
      assert.deepEqual(asset.tags, []);
    }
  });
});

describe('rule 8: asset ids', () => {
  test('ids are distinct, URL-safe and sort in registration order', async () => {
    const { handle } = await setup();
    const ids = [];
    for (let i = 0; i < 200; i += 1) ids.push(json(await handle(post(SEED))).assetId);
    for (const id of ids) {
      assert.match(id, ID_PATTERN);
      assert.equal(encodeURIComponent(id), id);
    }
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
  });
});

describe('rule 9: asset type', () => {
  const types = {
    'image/png': 'image', 'image/svg': 'image', ' Image/WEBP ': 'image',
    'video/mp4': 'video', 'audio/ogg; codecs=opus': 'audio',
    'application/pdf': 'document', 'text/plain': 'document', 'text/csv': 'document',
    'application/msword': 'document', 'application/rtf': 'document',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'document',
    'application/vnd.oasis.opendocument.spreadsheet': 'document',
    'font/woff2': 'font', 'application/font-woff': 'font', 'application/x-font-ttf': 'font',
    'application/vnd.ms-fontobject': 'font',
    'application/zip': 'archive', 'application/gzip': 'archive', 'application/x-tar': 'archive',
    'application/x-7z-compressed': 'archive', 'application/vnd.rar': 'archive',
    'model/gltf+json': 'model', 'application/octet-stream': 'other', 'application/json': 'other',
  };
  test('follows the MIME type, ignoring case, spaces and parameters', async () => {
    const { handle } = await setup();
    for (const [mimeType, type] of Object.entries(types)) {
      const response = await handle(post({ ...SEED, mimeType }));
      assert.equal(json(response).asset.type, type, mimeType);
    }
  });
});

describe('rule 10: storage failure', () => {
  for (const [name, fail] of [
    ['rejects', () => Promise.reject(new Error('disk on fire'))],
    ['throws', () => { throw new Error('disk on fire'); }],
  ]) {
    test(`a storage that ${name} gets 500 with no asset id; the next request works`, async () => {
      const storage = spyStorage();
      let broken = true;
      const set = storage.set;
      storage.set = (...args) => (broken ? fail() : set(...args));
      const handle = await createHandler({ secret: SECRET, storage });
      const failed = await handle(post(SEED));
      assert.equal(failed.statusCode, 500);
      const body = json(failed);
      assert.equal(typeof body.error, 'string');
      assert.equal(body.assetId, undefined);
      assert.equal(failed.body.includes('asset_'), false);
      assert.equal(failed.body.includes('disk on fire'), false);
      broken = false;
      assert.equal((await handle(post(SEED))).statusCode, 201);
    });
  }
});

describe('batches on a storage without batchSet', () => {
  test('a write failing part-way is undone: the 500 leaves no asset behind', async () => {
    const inner = memoryStorage();
    let writes = 0;
    const storage = {
      get: (key) => inner.get(key),
      delete: (key) => inner.delete(key),
      set: (key, value) => {
        writes += 1;
        return writes === 3 ? Promise.reject(new Error('full')) : inner.set(key, value);
      },
    };
    const handle = await createHandler({ secret: SECRET, storage });
    const item = { ...SEED, secret: undefined };
    const response = await handle(post({ assets: [item, item, item, item], secret: SECRET }));
    assert.equal(response.statusCode, 500);
    assert.equal(writes, 3, 'the writes stop at the failure');
    assert.deepEqual((await inner.list('asset:')).items, []);
  });
});

describe('concurrency', () => {
  test('300 concurrent requests, varying storage latency: ids distinct, all stored', async () => {
    const inner = memoryStorage();
    const storage = {
      get: (key) => inner.get(key),
      delete: (key) => inner.delete(key),
      set: (key, value) => new Promise((resolve, reject) => {
        setTimeout(() => inner.set(key, value).then(resolve, reject), Math.random() * 20);
      }),
    };
    const handle = await createHandler({ secret: SECRET, storage });
    const responses = await Promise.all(
      Array.from({ length: 300 }, (_, i) => handle(post({ ...SEED, name: `asset-${i}.png` }))),
    );
    const ids = responses.map((r) => {
      assert.equal(r.statusCode, 201);
      return json(r).assetId;
    });
    assert.equal(new Set(ids).size, 300);
    const { items } = await inner.list('asset:', { limit: 100 });
    let count = items.length;
    let cursor = (await inner.list('asset:', { limit: 100 })).cursor;
    while (cursor) {
      const page = await inner.list('asset:', { limit: 100, cursor });
      count += page.items.length;
      cursor = page.cursor;
    }
    assert.equal(count, 300);
    for (const [i, id] of ids.entries()) {
      assert.equal((await inner.get(`asset:${id}`)).name, `asset-${i}.png`);
    }
  });
});

describe('shared contract cases', () => {
  const path = casesPath();
  const { secret, cases } = loadCases(path);

  test('the cases file is the shared one, or a faithful copy of it', () => {
    assert.ok(cases.length >= 30, `${path} holds ${cases.length} cases`);
    if (existsSync(SHARED_CASES) && path !== SHARED_CASES) return;
    if (existsSync(SHARED_CASES)) {
      assert.deepEqual(
        JSON.parse(readFileSync(FIXTURE_CASES, 'utf8')),
        JSON.parse(readFileSync(SHARED_CASES, 'utf8')),
        'tests/fixtures/contract-cases.json has drifted from shared/: copy it again',
      );
    }
  });

  for (const { name, request, expect } of cases) {
    test(name, async () => {
      const storage = spyStorage();
      const handle = await createHandler({ secret, storage });
      const response = await handle(request);
      assert.equal(response.statusCode, expect.statusCode);
      const body = json(response);
      if (expect.error) assert.equal(body.error, expect.error);
      if (expect.statusCode === 201) {
        assert.deepEqual(storage.writes, [`asset:${body.assetId}`]);
        assert.deepEqual(await storage.get(`asset:${body.assetId}`), body.asset);
        for (const [field, value] of Object.entries(expect.asset ?? {})) {
          assert.deepEqual(body.asset[field], value, field);
        }
      } else {
        assert.equal(typeof body.error, 'string');
        assert.deepEqual(storage.writes, []);
      }
      assert.equal(response.body.includes(secret), false);
    });
  }
});
