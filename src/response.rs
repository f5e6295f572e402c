//! The response the handler gives back: a status, headers and a JSON body.

use crate::contract::header;
use crate::error::FieldError;
use crate::write::Object;

/// A finished HTTP answer. Every body is JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// Extra headers beyond `Content-Type: application/json`, in the casing they are sent.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body.
    pub body: String,
    /// The asset registered by this request, for the host's log line.
    pub asset_id: Option<String>,
}

impl Response {
    /// A response with a JSON body that is already serialised.
    pub fn json(status: u16, body: String) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body,
            asset_id: None,
        }
    }

    /// `{"error": message, "details": [...]}`.
    pub fn error(status: u16, message: &str, details: Option<&[FieldError]>) -> Self {
        Self::json(status, error_body(message, details))
    }

    /// Adds a header to the response.
    pub fn add_header(&mut self, name: &'static str, value: &str) {
        self.headers.push((name, value.to_owned()));
    }

    /// The value of a response header, ignoring case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Marks the response as a replay of a stored one.
    pub fn mark_replayed(&mut self) {
        self.add_header(header::IDEMPOTENT_REPLAYED, "true");
    }
}

/// `{"field":…,"message":…}`.
pub fn write_detail(detail: &FieldError, object: &mut Object<'_>) {
    object
        .string("field", detail.field)
        .string("message", &detail.message);
}

/// `{"error":…}` with its `details` when there are any.
pub fn error_body(message: &str, details: Option<&[FieldError]>) -> String {
    let mut body = String::with_capacity(message.len() + 16);
    let mut object = Object::open(&mut body);
    object.string("error", message);
    if let Some(details) = details {
        object.objects("details", details, write_detail);
    }
    object.close();
    body
}
