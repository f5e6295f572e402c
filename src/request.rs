//! The incoming request, reduced to what the contract reads: method, headers and body.

/// A web trigger request. Header names keep the casing they arrived in; lookups ignore it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// HTTP method, as sent.
    pub method: String,
    /// Header name and value pairs; a header with several values appears several times.
    pub headers: Vec<(String, String)>,
    /// The body exactly as received; `None` when there is none.
    pub body: Option<String>,
}

impl Request {
    /// A POST with the given body and no headers.
    pub fn post(body: impl Into<String>) -> Self {
        Self {
            method: crate::contract::METHOD_POST.into(),
            headers: Vec::new(),
            body: Some(body.into()),
        }
    }

    /// Adds a header, keeping earlier values of the same name.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The first value of a header, ignoring the name's case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the method is POST. Methods are case-sensitive (RFC 9110), so `post` is not.
    pub fn is_post(&self) -> bool {
        self.method == crate::contract::METHOD_POST
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lookup_ignores_case_and_takes_the_first_value() {
        let request = Request::post("{}")
            .with_header("IDEMPOTENCY-Key", "a")
            .with_header("idempotency-key", "b");
        assert_eq!(request.header("idempotency-key"), Some("a"));
        assert_eq!(request.header("Authorization"), None);
    }
}
