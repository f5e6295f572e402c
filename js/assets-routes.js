// The local server's read-only view of stored assets: `GET /assets` and `GET /assets/<id>`.
// Stored data is not world-readable: these routes take `Authorization: Bearer <secret>`, the
// same secret the webhook checks (the previous secret too, during a rotation).

import { createHash, timingSafeEqual } from 'node:crypto';

/** The key prefix under which the handler stores assets. */
export const ASSET_PREFIX = 'asset:';
/** The collection route; `/assets/<id>` reads one asset. */
export const ASSETS_PATH = '/assets';
/** The shape of an asset id; anything else cannot be stored and is not looked up. */
const ASSET_ID = /^asset_[0-9A-Za-z]{1,64}$/;
const BEARER = /^Bearer\s+(.+)$/i;
const READ_METHODS = new Set(['GET', 'HEAD']);

const JSON_HEADERS = { 'Content-Type': ['application/json'] };
const answer = (statusCode, body, headers = {}) => ({
  statusCode,
  headers: { ...JSON_HEADERS, ...headers },
  body: JSON.stringify(body),
});

/**
 * True when `path` belongs to the read-only routes rather than to the webhook.
 * @param {string} path
 */
export function isAssetsRoute(path) {
  return path === ASSETS_PATH || path === `${ASSETS_PATH}/`
    || path.startsWith(`${ASSETS_PATH}/`);
}

/** Compares two strings in time that depends on neither's content. */
function sameSecret(given, expected) {
  if (!expected) return false;
  const digest = (text) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function authorised(headers, secrets) {
  const match = BEARER.exec(headers.authorization?.[0] ?? '');
  if (!match) return false;
  const token = match[1].trim();
  // Both comparisons always run, so timing does not tell which secret matched.
  const current = sameSecret(token, secrets.secret);
  const previous = sameSecret(token, secrets.previousSecret);
  return current || previous;
}

/**
 * Answers a request to the read-only routes.
 * @param {import('./index.js').WebTriggerRequest} request
 * @param {{ storage: import('./index.js').Storage,
 *   secrets: { secret: string, previousSecret: string } }} context
 * @returns {Promise<import('./index.js').WebTriggerResponse & { assetId?: string }>}
 */
export async function answerAssetsRoute(request, { storage, secrets }) {
  if (!READ_METHODS.has(request.method)) {
    return answer(405, { error: 'Method not allowed' }, { Allow: ['GET'] });
  }
  if (!secrets.secret) {
    return answer(503, {
      error: 'Webhook not configured: set WEBHOOK_SECRET to read stored assets',
    });
  }
  if (!authorised(request.headers, secrets)) {
    return answer(401, { error: 'Invalid webhook secret' }, { 'WWW-Authenticate': ['Bearer'] });
  }

  const rest = request.path.slice(ASSETS_PATH.length).replace(/^\/+|\/+$/g, '');
  if (rest === '') {
    const limit = request.queryParameters.limit?.[0];
    const cursor = request.queryParameters.cursor?.[0];
    const page = await storage.list(ASSET_PREFIX, { limit, cursor });
    const assets = page.items.map((item) => item.value);
    return answer(200, { assets, cursor: page.cursor ?? null });
  }
  const asset = ASSET_ID.test(rest) ? await storage.get(`${ASSET_PREFIX}${rest}`) : undefined;
  if (asset === undefined) return answer(404, { error: 'Asset not found' });
  return answer(200, { asset });
}
