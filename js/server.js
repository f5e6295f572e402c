// The local server: the webhook over node:http with assets in a SQLite file.
//
//   WEBHOOK_SECRET=... node js/server.js     (HOST, PORT, DATA_DIR override the defaults)
//
// POST to any path but /assets registers an asset. GET /assets and GET /assets/<id> read what
// is stored (with `Authorization: Bearer <secret>`). One JSON line per request goes to stdout.

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHandler } from './index.js';
import { answerAssetsRoute, isAssetsRoute } from './assets-routes.js';
import { ENV, handlerOptionsFromEnv } from './env.js';
import { databasePath } from './local-paths.js';
import {
  BodyTooLargeError, MAX_BODY_BYTES, readBody, toWebTriggerRequest, writeResponse,
} from './node-http.js';
import { sqliteStorage } from './storage/sqlite.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8787;
const REQUEST_ID_HEADER = 'X-Request-Id';
/** The status of a registration, whose asset id goes into the log line. */
const CREATED = 201;
const JSON_HEADERS = { 'Content-Type': ['application/json'] };
const TOO_LARGE = {
  statusCode: 413,
  headers: { ...JSON_HEADERS, Connection: ['close'] },
  body: JSON.stringify({ error: 'Request body too large' }),
};
const INTERNAL_ERROR = {
  statusCode: 500,
  headers: JSON_HEADERS,
  body: JSON.stringify({ error: 'Internal error: the asset was not registered' }),
};
const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'];
/** Log durations are rounded to the microsecond. */
const MICROSECONDS_PER_MS = 1000;

const roundToMicroseconds = (ms) => Math.round(ms * MICROSECONDS_PER_MS) / MICROSECONDS_PER_MS;

/**
 * Starts the server.
 * @param {{ env?: Record<string, string | undefined>,
 *   out?: (line: string) => void, warn?: (line: string) => void }} [options]
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function startServer({
  env = process.env,
  out = (line) => process.stdout.write(`${line}\n`),
  warn = (line) => process.stderr.write(`${line}\n`),
} = {}) {
  const secrets = handlerOptionsFromEnv(env);
  if (!secrets.secret) {
    warn('!'.repeat(72));
    warn(`!! ${ENV.secret} is not set: every request will be answered 503.`);
    warn(`!! Start the server with ${ENV.secret}=<a long random string> to register assets.`);
    warn('!'.repeat(72));
  }

  const dbPath = databasePath(env);
  const storage = sqliteStorage(dbPath);
  const handle = await createHandler({ ...secrets, storage });

  const respond = async (req, url) => {
    if (isAssetsRoute(url.pathname)) {
      return answerAssetsRoute(toWebTriggerRequest(req, url, ''), { storage, secrets });
    }
    let body;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return TOO_LARGE;
      throw error;
    }
    return handle(toWebTriggerRequest(req, url, body));
  };

  const onRequest = async (req, res) => {
    const started = performance.now();
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://localhost');
    let response;
    try {
      response = await respond(req, url);
    } catch (error) {
      warn(`request ${requestId} failed: ${error?.stack ?? error}`);
      response = INTERNAL_ERROR;
    }
    if (response.statusCode === TOO_LARGE.statusCode) req.resume();
    writeResponse(res, response, { [REQUEST_ID_HEADER]: requestId });
    out(JSON.stringify({
      time: new Date().toISOString(),
      requestId,
      method: req.method,
      path: url.pathname,
      status: response.statusCode,
      assetId: createdAssetId(response),
      durationMs: roundToMicroseconds(performance.now() - started),
    }));
  };
  const server = createServer(onRequest);
  // A sender that waits for "100 Continue" with an oversized body is refused before it sends.
  server.on('checkContinue', (req, res) => {
    if (!(Number(req.headers['content-length']) > MAX_BODY_BYTES)) res.writeContinue();
    onRequest(req, res);
  });

  const host = env.HOST || DEFAULT_HOST;
  const port = env.PORT === undefined || env.PORT === '' ? DEFAULT_PORT : Number(env.PORT);
  await new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, done);
  });
  const address = server.address();
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;
  warn(`webhook listening on ${url} (POST /), assets in ${dbPath}`);

  return {
    url,
    close: () => new Promise((done) => {
      server.close(() => {
        storage.close();
        done();
      });
      server.closeIdleConnections();
    }),
  };
}

async function main() {
  const running = await startServer();
  let closing = false;
  for (const signal of SHUTDOWN_SIGNALS) {
    process.on(signal, async () => {
      if (closing) return;
      closing = true;
      await running.close();
      process.exit(0);
    });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => {
    process.stderr.write(`could not start the server: ${error?.stack ?? error}\n`);
    process.exit(1);
  });
}

/**
 * The id a 201 registered, for the log line; `null` for any other answer.
 * @param {{ statusCode: number, body: string }} response
 */
function createdAssetId(response) {
  if (response.statusCode !== CREATED) return null;
  try {
    return JSON.parse(response.body).assetId ?? null;
  } catch {
    return null;
  }
}
