//! Module responses: which headers leave, which are refused, and the
//! policy the host pins on every answer.
//!
//! A module answers on the shop's own origin, so every header that acts
//! beyond that one response would act with the shop's authority. Those are
//! grouped in [`ResponseHeaderClass`]es (`response_classes.rs`), each a
//! [`NameFamily`](super::NameFamily) with one reason, and dropped. A
//! response that is malformed (a name or value the host would not pass on, a
//! disguised spelling of a dropped name, a status that is not a final
//! response) is refused as a whole: the client gets the host's 502 and none
//! of the module's bytes.

use http::StatusCode;
use http::header::{
    CONTENT_SECURITY_POLICY, HeaderMap, HeaderName, HeaderValue, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};

use super::names_listed_in_connection;
pub use super::response_classes::ResponseHeaderClass;
use super::syntax::{folded, is_valid_name, is_valid_value};
use crate::http::widgets::is_clean_path_under;

/// The `Content-Security-Policy` of everything a module's bytes reach the
/// browser through. `sandbox` (no flags) makes a module document an opaque
/// origin: no script, no forms, no popups, no plugins, no same-origin access
/// to the shop's cookies or storage. `default-src 'none'` forbids every
/// fetch and script again for browsers without `sandbox` in CSP. The two
/// additions keep static pages readable: inline styles, and images from the
/// shop itself or `data:` URLs (no script can read or send anything from an
/// opaque origin, and the shop's `SameSite` cookies are not sent for it).
/// `frame-ancestors`, `form-action` and `base-uri` are not covered by
/// `default-src` and are closed explicitly.
///
/// There is no operator switch to relax this: module content never needs to
/// run script on the shop's origin (slots are typed widgets), and even an
/// opaque-origin script could still draw a convincing sign-in form under the
/// shop's address.
pub const MODULE_CONTENT_SECURITY_POLICY: &str = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'";

/// Headers the host sets on every response it passes on; a module's own
/// values are replaced, not reported as dropped.
const PINNED: [(HeaderName, &str); 3] = [
    (X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (X_FRAME_OPTIONS, "DENY"),
    (CONTENT_SECURITY_POLICY, MODULE_CONTENT_SECURITY_POLICY),
];

/// Navigation headers kept when they point inside the module's own mount.
const MOUNT_RELATIVE: [&str; 2] = ["location", "content-location"];

/// A header removed from a module's response, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DroppedHeader {
    /// The header.
    pub name: HeaderName,
    /// Its class.
    pub class: ResponseHeaderClass,
}

/// Why a module's whole response is refused. The client sees 502
/// `protocol`; the module log gets this message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResponseRefused {
    /// A name that is not a lower-case HTTP token (e.g. a pseudo-header).
    #[error("response header name {name:?} is not a valid HTTP field name")]
    InvalidName {
        /// The name, shortened and made printable.
        name: String,
    },
    /// A value with bytes other than visible ASCII, space and tab.
    #[error(
        "response header {name} has a value with control or non-ASCII bytes; send visible ASCII only"
    )]
    InvalidValue {
        /// The header.
        name: String,
    },
    /// A name that is a dropped header under another spelling (`set_cookie`).
    #[error("response header {name} is {looks_like} under another spelling; it is never passed on")]
    LookAlike {
        /// The name as sent.
        name: String,
        /// The dropped header it spells.
        looks_like: String,
    },
    /// An informational (1xx) or out-of-range status: the module's answer
    /// must be a final response.
    #[error("status {status} is not a final response; answer with 200-599")]
    Status {
        /// The status sent.
        status: u16,
    },
}

impl ResponseRefused {
    /// Stable code sent to the client.
    pub fn code(&self) -> &'static str {
        "protocol"
    }
}

/// Refuses statuses that are not final responses (1xx would confuse the
/// client's connection; nothing above 599 is defined).
pub fn check_status(status: StatusCode) -> Result<(), ResponseRefused> {
    if (200..=599).contains(&status.as_u16()) {
        Ok(())
    } else {
        Err(ResponseRefused::Status {
            status: status.as_u16(),
        })
    }
}

/// Cleans a module's response headers for a module mounted at `mount`
/// (`/modules/<name>`): [`drop_response_headers`], then
/// [`set_protective_headers`]. The bridge runs the two halves at two steps:
/// the drop where it checks the module's answer (that needs the mount and
/// may refuse the answer, which counts for the breaker), the protective
/// headers in its last step, which sets them on every answer it gives.
pub fn sanitize_response_headers(
    headers: &mut HeaderMap,
    mount: &str,
) -> Result<Vec<DroppedHeader>, ResponseRefused> {
    let dropped = drop_response_headers(headers, mount)?;
    set_protective_headers(headers);
    Ok(dropped)
}

/// First the whole response is checked (any invalid name or value, or a
/// disguised spelling of a dropped header, refuses it untouched); then every
/// header of a [`ResponseHeaderClass`] is removed and reported once. The
/// module's own values of the headers the host pins are removed too, without
/// being reported: the host replaces them ([`set_protective_headers`]), and
/// none of them is left behind if that were ever forgotten.
pub fn drop_response_headers(
    headers: &mut HeaderMap,
    mount: &str,
) -> Result<Vec<DroppedHeader>, ResponseRefused> {
    check_syntax(headers)?;
    let connection_named = names_listed_in_connection(headers);
    let under_mount = format!("{mount}/");
    let mut dropped: Vec<DroppedHeader> = Vec::new();
    for name in headers.keys() {
        let class = if connection_named.contains(name) {
            Some(ResponseHeaderClass::Framing)
        } else {
            ResponseHeaderClass::of(name.as_str())
        };
        let Some(class) = class else { continue };
        if PINNED.iter().any(|(pinned, _)| pinned == name) {
            continue;
        }
        if MOUNT_RELATIVE.contains(&name.as_str()) && points_inside(headers, name, &under_mount) {
            continue;
        }
        dropped.push(DroppedHeader {
            name: name.clone(),
            class,
        });
    }
    for header in &dropped {
        headers.remove(&header.name);
    }
    for (pinned, _) in &PINNED {
        headers.remove(pinned);
    }
    Ok(dropped)
}

/// Sets the headers the host pins on everything it serves for modules
/// (module responses, its own refusals, slot JSON): `nosniff`,
/// `X-Frame-Options: DENY` and [`MODULE_CONTENT_SECURITY_POLICY`],
/// replacing any value already there.
pub fn set_protective_headers(headers: &mut HeaderMap) {
    for (name, value) in PINNED {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

fn check_syntax(headers: &HeaderMap) -> Result<(), ResponseRefused> {
    for (name, value) in headers {
        let text = name.as_str();
        if !is_valid_name(text.as_bytes()) {
            return Err(ResponseRefused::InvalidName {
                name: text.escape_default().take(64).collect(),
            });
        }
        if !is_valid_value(value.as_bytes()) {
            return Err(ResponseRefused::InvalidValue {
                name: text.to_owned(),
            });
        }
        let spelled = folded(text);
        if spelled != text && ResponseHeaderClass::of(&spelled).is_some() {
            return Err(ResponseRefused::LookAlike {
                name: text.to_owned(),
                looks_like: spelled.into_owned(),
            });
        }
    }
    Ok(())
}

/// One value, a clean path under the mount. Several values are ambiguous
/// (which one would a browser follow?) and are dropped.
fn points_inside(headers: &HeaderMap, name: &HeaderName, under_mount: &str) -> bool {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (Some(value), None) => value
            .to_str()
            .is_ok_and(|target| is_clean_path_under(target, under_mount)),
        _ => false,
    }
}
