import type { Storage } from '../index.js';

export declare const MAX_KEY_LENGTH: number;
export declare const MAX_VALUE_BYTES: number;
export declare const BATCH_SET_CHUNK: number;

/** The part of the @forge/kvs `kvs` object the adapter uses. */
export interface ForgeKvsClient {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, options?: object): Promise<unknown>;
  delete(key: string): Promise<void>;
  batchSet(items: Array<{ key: string; value: unknown; options?: object }>): Promise<{
    successfulKeys: Array<{ key: string }>;
    failedKeys: Array<{ key: string; error: { code: string; message: string } }>;
  }>;
  query(): {
    where(property: 'key', condition: object): any;
  };
}

/** A store in Forge KVS; the default client is `kvs` from @forge/kvs. */
export declare function forgeKvsStorage(client?: ForgeKvsClient): Storage;
