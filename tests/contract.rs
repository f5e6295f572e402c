//! The whole contract through the pure core, natively: authentication variants, signing,
//! idempotency and batches, with the in-memory storage.
#![cfg(not(target_arch = "wasm32"))]

use clarento_webhook::contract::{IDEMPOTENCY_LEASE_MS, IDEMPOTENCY_TTL_SECONDS, MAX_BATCH_ASSETS};
use clarento_webhook::id::{is_asset_id, IdGenerator};
use clarento_webhook::memory::{block_on, MemoryStorage};
use clarento_webhook::signature::SigningKey;
use clarento_webhook::text::NativeNormalizer;
use clarento_webhook::{handle, Config, Context, Request, Response, StorageError};
use serde_json::{json, Value};
use std::cell::RefCell;

const SECRET: &str = "core-secret";
const PREVIOUS: &str = "core-secret-previous";
const SIGNING: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW_MS: f64 = 1_800_000_000_000.0;

fn seed() -> Value {
    json!({
        "name": "logo.svg",
        "cdnUrl": "https://cdn.example.com/logo.svg",
        "mimeType": "image/svg+xml",
        "sizeBytes": 4096,
        "tags": ["logo", "brand"],
        "secret": SECRET
    })
}

fn without_secret() -> Value {
    let mut body = seed();
    body.as_object_mut().unwrap().remove("secret");
    body
}

struct Harness {
    config: Config,
    storage: MemoryStorage,
    ids: RefCell<IdGenerator>,
    now_ms: f64,
}

impl Harness {
    fn new(config: Config) -> Self {
        Self {
            config,
            storage: MemoryStorage::new(),
            ids: RefCell::new(IdGenerator::new()),
            now_ms: NOW_MS,
        }
    }

    fn default() -> Self {
        Self::new(Config::new(SECRET, PREVIOUS, SIGNING, false).unwrap())
    }

    fn send(&self, request: &Request) -> (Response, Value) {
        let cx = Context {
            storage: &self.storage,
            normalizer: &NativeNormalizer,
            ids: &self.ids,
            now_ms: self.now_ms,
        };
        let response =
            block_on(handle(&self.config, request, &cx)).expect("memory storage never waits");
        let body = serde_json::from_str(&response.body).expect("every body is JSON");
        (response, body)
    }

    fn assets(&self) -> usize {
        self.storage
            .snapshot()
            .keys()
            .filter(|k| k.starts_with("asset:"))
            .count()
    }
}

fn post(body: &Value) -> Request {
    Request::post(body.to_string())
}

#[test]
fn the_seed_example_is_created() {
    let h = Harness::default();
    let (response, body) = h.send(&post(&seed()));
    assert_eq!(response.status, 201);
    let id = body["assetId"].as_str().unwrap();
    assert!(is_asset_id(id));
    assert_eq!(response.asset_id.as_deref(), Some(id));
    let stored: Value =
        serde_json::from_str(&h.storage.snapshot()[&format!("asset:{id}")]).unwrap();
    assert_eq!(stored, body["asset"]);
    assert_eq!(stored["uploadedAt"], "2027-01-15T08:00:00.000Z");
    assert!(!h.storage.snapshot().values().any(|v| v.contains(SECRET)));
}

#[test]
fn the_previous_secret_is_accepted_during_rotation() {
    let h = Harness::default();
    let mut body = seed();
    body["secret"] = json!(PREVIOUS);
    assert_eq!(h.send(&post(&body)).0.status, 201);
    body["secret"] = json!("core-secret-older");
    assert_eq!(h.send(&post(&body)).0.status, 401);
}

#[test]
fn bearer_authentication_replaces_the_body_secret() {
    let h = Harness::default();
    let request = post(&without_secret()).with_header("Authorization", &format!("Bearer {SECRET}"));
    assert_eq!(h.send(&request).0.status, 201);
    let lower = post(&without_secret()).with_header("authorization", &format!("bearer {PREVIOUS}"));
    assert_eq!(h.send(&lower).0.status, 201);
}

