// The `clarento-webhook` CLI as a pipeline runs it: a child process against a live local server
// (js/server.js on a free port, temporary DATA_DIR), sometimes through a small proxy that
// fails, drops or delays an attempt, to show that retries never register an asset twice.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { batchesOf, parseManifest } from '../../js/cli/manifest.js';
import {
  BASE_DELAY_MS, MAX_DELAY_MS, MAX_RETRY_AFTER_MS, backoffMs, retryAfterMs,
} from '../../js/cli/send.js';
import { assertMatchesOpenapi, readFetchResponse } from './helpers/openapi.js';

const CLI = fileURLToPath(new URL('../../js/cli.js', import.meta.url));
const SERVER = fileURLToPath(new URL('../../js/server.js', import.meta.url));
const SECRET = 'cli-test-secret-2c71';
const SIGNING_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const START_TIMEOUT_MS = 20_000;
const POLL_MS = 50;
const FILE_BYTES = 1234;
const RETRY_AFTER_SECONDS = 1;
const MS_PER_SECOND = 1000;
const ID_LINE = /^asset_[0-9a-hjkmnp-tv-z]{29}\n$/;
const ID = /^asset_[0-9a-hjkmnp-tv-z]{29}$/;

let dataDir;
let server;
let baseUrl;

/** A port nothing listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const bearer = { Authorization: `Bearer ${SECRET}` };

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'clarento-cli-'));
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [SERVER], {
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_SIGNING_SECRET: SIGNING_SECRET,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  server.stderr.on('data', (chunk) => { stderr += chunk; });
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited: ${stderr}`);
    try {
      if ((await fetch(`${baseUrl}/assets`, { headers: bearer })).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`the server did not start: ${stderr}`);
    await new Promise((resolve) => { setTimeout(resolve, POLL_MS); });
  }
});

after(async () => {
  if (server && server.exitCode === null) {
    await new Promise((resolve) => {
      server.once('exit', resolve);
      server.kill('SIGTERM');
    });
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * Runs the CLI; resolves to its exit code and output.
 * @param {string[]} args
 * @param {Record<string, string>} [env] overrides of the default environment
 */
