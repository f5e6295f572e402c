//! Standard Webhooks signatures: HMAC-SHA256 over `id.timestamp.body`, sent as
//! space-separated `v1,<base64>` entries in `webhook-signature`.
//!
//! Every malformed header is a plain verification failure (401), never an internal error.

use crate::contract::SIGNATURE_TOLERANCE_SECONDS;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The prefix of a Standard Webhooks signing secret.
pub const SECRET_PREFIX: &str = "whsec_";
/// The version tag of an HMAC-SHA256 signature entry.
const VERSION_V1: &str = "v1";
/// Length of an HMAC-SHA256 tag.
const TAG_BYTES: usize = 32;
/// Longest accepted `webhook-id`, in bytes.
const MAX_ID_BYTES: usize = 255;
/// Longest accepted `webhook-timestamp`: ten digits cover every second until the year 2286.
const MAX_TIMESTAMP_DIGITS: usize = 10;
/// Most signature entries examined in one header.
const MAX_SIGNATURES: usize = 8;

type HmacSha256 = Hmac<Sha256>;

/// A signing key, decoded from `whsec_<base64>`.
#[derive(Clone)]
pub struct SigningKey(Vec<u8>);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(..)")
    }
}

/// The three headers of a signed request, as received.
#[derive(Debug, Clone, Copy)]
pub struct SignedHeaders<'a> {
    /// `webhook-id`.
    pub id: &'a str,
    /// `webhook-timestamp`.
    pub timestamp: &'a str,
    /// `webhook-signature`.
    pub signature: &'a str,
}

impl SigningKey {
    /// Decodes a `whsec_`-prefixed secret; the prefix is optional, as in the reference
    /// libraries. `None` when the rest is not base64 or is empty.
    pub fn parse(secret: &str) -> Option<Self> {
        let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
        let key = STANDARD.decode(encoded).ok()?;
        (!key.is_empty()).then_some(Self(key))
    }

    /// The `v1,<base64>` signature of a message, as a sender computes it.
    pub fn sign(&self, id: &str, timestamp: i64, body: &str) -> String {
        let tag = self.tag(id, &timestamp.to_string(), body);
        let mut out = String::from("v1,");
        STANDARD.encode_string(tag, &mut out);
        out
    }

    /// Verifies a signed request at `now_seconds`. True only when the id and timestamp are
    /// well formed, the timestamp is within tolerance and some `v1` entry matches in full.
    pub fn verify(&self, headers: SignedHeaders<'_>, body: &str, now_seconds: i64) -> bool {
        if headers.id.is_empty() || headers.id.len() > MAX_ID_BYTES || headers.id.contains('.') {
            return false;
        }
        let Some(timestamp) = parse_timestamp(headers.timestamp) else {
            return false;
        };
        if (now_seconds - timestamp).abs() > SIGNATURE_TOLERANCE_SECONDS {
            return false;
        }
        let expected = self.tag(headers.id, headers.timestamp, body);
        headers
            .signature
            .split(' ')
            .filter(|entry| !entry.is_empty())
            .take(MAX_SIGNATURES)
            .filter_map(decode_v1)
            .fold(subtle::Choice::from(0), |matched, tag| {
                matched | tag.ct_eq(&expected)
            })
            .into()
    }

    fn tag(&self, id: &str, timestamp: &str, body: &str) -> [u8; TAG_BYTES] {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.0).expect("HMAC takes any key");
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

/// Seconds since the epoch, digits only.
fn parse_timestamp(text: &str) -> Option<i64> {
    if text.is_empty()
        || text.len() > MAX_TIMESTAMP_DIGITS
        || !text.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    text.parse().ok()
}

/// The 32-byte tag of a `v1,<base64>` entry; `None` for other versions, bad base64 or a
/// tag of the wrong length, so a truncated signature never matches.
fn decode_v1(entry: &str) -> Option<[u8; TAG_BYTES]> {
    let (version, encoded) = entry.split_once(',')?;
    if version != VERSION_V1 || encoded.is_empty() {
        return None;
    }
    let bytes = STANDARD.decode(encoded).ok()?;
    bytes.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TIMESTAMP: i64 = 1614265330;
    const BODY: &str = r#"{"test": 2432232314}"#;
    const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn key() -> SigningKey {
        SigningKey::parse(SECRET).unwrap()
    }

    fn headers(signature: &str) -> SignedHeaders<'_> {
        SignedHeaders {
            id: ID,
            timestamp: "1614265330",
            signature,
        }
    }

    #[test]
    fn matches_the_published_vector() {
        assert_eq!(key().sign(ID, TIMESTAMP, BODY), SIGNATURE);
        assert!(key().verify(headers(SIGNATURE), BODY, TIMESTAMP));
    }

    #[test]
    fn a_changed_last_character_fails() {
        let mut changed = SIGNATURE.to_owned();
        changed.pop();
        changed.push('A');
        assert!(!key().verify(headers(&changed), BODY, TIMESTAMP));
    }

    #[test]
    fn any_of_several_signatures_may_match() {
        let header = format!("v1,Zm9v v1a,xyz {SIGNATURE}");
        assert!(key().verify(headers(&header), BODY, TIMESTAMP));
    }

    #[test]
    fn malformed_signature_headers_never_match() {
        let truncated = &SIGNATURE[..SIGNATURE.len() - 4];
        for bad in [
            "", " ", "v1", "v1,", "v1,!!!", ",abc", "v2,abc", truncated, "v1,AAAA",
        ] {
            assert!(!key().verify(headers(bad), BODY, TIMESTAMP), "{bad:?}");
        }
    }

    #[test]
    fn timestamps_must_be_recent_integers() {
        let sig = SIGNATURE;
        for ts in [
            "",
            "-1614265330",
            "1614265330.0",
            "1e9",
            "99999999999",
            " 1614265330",
            "abc",
        ] {
            let h = SignedHeaders {
                id: ID,
                timestamp: ts,
                signature: sig,
            };
            assert!(!key().verify(h, BODY, TIMESTAMP), "{ts:?}");
        }
        let tolerance = SIGNATURE_TOLERANCE_SECONDS;
        assert!(key().verify(headers(sig), BODY, TIMESTAMP + tolerance));
        assert!(!key().verify(headers(sig), BODY, TIMESTAMP + tolerance + 1));
        assert!(!key().verify(headers(sig), BODY, TIMESTAMP - tolerance - 1));
    }

    #[test]
    fn the_body_is_signed_exactly() {
        assert!(!key().verify(headers(SIGNATURE), r#"{"test":2432232314}"#, TIMESTAMP));
    }

    #[test]
    fn bad_secrets_are_refused() {
        assert!(SigningKey::parse("whsec_").is_none());
        assert!(SigningKey::parse("whsec_not base64!").is_none());
    }
}
