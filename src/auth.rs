//! Shared-secret authentication: the body's `secret` and `Authorization: Bearer`.
//!
//! Every credential a request carries must be valid, and at least one must be present.
//! Secrets are compared as SHA-256 digests with a constant-time equality, so neither the
//! content nor the length of the configured secret leaks through timing.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The shared secrets a caller may present: the current one and, during a rotation, the
/// previous one.
#[derive(Clone, Default)]
pub struct Secrets {
    accepted: Vec<[u8; 32]>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print secrets, not even their digests.
        write!(f, "Secrets({} configured)", self.accepted.len())
    }
}

impl Secrets {
    /// The secrets to accept; empty strings mean "not configured".
    pub fn new(current: &str, previous: &str) -> Self {
        let accepted = [current, previous]
            .into_iter()
            .filter(|secret| !secret.is_empty())
            .map(digest)
            .collect();
        Self { accepted }
    }

    /// Whether any secret is configured.
    pub fn is_configured(&self) -> bool {
        !self.accepted.is_empty()
    }

    /// Whether `given` is one of the accepted secrets. Every accepted secret is compared, so
    /// the time taken does not depend on which one matched.
    pub fn accepts(&self, given: &str) -> bool {
        let given = digest(given);
        self.accepted
            .iter()
            .fold(subtle::Choice::from(0), |matched, secret| {
                matched | secret.ct_eq(&given)
            })
            .into()
    }
}

fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// The token of an `Authorization: Bearer <token>` header; `None` for any other form.
pub fn bearer_token(value: &str) -> Option<&str> {
    const SCHEME: &str = "bearer";
    let value = value.trim();
    let (scheme, token) = value.split_at_checked(SCHEME.len())?;
    if !scheme.eq_ignore_ascii_case(SCHEME) || !token.starts_with(' ') {
        return None;
    }
    let token = token.trim_start_matches(' ');
    (!token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_current_and_previous_only() {
        let secrets = Secrets::new("new-secret", "old-secret");
        assert!(secrets.accepts("new-secret"));
        assert!(secrets.accepts("old-secret"));
        assert!(!secrets.accepts("new-secre"));
        assert!(!secrets.accepts(""));
        assert!(!Secrets::new("", "").is_configured());
        assert!(!Secrets::new("", "").accepts(""));
    }

    #[test]
    fn debug_never_shows_a_secret() {
        let shown = format!("{:?}", Secrets::new("hunter2", ""));
        assert!(!shown.contains("hunter2"));
    }

    #[test]
    fn parses_bearer_tokens() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer   abc "), Some("abc"));
        assert_eq!(bearer_token("Bearer"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearerabc"), None);
        assert_eq!(bearer_token("é"), None);
    }
}
