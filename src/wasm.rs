//! The WebAssembly edge: converts, forwards, and keeps each request's [`Exchange`] between
//! the storage calls that JavaScript makes.
//!
//! Nothing here decides anything about the contract, and nothing here awaits: the core says
//! which storage call it needs, the JavaScript driver (`js/driver.js`) makes it and resumes
//! the exchange with the outcome. One call into the module per step, strings only, no
//! futures and no closures across the boundary.
//!
//! A step crosses as one string. A response is
//! `R␟status␟assetId(␟name␟value)*␞body`; a storage call is `P␟exchange␟op␟key␟ttl␞payload`
//! with `op` one of `g` (get), `s` (set), `a` (setIfAbsent), `d` (delete) and `b` (batchSet,
//! whose payload is `key␟json` pairs joined by `␟`). A storage call that is the exchange's
//! last is `F␟0␟op␟key␟ttl␞payload␞` followed by the response to give if it succeeds; the
//! exchange is not kept, and a failure is answered by [`Webhook::final_failed`].
//!
//! When that response's body ends with the payload and `}` (a 201 ends with the stored
//! asset), the body carries ␝ in its place and the driver splices the payload back, so it
//! crosses once.
//!
//! ␟ is U+001F, ␞ is U+001E and ␝ is U+001D: none can occur in the JSON this crate writes,
//! which escapes every control character.

