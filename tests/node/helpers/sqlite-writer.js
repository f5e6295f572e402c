// Child process for the durability test: writes to a SQLite store as fast as it can and prints
// each key on stdout only after the write has resolved, until it is killed.

import { sqliteStorage } from '../../../js/storage/sqlite.js';

const BATCH = 5;
const storage = sqliteStorage(process.argv[2]);
const say = (line) => new Promise((resolve) => process.stdout.write(`${line}\n`, resolve));

for (let n = 0; ; n += 1) {
  const key = `asset:${String(n).padStart(8, '0')}`;
  const value = { n, payload: 'x'.repeat(512) };
  if (n % 3 === 0) {
    await storage.set(key, value);
    await say(key);
  } else if (n % 3 === 1) {
    await storage.setIfAbsent(key, value, { ttlSeconds: 86400 });
    await say(key);
  } else {
    const entries = Array.from({ length: BATCH }, (_, i) => ({
      key: `${key}-${i}`,
      value: { n, i },
    }));
    await storage.batchSet(entries);
    for (const { key: written } of entries) await say(written);
  }
}
