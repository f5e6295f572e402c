//! Asset ids: `asset_` followed by 29 Crockford base32 characters, lowercase.
//!
//! The characters encode, in order, 48 bits of milliseconds since the epoch, a 15-bit
//! sequence number and 80 random bits. Base32 in this alphabet sorts like the numbers it
//! encodes, so ids sort by registration time; within one generator the sequence keeps them
//! strictly increasing even when the clock stalls or steps back. The random bits come from
//! `getrandom`, drawn in blocks so that most ids cost no call into the host.

use crate::contract::ASSET_ID_PREFIX;

/// Crockford's base32 alphabet, lowercase: no i, l, o or u.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
/// Random bytes per id: 80 bits.
const RANDOM_BYTES: usize = 10;
/// Ids' worth of randomness fetched per call to the system's generator.
const POOL_IDS: usize = 256;
/// Characters encoding the time: 50 bits, the top two always zero.
const TIME_CHARS: usize = 10;
/// Characters encoding the sequence: 15 bits.
const SEQUENCE_CHARS: usize = 3;
/// Characters encoding the random part: 80 bits.
const RANDOM_CHARS: usize = 16;
/// Largest sequence number within one millisecond.
const MAX_SEQUENCE: u16 = (1 << 15) - 1;
/// Largest timestamp that fits in 48 bits.
const MAX_MS: u64 = (1 << 48) - 1;
/// Length of an id without its prefix.
pub const ID_CHARS: usize = TIME_CHARS + SEQUENCE_CHARS + RANDOM_CHARS;

/// The system's random generator failed; no id can be made safely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RandomUnavailable;

/// Makes time-ordered asset ids.
#[derive(Debug)]
pub struct IdGenerator {
    last_ms: u64,
    sequence: u16,
    pool: [u8; RANDOM_BYTES * POOL_IDS],
    used: usize,
}

impl Default for IdGenerator {
    fn default() -> Self {
        Self::new()
    }
}

impl IdGenerator {
    /// A generator with an empty randomness pool.
    pub fn new() -> Self {
        Self {
            last_ms: 0,
            sequence: 0,
            pool: [0; RANDOM_BYTES * POOL_IDS],
            used: POOL_IDS,
        }
    }

    /// A fresh id for a registration at `now_ms`.
    pub fn next(&mut self, now_ms: f64) -> Result<String, RandomUnavailable> {
        let random = self.random()?;
        let now = if now_ms.is_finite() && now_ms > 0.0 {
            (now_ms as u64).min(MAX_MS)
        } else {
            0
        };
        if now > self.last_ms {
            self.last_ms = now;
            self.sequence = 0;
        } else if self.sequence < MAX_SEQUENCE {
            self.sequence += 1;
        } else {
            // 32 768 ids in one millisecond: borrow the next millisecond to stay ordered.
            self.last_ms = (self.last_ms + 1).min(MAX_MS);
            self.sequence = 0;
        }
        let mut id = String::with_capacity(ASSET_ID_PREFIX.len() + ID_CHARS);
        id.push_str(ASSET_ID_PREFIX);
        push_base32(&mut id, u128::from(self.last_ms), TIME_CHARS);
        push_base32(&mut id, u128::from(self.sequence), SEQUENCE_CHARS);
        let mut bits = [0u8; 16];
        bits[16 - RANDOM_BYTES..].copy_from_slice(&random);
        push_base32(&mut id, u128::from_be_bytes(bits), RANDOM_CHARS);
        Ok(id)
    }

    fn random(&mut self) -> Result<[u8; RANDOM_BYTES], RandomUnavailable> {
        if self.used >= POOL_IDS {
            // Known cost: in Node the first call loads WebCrypto, 5-8 ms of a cold start.
            getrandom::fill(&mut self.pool).map_err(|_| RandomUnavailable)?;
            self.used = 0;
        }
        let start = self.used * RANDOM_BYTES;
        let mut out = [0u8; RANDOM_BYTES];
        out.copy_from_slice(&self.pool[start..start + RANDOM_BYTES]);
        // Each block of randomness is handed out once.
        self.pool[start..start + RANDOM_BYTES].fill(0);
        self.used += 1;
        Ok(out)
    }
}

/// Appends the low `chars * 5` bits of `value` in base32, most significant first.
fn push_base32(out: &mut String, value: u128, chars: usize) {
    for i in (0..chars).rev() {
        let digit = (value >> (i * 5)) & 0x1f;
        out.push(ALPHABET[digit as usize] as char);
    }
}

/// Whether `id` has the shape of an asset id.
pub fn is_asset_id(id: &str) -> bool {
    id.strip_prefix(ASSET_ID_PREFIX)
        .is_some_and(|rest| rest.len() == ID_CHARS && rest.bytes().all(|b| ALPHABET.contains(&b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_well_formed_distinct_and_ordered() {
        let mut ids = IdGenerator::new();
        let mut made = Vec::new();
        for i in 0..2000 {
            // The clock stalls, and steps back once.
            let now = 1_700_000_000_000.0 + f64::from(i / 100) - if i == 1500 { 50.0 } else { 0.0 };
            made.push(ids.next(now).unwrap());
        }
        assert!(made.iter().all(|id| is_asset_id(id)), "{:?}", &made[..3]);
        let mut sorted = made.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, made, "ids must be distinct and increasing");
    }

    #[test]
    fn the_time_prefix_sorts_across_generators() {
        let a = IdGenerator::new().next(1_700_000_000_000.0).unwrap();
        let b = IdGenerator::new().next(1_700_000_000_001.0).unwrap();
        assert!(a < b);
    }

    #[test]
    fn random_parts_differ() {
        let mut ids = IdGenerator::new();
        let a = ids.next(1.0).unwrap();
        let b = ids.next(1.0).unwrap();
        assert_ne!(a[a.len() - RANDOM_CHARS..], b[b.len() - RANDOM_CHARS..]);
    }

    #[test]
    fn sequence_overflow_borrows_the_next_millisecond() {
        let mut ids = IdGenerator::new();
        let mut last = String::new();
        for _ in 0..=usize::from(MAX_SEQUENCE) + 2 {
            let id = ids.next(5.0).unwrap();
            assert!(id > last);
            last = id;
        }
        assert_eq!(ids.last_ms, 6);
    }
}
