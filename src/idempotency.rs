//! Idempotency keys, after the IETF `Idempotency-Key` draft and Stripe's semantics.
//!
//! The first request with a key takes it with an atomic `set_if_absent` of a pending record.
//! A repeat with the same payload replays the stored response; a different payload is a 422;
//! a repeat while the first is still pending is a 409. Records expire after 24 hours: the
//! store's TTL removes them where it has one, and `expiresAt` is checked where it does not.

use crate::contract::{
    field, IDEMPOTENCY_KEY_PREFIX, IDEMPOTENCY_LEASE_MS, IDEMPOTENCY_TTL_SECONDS,
    MAX_IDEMPOTENCY_KEY_BYTES,
};
use crate::error::Error;
use crate::json::Json;
use crate::response::Response;
use crate::write::Object;
use sha2::{Digest, Sha256};
use std::borrow::Cow;

/// Milliseconds an idempotency record lives.
const TTL_MS: u64 = IDEMPOTENCY_TTL_SECONDS * 1000;
/// `state` of a record whose request is still running.
const STATE_PENDING: &str = "pending";
/// `state` of a record that holds the finished response.
const STATE_DONE: &str = "done";

/// A validated idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key(String);

impl Key {
    /// Validates a header value: 1 to 255 visible ASCII characters or spaces. A value in
    /// double quotes (a Structured Field string, as the draft writes it) is unquoted.
    pub fn parse(value: &str) -> Result<Self, Error> {
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        let printable = value.bytes().all(|b| (0x20..=0x7e).contains(&b));
        if value.is_empty() || value.len() > MAX_IDEMPOTENCY_KEY_BYTES || !printable {
            return Err(Error::InvalidIdempotencyKey);
        }
        Ok(Self(value.to_owned()))
    }

    /// The storage key of this key's record: a digest, so any caller key obeys the store's
    /// key rules (Forge KVS allows a narrow character set).
    pub fn storage_key(&self) -> String {
        let mut key = String::from(IDEMPOTENCY_KEY_PREFIX);
        key.push_str(&hex(&Sha256::digest(self.0.as_bytes())));
        key
    }
}

/// A digest of the payload: the parsed body without its `secret`, so a retry after a secret
/// rotation, with different whitespace or with members in another order, still counts as
/// the same payload.
pub fn fingerprint(body: &Json<'_>) -> String {
    let mut hasher = Sha256::new();
    if let Json::Object(members) = body {
        for (key, value) in in_key_order(members).filter(|(k, _)| k != field::SECRET) {
            feed_str(&mut hasher, key);
            feed(&mut hasher, value);
        }
    }
    hex(&hasher.finalize())
}

/// An object's members sorted by key: JSON objects are unordered. Insertion sort, since
/// objects are small and bounded by `MAX_OBJECT_MEMBERS`, and it links no sort machinery.
fn in_key_order<'j, 'a>(
    members: &'j [(Cow<'a, str>, Json<'a>)],
) -> impl Iterator<Item = &'j (Cow<'a, str>, Json<'a>)> {
    let mut sorted: Vec<&(Cow<'a, str>, Json<'a>)> = Vec::with_capacity(members.len());
    for member in members {
        let at = sorted
            .iter()
            .position(|other| other.0 > member.0)
            .unwrap_or(sorted.len());
        sorted.insert(at, member);
    }
    sorted.into_iter()
}

/// Feeds a value to the hash unambiguously: a type tag, then length-prefixed content.
fn feed(hasher: &mut Sha256, value: &Json<'_>) {
    match value {
        Json::Null => hasher.update(b"n"),
        Json::Bool(b) => hasher.update(if *b { b"t" } else { b"f" }),
        Json::Number(n) => {
            // The canonical decimal: `1`, `1.0` and `1e0` are one number, as are `-0` and 0.
            let decimal = n.decimal();
            if decimal.exact {
                hasher.update(if decimal.negative { b"-" } else { b"+" });
                feed_str(hasher, &decimal.digits);
                hasher.update(decimal.exponent.to_be_bytes());
            } else {
                // An exponent too long to hold: the literal itself, so no two collide.
                hasher.update(b"L");
                feed_str(hasher, n.literal());
            }
        }
        Json::String(s) => {
            hasher.update(b"s");
            feed_str(hasher, s);
        }
        Json::Array(items) => {
            hasher.update(b"a");
            hasher.update((items.len() as u64).to_be_bytes());
            items.iter().for_each(|item| feed(hasher, item));
        }
        Json::Object(members) => {
            hasher.update(b"o");
            hasher.update((members.len() as u64).to_be_bytes());
            for (key, item) in in_key_order(members) {
                feed_str(hasher, key);
                feed(hasher, item);
            }
        }
    }
}

