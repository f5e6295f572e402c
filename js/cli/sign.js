// Standard Webhooks signing for the CLI: HMAC-SHA256 over `id.timestamp.body`, keyed with the
// base64-decoded part of a `whsec_` secret, sent as `webhook-signature: v1,<base64>`.

import { createHash, createHmac } from 'node:crypto';

/** The prefix of a Standard Webhooks signing secret. */
export const SECRET_PREFIX = 'whsec_';
/** The signature version this client sends. */
const VERSION = 'v1';
/** Prefix of the message ids this client makes. */
const ID_PREFIX = 'msg_';
/** Characters of digest in a message id. */
const ID_DIGEST_CHARS = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MS_PER_SECOND = 1000;

/**
 * The HMAC key of a `whsec_<base64>` secret.
 * @param {string} secret
 * @returns {Buffer}
 * @throws {Error} when the secret is not `whsec_` followed by base64.
 */
export function signingKey(secret) {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : '';
  if (!BASE64.test(encoded)) {
    throw new Error('the signing secret must be whsec_ followed by base64');
  }
  return Buffer.from(encoded, 'base64');
}

/**
 * A stable `webhook-id` for a logical message: the same idempotency key gives the same id, so
 * every retry of one registration is the same message to the receiver.
 * @param {string} idempotencyKey
 */
export function messageId(idempotencyKey) {
  const digest = createHash('sha256').update(idempotencyKey).digest('base64url');
  return `${ID_PREFIX}${digest.slice(0, ID_DIGEST_CHARS)}`;
}

/**
 * The three Standard Webhooks headers for one attempt at sending `body`.
 * @param {Buffer} key from `signingKey`
 * @param {string} id from `messageId`
 * @param {string} body exactly the bytes that will be sent
 * @param {number} [nowMs]
 * @returns {Record<string, string>}
 */
export function signatureHeaders(key, id, body, nowMs = Date.now()) {
  const timestamp = String(Math.floor(nowMs / MS_PER_SECOND));
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `${VERSION},${mac}`,
  };
}
