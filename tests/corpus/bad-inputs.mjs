// Reads tests/corpus/bad-inputs.json and expands its long-string templates, so tests get the
// requests exactly as a host would pass them.

import { readFileSync } from 'node:fs';

const FILE = new URL('./bad-inputs.json', import.meta.url);

/**
 * @typedef {{ statusCode: number, error?: string, headers?: Record<string, string[]>,
 *   asset?: Record<string, unknown> }} Expectation
 * @typedef {{ group: string, name: string, request: unknown, expect: Expectation }} BadInput
 * @typedef {{ secret: string, previousSecret: string, signingSecret: string }} CorpusConfig
 */

/**
 * The corpus: the handler configuration it was written for, and its cases.
 * @returns {{ config: CorpusConfig, cases: BadInput[] }}
 */
export function loadBadInputs() {
  const document = expand(JSON.parse(readFileSync(FILE, 'utf8')));
  return { config: document.config, cases: document.cases };
}

/**
 * Replaces every `{ "$concat": [parts] }` and `{ "$repeat": text, "times": n }` by the string
 * it stands for. Other objects are copied with their own keys, `__proto__` included.
 * @param {unknown} value
 * @returns {unknown}
 */
export function expand(value) {
  if (Array.isArray(value)) return value.map(expand);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === '$concat') return value.$concat.map(expand).join('');
  if (keys.length === 2 && '$repeat' in value && 'times' in value) {
    return expand(value.$repeat).repeat(value.times);
  }
  const out = {};
  for (const key of keys) {
    Object.defineProperty(out, key, {
      value: expand(value[key]), enumerable: true, writable: true, configurable: true,
    });
  }
  return out;
}