use crate::error::StorageError;
use crate::handler::{Config, Env, Exchange, Op, Outcome, Step};
use crate::id::IdGenerator;
use crate::request::Request;
use crate::text::Normalizer;
use crate::write::push_u64;
use js_sys::{JsString, Promise, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// Separates the fields of a step, and the names and values of flattened headers.
const UNIT: char = '\u{1f}';
/// Separates a step's fields from its body or payload.
const RECORD: char = '\u{1e}';
/// Stands, in the answer of a final step, for the payload it embeds.
const SPLICE: char = '\u{1d}';
/// First character of a storage call that the exchange continues from.
const PERFORM: char = 'P';
/// First character of a storage call that is the exchange's last.
const FINAL: char = 'F';

/// Outcome codes that [`Webhook::resume`] accepts from the driver.
mod outcome {
    /// A write or delete succeeded.
    pub const DONE: u8 = 0;
    /// A conditional write wrote.
    pub const WRITTEN: u8 = 1;
    /// A conditional write found the key taken.
    pub const TAKEN: u8 = 2;
    /// A read answered; the value is its JSON text, or absent.
    pub const VALUE: u8 = 3;
    /// The store is rate limiting.
    pub const RATE_LIMITED: u8 = 4;
}

// Known cost: wasm-bindgen copies js/driver.js into the glue's snippets, so a host that also
// imports js/core.js loads the driver twice (2.5 KB gzipped); the copy's path is not stable.
#[wasm_bindgen(module = "/js/driver.js")]
extern "C" {
    /// Drives an exchange through a JavaScript storage object to the web trigger response.
    #[wasm_bindgen(js_name = driveWebhook)]
    fn drive_webhook(webhook: Webhook, request: &JsValue, storage: &JsValue) -> Promise;
}

/// A configured webhook and its requests in flight.
#[wasm_bindgen]
pub struct Webhook {
    config: Config,
    ids: RefCell<IdGenerator>,
    exchanges: RefCell<Vec<Option<Exchange>>>,
}

#[wasm_bindgen]
impl Webhook {
    /// Reads `{ secret, previousSecret, signingSecret, requireSignature }`. Throws on a
    /// signing secret that is not `whsec_<base64>`, or a required signature without one.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &JsValue) -> Result<Webhook, JsError> {
        let text = |name: &str| get(config, name).as_string().unwrap_or_default();
        let require = get(config, "requireSignature").is_truthy();
        let config = Config::new(
            &text("secret"),
            &text("previousSecret"),
            &text("signingSecret"),
            require,
        )
        .map_err(|error| JsError::new(error.message()))?;
        Ok(Webhook {
            config,
            ids: RefCell::default(),
            exchanges: RefCell::default(),
        })
    }

    /// Starts a request. `headers` is `name␟value␟name␟value…`; `body` is absent when the
    /// request has none. Returns the first step.
    pub fn start(&self, method: String, headers: &str, body: Option<String>, now: f64) -> String {
        let request = Request {
            method,
            headers: split_headers(headers),
            body,
        };
        let env = Env {
            normalizer: &JsNormalizer,
            ids: &self.ids,
            now_ms: now,
        };
        let (exchange, step) = Exchange::start(&self.config, &request, &env);
        self.encode(exchange, step)
    }

    /// Continues exchange `id` with the outcome of its storage call (one of the codes in
    /// `outcome`; any other code is a failure). Returns the next step.
    pub fn resume(&self, id: u32, code: u8, value: Option<String>, now: f64) -> String {
        let Some(mut exchange) = self.take(id) else {
            return encode_response(&crate::Error::StorageFailed.into_response());
        };
        let outcome = match code {
            outcome::DONE => Outcome::Done,
            outcome::WRITTEN => Outcome::Written(true),
            outcome::TAKEN => Outcome::Written(false),
            outcome::VALUE => Outcome::Value(value),
            outcome::RATE_LIMITED => Outcome::Failed(StorageError::RateLimited),
            _ => Outcome::Failed(StorageError::Failed),
        };
        let env = Env {
            normalizer: &JsNormalizer,
            ids: &self.ids,
            now_ms: now,
        };
        let step = exchange.resume(outcome, &env);
        self.encode(exchange, step)
    }

    /// The answer to a final storage call (an `F` step) that failed with outcome `code`.
    #[wasm_bindgen(js_name = finalFailed)]
    pub fn final_failed(&self, code: u8) -> String {
        let error = match code {
            outcome::RATE_LIMITED => StorageError::RateLimited,
            _ => StorageError::Failed,
        };
        encode_response(&crate::Error::from(error).into_response())
    }

    /// Forgets exchange `id`, whose storage call will never be answered (the driver's
    /// deadline passed).
    pub fn abandon(&self, id: u32) {
        drop(self.take(id));
    }

    /// Requests in flight, for tests and diagnostics.
    #[wasm_bindgen(getter, js_name = inFlight)]
    pub fn in_flight(&self) -> u32 {
        self.exchanges
            .borrow()
            .iter()
            .filter(|slot| slot.is_some())
            .count() as u32
    }

    fn take(&self, id: u32) -> Option<Exchange> {
        self.exchanges.borrow_mut().get_mut(id as usize)?.take()
    }

    /// Keeps the exchange when the step is a storage call, and encodes the step.
    fn encode(&self, exchange: Exchange, step: Step) -> String {
        match step {
            Step::Respond(response) => encode_response(&response),
            Step::Perform(op) => {
                // The last call: its success answer rides along and nothing is kept.
                if let Some(response) = exchange.final_response() {
                    return encode_final(op, response);
                }
                let mut slots = self.exchanges.borrow_mut();
                let id = match slots.iter().position(Option::is_none) {
                    Some(free) => free,
                    None => {
                        slots.push(None);
                        slots.len() - 1
                    }
                };
                slots[id] = Some(exchange);
                encode_op(PERFORM, id, op)
            }
        }
    }
}

/// Handles a Forge web trigger request: `request` in the web trigger shape, `config` as for
/// [`Webhook::new`], `storage` with `get`, `set` and `delete` (and, when it has them,
/// `setIfAbsent` and `batchSet`). Resolves to `{ statusCode, headers, body }`.
#[wasm_bindgen(js_name = handleWebtrigger)]
pub fn handle_webtrigger(
    request: &JsValue,
    config: &JsValue,
    storage: &JsValue,
) -> Result<Promise, JsError> {
    Ok(drive_webhook(Webhook::new(config)?, request, storage))
}

/// Panics on purpose, so the shim's recovery from a trapped instance can be tested.
#[cfg(feature = "test-panic")]
#[wasm_bindgen(js_name = panicForTest)]
pub fn panic_for_test() {
    panic!("deliberate panic for the trap-recovery test");
}

