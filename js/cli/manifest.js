// A migration manifest: JSON lines, one asset object per line. Lines are numbered from 1 as in
// an editor; blank lines are skipped. Assets go out in batches, each with an idempotency key
// derived from the manifest's content and the batch's index, so running the same manifest
// again is answered from the first run instead of registering everything twice.

import { createHash } from 'node:crypto';

/** Prefix of the idempotency keys of manifest batches. */
const KEY_PREFIX = 'manifest';
/** Hex characters of the manifest's digest in a key. */
const DIGEST_CHARS = 40;

/**
 * @typedef {{ line: number, asset?: Record<string, unknown>, error?: string }} Entry
 * @typedef {{ index: number, key: string, entries: Entry[] }} Batch
 */

/**
 * Reads a manifest's text into entries: an asset, or the reason the line cannot be sent.
 * @param {string} text
 * @returns {Entry[]}
 */
export function parseManifest(text) {
  const entries = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = index === 0 ? raw.replace(/^\ufeff/, '') : raw;
    if (content.trim() === '') return;
    let value;
    try {
      value = JSON.parse(content);
    } catch {
      entries.push({ line, error: 'not valid JSON' });
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      entries.push({ line, error: 'not a JSON object' });
      return;
    }
    entries.push({ line, asset: value });
  });
  return entries;
}

/**
 * Groups the sendable entries into batches of at most `size`, each with its key.
 * @param {string} text the manifest, for the key
 * @param {Entry[]} entries
 * @param {number} size
 * @returns {Batch[]}
 */
export function batchesOf(text, entries, size) {
  const digest = createHash('sha256').update(text).digest('hex').slice(0, DIGEST_CHARS);
  const sendable = entries.filter((entry) => entry.asset);
  const batches = [];
  for (let start = 0; start < sendable.length; start += size) {
    const index = batches.length;
    batches.push({
      index,
      key: `${KEY_PREFIX}-${digest}-${index}`,
      entries: sendable.slice(start, start + size),
    });
  }
  return batches;
}
