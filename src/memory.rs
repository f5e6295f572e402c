//! An in-memory [`Storage`] and a minimal executor, for native tests, property tests and the
//! fuzzer. Hosts bring their own storage.

use crate::error::StorageError;
use crate::storage::Storage;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// A map of keys to JSON text. Writes can be made to fail, to test error paths.
#[derive(Debug, Default)]
pub struct MemoryStorage {
    entries: RefCell<BTreeMap<String, String>>,
    failure: Cell<Option<StorageError>>,
}

impl MemoryStorage {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes every later call fail with `error`, or succeed again with `None`.
    pub fn fail_with(&self, error: Option<StorageError>) {
        self.failure.set(error);
    }

    /// A copy of everything stored.
    pub fn snapshot(&self) -> BTreeMap<String, String> {
        self.entries.borrow().clone()
    }

    fn check(&self) -> Result<(), StorageError> {
        self.failure.get().map_or(Ok(()), Err)
    }
}

impl Storage for MemoryStorage {
    async fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        self.check()?;
        Ok(self.entries.borrow().get(key).cloned())
    }

    async fn set(&self, key: &str, json: &str, _ttl: Option<u64>) -> Result<(), StorageError> {
        self.check()?;
        self.entries
            .borrow_mut()
            .insert(key.to_owned(), json.to_owned());
        Ok(())
    }

    async fn set_if_absent(
        &self,
        key: &str,
        json: &str,
        _ttl: Option<u64>,
    ) -> Result<bool, StorageError> {
        self.check()?;
        let mut entries = self.entries.borrow_mut();
        if entries.contains_key(key) {
            return Ok(false);
        }
        entries.insert(key.to_owned(), json.to_owned());
        Ok(true)
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        self.check()?;
        self.entries.borrow_mut().remove(key);
        Ok(())
    }

    async fn batch_set(&self, entries: &[(String, String)]) -> Result<(), StorageError> {
        self.check()?;
        self.entries.borrow_mut().extend(entries.iter().cloned());
        Ok(())
    }
}

/// Runs a future that never waits on anything external (such as one over [`MemoryStorage`])
/// to completion. Returns `None` if it would block.
pub fn block_on<F: Future>(future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}
