//! URL checks for `cdnUrl` and `thumbnailUrl`: absolute http(s) with a host.

use crate::contract::MAX_URL_BYTES;
use fluent_uri::Uri;

/// Why `url` is not an acceptable asset URL, or `None` when it is.
pub fn problem(url: &str) -> Option<&'static str> {
    if url.len() > MAX_URL_BYTES {
        return Some("must be at most 2048 bytes");
    }
    let Ok(uri) = Uri::parse(url) else {
        return Some("must be an absolute http or https URL");
    };
    let scheme = uri.scheme().as_str();
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Some("must be an absolute http or https URL");
    }
    match uri.authority() {
        Some(authority) if !authority.host().is_empty() => None,
        _ => Some("must name a host"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_absolute_http_urls_with_a_host() {
        for ok in [
            "https://cdn.example.com/a.png",
            "http://cdn.example.com",
            "HTTPS://CDN.example.com:8443/a%20b.png?x=1#f",
            "https://[::1]/a",
            "https://user@host/a",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "launch/hero.jpg",
            "data:image/png;base64,iVBORw0KGgo=",
            "ftp://host/a",
            "https://",
            "https:///path",
            "https:host/a",
            "javascript:alert(1)",
            "https://host/a b",
            "//host/a",
            "",
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
        let long = format!("https://h/{}", "a".repeat(MAX_URL_BYTES));
        assert!(problem(&long).is_some());
    }
}
