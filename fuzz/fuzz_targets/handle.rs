//! Raw bytes in, a request through the whole core, a response out.
//!
//! Input layout, chosen so that plain text seeds stay readable:
//!
//! - byte 0, flags: bits 0-2 pick the method, bit 3 signs the request validly, bit 4 adds a
//!   valid `Authorization: Bearer`, bit 5 drops the body, bit 6 sends the request twice on
//!   the same storage, bit 7 makes every storage call fail;
//! - byte 1, flags: bit 0 makes signatures mandatory, bit 1 bears the previous secret instead
//!   of the current one, bit 2 makes storage failures rate limits, bits 3-7 move the signed
//!   timestamp away from now in steps of 30 s (-8 to +7 minutes);
//! - the rest, as UTF-8 (lossy): `name: value` header lines, an empty line, the body. Without
//!   an empty line the whole text is the body.
//!
//! The secrets cannot be guessed through their SHA-256 comparison, so the flags supply them
//! and the seed corpus carries the body form.
#![no_main]

use clarento_webhook::contract::{header, ASSET_KEY_PREFIX};
use clarento_webhook::id::IdGenerator;
use clarento_webhook::memory::{block_on, MemoryStorage};
use clarento_webhook::signature::SigningKey;
use clarento_webhook::text::NativeNormalizer;
use clarento_webhook::{handle, Config, Context, Request, Response, StorageError};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::cell::RefCell;
use std::sync::OnceLock;

/// The configured secrets; mixed case so a lowercased tag never reproduces one.
const SECRET: &str = "Fz-Current-Secret-7QkW";
const PREVIOUS_SECRET: &str = "Fz-Previous-Secret-3XyZ";
/// A Standard Webhooks signing secret (`whsec_` and base64 of 24 bytes).
const SIGNING_SECRET: &str = "whsec_RnotQ3VycmVudC1TaWduaW5nLUtleSE=";
/// Base64 part of the signing secret, which must not leak either.
const SIGNING_KEY_BASE64: &str = "RnotQ3VycmVudC1TaWduaW5nLUtleSE=";
/// The fixed clock of every run: 2025-06-15T15:06:40Z.
const NOW_MS: f64 = 1_750_000_000_000.0;
/// `webhook-id` the harness signs with when the input does not give one.
const DEFAULT_WEBHOOK_ID: &str = "msg_fuzz";
/// Every status the contract answers with.
const CONTRACT_STATUSES: [u16; 10] = [201, 207, 400, 401, 405, 409, 413, 422, 500, 503];
/// Methods bits 0-2 of the first byte select; mostly POST so the fuzzer gets past the 405.
const METHODS: [&str; 8] = ["POST", "POST", "POST", "POST", "GET", "post", "PUT", ""];

struct Flags {
    method: &'static str,
    sign: bool,
    bearer: bool,
    no_body: bool,
    repeat: bool,
    storage_fails: bool,
    require_signature: bool,
    bear_previous: bool,
    rate_limited: bool,
    timestamp_offset_s: i64,
}

impl Flags {
    fn read(a: u8, b: u8) -> Self {
        Self {
            method: METHODS[usize::from(a & 0b111)],
            sign: a & 1 << 3 != 0,
            bearer: a & 1 << 4 != 0,
            no_body: a & 1 << 5 != 0,
            repeat: a & 1 << 6 != 0,
            storage_fails: a & 1 << 7 != 0,
            require_signature: b & 1 != 0,
            bear_previous: b & 1 << 1 != 0,
            rate_limited: b & 1 << 2 != 0,
            timestamp_offset_s: (i64::from(b >> 3) - 16) * 30,
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (flags, text) = match data {
        [a, b, rest @ ..] => (Flags::read(*a, *b), String::from_utf8_lossy(rest)),
        _ => return,
    };
    let request = build_request(&flags, &text);
    let config = Config::new(
        SECRET,
        PREVIOUS_SECRET,
        SIGNING_SECRET,
        flags.require_signature,
    )
    .expect("the harness's configuration is valid");
    let storage = MemoryStorage::new();
    if flags.storage_fails {
        let error = if flags.rate_limited {
            StorageError::RateLimited
        } else {
            StorageError::Failed
        };
        storage.fail_with(Some(error));
    }
    let ids = RefCell::new(IdGenerator::new());
    let cx = Context {
        storage: &storage,
        normalizer: &NativeNormalizer,
        ids: &ids,
        now_ms: NOW_MS,
    };
    let echoes_secret = request
        .body
        .as_deref()
        .is_some_and(carries_secret_outside_credential);

    let first = run(&config, &request, &cx);
    check(&first, &storage, 0, flags.storage_fails, echoes_secret);
    if flags.repeat {
        let before = asset_keys(&storage);
        let second = run(&config, &request, &cx);
        check(
            &second,
            &storage,
            before,
            flags.storage_fails,
            echoes_secret,
        );
        if second.header(header::IDEMPOTENT_REPLAYED).is_some() {
            assert_eq!(
                second.status, first.status,
                "a replay answers the first status"
            );
            assert_eq!(second.body, first.body, "a replay answers the first body");
            assert_eq!(asset_keys(&storage), before, "a replay stores nothing new");
        }
    }
});

fn run(
    config: &Config,
    request: &Request,
    cx: &Context<'_, MemoryStorage, NativeNormalizer>,
) -> Response {
    let response = block_on(handle(config, request, cx))
        .expect("memory storage never leaves a request pending");
    // FUZZ_DEBUG=1 shows each exchange, to see which paths an input reaches.
    if *DEBUG.get_or_init(|| std::env::var_os("FUZZ_DEBUG").is_some()) {
        eprintln!("{request:?}\n  -> {} {}", response.status, response.body);
    }
    response
}

static DEBUG: OnceLock<bool> = OnceLock::new();

fn build_request(flags: &Flags, text: &str) -> Request {
    let (head, body) = match text.split_once("\n\n") {
        Some((head, body)) => (head, body),
        None => ("", text),
    };
    let mut request = Request {
        method: flags.method.to_owned(),
        headers: Vec::new(),
        body: (!flags.no_body).then(|| body.to_owned()),
    };
    let given: Vec<(String, String)> = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.to_owned(), value.trim_start().to_owned()))
        .collect();
    if flags.bearer {
        let secret = if flags.bear_previous {
            PREVIOUS_SECRET
        } else {
            SECRET
        };
        request
            .headers
            .push(("Authorization".into(), format!("Bearer {secret}")));
    }
    if flags.sign {
        // Signed with the given webhook-id, if any; the harness's headers come first, so they
        // are the ones the handler reads.
        let id = given
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(header::WEBHOOK_ID))
            .map_or(DEFAULT_WEBHOOK_ID, |(_, value)| value.as_str())
            .to_owned();
        let timestamp = (NOW_MS / 1000.0) as i64 + flags.timestamp_offset_s;
        let key = SigningKey::parse(SIGNING_SECRET).expect("the signing secret is valid");
        let signature = key.sign(&id, timestamp, request.body.as_deref().unwrap_or(""));
        request.headers.push((header::WEBHOOK_ID.into(), id));
        request
            .headers
            .push((header::WEBHOOK_TIMESTAMP.into(), timestamp.to_string()));
        request
            .headers
            .push((header::WEBHOOK_SIGNATURE.into(), signature));
    }
    request.headers.extend(given);
    request
}

