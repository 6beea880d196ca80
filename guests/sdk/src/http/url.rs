//! Splitting a URL into the three parts a wasi:http request is built from:
//! scheme, authority and path with query.
//!
//! Only the scheme is judged here: `http` and `https` are the schemes the
//! host serves, so anything else is refused before a host call is spent on
//! it. The authority is passed on exactly as written — userinfo, port, IP
//! literal and all — because the host is the one that decides what may be
//! reached: refusing some shapes here would only hide from a module (and
//! from the tests) what the host does with them.

use std::fmt;

/// A URL cut into the parts of a wasi:http request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `true` for `https`, `false` for `http`.
    pub https: bool,
    /// Everything between `://` and the path, as written (e.g.
    /// `user@shop.example:8443`).
    pub authority: String,
    /// The path and query, starting with `/`; the fragment is dropped (it is
    /// never sent).
    pub path_with_query: String,
}

/// Why a URL was refused before the host was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlError {
    /// No `scheme://` at the start.
    MissingScheme,
    /// A scheme other than `http` or `https`, e.g. `ftp` or `file`.
    UnsupportedScheme(String),
    /// Nothing between `://` and the path.
    MissingAuthority,
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::MissingScheme => f.write_str(
                "the URL has no scheme: write it as http://host/path or https://host/path",
            ),
            UrlError::UnsupportedScheme(scheme) => write!(
                f,
                "the scheme {scheme:?} is not served: only http and https requests leave the host"
            ),
            UrlError::MissingAuthority => {
                f.write_str("the URL names no host: write it as http://host/path")
            }
        }
    }
}

impl std::error::Error for UrlError {}

/// `text` percent-encoded for one path segment of a URL: every byte but
/// RFC 3986's unreserved characters (letters, digits, `-`, `.`, `_`, `~`)
/// becomes `%XX`, so an id such as `a/../b?c` can never add a segment, a
/// query or a fragment.
pub fn path_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Cuts `url` into scheme, authority and path with query.
pub fn split(url: &str) -> Result<Target, UrlError> {
    let (scheme, rest) = url.split_once("://").ok_or(UrlError::MissingScheme)?;
    let https = if scheme.eq_ignore_ascii_case("https") {
        true
    } else if scheme.eq_ignore_ascii_case("http") {
        false
    } else if scheme.is_empty() {
        return Err(UrlError::MissingScheme);
    } else {
        return Err(UrlError::UnsupportedScheme(scheme.to_owned()));
    };
    // The fragment first: a `#` ends the URL wherever it stands, so an `@`
    // or `/` after it belongs to no part that is sent.
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path_with_query) = rest.split_at(authority_end);
    if authority.is_empty() {
        return Err(UrlError::MissingAuthority);
    }
    let path_with_query = match path_with_query.chars().next() {
        None => "/".to_owned(),
        Some('?') => format!("/{path_with_query}"),
        Some(_) => path_with_query.to_owned(),
    };
    Ok(Target {
        https,
        authority: authority.to_owned(),
        path_with_query,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(https: bool, authority: &str, path_with_query: &str) -> Target {
        Target {
            https,
            authority: authority.to_owned(),
            path_with_query: path_with_query.to_owned(),
        }
    }

    #[test]
    fn a_url_is_cut_into_scheme_authority_and_path_with_query() {
        assert_eq!(
            split("https://prices.example/v1/prices/p-1?fresh=1"),
            Ok(target(true, "prices.example", "/v1/prices/p-1?fresh=1"))
        );
        assert_eq!(
            split("http://127.0.0.1:8080/ok"),
            Ok(target(false, "127.0.0.1:8080", "/ok"))
        );
        assert_eq!(
            split("HTTP://Shop.Example/A"),
            Ok(target(false, "Shop.Example", "/A"))
        );
    }

    #[test]
    fn a_missing_path_is_the_root() {
        assert_eq!(
            split("http://shop.example"),
            Ok(target(false, "shop.example", "/"))
        );
        assert_eq!(
            split("http://shop.example?q=1"),
            Ok(target(false, "shop.example", "/?q=1"))
        );
    }

    #[test]
    fn the_fragment_is_never_sent() {
        assert_eq!(
            split("http://shop.example/a?b=1#c"),
            Ok(target(false, "shop.example", "/a?b=1"))
        );
        // An `@` after the `#` does not make the part before it userinfo.
        assert_eq!(
            split("http://one.example#@two.example/"),
            Ok(target(false, "one.example", "/"))
        );
    }

    #[test]
    fn the_authority_is_passed_on_as_written_for_the_host_to_judge() {
        for (url, authority) in [
            (
                "http://user:secret@shop.example/",
                "user:secret@shop.example",
            ),
            ("http://user@169.254.169.254/latest", "user@169.254.169.254"),
            ("http://[::1]:8080/", "[::1]:8080"),
            ("http://localhost:22/", "localhost:22"),
            (
                "http://shop.example\\@evil.example/",
                "shop.example\\@evil.example",
            ),
        ] {
            assert_eq!(
                split(url).map(|t| t.authority),
                Ok(authority.to_owned()),
                "{url}"
            );
        }
    }

    #[test]
    fn schemes_other_than_http_and_https_are_refused_before_the_host_is_asked() {
        for (url, scheme) in [
            ("ftp://shop.example/", "ftp"),
            ("file:///etc/passwd", "file"),
            ("gopher://shop.example/", "gopher"),
            ("ws://shop.example/", "ws"),
        ] {
            assert_eq!(
                split(url),
                Err(UrlError::UnsupportedScheme(scheme.to_owned())),
                "{url}"
            );
        }
    }

    #[test]
    fn a_url_without_scheme_or_host_is_refused() {
        assert_eq!(split("shop.example/a"), Err(UrlError::MissingScheme));
        assert_eq!(split("://shop.example/a"), Err(UrlError::MissingScheme));
        assert_eq!(split("http:/shop.example"), Err(UrlError::MissingScheme));
        assert_eq!(split("http:///a"), Err(UrlError::MissingAuthority));
        assert_eq!(split("https://"), Err(UrlError::MissingAuthority));
    }

    #[test]
    fn refusals_say_how_to_write_the_url() {
        assert!(
            UrlError::MissingScheme
                .to_string()
                .contains("http://host/path")
        );
        assert!(
            UrlError::UnsupportedScheme("ftp".into())
                .to_string()
                .contains("only http and https")
        );
    }

    #[test]
    fn a_path_segment_stays_one_segment() {
        assert_eq!(path_segment("espresso-cup"), "espresso-cup");
        assert_eq!(path_segment("a/../b?c"), "a%2F..%2Fb%3Fc");
        assert_eq!(path_segment("a b#é"), "a%20b%23%C3%A9");
    }
}
