// Fixtures the node suites share: the seed contract's example asset and a builder for the
// Forge web trigger POST that createHandler takes.

/** The media type every JSON request declares unless a test says otherwise. */
export const JSON_MEDIA_TYPE = 'application/json';
/** The header name the web trigger requests use by default. */
export const CONTENT_TYPE = 'Content-Type';
/** The path every web trigger request is sent to. */
const TRIGGER_PATH = '/';
/** The headers {@link post} starts from unless told otherwise. */
export const JSON_HEADERS = Object.freeze({ [CONTENT_TYPE]: Object.freeze([JSON_MEDIA_TYPE]) });

/**
 * @typedef {{
 *   method: string,
 *   path: string,
 *   headers: Record<string, string[]>,
 *   body: string,
 *   queryParameters: Record<string, string[]>,
 * }} WebTriggerRequest
 */

/** The seed contract's example asset, without a secret. Frozen, tags included. */
export const SEED_ASSET = Object.freeze({
  name: 'logo.svg',
  cdnUrl: 'https://cdn.example.com/logo.svg',
  mimeType: 'image/svg+xml',
  sizeBytes: 4096,
  tags: Object.freeze(['logo', 'brand']),
});

/**
 * The seed example as a request body: a fresh, unfrozen copy of {@link SEED_ASSET} with
 * `secret` as its last field.
 * @param {unknown} secret The value of the body's `secret` field.
 * @returns {typeof SEED_ASSET & { tags: string[], secret: unknown }}
 */
export function seedBody(secret) {
  return { ...SEED_ASSET, tags: [...SEED_ASSET.tags], secret };
}

/**
 * Web trigger headers from `{ Name: value }` or `{ Name: [values] }`: a value that is not
 * already an array becomes a one-element array; every array is a fresh copy.
 * @param {Record<string, unknown>} headers
 * @returns {Record<string, unknown[]>}
 */
function triggerHeaders(headers) {
  return Object.fromEntries(Object.entries(headers)
    .map(([name, value]) => [name, Array.isArray(value) ? [...value] : [value]]));
}

/**
 * A Forge web trigger POST to `/` with no query parameters.
 *
 * The request's headers are `defaults` overlaid with `headers`, both normalised to
 * `{ Name: [values] }`: by default {@link JSON_HEADERS} plus the given headers. Pass
 * `{ defaults: {} }` to send exactly `headers`, or other defaults (such as a lower-case
 * `content-type`) to change the base.
 * @param {unknown} body A string is sent as it is; anything else is sent as its JSON.
 * @param {Record<string, string | string[]>} [headers] Extra or overriding headers.
 * @param {{ defaults?: Record<string, string | string[]> }} [options]
 * @returns {WebTriggerRequest}
 */
export function post(body, headers = {}, { defaults = JSON_HEADERS } = {}) {
  return {
    method: 'POST',
    path: TRIGGER_PATH,
    headers: { ...triggerHeaders(defaults), ...triggerHeaders(headers) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    queryParameters: {},
  };
}
