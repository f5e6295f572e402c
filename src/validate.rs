//! Field validation: a parsed body becomes an [`AssetInput`] or the contract's 400 error.
//!
//! Missing fields are reported first, alone, in contract order. Otherwise every invalid field
//! is reported at once, each with a message, so a caller fixes a request in one round.

use crate::contract::{
    field, MAX_ID_CHARS, MAX_NAME_CHARS, MAX_SIZE_BYTES, MAX_TAGS, MAX_TAG_CHARS,
};
use crate::error::{Error, FieldError};
use crate::json::Json;
use crate::tags::normalise_tags;
use crate::text::{has_control, longer_than, Normalizer};
use crate::{mime, url};

/// A valid registration, normalised and ready to become an asset record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetInput {
    /// File name, trimmed.
    pub name: String,
    /// Where the file is served, trimmed.
    pub cdn_url: String,
    /// Thumbnail URL; `None` means "same as `cdn_url`".
    pub thumbnail_url: Option<String>,
    /// MIME type, trimmed and lowercased.
    pub mime_type: String,
    /// File size in bytes.
    pub size_bytes: u64,
    /// Normalised tags, no repeats, first-seen order.
    pub tags: Vec<String>,
    /// Campaign identifier.
    pub campaign_id: Option<String>,
    /// Who registered it; `None` means the default.
    pub uploaded_by: Option<String>,
}

/// Whether a required field counts as missing: absent, `null` or the empty string.
fn is_missing(value: Option<&Json>) -> bool {
    match value {
        None | Some(Json::Null) => true,
        Some(Json::String(s)) => s.is_empty(),
        Some(_) => false,
    }
}

/// An optional field that is absent, `null` or empty takes its default.
fn present<'v, 'a>(value: Option<&'v Json<'a>>) -> Option<&'v Json<'a>> {
    if is_missing(value) {
        None
    } else {
        value
    }
}

/// Validates one asset object (a single registration's body, or one item of a batch).
pub fn validate(body: &Json, normalizer: &impl Normalizer) -> Result<AssetInput, Error> {
    let missing: Vec<&'static str> = field::REQUIRED
        .into_iter()
        .filter(|name| is_missing(body.get(name)))
        .collect();
    if !missing.is_empty() {
        return Err(Error::MissingFields(missing));
    }
    let mut errors = Vec::new();
    let mut check = |result: Result<(), FieldError>| {
        if let Err(error) = result {
            errors.push(error);
        }
    };
    let mut input = AssetInput {
        name: String::new(),
        cdn_url: String::new(),
        thumbnail_url: None,
        mime_type: String::new(),
        size_bytes: 0,
        tags: Vec::new(),
        campaign_id: None,
        uploaded_by: None,
    };
    check(name(body.get(field::NAME)).map(|v| input.name = v));
    check(http_url(field::CDN_URL, body.get(field::CDN_URL)).map(|v| input.cdn_url = v));
    if let Some(value) = present(body.get(field::THUMBNAIL_URL)) {
        check(http_url(field::THUMBNAIL_URL, Some(value)).map(|v| input.thumbnail_url = Some(v)));
    }
    check(mime_type(body.get(field::MIME_TYPE)).map(|v| input.mime_type = v));
    check(size(body.get(field::SIZE_BYTES)).map(|v| input.size_bytes = v));
    if let Some(value) = present(body.get(field::TAGS)) {
        check(tags(value, normalizer).map(|v| input.tags = v));
    }
    for (name, slot) in [
        (field::CAMPAIGN_ID, &mut input.campaign_id),
        (field::UPLOADED_BY, &mut input.uploaded_by),
    ] {
        if let Some(value) = present(body.get(name)) {
            check(short_string(name, value).map(|v| *slot = (!v.is_empty()).then_some(v)));
        }
    }
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(Error::InvalidFields(errors))
    }
}

fn string<'a>(field: &'static str, value: Option<&'a Json>) -> Result<&'a str, FieldError> {
    match value {
        Some(Json::String(s)) => Ok(s.as_ref()),
        Some(other) => Err(FieldError::new(field, must_be("a string", other))),
        None => Err(FieldError::new(field, "is required")),
    }
}

fn must_be(expected: &str, got: &Json) -> String {
    let mut text = String::from("must be ");
    text.push_str(expected);
    text.push_str(", not ");
    text.push_str(got.type_name());
    text
}

fn name(value: Option<&Json>) -> Result<String, FieldError> {
    let name = string(field::NAME, value)?.trim();
    if name.is_empty() {
        return Err(FieldError::new(field::NAME, "must not be blank"));
    }
    if has_control(name) {
        return Err(FieldError::new(
            field::NAME,
            "must not contain control characters",
        ));
    }
    if longer_than(name, MAX_NAME_CHARS) {
        return Err(FieldError::new(
            field::NAME,
            "must be at most 255 characters",
        ));
    }
    Ok(name.to_owned())
}

fn http_url(field: &'static str, value: Option<&Json>) -> Result<String, FieldError> {
    let url = string(field, value)?.trim();
    match url::problem(url) {
        None => Ok(url.to_owned()),
        Some(message) => Err(FieldError::new(field, message)),
    }
}

fn mime_type(value: Option<&Json>) -> Result<String, FieldError> {
    let mime = string(field::MIME_TYPE, value)?;
    match mime::problem(mime) {
        None => Ok(mime::normalise(mime)),
        Some(message) => Err(FieldError::new(field::MIME_TYPE, message)),
    }
}

/// A whole number of bytes. `1.0` and `-0` are whole numbers in JSON's number model, so
/// they are accepted as 1 and 0; strings and fractions are not.
fn size(value: Option<&Json>) -> Result<u64, FieldError> {
    const MESSAGE: &str = "must be a whole number from 0 to 9007199254740991";
    match value {
        Some(Json::Number(n)) => match n.whole() {
            Some(bytes) if bytes <= MAX_SIZE_BYTES => Ok(bytes),
            _ => Err(FieldError::new(field::SIZE_BYTES, MESSAGE)),
        },
        Some(other) => Err(FieldError::new(
            field::SIZE_BYTES,
            must_be("a number", other),
        )),
        None => Err(FieldError::new(field::SIZE_BYTES, "is required")),
    }
}

fn tags(value: &Json, normalizer: &impl Normalizer) -> Result<Vec<String>, FieldError> {
    let Json::Array(items) = value else {
        return Err(FieldError::new(
            field::TAGS,
            must_be("an array of strings", value),
        ));
    };
    if items.len() > MAX_TAGS {
        return Err(FieldError::new(field::TAGS, "must hold at most 50 tags"));
    }
    let mut raw: Vec<&str> = Vec::with_capacity(items.len());
    for item in items {
        let Json::String(tag) = item else {
            return Err(FieldError::new(
                field::TAGS,
                must_be("an array of strings", item),
            ));
        };
        if has_control(tag) {
            return Err(FieldError::new(
                field::TAGS,
                "must not contain control characters",
            ));
        }
        raw.push(tag);
    }
    let tags = normalise_tags(raw, normalizer);
    if tags.iter().any(|tag| longer_than(tag, MAX_TAG_CHARS)) {
        return Err(FieldError::new(
            field::TAGS,
            "each tag must be at most 64 characters",
        ));
    }
    Ok(tags)
}

fn short_string(field: &'static str, value: &Json) -> Result<String, FieldError> {
    let text = string(field, Some(value))?.trim();
    if has_control(text) {
        return Err(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    if longer_than(text, MAX_ID_CHARS) {
        return Err(FieldError::new(field, "must be at most 128 characters"));
    }
    Ok(text.to_owned())
}
