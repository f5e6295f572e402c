//! JSON output for the few fixed shapes this crate writes (asset records, error and batch
//! bodies, idempotency records), appended straight into one `String`.
//!
//! A hand-written writer rather than `serde_json::to_string`: these shapes are fixed, the
//! common string needs no escaping at all and is copied in one piece, and the module then
//! links neither serde's serializer nor `std::io`. Output is compact JSON, escaping `"`, `\`
//! and every control character, exactly as `serde_json` does.

/// Builds one JSON object, member by member.
pub struct Object<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> Object<'a> {
    /// Opens an object at the end of `out`.
    pub fn open(out: &'a mut String) -> Self {
        out.push('{');
        Self { out, empty: true }
    }

    fn key(&mut self, name: &str) -> &mut String {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        push_string(self.out, name);
        self.out.push(':');
        self.out
    }

    /// A string member.
    pub fn string(&mut self, name: &str, value: &str) -> &mut Self {
        let out = self.key(name);
        push_string(out, value);
        self
    }

    /// A string member, or `null`.
    pub fn string_or_null(&mut self, name: &str, value: Option<&str>) -> &mut Self {
        match value {
            Some(value) => self.string(name, value),
            None => self.raw(name, "null"),
        }
    }

    /// A whole-number member.
    pub fn number(&mut self, name: &str, value: u64) -> &mut Self {
        let out = self.key(name);
        push_u64(out, value);
        self
    }

    /// A boolean member.
    pub fn boolean(&mut self, name: &str, value: bool) -> &mut Self {
        self.raw(name, if value { "true" } else { "false" })
    }

    /// A member whose value is JSON text already.
    pub fn raw(&mut self, name: &str, json: &str) -> &mut Self {
        self.key(name).push_str(json);
        self
    }

    /// An array of strings.
    pub fn strings(&mut self, name: &str, values: &[String]) -> &mut Self {
        let out = self.key(name);
        out.push('[');
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_string(out, value);
        }
        out.push(']');
        self
    }

    /// An array of objects, each written by `write`.
    pub fn objects<T>(
        &mut self,
        name: &str,
        items: &[T],
        write: impl Fn(&T, &mut Object<'_>),
    ) -> &mut Self {
        let out = self.key(name);
        out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let mut object = Object::open(out);
            write(item, &mut object);
            object.close_in_place();
        }
        out.push(']');
        self
    }

    /// Closes the object.
    pub fn close(mut self) {
        self.close_in_place();
    }

    fn close_in_place(&mut self) {
        self.out.push('}');
    }
}

/// Appends `text` as a JSON string literal.
pub fn push_string(out: &mut String, text: &str) {
    out.push('"');
    // Most strings need no escape: find out in one pass and copy them whole.
    if !text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(text);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 0xf)] as char);
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

/// Appends a whole number in decimal.
pub fn push_u64(out: &mut String, value: u64) {
    push_padded(out, value, 1);
}

/// Appends a whole number in decimal, left-padded with zeros to at least `width` digits
/// (at most 20).
pub fn push_padded(out: &mut String, mut value: u64, width: usize) {
    const MAX_DIGITS: usize = 20;
    let mut digits = [b'0'; MAX_DIGITS];
    let mut i = MAX_DIGITS;
    while value > 0 {
        i -= 1;
        digits[i] = b'0' + (value % 10) as u8;
        value /= 10;
    }
    let start = i.min(MAX_DIGITS - width.clamp(1, MAX_DIGITS));
    out.extend(digits[start..].iter().map(|&d| char::from(d)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(text: &str) -> String {
        let mut out = String::new();
        push_string(&mut out, text);
        out
    }

    #[test]
    fn strings_escape_exactly_like_serde_json() {
        let samples = [
            "",
            "plain",
            "quo\"te",
            "back\\slash",
            "nl\ncr\rtab\t",
            "\u{0}\u{1f}\u{7f}",
            "\u{8}\u{c}",
            "ünïcödé ✓ 𝄞",
            "\u{2028}\u{2029}",
            "</script>",
        ];
        for text in samples {
            assert_eq!(
                string(text),
                serde_json::to_string(text).unwrap(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn numbers_and_objects() {
        let mut out = String::new();
        for n in [0, 7, 10, 4096, u64::MAX] {
            out.clear();
            push_u64(&mut out, n);
            assert_eq!(out, n.to_string());
        }
        out.clear();
        let mut object = Object::open(&mut out);
        object
            .string("a", "x")
            .number("n", 3)
            .boolean("b", false)
            .string_or_null("c", None);
        object
            .strings("t", &["p".into(), "q".into()])
            .raw("r", "{}");
        object.objects("o", &[1u64, 2], |n, o| {
            o.number("v", *n);
        });
        object.close();
        assert_eq!(
            out,
            r#"{"a":"x","n":3,"b":false,"c":null,"t":["p","q"],"r":{},"o":[{"v":1},{"v":2}]}"#
        );
        let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(parsed["o"][1]["v"], 2);
    }
}
