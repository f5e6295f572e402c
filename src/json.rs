//! Strict JSON parsing: the body must be one JSON object, no deeper than
//! [`MAX_JSON_DEPTH`](crate::contract::MAX_JSON_DEPTH), and no object in it may repeat a key.
//!
//! `serde_json::Value` keeps the last of two equal keys silently, which would let a body say
//! one thing to a proxy and another to us; this tree keeps every member and refuses
//! duplicates while it parses.

use crate::contract::MAX_JSON_DEPTH;
use crate::error::Error;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::fmt;

/// A parsed JSON value. Objects keep their members in the order received.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// Any number; integers beyond 2^53 lose precision, as they do in JavaScript.
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, members in the order received, no key twice.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The member `key` of an object; `None` for a missing key or a non-object.
    pub fn get(&self, key: &str) -> Option<&Json> {
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
pub fn parse_object(body: &str) -> Result<Json, Error> {
    let text = body.strip_prefix('\u{feff}').unwrap_or(body);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = Seed { depth: 0 }
        .deserialize(&mut deserializer)
        .map_err(|_| Error::InvalidJson)?;
    deserializer.end().map_err(|_| Error::InvalidJson)?;
    match value {
        Json::Object(_) => Ok(value),
        _ => Err(Error::InvalidJson),
    }
}

/// Parses any JSON text with the same rules (used for stored records).
pub fn parse(text: &str) -> Option<Json> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = Seed { depth: 0 }.deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    Some(value)
}

struct Seed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Json;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Seed {
    fn nested<E: de::Error>(&self) -> Result<Seed, E> {
        if self.depth >= MAX_JSON_DEPTH {
            return Err(E::custom("nesting too deep"));
        }
        Ok(Seed {
            depth: self.depth + 1,
        })
    }
}

impl<'de> Visitor<'de> for Seed {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Number(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let child = self.nested()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Seed { depth: child.depth })? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let child = self.nested()?;
        let mut members: Vec<(String, Json)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Seed { depth: child.depth })?;
            members.push((key, value));
        }
        if has_duplicate_key(&members) {
            return Err(de::Error::custom("duplicate key"));
        }
        Ok(Json::Object(members))
    }
}

/// Small objects are checked pairwise; large ones by sorting, so a hostile body with
/// thousands of keys costs O(n log n), not O(n²).
fn has_duplicate_key(members: &[(String, Json)]) -> bool {
    const PAIRWISE_LIMIT: usize = 16;
    if members.len() <= PAIRWISE_LIMIT {
        return members
            .iter()
            .enumerate()
            .any(|(i, (key, _))| members[..i].iter().any(|(other, _)| other == key));
    }
    let mut keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort_unstable();
    keys.windows(2).any(|pair| pair[0] == pair[1])
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => serializer.serialize_unit(),
            Json::Bool(b) => serializer.serialize_bool(*b),
            Json::Number(n) => serializer.serialize_f64(*n),
            Json::String(s) => serializer.serialize_str(s),
            Json::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (key, value) in members {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
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
