//! The contract's flow, host-independent and free of I/O: a request in, storage calls and a
//! response out.
//!
//! Order of checks: method (405), configuration (503), body size (413), signature (401),
//! JSON (400), secret (401), idempotency key (400), then fields (400). Storage is touched
//! only after all of them.

use crate::asset::Asset;
use crate::auth::{bearer_token, Secrets};
use crate::contract::{field, header, MAX_BATCH_ASSETS, MAX_BODY_BYTES};
use crate::error::{Error, FieldError, StorageError};
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

impl ConfigError {
    /// What is wrong, for the operator.
    pub fn message(self) -> &'static str {
        match self {
            ConfigError::InvalidSigningSecret => {
                "the signing secret must be whsec_ followed by base64"
            }
            ConfigError::SignatureRequiredWithoutKey => {
                "signatures are required but no signing secret is set"
            }
        }
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
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

/// Everything a request is handled with besides itself and its storage.
pub struct Env<'a, N> {
    /// Lowercase and NFC for tags.
    pub normalizer: &'a N,
    /// Source of asset ids, shared by every request of the instance.
    pub ids: &'a RefCell<IdGenerator>,
    /// The current time, ms since the epoch.
    pub now_ms: f64,
}

/// [`Env`] plus a storage, for the async driver [`handle`].
pub struct Context<'a, S, N> {
    /// Where assets and idempotency records go.
    pub storage: &'a S,
    /// Lowercase and NFC for tags.
    pub normalizer: &'a N,
    /// Source of asset ids, shared by every request of the instance.
    pub ids: &'a RefCell<IdGenerator>,
    /// The current time, ms since the epoch.
    pub now_ms: f64,
}

/// A storage call the handler needs made. Values are JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Read a key; answer with [`Outcome::Value`].
    Get(String),
    /// Write a key, with an expiry in seconds; answer with [`Outcome::Done`].
    Set(String, String, Option<u64>),
    /// Write a key unless it holds a live value; answer with [`Outcome::Written`].
    SetIfAbsent(String, String, Option<u64>),
    /// Remove a key; answer with [`Outcome::Done`].
    Delete(String),
    /// Write every pair; answer with [`Outcome::Done`].
    BatchSet(Vec<(String, String)>),
}

/// How a storage call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A write or delete succeeded.
    Done,
    /// A conditional write succeeded (`true`) or found the key taken (`false`).
    Written(bool),
    /// A read found this JSON text, or nothing.
    Value(Option<String>),
    /// The call failed.
    Failed(StorageError),
}

/// What the host does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Answer the request; the exchange is over.
    Respond(Response),
    /// Make this storage call, then [`Exchange::resume`] with its outcome.
    Perform(Op),
}

/// One request's progress through the contract, between storage calls. The handler never
/// performs I/O itself: it says which call to make and continues from its outcome, so the
/// same logic runs under any host, synchronously in tests and the fuzzer, and without
/// futures in WebAssembly.
#[derive(Debug)]
pub struct Exchange {
    state: State,
}

/// An idempotency key in use by this exchange.
#[derive(Debug)]
struct Claim {
    record_key: String,
    fingerprint: String,
    pending: String,
    now_ms: u64,
}

#[derive(Debug)]
enum State {
    Finished,
    /// Waiting for the key to be claimed, then for the record if it was taken.
    Claiming(Claim, Work),
    ReadingRecord(Claim, Work),
    TakingOver(Claim, Work),
    /// Waiting for the assets to be stored; the response is ready.
    Storing(Option<Claim>, Response),
    /// Waiting for the finished record to be written.
    Recording(Response),
    /// Waiting for a failed request's key to be released.
    Releasing(Error),
}

/// What a valid request asks to register.
#[derive(Debug)]
enum Work {
    Single(AssetInput),
    Batch(Vec<Result<AssetInput, Error>>),
}

