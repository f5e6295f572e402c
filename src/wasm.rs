//! The WebAssembly edge: converts JavaScript values, forwards to the core, converts back.
//!
//! Nothing here decides anything about the contract. Calls into JavaScript are kept few:
//! the request is read once, each storage call is one call, and values cross as JSON text
//! that the host's own `JSON.parse` turns into objects.

use crate::error::StorageError;
use crate::handler::{self, Config, Context};
use crate::id::IdGenerator;
use crate::request::Request;
use crate::response::Response;
use crate::storage::Storage;
use crate::text::Normalizer;
use js_sys::{Array, Function, JsString, Object, Promise, Reflect, JSON};
use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// Response header sent with every answer.
const CONTENT_TYPE_JSON: &str = "application/json";
/// The HTTP status a storage error carries when the store rate-limits (Forge KVS, Workers KV).
const STATUS_TOO_MANY_REQUESTS: f64 = 429.0;

thread_local! {
    /// One id generator per instance, so ids stay ordered across every handler it serves.
    static IDS: Rc<RefCell<IdGenerator>> = Rc::new(RefCell::new(IdGenerator::new()));
}

/// A configured webhook. The JavaScript shim makes one per `createHandler` and reuses it.
#[wasm_bindgen]
pub struct Webhook {
    config: Rc<Config>,
}

#[wasm_bindgen]
impl Webhook {
    /// Reads `{ secret, previousSecret, signingSecret, requireSignature }`. Throws on a
    /// signing secret that is not `whsec_<base64>`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &JsValue) -> Result<Webhook, JsValue> {
        Ok(Webhook {
            config: Rc::new(read_config(config)?),
        })
    }

    /// Handles one request; resolves to `[statusCode, body, assetId, name, value, …]`, a
    /// compact form the shim turns into the host's response object.
    pub fn handle(&self, request: &JsValue, storage: JsValue) -> Promise {
        let config = Rc::clone(&self.config);
        let request = read_request(request);
        future_to_promise(async move {
            let response = run(&config, &request, storage).await;
            Ok(compact(response).into())
        })
    }
}

/// Handles a Forge web trigger request: `request` in the web trigger shape, `config` as for
/// [`Webhook::new`], `storage` with `get`, `set`, `delete` (and optionally `setIfAbsent`,
/// `batchSet`). Resolves to `{ statusCode, headers, body }`.
#[wasm_bindgen(js_name = handleWebtrigger)]
pub async fn handle_webtrigger(
    request: JsValue,
    config: JsValue,
    storage: JsValue,
) -> Result<JsValue, JsValue> {
    let config = read_config(&config)?;
    let request = read_request(&request);
    let response = run(&config, &request, storage).await;
    Ok(forge_response(&response))
}

/// Panics on purpose, so the shim's recovery from a trapped instance can be tested.
#[cfg(feature = "test-panic")]
#[wasm_bindgen(js_name = panicForTest)]
pub fn panic_for_test() {
    panic!("deliberate panic for the trap-recovery test");
}

async fn run(config: &Config, request: &Request, storage: JsValue) -> Response {
    let ids = IDS.with(Rc::clone);
    let storage = JsStorage(storage);
    let cx = Context {
        storage: &storage,
        normalizer: &JsNormalizer,
        ids: &ids,
        now_ms: js_sys::Date::now(),
    };
    handler::handle(config, request, &cx).await
}

fn read_config(config: &JsValue) -> Result<Config, JsValue> {
    let text = |name: &str| get(config, name).as_string().unwrap_or_default();
    let require = get(config, "requireSignature").is_truthy();
    Config::new(
        &text("secret"),
        &text("previousSecret"),
        &text("signingSecret"),
        require,
    )
    .map_err(|error| js_sys::Error::new(&error.to_string()).into())
}

