// Converts between Node's http messages and the Forge web trigger shapes the handler speaks.

/** Largest request body the local server reads; the handler's own limit is far below it. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Thrown by `readBody` when the body passes its limit. */
export class BodyTooLargeError extends Error {
  constructor(limit) {
    super(`request body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Headers as `{ name: [values] }` with lower-case names, keeping repeated headers apart.
 * @param {string[]} rawHeaders Node's `IncomingMessage.rawHeaders` (name, value, name, …).
 * @returns {Record<string, string[]>}
 */
export function headersFromRaw(rawHeaders) {
  /** @type {Record<string, string[]>} */
  const headers = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    (headers[name] ??= []).push(rawHeaders[i + 1]);
  }
  return headers;
}

/**
 * Query parameters as `{ name: [values] }`, the web trigger shape.
 * @param {URLSearchParams} params
 * @returns {Record<string, string[]>}
 */
export function queryFromSearch(params) {
  /** @type {Record<string, string[]>} */
  const query = {};
  for (const [name, value] of params) (query[name] ??= []).push(value);
  return query;
}

/**
 * Reads the whole body as UTF-8 text, rejecting with BodyTooLargeError as soon as it passes
 * `limit` bytes (without keeping what follows).
 * @param {import('node:http').IncomingMessage} req
 * @param {number} [limit]
 * @returns {Promise<string>}
 */
export function readBody(req, limit = MAX_BODY_BYTES) {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new BodyTooLargeError(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    const onData = (chunk) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        chunks.length = 0;
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

/**
 * The web trigger request for a Node request and its body.
 * @param {import('node:http').IncomingMessage} req
 * @param {URL} url
 * @param {string} body
 * @returns {import('./index.js').WebTriggerRequest}
 */
export function toWebTriggerRequest(req, url, body) {
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    headers: headersFromRaw(req.rawHeaders),
    body,
    queryParameters: queryFromSearch(url.searchParams),
  };
}

/**
 * Writes a web trigger response (header values are arrays) to a Node response.
 * @param {import('node:http').ServerResponse} res
 * @param {import('./index.js').WebTriggerResponse} response
 * @param {Record<string, string>} [extraHeaders]
 */
export function writeResponse(res, response, extraHeaders = {}) {
  res.statusCode = response.statusCode;
  for (const [name, values] of Object.entries(response.headers ?? {})) {
    res.setHeader(name, Array.isArray(values) ? values : [String(values)]);
  }
  for (const [name, value] of Object.entries(extraHeaders)) res.setHeader(name, value);
  res.end(response.body ?? '');
}
