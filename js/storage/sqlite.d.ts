import type { Storage } from '../index.js';

/** A store in one SQLite file (WAL, synchronous=FULL). */
export interface SqliteStorage extends Storage {
  readonly path: string;
  /** The durability settings in force, e.g. `{ journalMode: 'wal', synchronous: 'FULL' }`. */
  settings(): { journalMode: string; synchronous: string };
  close(): void;
}

/** Opens (creating when missing, unless `readonly`) the SQLite store at `path`. */
export declare function sqliteStorage(
  path: string,
  options?: { now?: () => number; readonly?: boolean },
): SqliteStorage;
