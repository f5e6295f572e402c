//! Unicode text rules shared by the fields: control characters, lengths and NFC.
//!
//! Case folding and NFC for non-ASCII text are injected through [`Normalizer`]: natively they
//! are the standard library's `to_lowercase` and the `unicode-normalization` crate; in
//! WebAssembly they are the host's `toLowerCase` and `normalize`, which every JavaScript
//! engine ships, so the module carries no Unicode tables of its own. Both follow the Unicode
//! default case conversion and Normalization Form C.

/// Unicode lowercase followed by Normalization Form C (lowercasing can decompose, so NFC
/// comes last). Only called for text that is not ASCII.
pub trait Normalizer {
    /// `text` lowercased, then in NFC.
    fn lowercase_nfc(&self, text: &str) -> String;
}

/// Lowercase through the standard library, NFC through `unicode-normalization`.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone, Copy, Default)]
pub struct NativeNormalizer;

#[cfg(not(target_arch = "wasm32"))]
impl Normalizer for NativeNormalizer {
    fn lowercase_nfc(&self, text: &str) -> String {
        use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
        let lower = text.to_lowercase();
        if is_nfc_quick(lower.chars()) == IsNormalized::Yes {
            return lower;
        }
        lower.nfc().collect()
    }
}

/// Whether the text holds a control character (Unicode category Cc: U+0000–U+001F,
/// U+007F–U+009F).
pub fn has_control(text: &str) -> bool {
    // ASCII text, the usual case, is checked byte by byte without decoding.
    text.bytes().any(|b| b < 0x20 || b == 0x7f)
        || (!text.is_ascii() && text.chars().any(char::is_control))
}

/// Length in Unicode scalar values.
fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// Whether the text is longer than `max` Unicode scalar values. Text of at most `max` bytes
/// never is, and is not counted.
pub fn longer_than(text: &str, max: usize) -> bool {
    text.len() > max && char_len(text) > max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_category_cc() {
        for text in ["a\u{0}", "\t", "x\u{1f}", "\u{7f}", "é\u{80}", "\u{9f}é"] {
            assert!(has_control(text), "{text:?}");
        }
        for text in [
            "", "plain", " ~", "é\u{a0}", "\u{200b}", "\u{2028}", "\u{feff}",
        ] {
            assert!(!has_control(text), "{text:?}");
        }
    }

    #[test]
    fn lengths_count_scalar_values() {
        assert!(!longer_than("abcd", 4));
        assert!(longer_than("abcde", 4));
        assert!(!longer_than("éééé", 4));
        assert!(longer_than("ééééé", 4));
    }
}
