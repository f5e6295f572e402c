//! MIME types: validation of `type/subtype` and the asset type it implies.

use crate::contract::MAX_MIME_BYTES;

/// The kind of asset, derived from its MIME type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetType {
    /// `image/*`.
    Image,
    /// `video/*`.
    Video,
    /// `audio/*`.
    Audio,
    /// PDF, text, office and OpenDocument files, RTF and CSV.
    Document,
    /// `font/*` and the legacy font types.
    Font,
    /// zip, gzip, tar, 7z and rar.
    Archive,
    /// `model/*`.
    Model,
    /// Anything else.
    Other,
}

impl AssetType {
    /// The name stored in the asset record.
    pub fn as_str(self) -> &'static str {
        match self {
            AssetType::Image => "image",
            AssetType::Video => "video",
            AssetType::Audio => "audio",
            AssetType::Document => "document",
            AssetType::Font => "font",
            AssetType::Archive => "archive",
            AssetType::Model => "model",
            AssetType::Other => "other",
        }
    }
}

/// Document types outside `text/*`, matched exactly.
const DOCUMENT_TYPES: &[&str] = &[
    "application/pdf",
    "application/rtf",
    "application/x-rtf",
    "application/csv",
    "application/msword",
];
/// Document type families, matched by prefix (Office and OpenDocument).
const DOCUMENT_PREFIXES: &[&str] = &[
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.ms-word",
    "application/vnd.openxmlformats-officedocument.",
    "application/vnd.oasis.opendocument.",
];
/// Legacy font types outside `font/*`.
const FONT_TYPES: &[&str] = &["application/vnd.ms-fontobject"];
/// Legacy font type families (`application/font-woff`, `application/x-font-ttf`, …).
const FONT_PREFIXES: &[&str] = &["application/font-", "application/x-font"];
/// Archive types.
const ARCHIVE_TYPES: &[&str] = &[
    "application/zip",
    "application/x-zip",
    "application/x-zip-compressed",
    "application/gzip",
    "application/x-gzip",
    "application/x-tar",
    "application/x-gtar",
    "application/x-7z-compressed",
    "application/vnd.rar",
    "application/x-rar",
    "application/x-rar-compressed",
];

/// The essence of a MIME type (`type/subtype`), trimmed and lowercased, parameters dropped.
pub fn essence(mime: &str) -> String {
    let before_params = mime.split(';').next().unwrap_or("");
    before_params.trim().to_ascii_lowercase()
}

/// The asset type of a MIME type, ignoring case, surrounding spaces and parameters.
pub fn asset_type(mime: &str) -> AssetType {
    let essence = essence(mime);
    let top = essence.split('/').next().unwrap_or("");
    match top {
        "image" => return AssetType::Image,
        "video" => return AssetType::Video,
        "audio" => return AssetType::Audio,
        "text" => return AssetType::Document,
        "font" => return AssetType::Font,
        "model" => return AssetType::Model,
        _ => {}
    }
    let essence = essence.as_str();
    if DOCUMENT_TYPES.contains(&essence) || DOCUMENT_PREFIXES.iter().any(|p| essence.starts_with(p))
    {
        AssetType::Document
    } else if FONT_TYPES.contains(&essence) || FONT_PREFIXES.iter().any(|p| essence.starts_with(p))
    {
        AssetType::Font
    } else if ARCHIVE_TYPES.contains(&essence) {
        AssetType::Archive
    } else {
        AssetType::Other
    }
}

/// Why a MIME type is not `type/subtype`, or `None` when it is. Parameters after `;` are
/// allowed; both names must be RFC 9110 tokens.
pub fn problem(mime: &str) -> Option<&'static str> {
    if mime.len() > MAX_MIME_BYTES {
        return Some("must be at most 255 bytes");
    }
    if mime.chars().any(char::is_control) {
        return Some("must not contain control characters");
    }
    let essence = mime.split(';').next().unwrap_or("").trim();
    match essence.split_once('/') {
        Some((top, sub)) if is_token(top) && is_token(sub) => None,
        _ => Some("must be a MIME type of the form type/subtype"),
    }
}

/// RFC 9110 `token`: one or more visible ASCII characters other than delimiters.
fn is_token(text: &str) -> bool {
    const DELIMITERS: &[u8] = b"\"(),/:;<=>?@[\\]{}";
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_graphic() && !DELIMITERS.contains(&b))
}

/// The stored form of a MIME type: trimmed and lowercased, parameters kept.
pub fn normalise(mime: &str) -> String {
    mime.trim().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_families_and_legacy_types() {
        let cases = [
            ("image/png", AssetType::Image),
            ("  IMAGE/SVG+XML ; charset=UTF-8", AssetType::Image),
            ("image/svg", AssetType::Image),
            ("video/mp4", AssetType::Video),
            ("audio/mpeg", AssetType::Audio),
            ("application/pdf", AssetType::Document),
            ("text/csv", AssetType::Document),
            (
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                AssetType::Document,
            ),
            (
                "application/vnd.oasis.opendocument.text",
                AssetType::Document,
            ),
            ("application/vnd.ms-excel", AssetType::Document),
            ("application/msword", AssetType::Document),
            ("application/rtf", AssetType::Document),
            ("font/woff2", AssetType::Font),
            ("application/font-woff", AssetType::Font),
            ("application/x-font-ttf", AssetType::Font),
            ("application/vnd.ms-fontobject", AssetType::Font),
            ("application/zip", AssetType::Archive),
            ("application/gzip", AssetType::Archive),
            ("application/x-tar", AssetType::Archive),
            ("application/x-7z-compressed", AssetType::Archive),
            ("application/vnd.rar", AssetType::Archive),
            ("model/gltf-binary", AssetType::Model),
            ("application/octet-stream", AssetType::Other),
            ("application/json", AssetType::Other),
        ];
        for (mime, expected) in cases {
            assert_eq!(asset_type(mime), expected, "{mime}");
        }
    }

    #[test]
    fn validates_the_shape() {
        assert_eq!(problem("image/png"), None);
        assert_eq!(problem(" image/svg+xml;charset=UTF-8 "), None);
        for bad in [
            "image",
            "image/",
            "/png",
            "image/png/x",
            "ima ge/png",
            "image/p\u{7}ng",
            "é/x",
        ] {
            assert!(problem(bad).is_some(), "{bad:?}");
        }
    }
}
