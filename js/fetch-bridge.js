// Converts between Fetch API messages (workers, Deno, Bun) and the web trigger shapes.

/**
 * Reads a body as text, or returns null once it passes `limit` bytes.
 * @param {Request} request
 * @param {number} limit
 * @returns {Promise<string | null>}
 */
export async function readText(request, limit) {
  if (Number(request.headers.get('content-length')) > limit) return null;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * The web trigger request for a Fetch request. Fetch joins repeated headers with ", ", so
 * each header arrives here as one value.
 * @param {Request} request
 * @param {string} body
 * @returns {import('./index.js').WebTriggerRequest}
 */
export function toWebTriggerRequest(request, body) {
  const url = new URL(request.url);
  /** @type {Record<string, string[]>} */
  const headers = {};
  for (const [name, value] of request.headers) (headers[name] ??= []).push(value);
  /** @type {Record<string, string[]>} */
  const queryParameters = {};
  for (const [name, value] of url.searchParams) (queryParameters[name] ??= []).push(value);
  return { method: request.method, path: url.pathname, headers, body, queryParameters };
}

/**
 * The Fetch response for a web trigger response (header values are arrays).
 * @param {import('./index.js').WebTriggerResponse} response
 * @returns {Response}
 */
export function toFetchResponse(response) {
  const headers = new Headers();
  for (const [name, values] of Object.entries(response.headers ?? {})) {
    for (const value of [].concat(values)) headers.append(name, value);
  }
  return new Response(response.body ?? '', { status: response.statusCode, headers });
}
