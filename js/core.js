// The host-independent shim around the WebAssembly handler: it initialises the module once,
// holds every request to a deadline, and recovers from a trapped instance. The storage
// calls themselves are made by ./driver.js.

import { assetIdOf, run, toResponse } from './driver.js';

/** Default time a request may take, well under Forge's 55 s limit for a web trigger. */
export const DEFAULT_DEADLINE_MS = 10_000;
/** The watchdog looks at requests in flight this many times per deadline... */
const SWEEPS_PER_DEADLINE = 10;
/** ...but not more often than this, nor less often than that. */
const MIN_SWEEP_MS = 5;
const MAX_SWEEP_MS = 1000;
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
/** A request whose storage never answers is forgotten this long after its deadline. */
const ABANDON_AFTER_MS = 60_000;
/** Longest method name copied into a log line. */
const MAX_LOGGED_METHOD = 16;

/**
 * Builds `createHandler` for one wasm-bindgen glue module and one way to get the compiled
 * module (compiled from the file in Node, inlined bytes in bundles, a module import in workerd).
 * @param {object} glue The wasm-bindgen `web` target module.
 * @param {() => WebAssembly.Module | BufferSource | Promise<WebAssembly.Module>} loadModule
 *   Returns the module, its bytes, or a promise of the module; called once.
 */
export function makeCreateHandler(glue, loadModule) {
  // Bumped on every reset: objects made by an older instance must be made again.
  let generation = 0;

  /** @type {Promise<void> | undefined} */
  let initialising;
  const init = () => {
    initialising ??= Promise.resolve()
      .then(loadModule)
      .then((module) => {
        glue.initSync({ module });
      })
      .catch((error) => {
        // A module that failed to load is tried again by the next createHandler.
        initialising = undefined;
        throw error;
      });
    return initialising;
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
    await init();
    let webhook = new glue.Webhook(config);
    let madeIn = generation;

    const watchdog = new Watchdog();

    // `note`, when given, receives the registered asset's id, for the log line.
    const answer = (request, note) => new Promise((resolve) => {
      if (madeIn !== generation) {
        webhook = new glue.Webhook(config);
        madeIn = generation;
      }
      const current = webhook;
      const ticket = watchdog.watch(deadlineMs, resolve, () => {
        // The storage call is left to finish, so that a write which lands late still records
        // its idempotency key; a call that never answers is forgotten after a while.
        watchdog.later(ABANDON_AFTER_MS, () => {
          if (ticket.exchange !== undefined) current.abandon(ticket.exchange);
        });
        return timeoutResponse();
      });
      run(current, request, storage, ticket).then(
        (step) => {
          if (note) note.assetId = assetIdOf(step);
          watchdog.settle(ticket, toResponse(step, ticket.splice));
        },
        (error) => {
          // A trap leaves the instance in an unknown state: start a fresh one for the next call.
          if (error instanceof WebAssembly.RuntimeError) reset();
          watchdog.settle(ticket, internalError());
        },
      );
    });

    if (typeof log !== 'function') return answer;
    return async (request) => {
      const started = performance.now();
      const note = { assetId: undefined };
      const response = await answer(request, note);
      log({
        time: new Date().toISOString(),
        requestId: crypto.randomUUID(),
        method: typeof request?.method === 'string'
          ? request.method.slice(0, MAX_LOGGED_METHOD) : undefined,
        statusCode: response.statusCode,
        assetId: note.assetId,
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      });
      return response;
    };
  };
}

/**
 * Holds requests to their deadlines with one interval timer for all of them, rather than a
 * timer per request: a per-request timer costs more than the rest of the shim together.
 * A deadline may pass up to a tenth of itself late.
 */
class Watchdog {
  constructor() {
    /** @type {Set<{ due: number, resolve: Function, onTimeout: Function, settled: boolean }>} */
    this.tickets = new Set();
    /** @type {Array<{ due: number, action: Function }>} */
    this.chores = [];
    this.timer = null;
    this.periodMs = Infinity;
  }

  /** Watches one request; `onTimeout` returns the answer to give when it runs late. */
  watch(deadlineMs, resolve, onTimeout) {
    // `exchange` and `splice` are the driver's (see `run`); declared here for one shape.
    const ticket = {
      due: performance.now() + deadlineMs,
      resolve,
      onTimeout,
      settled: false,
      exchange: undefined,
      splice: undefined,
    };
    this.tickets.add(ticket);
    this.arm(deadlineMs);
    return ticket;
  }

  /** Answers a request, once. */
  settle(ticket, response) {
    if (ticket.settled) return;
    ticket.settled = true;
    this.tickets.delete(ticket);
    // Idle, the timer must not keep a process alive; it is kept for the next request.
    if (this.tickets.size === 0) this.timer?.unref?.();
    ticket.resolve(response);
  }

  /** Runs `action` after `delayMs`, on the same timer. */
  later(delayMs, action) {
    this.chores.push({ due: performance.now() + delayMs, action });
    this.arm(delayMs);
  }

  arm(windowMs) {
    const periodMs = Math.min(MAX_SWEEP_MS, Math.max(MIN_SWEEP_MS, windowMs / SWEEPS_PER_DEADLINE));
    if (this.timer !== null && periodMs >= this.periodMs) {
      // A request in flight keeps the process alive, as a pending timer would.
      if (this.tickets.size > 0) this.timer.ref?.();
      return;
    }
    if (this.timer !== null) clearInterval(this.timer);
    this.periodMs = periodMs;
    this.timer = setInterval(() => this.sweep(), periodMs);
  }

  sweep() {
    const now = performance.now();
    for (const ticket of this.tickets) {
      if (ticket.due <= now) this.settle(ticket, ticket.onTimeout());
    }
    const due = this.chores.filter((chore) => chore.due <= now);
    this.chores = this.chores.filter((chore) => chore.due > now);
    for (const chore of due) chore.action();
    if (this.tickets.size === 0 && this.chores.length === 0) {
      clearInterval(this.timer);
      this.timer = null;
      this.periodMs = Infinity;
    } else if (this.tickets.size === 0) {
      // Only clean-up is left: it must not keep a process alive on its own.
      this.timer.unref?.();
    }
  }
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
