//! Clarento's asset-registration webhook.
//!
//! CI pipelines, design tools and migration scripts POST an asset's metadata; the webhook
//! authenticates the caller, validates and normalises the metadata, and stores an asset
//! record, unapproved and with brand compliance pending.
//!
//! Everything that decides lives in plain Rust modules, one concern each, with no JavaScript
//! in them, so `cargo test` and the fuzzer run them natively:
//!
//! - [`handler`]: the contract's flow, from request to response;
//! - [`json`], [`validate`], [`url`], [`mime`], [`tags`], [`text`]: parsing and the field rules;
//! - [`auth`], [`signature`]: shared secrets and Standard Webhooks signatures;
//! - [`idempotency`]: safe retries;
//! - [`asset`], [`id`], [`time`], [`batch`]: the stored record and the success bodies;
//! - [`error`], [`response`], [`write`], [`contract`]: the one error type, the response, JSON
//!   output, the constants.
//!
//! The WebAssembly edge ([`wasm`], built only for `wasm32`) converts JavaScript values and
//! forwards; the host injects storage as an object with `get`, `set`, `delete`,
//! `setIfAbsent` and `batchSet`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod asset;
pub mod auth;
pub mod batch;
pub mod contract;
pub mod error;
pub mod handler;
pub mod id;
pub mod idempotency;
pub mod json;
pub mod memory;
pub mod mime;
pub mod request;
pub mod response;
pub mod signature;
pub mod storage;
pub mod tags;
pub mod text;
pub mod time;
pub mod url;
pub mod validate;
pub mod write;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, StorageError};
pub use handler::{handle, Config, Context};
pub use request::Request;
pub use response::Response;