fn get(target: &JsValue, name: &str) -> JsValue {
    if !target.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(target, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn split_headers(flat: &str) -> Vec<(String, String)> {
    let mut parts = flat.split(UNIT);
    let mut headers = Vec::new();
    while let (Some(name), Some(value)) = (parts.next(), parts.next()) {
        headers.push((name.to_owned(), value.to_owned()));
    }
    headers
}

/// The last storage call with its success answer. A 201 body ends with the stored record and
/// `}`: the record is sent once, and the driver puts it back where the body has ␝.
fn encode_final(op: Op, response: &crate::Response) -> String {
    let mut out = encode_op(FINAL, 0, op);
    let payload_at = out.find(RECORD).map_or(out.len(), |at| at + 1);
    let payload = &out[payload_at..];
    let head = response
        .body
        .strip_suffix('}')
        .and_then(|head| head.strip_suffix(payload))
        .filter(|_| !payload.is_empty());
    let answer = match head {
        Some(head) => {
            let mut body = String::with_capacity(head.len() + 2);
            body.push_str(head);
            body.push(SPLICE);
            body.push('}');
            encode_response_with_body(response, &body)
        }
        None => encode_response(response),
    };
    out.push(RECORD);
    out.push_str(&answer);
    out
}

fn encode_response(response: &crate::Response) -> String {
    encode_response_with_body(response, &response.body)
}

fn encode_response_with_body(response: &crate::Response, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 64);
    out.push('R');
    out.push(UNIT);
    push_u64(&mut out, u64::from(response.status));
    out.push(UNIT);
    out.push_str(response.asset_id.as_deref().unwrap_or(""));
    for (name, value) in &response.headers {
        out.push(UNIT);
        out.push_str(name);
        out.push(UNIT);
        out.push_str(value);
    }
    out.push(RECORD);
    out.push_str(body);
    out
}

fn encode_op(kind: char, id: usize, op: Op) -> String {
    let mut out = String::with_capacity(op_capacity(&op));
    out.push(kind);
    out.push(UNIT);
    push_u64(&mut out, id as u64);
    out.push(UNIT);
    let (code, key, ttl, payload) = match op {
        Op::Get(key) => ('g', key, None, String::new()),
        Op::Set(key, json, ttl) => ('s', key, ttl, json),
        Op::SetIfAbsent(key, json, ttl) => ('a', key, ttl, json),
        Op::Delete(key) => ('d', key, None, String::new()),
        Op::BatchSet(entries) => {
            let mut payload = String::new();
            for (i, (key, json)) in entries.iter().enumerate() {
                if i > 0 {
                    payload.push(UNIT);
                }
                payload.push_str(key);
                payload.push(UNIT);
                payload.push_str(json);
            }
            ('b', String::new(), None, payload)
        }
    };
    out.push(code);
    out.push(UNIT);
    out.push_str(&key);
    out.push(UNIT);
    if let Some(ttl) = ttl {
        push_u64(&mut out, ttl);
    }
    out.push(RECORD);
    out.push_str(&payload);
    out
}

/// Room for an encoded storage call, so that it is written without growing.
fn op_capacity(op: &Op) -> usize {
    const FIELDS: usize = 64;
    FIELDS
        + match op {
            Op::Get(key) | Op::Delete(key) => key.len(),
            Op::Set(key, json, _) | Op::SetIfAbsent(key, json, _) => key.len() + json.len(),
            Op::BatchSet(entries) => entries.iter().map(|(k, j)| k.len() + j.len() + 2).sum(),
        }
}

/// Lowercase and NFC through the host's `toLowerCase` and `normalize`.
struct JsNormalizer;

impl Normalizer for JsNormalizer {
    fn lowercase_nfc(&self, text: &str) -> String {
        let folded = JsString::from(text).to_lower_case().normalize("NFC");
        // A JavaScript string always converts; the fallback keeps the text rather than panic.
        folded.as_string().unwrap_or_else(|| text.to_owned())
    }
}
