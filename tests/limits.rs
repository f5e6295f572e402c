//! Every limit of the contract, driven through the whole handler natively: a request exactly
//! at the limit is accepted and one just past it is refused with the right status.
//!
//! The requests are built from the constants of `contract.rs`, never from literals, so a
//! change to a limit moves these tests with it; the error texts must name the limit too.
#![cfg(not(target_arch = "wasm32"))]

use clarento_webhook::contract::{
    header, message, ASSET_KEY_PREFIX, MAX_BATCH_ASSETS, MAX_BODY_BYTES, MAX_IDEMPOTENCY_KEY_BYTES,
    MAX_ID_CHARS, MAX_JSON_DEPTH, MAX_MIME_BYTES, MAX_NAME_CHARS, MAX_OBJECT_MEMBERS,
    MAX_SIZE_BYTES, MAX_TAGS, MAX_TAG_CHARS, MAX_URL_BYTES, SIGNATURE_TOLERANCE_SECONDS,
};
use clarento_webhook::id::IdGenerator;
use clarento_webhook::memory::{block_on, MemoryStorage};
use clarento_webhook::signature::SigningKey;
use clarento_webhook::text::NativeNormalizer;
use clarento_webhook::{handle, Config, Context, Request};
use serde_json::{json, Value};
use std::cell::RefCell;

const SECRET: &str = "limits-secret";
const SIGNING_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW_MS: f64 = 1_750_000_000_000.0;
/// The start of every test URL; padded to reach a length.
const URL_HEAD: &str = "https://cdn.example.com/";

/// What the handler answered, with what it left in storage.
struct Outcome {
    status: u16,
    body: Value,
    assets_stored: usize,
}

impl Outcome {
    /// The `message` of the first detail about `field`.
    fn detail(&self, field: &str) -> String {
        let details = self.body["details"].as_array().cloned().unwrap_or_default();
        details
            .iter()
            .find(|d| d["field"] == field)
            .and_then(|d| d["message"].as_str())
            .unwrap_or_else(|| panic!("no detail for {field} in {}", self.body))
            .to_owned()
    }
}

fn send(request: Request) -> Outcome {
    let config = Config::new(SECRET, "", SIGNING_SECRET, false).expect("valid configuration");
    let storage = MemoryStorage::new();
    let ids = RefCell::new(IdGenerator::new());
    let cx = Context {
        storage: &storage,
        normalizer: &NativeNormalizer,
        ids: &ids,
        now_ms: NOW_MS,
    };
    let response = block_on(handle(&config, &request, &cx)).expect("memory storage is ready");
    let body = serde_json::from_str(&response.body).expect("every answer is JSON");
    let assets_stored = storage
        .snapshot()
        .keys()
        .filter(|key| key.starts_with(ASSET_KEY_PREFIX))
        .count();
    Outcome {
        status: response.status,
        body,
        assets_stored,
    }
}

/// A valid registration with the secret in the body.
fn asset() -> Value {
    json!({
        "name": "banner.png",
        "cdnUrl": "https://cdn.example.com/banner.png",
        "mimeType": "image/png",
        "sizeBytes": 1024,
        "secret": SECRET,
    })
}

fn post(body: &Value) -> Outcome {
    send(Request::post(body.to_string()))
}

fn with(field: &str, value: Value) -> Value {
    let mut body = asset();
    body[field] = value;
    body
}

/// A string of `chars` characters, each two bytes in UTF-8, so character limits are not
/// mistaken for byte limits.
fn chars(chars: usize) -> String {
    "é".repeat(chars)
}

/// An http URL of exactly `bytes` bytes.
fn url_of(bytes: usize) -> String {
    format!("{URL_HEAD}{}", "a".repeat(bytes - URL_HEAD.len()))
}

/// Asserts the first outcome is a 201 that stored one asset, the second a 400 about `field`
/// whose message names `limit`, storing nothing.
fn at_and_past(field: &str, at: Outcome, past: Outcome, limit: impl ToString) {
    assert_eq!(at.status, 201, "{field} at the limit: {}", at.body);
    assert_eq!(at.assets_stored, 1);
    assert_eq!(past.status, 400, "{field} past the limit: {}", past.body);
    assert_eq!(past.assets_stored, 0);
    let detail = past.detail(field);
    assert!(
        detail.contains(&limit.to_string()),
        "{field}: {detail:?} does not name the limit"
    );
}

#[test]
fn name_length_in_characters() {
    let at = post(&with("name", chars(MAX_NAME_CHARS).into()));
    assert_eq!(
        at.body["asset"]["name"].as_str().map(|n| n.chars().count()),
        Some(MAX_NAME_CHARS)
    );
    let past = post(&with("name", chars(MAX_NAME_CHARS + 1).into()));
    at_and_past("name", at, past, MAX_NAME_CHARS);
}

