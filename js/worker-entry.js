// The package's entry for workerd and other edge runtimes that refuse to compile wasm from
// bytes at run time: the module arrives precompiled through a `.wasm` import (wrangler's and
// workerd's CompiledWasm rule). Same exports as js/index.js.

import * as glue from './pkg/clarento_webhook.js';
import wasmModule from './pkg/clarento_webhook_bg.wasm';
import { makeCreateHandler } from './core.js';

export { DEFAULT_DEADLINE_MS } from './core.js';
export { memoryStorage } from './storage/memory.js';

/**
 * Creates a webhook handler from the precompiled module. Instantiated once per isolate.
 * @type {(options: import('./index.js').HandlerOptions)
 *   => Promise<(request: import('./index.js').WebTriggerRequest)
 *   => Promise<import('./index.js').WebTriggerResponse>>}
 */
export const createHandler = makeCreateHandler(glue, () => wasmModule);
