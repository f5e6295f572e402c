//! The wasm boundary, run in Node by wasm-bindgen-test: JavaScript values in, JavaScript
//! values out, storage as a JavaScript object whose methods succeed, throw or reject.
#![cfg(target_arch = "wasm32")]

use clarento_webhook::wasm::{handle_webtrigger, Webhook};
use js_sys::{Array, Function, Object, Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

const SECRET: &str = "wasm-secret";
const SEED: &str = r#"{"name":"logo.svg","cdnUrl":"https://cdn.example.com/logo.svg",
"mimeType":"image/svg+xml","sizeBytes":4096,"tags":["Logo","brand","Caf\u00e9","cafe\u0301"],
"secret":"wasm-secret"}"#;

fn js(source: &str) -> JsValue {
    Function::new_no_args(&format!("return ({source});"))
        .call0(&JsValue::NULL)
        .unwrap()
}

fn get(target: &JsValue, name: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(name)).unwrap()
}

/// A storage over a Map that records every value it is given, plus overrides.
fn storage(overrides: &str) -> JsValue {
    js(&format!(
        "(() => {{ const map = new Map(); return {{ map,
            get: async (k) => map.get(k),
            set: async (k, v) => {{ map.set(k, v); }},
            delete: async (k) => {{ map.delete(k); }},
            {overrides} }}; }})()"
    ))
}

fn request(headers: &str, body: &str) -> JsValue {
    let request = js(&format!(
        "{{ method: 'POST', path: '/', headers: {headers}, unknown: 1 }}"
    ));
    Reflect::set(&request, &"body".into(), &body.into()).unwrap();
    request
}

fn config(secret: &str) -> JsValue {
    js(&format!("{{ secret: {secret:?} }}"))
}

async fn settle(promise: Promise) -> JsValue {
    JsFuture::from(promise)
        .await
        .expect("handleWebtrigger never rejects")
}

async fn call(request: JsValue, storage: &JsValue) -> (u32, JsValue, JsValue) {
    let response = settle(handle_webtrigger(&request, &config(SECRET), storage).unwrap()).await;
    let status = get(&response, "statusCode").as_f64().unwrap() as u32;
    let body = JSON::parse(&get(&response, "body").as_string().unwrap()).unwrap();
    (status, get(&response, "headers"), body)
}

fn header(headers: &JsValue, name: &str) -> Option<String> {
    let value = get(headers, name);
    Array::is_array(&value).then(|| Array::from(&value).get(0).as_string().unwrap())
}

#[wasm_bindgen_test]
async fn a_web_trigger_request_becomes_a_stored_object() {
    let store = storage("");
    let (status, headers, body) =
        call(request("{ 'CONTENT-type': ['text/plain'] }", SEED), &store).await;
    assert_eq!(status, 201);
    assert_eq!(
        header(&headers, "Content-Type").as_deref(),
        Some("application/json")
    );
    let id = get(&body, "assetId").as_string().unwrap();
    let map = get(&store, "map");
    let stored = map
        .unchecked_ref::<js_sys::Map>()
        .get(&format!("asset:{id}").into());
    assert!(
        stored.is_object(),
        "storage receives a plain object, not a string"
    );
    assert_eq!(
        get(&stored, "name").as_string().as_deref(),
        Some("logo.svg")
    );
    let tags = JSON::stringify(&get(&stored, "tags"))
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(
        tags, r#"["logo","brand","café"]"#,
        "NFC comes from the host's normalize"
    );
}

