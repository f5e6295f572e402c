// A module worker (Cloudflare Workers / workerd) serving the webhook. Configuration comes from
// the worker's environment: WEBHOOK_SECRET (and WEBHOOK_SECRET_PREVIOUS,
// WEBHOOK_SIGNING_SECRET, WEBHOOK_REQUIRE_SIGNATURE) and the KV namespace binding ASSETS.
// See wrangler.toml.

import { createHandler } from './worker-entry.js';
import { handlerOptionsFromEnv } from './env.js';
import { readText, toFetchResponse, toWebTriggerRequest } from './fetch-bridge.js';
import { workersKvStorage } from './storage/workers-kv.js';

// A module worker's named exports must all be handlers, so nothing else is exported here.

/** The KV namespace binding assets are stored in. */
const KV_BINDING = 'ASSETS';
/** Largest body read; the handler's own, smaller limit answers 413 first in practice. */
const MAX_BODY_BYTES = 1024 * 1024;
const JSON_HEADERS = { 'Content-Type': 'application/json' };

/** @type {Promise<(request: object) => Promise<object>> | undefined} */
let ready;

/** The handler for this isolate, made on the first request. */
function handlerFor(env) {
  ready ??= createHandler({
    ...handlerOptionsFromEnv(env),
    storage: workersKvStorage(env[KV_BINDING]),
    log: (entry) => console.log(JSON.stringify(entry)),
  }).catch((error) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

const jsonResponse = (status, error) =>
  new Response(JSON.stringify({ error }), { status, headers: JSON_HEADERS });

export default {
  /**
   * @param {Request} request
   * @param {Record<string, any>} env
   * @returns {Promise<Response>}
   */
  async fetch(request, env) {
    if (!env?.[KV_BINDING]) {
      return jsonResponse(503, `Webhook not configured: bind a KV namespace as ${KV_BINDING}`);
    }
    const body = await readText(request, MAX_BODY_BYTES);
    if (body === null) return jsonResponse(413, 'Request body too large');
    const handle = await handlerFor(env);
    return toFetchResponse(await handle(toWebTriggerRequest(request, body)));
  },
};
