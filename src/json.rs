//! Strict JSON parsing: the body must be one JSON object, no deeper than
//! [`MAX_JSON_DEPTH`](crate::contract::MAX_JSON_DEPTH), and no object in it may repeat a key.
//!
//! A generic JSON tree keeps the last of two equal keys silently, which would let a body say
//! one thing to a proxy and another to us; this tree keeps every member and refuses
//! duplicates while it parses. Objects hold at most
//! [`MAX_OBJECT_MEMBERS`](crate::contract::MAX_OBJECT_MEMBERS) members, which keeps the
//! pairwise duplicate check cheap.
//!
//! The parser is written here rather than taken from `serde_json` because the rules above
//! are the contract's, and because it is the largest single part of the WebAssembly module
//! otherwise (about 17 KB of serde's visitor machinery and float parsing). It follows
//! RFC 8259 exactly; property tests hold it to `serde_json`'s verdict on mutated JSON and on
//! JSON-like noise.
//! Numbers keep their literal text and are read exactly as decimals (see [`Number`]), so no
//! float conversion is linked at all.

use crate::contract::{MAX_JSON_DEPTH, MAX_OBJECT_MEMBERS};
use crate::error::Error;
use std::borrow::Cow;

/// Numbers that a double cannot hold are refused: JavaScript's `JSON.parse` reads them as
/// `Infinity`, which no JSON text can mean. That is every magnitude from 2^1024 − 2^970 up
/// (halfway between the largest double and 2^1024, where rounding goes up), whose decimal
/// exponent is this...
const MAX_DECIMAL_EXPONENT: i64 = 308;
/// ...and whose significant digits are these.
const OVERFLOW_DIGITS: &str = concat!(
    "17976931348623158079372897140530341507993413271003782693617377898044496829276475",
    "09466490179775872070963302864166928879109465555478519404026306574886715058206819",
    "08902000708383676273854845817711531764475730270069855571366959622842914819860834",
    "936475292719074168444365510704342711559699508093042880177904174497792",
);
/// Exponents are read up to this size; beyond it they saturate and the [`Decimal`] is marked
/// inexact. Any such number is refused as too large, or is zero to JavaScript.
const EXPONENT_LIMIT: i64 = 1 << 40;
/// A byte order mark, which some senders put before the body.
const BOM: char = '\u{feff}';

/// A parsed JSON value. Strings without escapes borrow from the text they were parsed from.
/// Objects keep their members in the order received.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// Any number, kept exactly as written.
    Number(Number<'a>),
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

/// A JSON number: its literal text, which the parser has checked against the grammar.
///
/// It is read as an exact decimal, never rounded through a float: `4096`, `4096.0` and
/// `4.096e3` are the same whole number, and `4096.000000000000001` is not a whole number at
/// all (JavaScript would round it to one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Number<'a>(&'a str);

/// A number as `digits × 10^exponent`, in its one canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    /// Below zero. Zero is never negative: `-0` and `0` are one number.
    pub negative: bool,
    /// The significant digits, ASCII, with no leading or trailing zero; empty for zero.
    pub digits: String,
    /// The power of ten the digits are scaled by; 0 for zero.
    pub exponent: i64,
    /// False when the written exponent was beyond what is kept, so that `exponent` is a bound
    /// rather than the value; such numbers are told apart by their literal text.
    pub exact: bool,
}

impl<'a> Number<'a> {
    /// The literal as written.
    pub fn literal(&self) -> &'a str {
        self.0
    }

    /// The value in canonical form.
    pub fn decimal(&self) -> Decimal {
        let text = self.0;
        let negative = text.starts_with('-');
        let body = text.trim_start_matches('-');
        let (mantissa, (exponent, exact)) = match body.find(['e', 'E']) {
            Some(at) => (&body[..at], read_exponent(&body[at + 1..])),
            None => (body, (0, true)),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let mut digits = String::with_capacity(whole.len() + fraction.len());
        digits.push_str(whole.trim_start_matches('0'));
        if digits.is_empty() {
            digits.push_str(fraction.trim_start_matches('0'));
        } else {
            digits.push_str(fraction);
        }
        let trimmed = digits.trim_end_matches('0').len();
        let exponent = exponent - fraction.len() as i64 + (digits.len() - trimmed) as i64;
        digits.truncate(trimmed);
        if digits.is_empty() {
            return Decimal {
                negative: false,
                digits,
                exponent: 0,
                exact: true,
            };
        }
        Decimal {
            negative,
            digits,
            exponent,
            exact,
        }
    }

    /// The value when it is a whole number from 0 to `u64::MAX` (`-0` is 0), else `None`.
    pub fn whole(&self) -> Option<u64> {
        // The common case, digits only, without building the canonical form.
        if let Some(value) = plain_u64(self.0) {
            return Some(value);
        }
        let decimal = self.decimal();
        if decimal.digits.is_empty() {
            return Some(0);
        }
        if decimal.negative || decimal.exponent < 0 {
            return None;
        }
        let mut value = plain_u64(&decimal.digits)?;
        for _ in 0..decimal.exponent {
            value = value.checked_mul(10)?;
        }
        Some(value)
    }
}

