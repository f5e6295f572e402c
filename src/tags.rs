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
    for tag in tags {
        let tag = normalise_tag(tag, normalizer);
        if !tag.is_empty() && !out.contains(&tag) {
            out.push(tag);
        }
    }
    out
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
