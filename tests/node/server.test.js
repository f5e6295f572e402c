// The local server as a person runs it: `node js/server.js` in a child process, with a
// temporary DATA_DIR, driven over HTTP on a free port.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { headersFromRaw } from '../../js/node-http.js';
import { seedBody } from './helpers/fixtures.js';

const SERVER = fileURLToPath(new URL('../../js/server.js', import.meta.url));
const LIST = fileURLToPath(new URL('../../js/list-assets.js', import.meta.url));
const SECRET = 'server-test-secret-7f3a9c';
const START_TIMEOUT_MS = 20_000;
const LISTENING = /listening on (http:\/\/\S+)/;
const LOG_FIELDS = ['time', 'requestId', 'method', 'path', 'status', 'assetId', 'durationMs'];

const seedExample = seedBody(SECRET);

/** Starts the server; resolves once it printed its URL. */
function startServer(env) {
  const child = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running = { child, stdout: '', stderr: '', url: undefined };
  child.stdout.on('data', (chunk) => {
    running.stdout += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL in: ${running.stderr}`)),
      START_TIMEOUT_MS);
    child.stderr.on('data', (chunk) => {
      running.stderr += chunk;
      const match = LISTENING.exec(running.stderr);
      if (match && !running.url) {
        running.url = match[1];
        clearTimeout(timer);
        resolve(running);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${code}: ${running.stderr}`));
    });
  });
}

/** Stops the server with SIGTERM and resolves to its exit code. */
function stopServer(running) {
  if (running.child.exitCode !== null) return Promise.resolve(running.child.exitCode);
  return new Promise((resolve) => {
    running.child.removeAllListeners('exit');
    running.child.once('exit', (code, signal) => resolve(code ?? signal));
    running.child.kill('SIGTERM');
  });
}