#[test]
fn every_credential_carried_is_checked() {
    let h = Harness::default();
    let cases = [
        (format!("Bearer {SECRET}"), json!("wrong")),
        ("Bearer wrong".to_owned(), json!(SECRET)),
        (format!("Basic {SECRET}"), json!(SECRET)),
        ("Bearer".to_owned(), json!(SECRET)),
        (format!("Bearer {SECRET}"), json!(null)),
    ];
    for (authorization, secret) in cases {
        let mut body = seed();
        body["secret"] = secret;
        let request = post(&body).with_header("Authorization", &authorization);
        let (response, body) = h.send(&request);
        assert_eq!(response.status, 401, "{authorization}");
        assert_eq!(body, json!({"error": "Invalid webhook secret"}));
    }
    assert_eq!(h.assets(), 0);
}

fn signed(h: &Harness, body: &str, id: &str) -> Request {
    let key = SigningKey::parse(SIGNING).unwrap();
    let timestamp = (h.now_ms / 1000.0) as i64;
    Request::post(body)
        .with_header("webhook-id", id)
        .with_header("webhook-timestamp", &timestamp.to_string())
        .with_header("webhook-signature", &key.sign(id, timestamp, body))
}

#[test]
fn a_signed_request_needs_no_other_credential() {
    let h = Harness::default();
    let body = without_secret().to_string();
    assert_eq!(h.send(&signed(&h, &body, "msg_1")).0.status, 201);
}

#[test]
fn a_bad_signature_is_401_even_with_a_good_secret() {
    let h = Harness::default();
    let body = seed().to_string();
    let mut request = signed(&h, &body, "msg_1");
    request.body = Some(body.replace("4096", "4097"));
    let (response, error) = h.send(&request);
    assert_eq!(response.status, 401);
    assert_eq!(error, json!({"error": "Invalid webhook signature"}));
    let partial = Request::post(body.clone()).with_header("webhook-id", "msg_1");
    assert_eq!(h.send(&partial).0.status, 401);
    assert_eq!(h.assets(), 0);
}

#[test]
fn signatures_can_be_required() {
    let h = Harness::new(Config::new(SECRET, "", SIGNING, true).unwrap());
    assert_eq!(h.send(&post(&seed())).0.status, 401);
    let body = without_secret().to_string();
    assert_eq!(h.send(&signed(&h, &body, "msg_2")).0.status, 201);
    assert!(Config::new(SECRET, "", "", true).is_err());
    assert!(Config::new(SECRET, "", "whsec_!!", false).is_err());
}

