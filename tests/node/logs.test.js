// Log lines never show a secret. The whole bad-input corpus, and requests that carry the
// secrets in every place a caller may put them (the body, Authorization, signatures), go
// through one handler while its `log` callback and the console are captured; no captured
// line may contain a secret, an Authorization value or a signature.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createHandler } from '../../js/index.js';
import { memoryStorage } from '../../js/storage/memory.js';
import { loadBadInputs } from '../corpus/bad-inputs.mjs';

const DEADLINE_MS = 2_000;
/** Shorter credentials could occur in a line by chance (a status code, a time). */
const MIN_CREDENTIAL_CHARS = 8;
const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'];

const { config, cases } = loadBadInputs();
const signingKey = Buffer.from(config.signingSecret.replace(/^whsec_/, ''), 'base64');

/** A Standard Webhooks signature, as a sender computes it. */
function sign(id, timestamp, body, key = signingKey) {
  const tag = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${tag}`;
}

const VALID = {
  name: 'logged.png',
  cdnUrl: 'https://cdn.example.com/logged.png',
  mimeType: 'image/png',
  sizeBytes: 1,
};

/** Requests that carry credentials, valid and not, with the status each must get. */
function credentialRequests() {
  const now = String(Math.floor(Date.now() / 1000));
  const body = JSON.stringify(VALID);
  const post = (headers, text = body) => ({ method: 'POST', headers, body: text });
  const signed = (signature, text = body) => post({
    'webhook-id': ['msg_logs_1'],
    'webhook-timestamp': [now],
    'webhook-signature': [signature],
  }, text);
  return [
    [post({}, JSON.stringify({ ...VALID, secret: config.secret })), 201],
    [post({}, JSON.stringify({ ...VALID, secret: config.previousSecret })), 201],
    [post({}, JSON.stringify({ ...VALID, secret: `${config.secret}-wrong` })), 401],
    [post({ Authorization: [`Bearer ${config.secret}`] }), 201],
    [post({ authorization: `Bearer ${config.previousSecret}` }), 201],
    [post({ Authorization: [`Bearer not-${config.secret}`] }), 401],
    [post({ Authorization: [`Basic ${btoa(`user:${config.secret}`)}`] }), 401],
    [signed(sign('msg_logs_1', now, body)), 201],
    [signed(`v1,bm90LXRoZS1zaWduYXR1cmUtYXQtYWxsLTAwMDA= ${sign('msg_logs_1', now, body)}`), 201],
    [signed(sign('msg_logs_1', now, body, Buffer.from('another key'))), 401],
    [signed(sign('msg_logs_1', now, body), `${body} `), 401],
    [post({ 'Idempotency-Key': [`key-${config.secret}`] },
      JSON.stringify({ ...VALID, secret: config.secret })), 201],
  ];
}

/** Every string no log line may contain: the configuration's secrets and each credential. */
function forbiddenStrings(requests) {
  const forbidden = new Set([
    config.secret,
    config.previousSecret,
    config.signingSecret,
    config.signingSecret.replace(/^whsec_/, ''),
  ]);
  const headerValues = (request, wanted) => {
    const headers = request?.headers;
    if (!headers || typeof headers !== 'object') return [];
    return Object.keys(headers)
      .filter((name) => name.toLowerCase() === wanted)
      .flatMap((name) => [headers[name]].flat())
      .filter((value) => typeof value === 'string');
  };
  for (const request of requests) {
    for (const value of headerValues(request, 'authorization')) {
      forbidden.add(value);
      forbidden.add(value.replace(/^\S+\s+/, ''));
    }
    for (const value of headerValues(request, 'webhook-signature')) {
      forbidden.add(value);
      for (const entry of value.split(' ')) forbidden.add(entry.replace(/^v1,/, ''));
    }
  }
  return [...forbidden].filter((text) => text.trim().length >= MIN_CREDENTIAL_CHARS);
}

describe('log lines', () => {
  const lines = [];
  const restore = [];

  before(() => {
    // Console output, and anything written to the process's streams, counts as a log line.
    for (const method of CONSOLE_METHODS) {
      const original = console[method];
      console[method] = (...args) => lines.push(args.map(String).join(' '));
      restore.push(() => {
        console[method] = original;
      });
    }
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write;
      stream.write = function capture(chunk, ...rest) {
        lines.push(String(chunk));
        return original.call(this, chunk, ...rest);
      };
      restore.push(() => {
        stream.write = original;
      });
    }
  });

  after(() => {
    for (const undo of restore) undo();
  });

  it('never show a secret, an Authorization value or a signature', async () => {
    const entries = [];
    const handler = await createHandler({
      ...config,
      storage: memoryStorage(),
      deadlineMs: DEADLINE_MS,
      log: (entry) => {
        entries.push(entry);
        lines.push(JSON.stringify(entry));
      },
    });
    const extra = credentialRequests();
    for (const [request, status] of extra) {
      const response = await handler(request);
      assert.equal(response.statusCode, status, response.body);
    }
    for (const { request } of cases) await handler(request);
    const requests = [...extra.map(([request]) => request), ...cases.map((c) => c.request)];

    assert.equal(entries.length, requests.length, 'one log entry per request');
    for (const entry of entries) {
      assert.equal(typeof entry.requestId, 'string');
      assert.equal(typeof entry.statusCode, 'number');
    }
    const forbidden = forbiddenStrings(requests);
    assert.ok(forbidden.length > 20, `only ${forbidden.length} credentials to look for`);
    for (const line of lines) {
      for (const text of forbidden) {
        assert.ok(!line.includes(text), `a log line shows ${JSON.stringify(text)}: ${line}`);
      }
    }
  });

  it('never show a secret when storage fails or stalls', async () => {
    const failing = {
      ...memoryStorage(),
      async set(key, value) {
        throw new Error(`could not store ${key}: ${JSON.stringify(value)}`);
      },
    };
    const stalled = { ...memoryStorage(), set: () => new Promise(() => {}) };
    const entries = [];
    for (const storage of [failing, stalled]) {
      const handler = await createHandler({
        ...config,
        storage,
        deadlineMs: 100,
        log: (entry) => entries.push(JSON.stringify(entry)),
      });
      const body = JSON.stringify({ ...VALID, secret: config.secret });
      const response = await handler({
        method: 'POST',
        headers: { Authorization: [`Bearer ${config.secret}`] },
        body,
      });
      assert.ok(response.statusCode >= 500, response.body);
    }
    assert.equal(entries.length, 2);
    for (const line of [...entries, ...lines]) {
      assert.ok(!line.includes(config.secret), `a log line shows the secret: ${line}`);
    }
  });
});
