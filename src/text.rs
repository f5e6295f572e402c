//! Unicode text rules shared by the fields: control characters, lengths and NFC.
//!
//! NFC normalisation is injected through [`Normalizer`]: natively it is the
//! `unicode-normalization` crate; in WebAssembly it is the host's `String.prototype.normalize`,
//! which every JavaScript engine ships, so the module does not carry its own Unicode tables.

use std::borrow::Cow;

/// Unicode Normalization Form C.
pub trait Normalizer {
    /// `text` in NFC. ASCII text is returned as it is.
    fn nfc<'a>(&self, text: &'a str) -> Cow<'a, str>;
}

/// NFC through the `unicode-normalization` crate.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone, Copy, Default)]
pub struct NativeNormalizer;

#[cfg(not(target_arch = "wasm32"))]
impl Normalizer for NativeNormalizer {
    fn nfc<'a>(&self, text: &'a str) -> Cow<'a, str> {
        use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
        if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
            return Cow::Borrowed(text);
        }
        Cow::Owned(text.nfc().collect())
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
