//! The persistence the host injects. Values cross as JSON text; the host turns them into
//! plain objects for its store.

use crate::error::StorageError;

/// A key-value store with the few operations registration needs.
///
/// Futures need not be `Send`: the WebAssembly host is single-threaded.
#[allow(async_fn_in_trait)]
pub trait Storage {
    /// The JSON text stored under `key`, or `None`.
    async fn get(&self, key: &str) -> Result<Option<String>, StorageError>;
    /// Stores `json` under `key`, expiring after `ttl_seconds` when given.
    async fn set(
        &self,
        key: &str,
        json: &str,
        ttl_seconds: Option<u64>,
    ) -> Result<(), StorageError>;
    /// Stores `json` under `key` only if nothing (unexpired) is there; true when it did.
    async fn set_if_absent(
        &self,
        key: &str,
        json: &str,
        ttl_seconds: Option<u64>,
    ) -> Result<bool, StorageError>;
    /// Removes `key`.
    async fn delete(&self, key: &str) -> Result<(), StorageError>;
    /// Stores every `(key, json)` pair.
    async fn batch_set(&self, entries: &[(String, String)]) -> Result<(), StorageError>;
}
