// Drives a request through the wasm core: the core says which storage call it needs, this
// file makes it and hands back the outcome, until the core answers. It is the only place
// where storage is awaited, so the wasm module needs no futures. The step format is
// described in src/wasm.rs.

/** Separates the fields of a step, and flattened header names and values. */
const UNIT = '\x1f';
/** Separates a step's fields from its body or payload. */
const RECORD = '\x1e';
/** Where the three-digit status of a response step ends. */
const STATUS_END = 5;
/** Stands, in a final step's answer, for the payload, which crosses only once. */
const SPLICE = '\x1d';
/** First character of a step that is a storage call. */
const PERFORM = 'P';
/** First character of a step that is the last storage call, its success answer attached. */
const FINAL = 'F';
/** Outcome codes understood by `Webhook.resume` (src/wasm.rs). */
export const OUTCOME = Object.freeze({
  DONE: 0, WRITTEN: 1, TAKEN: 2, VALUE: 3, RATE_LIMITED: 4, FAILED: 5,
});
/** The status a store reports when it is rate limiting (Forge KVS, Workers KV). */
const TOO_MANY_REQUESTS = 429;
const CONTENT_TYPE = 'Content-Type';
const JSON_TYPE = 'application/json';

/**
 * `name␟value␟…` from `{ Name: [values] }` (or plain string values). A header whose name or
 * value holds a separator is dropped: such a header is not valid HTTP, and dropping it can
 * only remove a credential, never add one.
 * @param {unknown} headers
 */
export function flattenHeaders(headers) {
  if (headers === null || typeof headers !== 'object') return '';
  let out = '';
  for (const name of Object.keys(headers)) {
    if (name.includes(UNIT)) continue;
    const values = headers[name];
    for (const value of Array.isArray(values) ? values : [values]) {
      if (typeof value !== 'string' || value.includes(UNIT)) continue;
      out = out === '' ? `${name}${UNIT}${value}` : `${out}${UNIT}${name}${UNIT}${value}`;
    }
  }
  return out;
}

/**
 * Runs one request to its final step. `ticket.exchange` holds the exchange waiting on
 * storage, so that a caller giving up can abandon it.
 * @param {object} webhook A wasm `Webhook`.
 * @param {any} request The web trigger request.
 * @param {import('./index.js').Storage} storage
 * @param {{ exchange?: number, splice?: string }} [ticket] Also receives, in `splice`, the
 *   text that the final step's ␝ stands for.
 * @returns {Promise<string>} The final step, `R…`.
 */
export async function run(webhook, request, storage, ticket = {}) {
  const method = typeof request?.method === 'string' ? request.method : '';
  // A string with a lone surrogate is not text that any sender can have signed or meant;
  // passing it on would turn the surrogate into U+FFFD silently. It counts as no body.
  const raw = request?.body;
  const body = typeof raw === 'string' && raw.isWellFormed() ? raw : undefined;
  let step = webhook.start(method, flattenHeaders(request?.headers), body, Date.now());
  while (step[0] === PERFORM) {
    const call = storageCall(step);
    ticket.exchange = call.exchange;
    const [code, value] = await perform(storage, call);
    ticket.exchange = undefined;
    step = webhook.resume(call.exchange, code, value, Date.now());
  }
  if (step[0] !== FINAL) return step;
  // The last storage call, with the answer to give when it succeeds.
  const call = storageCall(step);
  const [code] = await perform(storage, call);
  if (code !== OUTCOME.DONE) return webhook.finalFailed(code);
  // The answer's body may hold ␝ where the payload goes: `toResponse` puts it there.
  ticket.splice = call.payload;
  return call.answer;
}

/**
 * `P␟exchange␟op␟key␟ttl␞payload`, or `F…␞payload␞answer`, read into its parts.
 * @param {string} step
 */
function storageCall(step) {
  const split = step.indexOf(RECORD);
  const [, id, op, key, ttl] = step.slice(0, split).split(UNIT);
  // A payload is JSON or key␟JSON pairs, neither of which holds ␞.
  const end = step[0] === FINAL ? step.indexOf(RECORD, split + 1) : step.length;
  return {
    exchange: Number(id), op, key, ttl,
    payload: step.slice(split + 1, end),
    answer: step[0] === FINAL ? step.slice(end + 1) : undefined,
  };
}