#[test]
fn the_webhook_id_of_a_signed_request_is_its_idempotency_key() {
    let h = Harness::default();
    let body = without_secret().to_string();
    let (first, a) = h.send(&signed(&h, &body, "msg_retry"));
    let (again, b) = h.send(&signed(&h, &body, "msg_retry"));
    assert_eq!((first.status, again.status), (201, 201));
    assert_eq!(a["assetId"], b["assetId"]);
    assert_eq!(again.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(h.assets(), 1);
}

fn with_key(body: &Value, key: &str) -> Request {
    post(body).with_header("Idempotency-Key", key)
}

#[test]
fn idempotency_replays_refuses_and_expires() {
    let mut h = Harness::default();
    let (first, a) = h.send(&with_key(&seed(), "run-1"));
    assert_eq!(first.status, 201);
    assert_eq!(first.header("Idempotent-Replayed"), None);
    let (replay, b) = h.send(&with_key(&seed(), "run-1"));
    assert_eq!(replay.status, 201);
    assert_eq!(replay.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(a, b);
    let mut other = seed();
    other["name"] = json!("other.svg");
    assert_eq!(h.send(&with_key(&other, "run-1")).0.status, 422);
    assert_eq!(h.assets(), 1);
    h.now_ms += IDEMPOTENCY_TTL_SECONDS as f64 * 1000.0;
    let (after, c) = h.send(&with_key(&seed(), "run-1"));
    assert_eq!(after.status, 201);
    assert_ne!(a["assetId"], c["assetId"]);
    assert_eq!(h.assets(), 2);
}

#[test]
fn a_pending_key_is_409_until_its_lease_runs_out() {
    let mut h = Harness::default();
    let pending = concat!(
        r#"{"state":"pending","fingerprint":"f","#,
        r#""createdAt":1800000000000,"expiresAt":1800086400000}"#
    );
    let key = clarento_webhook::idempotency::Key::parse("run-2")
        .unwrap()
        .storage_key();
    let fingerprint = {
        let text = seed().to_string();
        let parsed = clarento_webhook::json::parse(&text).unwrap();
        clarento_webhook::idempotency::fingerprint(&parsed)
    };
    block_on(clarento_webhook::storage::Storage::set(
        &h.storage,
        &key,
        &pending.replace("\"f\"", &format!("\"{fingerprint}\"")),
        None,
    ))
    .unwrap()
    .unwrap();
    assert_eq!(h.send(&with_key(&seed(), "run-2")).0.status, 409);
    h.now_ms += IDEMPOTENCY_LEASE_MS as f64 + 1.0;
    assert_eq!(h.send(&with_key(&seed(), "run-2")).0.status, 201);
}

#[test]
fn a_storage_failure_frees_the_key() {
    let h = Harness::default();
    h.storage.fail_with(Some(StorageError::Failed));
    assert_eq!(h.send(&with_key(&seed(), "run-3")).0.status, 500);
    h.storage.fail_with(Some(StorageError::RateLimited));
    let (limited, _) = h.send(&with_key(&seed(), "run-3"));
    assert_eq!(limited.status, 503);
    assert_eq!(limited.header("Retry-After"), Some("5"));
    h.storage.fail_with(None);
    assert_eq!(h.send(&with_key(&seed(), "run-3")).0.status, 201);
}

#[test]
fn invalid_idempotency_keys_are_400() {
    let h = Harness::default();
    for key in ["", &"k".repeat(256), "naïve"] {
        let (response, body) = h.send(&with_key(&seed(), key));
        assert_eq!(response.status, 400, "{key:?}");
        assert_eq!(body["error"], "Invalid Idempotency-Key header");
    }
}

#[test]
fn a_batch_stores_the_valid_items_and_reports_each() {
    let h = Harness::default();
    let mut bad = without_secret();
    bad["sizeBytes"] = json!("big");
    let mut missing = without_secret();
    missing["name"] = json!(null);
    let body =
        json!({"assets": [without_secret(), bad, 7, missing, without_secret()], "secret": SECRET});
    let (response, body) = h.send(&post(&body));
    assert_eq!(response.status, 207);
    let results = body["results"].as_array().unwrap();
    let statuses: Vec<_> = results
        .iter()
        .map(|r| r["statusCode"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [201, 400, 400, 400, 201]);
    for (index, result) in results.iter().enumerate() {
        assert_eq!(result["index"], index);
    }
    assert_eq!(results[1]["error"], "Invalid field: sizeBytes");
    assert_eq!(results[1]["details"][0]["field"], "sizeBytes");
    assert_eq!(results[2]["error"], "Asset must be a JSON object");
    assert_eq!(results[3]["error"], "Missing required fields: name");
    assert!(is_asset_id(results[0]["assetId"].as_str().unwrap()));
    assert_eq!(h.assets(), 2);
}

#[test]
fn batch_level_errors_reject_the_whole_batch() {
    let h = Harness::default();
    let items = vec![without_secret(); 2];
    assert_eq!(
        h.send(&post(&json!({"assets": items, "secret": "wrong"})))
            .0
            .status,
        401
    );
    let too_many = vec![without_secret(); MAX_BATCH_ASSETS + 1];
    let (response, body) = h.send(&post(&json!({"assets": too_many, "secret": SECRET})));
    assert_eq!(response.status, 400);
    assert_eq!(body["details"][0]["field"], "assets");
    for assets in [json!([]), json!("x"), json!({})] {
        assert_eq!(
            h.send(&post(&json!({"assets": assets, "secret": SECRET})))
                .0
                .status,
            400
        );
    }
    let exactly = vec![without_secret(); MAX_BATCH_ASSETS];
    assert_eq!(
        h.send(&post(&json!({"assets": exactly, "secret": SECRET})))
            .0
            .status,
        207
    );
    assert_eq!(h.assets(), MAX_BATCH_ASSETS);
}

#[test]
fn not_configured_is_503_for_everything() {
    let h = Harness::new(Config::new("", "", "", false).unwrap());
    let (response, body) = h.send(&post(&seed()));
    assert_eq!(response.status, 503);
    assert!(body["error"]
        .as_str()
        .unwrap()
        .starts_with("Webhook not configured: "));
}