impl Exchange {
    /// Checks a request and says what to do first.
    pub fn start<N: Normalizer>(
        config: &Config,
        request: &crate::request::Request,
        env: &Env<'_, N>,
    ) -> (Exchange, Step) {
        let mut exchange = Exchange {
            state: State::Finished,
        };
        let step = match admit(config, request, env) {
            Ok((work, None)) => exchange.store(None, work, env),
            Ok((work, Some((key, fingerprint)))) => {
                let now_ms = epoch_ms(env.now_ms);
                let claim = Claim {
                    record_key: key.storage_key(),
                    pending: Record::pending(&fingerprint, now_ms).to_json(),
                    fingerprint,
                    now_ms,
                };
                let op = Op::SetIfAbsent(claim.record_key.clone(), claim.pending.clone(), TTL);
                exchange.state = State::Claiming(claim, work);
                Step::Perform(op)
            }
            Err(error) => Step::Respond(error.into_response()),
        };
        (exchange, step)
    }

    /// The answer this exchange gives if its pending storage call succeeds, when that call is
    /// its last: a host may answer with it directly, and resume only on failure.
    pub fn final_response(&self) -> Option<&Response> {
        match &self.state {
            State::Storing(None, response) => Some(response),
            _ => None,
        }
    }

    /// Continues from the outcome of the storage call the last step asked for.
    pub fn resume<N>(&mut self, outcome: Outcome, env: &Env<'_, N>) -> Step {
        match (std::mem::replace(&mut self.state, State::Finished), outcome) {
            (State::Claiming(claim, work), Outcome::Written(true))
            | (State::TakingOver(claim, work), Outcome::Done) => self.store(Some(claim), work, env),
            (State::Claiming(claim, work), Outcome::Written(false)) => {
                let op = Op::Get(claim.record_key.clone());
                self.state = State::ReadingRecord(claim, work);
                Step::Perform(op)
            }
            (State::ReadingRecord(claim, work), Outcome::Value(stored)) => {
                let decision = match stored.as_deref().map(Record::parse) {
                    None => Decision::TakeOver,
                    Some(None) => Decision::Refuse(Error::StorageFailed),
                    Some(Some(record)) => record.decide(&claim.fingerprint, claim.now_ms),
                };
                match decision {
                    Decision::Replay(response) => Step::Respond(response),
                    Decision::Refuse(error) => Step::Respond(error.into_response()),
                    // Expired or abandoned. Two retries racing past an abandoned lease can
                    // both get here; a store without compare-and-set cannot rule that out.
                    Decision::TakeOver => {
                        let op = Op::Set(claim.record_key.clone(), claim.pending.clone(), TTL);
                        self.state = State::TakingOver(claim, work);
                        Step::Perform(op)
                    }
                }
            }
            (State::Storing(None, response), Outcome::Done) => Step::Respond(response),
            (State::Storing(Some(claim), response), Outcome::Done) => {
                let done = Record::done(&claim.fingerprint, claim.now_ms, &response).to_json();
                self.state = State::Recording(response);
                Step::Perform(Op::Set(claim.record_key, done, TTL))
            }
            (State::Storing(Some(claim), _), Outcome::Failed(error)) => {
                // Nothing was registered: free the key so that a retry can run.
                self.state = State::Releasing(error.into());
                Step::Perform(Op::Delete(claim.record_key))
            }
            // The asset is stored even if its record is not; the pending lease then runs out
            // and a later retry registers again. Answering 201 is still the truth.
            (State::Recording(response), _) => Step::Respond(response),
            (State::Releasing(error), _) => Step::Respond(error.into_response()),
            (_, Outcome::Failed(error)) => Step::Respond(Error::from(error).into_response()),
            // An outcome that does not answer the call made: the host is broken.
            _ => Step::Respond(Error::StorageFailed.into_response()),
        }
    }

    /// Makes the asset records and asks for them to be stored.
    fn store<N>(&mut self, claim: Option<Claim>, work: Work, env: &Env<'_, N>) -> Step {
        match prepare(work, env) {
            Ok((op, response)) => {
                self.state = State::Storing(claim, response);
                match op {
                    // A batch with no valid item has nothing to write.
                    Op::BatchSet(entries) if entries.is_empty() => self.resume(Outcome::Done, env),
                    op => Step::Perform(op),
                }
            }
            Err(error) => match claim {
                Some(claim) => {
                    self.state = State::Releasing(error);
                    Step::Perform(Op::Delete(claim.record_key))
                }
                None => Step::Respond(error.into_response()),
            },
        }
    }
}

