// Prints the assets the local server has stored, oldest first (`npm run assets`).
//
//   node js/list-assets.js            one line per asset: id, uploadedAt, type, name, cdnUrl
//   node js/list-assets.js --json     one JSON object per line
//
// It reads DATA_DIR/assets.sqlite (default ./data) read-only, so it is safe while the server
// runs.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ASSET_PREFIX } from './assets-routes.js';
import { databasePath } from './local-paths.js';
import { MAX_LIST_LIMIT } from './storage/common.js';
import { sqliteStorage } from './storage/sqlite.js';

const COLUMNS = ['id', 'uploadedAt', 'type', 'name', 'cdnUrl'];

/**
 * Writes every stored asset to `out`, and returns how many there were.
 * @param {{ env?: Record<string, string | undefined>, json?: boolean,
 *   out?: (line: string) => void }} [options]
 * @returns {Promise<number>}
 */
export async function listAssets({
  env = process.env,
  json = false,
  out = (line) => process.stdout.write(`${line}\n`),
} = {}) {
  const path = databasePath(env);
  if (!existsSync(path)) {
    if (!json) out(`No assets stored yet (no database at ${path}).`);
    return 0;
  }
  const storage = sqliteStorage(path, { readonly: true });
  let count = 0;
  try {
    let cursor;
    do {
      const page = await storage.list(ASSET_PREFIX, { limit: MAX_LIST_LIMIT, cursor });
      for (const { value } of page.items) {
        out(json ? JSON.stringify(value) : COLUMNS.map((c) => value?.[c] ?? '-').join('\t'));
        count += 1;
      }
      cursor = page.cursor;
    } while (cursor);
  } finally {
    storage.close();
  }
  if (!json) out(`${count} asset${count === 1 ? '' : 's'} in ${path}`);
  return count;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  listAssets({ json: process.argv.includes('--json') }).catch((error) => {
    process.stderr.write(`could not list assets: ${error?.message ?? error}\n`);
    process.exit(1);
  });
}
