//! Strict JSON parsing: the body must be one JSON object, no deeper than
//! [`MAX_JSON_DEPTH`](crate::contract::MAX_JSON_DEPTH), and no object in it may repeat a key.
//!
//! `serde_json::Value` keeps the last of two equal keys silently, which would let a body say
//! one thing to a proxy and another to us; this tree keeps every member and refuses
//! duplicates while it parses. Objects hold at most
//! [`MAX_OBJECT_MEMBERS`](crate::contract::MAX_OBJECT_MEMBERS) members, which keeps the
//! pairwise duplicate check cheap.

use crate::contract::{MAX_JSON_DEPTH, MAX_OBJECT_MEMBERS};
use crate::error::Error;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

/// A parsed JSON value. Strings without escapes borrow from the text they were parsed from.
/// Objects keep their members in the order received.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// Any number; integers beyond 2^53 lose precision, as they do in JavaScript.
    Number(f64),
    /// A string.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Json<'a>>),
    /// An object, members in the order received, no key twice.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// The member `key` of an object; `None` for a missing key or a non-object.
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A short name of the value's JSON type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }
}

/// Parses a request body into a JSON object. A leading UTF-8 byte order mark is skipped.
pub fn parse_object(body: &str) -> Result<Json<'_>, Error> {
    let text = body.strip_prefix('\u{feff}').unwrap_or(body);
    match parse(text) {
        Some(value @ Json::Object(_)) => Ok(value),
        _ => Err(Error::InvalidJson),
    }
}

/// Parses any JSON text with the same rules (also used for stored records).
pub fn parse(text: &str) -> Option<Json<'_>> {
    let refused = Cell::new(false);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = Seed {
        depth: 0,
        refused: &refused,
    }
    .deserialize(&mut deserializer)
    .ok()?;
    deserializer.end().ok()?;
    (!refused.get()).then_some(value)
}

/// Builds a [`Json`] while checking the rules. A broken rule is recorded in `refused` and the
/// rest is skipped rather than raised as a serde error: serde's custom errors would link
/// string formatting into the WebAssembly module for a message nobody reads.
#[derive(Clone, Copy)]
struct Seed<'a> {
    depth: usize,
    refused: &'a Cell<bool>,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Json<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Seed<'_> {
    /// The seed for the members of a nested array or object, or `None` when it is too deep.
    fn nested(self) -> Option<Self> {
        if self.depth >= MAX_JSON_DEPTH {
            self.refused.set(true);
            return None;
        }
        Some(Seed {
            depth: self.depth + 1,
            ..self
        })
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v as f64))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v as f64))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let Some(child) = self.nested() else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Json::Null);
        };
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(child)? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        let Some(child) = self.nested() else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Json::Null);
        };
        let mut members: Vec<(Cow<'de, str>, Json<'de>)> = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let value = map.next_value_seed(child)?;
            if members.len() == MAX_OBJECT_MEMBERS || members.iter().any(|(k, _)| *k == key) {
                self.refused.set(true);
            } else {
                members.push((key, value));
            }
        }
        Ok(Json::Object(members))
    }
}

/// Object keys, read as strings without serde's generic `String` visitor (whose type errors
/// format messages).
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_an_object_with_a_bom() {
        let value = parse_object("\u{feff}{\"a\":1}").unwrap();
        assert_eq!(value.get("a"), Some(&Json::Number(1.0)));
    }

    #[test]
    fn refuses_non_objects_and_trailing_text() {
        for body in [
            "", "null", "[]", "1", "\"x\"", "true", "{} {}", "{\"a\":1", "{'a':1}",
        ] {
            assert_eq!(parse_object(body), Err(Error::InvalidJson), "{body:?}");
        }
    }

    #[test]
    fn refuses_duplicate_keys_at_any_depth() {
        assert_eq!(parse_object(r#"{"a":1,"a":2}"#), Err(Error::InvalidJson));
        assert_eq!(
            parse_object(r#"{"x":{"b":1,"b":1}}"#),
            Err(Error::InvalidJson)
        );
        assert_eq!(
            parse_object(r#"{"x":[{"b":1,"b":1}]}"#),
            Err(Error::InvalidJson)
        );
    }

    #[test]
    fn refuses_duplicates_in_large_objects() {
        let mut body = String::from("{");
        for i in 0..40 {
            body.push_str(&format!("\"k{i}\":{i},"));
        }
        body.push_str("\"k7\":0}");
        assert_eq!(parse_object(&body), Err(Error::InvalidJson));
        assert!(parse_object(&body.replace("\"k7\":0}", "\"k99\":0}")).is_ok());
    }

    #[test]
    fn bounds_object_members() {
        let members = |n: usize| {
            let inner: Vec<String> = (0..n).map(|i| format!("\"k{i}\":0")).collect();
            format!("{{\"x\":{{{}}}}}", inner.join(","))
        };
        assert!(parse_object(&members(MAX_OBJECT_MEMBERS)).is_ok());
        assert_eq!(
            parse_object(&members(MAX_OBJECT_MEMBERS + 1)),
            Err(Error::InvalidJson)
        );
    }

    #[test]
    fn bounds_nesting_depth() {
        let ok = format!("{}{}", "{\"a\":".repeat(MAX_JSON_DEPTH - 1), "1".to_owned())
            + &"}".repeat(MAX_JSON_DEPTH - 1);
        assert!(parse_object(&ok).is_ok());
        let deep = format!(
            "{}1{}",
            "{\"a\":".repeat(MAX_JSON_DEPTH + 1),
            "}".repeat(MAX_JSON_DEPTH + 1)
        );
        assert_eq!(parse_object(&deep), Err(Error::InvalidJson));
        let arrays = format!("{{\"a\":{}1{}}}", "[".repeat(5000), "]".repeat(5000));
        assert_eq!(parse_object(&arrays), Err(Error::InvalidJson));
    }

    #[test]
    fn refuses_out_of_range_numbers_and_lone_surrogates() {
        assert_eq!(parse_object(r#"{"a":1e400}"#), Err(Error::InvalidJson));
        assert_eq!(parse_object(r#"{"a":"\ud800"}"#), Err(Error::InvalidJson));
    }
}
