import assert from 'node:assert/strict';
import { it } from 'node:test';
import { memoryStorage } from '../../js/storage/memory.js';
import { manualClock, storageConformance } from './helpers/storage-conformance.js';

storageConformance('memory', async () => {
  const clock = manualClock();
  return { storage: memoryStorage({ now: clock.now }), clock };
});

it('memory stores are independent of each other', async () => {
  const one = memoryStorage();
  const two = memoryStorage();
  await one.set('asset:x', { a: 1 });
  assert.equal(await two.get('asset:x'), undefined);
});