#[test]
fn name_length_counts_after_trimming() {
    let padded = format!("  {}  ", chars(MAX_NAME_CHARS));
    assert_eq!(post(&with("name", padded.into())).status, 201);
}

#[test]
fn cdn_url_length_in_bytes() {
    let at = post(&with("cdnUrl", url_of(MAX_URL_BYTES).into()));
    let past = post(&with("cdnUrl", url_of(MAX_URL_BYTES + 1).into()));
    at_and_past("cdnUrl", at, past, MAX_URL_BYTES);
}

#[test]
fn thumbnail_url_length_in_bytes() {
    let at = post(&with("thumbnailUrl", url_of(MAX_URL_BYTES).into()));
    let past = post(&with("thumbnailUrl", url_of(MAX_URL_BYTES + 1).into()));
    at_and_past("thumbnailUrl", at, past, MAX_URL_BYTES);
}

#[test]
fn mime_type_length_in_bytes() {
    let mime = |bytes: usize| format!("application/{}", "x".repeat(bytes - "application/".len()));
    let at = post(&with("mimeType", mime(MAX_MIME_BYTES).into()));
    let past = post(&with("mimeType", mime(MAX_MIME_BYTES + 1).into()));
    at_and_past("mimeType", at, past, MAX_MIME_BYTES);
}

#[test]
fn number_of_tags() {
    let distinct = |n: usize| Value::from((0..n).map(|i| format!("tag-{i}")).collect::<Vec<_>>());
    let at = post(&with("tags", distinct(MAX_TAGS)));
    assert_eq!(
        at.body["asset"]["tags"].as_array().map(Vec::len),
        Some(MAX_TAGS)
    );
    let past = post(&with("tags", distinct(MAX_TAGS + 1)));
    at_and_past("tags", at, past, MAX_TAGS);
}

#[test]
fn number_of_tags_counts_repeats_before_they_are_dropped() {
    let repeated = Value::from(vec!["same"; MAX_TAGS + 1]);
    let outcome = post(&with("tags", repeated));
    assert_eq!(outcome.status, 400, "{}", outcome.body);
    assert_eq!(outcome.assets_stored, 0);
}

#[test]
fn tag_length_in_characters() {
    let at = post(&with("tags", json!([chars(MAX_TAG_CHARS)])));
    let past = post(&with("tags", json!([chars(MAX_TAG_CHARS + 1)])));
    at_and_past("tags", at, past, MAX_TAG_CHARS);
}

#[test]
fn tag_length_counts_after_trimming() {
    let padded = format!("   {}\u{a0}", "t".repeat(MAX_TAG_CHARS));
    assert_eq!(post(&with("tags", json!([padded]))).status, 201);
}

#[test]
fn campaign_id_length_in_characters() {
    let at = post(&with("campaignId", chars(MAX_ID_CHARS).into()));
    let past = post(&with("campaignId", chars(MAX_ID_CHARS + 1).into()));
    at_and_past("campaignId", at, past, MAX_ID_CHARS);
}

#[test]
fn uploaded_by_length_in_characters() {
    let at = post(&with("uploadedBy", chars(MAX_ID_CHARS).into()));
    let past = post(&with("uploadedBy", chars(MAX_ID_CHARS + 1).into()));
    at_and_past("uploadedBy", at, past, MAX_ID_CHARS);
}

#[test]
fn size_bytes_up_to_two_to_the_53_minus_one() {
    let at = post(&with("sizeBytes", MAX_SIZE_BYTES.into()));
    assert_eq!(at.body["asset"]["sizeBytes"].as_u64(), Some(MAX_SIZE_BYTES));
    let past = post(&with("sizeBytes", (MAX_SIZE_BYTES + 1).into()));
    at_and_past("sizeBytes", at, past, MAX_SIZE_BYTES);
}

/// A valid registration padded with spaces to exactly `bytes` bytes.
fn body_of(bytes: usize) -> String {
    let mut body = asset().to_string();
    assert!(body.len() <= bytes);
    body.insert_str(1, &" ".repeat(bytes - body.len()));
    assert_eq!(body.len(), bytes);
    body
}

#[test]
fn body_size_in_bytes() {
    let at = send(Request::post(body_of(MAX_BODY_BYTES)));
    assert_eq!(at.status, 201, "{}", at.body);
    let past = send(Request::post(body_of(MAX_BODY_BYTES + 1)));
    assert_eq!(past.status, 413);
    assert_eq!(past.body, json!({ "error": message::BODY_TOO_LARGE }));
    assert_eq!(past.assets_stored, 0);
}

/// A valid registration whose ignored `extra` member nests arrays so that the body holds
/// `levels` arrays and objects in all, counting the body itself.
fn nested_body(levels: usize) -> String {
    let body = asset().to_string();
    let inner = levels - 1;
    let extra = format!(",\"extra\":{}0{}}}", "[".repeat(inner), "]".repeat(inner));
    format!("{}{extra}", &body[..body.len() - 1])
}

