//! Tag normalisation: trimmed, Unicode-lowercased, NFC; empties and repeats dropped, first-seen
//! order kept.

use crate::text::Normalizer;

/// The canonical form of one tag: trimmed, lowercased, NFC. ASCII stays in Rust.
pub fn normalise_tag(tag: &str, normalizer: &impl Normalizer) -> String {
    let trimmed = tag.trim();
    if trimmed.is_ascii() {
        return trimmed.to_ascii_lowercase();
    }
    normalizer.lowercase_nfc(trimmed)
}

/// The stored list of tags from the caller's list.
pub fn normalise_tags<'a>(
    tags: impl IntoIterator<Item = &'a str>,
    normalizer: &impl Normalizer,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // A cheap hash of each kept tag: repeats are looked for among equal hashes only, so the
    // pairwise check over at most 50 tags compares numbers, not strings.
    let mut hashes: Vec<u64> = Vec::new();
    for tag in tags {
        let tag = normalise_tag(tag, normalizer);
        let hash = fnv1a(&tag);
        let repeat = hashes
            .iter()
            .zip(&out)
            .any(|(seen, kept)| *seen == hash && *kept == tag);
        if !tag.is_empty() && !repeat {
            out.push(tag);
            hashes.push(hash);
        }
    }
    out
}

/// The 64-bit FNV-1a hash: not for untrusted sets at scale, enough to tell tags apart.
fn fnv1a(text: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    text.bytes().fold(OFFSET, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::text::NativeNormalizer;

    fn run(tags: &[&str]) -> Vec<String> {
        normalise_tags(tags.iter().copied(), &NativeNormalizer)
    }

    #[test]
    fn trims_lowercases_and_drops_repeats_in_order() {
        assert_eq!(run(&["Brand", " brand", "BRAND ", "Q3"]), ["brand", "q3"]);
        assert_eq!(run(&["  ", "", "logo"]), ["logo"]);
        assert_eq!(run(&["ÜBER", "Ñandú"]), ["über", "ñandú"]);
    }

    #[test]
    fn composed_and_decomposed_forms_are_one_tag() {
        assert_eq!(
            run(&["caf\u{e9}", "cafe\u{301}", "CAFE\u{301}"]),
            ["caf\u{e9}"]
        );
    }

    #[test]
    fn unicode_whitespace_is_trimmed() {
        assert_eq!(run(&["\u{a0}logo\u{2003}"]), ["logo"]);
    }
}