fn feed_str(hasher: &mut Sha256, text: &str) {
    hasher.update((text.len() as u64).to_be_bytes());
    hasher.update(text.as_bytes());
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0xf)] as char);
    }
    out
}

/// A stored idempotency record.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// `pending` or `done`.
    pub state: &'static str,
    /// The payload's fingerprint.
    pub fingerprint: String,
    /// When the key was taken, in ms since the epoch.
    pub created_at: u64,
    /// When the record stops counting, in ms since the epoch.
    pub expires_at: u64,
    /// The finished response's status (done records only).
    pub status_code: Option<u16>,
    /// The finished response's body (done records only).
    pub body: Option<String>,
    /// The asset the finished response registered, if one.
    pub asset_id: Option<String>,
}

/// What to do with a request whose key is already taken.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// The record is expired or abandoned: take the key over and process the request.
    TakeOver,
    /// Answer with the stored response.
    Replay(Response),
    /// Refuse the request.
    Refuse(Error),
}

impl Record {
    /// A record that holds the key while the request runs.
    pub fn pending(fingerprint: &str, now_ms: u64) -> Self {
        Self {
            state: STATE_PENDING,
            fingerprint: fingerprint.to_owned(),
            created_at: now_ms,
            expires_at: now_ms.saturating_add(TTL_MS),
            status_code: None,
            body: None,
            asset_id: None,
        }
    }

    /// A record that holds a finished response.
    pub fn done(fingerprint: &str, now_ms: u64, response: &Response) -> Self {
        Self {
            state: STATE_DONE,
            status_code: Some(response.status),
            body: Some(response.body.clone()),
            asset_id: response.asset_id.clone(),
            ..Self::pending(fingerprint, now_ms)
        }
    }

