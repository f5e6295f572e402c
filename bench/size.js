// Size: what ships, raw and gzipped at zlib's level 9. The JS glue is every module that
// `js/index.js` imports, followed file by file, so a new glue module is counted without
// editing this list; the inlined wasm and the storage adapters are reported apart.

import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PROJECT_ENTRY, REPO_ROOT } from './contestants.js';

/** zlib's strongest level, as `gzip -9`. */
const GZIP_LEVEL = 9;
/** The compiled module that ships. */
export const WASM_FILE = 'js/pkg/clarento_webhook_bg.wasm';
/** What bundles (Forge's) load instead of the `.wasm`: the wasm inlined as base64. */
const INLINE_FILE = 'js/pkg/wasm-inline.js';
/** Storage adapters that `js/index.js` re-exports: shipped, but not glue. */
const STORAGE_DIR = 'js/storage/';
/**
 * Relative specifiers of static imports and re-exports, at the start of a line so that JSDoc
 * types such as `import('./index.js').X` are not taken for modules.
 */
const IMPORT_PATTERN = /^\s*(?:import|export)\b[^;'"]*?['"](\.{1,2}\/[^'"]+)['"]/gm;

/**
 * @typedef {{ file: string, raw: number, gzip: number }} SizeRow
 */

/** @returns {SizeRow} */
function measure(file, label = file) {
  const bytes = readFileSync(resolve(REPO_ROOT, file));
  return { file: label, raw: bytes.length, gzip: gzipSync(bytes, { level: GZIP_LEVEL }).length };
}

/** Every file, total raw, and gzipped as one stream (as a bundle would be). */
function total(files, label) {
  const bytes = Buffer.concat(files.map((file) => readFileSync(resolve(REPO_ROOT, file))));
  return { file: label, raw: bytes.length, gzip: gzipSync(bytes, { level: GZIP_LEVEL }).length };
}

/**
 * The repository-relative paths of the modules `entry` loads, itself first, depth first.
 * @param {string} entry An absolute path.
 */
export function moduleGraph(entry) {
  const seen = new Set();
  const visit = (path) => {
    if (seen.has(path)) return;
    seen.add(path);
    const source = readFileSync(path, 'utf8');
    for (const match of source.matchAll(IMPORT_PATTERN)) visit(resolve(dirname(path), match[1]));
  };
  visit(entry);
  return [...seen].map((path) => relative(REPO_ROOT, path));
}

/**
 * Runs the size section, with the peer's source for comparison.
 * @param {string} peer The peer's module path.
 */
export function runSize(peer) {
  const loaded = moduleGraph(PROJECT_ENTRY).filter((file) => file !== INLINE_FILE);
  const glueFiles = loaded.filter((file) => !file.startsWith(STORAGE_DIR));
  const storageFiles = loaded.filter((file) => file.startsWith(STORAGE_DIR));
  return {
    wasm: measure(WASM_FILE),
    glue: glueFiles.map((file) => measure(file)),
    glueTotal: total(glueFiles, 'JS glue, total'),
    storage: storageFiles.length ? total(storageFiles, storageFiles.join(', ')) : null,
    inline: measure(INLINE_FILE),
    peer: measure(relative(REPO_ROOT, peer), 'peer handler.mjs'),
  };
}
