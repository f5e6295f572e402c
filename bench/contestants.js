// The three contestants: this project's handler, the plain-JavaScript peer and the floor.
// Each is created the same way, `await create({ secret, storage })`, and answers
// `await handle(request)` with `{ statusCode, headers, body }`.

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository's root folder. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** This project's entry for Node. */
export const PROJECT_ENTRY = resolve(REPO_ROOT, 'js', 'index.js');
/** The wasm-bindgen glue that `js/index.js` loads; the same module instance when imported. */
export const PROJECT_GLUE = resolve(REPO_ROOT, 'js', 'pkg', 'clarento_webhook.js');
/** Where the peer lives when `PEER_HANDLER` is not set. */
const DEFAULT_PEER = resolve(REPO_ROOT, '..', 'shared', 'peers', 'plain-js', 'handler.mjs');
/** The floor's module, shaped like a handler module. */
export const FLOOR_ENTRY = resolve(REPO_ROOT, 'bench', 'floor.js');
/** The order contestants are reported in. */
export const CONTESTANT_IDS = ['project', 'peer', 'floor'];
/** Column titles. */
export const CONTESTANT_LABELS = { project: 'this project', peer: 'peer', floor: 'floor' };

/**
 * The peer's handler module: `PEER_HANDLER`, else beside the repository in `../shared`.
 * Exits with a clear message when it is not there.
 * @returns {string} An absolute path.
 */
export function peerPath() {
  const path = process.env.PEER_HANDLER ? resolve(process.env.PEER_HANDLER) : DEFAULT_PEER;
  if (!existsSync(path)) {
    const how = process.env.PEER_HANDLER ? 'PEER_HANDLER points to' : 'expected the peer at';
    console.error(`bench: ${how} ${path}, which does not exist.`);
    console.error('bench: set PEER_HANDLER to the plain-JS handler.mjs to compare against.');
    process.exit(1);
  }
  return path;
}

/**
 * The module a contestant is imported from.
 * @param {string} id One of {@link CONTESTANT_IDS}.
 * @param {string} peer The peer's module path.
 */
export function entryOf(id, peer) {
  return { project: PROJECT_ENTRY, peer, floor: FLOOR_ENTRY }[id];
}

/**
 * Imports one contestant's factory.
 * @param {string} id One of {@link CONTESTANT_IDS}.
 * @param {string} peer The peer's module path.
 * @returns {Promise<(options: object) => Promise<Function>>}
 */
export async function loadFactory(id, peer) {
  const { createHandler } = await import(pathToFileURL(entryOf(id, peer)).href);
  // The peer and the floor return their handler directly, this project a promise of it.
  return async (options) => createHandler(options);
}

/**
 * Every contestant's factory, by id.
 * @param {string} peer The peer's module path.
 */
export async function loadFactories(peer) {
  const entries = await Promise.all(
    CONTESTANT_IDS.map(async (id) => [id, await loadFactory(id, peer)]),
  );
  return Object.fromEntries(entries);
}

/**
 * The project's wasm linear memory in bytes. `initSync` of the wasm-bindgen glue returns the
 * live instance's exports once `createHandler` has initialised it (and after a reset, the
 * new instance's), so nothing needs exporting from `js/`.
 */
export async function projectWasmMemoryBytes() {
  const glue = await import(pathToFileURL(PROJECT_GLUE).href);
  return glue.initSync().memory.buffer.byteLength;
}
