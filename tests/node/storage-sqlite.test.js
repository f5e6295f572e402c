import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import Database from 'better-sqlite3';
import { sqliteStorage } from '../../js/storage/sqlite.js';
import { manualClock, storageConformance } from './helpers/storage-conformance.js';

const WRITER = fileURLToPath(new URL('./helpers/sqlite-writer.js', import.meta.url));
/** Acknowledged writes to see before the writer is killed. */
const KILL_AFTER_ACKS = 400;

const tempDir = () => mkdtempSync(join(tmpdir(), 'clarento-sqlite-'));

storageConformance('sqlite', async () => {
  const dir = tempDir();
  const clock = manualClock();
  const storage = sqliteStorage(join(dir, 'nested', 'assets.sqlite'), { now: clock.now });
  return {
    storage,
    clock,
    cleanup: () => {
      storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

it('sqlite keeps data across close and reopen, in WAL mode with synchronous=FULL', async () => {
  const dir = tempDir();
  const path = join(dir, 'assets.sqlite');
  try {
    const first = sqliteStorage(path);
    assert.deepEqual(first.settings(), { journalMode: 'wal', synchronous: 'FULL' });
    await first.set('asset:persist', { name: 'kept' });
    first.close();

    const inspect = new Database(path, { readonly: true });
    assert.equal(inspect.pragma('journal_mode', { simple: true }), 'wal');
    inspect.close();

    const second = sqliteStorage(path);
    assert.deepEqual(await second.get('asset:persist'), { name: 'kept' });
    second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('sqlite loses no acknowledged write when the writer is SIGKILLed mid-stream', async () => {
  const dir = tempDir();
  const path = join(dir, 'assets.sqlite');
  try {
    const acknowledged = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [WRITER, path], { stdio: ['ignore', 'pipe', 'pipe'] });
      const keys = [];
      let partial = '';
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      child.stdout.on('data', (chunk) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop();
        keys.push(...lines);
        if (keys.length >= KILL_AFTER_ACKS && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
        }
      });
      child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`writer exited ${code}: ${stderr}`));
        else resolve(keys);
      });
    });
    assert.ok(acknowledged.length >= KILL_AFTER_ACKS);

    const reopened = sqliteStorage(path);
    const missing = [];
    for (const key of acknowledged) {
      if ((await reopened.get(key)) === undefined) missing.push(key);
    }
    reopened.close();
    assert.deepEqual(missing, [], `${missing.length} acknowledged writes were lost`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
