//! Property tests of the normalisation rules and the parser, over generated input.
//!
//! - tags are a fixed point of their own normalisation;
//! - composed and decomposed spellings of a tag are one tag;
//! - the asset type ignores case, surrounding whitespace and parameters;
//! - the JSON parser never panics and accepts exactly the objects it should;
//! - asset ids are well formed and strictly increasing for a monotone clock.
#![cfg(not(target_arch = "wasm32"))]

use clarento_webhook::contract::MAX_JSON_DEPTH;
use clarento_webhook::id::{is_asset_id, IdGenerator};
use clarento_webhook::json::{self, Json};
use clarento_webhook::mime::{asset_type, AssetType};
use clarento_webhook::tags::{normalise_tag, normalise_tags};
use clarento_webhook::text::NativeNormalizer;
use clarento_webhook::Error;
use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;

/// Characters that make tag normalisation interesting: ASCII of both cases, Latin letters
/// with and without precomposed accents, combining marks, Greek (final sigma, iota
/// subscript), Turkish dotted and dotless i, German sharp s, ligatures, Hangul (composes
/// algorithmically) and Unicode whitespace.
fn tag_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('A', 'z'),
        2 => prop::char::range('\u{c0}', '\u{17f}'),
        2 => prop::char::range('\u{300}', '\u{36f}'),
        1 => prop::char::range('\u{370}', '\u{3ff}'),
        1 => prop::char::range('\u{1f00}', '\u{1fff}'),
        1 => prop::sample::select(vec![
            '\u{130}', '\u{131}', '\u{df}', '\u{1e9e}', '\u{fb01}', '\u{345}', '\u{3c2}',
            '\u{1100}', '\u{1161}', '\u{11a8}', '\u{ac00}', '\u{212b}', '\u{2126}',
        ]),
        1 => prop::sample::select(vec![' ', '\t', '\u{a0}', '\u{2003}', '\u{3000}']),
        1 => any::<char>(),
    ]
}

fn tag() -> impl Strategy<Value = String> {
    prop::collection::vec(tag_char(), 0..12).prop_map(|chars| chars.into_iter().collect())
}

fn tags(raw: &[String]) -> Vec<String> {
    normalise_tags(raw.iter().map(String::as_str), &NativeNormalizer)
}

/// Letters and accents a real tag is written with, so both spellings exist.
fn accented_word() -> impl Strategy<Value = String> {
    let letter = prop_oneof![
        3 => prop::char::range('a', 'z'),
        1 => prop::char::range('A', 'Z'),
        2 => prop::char::range('\u{c0}', '\u{17f}'),
        1 => prop::char::range('\u{1ea0}', '\u{1ef9}'),
        1 => prop::char::range('\u{300}', '\u{31b}'),
        1 => prop::char::range('\u{ac00}', '\u{ac20}'),
    ];
    prop::collection::vec(letter, 1..10).prop_map(|chars| chars.into_iter().collect())
}

/// An RFC 9110 token of the characters MIME names use.
fn mime_token() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9.+-]{0,20}"
}

/// A MIME essence, lowercase: the top-level types the mapping knows, the exact and prefix
/// entries of its lists, and random ones.
fn mime_essence() -> impl Strategy<Value = String> {
    let known_top = prop::sample::select(vec![
        "image",
        "video",
        "audio",
        "text",
        "font",
        "model",
        "application",
        "message",
    ]);
    let listed = prop::sample::select(vec![
        "application/pdf",
        "application/rtf",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.",
        "application/vnd.oasis.opendocument.",
        "application/font-",
        "application/x-font",
        "application/vnd.ms-fontobject",
        "application/zip",
        "application/x-7z-compressed",
        "application/vnd.rar",
    ]);
    prop_oneof![
        (known_top, mime_token()).prop_map(|(top, sub)| format!("{top}/{sub}")),
        (listed.clone(), "[a-z0-9.-]{0,8}").prop_map(|(listed, tail)| format!("{listed}{tail}")),
        listed.prop_map(str::to_owned),
        (mime_token(), mime_token()).prop_map(|(top, sub)| format!("{top}/{sub}")),
    ]
}

/// `text` with each ASCII letter's case chosen by `flips`.
fn with_case(text: &str, flips: &[bool]) -> String {
    text.chars()
        .zip(flips.iter().cycle())
        .map(|(c, &upper)| if upper { c.to_ascii_uppercase() } else { c })
        .collect()
}