/// `text` as a `u64` when it is ASCII digits only and fits.
fn plain_u64(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    text.bytes().try_fold(0u64, |value, byte| {
        if !byte.is_ascii_digit() {
            return None;
        }
        value.checked_mul(10)?.checked_add(u64::from(byte - b'0'))
    })
}

/// An exponent's text (`+12`, `-3`, `7`), saturated at ±[`EXPONENT_LIMIT`], and whether it
/// was within it.
fn read_exponent(text: &str) -> (i64, bool) {
    let negative = text.starts_with('-');
    let magnitude = text
        .trim_start_matches(['+', '-'])
        .bytes()
        .fold(0i64, |value, byte| {
            (value * 10 + i64::from(byte - b'0')).min(EXPONENT_LIMIT + 1)
        });
    let exact = magnitude <= EXPONENT_LIMIT;
    let magnitude = magnitude.min(EXPONENT_LIMIT);
    (if negative { -magnitude } else { magnitude }, exact)
}

/// Parses a request body into a JSON object. A leading UTF-8 byte order mark is skipped.
pub fn parse_object(body: &str) -> Result<Json<'_>, Error> {
    let text = body.strip_prefix(BOM).unwrap_or(body);
    match parse(text) {
        Some(value @ Json::Object(_)) => Ok(value),
        _ => Err(Error::InvalidJson),
    }
}

/// Parses any JSON text with the same rules (also used for stored records); `None` when it
/// is not JSON or breaks a rule.
pub fn parse(text: &str) -> Option<Json<'_>> {
    let mut parser = Parser { text, at: 0 };
    let value = parser.value(0)?;
    parser.skip_whitespace();
    (parser.at == text.len()).then_some(value)
}

