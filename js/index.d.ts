// Type declarations for the package entry (js/index.js in Node, Forge and bundlers;
// js/worker-entry.js in workerd). The storage adapters declare theirs beside them, in
// js/storage/*.d.ts, and reuse the types below.

/** Header or query values, Forge style: every name maps to a list of values. */
export type MultiValueMap = Record<string, string[]>;

/** The request a Forge web trigger receives. Unknown extra fields are allowed and ignored. */
export interface WebTriggerRequest {
  method: string;
  path?: string;
  headers?: MultiValueMap;
  body?: string;
  queryParameters?: MultiValueMap;
  [extra: string]: unknown;
}

/** The response a Forge web trigger with `response: { type: dynamic }` returns. */
export interface WebTriggerResponse {
  statusCode: number;
  headers: MultiValueMap;
  body: string;
  /** Set on answers that registered (or replayed) an asset; not part of the JSON shape. */
  readonly assetId?: string;
}

/** What the handler hands to the `log` option, once per request. Never holds a secret. */
export interface LogEntry {
  time: string;
  requestId: string;
  method?: string;
  statusCode: number;
  assetId?: string;
  durationMs: number;
}

/** Any value JSON can represent. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Options of a write. */
export interface SetOptions {
  /** Seconds until the entry expires (idempotency records use 24 h). */
  ttlSeconds?: number;
}

/** One entry of `batchSet`. */
export interface BatchEntry {
  key: string;
  value: JsonValue;
  ttlSeconds?: number;
}

/** Paging of `list`. */
export interface ListOptions {
  /** Page size, 1 to 100 (default 50). */
  limit?: number;
  /** The `cursor` of the previous page. */
  cursor?: string;
}

/** One page of `list`, keys ascending; `cursor` is undefined on the last page. */
export interface ListPage {
  items: Array<{ key: string; value: JsonValue }>;
  cursor: string | undefined;
}

/**
 * The persistence the handler is given. Keys look like `asset:<id>` and `idem:<hex>`;
 * values are plain JSON objects. Every method returns a Promise.
 */
export interface Storage {
  get(key: string): Promise<JsonValue | undefined>;
  set(key: string, value: JsonValue, options?: SetOptions): Promise<void>;
  delete(key: string): Promise<void>;
  /** Writes only when the key is absent (or expired); resolves to whether it wrote. */
  setIfAbsent(key: string, value: JsonValue, options?: SetOptions): Promise<boolean>;
  batchSet(entries: BatchEntry[]): Promise<void>;
  list(prefix: string, options?: ListOptions): Promise<ListPage>;
}

/** Options of `createHandler`. */
export interface HandlerOptions {
  /** The webhook secret (WEBHOOK_SECRET). Empty or missing: every request gets 503. */
  secret?: string;
  /** The secret being rotated out, still accepted (WEBHOOK_SECRET_PREVIOUS). */
  previousSecret?: string;
  /** A `whsec_<base64>` Standard Webhooks signing secret (WEBHOOK_SIGNING_SECRET). */
  signingSecret?: string;
  /** Refuse unsigned requests (WEBHOOK_REQUIRE_SIGNATURE). */
  requireSignature?: boolean;
  storage: Storage;
  /** Longest a request may take before it is answered 503 (default 10 000 ms). */
  deadlineMs?: number;
  log?: (entry: LogEntry) => void;
}

/** A ready handler: one web trigger request in, its response out. */
export type Handler = (request: WebTriggerRequest) => Promise<WebTriggerResponse>;

/** An asset as the webhook stores it under `asset:<id>`. */
export interface Asset {
  id: string;
  name: string;
  type: 'image' | 'video' | 'audio' | 'document' | 'font' | 'archive' | 'model' | 'other';
  mimeType: string;
  sizeBytes: number;
  cdnUrl: string;
  thumbnailUrl: string;
  tags: string[];
  campaignId: string | null;
  uploadedBy: string;
  uploadedAt: string;
  approved: boolean;
  brandCompliance: string;
  source: 'webhook';
}

/** The default request deadline in milliseconds. */
export declare const DEFAULT_DEADLINE_MS: number;

/** Loads the wasm once per process and resolves to a handler. */
export declare function createHandler(options: HandlerOptions): Promise<Handler>;

/** An in-memory store, for tests and harnesses. `now` replaces the clock. */
export declare function memoryStorage(options?: { now?: () => number }): Storage;