function runCli(args, env = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: {
      PATH: process.env.PATH,
      CLARENTO_WEBHOOK_URL: `${baseUrl}/`,
      CLARENTO_WEBHOOK_SECRET: SECRET,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  return new Promise((resolve) => {
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every stored asset, through the server's read-only route. */
async function storedAssets() {
  const assets = [];
  let cursor;
  do {
    const query = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
    const page = await (await fetch(`${baseUrl}/assets?${query}`, { headers: bearer })).json();
    assets.push(...page.assets);
    cursor = page.cursor;
  } while (cursor);
  return assets;
}

const named = async (name) => (await storedAssets()).filter((asset) => asset.name === name);

/**
 * A proxy in front of the server. `plan(n)` says what to do with the n-th request (from 1):
 * `{ reply: { status, headers, body } }` answers without forwarding; `{ drop: true }` forwards,
 * then closes the connection unanswered; `{ delayMs }` forwards and answers late; anything
 * else forwards. Every request is recorded with its headers and body, and every forwarded
 * answer with its status and headers.
 */
async function startProxy(plan = () => ({})) {
  const seen = [];
  const proxy = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString('utf8');
    const record = { headers: req.headers, body };
    seen.push(record);
    const action = plan(seen.length) ?? {};
    if (action.reply) {
      const { status, headers = {}, body: text } = action.reply;
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(text);
      return;
    }
    const forwarded = Object.fromEntries(Object.entries(req.headers)
      .filter(([name]) => !['host', 'connection', 'content-length'].includes(name)));
    const answer = await fetch(`${baseUrl}${req.url}`, {
      method: req.method, headers: forwarded, body,
    });
    const text = await answer.text();
    record.answer = { status: answer.status, headers: Object.fromEntries(answer.headers) };
    if (action.drop) {
      req.socket.destroy();
      return;
    }
    if (action.delayMs) await new Promise((resolve) => { setTimeout(resolve, action.delayMs); });
    if (res.destroyed) return;
    res.writeHead(answer.status, {
      'Content-Type': answer.headers.get('content-type') ?? 'application/json',
      ...(answer.headers.has('idempotent-replayed')
        ? { 'Idempotent-Replayed': answer.headers.get('idempotent-replayed') } : {}),
    }).end(text);
  });
  await new Promise((resolve) => { proxy.listen(0, '127.0.0.1', resolve); });
  return {
    seen,
    url: `http://127.0.0.1:${proxy.address().port}/`,
    close: () => new Promise((resolve) => {
      proxy.closeAllConnections();
      proxy.close(resolve);
    }),
  };
}

/** The arguments of one explicit registration named `name`. */
const explicit = (name) => ['register', '--cdn-url', `https://cdn.example.com/${name}`,
  '--size', '4096', '--mime-type', 'image/png', '--name', name];

describe('clarento-webhook register, one asset', () => {
  test('--file: prints only the asset id; size, type and name come from the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clarento-cli-file-'));
    try {
      const file = join(dir, 'hero banner.PNG');
      writeFileSync(file, Buffer.alloc(FILE_BYTES, 1));
      const run = await runCli(['register', '--cdn-url', 'https://cdn.example.com/hero.png',
        '--file', file]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, ID_LINE);
      assert.equal(run.stderr, '');
      const [asset] = (await storedAssets()).filter((a) => a.id === run.stdout.trim());
      assert.equal(asset.sizeBytes, FILE_BYTES);
      assert.equal(asset.mimeType, 'image/png');
      assert.equal(asset.type, 'image');
      assert.equal(asset.name, 'hero banner.PNG');
      assert.equal(asset.cdnUrl, 'https://cdn.example.com/hero.png');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('explicit values are sent as given; --json prints the documented 201 body', async () => {
    const run = await runCli(['register', '--cdn-url', 'https://cdn.example.com/logo.svg',
      '--size', '4096', '--mime-type', 'image/svg+xml', '--name', 'logo.svg',
      '--thumbnail-url', 'https://cdn.example.com/thumbs/logo.png', '--tag', ' Logo ',
      '--tag', 'brand', '--campaign-id', 'summer-2026', '--uploaded-by', 'ci-pipeline',
      '--json']);
    assert.equal(run.code, 0, run.stderr);
    assertMatchesOpenapi({
      statusCode: 201, headers: { 'Content-Type': ['application/json'] }, body: run.stdout,
    });
    const { assetId, asset } = JSON.parse(run.stdout);
    assert.deepEqual(asset, (await storedAssets()).find((a) => a.id === assetId));
    assert.deepEqual({
      sizeBytes: asset.sizeBytes, mimeType: asset.mimeType, tags: asset.tags,
      thumbnailUrl: asset.thumbnailUrl, campaignId: asset.campaignId,
      uploadedBy: asset.uploadedBy,
    }, {
      sizeBytes: 4096, mimeType: 'image/svg+xml', tags: ['logo', 'brand'],
      thumbnailUrl: 'https://cdn.example.com/thumbs/logo.png', campaignId: 'summer-2026',
      uploadedBy: 'ci-pipeline',
    });
  });

  test('a refused registration exits 1 with the server\'s message on stderr', async () => {
    const invalid = await runCli(['register', '--cdn-url', 'launch/hero.jpg', '--size', '1',
      '--mime-type', 'image/jpeg', '--name', 'hero.jpg']);
    assert.equal(invalid.code, 1);
    assert.equal(invalid.stdout, '');
    assert.match(invalid.stderr, /Invalid field: cdnUrl; cdnUrl: must be an absolute http/);

    const wrong = await runCli(explicit('wrong-secret.png'), { CLARENTO_WEBHOOK_SECRET: 'nope' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /Invalid webhook secret/);
    assert.deepEqual(await named('wrong-secret.png'), []);
  });

  test('usage mistakes exit 2 before anything is sent', async () => {
    for (const [args, env, message] of [
      [['register', '--cdn-url', 'https://c.example/a.png'], {}, /--file, or both --size/],
      [['register', '--size', '1'], {}, /--cdn-url is required/],
      [explicit('no-url.png'), { CLARENTO_WEBHOOK_URL: '' }, /CLARENTO_WEBHOOK_URL is not set/],
      [explicit('no-secret.png'), { CLARENTO_WEBHOOK_SECRET: '' }, /CLARENTO_WEBHOOK_SECRET/],
      [[...explicit('x.png'), '--size', '1.5'], {}, /--size must be a whole number/],
      [['upload'], {}, /expected the command "register"/],
    ]) {
      const run = await runCli(args, env);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
  });

  test('a 503 is retried after its Retry-After, with the same key, registering once',
    async () => {
      const proxy = await startProxy((n) => (n === 1 ? {
        reply: {
          status: 503,
          headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
          body: '{"error":"Storage is rate limited: the asset was not registered, retry later"}',
        },
      } : {}));
      try {
        const started = Date.now();
        const run = await runCli(explicit('retry-503.png'), { CLARENTO_WEBHOOK_URL: proxy.url });
        assert.equal(run.code, 0, run.stderr);
        assert.ok(Date.now() - started >= RETRY_AFTER_SECONDS * MS_PER_SECOND,
          'waited for Retry-After');
        assert.match(run.stderr, /retrying in .* after HTTP 503/);
        assert.equal(proxy.seen.length, 2);
        const [first, second] = proxy.seen.map((r) => r.headers['idempotency-key']);
        assert.ok(first);
        assert.equal(second, first, 'one key for every attempt');
        assert.deepEqual((await named('retry-503.png')).map((a) => a.id), [run.stdout.trim()]);
      } finally {
        await proxy.close();
      }
    });

  test('a 409 (the key still in flight) is retried until the first answer is there',
    async () => {
      const proxy = await startProxy((n) => (n < 3 ? {
        reply: {
          status: 409,
          body: '{"error":"A request with this Idempotency-Key is still being processed"}',
        },
      } : {}));
      try {
        const run = await runCli(explicit('in-flight.png'), { CLARENTO_WEBHOOK_URL: proxy.url });
        assert.equal(run.code, 0, run.stderr);
        assert.equal(proxy.seen.length, 3);
        assert.deepEqual((await named('in-flight.png')).map((a) => a.id), [run.stdout.trim()]);
      } finally {
        await proxy.close();
      }
    });

  test('an answer lost on the way back is retried and replayed, never registered twice',
    async () => {
      const proxy = await startProxy((n) => (n === 1 ? { drop: true } : {}));
      try {
        const run = await runCli(explicit('lost-answer.png'), { CLARENTO_WEBHOOK_URL: proxy.url });
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(proxy.seen.map((r) => r.answer.status), [201, 201]);
        assert.equal(proxy.seen[1].answer.headers['idempotent-replayed'], 'true');
        assert.deepEqual((await named('lost-answer.png')).map((a) => a.id), [run.stdout.trim()]);
      } finally {
        await proxy.close();
      }
    });

  test('a timed-out attempt is retried with the same key, registering once', async () => {
    const proxy = await startProxy((n) => (n === 1 ? { delayMs: 3 * MS_PER_SECOND } : {}));
    try {
      const run = await runCli([...explicit('timeout.png'), '--timeout', '1'],
        { CLARENTO_WEBHOOK_URL: proxy.url });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /after timed out/);
      const keys = new Set(proxy.seen.map((r) => r.headers['idempotency-key']));
      assert.equal(keys.size, 1);
      assert.deepEqual((await named('timeout.png')).map((a) => a.id), [run.stdout.trim()]);
    } finally {
      await proxy.close();
    }
  });

  test('it gives up after --attempts, exiting 1 with the last message', async () => {
    const proxy = await startProxy(() => ({
      reply: { status: 500, body: '{"error":"Internal error: the asset was not registered"}' },
    }));
    try {
      const run = await runCli([...explicit('never.png'), '--attempts', '3'],
        { CLARENTO_WEBHOOK_URL: proxy.url });
      assert.equal(run.code, 1);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /Internal error: the asset was not registered/);
      assert.equal(proxy.seen.length, 3);
    } finally {
      await proxy.close();
    }
  });

  test('--idempotency-key makes a re-run answer with the first registration', async () => {
    const args = [...explicit('rerun.png'), '--idempotency-key', 'deploy-7f3a-rerun'];
    const first = await runCli(args);
    const second = await runCli(args);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, first.stdout);
    assert.equal((await named('rerun.png')).length, 1);
  });

  test('with a signing secret only, requests are signed (Standard Webhooks)', async () => {
    const proxy = await startProxy();
    try {
      const run = await runCli(explicit('signed.png'), {
        CLARENTO_WEBHOOK_URL: proxy.url,
        CLARENTO_WEBHOOK_SECRET: '',
        CLARENTO_WEBHOOK_SIGNING_SECRET: SIGNING_SECRET,
      });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, ID_LINE);
      const [{ headers, body }] = proxy.seen;
      assert.equal(headers.authorization, undefined, 'no secret travels');
      const key = Buffer.from(SIGNING_SECRET.slice('whsec_'.length), 'base64');
      const signed = `${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`;
      const expected = createHmac('sha256', key).update(signed).digest('base64');
      assert.equal(headers['webhook-signature'], `v1,${expected}`);
      assert.ok(Math.abs(Number(headers['webhook-timestamp']) - Date.now() / 1000) < 60);

      const forged = await runCli(explicit('forged.png'), {
        CLARENTO_WEBHOOK_SECRET: '',
        CLARENTO_WEBHOOK_SIGNING_SECRET: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      });
      assert.equal(forged.code, 1);
      assert.match(forged.stderr, /Invalid webhook signature/);
      assert.deepEqual(await named('forged.png'), []);
    } finally {
      await proxy.close();
    }
  });
});