    /// The record as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(160 + self.body.as_ref().map_or(0, String::len));
        let mut object = Object::open(&mut out);
        object
            .string("state", self.state)
            .string("fingerprint", &self.fingerprint)
            .number("createdAt", self.created_at)
            .number("expiresAt", self.expires_at);
        if let Some(status) = self.status_code {
            object.number("statusCode", u64::from(status));
        }
        if let Some(body) = &self.body {
            object.string("body", body);
        }
        if let Some(asset_id) = &self.asset_id {
            object.string("assetId", asset_id);
        }
        object.close();
        out
    }

    /// Reads a stored record; `None` when it is not one.
    pub fn parse(text: &str) -> Option<Self> {
        let value = crate::json::parse(text)?;
        let state = match value.get("state") {
            Some(Json::String(s)) if s == STATE_PENDING => STATE_PENDING,
            Some(Json::String(s)) if s == STATE_DONE => STATE_DONE,
            _ => return None,
        };
        let number = |name| match value.get(name) {
            Some(Json::Number(n)) => n.whole(),
            _ => None,
        };
        let string = |name| match value.get(name) {
            Some(Json::String(s)) => Some(s.to_string()),
            _ => None,
        };
        let status_code = number("statusCode").and_then(|n| u16::try_from(n).ok());
        let body = string("body");
        if state == STATE_DONE && (status_code.is_none() || body.is_none()) {
            return None;
        }
        Some(Self {
            state,
            fingerprint: string("fingerprint")?,
            created_at: number("createdAt")?,
            expires_at: number("expiresAt")?,
            status_code,
            body,
            asset_id: string("assetId"),
        })
    }

    /// What a request with `fingerprint` at `now_ms` does with this record.
    pub fn decide(&self, fingerprint: &str, now_ms: u64) -> Decision {
        if self.expires_at <= now_ms {
            return Decision::TakeOver;
        }
        if self.fingerprint != fingerprint {
            return Decision::Refuse(Error::IdempotencyKeyReused);
        }
        match (self.state, self.status_code, &self.body) {
            (STATE_DONE, Some(status), Some(body)) => {
                let mut response = Response::json(status, body.clone());
                response.asset_id = self.asset_id.clone();
                response.mark_replayed();
                Decision::Replay(response)
            }
            _ if now_ms.saturating_sub(self.created_at) > IDEMPOTENCY_LEASE_MS => {
                Decision::TakeOver
            }
            _ => Decision::Refuse(Error::IdempotencyInFlight),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_validated() {
        assert!(Key::parse("ci-run-42/banner").is_ok());
        assert_eq!(
            Key::parse("\"quoted\"").unwrap(),
            Key::parse("quoted").unwrap()
        );
        assert!(Key::parse(&"k".repeat(MAX_IDEMPOTENCY_KEY_BYTES)).is_ok());
        for bad in [
            String::new(),
            "\"\"".into(),
            "k".repeat(256),
            "tab\there".into(),
            "é".into(),
        ] {
            assert_eq!(
                Key::parse(&bad),
                Err(Error::InvalidIdempotencyKey),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn storage_keys_are_safe_for_kvs() {
        let key = Key::parse("any key: with / odd ? chars")
            .unwrap()
            .storage_key();
        assert!(key.starts_with(IDEMPOTENCY_KEY_PREFIX));
        assert!(key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b':'));
    }

    #[test]
    fn fingerprint_ignores_the_secret() {
        let a = crate::json::parse(r#"{"name":"a","secret":"one","n":-0}"#).unwrap();
        let b = crate::json::parse(r#"{ "name" : "a", "secret":"two", "n": 0.0 }"#).unwrap();
        let c = crate::json::parse(r#"{"name":"b","secret":"one","n":0}"#).unwrap();
        let d = crate::json::parse(r#"{"n":0,"secret":"one","name":"a"}"#).unwrap();
        let e = crate::json::parse(r#"{"x":{"b":1,"a":[2]},"y":1}"#).unwrap();
        let f = crate::json::parse(r#"{"y":1,"x":{"a":[2],"b":1}}"#).unwrap();
        let g = crate::json::parse(r#"{"y":1,"x":{"a":[2],"c":1}}"#).unwrap();
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_eq!(fingerprint(&a), fingerprint(&d));
        assert_eq!(fingerprint(&e), fingerprint(&f));
        assert_ne!(fingerprint(&f), fingerprint(&g));
        assert_ne!(fingerprint(&a), fingerprint(&c));
    }

    #[test]
    fn fingerprints_tell_numbers_apart_exactly() {
        let print = |body: &str| fingerprint(&crate::json::parse(body).unwrap());
        assert_eq!(print(r#"{"n":4096}"#), print(r#"{"n":4.096e3}"#));
        assert_ne!(
            print(r#"{"n":4096}"#),
            print(r#"{"n":4096.000000000000001}"#)
        );
        // Exponents too long to hold are compared as written, not as a clamped value.
        assert_ne!(
            print(r#"{"n":1e-1099511627777}"#),
            print(r#"{"n":1e-99999999999999999999999}"#)
        );
        assert_ne!(
            print(r#"{"n":10e-1099511627777}"#),
            print(r#"{"n":1e-1099511627775}"#)
        );
    }

    #[test]
    fn stored_statuses_out_of_range_are_not_records() {
        let record = |status: u32| {
            let fields = r#""state":"done","fingerprint":"fp","createdAt":1,"expiresAt":5"#;
            format!(r#"{{{fields},"statusCode":{status},"body":"{{}}"}}"#)
        };
        assert!(Record::parse(&record(200)).is_some());
        // 65736 would wrap to 200 as a u16.
        assert!(Record::parse(&record(65736)).is_none());
    }

    #[test]
    fn records_round_trip_and_decide() {
        let done = Record::done("fp", 1000, &Response::json(201, "{}".into()));
        let parsed = Record::parse(&done.to_json()).unwrap();
        assert_eq!(parsed, done);
        assert!(matches!(parsed.decide("fp", 2000), Decision::Replay(r) if r.status == 201));
        assert_eq!(
            parsed.decide("other", 2000),
            Decision::Refuse(Error::IdempotencyKeyReused)
        );
        assert_eq!(parsed.decide("fp", 1000 + TTL_MS), Decision::TakeOver);
        let pending = Record::pending("fp", 1000);
        assert_eq!(
            pending.decide("fp", 2000),
            Decision::Refuse(Error::IdempotencyInFlight)
        );
        assert_eq!(
            pending.decide("fp", 1001 + IDEMPOTENCY_LEASE_MS),
            Decision::TakeOver
        );
        assert!(Record::parse("{}").is_none());
        assert!(Record::parse("[1]").is_none());
    }
}
