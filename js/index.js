// The package's entry for Node: the .wasm is read from beside this file and compiled in the
// background. Bundles (Forge's included) use js/inline.js, which carries the bytes inlined;
// workerd uses js/worker-entry.js.

import { readFileSync } from 'node:fs';
import * as glue from './pkg/clarento_webhook.js';
import { makeCreateHandler } from './core.js';

export { DEFAULT_DEADLINE_MS } from './core.js';
export { memoryStorage } from './storage/memory.js';

/** The module wasm-bindgen wrote, beside its glue. */
const WASM_FILE = new URL('./pkg/clarento_webhook_bg.wasm', import.meta.url);

/**
 * Starts compiling the module off the main thread. Meanwhile the host's random source, which
 * the module asks for on its first request and which Node loads on first use (a few ms), is
 * made ready, so that the two overlap instead of adding up.
 * @returns {Promise<WebAssembly.Module>}
 */
function compileModule() {
  const compiling = WebAssembly.compile(readFileSync(WASM_FILE));
  globalThis.crypto?.getRandomValues(new Uint8Array(1));
  return compiling;
}

/**
 * Creates a webhook handler. The wasm is compiled and instantiated once per process.
 * @type {(options: import('./index.js').HandlerOptions)
 *   => Promise<(request: import('./index.js').WebTriggerRequest)
 *   => Promise<import('./index.js').WebTriggerResponse>>}
 */
export const createHandler = makeCreateHandler(glue, compileModule);
