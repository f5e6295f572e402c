// The package's entry for Forge and other bundles: the wasm is inlined as base64, so no file
// is read at run time and a bundler that rewrites paths (Forge's does) cannot break loading.
// Plain Node uses js/index.js, which reads the .wasm from disk and starts about 3 ms sooner.

import * as glue from './pkg/clarento_webhook.js';
import wasmBase64 from './pkg/wasm-inline.js';
import { makeCreateHandler } from './core.js';

export { DEFAULT_DEADLINE_MS } from './core.js';
export { memoryStorage } from './storage/memory.js';

/** Decodes the inlined module: natively where Node's Buffer exists, else through `atob`. */
function inlinedModule() {
  if (typeof Buffer === 'function') {
    return new WebAssembly.Module(Buffer.from(wasmBase64, 'base64'));
  }
  const text = atob(wasmBase64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
  return new WebAssembly.Module(bytes);
}

/**
 * Creates a webhook handler. The wasm is compiled and instantiated once per process.
 * @type {(options: import('./index.js').HandlerOptions)
 *   => Promise<(request: import('./index.js').WebTriggerRequest)
 *   => Promise<import('./index.js').WebTriggerResponse>>}
 */
export const createHandler = makeCreateHandler(glue, inlinedModule);
