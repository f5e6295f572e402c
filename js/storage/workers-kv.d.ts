import type { Storage } from '../index.js';

export declare const MIN_TTL_SECONDS: number;

/** The part of a Workers KV namespace binding the adapter uses. */
export interface KvNamespaceLike {
  get(key: string, type: 'json'): Promise<unknown>;
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
  delete(key: string): Promise<void>;
  list(options: { prefix?: string; limit?: number; cursor?: string }): Promise<{
    keys: Array<{ name: string }>;
    list_complete: boolean;
    cursor?: string;
  }>;
}

/** A store in a Workers KV namespace (eventually consistent; no compare-and-set). */
export declare function workersKvStorage(namespace: KvNamespaceLike): Storage;
