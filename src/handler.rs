//! The contract's flow, host-independent: a request and a storage in, a response out.
//!
//! Order of checks: method (405), configuration (503), body size (413), signature (401),
//! JSON (400), secret (401), then fields (400). Storage is touched only after all of them.

use crate::asset::Asset;
use crate::auth::{bearer_token, Secrets};
use crate::contract::{field, header, MAX_BATCH_ASSETS, MAX_BODY_BYTES};
use crate::error::{Error, FieldError};
use crate::id::IdGenerator;
use crate::idempotency::{fingerprint, Decision, Key, Record};
use crate::json::{self, Json};
use crate::response::Response;
use crate::signature::{SignedHeaders, SigningKey};
use crate::storage::Storage;
use crate::text::Normalizer;
use crate::validate::{validate, AssetInput};
use crate::{batch, time};
use std::cell::RefCell;

/// How the webhook authenticates callers.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Shared secrets accepted in the body or as a bearer token.
    pub secrets: Secrets,
    /// Standard Webhooks signing key, when signing is configured.
    pub signing_key: Option<SigningKey>,
    /// Whether every request must carry a valid signature.
    pub require_signature: bool,
}

/// Why a configuration cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigError {
    /// The signing secret is not `whsec_` followed by base64.
    InvalidSigningSecret,
    /// Signatures are required but no signing secret is set.
    SignatureRequiredWithoutKey,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ConfigError::InvalidSigningSecret => {
                "the signing secret must be whsec_ followed by base64"
            }
            ConfigError::SignatureRequiredWithoutKey => {
                "signatures are required but no signing secret is set"
            }
        })
    }
}

impl Config {
    /// A configuration from the host's settings; empty strings mean "not set".
    pub fn new(
        secret: &str,
        previous_secret: &str,
        signing_secret: &str,
        require_signature: bool,
    ) -> Result<Self, ConfigError> {
        let signing_key = match signing_secret {
            "" => None,
            text => Some(SigningKey::parse(text).ok_or(ConfigError::InvalidSigningSecret)?),
        };
        if require_signature && signing_key.is_none() {
            return Err(ConfigError::SignatureRequiredWithoutKey);
        }
        Ok(Self {
            secrets: Secrets::new(secret, previous_secret),
            signing_key,
            require_signature,
        })
    }

    /// Whether any credential can be checked at all.
    pub fn is_configured(&self) -> bool {
        self.secrets.is_configured() || self.signing_key.is_some()
    }
}

/// Everything a request is handled with besides itself.
pub struct Context<'a, S, N> {
    /// Where assets and idempotency records go.
    pub storage: &'a S,
    /// NFC for tags.
    pub normalizer: &'a N,
    /// Source of asset ids, shared by every request of the instance.
    pub ids: &'a RefCell<IdGenerator>,
    /// The current time, ms since the epoch.
    pub now_ms: f64,
}

/// What a valid request asks to register.
enum Work {
    Single(AssetInput),
    Batch(Vec<Result<AssetInput, Error>>),
}

/// Handles one request. Never fails: every error becomes its response.
pub async fn handle<S: Storage, N: Normalizer>(
    config: &Config,
    request: &crate::request::Request,
    cx: &Context<'_, S, N>,
) -> Response {
    match run(config, request, cx).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn run<S: Storage, N: Normalizer>(
    config: &Config,
    request: &crate::request::Request,
    cx: &Context<'_, S, N>,
) -> Result<Response, Error> {
    if !request.is_post() {
        return Err(Error::MethodNotAllowed);
    }
    if !config.is_configured() {
        return Err(Error::NotConfigured);
    }
    let raw = request.body.as_deref().ok_or(Error::InvalidJson)?;
    if raw.len() > MAX_BODY_BYTES {
        return Err(Error::BodyTooLarge);
    }
    let signed_id = verify_signature(config, request, raw, cx.now_ms)?;
    let body = json::parse_object(raw)?;
    authenticate(config, request, &body, signed_id.is_some())?;
    let key = match request.header(header::IDEMPOTENCY_KEY) {
        Some(value) => Some(Key::parse(value)?),
        None => signed_id.map(Key::parse).transpose()?,
    };
    let work = plan(&body, cx.normalizer)?;
    match key {
        None => execute(work, cx).await,
        Some(key) => execute_once(&key, &fingerprint(&body), work, cx).await,
    }
}

/// Verifies Standard Webhooks headers when signing is configured. Returns the `webhook-id`
/// of a verified request, `None` for an unsigned one that is allowed.
fn verify_signature<'r>(
    config: &Config,
    request: &'r crate::request::Request,
    body: &str,
    now_ms: f64,
) -> Result<Option<&'r str>, Error> {
    let Some(key) = &config.signing_key else {
        return Ok(None);
    };
    let id = request.header(header::WEBHOOK_ID);
    let timestamp = request.header(header::WEBHOOK_TIMESTAMP);
    let signature = request.header(header::WEBHOOK_SIGNATURE);
    match (id, timestamp, signature) {
        (None, None, None) if !config.require_signature => Ok(None),
        (Some(id), Some(timestamp), Some(signature)) => {
            let headers = SignedHeaders {
                id,
                timestamp,
                signature,
            };
            let now_seconds = (now_ms / 1000.0).floor() as i64;
            if key.verify(headers, body, now_seconds) {
                Ok(Some(id))
            } else {
                Err(Error::InvalidSignature)
            }
        }
        _ => Err(Error::InvalidSignature),
    }
}

