// Where the local server and the listing command keep their data.

import { join, resolve } from 'node:path';

/** The data folder, relative to the working directory, when DATA_DIR is unset. */
export const DEFAULT_DATA_DIR = 'data';
/** The SQLite file inside the data folder. */
export const DB_FILE = 'assets.sqlite';

/**
 * The database path for an environment (DATA_DIR overrides the folder).
 * @param {Record<string, string | undefined>} env
 * @returns {string}
 */
export function databasePath(env) {
  return join(resolve(env.DATA_DIR || DEFAULT_DATA_DIR), DB_FILE);
}
