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

/// Whether the text holds a control character (Unicode category Cc).
pub fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// Length in Unicode scalar values.
pub fn char_len(text: &str) -> usize {
    text.chars().count()
}