/** Makes one storage call; resolves to `[outcome code, JSON text?]` and never rejects. */
async function perform(storage, { op, key, ttl, payload }) {
  const options = ttl === '' ? undefined : { ttlSeconds: Number(ttl) };
  try {
    switch (op) {
      case 'g': return read(await storage.get(key));
      case 's':
        await (options ? storage.set(key, JSON.parse(payload), options)
          : storage.set(key, JSON.parse(payload)));
        return [OUTCOME.DONE];
      case 'a': return [await setIfAbsent(storage, key, JSON.parse(payload), options)];
      case 'd':
        await storage.delete(key);
        return [OUTCOME.DONE];
      case 'b':
        await batchSet(storage, payload);
        return [OUTCOME.DONE];
      default: return [OUTCOME.FAILED];
    }
  } catch (error) {
    return [rateLimited(error) ? OUTCOME.RATE_LIMITED : OUTCOME.FAILED];
  }
}

/** A read's value as JSON text; a value JSON cannot hold (a function, a BigInt, a cycle)
 * throws here or yields no text, and counts as a failed call. */
function read(value) {
  if (value === undefined || value === null) return [OUTCOME.VALUE];
  const text = JSON.stringify(value);
  return typeof text === 'string' ? [OUTCOME.VALUE, text] : [OUTCOME.FAILED];
}

/** A store without compare-and-set falls back to read-then-write, which is not atomic. */
async function setIfAbsent(storage, key, value, options) {
  if (typeof storage.setIfAbsent === 'function') {
    return (await storage.setIfAbsent(key, value, options)) ? OUTCOME.WRITTEN : OUTCOME.TAKEN;
  }
  if ((await storage.get(key)) !== undefined) return OUTCOME.TAKEN;
  await storage.set(key, value, options);
  return OUTCOME.WRITTEN;
}

async function batchSet(storage, payload) {
  const parts = payload.split(UNIT);
  const entries = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    entries.push({ key: parts[i], value: JSON.parse(parts[i + 1]) });
  }
  if (typeof storage.batchSet === 'function') {
    await storage.batchSet(entries);
    return;
  }
  const written = [];
  try {
    for (const { key, value } of entries) {
      await storage.set(key, value);
      written.push(key);
    }
  } catch (error) {
    // Undo the writes that landed, so that a batch reported as failed leaves nothing behind.
    const undo = (key) => Promise.resolve().then(() => storage.delete(key));
    await Promise.allSettled(written.map(undo));
    throw error;
  }
}

/** Whether a thrown value says the store is rate limiting. */
function rateLimited(error) {
  return error?.status === TOO_MANY_REQUESTS || error?.statusCode === TOO_MANY_REQUESTS;
}

/**
 * `R␟status␟assetId(␟name␟value)*␞body` → `{ statusCode, headers, body }`.
 * @param {string} step
 * @param {string} [splice] What a ␝ in the body stands for.
 */
export function toResponse(step, splice) {
  const split = step.indexOf(RECORD);
  const headers = { [CONTENT_TYPE]: [JSON_TYPE] };
  // `R␟ddd␟assetId`: the status is always three digits; extra headers follow the asset id.
  const afterId = step.indexOf(UNIT, STATUS_END + 1);
  if (afterId !== -1 && afterId < split) {
    const fields = step.slice(afterId + 1, split).split(UNIT);
    for (let i = 0; i + 1 < fields.length; i += 2) headers[fields[i]] = [fields[i + 1]];
  }
  let body = step.slice(split + 1);
  const at = splice === undefined ? -1 : body.indexOf(SPLICE);
  if (at !== -1) body = body.slice(0, at) + splice + body.slice(at + 1);
  return { statusCode: Number(step.slice(2, STATUS_END)), headers, body };
}

/**
 * The id of the asset a final step registered, or `undefined`, for log lines.
 * @param {string} step
 */
export function assetIdOf(step) {
  const start = step.indexOf(UNIT, 2) + 1;
  const end = step.indexOf(UNIT, start);
  const id = step.slice(start, end === -1 ? step.indexOf(RECORD) : end);
  return id === '' ? undefined : id;
}

/**
 * Used by the wasm export `handleWebtrigger`: drives a request and frees the webhook.
 * @param {object} webhook A wasm `Webhook`, made for this call.
 */
export async function driveWebhook(webhook, request, storage) {
  try {
    const ticket = {};
    const step = await run(webhook, request, storage, ticket);
    return toResponse(step, ticket.splice);
  } finally {
    webhook.free();
  }
}