proptest! {
    #[test]
    fn tags_are_a_fixed_point_of_normalisation(raw in prop::collection::vec(tag(), 0..8)) {
        let once = tags(&raw);
        let twice = tags(&once);
        prop_assert_eq!(&twice, &once);
        for tag in &once {
            prop_assert_eq!(&normalise_tag(tag, &NativeNormalizer), tag);
            prop_assert!(!tag.is_empty());
            prop_assert_eq!(tag.trim(), tag.as_str());
            prop_assert!(tag.nfc().eq(tag.chars()), "{:?} is not NFC", tag);
        }
        let mut distinct = once.clone();
        distinct.sort();
        distinct.dedup();
        prop_assert_eq!(distinct.len(), once.len(), "normalised tags repeat");
    }

    #[test]
    fn composed_and_decomposed_spellings_are_one_tag(word in accented_word()) {
        let composed: String = word.nfc().collect();
        let decomposed: String = word.nfd().collect();
        let padded = format!("  {decomposed}\u{a0}");
        let raw = [composed.clone(), decomposed, padded, word.clone()];
        let normalised = tags(&raw);
        prop_assert_eq!(normalised.len(), 1, "{:?} became {:?}", raw, normalised);
        prop_assert_eq!(&normalised[0], &normalise_tag(&composed, &NativeNormalizer));
    }

    #[test]
    fn asset_type_ignores_case_whitespace_and_parameters(
        essence in mime_essence(),
        flips in prop::collection::vec(any::<bool>(), 1..16),
        before in "[ \t]{0,3}",
        after in "[ \t]{0,3}",
        params in prop::collection::vec(("[a-z]{1,8}", "[A-Za-z0-9-]{0,8}"), 0..3),
    ) {
        let mut decorated = format!("{before}{}{after}", with_case(&essence, &flips));
        for (name, value) in &params {
            decorated.push_str(&format!(" ; {name}={value} "));
        }
        prop_assert_eq!(asset_type(&decorated), asset_type(&essence), "{:?}", decorated);
    }

    #[test]
    fn asset_type_follows_the_top_level_family(sub in mime_token(), flips in any::<[bool; 8]>()) {
        for (top, expected) in [
            ("image", AssetType::Image),
            ("video", AssetType::Video),
            ("audio", AssetType::Audio),
            ("text", AssetType::Document),
            ("font", AssetType::Font),
            ("model", AssetType::Model),
        ] {
            let mime = format!(" {}/{sub} ;q=1", with_case(top, &flips));
            prop_assert_eq!(asset_type(&mime), expected, "{}", mime);
        }
    }

    #[test]
    fn the_parser_never_panics_on_any_string(text in any::<String>()) {
        let _ = json::parse(&text);
        if let Ok(value) = json::parse_object(&text) {
            prop_assert!(matches!(value, Json::Object(_)));
        }
    }

    #[test]
    fn the_parser_never_panics_on_near_json(text in r#"[{}\[\]":,\\ a-z0-9.eE+\-]{0,200}"#) {
        let _ = json::parse(&text);
        let _ = json::parse_object(&text);
    }

    #[test]
    fn the_parser_agrees_with_serde_json_on_near_json(
        value in json_object(),
        edits in prop::collection::vec(
            (any::<prop::sample::Index>(), 0u8..3, near_json_char()),
            0..4,
        ),
    ) {
        // Valid JSON with a few characters inserted, replaced or deleted: the hand-written
        // parser and serde_json must give the same verdict. Duplicate keys are refused only
        // by ours, so texts with them are left out; the depth and member limits are out of
        // these texts' reach.
        let valid = serde_json::to_string(&value).expect("serialisable");
        let mut text: Vec<char> = valid.chars().collect();
        for (at, op, c) in edits {
            let i = at.index(text.len() + 1);
            match op {
                0 => text.insert(i, c),
                1 if i < text.len() => text[i] = c,
                _ if i < text.len() => { text.remove(i); }
                _ => {}
            }
        }
        let text: String = text.into_iter().collect();
        let ours = json::parse(&text).is_some();
        let reference = serde_json::from_str::<serde_json::Value>(&text).is_ok();
        if ours || !has_duplicate_keys(&text) {
            prop_assert_eq!(ours, reference, "{:?}", text);
        }
    }

    #[test]
    fn the_parser_agrees_with_serde_json_on_json_like_noise(
        text in r#"[{}\[\]":,\\ \tnulrstfaebu0-9.eE+\-]{0,80}"#,
    ) {
        let ours = json::parse(&text).is_some();
        let reference = serde_json::from_str::<serde_json::Value>(&text).is_ok();
        if ours || !has_duplicate_keys(&text) {
            prop_assert_eq!(ours, reference, "{:?}", text);
        }
    }

    #[test]
    fn the_parser_reads_strings_like_serde_json(text in any::<String>()) {
        let literal = serde_json::to_string(&text).expect("serialisable");
        prop_assert_eq!(json::parse(&literal), Some(Json::String(text.as_str().into())));
        // Every character written as a four-digit \u escape, surrogate pairs included.
        let escaped: String = text
            .encode_utf16()
            .map(|unit| format!("\\u{unit:04x}"))
            .collect();
        let quoted = format!("\"{escaped}\"");
        prop_assert_eq!(json::parse(&quoted), Some(Json::String(text.as_str().into())));
    }

    #[test]
    fn numbers_are_whole_exactly_when_their_decimal_value_is(
        digits in 0u64..(1 << 53),
        shift in 0usize..6,
        zeros in 0usize..4,
    ) {
        // `digits` written with its decimal point moved left `shift` places and one to four
        // trailing zeros, then scaled back with an exponent: always the same whole number.
        let plain = digits.to_string();
        let padded = format!("{plain:0>width$}", width = shift + 1);
        let (int, frac) = padded.split_at(padded.len() - shift);
        let literal = format!("{int}.{frac}0{}e{shift}", "0".repeat(zeros));
        let body = format!("{{\"n\":{literal}}}");
        let value = json::parse(&body).expect("a valid number");
        let Some(Json::Number(n)) = value.get("n") else { panic!("no number") };
        prop_assert_eq!(n.whole(), Some(digits), "{}", literal);
        // One more digit after the point makes it a fraction.
        let fraction = format!("{{\"n\":{int}.{frac}1}}");
        let value = json::parse(&fraction).expect("a valid number");
        let Some(Json::Number(n)) = value.get("n") else { panic!("no number") };
        prop_assert_eq!(n.whole(), None, "{}", fraction);
    }

    #[test]
    fn the_parser_accepts_every_shallow_object_with_distinct_keys(value in json_object()) {
        let text = serde_json::to_string(&value).expect("serialisable");
        let parsed = json::parse_object(&text);
        prop_assert!(parsed.is_ok(), "{} was refused", text);
    }

    #[test]
    fn the_parser_refuses_nesting_beyond_the_limit(extra in 1usize..64, inner in 0usize..4) {
        // The top-level object is one level; `extra` more than the limit is always too deep.
        let levels = MAX_JSON_DEPTH + extra;
        let body = format!(
            "{{\"a\":{}{}{}}}",
            "[".repeat(levels - 1),
            "0,".repeat(inner) + "0",
            "]".repeat(levels - 1)
        );
        prop_assert_eq!(json::parse_object(&body), Err(Error::InvalidJson));
    }

    #[test]
    fn ids_strictly_increase_for_a_monotone_clock(
        start in 0u64..(1 << 47),
        steps in prop::collection::vec(clock_step(), 1..300),
        fraction in 0.0f64..1.0,
    ) {
        let mut ids = IdGenerator::new();
        let mut now = start;
        let mut last = String::new();
        for step in steps {
            now += step;
            let id = ids.next(now as f64 + fraction).expect("the system has randomness");
            prop_assert!(is_asset_id(&id), "{} is malformed", id);
            prop_assert!(id > last, "{} does not follow {}", id, last);
            last = id;
        }
    }

    #[test]
    fn ids_still_increase_when_the_clock_steps_back(
        start in 1_000_000u64..(1 << 47),
        steps in prop::collection::vec(-1000i64..1000, 1..300),
    ) {
        let mut ids = IdGenerator::new();
        let mut now = start as i64;
        let mut last = String::new();
        for step in steps {
            now += step;
            let id = ids.next(now as f64).expect("the system has randomness");
            prop_assert!(id > last, "{} does not follow {}", id, last);
            last = id;
        }
    }
}