/// The invariants of every response. `assets_before` is the number of assets stored before
/// the request.
fn check(
    response: &Response,
    storage: &MemoryStorage,
    assets_before: usize,
    storage_fails: bool,
    echoes_secret: bool,
) {
    let status = response.status;
    assert!(
        CONTRACT_STATUSES.contains(&status),
        "status {status} is not the contract's"
    );
    let body: Value = serde_json::from_str(&response.body)
        .unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", response.body));
    assert!(
        body.is_object(),
        "body is not a JSON object: {:?}",
        response.body
    );
    if !echoes_secret {
        for secret in [SECRET, PREVIOUS_SECRET, SIGNING_SECRET, SIGNING_KEY_BASE64] {
            assert!(
                !response.body.contains(secret),
                "the response leaks a secret"
            );
            for (_, value) in &response.headers {
                assert!(!value.contains(secret), "a response header leaks a secret");
            }
        }
    }
    let stored = asset_keys(storage);
    let added = stored - assets_before;
    match status {
        201 => {
            assert!(!storage_fails, "201 although storage failed");
            let id = body["assetId"].as_str().expect("a 201 names its asset");
            let key = format!("{ASSET_KEY_PREFIX}{id}");
            let record = storage
                .snapshot()
                .get(&key)
                .cloned()
                .expect("a 201's asset is stored");
            let record: Value = serde_json::from_str(&record).expect("stored record is JSON");
            assert_eq!(record, body["asset"], "the 201 answers what was stored");
            let replayed = response.header(header::IDEMPOTENT_REPLAYED).is_some();
            assert_eq!(added, usize::from(!replayed), "one 201, one new asset");
        }
        207 => {
            let results = body["results"].as_array().expect("a 207 lists results");
            let created: Vec<&str> = results
                .iter()
                .filter(|item| item["statusCode"] == 201)
                .map(|item| {
                    item["assetId"]
                        .as_str()
                        .expect("a created item names its asset")
                })
                .collect();
            assert!(
                !storage_fails || created.is_empty(),
                "207 with created items, storage down"
            );
            let snapshot = storage.snapshot();
            for id in &created {
                assert!(
                    snapshot.contains_key(&format!("{ASSET_KEY_PREFIX}{id}")),
                    "{id} lost"
                );
            }
            let replayed = response.header(header::IDEMPOTENT_REPLAYED).is_some();
            let expected = if replayed { 0 } else { created.len() };
            assert_eq!(added, expected, "a 207 stores exactly its created items");
        }
        _ => {
            assert_eq!(added, 0, "a {status} left an asset in storage");
            assert!(
                body["error"].is_string(),
                "an error answer has an error text"
            );
            if !storage_fails {
                assert!(
                    status != 500 && status != 503,
                    "{status} with healthy storage"
                );
            }
        }
    }
}

fn asset_keys(storage: &MemoryStorage) -> usize {
    storage
        .snapshot()
        .keys()
        .filter(|key| key.starts_with(ASSET_KEY_PREFIX))
        .count()
}

/// Whether the body holds a secret anywhere other than its top-level `secret` member, for
/// example as an asset's name: the caller chose to publish it then, and a 201 echoes it.
fn carries_secret_outside_credential(body: &str) -> bool {
    let text = body.strip_prefix('\u{feff}').unwrap_or(body);
    let Ok(mut value) = serde_json::from_str::<Value>(text) else {
        return false;
    };
    if let Some(members) = value.as_object_mut() {
        members.remove("secret");
    }
    mentions_secret(&value)
}

fn mentions_secret(value: &Value) -> bool {
    let has = |text: &str| {
        let text = text.to_lowercase();
        [SECRET, PREVIOUS_SECRET, SIGNING_SECRET, SIGNING_KEY_BASE64]
            .iter()
            .any(|secret| text.contains(&secret.to_lowercase()))
    };
    match value {
        Value::String(text) => has(text),
        Value::Array(items) => items.iter().any(mentions_secret),
        Value::Object(members) => members.iter().any(|(k, v)| has(k) || mentions_secret(v)),
        _ => false,
    }
}
