// The behaviour every storage adapter promises, as one suite each adapter's test file runs.

import assert from 'node:assert/strict';
import { describe, it, beforeEach, afterEach } from 'node:test';

const DAY_SECONDS = 24 * 60 * 60;
const MS = 1000;
/** More than one Forge KVS batch (25), so chunking is exercised. */
const BATCH_SIZE = 60;
const CONCURRENT_CLAIMS = 20;

/** A clock tests can move forward. */
export function manualClock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  return {
    now: () => now,
    advance(ms) {
      now += ms;
    },
  };
}

/**
 * @typedef {{
 *   storage: import('../../../js/index.js').Storage,
 *   clock?: { advance(ms: number): void },
 *   cleanup?: () => Promise<void> | void,
 * }} Fixture
 * @typedef {{ atomicSetIfAbsent?: boolean }} Capabilities
 */

/**
 * Defines the conformance suite for one adapter.
 * @param {string} name
 * @param {() => Promise<Fixture>} setup a fresh, empty store per test.
 * @param {Capabilities} [capabilities]
 */
export function storageConformance(name, setup, { atomicSetIfAbsent = true } = {}) {
  describe(`${name} storage conformance`, () => {
    /** @type {Fixture} */
    let fx;
    beforeEach(async () => {
      fx = await setup();
    });
    afterEach(async () => {
      await fx.cleanup?.();
    });

    it('answers undefined for a key never written', async () => {
      assert.equal(await fx.storage.get('asset:missing'), undefined);
    });

    it('returns what was set, and a later set replaces it', async () => {
      const value = { id: 'asset_1', tags: ['a', 'ü'], nested: { n: 1, ok: true, none: null } };
      await fx.storage.set('asset:asset_1', value);
      assert.deepEqual(await fx.storage.get('asset:asset_1'), value);
      await fx.storage.set('asset:asset_1', { id: 'asset_1', name: 'second' });
      assert.deepEqual(await fx.storage.get('asset:asset_1'), { id: 'asset_1', name: 'second' });
    });

    it('keeps its own copy: mutating what went in or came out changes nothing', async () => {
      const value = { tags: ['x'] };
      await fx.storage.set('asset:copy', value);
      value.tags.push('changed-after-set');
      const read = await fx.storage.get('asset:copy');
      read.tags.push('changed-after-get');
      assert.deepEqual(await fx.storage.get('asset:copy'), { tags: ['x'] });
    });

    it('deletes a key, and deleting a missing key succeeds', async () => {
      await fx.storage.set('asset:gone', { a: 1 });
      await fx.storage.delete('asset:gone');
      assert.equal(await fx.storage.get('asset:gone'), undefined);
      await fx.storage.delete('asset:never-there');
    });

    it('setIfAbsent writes once and refuses while the key exists', async () => {
      assert.equal(await fx.storage.setIfAbsent('idem:k1', { n: 1 }, { ttlSeconds: DAY_SECONDS }),
        true);
      assert.equal(await fx.storage.setIfAbsent('idem:k1', { n: 2 }, { ttlSeconds: DAY_SECONDS }),
        false);
      assert.deepEqual(await fx.storage.get('idem:k1'), { n: 1 });
      await fx.storage.delete('idem:k1');
      assert.equal(await fx.storage.setIfAbsent('idem:k1', { n: 3 }), true);
      assert.deepEqual(await fx.storage.get('idem:k1'), { n: 3 });
    });

    it('batchSet writes every entry, each with its own TTL', async () => {
      const entries = Array.from({ length: BATCH_SIZE }, (_, i) => ({
        key: `asset:b${String(i).padStart(3, '0')}`,
        value: { i },
        ...(i % 2 ? { ttlSeconds: DAY_SECONDS } : {}),
      }));
      await fx.storage.batchSet(entries);
      for (const { key, value } of entries) {
        assert.deepEqual(await fx.storage.get(key), value, key);
      }
    });

    it('lists one prefix in ascending key order, page by page, each item once', async () => {
      const keys = ['asset:c', 'asset:a', 'asset:e', 'asset:b', 'asset:d'];
      for (const key of keys) await fx.storage.set(key, { key });
      await fx.storage.set('idem:zzz', { other: true });
      await fx.storage.set('assets-other', { other: true });

      const seen = [];
      let cursor;
      let pages = 0;
      do {
        const page = await fx.storage.list('asset:', { limit: 2, cursor });
        assert.ok(page.items.length <= 2, 'a page never exceeds its limit');
        for (const item of page.items) {
          assert.deepEqual(item.value, { key: item.key });
          seen.push(item.key);
        }
        cursor = page.cursor;
        pages += 1;
        assert.ok(pages <= keys.length + 1, 'paging terminates');
      } while (cursor);
      assert.deepEqual(seen, [...keys].sort());

      const all = await fx.storage.list('asset:');
      assert.deepEqual(all.items.map((i) => i.key), [...keys].sort());
      assert.equal(all.cursor, undefined);
      assert.deepEqual((await fx.storage.list('nothing:')).items, []);
    });

    it('rejects a value JSON cannot hold', async () => {
      await assert.rejects(fx.storage.set('asset:bad', undefined));
    });

    if (atomicSetIfAbsent) {
      it('setIfAbsent lets exactly one of many concurrent claims win', async () => {
        const claims = Array.from({ length: CONCURRENT_CLAIMS }, (_, i) =>
          fx.storage.setIfAbsent('idem:race', { winner: i }, { ttlSeconds: DAY_SECONDS }));
        const results = await Promise.all(claims);
        assert.equal(results.filter(Boolean).length, 1);
        const stored = await fx.storage.get('idem:race');
        assert.equal(results[stored.winner], true, 'the stored value is the winner\'s');
      });
    }

    describe('expiry', () => {
      it('forgets a key after its TTL and lets setIfAbsent claim it again', async (t) => {
        if (!fx.clock) return t.skip('this store\'s clock cannot be moved from a test');
        await fx.storage.setIfAbsent('idem:ttl', { first: true }, { ttlSeconds: DAY_SECONDS });
        await fx.storage.set('asset:ttl', { v: 1 }, { ttlSeconds: DAY_SECONDS });
        fx.clock.advance((DAY_SECONDS - 1) * MS);
        assert.deepEqual(await fx.storage.get('idem:ttl'), { first: true });
        assert.equal(await fx.storage.setIfAbsent('idem:ttl', { second: true }), false);
        fx.clock.advance(2 * MS);
        assert.equal(await fx.storage.get('idem:ttl'), undefined);
        assert.equal(await fx.storage.get('asset:ttl'), undefined);
        assert.deepEqual((await fx.storage.list('asset:')).items, []);
        assert.equal(await fx.storage.setIfAbsent('idem:ttl', { second: true }), true);
        assert.deepEqual(await fx.storage.get('idem:ttl'), { second: true });
      });

      it('a set without TTL makes a key permanent again', async (t) => {
        if (!fx.clock) return t.skip('this store\'s clock cannot be moved from a test');
        await fx.storage.set('asset:keep', { v: 1 }, { ttlSeconds: 60 });
        await fx.storage.set('asset:keep', { v: 2 });
        fx.clock.advance(DAY_SECONDS * MS);
        assert.deepEqual(await fx.storage.get('asset:keep'), { v: 2 });
      });
    });
  });
}