#[wasm_bindgen_test]
async fn header_values_may_be_strings_and_names_any_case() {
    let store = storage("");
    let body = SEED.replace(r#""secret":"wasm-secret""#, r#""x":1"#);
    let headers = format!("{{ AUTHORIZATION: 'Bearer {SECRET}', other: [1, null] }}");
    let (status, _, _) = call(request(&headers, &body), &store).await;
    assert_eq!(status, 201);
}

#[wasm_bindgen_test]
async fn odd_requests_are_answered_not_thrown() {
    let store = storage("");
    for value in [
        "undefined",
        "null",
        "42",
        "{ method: 'POST' }",
        "{ method: 'POST', body: 7 }",
    ] {
        let response =
            settle(handle_webtrigger(&js(value), &config(SECRET), &store).unwrap()).await;
        let status = get(&response, "statusCode").as_f64().unwrap();
        assert!(status == 405.0 || status == 400.0, "{value}: {status}");
    }
}

#[wasm_bindgen_test]
async fn storage_errors_become_500_or_503() {
    let cases = [
        ("set: () => { throw new Error('sync'); }", 500, None),
        ("set: async () => { throw new Error('async'); }", 500, None),
        (
            "set: () => Promise.reject(Object.assign(new Error('slow down'), { status: 429 }))",
            503,
            Some("5"),
        ),
        (
            "set: () => Promise.reject({ statusCode: 429 })",
            503,
            Some("5"),
        ),
        ("set: 'not a function'", 500, None),
    ];
    for (overrides, expected, retry_after) in cases {
        let (status, headers, body) = call(request("{}", SEED), &storage(overrides)).await;
        assert_eq!(status, expected, "{overrides}");
        assert_eq!(header(&headers, "Retry-After").as_deref(), retry_after);
        assert!(get(&body, "assetId").is_undefined());
    }
}

#[wasm_bindgen_test]
async fn garbage_from_get_on_the_idempotency_path_is_500() {
    for garbage in [
        "() => 1",
        "10n",
        "(() => { const o = {}; o.self = o; return o; })()",
        "'text'",
    ] {
        let store = storage(&format!(
            "setIfAbsent: async () => false, get: async () => {garbage}"
        ));
        let (status, _, _) = call(request("{ 'Idempotency-Key': ['k1'] }", SEED), &store).await;
        assert_eq!(status, 500, "{garbage}");
    }
}

#[wasm_bindgen_test]
async fn a_storage_without_set_if_absent_still_gets_idempotency() {
    let store = storage("");
    let (first, _, a) = call(request("{ 'Idempotency-Key': ['k2'] }", SEED), &store).await;
    let (again, headers, b) = call(request("{ 'idempotency-key': 'k2' }", SEED), &store).await;
    assert_eq!((first, again), (201, 201));
    assert_eq!(get(&a, "assetId"), get(&b, "assetId"));
    assert_eq!(
        header(&headers, "Idempotent-Replayed").as_deref(),
        Some("true")
    );
}

#[wasm_bindgen_test]
fn the_webhook_steps_through_storage_calls() {
    let webhook = Webhook::new(&config(SECRET)).unwrap();
    assert_eq!(
        webhook.start("GET".into(), "", None, 0.0),
        "R\u{1f}405\u{1f}\u{1f}Allow\u{1f}POST\u{1e}{\"error\":\"Method not allowed\"}"
    );
    let body = SEED.to_owned();
    let step = webhook.start("POST".into(), "Idempotency-Key\u{1f}k3", Some(body), 1.8e12);
    let (head, payload) = step.split_once('\u{1e}').unwrap();
    let fields: Vec<&str> = head.split('\u{1f}').collect();
    assert_eq!(fields[0], "P");
    assert_eq!(fields[2], "a", "the key is claimed first");
    assert!(fields[3].starts_with("idem:"));
    assert_eq!(fields[4], "86400");
    assert!(payload.contains("\"state\":\"pending\""));
    assert_eq!(webhook.in_flight(), 1);
    let id: u32 = fields[1].parse().unwrap();
    let next = webhook.resume(id, 1, None, 1.8e12);
    assert!(
        next.starts_with("P\u{1f}"),
        "then the asset is stored: {next}"
    );
    let id: u32 = next.split('\u{1f}').nth(1).unwrap().parse().unwrap();
    webhook.abandon(id);
    assert_eq!(webhook.in_flight(), 0);
    let stale = webhook.resume(id, 0, None, 1.8e12);
    assert!(
        stale.starts_with("R\u{1f}500\u{1f}"),
        "an unknown exchange is a failure: {stale}"
    );
}

#[wasm_bindgen_test]
fn a_last_storage_call_carries_its_answer() {
    let webhook = Webhook::new(&config(SECRET)).unwrap();
    let step = webhook.start("POST".into(), "", Some(SEED.to_owned()), 1.8e12);
    let mut parts = step.splitn(3, '\u{1e}');
    let (head, record, answer) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    assert!(
        head.starts_with("F\u{1f}0\u{1f}s\u{1f}asset:asset_"),
        "{head}"
    );
    assert!(record.starts_with("{\"id\":\"asset_"), "{record}");
    assert!(answer.starts_with("R\u{1f}201\u{1f}asset_"), "{answer}");
    // The record crosses once: the answer's body has ␝ where the driver splices it back.
    assert!(answer.ends_with(",\"asset\":\u{1d}}"), "{answer}");
    let body = answer
        .split_once('\u{1e}')
        .unwrap()
        .1
        .replace('\u{1d}', record);
    assert!(
        body.starts_with("{\"success\":true,\"assetId\":\"asset_"),
        "{body}"
    );
    assert!(body.ends_with(&format!(",\"asset\":{record}}}")), "{body}");
    assert_eq!(webhook.in_flight(), 0, "nothing is kept for a last call");
    assert!(webhook
        .final_failed(4)
        .starts_with("R\u{1f}503\u{1f}\u{1f}Retry-After\u{1f}5\u{1e}"));
    assert!(webhook
        .final_failed(5)
        .starts_with("R\u{1f}500\u{1f}\u{1e}{\"error\":"));
}

#[wasm_bindgen_test]
fn a_bad_signing_secret_is_refused_at_configuration() {
    assert!(Webhook::new(&js("{ secret: 's', signingSecret: 'whsec_***' }")).is_err());
    assert!(Webhook::new(&js("{ secret: 's', requireSignature: true }")).is_err());
    assert!(handle_webtrigger(&js("{}"), &js("{ signingSecret: '!' }"), &storage("")).is_err());
    assert!(
        Webhook::new(&Object::new().into()).is_ok(),
        "unconfigured answers 503 later"
    );
}