fn get(target: &JsValue, name: &str) -> JsValue {
    if !target.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(target, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// Reads method, headers and body. Header values may be arrays (Forge) or plain strings.
fn read_request(request: &JsValue) -> Request {
    let method = get(request, "method").as_string().unwrap_or_default();
    let body = get(request, "body").as_string();
    let mut headers = Vec::new();
    let raw = get(request, "headers");
    if raw.is_object() {
        let names = Object::keys(raw.unchecked_ref::<Object>());
        for name in names.iter() {
            let Some(name_text) = name.as_string() else {
                continue;
            };
            let value = Reflect::get(&raw, &name).unwrap_or(JsValue::UNDEFINED);
            if let Some(text) = value.as_string() {
                headers.push((name_text, text));
            } else if Array::is_array(&value) {
                let values: &Array = value.unchecked_ref();
                for item in values.iter() {
                    if let Some(text) = item.as_string() {
                        headers.push((name_text.clone(), text));
                    }
                }
            }
        }
    }
    Request {
        method,
        headers,
        body,
    }
}

/// `[statusCode, body, assetId, name, value, …]`.
fn compact(response: Response) -> Array {
    let out = Array::new_with_length(3);
    out.set(0, JsValue::from(response.status));
    out.set(1, JsValue::from(response.body));
    out.set(
        2,
        response.asset_id.map_or(JsValue::UNDEFINED, JsValue::from),
    );
    for (name, value) in response.headers {
        out.push(&JsValue::from_str(name));
        out.push(&JsValue::from(value));
    }
    out
}

/// `{ statusCode, headers: { Name: [value] }, body }`.
fn forge_response(response: &Response) -> JsValue {
    let headers = Object::new();
    let set = |target: &JsValue, name: &str, value: &JsValue| {
        let _ = Reflect::set(target, &JsValue::from_str(name), value);
    };
    let one = |value: &str| Array::of1(&JsValue::from_str(value)).into();
    set(
        &headers,
        crate::contract::header::CONTENT_TYPE,
        &one(CONTENT_TYPE_JSON),
    );
    for (name, value) in &response.headers {
        set(&headers, name, &one(value));
    }
    let out: JsValue = Object::new().into();
    set(&out, "statusCode", &JsValue::from(response.status));
    set(&out, "headers", &headers);
    set(&out, "body", &JsValue::from_str(&response.body));
    out
}

/// NFC through the host's `String.prototype.normalize`.
struct JsNormalizer;

impl Normalizer for JsNormalizer {
    fn nfc<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if text.is_ascii() {
            return Cow::Borrowed(text);
        }
        match JsString::from(text).normalize("NFC").as_string() {
            Some(normalised) => Cow::Owned(normalised),
            None => Cow::Borrowed(text),
        }
    }
}

/// The host's storage object.
struct JsStorage(JsValue);

impl JsStorage {
    fn method(&self, name: &str) -> Option<Function> {
        get(&self.0, name).dyn_into::<Function>().ok()
    }

    /// Calls a method and awaits its result; a missing method, a synchronous throw and a
    /// rejection are all storage errors.
    async fn call(&self, name: &str, args: &[JsValue]) -> Result<JsValue, StorageError> {
        let method = self.method(name).ok_or(StorageError::Failed)?;
        let result = match args {
            [a] => method.call1(&self.0, a),
            [a, b] => method.call2(&self.0, a, b),
            [a, b, c] => method.call3(&self.0, a, b, c),
            _ => method.call0(&self.0),
        }
        .map_err(|error| classify(&error))?;
        JsFuture::from(Promise::resolve(&result))
            .await
            .map_err(|error| classify(&error))
    }
}

/// A rate limit is told by a `status` or `statusCode` of 429 on the thrown value.
fn classify(error: &JsValue) -> StorageError {
    let limited = ["status", "statusCode"]
        .iter()
        .any(|name| get(error, name).as_f64() == Some(STATUS_TOO_MANY_REQUESTS));
    if limited {
        StorageError::RateLimited
    } else {
        StorageError::Failed
    }
}

fn parse_json(json: &str) -> Result<JsValue, StorageError> {
    JSON::parse(json).map_err(|_| StorageError::Failed)
}

fn ttl_options(ttl_seconds: Option<u64>) -> Option<JsValue> {
    let ttl = ttl_seconds?;
    let options: JsValue = Object::new().into();
    let _ = Reflect::set(
        &options,
        &JsValue::from_str("ttlSeconds"),
        &JsValue::from(ttl as f64),
    );
    Some(options)
}

impl Storage for JsStorage {
    async fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        let value = self.call("get", &[JsValue::from_str(key)]).await?;
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        // A value that JSON cannot express (a function, a BigInt, a cycle) is garbage.
        let text = JSON::stringify(&value).map_err(|_| StorageError::Failed)?;
        text.as_string().map(Some).ok_or(StorageError::Failed)
    }

    async fn set(&self, key: &str, json: &str, ttl: Option<u64>) -> Result<(), StorageError> {
        let key = JsValue::from_str(key);
        let value = parse_json(json)?;
        match ttl_options(ttl) {
            Some(options) => self.call("set", &[key, value, options]).await?,
            None => self.call("set", &[key, value]).await?,
        };
        Ok(())
    }

    async fn set_if_absent(
        &self,
        key: &str,
        json: &str,
        ttl: Option<u64>,
    ) -> Result<bool, StorageError> {
        if self.method("setIfAbsent").is_none() {
            // A minimal storage without compare-and-set: check, then write. Not atomic.
            if self.get(key).await?.is_some() {
                return Ok(false);
            }
            self.set(key, json, ttl).await?;
            return Ok(true);
        }
        let key = JsValue::from_str(key);
        let value = parse_json(json)?;
        let options = ttl_options(ttl).unwrap_or(JsValue::UNDEFINED);
        let written = self.call("setIfAbsent", &[key, value, options]).await?;
        Ok(written.is_truthy())
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        self.call("delete", &[JsValue::from_str(key)]).await?;
        Ok(())
    }

    async fn batch_set(&self, entries: &[(String, String)]) -> Result<(), StorageError> {
        if self.method("batchSet").is_none() {
            for (key, json) in entries {
                self.set(key, json, None).await?;
            }
            return Ok(());
        }
        let list = Array::new();
        for (key, json) in entries {
            let entry: JsValue = Object::new().into();
            let _ = Reflect::set(&entry, &JsValue::from_str("key"), &JsValue::from_str(key));
            let _ = Reflect::set(&entry, &JsValue::from_str("value"), &parse_json(json)?);
            list.push(&entry);
        }
        self.call("batchSet", &[list.into()]).await?;
        Ok(())
    }
}
