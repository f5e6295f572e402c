//! The one error type of the contract. Each variant knows its status code and its message,
//! so the handler has a single place where an error becomes a response.

use crate::contract::{header, message};
use crate::response::Response;

/// Why a field was rejected, as reported in `details`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name in the request body.
    pub field: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    /// A field error with a fixed message.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// Everything that stops a request from registering an asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// 405: only POST is accepted.
    MethodNotAllowed,
    /// 503: no secret is configured, so nobody can be authenticated.
    NotConfigured,
    /// 413: the body is over [`crate::contract::MAX_BODY_BYTES`].
    BodyTooLarge,
    /// 400: the body is absent, malformed, not an object, too deep or has a duplicated key.
    InvalidJson,
    /// 401: the secret is absent, not a string or wrong.
    InvalidSecret,
    /// 401: a signed request whose signature headers are malformed or do not verify.
    InvalidSignature,
    /// 400: required fields that are absent, `null` or empty, in contract order.
    MissingFields(Vec<&'static str>),
    /// 400: fields present but not acceptable.
    InvalidFields(Vec<FieldError>),
    /// 400: the Idempotency-Key header is malformed.
    InvalidIdempotencyKey,
    /// 422: the Idempotency-Key was used before with a different payload.
    IdempotencyKeyReused,
    /// 409: the Idempotency-Key is held by a request still in flight.
    IdempotencyInFlight,
    /// 503: storage refused the call for now (rate limited).
    StorageRateLimited,
    /// 500: storage failed; nothing was registered.
    StorageFailed,
    /// 500: the system's random generator failed, so no asset id could be made.
    RandomUnavailable,
    /// 400: an item of a batch is not a JSON object.
    AssetNotObject,
}

impl Error {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Error::MethodNotAllowed => 405,
            Error::NotConfigured | Error::StorageRateLimited => 503,
            Error::BodyTooLarge => 413,
            Error::InvalidJson
            | Error::MissingFields(_)
            | Error::InvalidFields(_)
            | Error::InvalidIdempotencyKey
            | Error::AssetNotObject => 400,
            Error::InvalidSecret | Error::InvalidSignature => 401,
            Error::IdempotencyKeyReused => 422,
            Error::IdempotencyInFlight => 409,
            Error::StorageFailed | Error::RandomUnavailable => 500,
        }
    }

    /// The `error` text of the response body.
    pub fn message(&self) -> String {
        match self {
            Error::MethodNotAllowed => message::METHOD_NOT_ALLOWED.into(),
            Error::NotConfigured => message::NOT_CONFIGURED.into(),
            Error::BodyTooLarge => message::BODY_TOO_LARGE.into(),
            Error::InvalidJson => message::INVALID_JSON.into(),
            Error::InvalidSecret => message::INVALID_SECRET.into(),
            Error::InvalidSignature => message::INVALID_SIGNATURE.into(),
            Error::MissingFields(names) => list(message::MISSING_FIELDS, names),
            Error::InvalidFields(details) => invalid_fields_message(details),
            Error::InvalidIdempotencyKey => message::INVALID_IDEMPOTENCY_KEY.into(),
            Error::IdempotencyKeyReused => message::IDEMPOTENCY_KEY_REUSED.into(),
            Error::IdempotencyInFlight => message::IDEMPOTENCY_IN_FLIGHT.into(),
            Error::StorageRateLimited => message::STORAGE_RATE_LIMITED.into(),
            Error::StorageFailed => message::STORAGE_FAILED.into(),
            Error::RandomUnavailable => message::RANDOM_UNAVAILABLE.into(),
            Error::AssetNotObject => message::ASSET_NOT_OBJECT.into(),
        }
    }

    /// The per-field details, for the errors that have them.
    pub fn details(&self) -> Option<&[FieldError]> {
        match self {
            Error::InvalidFields(details) => Some(details),
            _ => None,
        }
    }

    /// The response that answers this error.
    pub fn into_response(self) -> Response {
        let mut response = Response::error(self.status(), &self.message(), self.details());
        match self {
            Error::MethodNotAllowed => response.add_header(header::ALLOW, "POST"),
            Error::StorageRateLimited => {
                response.add_header(header::RETRY_AFTER, crate::contract::RETRY_AFTER_SECONDS)
            }
            _ => {}
        }
        response
    }
}

/// "Invalid field: x" or "Invalid fields: x, y", each field named once, in report order.
fn invalid_fields_message(details: &[FieldError]) -> String {
    let mut names: Vec<&str> = Vec::with_capacity(details.len());
    for detail in details {
        if !names.contains(&detail.field) {
            names.push(detail.field);
        }
    }
    let head = if names.len() == 1 {
        "Invalid field: "
    } else {
        "Invalid fields: "
    };
    list(head, &names)
}

/// `head` followed by the names, comma-separated.
fn list(head: &str, names: &[&str]) -> String {
    let mut text = String::from(head);
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            text.push_str(", ");
        }
        text.push_str(name);
    }
    text
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Error {}

/// A storage call that failed, as the host reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageError {
    /// The store is rate limiting (KVS answers 429): retry later.
    RateLimited,
    /// Any other failure, including a value that could not be decoded.
    Failed,
}

impl From<StorageError> for Error {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::RateLimited => Error::StorageRateLimited,
            StorageError::Failed => Error::StorageFailed,
        }
    }
}