const post = (url, body, headers = {}) => fetch(url, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const bearer = { Authorization: `Bearer ${SECRET}` };

describe('local server with WEBHOOK_SECRET', () => {
  let dataDir;
  let server;
  let assetId;
  const logs = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'clarento-server-'));
    server = await startServer({ WEBHOOK_SECRET: SECRET, DATA_DIR: dataDir });
  });
  after(async () => {
    if (server) await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers the seed example with 201', async () => {
    const response = await post(`${server.url}/`, seedExample);
    const body = await response.json();
    assert.equal(response.status, 201, JSON.stringify(body));
    assert.equal(body.success, true);
    assert.match(body.assetId, /^asset_/);
    assert.ok(response.headers.get('x-request-id'));
    assetId = body.assetId;
  });

  it('keeps stored assets behind the secret: 401 without it, listed with it', async () => {
    const anonymous = await fetch(`${server.url}/assets`);
    assert.equal(anonymous.status, 401);
    await anonymous.arrayBuffer();
    const wrong = await fetch(`${server.url}/assets`, { headers: { Authorization: 'Bearer no' } });
    assert.equal(wrong.status, 401);
    await wrong.arrayBuffer();

    const listed = await fetch(`${server.url}/assets`, { headers: bearer });
    assert.equal(listed.status, 200);
    const { assets, cursor } = await listed.json();
    assert.deepEqual(assets.map((a) => a.id), [assetId]);
    assert.equal(cursor, null);

    const one = await fetch(`${server.url}/assets/${assetId}`, { headers: bearer });
    assert.equal(one.status, 200);
    assert.equal((await one.json()).asset.id, assetId);
    const missing = await fetch(`${server.url}/assets/asset_nothere`, { headers: bearer });
    assert.equal(missing.status, 404);
    await missing.arrayBuffer();
  });

  it('pages the listing oldest first with ?limit= and ?cursor=', async () => {
    const more = [];
    for (const name of ['b.png', 'c.png']) {
      const response = await post(`${server.url}/`, { ...seedExample, name });
      more.push((await response.json()).assetId);
    }
    const first = await (await fetch(`${server.url}/assets?limit=2`, { headers: bearer })).json();
    assert.deepEqual(first.assets.map((a) => a.id), [assetId, more[0]]);
    assert.ok(first.cursor);
    const next = `${server.url}/assets?limit=2&cursor=${encodeURIComponent(first.cursor)}`;
    const second = await (await fetch(next, { headers: bearer })).json();
    assert.deepEqual(second.assets.map((a) => a.id), [more[1]]);
    assert.equal(second.cursor, null);
  });

  it('is not a second webhook: POST /assets is 405', async () => {
    const response = await post(`${server.url}/assets`, seedExample);
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'GET');
    await response.arrayBuffer();
  });

  it('answers the webhook contract on other paths (405 for GET /)', async () => {
    const response = await fetch(`${server.url}/`);
    assert.equal(response.status, 405);
    assert.deepEqual(await response.json(), { error: 'Method not allowed' });
  });

  it('refuses a body over 1 MiB with 413 without reading it all', async () => {
    const status = await new Promise((resolve, reject) => {
      const req = httpRequest(`${server.url}/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
      }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 'a');
      // Written without waiting: the answer may come before all of it is sent.
      for (let i = 0; i < 40; i += 1) req.write(chunk);
      req.end();
    });
    assert.equal(status, 413);
  });

  it('writes one JSON log line per request, never with the secret', async () => {
    const refused = await post(`${server.url}/`, { ...seedExample, secret: 'a-wrong-secret' });
    await refused.text();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const lines = server.stdout.trim().split('\n');
    for (const line of lines) {
      const entry = JSON.parse(line);
      assert.deepEqual(Object.keys(entry), LOG_FIELDS);
      logs.push(entry);
    }
    assert.ok(!server.stdout.includes(SECRET), 'the secret is never logged');
    assert.ok(!server.stdout.includes('a-wrong-secret'), 'a caller\'s secret is never logged');
    assert.ok(!/authorization|bearer/i.test(server.stdout), 'no Authorization header');
    const created = logs.find((entry) => entry.status === 201);
    assert.equal(created.assetId, assetId);
    assert.equal(created.method, 'POST');
    assert.equal(created.path, '/');
    assert.ok(logs.some((entry) => entry.status === 401 && entry.assetId === null));
    assert.equal(new Set(logs.map((entry) => entry.requestId)).size, logs.length);
  });

  it('still lists the asset after a restart, and so does `npm run assets`', async () => {
    assert.equal(await stopServer(server), 0, 'SIGTERM shuts down cleanly');
    server = await startServer({ WEBHOOK_SECRET: SECRET, DATA_DIR: dataDir });
    const listed = await fetch(`${server.url}/assets`, { headers: bearer });
    const { assets } = await listed.json();
    assert.equal(assets[0].id, assetId);
    assert.equal(assets[0].name, 'logo.svg');

    const { stdout } = await promisify(execFile)(process.execPath, [LIST, '--json'], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir },
    });
    const printed = stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(printed.map((a) => a.id), assets.map((a) => a.id));
  });
});

describe('local server without WEBHOOK_SECRET', () => {
  let dataDir;
  let server;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'clarento-server-'));
    server = await startServer({ DATA_DIR: dataDir });
  });
  after(async () => {
    if (server) await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('warns loudly at startup and still serves', () => {
    assert.match(server.stderr, /WEBHOOK_SECRET is not set/);
    assert.ok(server.url);
  });

  it('answers 503 "Webhook not configured", for the webhook and the listing', async () => {
    const response = await post(`${server.url}/`, seedExample);
    assert.equal(response.status, 503);
    assert.match((await response.json()).error, /^Webhook not configured/);
    const listing = await fetch(`${server.url}/assets`, { headers: bearer });
    assert.equal(listing.status, 503);
    await listing.arrayBuffer();
  });
});

describe('Node request conversion', () => {
  it('keeps repeated headers as separate values under a lower-case name', () => {
    const headers = headersFromRaw(['X-Tag', 'a', 'Content-Type', 'text/plain', 'x-tag', 'b, c']);
    assert.deepEqual(headers, { 'x-tag': ['a', 'b, c'], 'content-type': ['text/plain'] });
  });
});