/// How far a monotone clock moves between two ids: mostly not at all (a burst within one
/// millisecond), sometimes a little, sometimes a lot.
fn clock_step() -> impl Strategy<Value = u64> {
    prop_oneof![3 => Just(0u64), 2 => 0u64..5, 1 => 0u64..1_000_000]
}

/// Characters that make near-JSON: structure, escapes, digits, literals' letters, controls.
fn near_json_char() -> impl Strategy<Value = char> {
    prop::sample::select(
        "{}[]\":,\\/ \t\n\r\u{0}\u{1f}nultrsfaebu0123456789.eE+-x\u{e9}\u{d7ff}"
            .chars()
            .collect::<Vec<_>>(),
    )
}

/// A JSON object of distinct keys, nested a few levels, within the depth limit.
fn json_object() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e300f64..1e300).prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    let value = leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    });
    prop::collection::btree_map(any::<String>(), value, 0..8)
        .prop_map(|members| Value::Object(members.into_iter().collect()))
}

/// Whether the text is JSON with a key twice in one object, at any depth.
fn has_duplicate_keys(text: &str) -> bool {
    use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
    use std::cell::Cell;
    use std::collections::HashSet;

    /// Walks any value, noting a repeated key in `found`.
    struct Walk<'f>(&'f Cell<bool>);

    impl<'de> serde::de::DeserializeSeed<'de> for Walk<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Walk<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while seq.next_element_seed(Walk(self.0))?.is_some() {}
            Ok(())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut keys = HashSet::new();
            while let Some(key) = map.next_key::<String>()? {
                if !keys.insert(key) {
                    self.0.set(true);
                }
                map.next_value_seed(Walk(self.0))?;
            }
            Ok(())
        }
    }

    let found = Cell::new(false);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let _: Result<(), _> = serde::de::DeserializeSeed::deserialize(Walk(&found), &mut deserializer);
    found.get()
}