/// Every credential the request carries must be valid, and there must be at least one.
fn authenticate(
    config: &Config,
    request: &crate::request::Request,
    body: &Json,
    signed: bool,
) -> Result<(), Error> {
    let mut presented = signed;
    if let Some(value) = request.header(header::AUTHORIZATION) {
        let token = bearer_token(value).ok_or(Error::InvalidSecret)?;
        if !config.secrets.accepts(token) {
            return Err(Error::InvalidSecret);
        }
        presented = true;
    }
    match body.get(field::SECRET) {
        None => {}
        Some(Json::String(secret)) if config.secrets.accepts(secret) => presented = true,
        Some(_) => return Err(Error::InvalidSecret),
    }
    if presented {
        Ok(())
    } else {
        Err(Error::InvalidSecret)
    }
}

/// A single registration, or a batch when the body has `assets`.
fn plan(body: &Json, normalizer: &impl Normalizer) -> Result<Work, Error> {
    let Some(assets) = body.get(field::ASSETS) else {
        return validate(body, normalizer).map(Work::Single);
    };
    match assets {
        Json::Array(items) if !items.is_empty() && items.len() <= MAX_BATCH_ASSETS => {
            Ok(Work::Batch(
                items
                    .iter()
                    .map(|item| match item {
                        Json::Object(_) => validate(item, normalizer),
                        _ => Err(Error::AssetNotObject),
                    })
                    .collect(),
            ))
        }
        _ => Err(Error::InvalidFields(vec![FieldError::new(
            field::ASSETS,
            crate::contract::message::INVALID_BATCH,
        )])),
    }
}

/// Registers the work and builds the success response.
async fn execute<S: Storage, N: Normalizer>(
    work: Work,
    cx: &Context<'_, S, N>,
) -> Result<Response, Error> {
    let uploaded_at = time::rfc3339(cx.now_ms);
    match work {
        Work::Single(input) => {
            let asset = new_asset(input, &uploaded_at, cx)?;
            let record = crate::response::to_json(&asset);
            cx.storage.set(&asset.key(), &record, None).await?;
            let mut response = Response::json(201, batch::created_body(&asset.id, &record));
            response.asset_id = Some(asset.id);
            Ok(response)
        }
        Work::Batch(items) => {
            let mut entries = Vec::new();
            let mut outcomes = Vec::with_capacity(items.len());
            for item in items {
                outcomes.push(
                    match item.and_then(|input| new_asset(input, &uploaded_at, cx)) {
                        Ok(asset) => {
                            entries.push((asset.key(), crate::response::to_json(&asset)));
                            Ok(asset.id)
                        }
                        Err(error) => Err(error),
                    },
                );
            }
            if !entries.is_empty() {
                cx.storage.batch_set(&entries).await?;
            }
            Ok(Response::json(207, batch::results_body(&outcomes)))
        }
    }
}

fn new_asset<S, N>(
    input: AssetInput,
    uploaded_at: &str,
    cx: &Context<'_, S, N>,
) -> Result<Asset, Error> {
    let id = cx
        .ids
        .borrow_mut()
        .next(cx.now_ms)
        .map_err(|_| Error::RandomUnavailable)?;
    Ok(Asset::new(id, input, uploaded_at.to_owned()))
}

/// Runs the work at most once per idempotency key.
async fn execute_once<S: Storage, N: Normalizer>(
    key: &Key,
    fingerprint: &str,
    work: Work,
    cx: &Context<'_, S, N>,
) -> Result<Response, Error> {
    let record_key = key.storage_key();
    let ttl = Some(crate::contract::IDEMPOTENCY_TTL_SECONDS);
    let pending = Record::pending(fingerprint, cx.now_ms).to_json();
    if !cx.storage.set_if_absent(&record_key, &pending, ttl).await? {
        let stored = cx.storage.get(&record_key).await?;
        if let Some(text) = stored {
            let record = Record::parse(&text).ok_or(Error::StorageFailed)?;
            match record.decide(fingerprint, cx.now_ms) {
                Decision::Replay(response) => return Ok(response),
                Decision::Refuse(error) => return Err(error),
                Decision::TakeOver => {}
            }
        }
        // Expired or abandoned: take the key over. Two retries racing past an abandoned
        // lease can both get here; stores without compare-and-set cannot rule that out.
        cx.storage.set(&record_key, &pending, ttl).await?;
    }
    match execute(work, cx).await {
        Ok(response) => {
            let done = Record::done(fingerprint, cx.now_ms, &response).to_json();
            // The asset is stored; if the record cannot be, the pending lease runs out and a
            // retry after it registers again. Answering 201 is still the truth.
            let _ = cx.storage.set(&record_key, &done, ttl).await;
            Ok(response)
        }
        Err(error) => {
            // Nothing was registered: free the key so a retry can run.
            let _ = cx.storage.delete(&record_key).await;
            Err(error)
        }
    }
}