/// Expiry of idempotency records.
const TTL: Option<u64> = Some(crate::contract::IDEMPOTENCY_TTL_SECONDS);

/// Handles one request over an async storage. Never fails: every error becomes its response.
pub async fn handle<S: Storage, N: Normalizer>(
    config: &Config,
    request: &crate::request::Request,
    cx: &Context<'_, S, N>,
) -> Response {
    let env = Env {
        normalizer: cx.normalizer,
        ids: cx.ids,
        now_ms: cx.now_ms,
    };
    let (mut exchange, mut step) = Exchange::start(config, request, &env);
    loop {
        match step {
            Step::Respond(response) => return response,
            Step::Perform(op) => {
                let outcome = perform(cx.storage, op).await;
                step = exchange.resume(outcome, &env);
            }
        }
    }
}

/// Makes one storage call.
pub async fn perform<S: Storage>(storage: &S, op: Op) -> Outcome {
    let result = match op {
        Op::Get(key) => storage.get(&key).await.map(Outcome::Value),
        Op::Set(key, json, ttl) => storage.set(&key, &json, ttl).await.map(|()| Outcome::Done),
        Op::SetIfAbsent(key, json, ttl) => storage
            .set_if_absent(&key, &json, ttl)
            .await
            .map(Outcome::Written),
        Op::Delete(key) => storage.delete(&key).await.map(|()| Outcome::Done),
        Op::BatchSet(entries) => storage.batch_set(&entries).await.map(|()| Outcome::Done),
    };
    result.unwrap_or_else(Outcome::Failed)
}

/// The checks before any storage call: method, configuration, size, signature, JSON, secret,
/// idempotency key, fields. Returns the work and, when the request has a key, the key and
/// the payload's fingerprint.
fn admit<N: Normalizer>(
    config: &Config,
    request: &crate::request::Request,
    env: &Env<'_, N>,
) -> Result<(Work, Option<(Key, String)>), Error> {
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
    let signed_id = verify_signature(config, request, raw, env.now_ms)?;
    let body = json::parse_object(raw)?;
    authenticate(config, request, &body, signed_id.is_some())?;
    let key = match request.header(header::IDEMPOTENCY_KEY) {
        Some(value) => Some(Key::parse(value)?),
        None => signed_id.map(Key::parse).transpose()?,
    };
    let work = plan(&body, env.normalizer)?;
    Ok((work, key.map(|key| (key, fingerprint(&body)))))
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

/// The storage call that registers the work, and the response once it has succeeded.
fn prepare<N>(work: Work, env: &Env<'_, N>) -> Result<(Op, Response), Error> {
    let uploaded_at = time::rfc3339(env.now_ms);
    match work {
        Work::Single(input) => {
            let asset = new_asset(input, &uploaded_at, env)?;
            let record = asset.to_json();
            let mut response = Response::json(201, batch::created_body(&asset.id, &record));
            let op = Op::Set(asset.key(), record, None);
            response.asset_id = Some(asset.id);
            Ok((op, response))
        }
        Work::Batch(items) => {
            let mut entries = Vec::new();
            let mut outcomes = Vec::with_capacity(items.len());
            for item in items {
                outcomes.push(
                    item.and_then(|input| new_asset(input, &uploaded_at, env))
                        .map(|asset| {
                            entries.push((asset.key(), asset.to_json()));
                            asset.id
                        }),
                );
            }
            Ok((
                Op::BatchSet(entries),
                Response::json(207, batch::results_body(&outcomes)),
            ))
        }
    }
}

fn new_asset<N>(input: AssetInput, uploaded_at: &str, env: &Env<'_, N>) -> Result<Asset, Error> {
    let id = env
        .ids
        .borrow_mut()
        .next(env.now_ms)
        .map_err(|_| Error::RandomUnavailable)?;
    Ok(Asset::new(id, input, uploaded_at.to_owned()))
}

/// Milliseconds since the epoch as an integer; times before it count as the epoch.
fn epoch_ms(now_ms: f64) -> u64 {
    if now_ms.is_finite() && now_ms > 0.0 {
        now_ms as u64
    } else {
        0
    }
}