describe('clarento-webhook register --manifest', () => {
  const asset = (name, extra = {}) => JSON.stringify({
    name, cdnUrl: `https://cdn.example.com/${name}`, mimeType: 'image/png', sizeBytes: 10,
    ...extra,
  });
  let dir;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'clarento-cli-manifest-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a mixed manifest: one line per asset, errors named, exit 1; a re-run duplicates '
    + 'nothing', async () => {
    const manifest = join(dir, 'mixed.jsonl');
    writeFileSync(manifest, [
      asset('m1.png'),
      '',
      '{"name": "broken',
      asset('m4.png', { cdnUrl: 'relative/m4.png' }),
      asset('m5.png', { sizeBytes: '10' }),
      '[1, 2]',
      asset('m7.png', { tags: ['Migration'] }),
      asset('m8.png'),
    ].join('\n'));
    const proxy = await startProxy();
    try {
      const run = await runCli(['register', '--manifest', manifest, '--batch-size', '2'],
        { CLARENTO_WEBHOOK_URL: proxy.url });
      assert.equal(run.code, 1);
      const lines = run.stdout.trimEnd().split('\n').map((line) => line.split('\t'));
      assert.deepEqual(lines.map(([line]) => line), ['1', '3', '4', '5', '6', '7', '8']);
      const result = Object.fromEntries(lines);
      for (const line of ['1', '7', '8']) assert.match(result[line], ID, `line ${line}`);
      assert.equal(result[3], 'error: line is not valid JSON');
      assert.match(result[4], /^error: Invalid field: cdnUrl; cdnUrl: /);
      assert.match(result[5], /^error: Invalid field: sizeBytes; sizeBytes: /);
      assert.equal(result[6], 'error: line is not a JSON object');
      assert.match(run.stderr, /batch 3\/3/, 'plain progress lines when not on a terminal');
      for (const [line, name] of [['1', 'm1.png'], ['7', 'm7.png'], ['8', 'm8.png']]) {
        assert.deepEqual((await named(name)).map((a) => a.id), [result[line]]);
      }
      const keys = proxy.seen.map((r) => r.headers['idempotency-key']);
      assert.equal(new Set(keys).size, 3, 'one key per batch');

      const again = await runCli(['register', '--manifest', manifest, '--batch-size', '2'],
        { CLARENTO_WEBHOOK_URL: proxy.url });
      assert.equal(again.stdout, run.stdout, 'the same answers, replayed');
      assert.deepEqual(proxy.seen.slice(3).map((r) => r.headers['idempotency-key']), keys);
      for (const name of ['m1.png', 'm7.png', 'm8.png']) {
        assert.equal((await named(name)).length, 1, `${name} registered once`);
      }
    } finally {
      await proxy.close();
    }
  });

  test('a clean manifest exits 0; --json gives one object per line', async () => {
    const manifest = join(dir, 'clean.jsonl');
    writeFileSync(manifest, `${asset('c1.png')}\n${asset('c2.png')}\n`);
    const run = await runCli(['register', '--manifest', manifest, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const results = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(results.map((r) => [r.line, r.statusCode]), [[1, 201], [2, 201]]);
    for (const r of results) assert.match(r.assetId, ID);
  });
});

describe('the live server the CLI talks to', () => {
  test('answers over HTTP as openapi.yaml documents', async () => {
    const body = JSON.stringify({
      name: 'http.png', cdnUrl: 'https://cdn.example.com/http.png', mimeType: 'image/png',
      sizeBytes: 1,
    });
    const post = (headers, text = body) => fetch(`${baseUrl}/`, {
      method: 'POST', headers: { 'Content-Type': 'text/plain', ...headers }, body: text,
    });
    const keyed = { ...bearer, 'Idempotency-Key': 'http-1' };
    for (const [request, method, status] of [
      [() => post(keyed), 'POST', 201],
      [() => post(keyed), 'POST', 201],
      [() => post(keyed, body.replace('http.png', 'other.png')), 'POST', 422],
      [() => post(bearer, '{"name":'), 'POST', 400],
      [() => post({ Authorization: 'Bearer wrong' }), 'POST', 401],
      [() => fetch(`${baseUrl}/`, { method: 'PUT', body }), 'PUT', 405],
    ]) {
      const answer = await readFetchResponse(await request());
      assert.equal(answer.status, status, answer.body);
      assertMatchesOpenapi(answer, { method });
    }
  });
});

describe('retry policy and manifest keys', () => {
  const highest = () => 0.999999;
  const lowest = () => 0;

  test('backoff is full jitter under a ceiling that doubles up to a cap', () => {
    for (const attempt of [1, 2, 3, 4]) {
      const ceiling = BASE_DELAY_MS * 2 ** (attempt - 1);
      assert.equal(backoffMs(attempt, null, lowest), 0);
      assert.equal(backoffMs(attempt, null, highest), ceiling - 1);
    }
    assert.equal(backoffMs(30, null, highest), MAX_DELAY_MS - 1);
  });

  test('Retry-After, in seconds or as a date, is a floor under the jitter', () => {
    const now = Date.UTC(2026, 2, 2, 10, 0, 0);
    assert.equal(backoffMs(1, '3', lowest, now), 3000);
    assert.equal(backoffMs(1, new Date(now + 7000).toUTCString(), lowest, now), 7000);
    assert.equal(backoffMs(1, '86400', lowest, now), MAX_RETRY_AFTER_MS);
    assert.equal(retryAfterMs('soon', now), 0);
    assert.equal(retryAfterMs(new Date(now - 5000).toUTCString(), now), 0);
  });

  test('a manifest\'s batch keys depend on its content and the batch only', () => {
    const text = '\ufeff{"name":"a"}\n\n{"name":"b"}\r\nnot json\n{"name":"c"}\n';
    const entries = parseManifest(text);
    assert.deepEqual(entries.map((e) => [e.line, e.error ?? e.asset.name]),
      [[1, 'a'], [3, 'b'], [4, 'not valid JSON'], [5, 'c']]);
    const keys = batchesOf(text, entries, 2).map((b) => b.key);
    assert.equal(keys.length, 2);
    assert.deepEqual(batchesOf(text, parseManifest(text), 2).map((b) => b.key), keys);
    assert.notEqual(new Set(keys).size, 1);
    const changed = text.replace('"c"', '"d"');
    const other = batchesOf(changed, parseManifest(changed), 2).map((b) => b.key);
    assert.ok(other.every((key) => !keys.includes(key)), 'another manifest, other keys');
  });
});
