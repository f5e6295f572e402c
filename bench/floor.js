// The floor: the work no handler can avoid, with the same `createHandler` shape as the
// contestants, so the cold section can start it the same way.

/** Headers of every floor answer. */
const HEADERS = { 'Content-Type': ['application/json'] };
/** Status of every floor answer. */
const STATUS_CREATED = 201;

/**
 * Parses the body, stores the result once and serialises a small answer. It neither
 * validates nor authenticates, so it answers 201 to every request, the rejected one too.
 * @param {{ storage: { set(key: string, value: unknown): Promise<void> } }} options
 * @returns {(request: { body: string }) => Promise<{ statusCode: number,
 *   headers: Record<string, string[]>, body: string }>}
 */
export function createHandler({ storage }) {
  let count = 0;
  return async function floor(request) {
    const parsed = JSON.parse(request.body);
    count += 1;
    const assetId = `asset_${count}`;
    await storage.set(`asset:${assetId}`, parsed);
    return {
      statusCode: STATUS_CREATED,
      headers: HEADERS,
      body: JSON.stringify({ success: true, assetId }),
    };
  };
}
