// A storage over the package's memory storage that records the key of every write (set,
// setIfAbsent, batchSet), so a suite can assert that a refused request stored nothing.

import { memoryStorage } from '../../../js/storage/memory.js';

/**
 * @returns {import('../../../js/index.js').Storage & {
 *   writes: string[], inner: ReturnType<typeof memoryStorage> }}
 */
export function spyStorage() {
  const inner = memoryStorage();
  const writes = [];
  return {
    writes,
    inner,
    get: (key) => inner.get(key),
    delete: (key) => inner.delete(key),
    list: (prefix, options) => inner.list(prefix, options),
    set(key, value, options) {
      writes.push(key);
      return inner.set(key, value, options);
    },
    setIfAbsent(key, value, options) {
      writes.push(key);
      return inner.setIfAbsent(key, value, options);
    },
    batchSet(entries) {
      writes.push(...entries.map((entry) => entry.key));
      return inner.batchSet(entries);
    },
  };
}
