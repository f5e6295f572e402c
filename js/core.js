// The host-independent shim around the WebAssembly handler: it initialises the module once,
// turns the compact answer of the wasm edge into the host's response object, holds every
// request to a deadline, and recovers from a trapped instance.

/** Default time a request may take, well under Forge's 55 s limit for a web trigger. */
export const DEFAULT_DEADLINE_MS = 10_000;
/** Seconds a caller is asked to wait after a timeout. */
const RETRY_AFTER_SECONDS = '5';
/** Header names of the responses the shim itself writes. */
const CONTENT_TYPE = 'Content-Type';
const JSON_TYPE = 'application/json';
/** Bodies of the answers the shim writes itself, when the wasm could not answer. */
const INTERNAL_ERROR_BODY = JSON.stringify({
  error: 'Internal error: the asset was not registered',
});
const TIMEOUT_BODY = JSON.stringify({
  error: 'Storage did not answer in time: the asset may not have been registered; '
    + 'retry with the same Idempotency-Key',
});
/** Marks a deadline that passed. */
const TIMED_OUT = Symbol('timed out');

/**
 * Builds `createHandler` for one wasm-bindgen glue module and one way to get the compiled
 * module (inlined bytes in Node and bundles, a module import in workerd).
 * @param {object} glue The wasm-bindgen `web` target module.
 * @param {() => WebAssembly.Module | BufferSource} loadModule Returns the module or its bytes.
 */
export function makeCreateHandler(glue, loadModule) {
  let initialised = false;
  // Bumped on every reset: objects made by an older instance must be made again.
  let generation = 0;

  const init = () => {
    if (initialised) return;
    glue.initSync({ module: loadModule() });
    initialised = true;
  };

  const reset = () => {
    glue.__wbg_reset_state();
    generation += 1;
  };

  /**
   * @param {import('./index.js').HandlerOptions} options
   * @returns {Promise<(request: import('./index.js').WebTriggerRequest)
   *   => Promise<import('./index.js').WebTriggerResponse>>}
   */
  return async function createHandler(options = {}) {
    const { storage, log } = options;
    for (const method of ['get', 'set', 'delete']) {
      if (typeof storage?.[method] !== 'function') {
        throw new TypeError(`createHandler: storage.${method} must be a function`);
      }
    }
    const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    const config = {
      secret: options.secret ?? '',
      previousSecret: options.previousSecret ?? '',
      signingSecret: options.signingSecret ?? '',
      requireSignature: Boolean(options.requireSignature),
    };
    init();
    let webhook = new glue.Webhook(config);
    let madeIn = generation;

    const answer = async (request) => {
      if (madeIn !== generation) {
        webhook = new glue.Webhook(config);
        madeIn = generation;
      }
      try {
        const compact = await withDeadline(webhook.handle(request, storage), deadlineMs);
        return compact === TIMED_OUT ? timeoutResponse() : fromCompact(compact);
      } catch (error) {
        // A trap leaves the instance in an unknown state: start a fresh one for the next call.
        if (error instanceof WebAssembly.RuntimeError) reset();
        return internalError();
      }
    };

    if (typeof log !== 'function') return answer;
    return async (request) => {
      const started = performance.now();
      const response = await answer(request);
      log({
        time: new Date().toISOString(),
        requestId: crypto.randomUUID(),
        method: request?.method,
        statusCode: response.statusCode,
        assetId: response.assetId,
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      });
      return response;
    };
  };
}

/** Resolves to the promise's value, or to TIMED_OUT once `ms` have passed. */
function withDeadline(promise, ms) {
  let timer;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(resolve, ms, TIMED_OUT);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** `[statusCode, body, assetId, name, value, …]` → the web trigger response. */
function fromCompact(compact) {
  const headers = { [CONTENT_TYPE]: [JSON_TYPE] };
  for (let i = 3; i < compact.length; i += 2) headers[compact[i]] = [compact[i + 1]];
  const response = { statusCode: compact[0], headers, body: compact[1] };
  if (compact[2] !== undefined) hideAssetId(response, compact[2]);
  return response;
}

/** The asset id rides along for log lines without becoming part of the serialised answer. */
function hideAssetId(response, assetId) {
  Object.defineProperty(response, 'assetId', { value: assetId, enumerable: false });
}

function internalError() {
  return { statusCode: 500, headers: { [CONTENT_TYPE]: [JSON_TYPE] }, body: INTERNAL_ERROR_BODY };
}

function timeoutResponse() {
  return {
    statusCode: 503,
    headers: { [CONTENT_TYPE]: [JSON_TYPE], 'Retry-After': [RETRY_AFTER_SECONDS] },
    body: TIMEOUT_BODY,
  };
}