/// A cursor over the text. Every position it stops at is an ASCII byte or the end, so
/// slicing the text there always falls on a character boundary.
struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// Consumes `byte` after any whitespace, or fails.
    fn expect(&mut self, byte: u8) -> Option<()> {
        self.skip_whitespace();
        (self.peek() == Some(byte)).then(|| self.at += 1)
    }

    /// One value, after any whitespace; `depth` counts the arrays and objects around it.
    fn value(&mut self, depth: usize) -> Option<Json<'a>> {
        self.skip_whitespace();
        match self.peek()? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(Json::String),
            b't' => self.literal("true", Json::Bool(true)),
            b'f' => self.literal("false", Json::Bool(false)),
            b'n' => self.literal("null", Json::Null),
            _ => self.number().map(Json::Number),
        }
    }

    fn literal(&mut self, word: &str, value: Json<'a>) -> Option<Json<'a>> {
        self.text[self.at..].starts_with(word).then(|| {
            self.at += word.len();
            value
        })
    }

    fn object(&mut self, depth: usize) -> Option<Json<'a>> {
        if depth >= MAX_JSON_DEPTH {
            return None;
        }
        self.at += 1;
        let mut members: Vec<(Cow<'a, str>, Json<'a>)> = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Some(Json::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return None;
            }
            let key = self.string()?;
            self.expect(b':')?;
            let value = self.value(depth + 1)?;
            if members.len() == MAX_OBJECT_MEMBERS || members.iter().any(|(k, _)| *k == key) {
                return None;
            }
            members.push((key, value));
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(Json::Object(members));
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Json<'a>> {
        if depth >= MAX_JSON_DEPTH {
            return None;
        }
        self.at += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Some(Json::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(Json::Array(items));
                }
                _ => return None,
            }
        }
    }

    /// A string, the cursor on its opening quote. Borrowed when it holds no escape.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.at += 1;
        let start = self.at;
        let bytes = self.text.as_bytes();
        loop {
            match *bytes.get(self.at)? {
                b'"' => {
                    self.at += 1;
                    return Some(Cow::Borrowed(&self.text[start..self.at - 1]));
                }
                b'\\' => break,
                byte if byte < 0x20 => return None,
                _ => self.at += 1,
            }
        }
        let mut out = String::with_capacity(self.at - start + 16);
        out.push_str(&self.text[start..self.at]);
        loop {
            let run = self.at;
            while let Some(&byte) = bytes.get(self.at) {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                self.at += 1;
            }
            out.push_str(&self.text[run..self.at]);
            match *bytes.get(self.at)? {
                b'"' => {
                    self.at += 1;
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    self.at += 1;
                    out.push(self.escape()?);
                }
                _ => return None,
            }
        }
    }

    /// The character an escape stands for, the cursor just after its backslash.
    fn escape(&mut self) -> Option<char> {
        let byte = self.peek()?;
        self.at += 1;
        Some(match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                match unit {
                    0xD800..=0xDBFF => {
                        // A high surrogate must be followed by an escaped low one.
                        if !self.text[self.at..].starts_with("\\u") {
                            return None;
                        }
                        self.at += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return None;
                        }
                        let scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        char::from_u32(scalar)?
                    }
                    _ => char::from_u32(unit)?,
                }
            }
            _ => return None,
        })
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.as_bytes().get(self.at..self.at + 4)?;
        let mut unit = 0;
        for &digit in digits {
            unit = unit * 16 + char::from(digit).to_digit(16)?;
        }
        self.at += 4;
        Some(unit)
    }

    /// A number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Option<Number<'a>> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.required_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            self.required_digits()?;
        }
        let number = Number(&self.text[start..self.at]);
        // Only a long or scaled literal can be out of range; most are neither.
        if self.at - start <= MAX_DECIMAL_EXPONENT as usize && !number.0.contains(['e', 'E']) {
            return Some(number);
        }
        let decimal = number.decimal();
        let magnitude = decimal.exponent + decimal.digits.len() as i64 - 1;
        // Same magnitude, no trailing zeros: the digit strings order as the numbers do.
        let in_range = decimal.digits.is_empty()
            || magnitude < MAX_DECIMAL_EXPONENT
            || (magnitude == MAX_DECIMAL_EXPONENT && decimal.digits.as_str() < OVERFLOW_DIGITS);
        in_range.then_some(number)
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
    }

    fn required_digits(&mut self) -> Option<()> {
        let start = self.at;
        self.digits();
        (self.at > start).then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_an_object_with_a_bom() {
        let value = parse_object("\u{feff}{\"a\":1}").unwrap();
        assert_eq!(value.get("a"), Some(&Json::Number(Number("1"))));
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
    fn follows_the_grammar_at_every_edge() {
        let accepted = [
            "0",
            "-0",
            "1",
            "-1",
            "10",
            "1.5",
            "-0.0",
            "1e5",
            "1E5",
            "1e+5",
            "1e-5",
            "1.25e-3",
            "0e0",
            "\"\"",
            "\"a\\\"b\"",
            "\"\\\\\\/\\b\\f\\n\\r\\t\"",
            "\"\\u00e9\\u00E9\"",
            "\"\\ud83d\\ude00\"",
            "\"\u{7f}\u{e9}\u{1f600}\"",
            "[]",
            "[ ]",
            "{}",
            "{ }",
            " \t\n\r{\"a\" : [ 1 , { } ] }\r\n",
            "true",
            "false",
            "null",
            "[true,false,null]",
        ];
        for text in accepted {
            assert!(parse(text).is_some(), "{text:?} was refused");
        }
        let refused = [
            "01",
            "-01",
            "00",
            "+1",
            ".5",
            "1.",
            "1.e5",
            "1e",
            "1e+",
            "-",
            "--1",
            "0x10",
            "1_0",
            "NaN",
            "Infinity",
            "tru",
            "truee",
            "nul",
            "True",
            "\"a",
            "\"\\\"",
            "\"\\v\"",
            "\"\\x41\"",
            "\"\\u12\"",
            "\"\\u12G4\"",
            "\"\u{0}\"",
            "\"\u{1f}\"",
            "\"\t\"",
            "\"\n\"",
            "[1,]",
            "[,1]",
            "[1 2]",
            "{\"a\":1,}",
            "{,}",
            "{\"a\"}",
            "{\"a\" 1}",
            "{a:1}",
            "{1:1}",
            "[",
            "]",
            "{",
            "}",
            "",
            " ",
            "\u{feff}{}",
            "{}\u{0}",
            "\u{a0}1",
            "\"\\udc00\"",
            "\"\\ud800\\u0041\"",
            "\"\\ud800x\"",
            "[1]]",
            "\"\\u",
        ];
        for text in refused {
            assert!(parse(text).is_none(), "{text:?} was accepted");
        }
        // The tables themselves are checked against the reference parser.
        for text in accepted {
            assert!(
                serde_json::from_str::<serde_json::Value>(text).is_ok(),
                "{text:?}"
            );
        }
        for text in refused {
            assert!(
                serde_json::from_str::<serde_json::Value>(text).is_err(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn strings_decode_their_escapes() {
        let parsed = parse(r#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00z""#).unwrap();
        assert_eq!(
            parsed,
            Json::String("a\"\\/\u{8}\u{c}\n\r\t\u{e9}\u{1f600}z".into())
        );
        assert!(matches!(
            parse("\"plain\""),
            Some(Json::String(Cow::Borrowed("plain")))
        ));
    }

    #[test]
    fn numbers_are_read_as_exact_decimals() {
        let decimal = |text| Number(text).decimal();
        let canonical = |negative, digits: &str, exponent| Decimal {
            negative,
            digits: digits.into(),
            exponent,
            exact: true,
        };
        assert_eq!(decimal("4096"), canonical(false, "4096", 0));
        assert_eq!(decimal("4096.000"), canonical(false, "4096", 0));
        assert_eq!(decimal("4.096e3"), canonical(false, "4096", 0));
        assert_eq!(decimal("409600e-2"), canonical(false, "4096", 0));
        assert_eq!(decimal("1000"), canonical(false, "1", 3));
        assert_eq!(decimal("-0.0012"), canonical(true, "12", -4));
        assert_eq!(decimal("-0.0e7"), canonical(false, "", 0));
        assert_eq!(decimal("0"), decimal("-0"));
        assert!(!decimal("1e-1099511627777").exact);
        assert!(decimal("1e-1099511627776").exact);
        assert!(decimal("0e-99999999999999999999").exact, "zero is zero");
        let whole = |text| Number(text).whole();
        assert_eq!(whole("4096"), Some(4096));
        assert_eq!(whole("4096.0"), Some(4096));
        assert_eq!(whole("4.096E+3"), Some(4096));
        assert_eq!(whole("-0"), Some(0));
        assert_eq!(whole("0.0e-5"), Some(0));
        assert_eq!(whole("18446744073709551615"), Some(u64::MAX));
        assert_eq!(whole("18446744073709551616"), None);
        assert_eq!(whole("1e20"), None);
        assert_eq!(whole("1e19"), Some(10_000_000_000_000_000_000));
        assert_eq!(whole("1e1000000000000000"), None);
        assert_eq!(whole("4096.000000000000001"), None);
        assert_eq!(whole("-1"), None);
        assert_eq!(whole("0.5"), None);
    }

    #[test]
    fn refuses_numbers_beyond_what_javascript_can_hold() {
        assert!(parse("1e308").is_some());
        assert!(parse("1.7976931348623157e308").is_some());
        assert!(parse("-1.7976931348623157e308").is_some());
        // JavaScript rounds these down to the largest double...
        assert!(parse("1.7976931348623158e308").is_some());
        assert!(parse("1.797693134862315807937289714053e308").is_some());
        // ...and from halfway to 2^1024 up, to Infinity.
        assert!(parse(OVERFLOW_DIGITS).is_none(), "2^1024 - 2^970 itself");
        let just_below = format!("{}1", &OVERFLOW_DIGITS[..OVERFLOW_DIGITS.len() - 1]);
        assert!(parse(&just_below).is_some());
        assert!(parse("1.797693134862315807937289714054e308").is_none());
        assert!(parse("9.99e308").is_none());
        assert!(parse("1e309").is_none());
        assert!(parse("0.001e311").is_some());
        assert!(parse(&format!("1{}", "0".repeat(308))).is_some());
        assert!(parse(&format!("2{}", "0".repeat(308))).is_none());
        assert!(parse(&format!("1{}", "0".repeat(309))).is_none());
        assert!(parse(&format!("0.{}1", "0".repeat(400))).is_some());
        assert!(parse("1e-99999999999999999999999").is_some());
        assert!(parse("1e99999999999999999999999").is_none());
    }

    #[test]
    fn refuses_out_of_range_numbers_and_lone_surrogates() {
        assert_eq!(parse_object(r#"{"a":1e400}"#), Err(Error::InvalidJson));
        assert_eq!(parse_object(r#"{"a":"\ud800"}"#), Err(Error::InvalidJson));
    }
}
