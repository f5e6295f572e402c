/** An error from a store; `status`/`statusCode` carry the HTTP status it answered. */
export declare class StorageError extends Error {
  constructor(message: string, details?: { status?: number; code?: string; cause?: unknown });
  status?: number;
  statusCode?: number;
  code?: string;
}
export declare const MS_PER_SECOND: number;
export declare const DEFAULT_LIST_LIMIT: number;
export declare const MAX_LIST_LIMIT: number;
export declare function expiryFor(ttlSeconds: number | undefined, nowMs: number): number | null;
export declare function listOptions(options?: { limit?: number; cursor?: string }): {
  limit: number;
  cursor: string | undefined;
};
export declare function toJson(value: unknown): string;
export declare function assertKey(key: unknown): asserts key is string;