#[test]
fn json_nesting_depth() {
    let at = send(Request::post(nested_body(MAX_JSON_DEPTH)));
    assert_eq!(at.status, 201, "{}", at.body);
    let past = send(Request::post(nested_body(MAX_JSON_DEPTH + 1)));
    assert_eq!(past.status, 400);
    assert_eq!(past.body, json!({ "error": message::INVALID_JSON }));
    assert_eq!(past.assets_stored, 0);
}

/// A valid registration padded with ignored members to exactly `members` members.
fn with_members(members: usize) -> Value {
    let mut body = asset();
    let object = body.as_object_mut().expect("an object");
    for i in 0..members - object.len() {
        object.insert(format!("x{i}"), Value::from(i));
    }
    assert_eq!(object.len(), members);
    body
}

#[test]
fn members_of_the_body_object() {
    let at = post(&with_members(MAX_OBJECT_MEMBERS));
    assert_eq!(at.status, 201, "{}", at.body);
    let past = post(&with_members(MAX_OBJECT_MEMBERS + 1));
    assert_eq!(past.status, 400);
    assert_eq!(past.body, json!({ "error": message::INVALID_JSON }));
    assert_eq!(past.assets_stored, 0);
}

#[test]
fn members_of_a_nested_object() {
    let nested = |members: usize| {
        let extra: serde_json::Map<String, Value> = (0..members)
            .map(|i| (format!("k{i}"), Value::from(i)))
            .collect();
        with("extra", Value::Object(extra))
    };
    assert_eq!(post(&nested(MAX_OBJECT_MEMBERS)).status, 201);
    let past = post(&nested(MAX_OBJECT_MEMBERS + 1));
    assert_eq!(past.status, 400);
    assert_eq!(past.body, json!({ "error": message::INVALID_JSON }));
}

#[test]
fn batch_size() {
    let batch = |n: usize| json!({ "secret": SECRET, "assets": vec![asset(); n] });
    let at = post(&batch(MAX_BATCH_ASSETS));
    assert_eq!(at.status, 207, "{}", at.body);
    let results = at.body["results"].as_array().expect("a 207 lists results");
    assert_eq!(results.len(), MAX_BATCH_ASSETS);
    assert!(
        results.iter().all(|r| r["statusCode"] == 201),
        "{}",
        at.body
    );
    assert_eq!(at.assets_stored, MAX_BATCH_ASSETS);
    let past = post(&batch(MAX_BATCH_ASSETS + 1));
    assert_eq!(past.status, 400, "{}", past.body);
    assert_eq!(past.assets_stored, 0);
    let detail = past.detail("assets");
    assert!(detail.contains(&MAX_BATCH_ASSETS.to_string()), "{detail:?}");
}

#[test]
fn idempotency_key_length_in_bytes() {
    let keyed = |bytes: usize| {
        Request::post(asset().to_string()).with_header("Idempotency-Key", &"k".repeat(bytes))
    };
    let at = send(keyed(MAX_IDEMPOTENCY_KEY_BYTES));
    assert_eq!(at.status, 201, "{}", at.body);
    assert_eq!(at.assets_stored, 1);
    let past = send(keyed(MAX_IDEMPOTENCY_KEY_BYTES + 1));
    assert_eq!(past.status, 400);
    assert_eq!(
        past.body,
        json!({ "error": message::INVALID_IDEMPOTENCY_KEY })
    );
    assert_eq!(past.assets_stored, 0);
}

/// An unsecreted registration signed `skew_seconds` away from the handler's clock.
fn signed(skew_seconds: i64) -> Request {
    let mut body = asset();
    body.as_object_mut().expect("an object").remove("secret");
    let body = body.to_string();
    let timestamp = (NOW_MS / 1000.0) as i64 + skew_seconds;
    let key = SigningKey::parse(SIGNING_SECRET).expect("a valid signing secret");
    let signature = key.sign("msg_limits", timestamp, &body);
    Request::post(body)
        .with_header(header::WEBHOOK_ID, "msg_limits")
        .with_header(header::WEBHOOK_TIMESTAMP, &timestamp.to_string())
        .with_header(header::WEBHOOK_SIGNATURE, &signature)
}

#[test]
fn signature_timestamp_tolerance_both_ways() {
    for direction in [-1, 1] {
        let at = send(signed(direction * SIGNATURE_TOLERANCE_SECONDS));
        assert_eq!(at.status, 201, "skew {direction}: {}", at.body);
        let past = send(signed(direction * (SIGNATURE_TOLERANCE_SECONDS + 1)));
        assert_eq!(past.status, 401, "skew {direction}");
        assert_eq!(past.body, json!({ "error": message::INVALID_SIGNATURE }));
        assert_eq!(past.assets_stored, 0);
    }
}
