//! The documented contract in one place: every wire string, limit and default.
//!
//! The rest of the crate refers to these names instead of literals, so a change to the
//! contract is a change to this file.

/// Largest request body accepted, in bytes. A Forge storage value may hold 240 KiB; a batch of
/// assets at the per-field limits stays well under this.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Deepest nesting of arrays and objects accepted in a body.
pub const MAX_JSON_DEPTH: usize = 32;
/// Most members in one JSON object of a body; an asset has ten fields.
pub const MAX_OBJECT_MEMBERS: usize = 256;
/// Longest asset name, in characters (Unicode scalar values).
pub const MAX_NAME_CHARS: usize = 255;
/// Longest `cdnUrl` or `thumbnailUrl`, in bytes.
pub const MAX_URL_BYTES: usize = 2048;
/// Longest `mimeType`, in bytes (RFC 6838 allows 127 per name part, plus parameters).
pub const MAX_MIME_BYTES: usize = 255;
/// Most entries in `tags`, before duplicates are dropped.
pub const MAX_TAGS: usize = 50;
/// Longest tag, in characters, after trimming.
pub const MAX_TAG_CHARS: usize = 64;
/// Longest `campaignId` or `uploadedBy`, in characters.
pub const MAX_ID_CHARS: usize = 128;
/// Largest `sizeBytes`: 2^53 − 1, the largest integer a JavaScript number holds exactly.
pub const MAX_SIZE_BYTES: u64 = (1 << 53) - 1;
/// Most assets in one batch request.
pub const MAX_BATCH_ASSETS: usize = 100;
/// Longest `Idempotency-Key`, in bytes.
pub const MAX_IDEMPOTENCY_KEY_BYTES: usize = 255;
/// How long an idempotency record is kept: 24 hours.
pub const IDEMPOTENCY_TTL_SECONDS: u64 = 24 * 60 * 60;
/// How long a request may hold an idempotency key before a retry may take it over. Longer
/// than the JavaScript shim's deadline, so a live request is never overtaken.
pub const IDEMPOTENCY_LEASE_MS: u64 = 60_000;
/// How far a signed request's timestamp may be from now, in seconds.
pub const SIGNATURE_TOLERANCE_SECONDS: i64 = 5 * 60;
/// Seconds a rate-limited caller is asked to wait.
pub const RETRY_AFTER_SECONDS: &str = "5";

/// Prefix of the storage key of an asset: `asset:<assetId>`.
pub const ASSET_KEY_PREFIX: &str = "asset:";
/// Prefix of every asset id.
pub const ASSET_ID_PREFIX: &str = "asset_";
/// Prefix of the storage key of an idempotency record: `idem:<sha256 of the key, hex>`.
pub const IDEMPOTENCY_KEY_PREFIX: &str = "idem:";

/// `uploadedBy` when the caller does not say.
pub const DEFAULT_UPLOADED_BY: &str = "external-webhook";
/// `brandCompliance` of every new asset.
pub const BRAND_COMPLIANCE_PENDING: &str = "pending";
/// `source` of every asset registered here.
pub const SOURCE_WEBHOOK: &str = "webhook";

/// The only method accepted.
pub const METHOD_POST: &str = "POST";

/// Header names, lowercase; lookups ignore case.
pub mod header {
    /// Bearer authentication, an alternative to the body's `secret`.
    pub const AUTHORIZATION: &str = "authorization";
    /// Caller-chosen key that makes a retry safe.
    pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
    /// Standard Webhooks message id.
    pub const WEBHOOK_ID: &str = "webhook-id";
    /// Standard Webhooks timestamp, in seconds since the epoch.
    pub const WEBHOOK_TIMESTAMP: &str = "webhook-timestamp";
    /// Standard Webhooks signatures, space-separated `v1,<base64>`.
    pub const WEBHOOK_SIGNATURE: &str = "webhook-signature";
    /// Response header names, in the casing they are sent.
    pub const CONTENT_TYPE: &str = "Content-Type";
    /// Sent with 405.
    pub const ALLOW: &str = "Allow";
    /// Sent with 503 when storage is rate limited.
    pub const RETRY_AFTER: &str = "Retry-After";
    /// Sent when a response is a replay of an earlier one.
    pub const IDEMPOTENT_REPLAYED: &str = "Idempotent-Replayed";
}

/// Request body field names.
pub mod field {
    /// The asset's file name.
    pub const NAME: &str = "name";
    /// Where the file is served.
    pub const CDN_URL: &str = "cdnUrl";
    /// Where a thumbnail is served.
    pub const THUMBNAIL_URL: &str = "thumbnailUrl";
    /// The file's MIME type.
    pub const MIME_TYPE: &str = "mimeType";
    /// The file's size.
    pub const SIZE_BYTES: &str = "sizeBytes";
    /// Free-form labels.
    pub const TAGS: &str = "tags";
    /// The campaign the asset belongs to.
    pub const CAMPAIGN_ID: &str = "campaignId";
    /// Who registered the asset.
    pub const UPLOADED_BY: &str = "uploadedBy";
    /// The shared secret.
    pub const SECRET: &str = "secret";
    /// A batch's list of assets.
    pub const ASSETS: &str = "assets";
    /// The required fields, in the order the error lists them.
    pub const REQUIRED: [&str; 4] = [NAME, CDN_URL, MIME_TYPE, SIZE_BYTES];
}

/// Error texts.
pub mod message {
    /// 405.
    pub const METHOD_NOT_ALLOWED: &str = "Method not allowed";
    /// 503 when no secret is configured.
    pub const NOT_CONFIGURED: &str =
        "Webhook not configured: set WEBHOOK_SECRET to accept registrations";
    /// 400 for a body that is not a JSON object.
    pub const INVALID_JSON: &str = "Invalid JSON body";
    /// 413.
    pub const BODY_TOO_LARGE: &str = "Request body too large";
    /// 401.
    pub const INVALID_SECRET: &str = "Invalid webhook secret";
    /// 401 for a bad Standard Webhooks signature.
    pub const INVALID_SIGNATURE: &str = "Invalid webhook signature";
    /// 400, followed by the missing names.
    pub const MISSING_FIELDS: &str = "Missing required fields: ";
    /// 400 for a malformed Idempotency-Key.
    pub const INVALID_IDEMPOTENCY_KEY: &str = "Invalid Idempotency-Key header";
    /// 422.
    pub const IDEMPOTENCY_KEY_REUSED: &str =
        "Idempotency-Key was already used with a different payload";
    /// 409.
    pub const IDEMPOTENCY_IN_FLIGHT: &str =
        "A request with this Idempotency-Key is still being processed";
    /// 500 when storage fails.
    pub const STORAGE_FAILED: &str = "Storage failed: the asset was not registered";
    /// 500 when no random id could be made.
    pub const RANDOM_UNAVAILABLE: &str =
        "Could not generate an asset id: the asset was not registered";
    /// 400 for a batch item that is not an object.
    pub const ASSET_NOT_OBJECT: &str = "Asset must be a JSON object";
    /// 400 when a batch's `assets` is not a list of 1 to 100 items.
    pub const INVALID_BATCH: &str = "must be an array of 1 to 100 assets";
    /// 503 when storage is rate limited.
    pub const STORAGE_RATE_LIMITED: &str =
        "Storage is rate limited: the asset was not registered, retry later";
}
