// The Forge entry: the web trigger function named in manifest.yml (`index.handler`).
// Secrets come from Forge environment variables (`forge variables set --encrypt
// WEBHOOK_SECRET ...`); assets are stored in the app's Forge Key-Value Store.

import { kvs } from '@forge/kvs';
import { createHandler } from '../js/inline.js';
import { handlerOptionsFromEnv } from '../js/env.js';
import { forgeKvsStorage } from '../js/storage/forge-kvs.js';

/** @type {Promise<(request: object) => Promise<object>> | undefined} */
let ready;

/** One JSON line per request in the Forge logs; it never holds a secret. */
const logLine = (entry) => console.log(JSON.stringify(entry));

/**
 * The web trigger handler. The wasm handler is created on the first call and reused by every
 * later call in the same runtime instance.
 * @param {import('../js/index.js').WebTriggerRequest} request
 * @returns {Promise<import('../js/index.js').WebTriggerResponse>}
 */
export async function handler(request) {
  ready ??= createHandler({
    ...handlerOptionsFromEnv(process.env),
    storage: forgeKvsStorage(kvs),
    log: logLine,
  });
  const handle = await ready;
  return handle(request);
}
