//! What a header must look like before any rule reads it.
//!
//! A module's fields pass through `wasi:http/types` first: `fields.append`
//! and `fields.set` already answer `invalid-syntax` to the guest for a name
//! that is not an HTTP token (`:status`, `set-cookie `, non-ASCII look-alike
//! letters) and for values with control characters, so such a header never
//! reaches the bridge. Values with `obs-text` (bytes 0x80-0xFF) do get
//! through there, and the bridge must not depend on one engine path anyway:
//! everything here is checked again on what actually arrives.

/// RFC 9110 §5.6.2 `tchar`: the only bytes of a field name.
fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// Whether `name` is a field name the host passes on: a non-empty RFC 9110
/// token, lower case (HTTP/2 and HTTP/3 forbid upper case; `http` stores
/// names lower-cased). A pseudo-header (`:status`) is not a token.
pub fn is_valid_name(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|&b| is_tchar(b) && !b.is_ascii_uppercase())
}

/// Whether `value` is a field value the host passes on: visible ASCII,
/// spaces and tabs only. RFC 9110 §5.5 still tolerates `obs-text` (bytes
/// 0x80-0xFF) for old senders; browsers decode it inconsistently (Latin-1 or
/// UTF-8), so a module has no use for it and a filter reading the value
/// could disagree with the browser about what it says.
pub fn is_valid_value(value: &[u8]) -> bool {
    value
        .iter()
        .all(|&b| b == b'\t' || (b' '..=b'~').contains(&b))
}

/// The name as a server that equates `_` with `-` reads it (CGI, PHP and
/// WSGI environments, nginx with `underscores_in_headers`). A name that only
/// differs from a refused one by this spelling is a disguise, not an
/// accident.
pub fn folded(name: &str) -> std::borrow::Cow<'_, str> {
    if name.contains('_') {
        std::borrow::Cow::Owned(name.replace('_', "-"))
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}
