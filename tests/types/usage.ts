// Compiled with `tsc --noEmit` (never run): the package's declarations, reached through its
// own name and "exports" map, describe what a TypeScript harness writes.

import {
  createHandler,
  memoryStorage,
  DEFAULT_DEADLINE_MS,
  type Asset,
  type Handler,
  type JsonValue,
  type LogEntry,
  type Storage,
  type WebTriggerRequest,
  type WebTriggerResponse,
} from 'clarento-webhook';
import { sqliteStorage, type SqliteStorage } from 'clarento-webhook/storage/sqlite';
import { kvs } from '@forge/kvs';
import { forgeKvsStorage } from 'clarento-webhook/storage/forge-kvs';
import { workersKvStorage, type KvNamespaceLike } from 'clarento-webhook/storage/workers-kv';
import { StorageError } from 'clarento-webhook/storage/common';

/** A custom store written against the interface. */
class MapStorage implements Storage {
  private readonly data = new Map<string, JsonValue>();
  async get(key: string) {
    return this.data.get(key);
  }
  async set(key: string, value: JsonValue) {
    this.data.set(key, value);
  }
  async delete(key: string) {
    this.data.delete(key);
  }
  async setIfAbsent(key: string, value: JsonValue) {
    if (this.data.has(key)) return false;
    this.data.set(key, value);
    return true;
  }
  async batchSet(entries: { key: string; value: JsonValue; ttlSeconds?: number }[]) {
    for (const { key, value } of entries) this.data.set(key, value);
  }
  async list(prefix: string) {
    const items = [...this.data].filter(([k]) => k.startsWith(prefix))
      .map(([key, value]) => ({ key, value }));
    return { items, cursor: undefined };
  }
}

export async function register(): Promise<string | undefined> {
  const logged: LogEntry[] = [];
  const handler: Handler = await createHandler({
    secret: 'example-secret',
    storage: memoryStorage(),
    deadlineMs: DEFAULT_DEADLINE_MS,
    log: (entry) => logged.push(entry),
  });
  const request: WebTriggerRequest = {
    method: 'POST',
    path: '/',
    headers: { 'content-type': ['application/json'] },
    body: JSON.stringify({ name: 'logo.svg', secret: 'example-secret' }),
    queryParameters: {},
  };
  const response: WebTriggerResponse = await handler(request);
  const status: number = response.statusCode;
  const contentType: string[] | undefined = response.headers['Content-Type'];
  if (status === 201 && contentType) {
    const body = JSON.parse(response.body) as { assetId: string; asset: Asset };
    const approved: boolean = body.asset.approved;
    return approved ? undefined : body.assetId;
  }
  return response.assetId;
}

export async function stores(kv: KvNamespaceLike): Promise<void> {
  const custom = await createHandler({ storage: new MapStorage() });
  const local: SqliteStorage = sqliteStorage('data/assets.sqlite');
  await local.setIfAbsent('idem:abc', { state: 'pending' }, { ttlSeconds: 86400 });
  const page = await local.list('asset:', { limit: 10 });
  const next: string | undefined = page.cursor;
  local.close();
  const edge: Storage = workersKvStorage(kv);
  const forge: Storage = forgeKvsStorage(kvs);
  await Promise.all([custom, edge.batchSet([{ key: 'asset:a', value: { a: 1 } }]), forge, next]);
  const failure = new StorageError('rate limited', { status: 429 });
  const retry: boolean = failure.status === 429;
  void retry;
}

// The declarations are not `any`: each of these must be refused.

// @ts-expect-error storage is required
void createHandler({ secret: 'x' });

// @ts-expect-error header values are arrays of strings, Forge style
const badRequest: WebTriggerRequest = { method: 'POST', headers: { 'content-type': 'text/plain' } };
void badRequest;

// @ts-expect-error a Storage must implement every method
const partial: Storage = { get: async () => undefined };
void partial;

// @ts-expect-error stored values are JSON: functions are not
void memoryStorage().set('asset:x', () => 1);
