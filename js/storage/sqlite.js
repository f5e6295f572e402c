// The local server's embedded store: one SQLite file through better-sqlite3, in WAL mode with
// synchronous=FULL so that a write acknowledged before the process dies is still there.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { assertKey, expiryFor, listOptions, toJson } from './common.js';

/** How long a writer waits for another connection's lock before giving up. */
const BUSY_TIMEOUT_MS = 5000;
/** Expired rows are swept after this many writes (and once at open). */
const WRITES_BETWEEN_SWEEPS = 500;
/** SQLite's names for the values of PRAGMA synchronous. */
const SYNCHRONOUS_NAMES = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];
/** The path better-sqlite3 reads as a private in-memory database. */
const IN_MEMORY_PATH = ':memory:';

/** The statements a read-only store prepares. */
const READ_STATEMENTS = new Set(['get', 'list']);

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS kv (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    expires_at INTEGER
  ) WITHOUT ROWID`;

const SQL = {
  get: 'SELECT value FROM kv WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)',
  set: `INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
  // Replaces a row only when it has expired, so the insert and the check are one statement.
  setIfAbsent: `INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
        WHERE kv.expires_at IS NOT NULL AND kv.expires_at <= ?`,
  delete: 'DELETE FROM kv WHERE key = ?',
  list: `SELECT key, value FROM kv
        WHERE substr(key, 1, length(@prefix)) = @prefix AND key > @after
          AND (expires_at IS NULL OR expires_at > @now)
        ORDER BY key LIMIT @limit`,
  sweep: 'DELETE FROM kv WHERE expires_at IS NOT NULL AND expires_at <= ?',
};

/**
 * @typedef {import('../index.js').Storage} Storage
 * @typedef {Storage & {
 *   path: string,
 *   close(): void,
 *   settings(): { journalMode: string, synchronous: string },
 * }} SqliteStorage
 */

/**
 * A store in the SQLite file at `path` (created, with its folder, when missing).
 * @param {string} path
 * @param {{ now?: () => number, readonly?: boolean }} [options] `now` replaces the clock
 *   (milliseconds), for tests; `readonly` opens an existing file for reading only.
 * @returns {SqliteStorage}
 */
export function sqliteStorage(path, { now = Date.now, readonly = false } = {}) {
  if (!readonly && path !== IN_MEMORY_PATH) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { readonly, fileMustExist: readonly });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA);
  }

  const refuseWrite = {
    run() {
      throw new Error(`the sqlite store at ${path} was opened read-only`);
    },
  };
  const statements = Object.fromEntries(Object.entries(SQL).map(([name, sql]) => [
    name,
    readonly && !READ_STATEMENTS.has(name) ? refuseWrite : db.prepare(sql),
  ]));
  if (!readonly) statements.sweep.run(now());

  let writesSinceSweep = 0;
  const wrote = () => {
    writesSinceSweep += 1;
    if (writesSinceSweep >= WRITES_BETWEEN_SWEEPS) {
      writesSinceSweep = 0;
      statements.sweep.run(now());
    }
  };

  const row = (key, value, ttlSeconds) => {
    assertKey(key);
    return [key, toJson(value), expiryFor(ttlSeconds, now())];
  };

  const writeAll = db.transaction((rows) => {
    for (const args of rows) statements.set.run(...args);
  });

  return {
    path,
    async get(key) {
      const found = statements.get.get(key, now());
      return found ? JSON.parse(found.value) : undefined;
    },
    async set(key, value, options = {}) {
      statements.set.run(...row(key, value, options.ttlSeconds));
      wrote();
    },
    async delete(key) {
      statements.delete.run(key);
    },
    async setIfAbsent(key, value, options = {}) {
      const { changes } = statements.setIfAbsent.run(...row(key, value, options.ttlSeconds), now());
      wrote();
      return changes === 1;
    },
    async batchSet(items) {
      writeAll(items.map(({ key, value, ttlSeconds }) => row(key, value, ttlSeconds)));
      wrote();
    },
    async list(prefix, options) {
      const { limit, cursor } = listOptions(options);
      const after = cursor ?? '';
      const rows = statements.list.all({ prefix, after, now: now(), limit: limit + 1 });
      const page = rows.slice(0, limit).map((r) => ({ key: r.key, value: JSON.parse(r.value) }));
      const more = rows.length > limit;
      return { items: page, cursor: more ? page[page.length - 1].key : undefined };
    },
    /** The durability settings in force on this connection. */
    settings() {
      return {
        journalMode: db.pragma('journal_mode', { simple: true }),
        synchronous: SYNCHRONOUS_NAMES[db.pragma('synchronous', { simple: true })],
      };
    },
    close() {
      if (db.open) db.close();
    },
  };
}
